/**
 * How a domain (visits, payments, ...) plugs its op kinds into the hub's push apply (hub/apply.ts) without the sync
 * core knowing the domain. The registry is hub/domains.ts.
 */
import type { Queryable } from './db.js';
import type { SyncOp } from '../shared/sync/protocol.js';

export interface HubDomainApplier {
  /** the op kinds this domain owns, e.g. 'appointment.booked' */
  readonly kinds: readonly string[];
  /**
   * Apply one accepted op inside the push transaction (the op's own savepoint). Throw RejectOp (hub/errors.ts) for a
   * permanently invalid op: the hub records it as rejected and moves on (e.g. an illegal state transition); anything
   * else thrown is treated as transient (the batch is retried later).
   */
  apply(tx: Queryable, op: SyncOp, now: string): Promise<void>;
}
