import fs from 'node:fs';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { APP_SCHEME, isAppUrl } from './navigation.js';
import { SECURITY_HEADERS } from './csp.js';

/**
 * `app://` is registered (before app ready) as standard + secure: pages get a real origin (app://desk), a secure
 * context, fetch and normal CSP enforcement. Not bypassCSP, no service workers, no CORS grants.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    bypassCSP: false,
    allowServiceWorkers: false,
    corsEnabled: false,
    stream: false,
    codeCache: true,
  },
};

/**
 * Maps an app:// URL to a file under `root`, or null when it must not be served: another origin, an undecodable
 * path, a NUL or backslash, a `..` segment (also when smuggled as %2F-encoded slashes), or anything resolving
 * outside `root`. "/" serves index.html.
 */
export function resolveAppPath(root: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((seg) => seg === '..')) return null;
  if (decoded === '' || decoded === '/') decoded = '/index.html';
  const base = path.resolve(root);
  const full = path.resolve(base, '.' + decoded);
  const rel = path.relative(base, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return full;
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function respond(status: number, body: BodyInit | null, contentType: string): Response {
  return new Response(body, { status, headers: { ...SECURITY_HEADERS, 'content-type': contentType, 'cache-control': 'no-cache' } });
}

/**
 * The protocol.handle('app', ...) body: serves the built renderer from `root`, read-only, GET/HEAD only, with the
 * strict CSP and the other security headers on every response including errors. Symlinks that lead out of
 * `root` are refused too (real paths compared).
 */
export async function serveAppRequest(root: string, request: { url: string; method: string }): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, 'Method not allowed', 'text/plain; charset=utf-8');
  const file = resolveAppPath(root, request.url);
  if (!file) return respond(404, 'Not found', 'text/plain; charset=utf-8');
  try {
    const [realRoot, realFile] = await Promise.all([fs.promises.realpath(root), fs.promises.realpath(file)]);
    const rel = path.relative(realRoot, realFile);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return respond(404, 'Not found', 'text/plain; charset=utf-8');
    const stat = await fs.promises.stat(realFile);
    if (!stat.isFile()) return respond(404, 'Not found', 'text/plain; charset=utf-8');
    const body = request.method === 'HEAD' ? null : new Uint8Array(await fs.promises.readFile(realFile));
    return respond(200, body, contentTypeOf(realFile));
  } catch {
    return respond(404, 'Not found', 'text/plain; charset=utf-8');
  }
}
