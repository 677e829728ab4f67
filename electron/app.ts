import { Store, type Clock } from './store/store.js';
import { SessionTable } from './users/sessions.js';
import { Dispatcher } from './api/dispatch.js';
import { createHandlers } from './api/handlers.js';
import { readSettings } from './users/repo.js';

/** The desk's backend, transport-free: what Electron's main process and the web host both run. */
export interface DeskApp {
  store: Store;
  sessions: SessionTable;
  dispatcher: Dispatcher;
  close(): void;
}

export function createDeskApp(dataDir: string, opts: { clock?: Clock } = {}): DeskApp {
  const store = new Store(dataDir, { clock: opts.clock });
  const sessions = new SessionTable(() => store.clock.now().getTime());
  const handlers = createHandlers({ sessions });
  const dispatcher = new Dispatcher({
    store,
    sessions,
    handlers,
    idleLockSeconds: () => readSettings(store.db)?.idleLockSeconds ?? 300,
  });
  return {
    store,
    sessions,
    dispatcher,
    close: () => store.close(),
  };
}
