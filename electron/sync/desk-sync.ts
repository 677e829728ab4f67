/**
 * DeskSync: the desk's sync service in the main thread — enrollment, the status the clerk sees, and the runner
 * (worker thread or in-process engine) that does the network work. createDeskApp makes one per store; the API
 * handlers (handlers.ts) find it with `deskSyncFor(store)`.
 *
 *   new DeskSync(store, { emit, credentials?, mode?, autoStart?, engine?, transportFactory?, allowInsecureHub? })
 *   .status(): SyncStatus              the contract's syncStatusSchema (pending/rejected counted from the outbox)
 *   .enroll(actor, {hubUrl, code, fingerprint}): Promise<SyncStatus>
 *   .start() / .close()                start the runner when enrolled / stop it (close: at once, before the store)
 *   .stop(): Promise<void>             stop and wait for the round in flight
 *   .syncOnce(): Promise<SyncRoundResult>   one round now (tests drive desks with this when autoStart is false)
 *   .reviewItems(status) / .resolveReviewItem(actor, id, resolution, note)
 *   .local                             the DeskSyncLocal (counts, epochs, stamps)
 *   .engine                            the in-process SyncEngine (null in worker mode or when not enrolled)
 */
import { ApiError } from '../../shared/api/errors.js';
import { HubClient, HubRequestError, fetchHubCertificate } from '../../shared/sync/hub-client.js';
import type { ReviewItem } from '../../shared/sync/protocol.js';
import { normalizeHubAddress } from '../../shared/sync/hub-address.js';
import type { SyncStatus } from '../../shared/api/contract.js';
import type { EventName, EventPayload } from '../../shared/api/contract.js';
import { getMeta, setMeta } from '../store/db.js';
import { SYSTEM_ACTOR, type Actor, type Store } from '../store/store.js';
import { readSettings } from '../users/repo.js';
import { storeGrantedBlock } from '../patients/mrn.js';
import { SyncEngine, createHttpTransport, type EngineStatus, type HubConnection, type HubTransport, type ReviewResolution, type SyncEngineOptions, type SyncRoundResult } from './engine.js';
import { DeskSyncLocal, META, beginEpochSession, isEnrolled, type SyncLocalApi } from './local.js';
import type { PageResult } from './apply.js';
import { retryParked } from './parked.js';
import { FileCredentialStore, type CredentialStore } from './credentials.js';
import { InProcessRunner, WorkerSyncRunner, type SyncRunner } from './runner.js';
import { log } from '../log.js';

export interface DeskSyncOptions {
  /** events to the renderer ('sync.changed', 'patients.changed') */
  emit?: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** where the hub credential lives (default: a 0600 file in the data dir) */
  credentials?: CredentialStore;
  /** 'worker' (default: network in a worker thread) or 'in-process' (deterministic tests, custom transports) */
  mode?: 'worker' | 'in-process';
  /** start syncing as soon as the desk opens (when enrolled) and after enrollment (default true) */
  autoStart?: boolean;
  engine?: SyncEngineOptions;
  /** in-process mode: build the transport (e.g. wrap createHttpTransport with fault injection) */
  transportFactory?: (c: HubConnection) => HubTransport;
  /** allow enrolling with a plain-http loopback hub and no fingerprint (tests only) */
  allowInsecureHub?: boolean;
}

const registry = new WeakMap<Store, DeskSync>();

/** The DeskSync createDeskApp made for this store (undefined for a bare store). */
export function deskSyncFor(store: Store): DeskSync | undefined {
  return registry.get(store);
}

/** "ab:cd 01" / "ABCD01" -> "AB:CD:01" */
export function normalizeFingerprint(s: string): string {
  const hex = s.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{1,2}/g)?.join(':') ?? '';
}

export function notEnrolledStatus(): SyncStatus {
  return {
    enrolled: false,
    hubUrl: '',
    state: 'not-enrolled',
    refusal: null,
    pending: 0,
    rejected: 0,
    lastSyncAt: null,
    lastAttemptAt: null,
    nextAttemptAt: null,
    clockSkewMs: null,
    openReviewItems: 0,
    catchingUp: null,
  };
}

export class DeskSync {
  readonly local: DeskSyncLocal;
  private readonly credentials: CredentialStore;
  private runner: SyncRunner | null = null;
  private readonly unsubscribe: () => void;
  private emitTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private joining = false;

  constructor(
    readonly store: Store,
    private readonly opts: DeskSyncOptions = {},
  ) {
    this.local = new DeskSyncLocal(store);
    this.credentials = opts.credentials ?? new FileCredentialStore(store.dataDir);
    registry.set(store, this);
    // Before any write of this run: a restored desk must not reuse its epoch's sequence numbers.
    beginEpochSession(store);
    // Changes an older version of AccessDesk parked (unknown kind, newer schema) are applied now, in hub order,
    // before anything newer is pulled.
    const retried = retryParked(store);
    if (retried.applied > 0) log.info('sync: parked changes applied after an upgrade', { applied: retried.applied, stillParked: retried.parked });
    this.unsubscribe = store.onCommit(({ outboxWrites }) => {
      if (outboxWrites === 0) return;
      this.runner?.notifyLocalWrite();
      this.emitStatusSoon();
    });
  }

  get enrolled(): boolean {
    return isEnrolled(this.store.db);
  }

  /** The in-process engine (null in worker mode or before enrollment). */
  get engine(): SyncEngine | null {
    return this.runner instanceof InProcessRunner ? this.runner.engine : null;
  }

  get mode(): 'worker' | 'in-process' {
    return this.opts.mode ?? 'worker';
  }

  start(): void {
    if (this.closed || !this.enrolled) return;
    if (!this.runner) this.runner = this.makeRunner();
    if (this.runner && this.opts.autoStart !== false) this.runner.start();
  }

  /** Stops the runner and waits for it (the store stays open). */
  async stop(): Promise<void> {
    const r = this.runner;
    this.runner = null;
    await r?.stop();
  }

  /** Stops at once: nothing reaches the store after this returns. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    if (this.emitTimer) clearTimeout(this.emitTimer);
    const r = this.runner;
    this.runner = null;
    if (r instanceof WorkerSyncRunner) r.kill();
    else void r?.stop();
    registry.delete(this.store);
  }

  private connection(): HubConnection | null {
    const hubUrl = getMeta(this.store.db, META.hubUrl);
    const credential = this.credentials.load();
    if (!hubUrl || !credential) return null;
    return { hubUrl, credential, certPem: getMeta(this.store.db, META.certPem) || undefined, fingerprint: getMeta(this.store.db, META.certFingerprint) || undefined };
  }

  private makeRunner(): SyncRunner | null {
    const c = this.connection();
    if (!c) {
      log.warn('sync: enrolled but the hub credential cannot be read', { ref: getMeta(this.store.db, META.credentialRef) ?? '' });
      return null;
    }
    const local = this.emittingLocal();
    const onStatus = () => this.emitStatusSoon(0);
    if (this.mode === 'in-process') {
      const transport = this.opts.transportFactory ? this.opts.transportFactory(c) : createHttpTransport(c);
      return new InProcessRunner(new SyncEngine({ local, transport, clock: this.store.clock, onStatus, options: this.opts.engine }));
    }
    const { random: _random, ...options } = this.opts.engine ?? {};
    return new WorkerSyncRunner(local, { connection: c, options }, onStatus);
  }

  /** DeskSyncLocal whose applyPage also tells the renderer which patients changed. */
  private emittingLocal(): SyncLocalApi {
    const local = this.local;
    const emit = this.opts.emit;
    return new Proxy(local, {
      get: (target, prop, recv) => {
        if (prop === 'applyPage') {
          return (page: Parameters<SyncLocalApi['applyPage']>[0]): PageResult => {
            if (this.closed) throw new Error('the desk is closing');
            const r = target.applyPage(page);
            for (const p of r.patients) emit?.('patients.changed', p);
            for (const e of r.events) emit?.(e.event, e.payload as never);
            return r;
          };
        }
        const v = Reflect.get(target, prop, recv) as unknown;
        if (typeof v !== 'function') return v;
        return (...a: unknown[]) => {
          if (this.closed) throw new Error('the desk is closing');
          return (v as (...x: unknown[]) => unknown).apply(target, a);
        };
      },
    });
  }

  private emitStatusSoon(ms = 200): void {
    if (!this.opts.emit || this.closed) return;
    if (this.emitTimer) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      if (!this.closed && this.store.db.open) this.opts.emit?.('sync.changed', this.status());
    }, ms);
    this.emitTimer.unref?.();
  }

  status(): SyncStatus {
    if (!this.enrolled) return notEnrolledStatus();
    const counts = this.local.counts();
    const es: EngineStatus | null = this.runner?.status() ?? null;
    const noCredential = !this.runner && !this.connection();
    return {
      enrolled: true,
      hubUrl: getMeta(this.store.db, META.hubUrl) ?? '',
      state: noCredential ? 'refused' : (es?.state ?? 'offline'),
      refusal: noCredential ? { code: 'NO_CREDENTIAL', message: 'This desk’s hub credential cannot be read on this computer. An administrator must enroll the desk again.' } : (es?.refusal ?? null),
      pending: counts.pending,
      rejected: counts.rejected,
      lastSyncAt: counts.lastSyncAt,
      lastAttemptAt: es?.lastAttemptAt ?? null,
      nextAttemptAt: es?.nextAttemptAt ?? null,
      clockSkewMs: es?.clockSkewMs ?? null,
      openReviewItems: es?.openReviewItems ?? 0,
      catchingUp: es?.catchingUp ?? null,
    };
  }

  /** One round now. Not enrolled: a refused result. */
  async syncOnce(): Promise<SyncRoundResult> {
    if (!this.runner) this.start();
    if (!this.runner) return { ok: false, pushed: 0, rejected: 0, pulled: 0, pages: 0, newEpoch: null, error: { code: 'NOT_ENROLLED', message: 'This desk is not enrolled with a hub.', retryable: false } };
    return this.runner.syncNow();
  }

  // ---- enrollment -------------------------------------------------------------------------------------------------

  /**
   * First-run setup of another desk of a clinic (setup.join): enroll with the hub under `deskLabel`, then one sync
   * round takes what the hub holds. The site settings set the desk up (apply.ts, site.configured on a desk that is
   * joining); staff sign in with the accounts pulled with them. Nothing is pushed: a joining desk has no data of its
   * own. If the round cannot finish, the desk stays enrolled and its sync worker keeps pulling until it is set up.
   */
  async join(input: { deskLabel: string; hubUrl: string; code: string; fingerprint: string }): Promise<{ siteName: string; users: number; patients: number }> {
    if (readSettings(this.store.db)) throw new ApiError('ALREADY_SET_UP', 'This desk is already set up.');
    if (this.joining) throw new ApiError('CONFLICT', 'This desk is joining the clinic already. Wait for it to finish.');
    this.joining = true;
    try {
      await this.enroll(SYSTEM_ACTOR, input, input.deskLabel);
      const r = await this.syncOnce();
      const site = readSettings(this.store.db);
      if (!site) {
        if (!r.ok) {
          throw new ApiError(
            'HUB_UNAVAILABLE',
            `This desk is connected to the hub, but taking the clinic’s records stopped (${r.error?.message ?? 'no answer'}). It keeps trying by itself; this screen moves on when the clinic’s settings arrive.`,
            { data: { enrolled: true } },
          );
        }
        throw new ApiError(
          'CONFLICT',
          'This desk is connected to the hub, but the hub holds no clinic yet (no desk has been set up with it). Choose New clinic to set the clinic up on this desk.',
          { data: { enrolled: true } },
        );
      }
      const n = (sql: string) => (this.store.db.prepare<[], { n: number }>(sql).get()?.n ?? 0);
      return { siteName: site.siteName, users: n('SELECT COUNT(*) n FROM users WHERE active = 1'), patients: n('SELECT COUNT(*) n FROM patients WHERE merged_into IS NULL') };
    } finally {
      this.joining = false;
    }
  }

  /** setup.join in progress, and how far its pull is. */
  joinProgress(): { joining: boolean; done: number; of: number } {
    const c = this.runner?.status()?.catchingUp ?? null;
    return { joining: this.joining, done: c?.done ?? 0, of: c?.of ?? 0 };
  }

  /** `joinAs`: the desk name of a desk joining a clinic (setup.join); otherwise the site settings' desk name. */
  async enroll(actor: Actor, input: { hubUrl: string; code: string; fingerprint: string }, joinAs?: string): Promise<SyncStatus> {
    // the contract's schema has normalised it already; callers inside the desk (setup.join) get the same rule
    const address = normalizeHubAddress(input.hubUrl);
    if (!address.ok) throw new ApiError('VALIDATION', `${address.error}. Nothing was changed.`, { fields: { hubUrl: address.error } });
    const hubUrl = address.url;
    const typed = normalizeFingerprint(input.fingerprint);
    const insecure = hubUrl.startsWith('http:');
    let certPem: string | undefined;
    let fingerprint: string | undefined;
    if (insecure) {
      if (!this.opts.allowInsecureHub) {
        throw new ApiError('VALIDATION', 'The hub address must start with https:// (the hub shows it when it starts).', { fields: { hubUrl: 'Use the https:// address the hub shows' } });
      }
      if (typed) throw new ApiError('VALIDATION', 'A plain-http test hub has no certificate; leave the fingerprint empty.', { fields: { fingerprint: 'Leave empty for a plain-http test hub' } });
    } else {
      if (!typed) {
        throw new ApiError('VALIDATION', 'Type the certificate fingerprint the hub shows (npm run hub -- fingerprint). It is how this desk knows it talks to your clinic’s hub. Nothing was changed.', {
          fields: { fingerprint: 'Type the fingerprint the hub shows' },
        });
      }
      let cert: { certPem: string; fingerprint: string };
      try {
        cert = await fetchHubCertificate(hubUrl);
      } catch (e) {
        throw new ApiError('HUB_UNAVAILABLE', `The hub at ${hubUrl} cannot be reached (${e instanceof HubRequestError ? 'no answer' : 'error'}). Check the address and that the hub is running. Nothing was changed.`, {
          fields: { hubUrl: 'The hub cannot be reached at this address' },
        });
      }
      if (normalizeFingerprint(cert.fingerprint) !== typed) {
        throw new ApiError(
          'VALIDATION',
          'The hub at this address shows a different certificate fingerprint than the one you typed. Check the fingerprint on the hub (npm run hub -- fingerprint); if it matches what you typed, something else is answering at this address. Nothing was changed.',
          { fields: { fingerprint: 'Does not match the hub’s certificate' } },
        );
      }
      certPem = cert.certPem;
      fingerprint = cert.fingerprint;
    }

    const deskLabel = joinAs ?? (readSettings(this.store.db)?.deskLabel || 'Desk');
    const client = new HubClient({ baseUrl: hubUrl, certPem, fingerprint, timeoutMs: 20_000 });
    let res;
    try {
      res = await client.enroll({ code: input.code.trim().toUpperCase(), deskId: this.store.deskId, deskLabel: deskLabel.slice(0, 60) });
    } catch (e) {
      if (e instanceof HubRequestError) {
        if (e.code === 'CODE_INVALID' || e.code === 'VALIDATION') throw new ApiError('VALIDATION', `${e.message} Nothing was changed.`, { fields: { code: e.message } });
        if (e.code === 'FORBIDDEN') throw new ApiError('CONFLICT', `${e.message} Nothing was changed.`);
        if (e.code === 'PIN_MISMATCH') throw new ApiError('VALIDATION', 'The hub’s certificate changed during enrollment. Check the fingerprint and try again. Nothing was changed.', { fields: { fingerprint: 'Certificate changed' } });
        if (e.retryable) throw new ApiError('HUB_UNAVAILABLE', `The hub at ${hubUrl} cannot be reached. Check the address and that the hub is running. Nothing was changed.`);
      }
      throw new ApiError('HUB_UNAVAILABLE', 'The hub gave an answer this desk does not understand. Nothing was changed.');
    } finally {
      client.close();
    }
    if (fingerprint && normalizeFingerprint(res.certFingerprint) !== normalizeFingerprint(fingerprint)) {
      throw new ApiError('VALIDATION', 'The hub reported a different certificate than the one it presented. Nothing was changed.', { fields: { fingerprint: 'Certificate mismatch' } });
    }

    // Enrolling again (e.g. after a revocation or with a new hub): stop the old runner first.
    await this.stop();
    this.credentials.save(res.deskCredential);
    const sameHub = getMeta(this.store.db, META.hubId) === res.hubId;
    this.store.command(actor, (tx) => {
      setMeta(tx.db, META.hubUrl, hubUrl);
      setMeta(tx.db, META.hubId, res.hubId);
      setMeta(tx.db, META.certPem, certPem ?? '');
      setMeta(tx.db, META.certFingerprint, fingerprint ?? '');
      setMeta(tx.db, META.credentialRef, this.credentials.ref);
      setMeta(tx.db, META.enrolledAt, tx.now);
      if (joinAs !== undefined) setMeta(tx.db, META.joinDeskLabel, joinAs);
      if (!sameHub) {
        setMeta(tx.db, META.cursor, '0');
        tx.db.prepare('DELETE FROM meta WHERE key = ?').run(META.mrnRequestId);
      }
      // From now on MRNs come from hub blocks (unique clinic-wide): unused local blocks are given up (the local
      // high-water mark stays, so their numbers are never handed out later either).
      const dropped = tx.db.prepare(`DELETE FROM mrn_blocks WHERE source = 'local'`).run().changes;
      const held = tx.db.prepare('SELECT 1 FROM mrn_blocks WHERE block_start = ?').get(res.mrnBlock.start);
      if (!held) storeGrantedBlock(tx.db, { start: res.mrnBlock.start, end: res.mrnBlock.end, source: 'hub' });
      tx.audit({
        action: 'sync.enrolled',
        entityType: 'desk',
        entityId: this.store.deskId,
        detail: {
          hubId: res.hubId,
          hubUrl,
          fingerprint: fingerprint ?? '',
          mrnBlockStart: res.mrnBlock.start,
          mrnBlockEnd: res.mrnBlock.end,
          localBlocksDropped: dropped,
          credential: this.credentials.ref,
          ...(joinAs !== undefined ? { joining: true, deskLabel: joinAs } : {}),
        },
      });
    });
    log.info('sync: desk enrolled', { hubId: res.hubId });
    this.start();
    const s = this.status();
    this.opts.emit?.('sync.changed', s);
    return s;
  }

  // ---- review items -----------------------------------------------------------------------------------------------

  private requireRunner(): SyncRunner {
    if (!this.enrolled) throw new ApiError('CONFLICT', 'This desk is not enrolled with a hub, so there are no review items here.');
    if (!this.runner) this.start();
    if (!this.runner) throw new ApiError('HUB_UNAVAILABLE', 'This desk’s hub credential cannot be read. An administrator must enroll the desk again.');
    return this.runner;
  }

  async reviewItems(status: 'open' | 'all'): Promise<ReviewItem[]> {
    const r = this.requireRunner();
    try {
      const items = await r.reviewItems(status);
      this.emitStatusSoon(0);
      return items;
    } catch (e) {
      throw hubApiError(e, 'The review items are kept at the hub');
    }
  }

  async resolveReviewItem(actor: Actor, id: string, resolution: ReviewResolution, note: string): Promise<void> {
    const r = this.requireRunner();
    try {
      await r.resolveReviewItem(id, { resolution, note, resolvedBy: /^[0-9a-f-]{36}$/i.test(actor.userId) ? { userId: actor.userId, userName: actor.userName.slice(0, 80) } : undefined });
    } catch (e) {
      throw hubApiError(e, 'Review items are resolved at the hub');
    }
    this.store.audit(actor, { action: 'sync.review_item_resolved', entityType: 'review_item', entityId: id, detail: { resolution } });
  }
}

function hubApiError(e: unknown, what: string): ApiError {
  if (e instanceof HubRequestError) {
    if (e.retryable) return new ApiError('HUB_UNAVAILABLE', `${what}, and the hub cannot be reached right now. Try again when the desk is online.`);
    if (e.code === 'NOT_FOUND') return new ApiError('NOT_FOUND', e.message);
    if (e.code === 'VALIDATION') return new ApiError('VALIDATION', e.message);
    if (e.code === 'UNAUTHORIZED' || e.code === 'DESK_REVOKED' || e.code === 'PIN_MISMATCH') return new ApiError('CONFLICT', `The hub refuses this desk: ${e.message}`);
    return new ApiError('CONFLICT', e.message);
  }
  if (e instanceof Error && /channel closed|closing/.test(e.message)) return new ApiError('HUB_UNAVAILABLE', `${what}; sync is stopping. Try again.`);
  return new ApiError('HUB_UNAVAILABLE', `${what}, and the hub cannot be reached right now. Try again when the desk is online.`);
}
