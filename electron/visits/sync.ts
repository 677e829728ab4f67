import type { DomainSyncApplier } from '../sync/domain-kinds.js';

/** Pulled changes of the visits domain (appointment.* kinds). */
export const visitSync: DomainSyncApplier = {
  kinds: [],
  apply: () => ({ parked: 'unknown-kind' }),
};
