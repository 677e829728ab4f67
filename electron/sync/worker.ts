/**
 * The sync worker thread: runs a SyncEngine with the real HTTP transport. It holds no database connection: the
 * engine's local side is the main thread's DeskSyncLocal, reached over the parent port (rpc.ts), so the one writer
 * connection stays in the main thread and a page is applied there in one transaction.
 *
 * Started by WorkerSyncRunner (runner.ts) with workerData = WorkerConfig. Messages:
 *   main -> worker  calls 'start' | 'stop' | 'syncNow' | 'status' | 'reviewItems' | 'resolveReviewItem';
 *                   note 'localWrite'
 *   worker -> main  calls 'local.<SyncLocalApi method>'; notes 'status' (EngineStatus), 'ready'
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SYNC_LOCAL_METHODS, SyncEngine, createHttpTransport, type LocalSide } from './engine.js';
import { Rpc } from './rpc.js';
import type { WorkerConfig } from './runner.js';


const cfg = workerData as WorkerConfig;
const port = parentPort;
if (!port) throw new Error('electron/sync/worker.ts must run in a worker thread');

let engine: SyncEngine | null = null;
const rpc = new Rpc(
  port,
  {
    start: () => engine!.start(),
    stop: () => engine!.stop(),
    syncNow: () => engine!.syncNow(),
    status: () => engine!.status(),
    reviewItems: (status: 'open' | 'all') => engine!.reviewItems(status),
    resolveReviewItem: (id: string, body: Parameters<SyncEngine['resolveReviewItem']>[1]) => engine!.resolveReviewItem(id, body),
  },
  (m) => {
    if (m === 'localWrite') engine?.notifyLocalWrite();
  },
);

const local = Object.fromEntries(SYNC_LOCAL_METHODS.map((m) => [m, (...a: unknown[]) => rpc.call(`local.${m}`, ...a)])) as unknown as LocalSide;
engine = new SyncEngine({ local, transport: createHttpTransport(cfg.connection), onStatus: (s) => rpc.notify('status', s), options: cfg.options });
rpc.notify('ready');
