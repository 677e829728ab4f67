/**
 * "Something new in the change feed" for desks that long-poll (GET /sync/wait, hub/server.ts).
 *
 * Two sources wake a waiting desk:
 *   - an in-process event: whatever advances server_seq calls `changesCommitted(db)` right AFTER its transaction
 *     committed — the materialiser's batch (hub/materialize.ts), a schedule-feed message (hub/feeds/ingest.ts), a
 *     review resolution (hub/server.ts, after HubService.resolveReviewItem) — and the server's ChangeNotifier re-reads
 *     the head;
 *   - a short internal poll of server_seq (POLL_MS) while anyone waits, so a commit this process did not see (another
 *     hub process on the same PostgreSQL database, or a path that forgot to emit) still wakes waiters within a second.
 *
 * The event carries no data: the notifier reads hub_counters.server_seq itself (one query, coalesced however many
 * commits arrive meanwhile). A waiter is registered BEFORE the head is read, so a commit can never slip between the
 * read and the registration.
 *
 * Bounded: one open wait per desk (a newer wait of the same desk answers the older one at once, as "nothing new"),
 * and at most `maxWaiters` overall (beyond it `wait` throws WaitersFull: the server answers 503 HUB_BUSY and the desk
 * falls back to interval pulls). `close()` answers every waiter at once (hub stop), so the HTTP server can close
 * without waiting for long polls to time out.
 */

/** The in-process event, keyed by the hub's database handle (each hub in a process has its own). */
const listeners = new WeakMap<object, Set<() => void>>();

/** Call after a transaction that may have advanced server_seq has COMMITTED (never inside it). */
export function changesCommitted(db: object): void {
  const set = listeners.get(db);
  if (!set) return;
  for (const fn of [...set]) {
    try {
      fn();
    } catch {
      /* a listener never breaks the writer */
    }
  }
}

/** Subscribes to `changesCommitted(db)`; returns the unsubscribe function. */
export function onChangesCommitted(db: object, fn: () => void): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(fn);
  return () => {
    set.delete(fn);
  };
}

export const POLL_MS = 1000;
export const MAX_WAITERS = 500;

export class WaitersFull extends Error {
  constructor() {
    super('too many desks are waiting for changes');
    this.name = 'WaitersFull';
  }
}

export interface ChangeNotifierOptions {
  /** reads hub_counters.server_seq */
  headSeq: () => Promise<number>;
  /** internal poll while anyone waits (default POLL_MS) */
  pollMs?: number;
  /** open waits overall (default MAX_WAITERS) */
  maxWaiters?: number;
  /** a head read failed (codes only; the next poll retries) */
  onError?: (e: { name: string; code: string | null }) => void;
}

interface Waiter {
  deskId: string;
  cursor: number;
  resolve: (head: number) => void;
  timer: NodeJS.Timeout | null;
  done: boolean;
}

export class ChangeNotifier {
  private readonly waiters = new Map<string, Waiter>();
  /** last head read (-1: none yet) */
  private head = -1;
  private reading: Promise<void> | null = null;
  private again = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly pollMs: number;
  private readonly maxWaiters: number;

  constructor(private readonly opts: ChangeNotifierOptions) {
    this.pollMs = opts.pollMs ?? POLL_MS;
    this.maxWaiters = opts.maxWaiters ?? MAX_WAITERS;
  }

  /** Open waits right now. */
  get size(): number {
    return this.waiters.size;
  }

  /**
   * Resolves with the head once it is past `cursor`, or after `timeoutMs` (or when `signal` aborts, or on close) with
   * the last head read. Throws WaitersFull beyond the overall limit; a failed head read with timeoutMs 0 throws it.
   */
  async wait(deskId: string, cursor: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    if (this.closed) return this.known(cursor);
    if (timeoutMs <= 0) return this.opts.headSeq();
    const older = this.waiters.get(deskId);
    if (older) this.finish(older, this.known(older.cursor)); // one per desk: the newer request wins
    if (this.waiters.size >= this.maxWaiters) throw new WaitersFull();
    return new Promise<number>((resolve) => {
      const w: Waiter = { deskId, cursor, resolve, timer: null, done: false };
      w.timer = setTimeout(() => this.finish(w, this.known(cursor)), timeoutMs);
      w.timer.unref?.();
      this.waiters.set(deskId, w);
      if (signal) {
        if (signal.aborted) return this.finish(w, this.known(cursor));
        signal.addEventListener('abort', () => this.finish(w, this.known(cursor)), { once: true });
      }
      this.ensurePolling();
      this.refresh(); // registered first, then read: no commit can fall in between
    });
  }

  /** Something committed that may have advanced server_seq: re-read the head and wake who it concerns. */
  changed(): void {
    if (this.waiters.size > 0) this.refresh();
  }

  /** Answers every waiter now (with the last head read) and refuses to wait from here on. */
  close(): void {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    for (const w of [...this.waiters.values()]) this.finish(w, this.known(w.cursor));
  }

  private known(cursor: number): number {
    return this.head >= 0 ? this.head : cursor;
  }

  private finish(w: Waiter, head: number): void {
    if (w.done) return;
    w.done = true;
    if (w.timer) clearTimeout(w.timer);
    if (this.waiters.get(w.deskId) === w) this.waiters.delete(w.deskId);
    if (this.waiters.size === 0 && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = null;
    }
    w.resolve(head);
  }

  private ensurePolling(): void {
    if (this.pollTimer || this.closed) return;
    this.pollTimer = setInterval(() => this.refresh(), this.pollMs);
    this.pollTimer.unref?.();
  }

  /** One head read at a time; reads requested meanwhile coalesce into one more read after it. */
  private refresh(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          const h = await this.opts.headSeq();
          this.head = h;
          for (const w of [...this.waiters.values()]) if (h > w.cursor) this.finish(w, h);
        } catch (e) {
          const err = e as { name?: string; code?: unknown };
          this.opts.onError?.({ name: err?.name ?? typeof e, code: typeof err?.code === 'string' ? err.code : null });
          return; // the poll tries again
        }
      } while (this.again && this.waiters.size > 0);
    })().finally(() => {
      this.reading = null;
    });
  }
}
