/**
 * The desk's side of sync: everything that reads or writes the desk's store. It runs in the main thread (the one
 * writer connection, docs/design.md); the network side (SyncEngine, in a worker thread or in-process) asks it for ops to
 * push, reports acknowledgements and hands it pulled pages. Every method is synchronous and short.
 *
 * Sync bookkeeping kept in `meta` (never the credential itself, see credentials.ts):
 *   sync.hub_url, sync.hub_id, sync.cert_pem, sync.cert_fingerprint, sync.credential_ref, sync.enrolled_at
 *   sync.cursor          last hub serverSeq applied (stored in the same transaction as the page)
 *   sync.acked_seq       desk_seq up to which the hub acknowledged this desk's outbox (acknowledgements are a prefix
 *                        of the outbox: see ackedSeq)
 *   sync.last_sync_at    last round that completed (push + pull) without error
 *   sync.stamps_seq      outbox desk_seq up to which local writes were copied into the field/entity stamps
 *   sync.mrn_request_id  idempotency key of an MRN block request still to be stored
 */
import type Database from 'better-sqlite3';
import { getMeta, setMeta } from '../store/db.js';
import { stmt } from '../store/stmt-cache.js';
import { SYSTEM_ACTOR, type Store } from '../store/store.js';
import { newId } from '../../shared/ids.js';
import { outboxRowToOpShell, type MrnBlockGrant, type OutboxRow, type PullResponse, type RejectedOp, type SyncOp } from '../../shared/sync/protocol.js';
import { MrnAllocator, storeGrantedBlock } from '../patients/mrn.js';
import { applyPage, catchUpLocalStamps, type PageResult } from './apply.js';

import { META } from './meta.js';
export { META };

/** A batch of this desk's ops, all of one epoch, consecutive seq. */
export interface PushBatch {
  epoch: number;
  /** desk_seq of the epoch's first op (the hub reads it the first time it sees the epoch) */
  epochStartSeq: number;
  /** the ops without payload (null): their payloads are `payloadTexts`, as stored (OutgoingPush) */
  ops: SyncOp[];
  payloadTexts: string[];
  /** more ops of this epoch follow this batch */
  more: boolean;
}

export interface HubEpoch {
  epoch: number;
  startSeq: number;
  lastSeq: number;
}

export interface EpochDecision {
  /** true when this desk moved to a new epoch (restored from a backup, or another copy used the epoch) */
  changed: boolean;
  epoch: number;
  /** ops moved from the old epoch to the new one (written since the restore, never accepted by the hub) */
  moved: number;
}

export interface LocalCounts {
  pending: number;
  rejected: number;
  lastSyncAt: string | null;
}

/** What the network side may ask of the desk (in a worker, each call crosses the MessagePort). */
export interface SyncLocalApi {
  nextBatch(limit: number): PushBatch | null;
  opsFrom(epoch: number, fromSeq: number, limit: number): PushBatch | null;
  ack(epoch: number, ackedSeq: number, rejected: RejectedOp[]): { acked: number };
  cursor(): number;
  applyPage(page: PullResponse): PageResult;
  reconcileEpochs(hubEpochs: HubEpoch[], conflictEpoch?: number): EpochDecision;
  mrnNeed(): { remaining: number; requestId: string | null };
  storeMrnBlock(block: MrnBlockGrant, requestId: string): void;
  recordSuccess(at: string): void;
  counts(): LocalCounts;
}

export type SyncLocalMethod = keyof SyncLocalApi;

/** Ask the hub for another MRN block when the desk holds fewer numbers than this. */
export const MRN_LOW_WATER = 1000;

/**
 * The desk_seq up to which the hub acknowledged this desk's outbox. Acknowledgements are a prefix of the outbox in
 * desk_seq order: epochs are consecutive desk_seq ranges, a push starts at the first op past the watermark, and a new
 * epoch takes over only the unacknowledged suffix of the old one (reconcileEpochs). Rejected ops are acknowledged too.
 */
export function ackedSeq(db: Database.Database): number {
  return Number(getMeta(db, META.ackedSeq) ?? '0');
}

/** Ops the hub has not acknowledged yet ("changes waiting"). */
export function pendingOps(db: Database.Database): number {
  return stmt<[number], { n: number }>(db, 'SELECT COUNT(*) n FROM outbox WHERE desk_seq > ?').get(ackedSeq(db))!.n;
}

export function isEnrolled(db: Database.Database): boolean {
  return !!getMeta(db, META.hubUrl) && !!getMeta(db, META.credentialRef);
}

/**
 * Called once when the desk opens, before any write of this run: if the current epoch already holds ops, later ops
 * go to a new epoch. A desk restored from a backup then never writes a sequence number the original desk may already
 * have pushed in that epoch (the hub would refuse it as a different op), even if it works offline for a day before
 * its first sync. Costs one epoch per start of an enrolled desk; the hub keeps one small row per epoch.
 */
export function beginEpochSession(store: Store): void {
  if (!isEnrolled(store.db)) return;
  const cur = store.deskEpoch;
  const has = store.db.prepare('SELECT 1 FROM outbox WHERE desk_epoch = ? LIMIT 1').get(cur);
  if (!has) return;
  setMeta(store.db, 'desk_epoch', String(cur + 1));
  store.refreshIdentity();
}

export class DeskSyncLocal implements SyncLocalApi {
  private readonly s;
  private readonly epochStarts = new Map<number, number>();
  constructor(readonly store: Store) {
    const db = store.db;
    this.s = {
      firstUnacked: db.prepare<[number], { desk_seq: number; desk_epoch: number }>('SELECT desk_seq, desk_epoch FROM outbox WHERE desk_seq > ? ORDER BY desk_seq LIMIT 1'),
      rowsFrom: db.prepare<[number, number, number], OutboxRow>(
        'SELECT desk_seq, op_id, desk_id, desk_epoch, kind, entity_id, payload, hlc, schema_version FROM outbox WHERE desk_epoch = ? AND desk_seq >= ? ORDER BY desk_seq LIMIT ?',
      ),
      epochRange: db.prepare<[number], { lo: number | null; hi: number | null }>('SELECT MIN(desk_seq) lo, MAX(desk_seq) hi FROM outbox WHERE desk_epoch = ?'),
      // backwards from the hub's seq along the primary key: stops at the epoch's last op (no scan of the whole outbox)
      lastOfEpochUpTo: db.prepare<[number, number], { hi: number }>('SELECT desk_seq hi FROM outbox WHERE desk_seq <= ? AND desk_epoch = ? ORDER BY desk_seq DESC LIMIT 1'),
      reject: db.prepare('UPDATE outbox SET rejected_reason = ?, rejected_message = ? WHERE op_id = ? AND rejected_reason IS NULL'),
      rejected: db.prepare<[], { n: number }>('SELECT COUNT(*) n FROM outbox WHERE rejected_reason IS NOT NULL'),
    };
  }

  private get db(): Database.Database {
    return this.store.db;
  }

  nextBatch(limit: number): PushBatch | null {
    const first = this.s.firstUnacked.get(ackedSeq(this.db));
    if (!first) return null;
    return this.opsFrom(first.desk_epoch, first.desk_seq, limit);
  }

  /** Ops of `epoch` from `fromSeq` on, acknowledged or not (a hub restored from a backup asks for them again). */
  opsFrom(epoch: number, fromSeq: number, limit: number): PushBatch | null {
    const lo = this.epochStart(epoch);
    if (lo === null || fromSeq < lo) return null;
    const rows = this.s.rowsFrom.all(epoch, fromSeq, limit + 1);
    if (rows.length === 0) return null;
    const more = rows.length > limit;
    if (more) rows.pop();
    return { epoch, epochStartSeq: lo, ops: rows.map(outboxRowToOpShell), payloadTexts: rows.map((r) => r.payload), more };
  }

  /**
   * The first desk_seq of `epoch` (null: no op). Fixed once the epoch has an op (outbox rows are never deleted), so
   * it is looked up once per epoch: the lookup reads the whole outbox (no index on desk_epoch).
   */
  private epochStart(epoch: number): number | null {
    const known = this.epochStarts.get(epoch);
    if (known !== undefined) return known;
    const range = this.s.epochRange.get(epoch);
    if (!range || range.lo === null) return null;
    this.epochStarts.set(epoch, range.lo);
    return range.lo;
  }

  /**
   * Marks the ops of `epoch` up to `hubSeq` acknowledged: moves the watermark (sync.acked_seq) to the last of them
   * this desk holds, never back (a hub restored from a backup acknowledges older ops again). Committed without waiting
   * for the disk (synchronous=NORMAL for this one transaction; the next ordinary write makes it durable): an
   * acknowledgement lost to a power cut only means the ops are sent again, and the hub acknowledges them again
   * without applying them twice.
   */
  ack(epoch: number, hubSeq: number, rejected: RejectedOp[]): { acked: number } {
    return this.withoutFsync(() =>
      this.db.transaction(() => {
        const was = ackedSeq(this.db);
        const hi = this.s.lastOfEpochUpTo.get(hubSeq, epoch)?.hi ?? null;
        let acked = 0;
        if (hi !== null && hi > was) {
          acked = stmt<[number, number], { n: number }>(this.db, 'SELECT COUNT(*) n FROM outbox WHERE desk_seq > ? AND desk_seq <= ?').get(was, hi)!.n;
          setMeta(this.db, META.ackedSeq, String(hi));
        }
        for (const x of rejected) this.s.reject.run(x.reason, x.message.slice(0, 500), x.opId);
        return { acked };
      }).immediate(),
    );
  }

  cursor(): number {
    return Number(getMeta(this.db, META.cursor) ?? '0');
  }

  /**
   * Applies a pulled page with its cursor in one transaction, committed without waiting for the disk (like ack): a
   * page lost to a power cut takes its cursor with it, so it is simply pulled and applied again; the next ordinary
   * write (synchronous=FULL) makes it durable along with itself. A desk catching up a long feed no longer waits for
   * one fsync per page.
   */
  applyPage(page: PullResponse): PageResult {
    return this.withoutFsync(() => applyPage(this.store, page));
  }

  private withoutFsync<T>(fn: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /**
   * Compares this desk's epochs with what the hub holds for it. The current epoch is unusable when the hub knows a
   * later epoch of this desk, or holds ops in the current epoch this desk does not have (restored from a backup), or
   * started it at another seq. Then the desk moves to a new epoch (above every epoch the hub knows) and the ops of the
   * unusable epoch — all written since this start (see beginEpochSession), none accepted by the hub — move with it.
   */
  reconcileEpochs(hubEpochs: HubEpoch[], conflictEpoch?: number): EpochDecision {
    return this.db.transaction((): EpochDecision => {
      const cur = Number(getMeta(this.db, 'desk_epoch'));
      // The hub refused a push of the current epoch as a different op at a seq it holds (OP_MISMATCH): another copy
      // of this desk (the original of a restored backup) used this epoch first. If the hub accepted none of this
      // epoch's ops from us (none acknowledged), they move to a new epoch. Otherwise it is a real protocol error.
      const acked = ackedSeq(this.db);
      const forced = conflictEpoch === cur && !this.db.prepare('SELECT 1 FROM outbox WHERE desk_epoch = ? AND desk_seq <= ? LIMIT 1').get(cur, acked);
      const maxHub = hubEpochs.reduce((m, e) => Math.max(m, e.epoch), 0);
      const hubCur = hubEpochs.find((e) => e.epoch === cur);
      const local = this.s.epochRange.get(cur);
      const lo = local?.lo ?? null;
      const hi = local?.hi ?? null;
      const unusable =
        forced ||
        maxHub > cur ||
        (hubCur !== undefined && hubCur.lastSeq >= hubCur.startSeq && (lo === null || hi === null || hubCur.startSeq !== lo || hubCur.lastSeq > hi));
      if (!unusable) return { changed: false, epoch: cur, moved: 0 };
      const next = Math.max(cur, maxHub) + 1;
      // Unacknowledged ops are a suffix of the epoch (acks are a prefix), so they stay consecutive in the new one.
      const moved = this.db.prepare('UPDATE outbox SET desk_epoch = ? WHERE desk_epoch = ? AND desk_seq > ?').run(next, cur, acked).changes;
      setMeta(this.db, 'desk_epoch', String(next));
      this.store.refreshIdentity();
      return { changed: true, epoch: next, moved };
    }).immediate();
  }

  mrnNeed(): { remaining: number; requestId: string | null } {
    const remaining = MrnAllocator.remaining(this.db);
    let requestId = getMeta(this.db, META.mrnRequestId) ?? null;
    if (remaining < MRN_LOW_WATER && !requestId) {
      requestId = newId();
      setMeta(this.db, META.mrnRequestId, requestId);
    }
    return { remaining, requestId: remaining < MRN_LOW_WATER ? requestId : null };
  }

  /** Stores a block the hub granted for `requestId` (once: a retried request returns the same block). */
  storeMrnBlock(block: MrnBlockGrant, requestId: string): void {
    this.store.remote((tx) => {
      if (getMeta(tx.db, META.mrnRequestId) !== requestId) return;
      const held = tx.db.prepare('SELECT 1 FROM mrn_blocks WHERE block_start = ?').get(block.start);
      if (!held) storeGrantedBlock(tx.db, { start: block.start, end: block.end, source: 'hub' });
      tx.db.prepare('DELETE FROM meta WHERE key = ?').run(META.mrnRequestId);
      tx.audit(SYSTEM_ACTOR, { action: 'sync.mrn_block_granted', entityType: 'mrn_block', entityId: String(block.start), detail: { start: block.start, end: block.end } });
    });
  }

  recordSuccess(at: string): void {
    setMeta(this.db, META.lastSyncAt, at);
  }

  counts(): LocalCounts {
    return { pending: pendingOps(this.db), rejected: this.s.rejected.get()!.n, lastSyncAt: getMeta(this.db, META.lastSyncAt) ?? null };
  }

  /** Copies local writes into the field stamps now (apply does it anyway before every page). */
  catchUpStamps(): number {
    return this.db.transaction(() => catchUpLocalStamps(this.db)).immediate();
  }
}
