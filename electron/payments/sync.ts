import type { DomainSyncApplier } from '../sync/domain-kinds.js';

/** Pulled changes of the payments and drawer domains. */
export const paymentSync: DomainSyncApplier = {
  kinds: [],
  apply: () => ({ parked: 'unknown-kind' }),
};
