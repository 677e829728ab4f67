/**
 * Log first, materialise right after (hub migration 7).
 *
 * A push is acknowledged once its new ops are durably logged in `inbox` — one multi-row insert under the hub write
 * lock, with the desk's cursor moved in the same transaction — so a desk coming back from an outage empties its
 * outbox at the speed of a bulk insert, and everything it holds is safe at the hub sooner. The Materializer then
 * applies the inbox in receive order (recv_seq), in transactions of up to BATCH ops, with exactly the rules a push
 * applied before (hub/apply.ts applyFreshOps: validation, field merge, review and merge items, domain appliers):
 * applied ops enter ops + changes, rejected ones ops + rejected_ops + a change that only their own desk pulls (its
 * rejected echo). Moving a batch out of the inbox and applying it is one transaction, so a crash anywhere leaves each
 * op either still in the inbox or applied, never both and never lost; the hub drains what is left when it starts.
 *
 * Reads that promise "everything acknowledged" wait for it (settle): a pull waits for every op other desks had
 * acknowledged before it (HubService.pullJson), review items wait for all. Acknowledged = exactly once: the inbox and
 * ops share op ids and (desk, epoch, seq) checks at push (hub/service.ts).
 */
import type { SyncOp } from '../shared/sync/protocol.js';
import type { HubDb, Queryable } from './db.js';
import { applyFreshOps, recordRejected, type FreshOp } from './apply.js';
import { RejectOp } from './errors.js';
import { opContentHash } from './op-hash.js';
import { changesCommitted } from './notify.js';

/** Ops per materialising transaction: large enough for set-wise runs, small enough not to hold pushes back long. */
export const MATERIALIZE_BATCH = 1000;

/** Quiet time after the last push before the background loop materialises (pushes come first). */
export const IDLE_MS = 50;
/** ...or this long after a push whose desk said another batch follows (`more`), in case it never comes. */
export const MORE_COMING_MS = 2000;

const RS = '\u001e';

/** batch(): the background loop gave way to a push or hold and took nothing. */
const YIELDED = -1;

const INBOX_COLUMNS = 'recv_seq, op_id, desk_id, epoch, seq, kind, entity_id, payload, hlc, schema_version, received_at';

/**
 * Logs a push's new ops (consecutive seq of one desk and epoch) in the inbox, in one statement. Their content hashes
 * (hub/op-hash.ts) are computed when they are materialised, off the acknowledgement's path.
 */
export async function logFreshOps(tx: Queryable, ops: SyncOp[], payloadTexts: Map<string, string>, now: string): Promise<void> {
  const col = <R>(f: (o: SyncOp) => R) => ops.map(f);
  // The payload texts travel as ONE UTF-8 buffer joined by U+001E (record separator), split in SQL: JSON text never
  // holds a raw control character (JSON escapes U+0000..U+001F), and one binary parameter costs the driver far less
  // than a text[] whose every element it must escape and measure.
  const payloads = Buffer.from(col((o) => payloadTexts.get(o.opId) ?? JSON.stringify(o.payload)).join(RS), 'utf8');
  await tx.query(
    `WITH s AS (UPDATE hub_counters SET value = value + $1::bigint WHERE name = 'recv_seq' RETURNING value)
     INSERT INTO inbox (${INBOX_COLUMNS})
     SELECT s.value - $1::bigint + u.n, u.op_id, $2::text, $3::int, u.seq, u.kind, u.entity_id, u.payload, u.hlc, u.sv, $4::timestamptz
     FROM s, unnest($5::text[], $6::bigint[], $7::text[], $8::text[], string_to_array(convert_from($9::bytea, 'UTF8'), chr(30)), $10::text[], $11::int[])
       WITH ORDINALITY AS u(op_id, seq, kind, entity_id, payload, hlc, sv, n)`,
    [
      ops.length, ops[0]!.deskId, ops[0]!.epoch, now,
      col((o) => o.opId), col((o) => o.seq), col((o) => o.kind), col((o) => o.entityId), payloads,
      col((o) => o.hlc), col((o) => o.schemaVersion),
    ],
  );
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

interface InboxRow {
  recv_seq: unknown;
  op_id: string;
  desk_id: string;
  epoch: unknown;
  seq: unknown;
  kind: string;
  entity_id: string;
  payload: string;
  hlc: string;
  schema_version: unknown;
}

export interface MaterializerOptions {
  /** Delay before retry `attempt` (1-based). Default: 250 ms doubling to 30 s. */
  backoffMs?: (attempt: number) => number;
}

export class Materializer {
  private loop: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private pushes = 0;
  /** A materialising transaction failed with a transient error; it is retried (codes only: never data). */
  onError: ((e: { name: string; code: string | null; attempt: number }) => void) | null = null;

  constructor(
    private readonly db: HubDb,
    private readonly now: () => string,
    private readonly opts: MaterializerOptions = {},
  ) {}

  /**
   * Starts draining the inbox in the background (after a push commits, and when the hub starts), once pushes pause
   * for IDLE_MS — or MORE_COMING_MS after a push whose desk said more batches follow: a desk catching up after an
   * outage sends batch after batch, and each is acknowledged without waiting behind a materialising transaction.
   * Reads that need the result do not wait for the pause (settle): pushes that keep the loop waiting delay nothing a
   * desk can see, because a pull applies what other desks had acknowledged before it answers.
   */
  kick(moreComing = false): void {
    if (this.closed) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.start();
    }, moreComing ? MORE_COMING_MS : IDLE_MS);
    this.idleTimer.unref?.();
  }

  /**
   * Holds the background loop back, as a push in flight does, until the returned release is called (tests that look
   * at ops that are only logged; maintenance). Reads still settle what they need (settle), so nothing a desk sees waits.
   */
  hold(): () => void {
    this.pushes++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pushes--;
      this.kick();
    };
  }

  /** A push is about to take the write lock: the background loop stops after its current batch and waits for quiet. */
  pushStarted(): void {
    this.pushes++;
  }

  pushEnded(): void {
    this.pushes--;
  }

  private start(): void {
    if (this.closed) return;
    if (this.loop) {
      this.again = true;
      return;
    }
    this.loop = this.drain().finally(() => {
      this.loop = null;
      if (this.again && !this.closed) {
        this.again = false;
        this.start();
      }
    });
  }

  private async drain(): Promise<void> {
    while (!this.closed) {
      if (this.pushes > 0) {
        this.kick(); // pushes first; resume when they pause
        return;
      }
      try {
        const n = await this.batch(MATERIALIZE_BATCH, true);
        this.failures = 0;
        if (n === YIELDED) {
          this.kick(); // a push (or a hold) came while this batch waited for the write lock
          return;
        }
        if (n === 0) return;
      } catch (e) {
        if (this.closed) return;
        this.failures++;
        const err = e as { name?: string; code?: unknown };
        this.onError?.({ name: err?.name ?? typeof e, code: typeof err?.code === 'string' ? err.code : null, attempt: this.failures });
        const ms = this.opts.backoffMs?.(this.failures) ?? Math.min(30_000, 250 * 2 ** (this.failures - 1));
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.start();
        }, ms);
        this.retryTimer.unref?.();
        return;
      }
    }
  }

  /**
   * Materialises the oldest up-to-BATCH inbox ops in one write transaction. Returns how many it took (0: the inbox is
   * empty). Safe to call concurrently with the background loop: each call takes the write lock and then reads the
   * inbox, so two calls never take the same ops. `background` (the loop): once it has the write lock, a batch gives
   * way (YIELDED, takes nothing) to a push or hold that started while it waited for the lock — checking only before
   * asking for the lock would let a batch queued behind a busy lock apply ops a hold was meant to keep logged.
   */
  async batch(limit = MATERIALIZE_BATCH, background = false): Promise<number> {
    const taken = await this.db.write(async (tx) => {
      if (background && this.pushes > 0) return YIELDED;
      const r = await tx.query<InboxRow>(`SELECT ${INBOX_COLUMNS} FROM inbox ORDER BY recv_seq LIMIT $1`, [limit]);
      if (r.rows.length === 0) return 0;
      const now = this.now();
      // applyFreshOps takes one desk's consecutive ops: split the receive order into runs of one desk and epoch
      let run: FreshOp[] = [];
      let key = '';
      for (const row of r.rows) {
        const k = `${row.desk_id}|${Number(row.epoch)}`;
        // a payload sent as text (application/json-seq, protocol 2) is first parsed here: one that is not JSON is rejected, in its turn
        const payload = parseJson(row.payload);
        if ((k !== key || payload === NOT_JSON) && run.length) {
          await applyFreshOps(tx, run, now);
          run = [];
        }
        key = k;
        const op: SyncOp = {
          opId: row.op_id,
          deskId: row.desk_id,
          epoch: Number(row.epoch),
          seq: Number(row.seq),
          kind: row.kind,
          entityId: row.entity_id,
          payload: payload === NOT_JSON ? null : payload,
          hlc: row.hlc,
          schemaVersion: Number(row.schema_version),
        };
        const f: FreshOp = { op, hash: opContentHash(op, row.payload), payloadText: row.payload };
        if (payload === NOT_JSON) await recordRejected(tx, f, new RejectOp('invalid-payload', `${row.kind} payload is not JSON text`), now, false);
        else run.push(f);
      }
      if (run.length) await applyFreshOps(tx, run, now);
      await tx.query('DELETE FROM inbox WHERE recv_seq <= $1', [Number(r.rows[r.rows.length - 1]!.recv_seq)]);
      return r.rows.length;
    });
    // committed: desks long-polling GET /sync/wait pull now (hub/notify.ts)
    if (taken > 0) changesCommitted(this.db);
    return taken;
  }

  /**
   * Resolves once every op logged before this call is materialised — not counting `exceptDesk`'s own ops after the
   * last other desk's op (what that desk's read does not need). Materialises in this call when needed (receive order).
   */
  async settle(exceptDesk?: string): Promise<void> {
    const t = await this.db.query<{ m: unknown }>('SELECT MAX(recv_seq) m FROM inbox WHERE desk_id <> $1', [exceptDesk ?? '']);
    if (t.rows[0]?.m === null || t.rows[0]?.m === undefined) return;
    const target = Number(t.rows[0].m);
    for (;;) {
      const left = await this.db.query('SELECT 1 FROM inbox WHERE recv_seq <= $1 LIMIT 1', [target]);
      if (left.rows.length === 0) return;
      if (this.closed) throw new Error('The hub is shutting down.');
      await this.batch();
    }
  }

  /** Stops the background loop and waits for a batch in flight (the inbox keeps the rest for the next start). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.loop?.catch(() => undefined);
  }
}
