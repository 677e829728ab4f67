/**
 * A small typed client for the hub API (Node only: desk main process / sync worker, hub CLI, tests).
 *
 * Certificate pinning: a clinic has no PKI, so the hub's certificate is self-signed. The client trusts exactly that
 * certificate (`certPem` as the only CA) and additionally checks its SHA-256 fingerprint, so neither a public CA nor
 * another self-signed certificate is accepted. Host names are not checked (desks often reach the hub by IP address);
 * the pin is what identifies the hub. Before enrollment the desk has only the address (and, ideally, the fingerprint
 * the hub printed): `fetchHubCertificate` reads the certificate from the TLS handshake without sending anything, and
 * the caller compares its fingerprint with what the administrator sees on the hub.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import crypto from 'node:crypto';
import {
  enrollResponseSchema,
  hubErrorSchema,
  mrnBlockResponseSchema,
  pullResponseSchema,
  pushResponseSchema,
  reviewItemsResponseSchema,
  resolveReviewItemResponseSchema,
  statusResponseSchema,
  waitResponseSchema,
  WAIT_DEFAULT_TIMEOUT_MS,
  type WaitResponse,
  type EnrollRequest,
  type EnrollResponse,
  type HubErrorCode,
  type MrnBlockGrant,
  type PullResponse,
  type OutgoingPush,
  pushBodyJson,
  pushBodySeq,
  PUSH_SEQ_CONTENT_TYPE,
  type PushResponse,
  type ReviewItem,
  type ResolveReviewItemRequest,
  type ResolveReviewItemResponse,
  type StatusResponse,
} from './protocol.js';
import type { z } from 'zod';

/** A request body as it goes: JSON text, or text of another content type. */
export type RawBody = string | { text: string; contentType: string };

export class HubRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: HubErrorCode | 'NETWORK' | 'BAD_RESPONSE' | 'PIN_MISMATCH',
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'HubRequestError';
  }
  /** True when retrying later may succeed (network down, hub busy). */
  get retryable(): boolean {
    return this.code === 'NETWORK' || this.status >= 500;
  }
}

export interface HubClientOptions {
  /** https://host:port (or http://127.0.0.1:port for a loopback test hub). */
  baseUrl: string;
  /** Desk credential (Bearer) for desk endpoints. */
  credential?: string;
  /** Admin token for /admin/* endpoints. */
  adminToken?: string;
  /** The hub certificate to pin (from enrollment). Required for https. */
  certPem?: string;
  /** Expected SHA-256 fingerprint ("AB:CD:…"); defaults to the fingerprint of certPem. */
  fingerprint?: string;
  timeoutMs?: number;
}

export function fingerprintOf(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256;
}

/** Reads the hub's certificate from a TLS handshake (nothing is sent). Compare its fingerprint before trusting it. */
export function fetchHubCertificate(baseUrl: string, timeoutMs = 10_000): Promise<{ certPem: string; fingerprint: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({ host, port: Number(u.port || 443), rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host });
    const timer = setTimeout(() => socket.destroy(new Error('timeout')), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const raw = socket.getPeerCertificate(false).raw;
      socket.end();
      if (!raw) return reject(new HubRequestError(0, 'BAD_RESPONSE', 'The hub sent no certificate.'));
      const certPem = new crypto.X509Certificate(raw).toString();
      resolve({ certPem, fingerprint: fingerprintOf(certPem) });
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(new HubRequestError(0, 'NETWORK', `Cannot reach the hub at ${baseUrl}: ${e.message}`));
    });
  });
}

export class HubClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(private readonly opts: HubClientOptions) {
    this.base = new URL(opts.baseUrl);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    if (this.base.protocol === 'https:') {
      if (!opts.certPem) throw new Error('An https hub needs its pinned certificate (certPem)');
      const expected = opts.fingerprint ?? fingerprintOf(opts.certPem);
      this.agent = new https.Agent({
        keepAlive: true,
        ca: [opts.certPem],
        // The pin replaces host name checks: the certificate must be exactly the hub's.
        checkServerIdentity: (_host, cert) => (cert.fingerprint256 === expected ? undefined : new Error('The hub certificate does not match the pinned fingerprint')),
      });
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
  }

  close(): void {
    this.agent.destroy();
  }

  /** Raw request: resolves with status and parsed JSON body (never throws on HTTP status). */
  /** `rawBody`: the body as it goes (JSON text, or `{ text, contentType }` for another content type) instead of `body`. */
  raw(method: 'GET' | 'POST', path: string, body?: unknown, auth: 'desk' | 'admin' | 'none' = 'desk', rawBody?: RawBody, timeoutMs = this.timeoutMs): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = auth === 'desk' ? this.opts.credential : auth === 'admin' ? this.opts.adminToken : undefined;
    if (token) headers.authorization = `Bearer ${token}`;
    const payload = typeof rawBody === 'object' ? rawBody.text : (rawBody ?? (body === undefined ? undefined : JSON.stringify(body)));
    if (payload !== undefined) headers['content-type'] = typeof rawBody === 'object' ? rawBody.contentType : 'application/json';
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: this.agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', (e) => reject(new HubRequestError(0, 'NETWORK', e.message)));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        const pin = /pinned fingerprint|self[- ]signed|certificate/i.test(e.message);
        reject(new HubRequestError(0, pin ? 'PIN_MISMATCH' : 'NETWORK', pin ? `The hub's certificate is not the one this desk was enrolled with (${e.message}).` : `Cannot reach the hub: ${e.message}`));
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private async call<T>(schema: z.ZodType<T>, method: 'GET' | 'POST', path: string, body?: unknown, auth: 'desk' | 'admin' | 'none' = 'desk', rawBody?: RawBody, timeoutMs?: number): Promise<T> {
    const r = await this.raw(method, path, body, auth, rawBody, timeoutMs);
    if (r.status >= 200 && r.status < 300) {
      const p = schema.safeParse(r.body);
      if (!p.success) throw new HubRequestError(r.status, 'BAD_RESPONSE', `Unexpected response from the hub for ${method} ${path}`);
      return p.data;
    }
    const e = hubErrorSchema.safeParse(r.body);
    if (e.success) throw new HubRequestError(r.status, e.data.error.code, e.data.error.message, e.data.error);
    throw new HubRequestError(r.status, 'BAD_RESPONSE', `The hub answered ${r.status} for ${method} ${path}`);
  }

  health(): Promise<{ ok: boolean; hubId: string }> {
    return this.raw('GET', '/health', undefined, 'none').then((r) => r.body as { ok: boolean; hubId: string });
  }
  enroll(req: EnrollRequest): Promise<EnrollResponse> {
    return this.call(enrollResponseSchema, 'POST', '/enroll', req, 'none');
  }
  push(req: OutgoingPush): Promise<PushResponse> {
    const body = req.jsonSeq ? { text: pushBodySeq(req), contentType: PUSH_SEQ_CONTENT_TYPE } : pushBodyJson(req);
    return this.call(pushResponseSchema, 'POST', '/sync/push', undefined, 'desk', body);
  }
  /** `echoes: 'slim'`: this desk's own changes come without payload (payloadOmitted); see pullQuerySchema. */
  pull(cursor: number, limit?: number, echoes?: 'slim' | 'full'): Promise<PullResponse> {
    return this.call(pullResponseSchema, 'GET', `/sync/pull?cursor=${cursor}${limit ? `&limit=${limit}` : ''}${echoes ? `&echoes=${echoes}` : ''}`);
  }
  /**
   * Long poll (GET /sync/wait): resolves with the hub's head once it is past `cursor`, or after `timeoutMs` with the
   * same head. The socket may stay quiet that long, so this request's own timeout is longer than the wait.
   */
  wait(cursor: number, timeoutMs = WAIT_DEFAULT_TIMEOUT_MS): Promise<WaitResponse> {
    return this.call(waitResponseSchema, 'GET', `/sync/wait?cursor=${cursor}&timeoutMs=${timeoutMs}`, undefined, 'desk', undefined, Math.max(this.timeoutMs, timeoutMs + 15_000));
  }
  status(): Promise<StatusResponse> {
    return this.call(statusResponseSchema, 'GET', '/sync/status');
  }
  mrnBlock(requestId: string): Promise<MrnBlockGrant> {
    return this.call(mrnBlockResponseSchema, 'POST', '/mrn-blocks', { requestId }).then((r) => r.block);
  }
  reviewItems(status: 'open' | 'all' = 'open'): Promise<ReviewItem[]> {
    return this.call(reviewItemsResponseSchema, 'GET', `/review-items?status=${status}`).then((r) => r.items);
  }
  /** Close a review item (idempotent: an item closed before comes back as it was closed, with alreadyResolved). */
  resolveReviewItem(id: string, body: ResolveReviewItemRequest): Promise<ResolveReviewItemResponse> {
    return this.call(resolveReviewItemResponseSchema, 'POST', `/review-items/${encodeURIComponent(id)}/resolve`, body);
  }
}
