/**
 * The thin Electron shell: one window, the app:// protocol, the security settings, one IPC channel. Everything it
 * wires is a pure, unit-tested function in electron/security/* and electron/ipc/*; the desk itself is
 * createDeskApp (the same backend the web host runs). Bundled to build/electron/main.js (ESM) by
 * scripts/build-electron.mjs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeskApp, type DeskApp } from './app.js';
import { StoreOpenError } from './store/db.js';
import { log } from './log.js';
import { resolveDataDir } from './data-dir.js';
import { SafeStorageCredentialStore } from './sync/credentials.js';
import { APP_SCHEME_PRIVILEGES, serveAppRequest } from './security/protocol.js';
import { APP_SCHEME, APP_START_URL, isAllowedNavigation, isAllowedRequestUrl, windowOpenHandler } from './security/navigation.js';
import { permissionCheckHandler, permissionRequestHandler, devicePermissionHandler } from './security/permissions.js';
import { mainWindowOptions } from './security/window.js';
import { menuTemplate } from './security/menu.js';
import { CONTENT_SECURITY_POLICY } from './security/csp.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipc/channels.js';
import { createIpcCallHandler, ipcSessionKey } from './ipc/main-handler.js';
import { setOsPrinter, windowPrinter } from './print/os-print.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // build/electron
const RENDERER_ROOT = path.resolve(here, '..', 'renderer'); // build/renderer
const PRELOAD = path.join(here, 'preload.cjs');
const devTools = !app.isPackaged && process.env.ACCESSDESK_DEVTOOLS === '1';

// Before ready: sandbox every renderer, and make app:// a standard, secure scheme.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  let desk: DeskApp | null = null;
  const trustedIds = new Set<number>();

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });

  // Every WebContents (ours or any that might appear): no <webview>, no navigation away, no popups.
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.on('will-navigate', (ev, url) => {
      if (!isAllowedNavigation(url)) ev.preventDefault();
    });
    contents.on('will-redirect', (ev, url) => {
      if (!isAllowedNavigation(url)) ev.preventDefault();
    });
    contents.on('will-frame-navigate', (ev) => {
      if (!isAllowedNavigation(ev.url)) ev.preventDefault();
    });
    contents.setWindowOpenHandler(windowOpenHandler);
  });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    desk?.close();
    desk = null;
  });

  app
    .whenReady()
    .then(() => {
      const dataDir = resolveDataDir(process.env, app.getPath('userData'));
      try {
        // The hub credential is kept with the OS keyring (safeStorage), never in the SQLite file.
        desk = createDeskApp(dataDir, { sync: { credentials: new SafeStorageCredentialStore(dataDir, safeStorage) } });
      } catch (e) {
        // A damaged, newer or unreadable store: say why (the message names the folder, never PHI) and stop.
        dialog.showErrorBox('AccessDesk cannot start', e instanceof StoreOpenError ? e.message : 'The desk’s store could not be opened.');
        if (!(e instanceof StoreOpenError)) log.error('store open failed', { error: (e as Error).name });
        app.quit();
        return;
      }
      const deskApp = desk;

      const ses = session.defaultSession;
      ses.setPermissionRequestHandler(permissionRequestHandler);
      ses.setPermissionCheckHandler(permissionCheckHandler);
      ses.setDevicePermissionHandler(devicePermissionHandler);
      // No remote content: anything that is not our origin (or in-page data:/blob:) is cancelled.
      ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url, { devTools }) }));
      // Belt and braces: the CSP on any response that did not come from our protocol handler.
      ses.webRequest.onHeadersReceived((details, callback) =>
        callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } }),
      );
      ses.protocol.handle(APP_SCHEME, (request) => serveAppRequest(RENDERER_ROOT, request));

      ipcMain.handle(IPC_CALL_CHANNEL, createIpcCallHandler(deskApp.dispatcher, trustedIds));
      // 'print.osPrint': the OS print dialog for the desk window's print view, at the document's media size
      setOsPrinter(windowPrinter(() => (win && !win.isDestroyed() ? win.webContents : null), ipcSessionKey));
      deskApp.dispatcher.onEvent((event, payload) => {
        if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload);
      });

      Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isMac: process.platform === 'darwin', devTools })));

      win = new BrowserWindow(mainWindowOptions(PRELOAD, { devTools }));
      const wcId = win.webContents.id;
      trustedIds.add(wcId);
      win.webContents.on('destroyed', () => {
        trustedIds.delete(wcId);
        deskApp.sessions.end(ipcSessionKey(wcId));
      });
      win.once('ready-to-show', () => win?.show());
      win.on('closed', () => {
        win = null;
      });
      void win.loadURL(APP_START_URL);
      log.info('desk window opened', { schemaVersion: deskApp.store.db.pragma('user_version', { simple: true }) as number });
    })
    .catch((e: unknown) => {
      log.error('electron start failed', { error: (e as Error)?.name ?? typeof e });
      dialog.showErrorBox('AccessDesk cannot start', 'Something went wrong while starting. Nothing was changed.');
      app.quit();
    });
}
