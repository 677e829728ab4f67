/**
 * electron/main.ts run against a recording stand-in for the 'electron' module (Electron's binary cannot be
 * downloaded here). It proves the wiring, not Chromium: that main.ts hands the tested security functions to the
 * right Electron APIs, serves app:// through them, registers exactly one IPC channel on a REAL desk (real SQLite
 * store in a temp dir), pushes events to the window, and refuses to start on a bad store.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir as makeTempDir, ADMIN } from '../support/desk.js';
import { APP_SCHEME_PRIVILEGES } from '../../electron/security/protocol.js';
import { APP_START_URL } from '../../electron/security/navigation.js';
import { windowWebPreferences } from '../../electron/security/window.js';
import { permissionCheckHandler, permissionRequestHandler } from '../../electron/security/permissions.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/security/csp.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../electron/ipc/channels.js';

type Handler = (...args: any[]) => any;

const rec = vi.hoisted(() => ({
  lock: true,
  dataDir: '',
  sandbox: false,
  privileged: [] as unknown[],
  appOn: new Map<string, Handler>(),
  ipc: new Map<string, Handler>(),
  protocols: new Map<string, Handler>(),
  windows: [] as any[],
  errorBoxes: [] as [string, string][],
  quits: 0,
  permissionRequest: null as Handler | null,
  permissionCheck: null as Handler | null,
  beforeRequest: null as Handler | null,
  menu: null as unknown,
  nextId: 1,
}));

vi.mock('electron', async () => {
  const { EventEmitter: EE } = await import('node:events');
  class WebContents extends EE {
    id = rec.nextId++;
    mainFrame = { url: '' };
    sent: unknown[][] = [];
    openHandler: Handler | null = null;
    setWindowOpenHandler(h: Handler) {
      this.openHandler = h;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
  }
  class BrowserWindow extends EE {
    webContents = new WebContents();
    url = '';
    focused = false;
    constructor(readonly options: any) {
      super();
      rec.windows.push(this);
      rec.appOn.get('web-contents-created')?.({}, this.webContents);
    }
    loadURL(url: string) {
      this.url = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    isMinimized() {
      return false;
    }
    restore() {}
    show() {}
    focus() {
      this.focused = true;
    }
    isDestroyed() {
      return false;
    }
  }
  const ses = {
    setPermissionRequestHandler: (h: Handler) => (rec.permissionRequest = h),
    setPermissionCheckHandler: (h: Handler) => (rec.permissionCheck = h),
    setDevicePermissionHandler: () => {},
    webRequest: { onBeforeRequest: (h: Handler) => (rec.beforeRequest = h), onHeadersReceived: () => {} },
    protocol: { handle: (scheme: string, h: Handler) => rec.protocols.set(scheme, h) },
  };
  return {
    app: {
      isPackaged: false,
      enableSandbox: () => (rec.sandbox = true),
      requestSingleInstanceLock: () => rec.lock,
      on: (ev: string, h: Handler) => rec.appOn.set(ev, h),
      whenReady: () => Promise.resolve(),
      getPath: () => rec.dataDir,
      quit: () => rec.quits++,
    },
    BrowserWindow,
    dialog: { showErrorBox: (t: string, m: string) => rec.errorBoxes.push([t, m]) },
    ipcMain: { handle: (ch: string, h: Handler) => rec.ipc.set(ch, h), on: () => {} },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (rec.menu = m) },
    protocol: { registerSchemesAsPrivileged: (s: unknown[]) => rec.privileged.push(...s) },
    session: { defaultSession: ses },
    // A keyring-backed stand-in: "encrypts" by reversing bytes, so a plain-text credential never reaches disk.
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(s, 'utf8').reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString('utf8'),
    },
  };
});

async function startMain(): Promise<void> {
  vi.resetModules();
  await import('../../electron/main.js');
  // main.ts opens the store when the app is ready: wait until it shows a window, an error box or quits (a loaded CI
  // machine may take seconds to open and migrate the store)
  const end = Date.now() + 15_000;
  while (rec.windows.length === 0 && rec.errorBoxes.length === 0 && rec.quits === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

const made: string[] = [];
function tempDir(): string {
  const d = makeTempDir('ad-main-');
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

const wcOf = () => rec.windows[0]?.webContents;

function reset(): void {
  rec.lock = true;
  rec.sandbox = false;
  rec.privileged = [];
  rec.appOn.clear();
  rec.ipc.clear();
  rec.protocols.clear();
  rec.windows = [];
  rec.errorBoxes = [];
  rec.quits = 0;
  rec.permissionRequest = rec.permissionCheck = rec.beforeRequest = null;
  rec.menu = null;
}

afterEach(() => {
  rec.appOn.get('will-quit')?.(); // closes the desk's store
  reset();
  delete process.env.ACCESSDESK_DATA_DIR;
});

describe('electron/main.ts wiring', () => {
  it('sets up the sandboxed window, app:// protocol, permissions, navigation and one IPC channel', async () => {
    const dir = tempDir();
    rec.dataDir = dir; // userData: the store goes to <userData>/data
    await startMain();
    expect(rec.errorBoxes).toEqual([]);
    expect(rec.sandbox).toBe(true);
    expect(rec.privileged).toEqual([APP_SCHEME_PRIVILEGES]);
    expect(fs.existsSync(path.join(dir, 'data', 'accessdesk.sqlite'))).toBe(true);

    expect(rec.windows).toHaveLength(1);
    const win = rec.windows[0];
    expect(win.options.webPreferences).toEqual(windowWebPreferences(win.options.webPreferences.preload));
    expect(path.basename(win.options.webPreferences.preload)).toBe('preload.cjs');
    expect(win.url).toBe(APP_START_URL);
    expect(rec.menu).not.toBeNull();

    // permissions, requests, popups, navigation
    // (module identity differs after resetModules, so the handlers are checked by behaviour)
    expect(rec.permissionRequest!.name).toBe(permissionRequestHandler.name);
    expect(rec.permissionCheck!.name).toBe(permissionCheckHandler.name);
    let granted: boolean | undefined;
    rec.permissionRequest!(wcOf(), 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(rec.permissionCheck!(wcOf(), 'clipboard-read', 'app://desk')).toBe(false);
    const cancelled = (url: string) => {
      let out: unknown;
      rec.beforeRequest!({ url }, (r: { cancel: boolean }) => (out = r.cancel));
      return out;
    };
    expect(cancelled('https://evil.example/x.js')).toBe(true);
    expect(cancelled(`${APP_START_URL}`)).toBe(false);
    const wc = win.webContents as EventEmitter & { openHandler: Handler; sent: unknown[][]; id: number; mainFrame: { url: string } };
    expect(wc.openHandler({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    const nav = (event: string, url: string) => {
      let prevented = false;
      wc.emit(event, { preventDefault: () => (prevented = true), url }, url);
      return prevented;
    };
    expect(nav('will-navigate', 'https://evil.example/')).toBe(true);
    expect(nav('will-navigate', 'app://desk.evil/')).toBe(true);
    expect(nav('will-navigate', 'app://desk/index.html')).toBe(false);
    expect(nav('will-redirect', 'http://127.0.0.1/')).toBe(true);
    expect(nav('will-attach-webview', 'app://desk/')).toBe(true);

    // app:// is served by the tested handler, CSP included
    const serve = rec.protocols.get('app')!;
    const traversal: Response = await serve({ url: 'app://desk/..%2F..%2Fpackage.json', method: 'GET' });
    expect(traversal.status).toBe(404);
    expect(traversal.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);

    // exactly one IPC channel, bound to the real desk with a per-window session; events go to the window
    expect([...rec.ipc.keys()]).toEqual([IPC_CALL_CHANNEL]);
    const call = rec.ipc.get(IPC_CALL_CHANNEL)!;
    const ev = { sender: wc, senderFrame: wc.mainFrame };
    expect(await call(ev, 'app.status', {})).toMatchObject({ ok: true, value: { setupDone: false } });
    expect(await call(ev, 'setup.initialize', { siteName: 'Riverside', timeZone: 'America/Chicago', deskLabel: 'Desk 1', admin: ADMIN })).toEqual({ ok: true, value: { ok: true } });
    expect(await call(ev, 'session.signIn', { username: ADMIN.username, password: ADMIN.password })).toMatchObject({ ok: true });
    expect(wc.sent).toContainEqual([IPC_EVENT_CHANNEL, 'session.changed', { locked: false, signedIn: true }]);
    expect(await call(ev, 'users.list', {})).toMatchObject({ ok: true });
    const stranger = { sender: { id: 999, mainFrame: wc.mainFrame }, senderFrame: wc.mainFrame };
    expect(await call(stranger, 'users.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // a second launch focuses the window
    rec.appOn.get('second-instance')!();
    expect(win.focused).toBe(true);

    // a destroyed window's session ends and its id is no longer trusted
    wc.emit('destroyed');
    expect(await call(ev, 'users.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('ACCESSDESK_DATA_DIR overrides the data directory', async () => {
    const dir = tempDir();
    rec.dataDir = tempDir();
    process.env.ACCESSDESK_DATA_DIR = dir;
    await startMain();
    expect(fs.existsSync(path.join(dir, 'accessdesk.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(rec.dataDir, 'data'))).toBe(false);
  });

  it('a store that cannot be opened: an error dialog with the reason, then quit, and no window', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    process.env.ACCESSDESK_DATA_DIR = file;
    await startMain();
    expect(rec.errorBoxes).toHaveLength(1);
    expect(rec.errorBoxes[0]![0]).toBe('AccessDesk cannot start');
    expect(rec.errorBoxes[0]![1]).toMatch(/is a file, not a directory/);
    expect(rec.quits).toBe(1);
    expect(rec.windows).toHaveLength(0);
    expect(rec.ipc.size).toBe(0);
  });

  it('a second instance quits at once without opening anything', async () => {
    rec.lock = false;
    rec.dataDir = tempDir();
    await startMain();
    expect(rec.quits).toBe(1);
    expect(rec.windows).toHaveLength(0);
    expect(rec.appOn.has('second-instance')).toBe(false);
  });
});
