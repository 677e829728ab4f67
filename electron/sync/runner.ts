/**
 * How the desk runs its SyncEngine: in a worker thread (the app) or in-process (deterministic tests). Both expose
 * the same SyncRunner; DeskSync (desk-sync.ts) talks only to this interface.
 */
import { Worker } from 'node:worker_threads';
import type { ResolveReviewItemRequest, ResolveReviewItemResponse, ReviewItem } from '../../shared/sync/protocol.js';
import { SYNC_LOCAL_METHODS, type EngineStatus, type HubConnection, type SyncEngine, type SyncEngineOptions, type SyncRoundResult } from './engine.js';
import type { SyncLocalApi } from './local.js';
import { Rpc } from './rpc.js';
import { log } from '../log.js';

export interface SyncRunner {
  readonly mode: 'worker' | 'in-process';
  start(): void;
  /** no further rounds; resolves when the round in flight has ended (worker: when the thread has exited) */
  stop(): Promise<void>;
  syncNow(): Promise<SyncRoundResult>;
  notifyLocalWrite(): void;
  status(): EngineStatus | null;
  reviewItems(status: 'open' | 'all'): Promise<ReviewItem[]>;
  resolveReviewItem(id: string, body: ResolveReviewItemRequest): Promise<ResolveReviewItemResponse>;
}

/** The engine itself, called directly. */
export class InProcessRunner implements SyncRunner {
  readonly mode = 'in-process' as const;
  constructor(readonly engine: SyncEngine) {}
  start(): void {
    this.engine.start();
  }
  stop(): Promise<void> {
    return this.engine.stop();
  }
  syncNow(): Promise<SyncRoundResult> {
    return this.engine.syncNow();
  }
  notifyLocalWrite(): void {
    this.engine.notifyLocalWrite();
  }
  status(): EngineStatus {
    return this.engine.status();
  }
  reviewItems(status: 'open' | 'all'): Promise<ReviewItem[]> {
    return this.engine.reviewItems(status);
  }
  resolveReviewItem(id: string, body: ResolveReviewItemRequest): Promise<ResolveReviewItemResponse> {
    return this.engine.resolveReviewItem(id, body);
  }
}

/** What the worker gets (structured-cloned: no functions). */
export interface WorkerConfig {
  connection: HubConnection;
  options?: Omit<SyncEngineOptions, 'random'>;
}

/**
 * The worker file: next to this module when running from source (loaded through tsx), or `sync-worker.js` next to
 * the bundled main.js (scripts/build-electron.mjs builds it).
 */
function spawnWorker(workerData: WorkerConfig): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const url = new URL('./worker.ts', self).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); }).catch((e) => { console.error(e); process.exit(1); });`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL('./sync-worker.js', self), { workerData });
}

/** The engine in a worker thread; the local side is served here, in the main thread. */
export class WorkerSyncRunner implements SyncRunner {
  readonly mode = 'worker' as const;
  private readonly worker: Worker;
  private readonly rpc: Rpc;
  private last: EngineStatus | null = null;
  private exited: Promise<void>;
  private startWanted = false;
  private ready = false;

  constructor(
    local: SyncLocalApi,
    config: WorkerConfig,
    private readonly onStatus: (s: EngineStatus) => void,
  ) {
    this.worker = spawnWorker(config);
    this.worker.unref();
    const handlers = Object.fromEntries(
      SYNC_LOCAL_METHODS.map((m) => [`local.${m}`, (...a: unknown[]) => (local[m] as (...x: unknown[]) => unknown).apply(local, a)]),
    );
    this.rpc = new Rpc(this.worker, handlers, (m, a) => {
      if (m === 'status') {
        this.last = a[0] as EngineStatus;
        this.onStatus(this.last);
      } else if (m === 'ready') {
        this.ready = true;
        if (this.startWanted) void this.rpc.call('start').catch(() => undefined);
      }
    });
    this.worker.on('error', (e) => log.error('sync worker failed', { error: e.name }));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  start(): void {
    this.startWanted = true;
    if (this.ready) void this.rpc.call('start').catch(() => undefined);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.rpc.call('stop'), new Promise((r) => setTimeout(r, 2000).unref())]);
    } catch {
      /* the worker is gone already */
    }
    this.rpc.close();
    await this.worker.terminate();
    await this.exited;
  }

  /** Stops at once (app closing, store about to close): no call from the worker reaches the store after this. */
  kill(): void {
    this.rpc.close();
    void this.worker.terminate();
  }

  syncNow(): Promise<SyncRoundResult> {
    return this.rpc.call<SyncRoundResult>('syncNow');
  }
  notifyLocalWrite(): void {
    this.rpc.notify('localWrite');
  }
  status(): EngineStatus | null {
    return this.last;
  }
  reviewItems(status: 'open' | 'all'): Promise<ReviewItem[]> {
    return this.rpc.call<ReviewItem[]>('reviewItems', status);
  }
  resolveReviewItem(id: string, body: ResolveReviewItemRequest): Promise<ResolveReviewItemResponse> {
    return this.rpc.call<ResolveReviewItemResponse>('resolveReviewItem', id, body);
  }
}
