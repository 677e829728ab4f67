/**
 * Bad input at every hub endpoint (fast-check): malformed JSON, wrong types, hostile strings, oversized batches,
 * other desks' ids. Every refusal is a 4xx with a code and a message, never a 5xx, and a refused request writes
 * nothing. (A mutated push that is still well-formed may be accepted: then it is a 200, and poison payloads are
 * recorded as rejected ops by design.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/ids.js';
import { MAX_PUSH_OPS, hubErrorSchema, labelSchema, waitQuerySchema } from '../../shared/sync/protocol.js';
import { createCode, doc, enrollDesk, formatMrn, OpMaker, startTestHub, type EnrolledDesk, type TestHub } from './support.js';

let hub: TestHub;
let desk: EnrolledDesk;
let other: EnrolledDesk;
beforeAll(async () => {
  hub = await startTestHub();
  desk = await enrollDesk(hub, 'Fuzz desk');
  other = await enrollDesk(hub, 'Other desk');
}, 120_000);
afterAll(async () => {
  await hub?.destroy();
});

async function snapshot() {
  const r = await hub.db.query(
    `SELECT (SELECT COUNT(*) FROM ops) ops, (SELECT COUNT(*) FROM changes) changes, (SELECT COUNT(*) FROM desks) desks,
            (SELECT COUNT(*) FROM desk_cursors) cursors, (SELECT COALESCE(SUM(last_seq), 0) FROM desk_cursors) seqs,
            (SELECT COUNT(*) FROM enrollment_codes WHERE used_at IS NOT NULL) used_codes, (SELECT COUNT(*) FROM enrollment_codes) codes,
            (SELECT COUNT(*) FROM mrn_blocks_granted) blocks, (SELECT COUNT(*) FROM patients) patients,
            (SELECT COUNT(*) FROM desks WHERE revoked_at IS NOT NULL) revoked`,
  );
  return JSON.stringify(r.rows[0]);
}

function expectRefusal(r: { status: number; body: unknown }, label: string) {
  expect(r.status, label).toBeGreaterThanOrEqual(400);
  expect(r.status, label).toBeLessThan(500);
  const e = hubErrorSchema.safeParse(r.body);
  expect(e.success, `${label}: ${JSON.stringify(r.body)}`).toBe(true);
  if (e.success) expect(e.data.error.message.length).toBeGreaterThan(10);
}

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '💥'.repeat(50), '__proto__', 'x'.repeat(5000), ' ', '', "'; DROP TABLE ops; --", '{"a":1}'),
);
const anyJson = fc.oneof(fc.jsonValue(), hostileString, fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }));

const malformedJson = fc.oneof(
  fc.string().filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.constantFrom('{', '{"deskId":', '[1,2', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', 'null', '123', '"str"', '[]', 'true'),
);

describe('bad input never yields a 5xx and never writes', () => {
  it('malformed or non-object JSON at every POST endpoint', async () => {
    const before = await snapshot();
    const posts = [
      ['/enroll', 'none'],
      ['/sync/push', 'desk'],
      ['/mrn-blocks', 'desk'],
      ['/admin/enrollment-codes', 'admin'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...posts), malformedJson, async ([path, auth], raw) => {
        const c = auth === 'desk' ? desk.client : auth === 'admin' ? hub.admin : hub.client();
        const r = await c.raw('POST', path, undefined, auth, raw);
        expectRefusal(r, `${path} ${JSON.stringify(raw)}`);
      }),
      { numRuns: 80 },
    );
    expect(await snapshot()).toBe(before);
  });

  it('wrong types in enrollment, MRN block, admin and query inputs', async () => {
    const before = await snapshot();
    const code = await createCode(hub); // a real code: wrong types around it must not consume it
    const after = await snapshot();
    const anon = hub.client();
    await fc.assert(
      fc.asyncProperty(anyJson, anyJson, anyJson, async (a, b, c) => {
        expectRefusal(await anon.raw('POST', '/enroll', { code: a, deskId: b, deskLabel: c }, 'none'), 'enroll all');
        expectRefusal(await anon.raw('POST', '/enroll', { code, deskId: b, deskLabel: 'x' }, 'none'), 'enroll deskId');
        expectRefusal(await anon.raw('POST', '/enroll', { code, deskId: newId(), deskLabel: typeof c === 'string' && c.trim() === '' ? c : 5 }, 'none'), 'enroll label');
        expectRefusal(await desk.client.raw('POST', '/mrn-blocks', { requestId: a }), 'mrn');
        expectRefusal(await hub.admin.raw('POST', '/admin/enrollment-codes', { deskLabel: labelSchema.safeParse(b).success ? 5 : b }, 'admin'), 'code');
        let s: string;
        try {
          s = encodeURIComponent(typeof a === 'string' ? a : JSON.stringify(a));
        } catch {
          s = '%ED%A0%80'; // a lone surrogate cannot be URI-encoded: send its invalid UTF-8 bytes instead
        }
        expectRefusal(await hub.admin.raw('POST', `/admin/desks/${s || 'x'}/revoke`, undefined, 'admin'), 'revoke');
      }),
      { numRuns: 40, interruptAfterTimeLimit: 20_000 },
    );
    for (const q of ['', '?cursor=-1', '?cursor=abc', '?cursor=1.5', '?cursor=1&limit=0', '?cursor=1&limit=100000', '?cursor=1&cursor=2', '?cursor=99999999999999999999', '?limit=5']) {
      expectRefusal(await desk.client.raw('GET', `/sync/pull${q}`), `pull ${q}`);
    }
    for (const q of ['', '?cursor=-1', '?cursor=abc', '?cursor=1.5', '?cursor=1&cursor=2', '?cursor=99999999999999999999', '?timeoutMs=5', '?cursor=1&timeoutMs=-1', '?cursor=1&timeoutMs=abc', '?cursor=1&timeoutMs=60001', '?cursor=1&timeoutMs=1e4', '?cursor=1&timeoutMs=9999999']) {
      expectRefusal(await desk.client.raw('GET', `/sync/wait${q}`), `wait ${q}`);
    }
    expectRefusal(await desk.client.raw('POST', '/sync/wait?cursor=1'), 'wait by POST');
    // hostile query values: refused (4xx), or — when they happen to be valid — answered at once (timeoutMs=0)
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, async (x, y) => {
        const enc = (v: string) => {
          try {
            return encodeURIComponent(v);
          } catch {
            return '%ED%A0%80';
          }
        };
        const r1 = await desk.client.raw('GET', `/sync/wait?cursor=${enc(x)}&timeoutMs=0`);
        if (waitQuerySchema.safeParse({ cursor: x, timeoutMs: '0' }).success) expect(r1.status).toBe(200);
        else expectRefusal(r1, `wait cursor ${JSON.stringify(x)}`);
        if (!waitQuerySchema.safeParse({ cursor: '0', timeoutMs: y }).success) expectRefusal(await desk.client.raw('GET', `/sync/wait?cursor=0&timeoutMs=${enc(y)}`), `wait timeout ${JSON.stringify(y)}`);
      }),
      { numRuns: 60, interruptAfterTimeLimit: 15_000 },
    );
    expectRefusal(await desk.client.raw('GET', '/review-items?status=closed'), 'review status');
    expectRefusal(await hub.admin.raw('POST', `/admin/desks/${newId()}/revoke`, undefined, 'admin'), 'revoke unknown');
    expect(await snapshot()).toBe(after);
    expect(after).not.toBe(before); // (the code itself was created)
    // …and the code still works.
    await expect(hub.client().enroll({ code, deskId: newId(), deskLabel: 'after fuzz' })).resolves.toMatchObject({ hubId: hub.hubId });
  });

  it('mutated push batches: refused whole (4xx, nothing written) or accepted; never a 5xx', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom('opId', 'deskId', 'epoch', 'seq', 'kind', 'entityId', 'payload', 'hlc', 'schemaVersion', '(top:deskId)', '(top:epoch)', '(top:ops)', '(top:epochStartSeq)', '(drop)'),
        anyJson,
        async (idx, key, value) => {
          const st = await desk.client.status();
          const last = st.epochs.find((e) => e.epoch === 1)?.lastSeq ?? 0;
          const m = new OpMaker(desk.deskId, 1, last + 1);
          const ops: Record<string, unknown>[] = [m.register(doc(), formatMrn(300_000 + last)), m.op('site.configured', 'site', { siteName: 'S', timeZone: 'UTC' }), m.op('site.configured', 'site', { siteName: 'T', timeZone: 'UTC' })];
          const body: Record<string, unknown> = { deskId: desk.deskId, epoch: 1, ops };
          if (key === '(drop)') delete ops[idx]![['opId', 'seq', 'hlc'][idx]!];
          else if (key.startsWith('(top:')) body[key.slice(5, -1)] = value;
          else ops[idx]![key] = value;
          const before = await snapshot();
          const r = await desk.client.raw('POST', '/sync/push', body);
          if (r.status === 200) return; // still well-formed (e.g. a payload that becomes a recorded rejection)
          expectRefusal(r, `${key}=${JSON.stringify(value)?.slice(0, 80)}`);
          expect(await snapshot()).toBe(before);
          refused++;
        },
      ),
      { numRuns: 150 },
    );
    expect(refused).toBeGreaterThan(75); // the property mostly exercised refusals, not only accepted batches
  });

  it('oversized batches and bodies are refused with a clear message; nothing written', async () => {
    const before = await snapshot();
    const st = await desk.client.status();
    const m = new OpMaker(desk.deskId, 1, (st.epochs.find((e) => e.epoch === 1)?.lastSeq ?? 0) + 1);
    const ops = Array.from({ length: MAX_PUSH_OPS + 1 }, () => m.op('site.configured', 'site', { siteName: 'S', timeZone: 'UTC' }));
    const r = await desk.client.raw('POST', '/sync/push', { deskId: desk.deskId, epoch: 1, ops });
    expectRefusal(r, 'too many ops');
    expect((r.body as { error: { message: string } }).error.message).toMatch(/at most 500/);
    const huge = await desk.client.raw('POST', '/sync/push', { deskId: desk.deskId, epoch: 1, ops: [{ ...ops[0]!, payload: { blob: 'x'.repeat(9 * 1024 * 1024) } }] });
    expect(huge.status).toBe(413);
    expectRefusal(huge, 'too large');
    expect(await snapshot()).toBe(before);
  });

  it("other desks' ids anywhere in a push: 403/400, nothing written", async () => {
    const before = await snapshot();
    const m = new OpMaker(other.deskId);
    const theirs = [m.register(doc(), formatMrn(400_001))];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<'top' | 'op' | 'both'>('top', 'op', 'both'), async (where) => {
        const mine = new OpMaker(desk.deskId, 1, 999_999).op('site.configured', 'site', { siteName: 'S', timeZone: 'UTC' });
        const body =
          where === 'top' ? { deskId: other.deskId, epoch: 1, ops: [{ ...mine, deskId: desk.deskId }] } : where === 'op' ? { deskId: desk.deskId, epoch: 1, ops: [{ ...mine, deskId: other.deskId }] } : { deskId: other.deskId, epoch: 1, ops: theirs };
        const r = await desk.client.raw('POST', '/sync/push', body);
        expectRefusal(r, where);
        expect([400, 403]).toContain(r.status);
      }),
      { numRuns: 6 },
    );
    expect(await snapshot()).toBe(before);
  });
});
