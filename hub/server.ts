/**
 * The hub's HTTP(S) API (protocol: shared/sync/protocol.ts). Fastify 5.
 *
 *   GET  /health                         no auth          {ok, hubId, protocolVersion, serverTime}
 *   POST /enroll                         enrollment code  EnrollRequest -> EnrollResponse
 *   POST /sync/push                      desk credential  PushRequest (application/json, or application/json-seq from
 *                                                        protocol 2: hub/push-seq.ts) -> PushResponse
 *   GET  /sync/pull?cursor=N&limit=M[&echoes=slim]  desk credential  PullResponse (echoes=slim: own changes without payload)
 *   GET  /sync/wait?cursor=N[&timeoutMs=T]  desk credential  {headSeq} once the head is past N, or after T ms (long poll)
 *   GET  /sync/status                    desk credential  StatusResponse
 *   POST /mrn-blocks                     desk credential  {requestId} -> {block}
 *   GET  /review-items?status=open|all   desk credential  {items}
 *   POST /review-items/:id/resolve       desk credential  {resolution, note, resolvedBy?} -> {item, alreadyResolved}
 *   POST /admin/enrollment-codes         admin token      {deskLabel?} -> {code, expiresAt, deskLabel}
 *   GET  /admin/desks                    admin token      {desks}
 *   POST /admin/desks/:id/revoke         admin token      {deskId, revokedAt}
 *
 * Logs are JSON lines with method, route pattern, status, duration and desk id only: never bodies, query strings,
 * headers or error messages from the database (which can quote values).
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Writable } from 'node:stream';
import { z } from 'zod';
import {
  DEFAULT_PULL_LIMIT,
  MAX_BODY_BYTES,
  MAX_PUSH_OPS,
  PROTOCOL_VERSION,
  enrollRequestSchema,
  enrollmentCodeRequestSchema,
  mrnBlockRequestSchema,
  pullQuerySchema,
  pushHeaderSchema,
  pushRequestSchema,
  PUSH_SEQ_CONTENT_TYPE,
  resolveReviewItemRequestSchema,
  WAIT_DEFAULT_TIMEOUT_MS,
  waitQuerySchema,
  type HubErrorCode,
} from '../shared/sync/protocol.js';
import { HubError } from './errors.js';
import { readPushSeq } from './push-seq.js';
import { secretEquals } from './secrets.js';
import type { DeskIdentity, HubService } from './service.js';
import { ChangeNotifier, WaitersFull, changesCommitted, onChangesCommitted } from './notify.js';

export interface HubServerOptions {
  service: HubService;
  adminToken: string;
  /** TLS key + cert; omit only for loopback plain HTTP (tests, --insecure-http). */
  tls?: { key: string; cert: string };
  /** Log destination (default stdout); `false` disables logs. */
  log?: Writable | false;
  logLevel?: string;
  /** GET /sync/wait: internal poll of server_seq while desks wait (default 1 s) and the overall limit of open waits */
  wait?: { pollMs?: number; maxWaiters?: number };
}

declare module 'fastify' {
  interface FastifyRequest {
    desk?: DeskIdentity;
  }
  interface FastifyInstance {
    /** How many desks hold a GET /sync/wait open right now. */
    openWaits(): number;
  }
}

function validation(e: z.ZodError, what: string): HubError {
  const fields: Record<string, string> = {};
  for (const i of e.issues.slice(0, 20)) {
    const k = i.path.join('.') || '(body)';
    fields[k] ??= i.message;
  }
  const first = e.issues[0];
  const where = first && first.path.length ? `${first.path.join('.')}: ` : '';
  return new HubError(400, 'VALIDATION', `Invalid ${what}: ${where}${first?.message ?? 'malformed'}`, { fields });
}

function parse<T>(schema: z.ZodType<T>, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) throw validation(r.error, what);
  return r.data;
}

/** Errors a retry may fix (connection, serialization, resources). Anything unrecognised is treated the same way. */
function hubBusy(): HubError {
  return new HubError(503, 'HUB_BUSY', 'The hub could not complete this request right now. Nothing was written; try again shortly.');
}

export async function buildHubServer(opts: HubServerOptions): Promise<FastifyInstance> {
  const { service } = opts;
  const app = Fastify({
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: false,
    // One line per request from the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Router-level refusals (malformed URL encoding, over-long path parameters) answer in the hub's error shape too.
    frameworkErrors: (err: Error & { statusCode?: number }, _req: FastifyRequest, reply: FastifyReply) => {
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      void reply.code(status).header('cache-control', 'no-store').send({ error: { code: 'VALIDATION', message: 'The request URL is malformed or too long.' } });
    },
    ...(opts.tls ? { https: { key: opts.tls.key, cert: opts.tls.cert } } : {}),
    logger:
      opts.log === false
        ? false
        : {
            level: opts.logLevel ?? process.env.HUB_LOG_LEVEL ?? 'info',
            ...(opts.log ? { stream: opts.log } : {}),
            // Only these request fields are ever serialised; bodies, headers and query strings never are.
            serializers: { req: (req: FastifyRequest) => ({ method: req.method, route: req.routeOptions?.url ?? 'unknown' }), res: () => ({}), err: ((e: Error & { code?: string }) => ({ type: e.name, code: e.code, message: '(omitted)', stack: '' })) as never },
          },
  }) as unknown as FastifyInstance;

  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      { method: req.method, route: req.routeOptions?.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime), deskId: req.desk?.deskId },
      'request',
    );
  });

  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such hub endpoint.' } });
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    let e: HubError;
    if (err instanceof HubError) e = err;
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') e = new HubError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes; send fewer ops per push (at most ${MAX_PUSH_OPS}).`);
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') e = new HubError(415 as number, 'VALIDATION', 'Send the request body as application/json (a push also as application/json-seq).');
    else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') e = new HubError(400, 'BAD_JSON', 'The request body is empty; send a JSON object.');
    else if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && /JSON|prototype|constructor/i.test(err.message))) {
      e = new HubError(400, 'BAD_JSON', 'The request body is not valid JSON.');
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      e = new HubError(err.statusCode, 'VALIDATION', 'The request could not be read.');
    } else {
      req.log.error({ err }, 'request failed');
      e = hubBusy();
    }
    if (e.status >= 500) void reply.header('retry-after', '5');
    void reply
      .code(e.status)
      .header('cache-control', 'no-store')
      .send({ error: { code: e.code, message: e.message, ...e.extra } });
  });

  // A push may come as application/json-seq (protocol 2): read as bytes here, split by hub/push-seq.ts.
  app.addContentTypeParser(PUSH_SEQ_CONTENT_TYPE, { parseAs: 'buffer' }, (_req, b, done) => done(null, b));

  // Any JSON body must be an object (not an array, string or number) wherever a body is read.
  const body = (req: FastifyRequest): unknown => {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body) || Buffer.isBuffer(req.body)) throw new HubError(400, 'VALIDATION', 'The request body must be a JSON object.');
    return req.body;
  };

  const deskAuth = async (req: FastifyRequest) => {
    req.desk = await service.authenticate(req.headers.authorization);
  };
  const adminAuth = async (req: FastifyRequest) => {
    const m = /^Bearer (\S{1,200})$/.exec(req.headers.authorization ?? '');
    if (!m || !secretEquals(m[1]!, opts.adminToken)) throw new HubError(401, 'UNAUTHORIZED', 'This request needs the hub admin token (Authorization: Bearer …), from admin-token in the hub data directory.');
  };
  const send = (reply: FastifyReply, v: unknown) => reply.header('cache-control', 'no-store').send(v);

  app.get('/health', async (_req, reply) => send(reply, { ok: true, hubId: await service.hubId(), protocolVersion: PROTOCOL_VERSION, serverTime: service.now().toISOString() }));

  app.post('/enroll', async (req, reply) => send(reply, await service.enroll(parse(enrollRequestSchema, body(req), 'enrollment request'))));

  app.post('/sync/push', { preHandler: deskAuth }, async (req, reply) => {
    const seq = Buffer.isBuffer(req.body) ? readPushSeq(req.body) : null;
    const raw = (seq ? seq.header : body(req)) as { ops?: unknown };
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new HubError(400, 'VALIDATION', 'The push must be a JSON object.');
    // Refuse an oversized batch before validating 500+ ops one by one.
    if (Array.isArray(raw.ops) && raw.ops.length > MAX_PUSH_OPS) {
      throw new HubError(400, 'VALIDATION', `A push carries at most ${MAX_PUSH_OPS} ops; this one has ${raw.ops.length}. Send the rest in the next batch.`, { fields: { ops: `at most ${MAX_PUSH_OPS}` } });
    }
    if (!seq) return send(reply, await service.push(req.desk!, parse(pushRequestSchema, raw, 'push')));
    const h = parse(pushHeaderSchema, raw, 'push');
    if (seq.payloadTexts.length !== h.ops.length) {
      throw new HubError(400, 'VALIDATION', `This push lists ${h.ops.length} ops but carries ${seq.payloadTexts.length} payload records; send one payload per op, in op order.`);
    }
    return send(reply, await service.push(req.desk!, { ...h, ops: h.ops.map((o) => ({ ...o, payload: null })) }, seq.payloadTexts));
  });

  app.get('/sync/pull', { preHandler: deskAuth }, async (req, reply) => {
    const q = parse(pullQuerySchema, req.query, 'pull query');
    // the page as JSON text built around the stored payload texts (no parse + stringify of every payload)
    const json = await service.pullJson(q.cursor, q.limit ?? DEFAULT_PULL_LIMIT, req.desk!.deskId, q.echoes === 'slim');
    return reply.header('cache-control', 'no-store').header('content-type', 'application/json; charset=utf-8').send(json);
  });

  // Long poll (hub/notify.ts): woken after a commit that advanced server_seq (in-process event) or by the notifier's
  // 1 s poll of server_seq (other hub processes on the same database). Stopping the hub answers every waiter.
  const notifier = new ChangeNotifier({
    headSeq: () => service.headSeq(),
    pollMs: opts.wait?.pollMs,
    maxWaiters: opts.wait?.maxWaiters,
    onError: (e) => app.log.warn(e, 'wait-head-read-failed'),
  });
  const unsubscribe = onChangesCommitted(service.db, () => notifier.changed());
  app.decorate('openWaits', () => notifier.size);
  app.addHook('preClose', async () => {
    unsubscribe();
    notifier.close();
  });

  app.get('/sync/wait', { preHandler: deskAuth }, async (req, reply) => {
    const q = parse(waitQuerySchema, req.query, 'wait query');
    const gone = new AbortController();
    // the desk hung up (or the answer went out): drop the waiter
    reply.raw.once('close', () => gone.abort());
    let headSeq: number;
    try {
      headSeq = await notifier.wait(req.desk!.deskId, q.cursor, q.timeoutMs ?? WAIT_DEFAULT_TIMEOUT_MS, gone.signal);
    } catch (e) {
      if (e instanceof WaitersFull) throw new HubError(503, 'HUB_BUSY', 'Too many desks are waiting for changes right now; pull on your interval and try waiting again later.');
      throw e;
    }
    return send(reply, { headSeq });
  });

  app.get('/sync/status', { preHandler: deskAuth }, async (req, reply) => send(reply, await service.status(req.desk!)));

  app.post('/mrn-blocks', { preHandler: deskAuth }, async (req, reply) => {
    const b = parse(mrnBlockRequestSchema, body(req), 'MRN block request');
    return send(reply, { block: await service.requestMrnBlock(req.desk!, b.requestId) });
  });

  app.get('/review-items', { preHandler: deskAuth }, async (req, reply) => {
    const q = parse(z.object({ status: z.enum(['open', 'all'], { error: 'status must be open or all' }).optional() }), req.query, 'review-items query');
    return send(reply, { items: await service.reviewItems(q.status ?? 'open') });
  });

  app.post('/review-items/:id/resolve', { preHandler: deskAuth }, async (req, reply) => {
    const p = parse(z.object({ id: z.string().min(1).max(100).regex(/^[A-Za-z0-9-]+$/, { error: 'review item id is letters, digits and -' }) }), req.params, 'review item id');
    const b = parse(resolveReviewItemRequestSchema, body(req), 'resolution');
    const r = await service.resolveReviewItem(req.desk!, p.id, b);
    // closing an appointment conflict publishes a hub-authored snapshot (a new change): wake waiting desks
    if (!r.alreadyResolved) changesCommitted(service.db);
    return send(reply, r);
  });

  app.post('/admin/enrollment-codes', { preHandler: adminAuth }, async (req, reply) => {
    const b = parse(enrollmentCodeRequestSchema, req.body === undefined ? {} : body(req), 'enrollment code request');
    return send(reply, await service.createEnrollmentCode(b.deskLabel ?? null));
  });

  app.get('/admin/desks', { preHandler: adminAuth }, async (_req, reply) => send(reply, { desks: await service.listDesks() }));

  app.post('/admin/desks/:id/revoke', { preHandler: adminAuth }, async (req, reply) => {
    const p = parse(z.object({ id: z.string().uuid({ error: 'desk id must be a UUID' }) }), req.params, 'desk id');
    return send(reply, await service.revokeDesk(p.id));
  });

  return app;
}

export type { HubErrorCode };
