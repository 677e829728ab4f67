/**
 * The desk's sync engine: network I/O, scheduling and backoff (docs/design.md section 4; issue 3). It never touches the
 * store directly: every read and write goes through a `SyncLocalApi` (electron/sync/local.ts), which lives in the
 * main thread with the one writer connection. The same class runs
 *   - in a worker thread (electron/sync/worker.ts; the local side is reached over a MessagePort), which is what the
 *     app does, or
 *   - in-process (the local side is a DeskSyncLocal called directly), for deterministic tests: several desks and a
 *     hub in one process, with a fault-injecting HubTransport wrapped around the real one.
 *
 * API
 * ---
 *   new SyncEngine({ local, transport, clock?, onStatus?, options? })
 *     local      SyncLocalApi (sync or async methods): new DeskSyncLocal(store) in-process
 *     transport  HubTransport: createHttpTransport({ hubUrl, credential, certPem?, fingerprint?, timeoutMs? }), or a
 *                wrapper of it that injects faults (throw HubRequestError(0, 'NETWORK', …) for a dropped connection)
 *     clock      { now(): Date } for timestamps and clock-skew (default: system clock)
 *     onStatus   called with a fresh EngineStatus after every change of state
 *     options    SyncEngineOptions (intervals, backoff, batch sizes, jitter source)
 *   engine.start()                 begin scheduled rounds (first round at once); idempotent
 *   engine.stop(): Promise<void>   no further rounds; resolves when the round in flight (if any) has ended. After stop
 *                                  the engine never calls `local` again, even if a request was still on the wire.
 *   engine.syncOnce(): Promise<SyncRoundResult>
 *                                  one round now (waits for a round in flight first): handshake on first contact
 *                                  (hub status, epoch check), push every pending op, pull every page, top up MRN blocks,
 *                                  refresh the open review item count. Works without start() (deterministic tests).
 *   engine.syncNow()               = syncOnce(), and when started, resets the backoff and reschedules from now
 *   engine.notifyLocalWrite()      a local write committed: push soon (debounced pushDelayMs) unless offline/refused
 *                                  (then the backoff schedule stands: no hammering a hub that is down)
 *   engine.waiting: boolean        a change-notification wait is open and the hub answered the last one (see below)
 *   engine.status(): EngineStatus  state ('online' | 'offline' | 'refused'), refusal, lastAttemptAt, lastSuccessAt,
 *                                  nextAttemptAt, clockSkewMs, openReviewItems, consecutiveFailures
 *   engine.reviewItems(status) / engine.resolveReviewItem(id, {resolution, note, resolvedBy?})   hub calls (errors propagate)
 *
 * Change notifications (GET /sync/wait, hub/notify.ts): while started and online the engine keeps ONE long-poll
 * request open with its pull cursor (the first one of a run is a probe with timeoutMs 0, answered at once). When the hub answers with a head past the cursor, a round runs at once (push +
 * pull), then the next wait opens; an answer at the timeout (nothing new) just opens the next wait. While waits work
 * the interval rounds stay as a fallback at `notifiedPullIntervalMs` (default 30 s). A wait that fails to connect
 * (hub stopped or stopping, network cut) closes the loop and runs a round after backoffMs(failed waits in a row): that
 * round decides offline / backoff exactly as before, and the next round that succeeds opens a wait again. A wait the
 * hub refuses (4xx, e.g. 404 from a hub without /sync/wait; 503 HUB_BUSY at its waiter limit) pauses waiting for
 * WAIT_PAUSE_MS; rounds go back to `pullIntervalMs`. Waiting never touches the store except reading the cursor.
 *
 * Round outcome rules:
 *   NETWORK / HUB_BUSY / 5xx / unreadable answer   -> 'offline', retry after backoff: min(max, base * 2^(n-1)),
 *                                                    times a jitter factor in [0.5, 1); forever, no local write needed
 *   SEQ_GAP                                        -> resend from the hub's expectedSeq (acknowledged rows are kept)
 *   OP_MISMATCH                                    -> re-check epochs with the hub once (a restored desk moves to a
 *                                                    new epoch); if it persists: 'refused'
 *   UNAUTHORIZED / DESK_REVOKED / PIN_MISMATCH / FORBIDDEN / VALIDATION / CURSOR_AHEAD
 *                                                  -> 'refused' with a message a person can act on; no scheduled
 *                                                    rounds (syncNow still tries); local work is never affected
 *   SCHEMA_UNSUPPORTED                             -> ops kept, pushing paused for this round, pull continues; the
 *                                                    refusal note says the hub needs an update
 *   rejected ops                                   -> acknowledged (the hub logs a push, then applies it), and
 *                                                    come back as rejected echoes in a later pull: marked in the
 *                                                    outbox (rejected_reason), counted
 */
import type { Clock } from '../store/store.js';
import { HubClient, HubRequestError, type HubClientOptions } from '../../shared/sync/hub-client.js';
import {
  DEFAULT_PULL_LIMIT,
  MAX_PUSH_OPS,
  type MrnBlockGrant,
  type PullResponse,
  type OutgoingPush,
  type PushResponse,
  type ResolveReviewItemRequest,
  type ResolveReviewItemResponse,
  type ReviewItem,
  type StatusResponse,
  type WaitResponse,
  WAIT_DEFAULT_TIMEOUT_MS,
  PUSH_SEQ_PROTOCOL,
} from '../../shared/sync/protocol.js';
import type { PushBatch, SyncLocalApi } from './local.js';
import { log } from '../log.js';

// ---- transport ----------------------------------------------------------------------------------------------------

export type ReviewResolution = ResolveReviewItemRequest['resolution'];

/** The hub as the engine sees it. Implementations throw HubRequestError (code 'NETWORK' for connection trouble). */
export interface HubTransport {
  push(req: OutgoingPush): Promise<PushResponse>;
  /** `echoes: 'slim'`: the hub may leave out the payloads of this desk's own changes (payloadOmitted). */
  pull(cursor: number, limit: number, echoes?: 'slim'): Promise<PullResponse>;
  status(): Promise<StatusResponse>;
  /** Long poll: the hub's head once it is past `cursor`, or after `timeoutMs` the same head (GET /sync/wait). */
  wait(cursor: number, timeoutMs: number): Promise<WaitResponse>;
  mrnBlock(requestId: string): Promise<MrnBlockGrant>;
  reviewItems(status: 'open' | 'all'): Promise<ReviewItem[]>;
  resolveReviewItem(id: string, body: ResolveReviewItemRequest): Promise<ResolveReviewItemResponse>;
  /** Drops keep-alive connections and aborts requests in flight. */
  close(): void;
}

export interface HubConnection {
  hubUrl: string;
  credential: string;
  /** the pinned certificate (https hubs) */
  certPem?: string;
  fingerprint?: string;
  timeoutMs?: number;
}

/** The real transport: HubClient over HTTPS with the hub's certificate pinned (plain HTTP only for loopback tests). */
export function createHttpTransport(c: HubConnection): HubTransport {
  const opts: HubClientOptions = { baseUrl: c.hubUrl, credential: c.credential, certPem: c.certPem, fingerprint: c.fingerprint, timeoutMs: c.timeoutMs ?? 30_000 };
  const client = new HubClient(opts);
  return {
    push: (req) => client.push(req),
    pull: (cursor, limit, echoes) => client.pull(cursor, limit, echoes),
    status: () => client.status(),
    wait: (cursor, timeoutMs) => client.wait(cursor, timeoutMs),
    mrnBlock: (requestId) => client.mrnBlock(requestId),
    reviewItems: (status) => client.reviewItems(status),
    async resolveReviewItem(id, body) {
      try {
        return await client.resolveReviewItem(id, body);
      } catch (e) {
        if (e instanceof HubRequestError && e.status === 404) {
          throw new HubRequestError(404, 'NOT_FOUND', /route/i.test(e.message) ? 'This hub cannot resolve review items yet (update the hub).' : 'The hub does not know this review item.');
        }
        throw e;
      }
    },
    close: () => client.close(),
  };
}

// ---- engine -------------------------------------------------------------------------------------------------------

export type EngineState = 'online' | 'offline' | 'refused';

export interface EngineStatus {
  state: EngineState;
  refusal: { code: string; message: string } | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  nextAttemptAt: string | null;
  /** desk clock minus hub clock (ms), from the last answer that carried serverTime */
  clockSkewMs: number | null;
  openReviewItems: number;
  consecutiveFailures: number;
  /** a change-notification wait (GET /sync/wait) is open and the hub answered the last one: rounds run on its
   *  answers, interval rounds are only the fallback */
  notifications: boolean;
  /** a round pulling more than one page: changes applied so far of those the hub held when the round began */
  catchingUp: { done: number; of: number } | null;
}

export interface SyncRoundResult {
  ok: boolean;
  /** ops this desk's outbox marked acknowledged in this round */
  pushed: number;
  /** of those, refused permanently by the hub */
  rejected: number;
  /** pulled changes applied (own echoes not counted) */
  pulled: number;
  pages: number;
  /** set when this round moved the desk to a new epoch */
  newEpoch: number | null;
  error: { code: string; message: string; retryable: boolean } | null;
}

export interface SyncEngineOptions {
  /** pause between rounds while online and no change-notification wait works (default 5 s) */
  pullIntervalMs?: number;
  /** keep a change-notification wait open while online (default true) */
  notify?: boolean;
  /** how long one wait may stay open at the hub (default WAIT_DEFAULT_TIMEOUT_MS, 25 s) */
  waitTimeoutMs?: number;
  /**
   * pause between fallback rounds while waits work (default 30 s; when pullIntervalMs is given and this is not, the
   * same as pullIntervalMs: the caller asked for that cadence)
   */
  notifiedPullIntervalMs?: number;
  /** debounce between a local write and its push (default 200 ms) */
  pushDelayMs?: number;
  /** first retry delay after a failure (default 1 s), doubling up to backoffMaxMs (default 60 s) */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  pushBatchSize?: number;
  pullPageSize?: number;
  /** how often a round also fetches the open review items (default 30 s; 0 = every round) */
  reviewItemsEveryMs?: number;
  /** jitter source in [0, 1) (default Math.random) */
  random?: () => number;
}

type Awaitable<T> = T | Promise<T>;

/** The methods of SyncLocalApi (what crosses the MessagePort in worker mode). */
export const SYNC_LOCAL_METHODS = [
  'nextBatch',
  'opsFrom',
  'ack',
  'cursor',
  'applyPage',
  'reconcileEpochs',
  'mrnNeed',
  'storeMrnBlock',
  'recordSuccess',
  'counts',
] as const satisfies readonly (keyof SyncLocalApi)[];
/** The local side, sync (in-process) or async (over a MessagePort). */
export type LocalSide = { [K in keyof SyncLocalApi]: (...a: Parameters<SyncLocalApi[K]>) => Awaitable<ReturnType<SyncLocalApi[K]>> };

export interface SyncEngineDeps {
  local: LocalSide;
  transport: HubTransport;
  clock?: Clock;
  onStatus?: (s: EngineStatus) => void;
  options?: SyncEngineOptions;
}

/** After the hub answered a wait with an error (no /sync/wait, waiter limit): interval rounds only, this long. */
export const WAIT_PAUSE_MS = 5 * 60_000;

class Stopped extends Error {
  constructor() {
    super('sync engine stopped');
  }
}

interface Refusal {
  code: string;
  message: string;
  retryable: boolean;
}

const REFUSAL_TEXT: Record<string, string> = {
  UNAUTHORIZED: 'The hub does not recognise this desk’s credential. An administrator must enroll the desk again with a new code.',
  DESK_REVOKED: 'The hub administrator revoked this desk’s access. Local work continues; an administrator must enroll the desk again.',
  PIN_MISMATCH: 'The hub’s certificate is not the one this desk was enrolled with (fingerprint mismatch). Do not sync until an administrator checks the hub, then enroll again.',
};

export function classifyError(e: unknown): Refusal {
  if (e instanceof HubRequestError) {
    if (e.code === 'NETWORK' || e.code === 'HUB_BUSY' || e.code === 'BAD_RESPONSE' || e.status >= 500) {
      return { code: e.code, message: e.code === 'HUB_BUSY' ? 'The hub is busy; retrying.' : 'The hub cannot be reached; retrying. Local work continues.', retryable: true };
    }
    return { code: e.code, message: REFUSAL_TEXT[e.code] ?? e.message, retryable: false };
  }
  // Not an answer from the hub: this desk failed to store what it received (or its sync channel closed). Retried.
  return { code: 'DESK_ERROR', message: 'This desk could not store the changes it received from the hub; retrying. Local work continues.', retryable: true };
}

export class SyncEngine {
  readonly transport: HubTransport;
  private readonly local: LocalSide;
  private readonly clock: Clock;
  private readonly onStatus?: (s: EngineStatus) => void;
  private readonly o: Required<SyncEngineOptions>;
  private st: EngineStatus = {
    state: 'offline',
    refusal: null,
    lastAttemptAt: null,
    lastSuccessAt: null,
    nextAttemptAt: null,
    clockSkewMs: null,
    openReviewItems: 0,
    consecutiveFailures: 0,
    notifications: false,
    catchingUp: null,
  };
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  private handshakeDone = false;
  /** the hub's protocol version (its status, at the handshake): pushes go as application/json-seq from version 2 on */
  private hubProtocol = 1;
  private lastReviewFetch = -Infinity;
  private waitLoop: Promise<void> | null = null;
  private waitWorks = false;
  private waitFailures = 0;
  private waitPausedUntil = 0;
  private stopNow!: (e: Stopped) => void;
  /** rejects when stop() is called: a wait (or a pause) in flight ends at once */
  private readonly stopSignal = new Promise<never>((_, reject) => {
    this.stopNow = reject;
  });

  constructor(deps: SyncEngineDeps) {
    this.local = deps.local;
    this.transport = deps.transport;
    this.clock = deps.clock ?? { now: () => new Date() };
    this.onStatus = deps.onStatus;
    const o = deps.options ?? {};
    this.o = {
      pullIntervalMs: o.pullIntervalMs ?? 5000,
      pushDelayMs: o.pushDelayMs ?? 200,
      backoffBaseMs: o.backoffBaseMs ?? 1000,
      backoffMaxMs: o.backoffMaxMs ?? 60_000,
      pushBatchSize: Math.min(o.pushBatchSize ?? MAX_PUSH_OPS, MAX_PUSH_OPS),
      pullPageSize: o.pullPageSize ?? DEFAULT_PULL_LIMIT,
      reviewItemsEveryMs: o.reviewItemsEveryMs ?? 30_000,
      random: o.random ?? Math.random,
      notify: o.notify ?? true,
      waitTimeoutMs: o.waitTimeoutMs ?? WAIT_DEFAULT_TIMEOUT_MS,
      notifiedPullIntervalMs: o.notifiedPullIntervalMs ?? o.pullIntervalMs ?? 30_000,
    };
    this.stopSignal.catch(() => undefined);
  }

  /** A change-notification wait is open (or about to reopen) and the hub answered the last one. */
  get waiting(): boolean {
    return this.waitLoop !== null && this.waitWorks;
  }

  private setWaitWorks(v: boolean): void {
    this.waitWorks = v;
    if (this.st.notifications !== v) this.update({ notifications: v });
  }

  status(): EngineStatus {
    return { ...this.st, refusal: this.st.refusal ? { ...this.st.refusal } : null };
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    this.clearTimer();
    this.stopNow(new Stopped());
    this.transport.close();
    if (this.st.nextAttemptAt) this.update({ nextAttemptAt: null });
    await this.chain.catch(() => undefined);
    await this.waitLoop?.catch(() => undefined);
  }

  notifyLocalWrite(): void {
    if (!this.running || this.st.state !== 'online') return;
    this.schedule(this.o.pushDelayMs);
  }

  /** One round now; when started, the schedule restarts from its outcome (backoff reset on success). */
  async syncNow(): Promise<SyncRoundResult> {
    if (this.running) this.clearTimer();
    const r = await this.syncOnce();
    if (this.running && !this.timer && this.inFlight === 0) this.scheduleAfter(r);
    return r;
  }

  syncOnce(): Promise<SyncRoundResult> {
    this.inFlight++;
    const p = this.chain.then(() => this.round());
    this.chain = p.catch(() => undefined);
    return p.finally(() => {
      this.inFlight--;
    });
  }

  async reviewItems(status: 'open' | 'all'): Promise<ReviewItem[]> {
    const items = await this.transport.reviewItems(status);
    if (status === 'open') this.update({ openReviewItems: items.length });
    else this.update({ openReviewItems: items.filter((i) => i.status === 'open').length });
    return items;
  }

  async resolveReviewItem(id: string, body: ResolveReviewItemRequest): Promise<ResolveReviewItemResponse> {
    const r = await this.transport.resolveReviewItem(id, body);
    this.lastReviewFetch = -Infinity; // refresh the count next round
    return r;
  }

  // ---- scheduling -------------------------------------------------------------------------------------------------

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Runs a round in `ms` (keeps an earlier timer that is already due sooner). */
  private schedule(ms: number): void {
    if (!this.running) return;
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.syncOnce().then((r) => {
        if (this.running && !this.timer && this.inFlight === 0) this.scheduleAfter(r);
      });
    }, ms);
    this.timer.unref?.();
    this.update({ nextAttemptAt: new Date(this.clock.now().getTime() + ms).toISOString() });
  }

  private scheduleAfter(r: SyncRoundResult): void {
    if (r.ok) {
      this.schedule(this.waitWorks ? this.o.notifiedPullIntervalMs : this.o.pullIntervalMs);
      this.ensureWaiting();
      return;
    }
    if (this.st.state === 'refused') {
      this.update({ nextAttemptAt: null });
      return;
    }
    this.schedule(this.backoffMs(this.st.consecutiveFailures));
  }

  // ---- change notifications (GET /sync/wait) ------------------------------------------------------------------------

  private ensureWaiting(): void {
    if (!this.o.notify || !this.running || this.stopped || this.waitLoop || this.st.state !== 'online') return;
    if (Date.now() < this.waitPausedUntil) return;
    this.waitLoop = this.waitForChanges()
      .catch(() => undefined)
      .finally(() => {
        this.waitLoop = null;
      });
  }

  /** Resolves with `p`, or rejects with Stopped as soon as stop() is called. */
  private untilStopped<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.stopSignal]);
  }

  private async waitForChanges(): Promise<void> {
    let lastCursor = -1;
    // the first wait is a probe (timeoutMs 0, answered at once): it tells whether this hub offers notifications
    let probed = false;
    while (this.running && !this.stopped && this.st.state === 'online') {
      let cursor: number;
      let head: number;
      try {
        cursor = await this.call('cursor');
        head = (await this.untilStopped(this.transport.wait(cursor, probed ? this.o.waitTimeoutMs : 0))).headSeq;
        probed = true;
      } catch (e) {
        if (e instanceof Stopped || this.stopped) return;
        this.setWaitWorks(false);
        if (e instanceof HubRequestError && (e.code === 'HUB_BUSY' || (e.status >= 400 && e.status < 500))) {
          // the hub refused to wait (no /sync/wait: 404; at its waiter limit: 503 HUB_BUSY; credential: 401):
          // no hammering, interval rounds only for a while (a 401 also refuses the next round)
          this.waitPausedUntil = Date.now() + WAIT_PAUSE_MS;
          log.info('sync: change notifications paused', { code: e.code, status: e.status });
          this.schedule(this.o.pullIntervalMs);
        } else {
          // cannot reach the hub, or it is stopping (its 503 while closing): a round soon finds out (offline + the
          // usual backoff); a later good round reopens
          this.waitFailures++;
          this.schedule(this.backoffMs(this.waitFailures));
        }
        return;
      }
      this.setWaitWorks(true);
      this.waitFailures = 0;
      if (head <= cursor) continue; // timed out with nothing new (or the hub is stopping): wait again
      if (cursor === lastCursor) {
        // the last round did not move the cursor although the hub is ahead: do not spin, let the interval work
        await this.untilStopped(new Promise((r) => setTimeout(r, this.o.pullIntervalMs).unref?.())).catch(() => undefined);
        if (this.stopped) return;
      }
      lastCursor = cursor;
      const r = await this.syncNow(); // after a round in flight, if any; reschedules the fallback interval
      if (!r.ok) {
        this.setWaitWorks(false);
        return; // the round set offline/refused and its backoff; a later good round reopens the wait
      }
    }
  }

  /** Exponential backoff with jitter: base * 2^(n-1), capped, times a factor in [0.5, 1). */
  backoffMs(failures: number): number {
    const exp = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
    return Math.max(1, Math.round(exp * (0.5 + this.o.random() / 2)));
  }

  private update(p: Partial<EngineStatus>): void {
    this.st = { ...this.st, ...p };
    try {
      this.onStatus?.(this.status());
    } catch {
      /* a listener never breaks sync */
    }
  }

  // ---- one round --------------------------------------------------------------------------------------------------

  private async call<K extends keyof SyncLocalApi>(k: K, ...a: Parameters<SyncLocalApi[K]>): Promise<ReturnType<SyncLocalApi[K]>> {
    if (this.stopped) throw new Stopped();
    const fn = this.local[k] as (...x: Parameters<SyncLocalApi[K]>) => Awaitable<ReturnType<SyncLocalApi[K]>>;
    const v = await fn.apply(this.local, a);
    return v;
  }

  private net<T>(p: Promise<T>): Promise<T> {
    return p.then((v) => {
      if (this.stopped) throw new Stopped();
      return v;
    });
  }

  private noteServerTime(t0: number, serverTime: string): void {
    const t1 = this.clock.now().getTime();
    const s = Date.parse(serverTime);
    if (Number.isFinite(s)) this.st.clockSkewMs = Math.round((t0 + t1) / 2 - s);
  }

  private async handshake(res: SyncRoundResult, conflictEpoch?: number): Promise<boolean> {
    const t0 = this.clock.now().getTime();
    const st = await this.net(this.transport.status());
    this.noteServerTime(t0, st.serverTime);
    this.hubProtocol = st.protocolVersion;
    const d = await this.call('reconcileEpochs', st.epochs, conflictEpoch);
    if (d.changed) {
      res.newEpoch = d.epoch;
      log.info('sync: desk moved to a new epoch', { epoch: d.epoch, moved: d.moved });
    }
    this.handshakeDone = true;
    return d.changed;
  }

  private async round(): Promise<SyncRoundResult> {
    const res: SyncRoundResult = { ok: false, pushed: 0, rejected: 0, pulled: 0, pages: 0, newEpoch: null, error: null };
    if (this.stopped) {
      res.error = { code: 'STOPPED', message: 'Sync is stopped.', retryable: false };
      return res;
    }
    const startedAt = this.clock.now().toISOString();
    this.update({ lastAttemptAt: startedAt, nextAttemptAt: null });
    let note: { code: string; message: string } | null = null;
    try {
      if (!this.handshakeDone) await this.handshake(res);
      note = await this.pushAll(res);
      await this.pullAll(res);
      await this.topUpMrn();
      await this.refreshReviewCount();
      const at = this.clock.now().toISOString();
      await this.call('recordSuccess', at);
      res.ok = true;
      this.update({ state: 'online', refusal: note, lastSuccessAt: at, consecutiveFailures: 0, clockSkewMs: this.st.clockSkewMs });
      this.ensureWaiting(); // (when started) online again: reopen the change-notification wait
    } catch (e) {
      if (e instanceof Stopped || this.stopped) {
        res.error = { code: 'STOPPED', message: 'Sync is stopped.', retryable: false };
        return res;
      }
      const r = classifyError(e);
      res.error = r;
      if (!(e instanceof HubRequestError)) log.warn('sync round failed', { error: (e as Error)?.name ?? typeof e });
      else log.info('sync round failed', { code: r.code, status: e.status });
      if (r.retryable) {
        this.update({ state: 'offline', refusal: null, consecutiveFailures: this.st.consecutiveFailures + 1 });
      } else {
        this.handshakeDone = false; // a person may fix it (re-enroll, hub update): check again on the next try
        this.update({ state: 'refused', refusal: { code: r.code, message: r.message }, consecutiveFailures: this.st.consecutiveFailures + 1 });
      }
    }
    return res;
  }

  /** Pushes every pending op. Returns a note when pushing had to pause (hub too old for an op's schema). */
  private async pushAll(res: SyncRoundResult): Promise<{ code: string; message: string } | null> {
    let resend: { epoch: number; from: number } | null = null;
    let rechecked = false;
    let gaps = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      const batch: PushBatch | null = resend ? await this.call('opsFrom', resend.epoch, resend.from, this.o.pushBatchSize) : await this.call('nextBatch', this.o.pushBatchSize);
      resend = null;
      if (!batch || batch.ops.length === 0) return null;
      const deskId = batch.ops[0]!.deskId;
      const t0 = this.clock.now().getTime();
      let r: PushResponse;
      try {
        // more batches follow: the hub then materialises after the last one
        const more = batch.more;
        r = await this.net(
          this.transport.push({
            deskId,
            epoch: batch.epoch,
            epochStartSeq: batch.epochStartSeq,
            ops: batch.ops,
            payloadTexts: batch.payloadTexts,
            jsonSeq: this.hubProtocol >= PUSH_SEQ_PROTOCOL,
            ...(more ? { more } : {}),
          }),
        );
      } catch (e) {
        if (!(e instanceof HubRequestError)) throw e;
        const expected = (e.body as { expectedSeq?: number } | undefined)?.expectedSeq;
        if (e.code === 'SEQ_GAP' && typeof expected === 'number' && expected < batch.ops[0]!.seq && gaps++ < 3) {
          resend = { epoch: batch.epoch, from: expected }; // the hub lost ops it had acknowledged (restored): send them again
          continue;
        }
        if (e.code === 'OP_MISMATCH' && !rechecked) {
          rechecked = true;
          if (await this.handshake(res, batch.epoch)) continue; // moved to a new epoch: push again from there
        }
        if (e.code === 'SCHEMA_UNSUPPORTED') {
          return { code: e.code, message: 'The hub is older than this desk: some changes wait until the hub is updated. Everything else syncs.' };
        }
        throw e;
      }
      this.noteServerTime(t0, r.serverTime);
      const { acked } = await this.call('ack', batch.epoch, r.ackedSeq, r.rejected);
      res.pushed += acked;
      res.rejected += r.rejected.length;
      const last = batch.ops[batch.ops.length - 1]!.seq;
      if (r.ackedSeq < last) return null; // the hub took less than it was sent: try the rest next round
    }
    return null;
  }

  private async pullAll(res: SyncRoundResult): Promise<void> {
    const from = await this.call('cursor');
    try {
      await this.pullPages(res, from);
    } finally {
      if (this.st.catchingUp) this.update({ catchingUp: null });
    }
  }

  /** Pages from `from` on; a round of more than one page reports its progress in the status (catchingUp). */
  private async pullPages(res: SyncRoundResult, from: number): Promise<void> {
    let cursor = from;
    // Own changes come without payloads (echoes=slim): they are this desk's outbox already. If one is NOT in the
    // outbox (the desk was restored from an older backup), applyPage stops just before it; the rest of the round
    // pulls whole pages.
    let slim = true;
    // A round pulls up to the head the hub had when the round began: while the hub materialises a big push (its own
    // or another desk's) the feed keeps growing, and chasing it would hold the round open; the next round continues.
    let stopAt: number | null = null;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const t0 = this.clock.now().getTime();
      const page = await this.net(this.transport.pull(cursor, this.o.pullPageSize, slim ? 'slim' : undefined));
      this.noteServerTime(t0, page.serverTime);
      const r = await this.call('applyPage', page);
      res.pulled += r.applied;
      res.rejected += r.rejected;
      res.pages++;
      if (r.needsPayloads) {
        slim = false;
        cursor = r.cursor;
        continue;
      }
      stopAt ??= page.headSeq;
      if (!page.hasMore || page.cursor <= cursor || page.cursor >= stopAt) return;
      cursor = page.cursor;
      this.update({ catchingUp: { done: cursor - from, of: stopAt - from } });
    }
  }

  private async topUpMrn(): Promise<void> {
    const need = await this.call('mrnNeed');
    if (!need.requestId) return;
    try {
      const block = await this.net(this.transport.mrnBlock(need.requestId));
      await this.call('storeMrnBlock', block, need.requestId);
    } catch (e) {
      if (e instanceof HubRequestError && e.code === 'MRN_EXHAUSTED') {
        log.warn('sync: hub MRN range exhausted', {});
        return;
      }
      throw e;
    }
  }

  private async refreshReviewCount(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastReviewFetch < this.o.reviewItemsEveryMs) return;
    const items = await this.net(this.transport.reviewItems('open'));
    this.lastReviewFetch = now;
    this.st.openReviewItems = items.length;
  }
}
