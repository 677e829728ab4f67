import { Store, type Clock } from './store/store.js';
import { SessionTable } from './users/sessions.js';
import { Dispatcher } from './api/dispatch.js';
import { createHandlers } from './api/handlers.js';
import { readSettings } from './users/repo.js';
import { DeskSync, type DeskSyncOptions } from './sync/desk-sync.js';
import { openIssuanceWitness, settleIssuanceWitness } from './store/issuance.js';
import { watchUsernameClashes } from './users/username-clash.js';

/** The desk's backend, transport-free: what Electron's main process and the web host both run. */
export interface DeskApp {
  store: Store;
  sessions: SessionTable;
  dispatcher: Dispatcher;
  /** sync with the clinic hub (electron/sync/desk-sync.ts) */
  sync: DeskSync;
  close(): void;
}

export interface DeskAppOptions {
  clock?: Clock;
  /**
   * Sync: `autoStart: false` keeps the engine from scheduling rounds (tests call `app.sync.syncOnce()`),
   * `mode: 'in-process'` runs the engine without a worker thread (with `transportFactory` for fault injection),
   * `engine` sets intervals/backoff, `credentials` the credential store (Electron: safeStorage),
   * `allowInsecureHub` permits a plain-http loopback test hub.
   */
  sync?: Omit<DeskSyncOptions, 'emit'>;
}

export function createDeskApp(dataDir: string, opts: DeskAppOptions = {}): DeskApp {
  const store = new Store(dataDir, { clock: opts.clock });
  try {
    // Before any write of this run: a store restored from a backup moves its MRN and receipt series past the
    // issuance witness kept outside the store file (electron/store/issuance.ts).
    openIssuanceWitness(store);
  } catch (e) {
    store.close();
    throw e;
  }
  const sessions = new SessionTable(() => store.clock.now().getTime());
  const handlers = createHandlers({ sessions });
  const dispatcher = new Dispatcher({
    store,
    sessions,
    handlers,
    idleLockSeconds: () => readSettings(store.db)?.idleLockSeconds ?? 300,
  });
  let sync: DeskSync;
  let unwatchUsers = () => {};
  try {
    // A pulled account whose user name another account holds here: both kept, the later one held for an
    // administrator (electron/users/username-clash.ts).
    unwatchUsers = watchUsernameClashes(store);
    sync = new DeskSync(store, { ...opts.sync, emit: (e, p) => dispatcher.emit(e, p) });
    sync.start();
  } catch (e) {
    store.close();
    throw e;
  }
  return {
    store,
    sessions,
    dispatcher,
    sync,
    close: () => {
      sync.close();
      unwatchUsers();
      settleIssuanceWitness(store);
      store.close();
    },
  };
}
