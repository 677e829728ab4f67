import type { HubDomainApplier } from '../domain-kinds.js';

/** Hub side of the payments and drawer domains. */
export const paymentHubApply: HubDomainApplier = {
  kinds: [],
  apply: async () => {},
};
