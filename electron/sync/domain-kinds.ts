/**
 * How a domain (visits, payments, ...) plugs its op kinds into the desk's sync apply (electron/sync/apply.ts) without
 * the sync code knowing the domain. A domain exports one DomainSyncApplier from its own sync module; the registry is
 * electron/sync/domains.ts.
 */
import type Database from 'better-sqlite3';
import type { Actor, RemoteTx } from '../store/store.js';
import type { Change } from '../../shared/sync/protocol.js';
import type { EventName, EventPayload } from '../../shared/api/contract.js';

/** What applying one pulled change did: applied (also "already so"), or parked with a short machine reason. */
export type Outcome = 'applied' | { parked: string };

export interface DomainApplyContext {
  /** who the change is attributed to on this desk ("Another desk (sync)") */
  actor: Actor;
  /** queue an event to the renderer; sent after the page's transaction commits */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** An outbox row of this desk (for stamping local writes before remote ones are compared with them). */
export interface LocalOutboxRow {
  desk_seq: number;
  op_id: string;
  kind: string;
  entity_id: string;
  payload: string;
  hlc: string;
}

export interface DomainSyncApplier {
  /** the op kinds this domain owns, e.g. 'appointment.booked' */
  readonly kinds: readonly string[];
  /**
   * Apply one pulled change of another desk (or of the hub) inside the page's transaction. Must be idempotent and
   * must never throw for bad data: return { parked: reason } instead (a thrown error fails the whole page).
   * Write through tx.db and tx.audit; never to the outbox (a pulled change is not this desk's op).
   */
  apply(tx: RemoteTx, c: Change, ctx: DomainApplyContext): Outcome;
  /** Optional: record stamps of this desk's own outbox row of one of `kinds` (see catchUpLocalStamps). */
  stampLocal?(db: Database.Database, row: LocalOutboxRow): void;
}
