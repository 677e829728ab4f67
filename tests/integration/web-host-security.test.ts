/**
 * The web host carries PHI over HTTP on this machine: these tests start the REAL host (real dispatcher, real SQLite
 * store, the real built renderer) on an ephemeral port and attack it the way a hostile web page or a DNS-rebinding
 * site would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws'; // ws ships with @fastify/websocket; Node 20 has no stable WebSocket client
import { startWebHost, SECRET_HEADER, SESSION_COOKIE, WS_PROTOCOL_PREFIX, type WebHost } from '../../electron/web/host.js';
import { TestDesk, ADMIN } from '../support/desk.js';

const root = path.resolve(import.meta.dirname, '../..');
const staticDir = path.join(root, 'build', 'renderer');

/** `npm test` builds the renderer first; a lone `vitest run` of this file builds it when it is missing. */
function ensureRendererBuilt(): void {
  if (fs.existsSync(path.join(staticDir, 'index.html'))) return;
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit', timeout: 120_000 });
}

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => { ok: boolean; value?: unknown; error?: { code: string; message: string; fields?: Record<string, string> } };
}

let desk: TestDesk;
let host: WebHost;
const clients: WebSocket[] = [];
function openWs(protocols: string[], opts: WebSocket.ClientOptions): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events`, protocols, opts);
  clients.push(ws);
  return ws;
}

/** node:http, because fetch forbids setting Host, Origin and Sec-Fetch-* headers. */
function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; hostname?: string }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: opts.hostname ?? '127.0.0.1', port: host.port, agent: false, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${host.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

function api(method: string, input: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return request({
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'content-type': 'application/json', [SECRET_HEADER]: host.secret, origin: host.url, 'sec-fetch-site': 'same-origin', ...headers },
    body: JSON.stringify(input),
  });
}

function cookieOf(res: Res): string {
  const set = res.headers['set-cookie'];
  const c = (Array.isArray(set) ? set : [set ?? '']).find((s) => s.startsWith(`${SESSION_COOKIE}=`));
  if (!c) throw new Error('no session cookie');
  return c.split(';')[0]!;
}

beforeAll(async () => {
  ensureRendererBuilt();
  desk = new TestDesk();
  // Serve a private copy of the built renderer: other runs in this tree may rebuild build/renderer meanwhile.
  const served = path.join(desk.dir, 'renderer');
  fs.cpSync(staticDir, served, { recursive: true });
  host = await startWebHost(desk.app, { port: 0, staticDir: served });
});
afterAll(async () => {
  for (const ws of clients) ws.terminate();
  await host?.close();
  desk?.destroy();
});

describe('web host: where it listens', () => {
  it('binds 127.0.0.1 only', async () => {
    const addr = host.server.server.address();
    expect(addr && typeof addr === 'object' && addr.address).toBe('127.0.0.1');
    expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
    // Other local addresses (IPv6 loopback, and every non-loopback interface) refuse the connection.
    const others = ['::1', ...Object.values(os.networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4').map((a) => a!.address)];
    for (const address of others) {
      const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const s = net.connect({ host: address, port: host.port });
        s.once('connect', () => {
          s.destroy();
          resolve(null);
        });
        s.once('error', (e) => resolve(e));
      });
      expect(err, `connect via ${address}`).not.toBeNull();
    }
  });
});

describe('web host: who may ask', () => {
  it('accepts its own origin, host and secret', async () => {
    const r = await api('app.status', {});
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, value: { setupDone: false } });
    const viaLocalhost = await api('app.status', {}, { host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` });
    expect(viaLocalhost.status).toBe(200);
    const page = await request({ path: '/', headers: { accept: 'text/html', 'sec-fetch-site': 'none' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
  });

  it('refuses a foreign Origin (403), on the API and on static files', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${host.port + 1}`, 'null', `http://127.0.0.1.evil.example:${host.port}`]) {
      const r = await api('app.status', {}, { origin });
      expect(r.status, origin).toBe(403);
      expect(r.json().error?.code).toBe('FOREIGN_ORIGIN');
    }
    const page = await request({ path: '/', headers: { origin: 'https://evil.example' } });
    expect(page.status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding), on the API and on static files', async () => {
    for (const h of [`evil.example:${host.port}`, 'evil.example', `127.0.0.1:${host.port + 1}`, `127.0.0.1`, `localhost.evil.example:${host.port}`]) {
      const r = await api('app.status', {}, { host: h, origin: host.url });
      expect(r.status, h).toBe(403);
      expect(r.json().error?.code).toBe('FOREIGN_HOST');
      const page = await request({ path: '/index.html', headers: { host: h } });
      expect(page.status, h).toBe(403);
      expect(page.body).not.toContain('<div id="root">');
    }
    // No Host header at all (HTTP/1.0 style, raw socket): refused too.
    const raw = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: host.port }, () => s.end('GET /index.html HTTP/1.0\r\n\r\n'));
      let data = '';
      s.on('data', (d) => (data += d.toString('utf8')));
      s.on('end', () => resolve(data));
      s.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.[01] (400|403)/);
    expect(raw).not.toContain('<div id="root">');
  });

  it('refuses a missing or wrong launch key (401)', async () => {
    const missing = await request({ method: 'POST', path: '/api/app.status', headers: { 'content-type': 'application/json', origin: host.url }, body: '{}' });
    expect(missing.status).toBe(401);
    expect(missing.json().error?.code).toBe('MISSING_SECRET');
    for (const key of ['', 'x', host.secret.slice(0, -1), host.secret + 'x', host.secret.toUpperCase() === host.secret ? 'y' : host.secret.toUpperCase()]) {
      const r = await api('app.status', {}, { [SECRET_HEADER]: key });
      expect(r.status, key).toBe(401);
    }
    // The secret is not accepted from the query string or a cookie either.
    const inQuery = await request({ method: 'POST', path: `/api/app.status?key=${host.secret}`, headers: { 'content-type': 'application/json', origin: host.url }, body: '{}' });
    expect(inQuery.status).toBe(401);
  });

  it('refuses cross-site and same-site Sec-Fetch-Site, accepts same-origin and none', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const r = await api('app.status', {}, { 'sec-fetch-site': site });
      expect(r.status, site).toBe(403);
    }
    expect((await api('app.status', {}, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await request({ path: '/', headers: { accept: 'text/html', 'sec-fetch-site': 'none' } })).status).toBe(200);
  });
});

describe('web host: session cookie and headers', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and keeps the session with it', async () => {
    await desk.setup('setup:web-host-security');
    const signIn = await api('session.signIn', { username: ADMIN.username, password: ADMIN.password });
    expect(signIn.json().ok).toBe(true);
    const raw = (signIn.headers['set-cookie'] ?? []).find((s) => s.startsWith(`${SESSION_COOKIE}=`))!;
    expect(raw).toMatch(/;\s*HttpOnly/i);
    expect(raw).toMatch(/;\s*SameSite=Strict/i);
    expect(raw).toMatch(/;\s*Path=\//);
    expect(raw).not.toMatch(/Domain=/i);
    const cookie = cookieOf(signIn);
    const withCookie = await api('users.list', {}, { cookie });
    expect(withCookie.json().ok).toBe(true);
    const withoutCookie = await api('users.list', {});
    expect(withoutCookie.json().error?.code).toBe('UNAUTHENTICATED');
    // A forged cookie value is a different (empty) session, not an error that leaks anything.
    const forged = await api('users.list', {}, { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` });
    expect(forged.json().error?.code).toBe('UNAUTHENTICATED');
  });

  it('every response carries the strict CSP (no unsafe-eval) and nosniff: pages, API, refusals, 404s', async () => {
    const responses = [
      await request({ path: '/', headers: { accept: 'text/html' } }),
      await api('app.status', {}),
      await api('app.status', {}, { origin: 'https://evil.example' }),
      await api('app.status', {}, { [SECRET_HEADER]: 'wrong' }),
      await request({ path: '/nope.js' }),
      await request({ path: '/', headers: { host: 'evil.example' } }),
    ];
    for (const r of responses) {
      const csp = String(r.headers['content-security-policy'] ?? '');
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('static files cannot be used to read outside the renderer build', async () => {
    for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fpackage.json', '/..%2faccessdesk.sqlite', '/%2e%2e/accessdesk.sqlite', '/../accessdesk.sqlite']) {
      const r = await request({ path: p });
      expect([400, 403, 404], p).toContain(r.status);
      expect(r.body).not.toContain('root:');
      expect(r.body).not.toContain('"name": "accessdesk"');
      expect(r.body).not.toContain('SQLite format'); // the store sits next to the served copy
    }
  });
});

describe('web host: bodies', () => {
  it('malformed JSON is a 400 with a clear JSON error', async () => {
    const r = await request({ method: 'POST', path: '/api/app.status', headers: { 'content-type': 'application/json', [SECRET_HEADER]: host.secret, origin: host.url }, body: '{"siteName": "Riverside",' });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(r.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' } });
  });

  it('a body that is not JSON is refused (415)', async () => {
    const r = await request({ method: 'POST', path: '/api/app.status', headers: { 'content-type': 'text/plain', [SECRET_HEADER]: host.secret, origin: host.url }, body: 'hello' });
    expect(r.status).toBe(415);
    expect(r.json().error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an oversized body is a 413 and writes nothing', async () => {
    const audit = desk.count('audit_log');
    const big = JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'y' });
    const r = await api('session.signIn', JSON.parse(big));
    expect(r.status).toBe(413);
    expect(r.json()).toEqual({ ok: false, error: { code: 'TOO_LARGE', message: 'The request is too large.' } });
    expect(desk.count('audit_log')).toBe(audit);
  });

  it('error answers never echo the PHI that was sent', async () => {
    const signIn = await api('session.signIn', { username: ADMIN.username, password: ADMIN.password });
    const cookie = cookieOf(signIn);
    const MARK = 'Zebediah Quackenbush';
    const DOB = '1961-07-04';
    const PHONE = '555-867-5309';
    const attempts: Res[] = [
      await api('patients.register', { patient: { name: { given: MARK, family: MARK.repeat(50) }, birthDate: `${DOB}x`, phones: [{ number: PHONE + 'abc' }], extra: MARK } }, { cookie }),
      await api('patients.register', { patient: MARK }, { cookie }),
      await api('patients.search', { q: MARK.repeat(20) }, { cookie }),
      await api('patients.get', { id: MARK }, { cookie }),
      await api('patients.update', { id: DOB, baseVersion: PHONE, patient: { name: MARK } }, { cookie }),
      await api(`no.such.${encodeURIComponent(MARK)}`, { q: MARK }, { cookie }),
      await api('patients.search', { q: MARK }, { origin: 'https://evil.example' }),
      await api('patients.search', { q: MARK }, { [SECRET_HEADER]: 'nope' }),
      await request({ method: 'POST', path: '/api/patients.search', headers: { 'content-type': 'application/json', [SECRET_HEADER]: host.secret, origin: host.url, cookie }, body: `{"q": "${MARK} ${DOB} ${PHONE}"` }),
      await request({ path: `/${encodeURIComponent(MARK)}.js` }),
    ];
    for (const r of attempts) {
      expect(r.status).not.toBe(500);
      const body = r.json();
      expect(body.ok, r.body.slice(0, 200)).toBe(false);
      for (const phi of [MARK, 'Zebediah', 'Quackenbush', DOB, PHONE, '8675309']) expect(r.body, r.body.slice(0, 300)).not.toContain(phi);
    }
  });
});

describe('web host: /events WebSocket', () => {
  function outcome(ws: WebSocket): Promise<{ opened: boolean; closeCode?: number; httpStatus?: number; firstMessage?: string }> {
    return new Promise((resolve) => {
      let opened = false;
      ws.on('open', () => {
        opened = true;
      });
      ws.on('message', (m) => {
        resolve({ opened, firstMessage: String(m) });
        ws.close();
      });
      ws.on('unexpected-response', (_req, res) => {
        resolve({ opened, httpStatus: res.statusCode });
        ws.terminate();
      });
      ws.on('close', (code) => resolve({ opened, closeCode: code }));
      ws.on('error', () => undefined);
    });
  }

  it('refuses a missing or wrong secret', async () => {
    const none = await outcome(openWs([], { origin: host.url }));
    expect(none.firstMessage).toBeUndefined();
    expect(none.closeCode).toBe(4401);
    const wrong = await outcome(openWs([`${WS_PROTOCOL_PREFIX}wrong`], { origin: host.url }));
    expect(wrong.firstMessage).toBeUndefined();
    expect(wrong.closeCode).toBe(4401);
  });

  it('refuses a foreign Origin and a foreign Host before upgrading', async () => {
    const foreign = await outcome(openWs([`${WS_PROTOCOL_PREFIX}${host.secret}`], { origin: 'https://evil.example' }));
    expect(foreign.opened).toBe(false);
    expect(foreign.httpStatus).toBe(403);
    const rebinding = await outcome(openWs([`${WS_PROTOCOL_PREFIX}${host.secret}`], { origin: host.url, headers: { host: `evil.example:${host.port}` } }));
    expect(rebinding.opened).toBe(false);
    expect(rebinding.httpStatus).toBe(403);
    // A refused upgrade must not leave its socket open on the server (it would leak, and close() would hang).
    let open = -1;
    for (let i = 0; i < 50 && open !== 0; i++) {
      open = await new Promise<number>((resolve) => host.server.server.getConnections((_e, n) => resolve(n)));
      if (open !== 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(open).toBe(0);
  });

  it('with the secret and our origin, receives pushed events', async () => {
    const ws = openWs([`${WS_PROTOCOL_PREFIX}${host.secret}`], { origin: host.url });
    const result = outcome(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', (c) => reject(new Error(`closed ${c}`)));
    });
    desk.app.dispatcher.emit('session.changed', { locked: false, signedIn: true });
    const r = await result;
    expect(JSON.parse(r.firstMessage!)).toEqual({ event: 'session.changed', payload: { locked: false, signedIn: true } });
  });
});
