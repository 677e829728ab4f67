import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DeskApp } from '../app.js';
import { CONTENT_SECURITY_POLICY } from '../security/csp.js';
import { log } from '../log.js';

export const SECRET_HEADER = 'x-accessdesk-key';
export const SESSION_COOKIE = 'ad_sid';
export const WS_PROTOCOL_PREFIX = 'accessdesk.';

export interface WebHostOptions {
  port: number;
  /** built renderer (vite build output) */
  staticDir: string;
  /** per-launch secret; generated when omitted */
  secret?: string;
}

export interface WebHost {
  url: string;
  /** URL to open: carries the per-launch secret in the fragment (never sent to the server, never logged) */
  launchUrl: string;
  port: number;
  secret: string;
  server: FastifyInstance;
  close(): Promise<void>;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).header('cache-control', 'no-store').send({ ok: false, error: { code, message } });
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/**
 * The web host: the same handler table as Electron's IPC, over HTTP + WebSocket on 127.0.0.1 only.
 * It carries PHI, so every request must name this host (DNS rebinding), come from this origin (cross-site requests),
 * and carry the per-launch secret; and then the user signs in as everywhere.
 */
export async function startWebHost(app: DeskApp, opts: WebHostOptions): Promise<WebHost> {
  const secret = opts.secret ?? randomBytes(32).toString('base64url');
  const server = Fastify({ logger: false, bodyLimit: 1024 * 1024, trustProxy: false });
  let port = opts.port;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  // Registered before the refusal hook below: the plugin's own onRequest hook must run first so that a refused
  // WebSocket upgrade still has its raw socket destroyed (otherwise the socket leaks and close() never returns).
  await server.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // 1. Host and Origin on every request, static files included.
  server.addHook('onRequest', async (req, reply) => {
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host)) return refuse(reply, 403, 'FOREIGN_HOST', 'This AccessDesk host answers only to its own address.');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuse(reply, 403, 'FOREIGN_ORIGIN', 'Requests from other sites are refused.');
    const site = req.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return refuse(reply, 403, 'FOREIGN_ORIGIN', 'Requests from other sites are refused.');
  });

  server.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    return payload;
  });

  function sessionKeyOf(req: FastifyRequest, reply: FastifyReply | null): string | null {
    const sid = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (sid && /^[A-Za-z0-9_-]{43}$/.test(sid)) return `web:${sid}`;
    if (!reply) return null;
    const fresh = randomBytes(32).toString('base64url');
    reply.header('set-cookie', `${SESSION_COOKIE}=${fresh}; Path=/; HttpOnly; SameSite=Strict`);
    return `web:${fresh}`;
  }

  // JSON only; a body that is not JSON is a 400 with a clear message.
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      const err = new Error('The request body is not valid JSON.') as Error & { statusCode: number };
      err.statusCode = 400;
      done(err, undefined);
    }
  });
  server.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) log.error('web host error', { error: err.name });
    const code = status === 413 ? 'TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 500 ? 'INTERNAL' : 'BAD_REQUEST';
    const message =
      status === 413 ? 'The request is too large.' : status === 415 ? 'Send JSON (content-type: application/json).' : status === 500 ? 'Something went wrong.' : err.message;
    return refuse(reply, status, code, message);
  });

  server.post<{ Params: { method: string } }>('/api/:method', async (req, reply) => {
    const key = req.headers[SECRET_HEADER];
    if (typeof key !== 'string' || !safeEqual(key, secret)) return refuse(reply, 401, 'MISSING_SECRET', 'This request lacks the desk’s launch key. Open AccessDesk from the address the desk printed.');
    const sessionKey = sessionKeyOf(req, reply)!;
    const result = await app.dispatcher.call(sessionKey, req.params.method, req.body);
    return reply.header('cache-control', 'no-store').send(result);
  });

  // Events: the same pushes Electron sends over IPC. Only ids and flags, never PHI.
  const sockets = new Set<{ send(data: string): void; readyState: number }>();
  server.get('/events', { websocket: true }, (socket, req) => {
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const offered = protocols.find((p) => p.startsWith(WS_PROTOCOL_PREFIX));
    if (!offered || !safeEqual(offered.slice(WS_PROTOCOL_PREFIX.length), secret)) {
      socket.close(4401, 'missing secret');
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const unsubscribe = app.dispatcher.onEvent((event, payload) => {
    const msg = JSON.stringify({ event, payload });
    for (const s of sockets) if (s.readyState === 1) s.send(msg);
  });

  if (!fs.existsSync(path.join(opts.staticDir, 'index.html'))) {
    throw new Error(`The renderer is not built (${opts.staticDir}/index.html is missing). Run: npm run build:renderer`);
  }
  await server.register(fastifyStatic, { root: path.resolve(opts.staticDir), index: ['index.html'], wildcard: false });
  server.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html')) return reply.sendFile('index.html');
    return refuse(reply, 404, 'NOT_FOUND', 'Not found.');
  });

  await server.listen({ host: '127.0.0.1', port });
  const addr = server.server.address();
  if (addr && typeof addr === 'object') port = addr.port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    launchUrl: `${url}/#key=${secret}`,
    port,
    secret,
    server,
    close: async () => {
      unsubscribe();
      await server.close();
    },
  };
}
