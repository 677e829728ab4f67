import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { windowWebPreferences, mainWindowOptions } from '../../electron/security/window.js';
import { APP_ORIGIN, APP_START_URL, isAllowedNavigation, isAllowedRequestUrl, isAppUrl, windowOpenHandler } from '../../electron/security/navigation.js';
import { permissionCheckHandler, permissionRequestHandler, devicePermissionHandler } from '../../electron/security/permissions.js';
import { APP_SCHEME_PRIVILEGES, resolveAppPath, serveAppRequest } from '../../electron/security/protocol.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../electron/security/csp.js';
import { isTrustedSender } from '../../electron/security/ipc-sender.js';
import { menuTemplate } from '../../electron/security/menu.js';
import { resolveDataDir } from '../../electron/data-dir.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('window webPreferences', () => {
  it('isolate and sandbox the renderer, with no Node and full web security', () => {
    const p = windowWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
      devTools: false,
    });
  });
  it('devtools only when asked, and the window uses those preferences', () => {
    expect(windowWebPreferences('/p', { devTools: true }).devTools).toBe(true);
    const o = mainWindowOptions('/p');
    expect(o.webPreferences).toEqual(windowWebPreferences('/p'));
    expect(o.show).toBe(false);
  });
});

describe('navigation and popups', () => {
  it('allows only our own app origin, compared as URLs', () => {
    expect(isAllowedNavigation(APP_START_URL)).toBe(true);
    expect(isAllowedNavigation(`${APP_ORIGIN}/`)).toBe(true);
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html#/patients`)).toBe(true);
    expect(isAllowedNavigation('APP://DESK/index.html')).toBe(true);
    for (const bad of [
      'https://evil.example/',
      'http://127.0.0.1:5170/',
      'file:///etc/passwd',
      'app://desk.evil.example/index.html', // a prefix match would let this through
      'app://deskx/',
      'app://desk@evil.example/',
      'app://user:pw@desk/',
      'app://desk:8080/',
      'app://evil/',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAllowedNavigation(bad), bad).toBe(false);
    }
  });
  it('denies every window.open', () => {
    expect(windowOpenHandler({ url: APP_START_URL })).toEqual({ action: 'deny' });
    expect(windowOpenHandler({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });
  it('lets no remote content load', () => {
    expect(isAllowedRequestUrl(`${APP_ORIGIN}/assets/index.js`)).toBe(true);
    expect(isAllowedRequestUrl('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequestUrl(`blob:${APP_ORIGIN}/5d1c3e0a-0000-4000-8000-000000000000`)).toBe(true);
    expect(isAllowedRequestUrl('blob:https://evil.example/abc')).toBe(false);
    expect(isAllowedRequestUrl('https://fonts.example.com/x.woff2')).toBe(false);
    expect(isAllowedRequestUrl('http://127.0.0.1:5170/api/x')).toBe(false);
    expect(isAllowedRequestUrl('ws://127.0.0.1:5170/events')).toBe(false);
    expect(isAllowedRequestUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html')).toBe(false);
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html', { devTools: true })).toBe(true);
  });
});

describe('permissions', () => {
  it('denies every request and every check', () => {
    for (const perm of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'hid', 'serial', 'usb', 'openExternal', 'unknown']) {
      let granted: boolean | undefined;
      permissionRequestHandler({}, perm, (g) => (granted = g), { requestingUrl: APP_START_URL });
      expect(granted, perm).toBe(false);
      expect(permissionCheckHandler({}, perm, APP_ORIGIN, {}), perm).toBe(false);
    }
    expect(devicePermissionHandler({ deviceType: 'usb', origin: APP_ORIGIN })).toBe(false);
  });
});

describe('app:// protocol', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-proto-'));
  const web = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>AccessDesk</title>');
  fs.writeFileSync(path.join(web, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the root');
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(web, 'assets', 'link.txt'));

  it('is registered standard + secure, without bypassing CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false, corsEnabled: false });
  });

  it('maps our URLs inside the root and refuses everything else', () => {
    expect(resolveAppPath(web, `${APP_ORIGIN}/`)).toBe(path.join(web, 'index.html'));
    expect(resolveAppPath(web, `${APP_ORIGIN}/index.html?x=1#y`)).toBe(path.join(web, 'index.html'));
    expect(resolveAppPath(web, `${APP_ORIGIN}/assets/app.js`)).toBe(path.join(web, 'assets', 'app.js'));
    for (const bad of [
      'app://../../etc/passwd',
      'app://desk/..%2F..%2Fetc%2Fpasswd',
      'app://desk/assets/..%2F..%2Fsecret.txt',
      'app://desk/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://desk/a%5C..%5C..%5Csecret.txt',
      'app://desk/index.html%00.js',
      'app://desk/%E0%A4%A',
      'app://other/index.html',
      'https://desk/index.html',
      'file:///etc/passwd',
    ]) {
      expect(resolveAppPath(web, bad), bad).toBeNull();
    }
    // The URL parser itself collapses literal dot segments: these stay inside the root (and then simply 404).
    expect(resolveAppPath(web, 'app://desk/../../etc/passwd')).toBe(path.join(web, 'etc', 'passwd'));
  });

  it('serves files with the CSP and security headers; 404s traversal, symlinks out, and missing files', async () => {
    const ok = await serveAppRequest(web, { url: `${APP_ORIGIN}/index.html`, method: 'GET' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await ok.text()).toContain('<title>AccessDesk</title>');
    const js = await serveAppRequest(web, { url: `${APP_ORIGIN}/assets/app.js`, method: 'GET' });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    for (const url of ['app://../../etc/passwd', 'app://desk/../../etc/passwd', 'app://desk/..%2F..%2Fetc%2Fpasswd', 'app://desk/assets/link.txt', 'app://desk/nope.js', 'app://desk/assets']) {
      const r = await serveAppRequest(web, { url, method: 'GET' });
      expect(r.status, url).toBe(404);
      expect(r.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(await r.text()).not.toContain('outside the root');
    }
    expect((await serveAppRequest(web, { url: `${APP_ORIGIN}/index.html`, method: 'POST' })).status).toBe(405);
  });
});

describe('content security policy', () => {
  it('is strict: own scripts only, no eval, no remote, no framing', () => {
    const d = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((s) => s.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(d['default-src']).toEqual(["'self'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(d['connect-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|https?:|\*/);
    expect(SECURITY_HEADERS['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(Object.isFrozen(SECURITY_HEADERS)).toBe(true);
  });
});

describe('IPC sender check', () => {
  const trusted = new Set([7]);
  it('accepts only the main frame of our window on our origin', () => {
    expect(isTrustedSender({ webContentsId: 7, frameUrl: APP_START_URL, isMainFrame: true }, trusted)).toBe(true);
    expect(isTrustedSender({ webContentsId: 8, frameUrl: APP_START_URL, isMainFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: APP_START_URL, isMainFrame: false }, trusted)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: null, isMainFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'https://evil.example/', isMainFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'app://desk.evil/', isMainFrame: true }, trusted)).toBe(false);
  });
});

describe('menu and data directory', () => {
  const roles = (t: ReturnType<typeof menuTemplate>): string[] =>
    t.flatMap((i) => [String(i.role ?? ''), ...(Array.isArray(i.submenu) ? i.submenu.map((s) => String(s.role ?? '')) : [])]);
  it('menu is minimal; devtools and reload only in development', () => {
    expect(roles(menuTemplate({ isMac: false, devTools: false }))).not.toContain('toggleDevTools');
    expect(roles(menuTemplate({ isMac: false, devTools: false }))).not.toContain('reload');
    expect(roles(menuTemplate({ isMac: false, devTools: true }))).toContain('toggleDevTools');
    expect(roles(menuTemplate({ isMac: false, devTools: false }))).toEqual(expect.arrayContaining(['quit', 'copy', 'paste', 'selectAll']));
  });
  it('data dir is <userData>/data unless ACCESSDESK_DATA_DIR is set', () => {
    expect(resolveDataDir({}, '/home/u/.config/AccessDesk')).toBe(path.resolve('/home/u/.config/AccessDesk/data'));
    expect(resolveDataDir({ ACCESSDESK_DATA_DIR: '  ' }, '/ud')).toBe(path.resolve('/ud/data'));
    expect(resolveDataDir({ ACCESSDESK_DATA_DIR: '/srv/desk' }, '/ud')).toBe(path.resolve('/srv/desk'));
  });
});

describe('shell source scan', () => {
  const src = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');
  const main = src('electron/main.ts');
  const preload = src('electron/preload.ts');
  const bridge = src('electron/ipc/bridge.ts');
  // Comments may explain what is forbidden; the code may not do it.
  const code = (s: string) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

  it('has none of the forbidden settings', () => {
    for (const [name, s] of [['main.ts', main], ['preload.ts', preload], ['ipc/bridge.ts', bridge]] as const) {
      const c = code(s);
      expect(c, name).not.toMatch(/nodeIntegration\w*\s*:\s*true/);
      expect(c, name).not.toMatch(/contextIsolation\s*:\s*false/);
      expect(c, name).not.toMatch(/sandbox\s*:\s*false/);
      expect(c, name).not.toMatch(/webSecurity\s*:\s*false/);
      expect(c, name).not.toMatch(/allowRunningInsecureContent\s*:\s*true/);
      expect(c, name).not.toMatch(/webviewTag\s*:\s*true/);
      expect(c, name).not.toMatch(/unsafe-eval/);
      expect(c, name).not.toMatch(/loadFile\s*\(|file:\/\//);
      expect(c, name).not.toMatch(/shell\.openExternal/);
    }
  });
  it('the preload exposes only the bridge, never ipcRenderer', () => {
    const c = code(preload);
    const exposes = [...c.matchAll(/exposeInMainWorld\(\s*'([^']+)'\s*,\s*([^)]*\))/g)];
    expect(exposes).toHaveLength(1);
    expect(exposes[0]![1]).toBe('accessDesk');
    expect(exposes[0]![2]).toMatch(/^createPreloadBridge\(ipcRenderer\)$/);
    expect(c).not.toMatch(/exposeInMainWorld\([^)]*,\s*ipcRenderer\s*\)/);
    expect(code(bridge)).not.toMatch(/\bsend\s*\(|sendSync|ipcRenderer/);
  });
  it('main wires every protection', () => {
    const c = code(main);
    for (const needle of [
      'requestSingleInstanceLock()',
      "'second-instance'",
      'app.enableSandbox()',
      'registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])',
      'protocol.handle(APP_SCHEME',
      'serveAppRequest(RENDERER_ROOT',
      'setPermissionRequestHandler(permissionRequestHandler)',
      'setPermissionCheckHandler(permissionCheckHandler)',
      'setWindowOpenHandler(windowOpenHandler)',
      "'will-navigate'",
      "'will-attach-webview'",
      'onBeforeRequest',
      'mainWindowOptions(PRELOAD',
      'loadURL(APP_START_URL)',
      'ipcMain.handle(IPC_CALL_CHANNEL, createIpcCallHandler(',
      'showErrorBox',
    ]) {
      expect(c, needle).toContain(needle);
    }
    expect(c.match(/ipcMain\.(handle|on)\(/g)).toHaveLength(1);
  });
});
