import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestHub } from './use-hub.js';
import { newId } from '../../shared/ids.js';
import { HubClient, HubRequestError, fetchHubCertificate } from '../../shared/sync/hub-client.js';
import { ensureTls, normalizeEnrollmentCode } from '../../hub/secrets.js';
import { startHub } from '../../hub/hub.js';
import { hubMigrations, migrateHub } from '../../hub/migrations.js';
import { createCode, doc, enrollDesk, formatMrn, OpMaker, tempDir, type TestHub } from './support.js';

let hub!: TestHub;
useTestHub((h) => (hub = h));

describe('HTTPS and the pinned certificate', () => {
  it('serves HTTPS with the self-signed certificate whose SHA-256 fingerprint desks pin; key file is 0600', async () => {
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const seen = await fetchHubCertificate(hub.url);
    expect(seen.fingerprint).toBe(hub.fingerprint);
    expect(seen.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const health = await hub.client().health();
    expect(health).toMatchObject({ ok: true, hubId: hub.hubId });
    const mode = fs.statSync(path.join(hub.dataDir, 'tls', 'key.pem')).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(fs.statSync(path.join(hub.dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    // Restarting on the same data directory keeps the same certificate (desks stay pinned).
    const again = await ensureTls(hub.dataDir);
    expect(again.created).toBe(false);
    expect(again.fingerprint).toBe(hub.fingerprint);
  });

  it('a client pinned to another certificate refuses to talk to the hub (nothing sent)', async () => {
    const other = await ensureTls(tempDir());
    const c = new HubClient({ baseUrl: hub.url, certPem: other.cert });
    await expect(c.health()).rejects.toMatchObject({ code: 'PIN_MISMATCH' });
    c.close();
    const wrongFp = new HubClient({ baseUrl: hub.url, certPem: hub.certPem, fingerprint: other.fingerprint });
    await expect(wrongFp.health()).rejects.toBeInstanceOf(HubRequestError);
    wrongFp.close();
  });

  it('plain HTTP is refused unless bound to loopback', async () => {
    await expect(startHub({ dataDir: tempDir(), insecureHttp: true, host: '0.0.0.0', port: 0, log: false })).rejects.toThrow(/loopback/);
  });
});

describe('migrations', () => {
  it('are recorded in schema_migrations and applied once (forward only)', async () => {
    const r = await hub.db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(r.rows.map((x) => Number(x.version))).toEqual(hubMigrations.map((m) => m.version));
    expect(await migrateHub(hub.db)).toEqual([]);
  });
});

describe('enrollment', () => {
  it('a one-time code enrolls a desk: credential, hub id, fingerprint, an MRN block; the code cannot be used twice', async () => {
    const code = await createCode(hub, 'Front desk 2');
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const deskId = newId();
    const c = hub.client();
    const res = await c.enroll({ code: code.toLowerCase(), deskId, deskLabel: 'typed label' });
    expect(res.deskId).toBe(deskId);
    expect(res.hubId).toBe(hub.hubId);
    expect(res.certFingerprint).toBe(hub.fingerprint);
    expect(Buffer.from(res.deskCredential, 'base64url')).toHaveLength(32);
    expect(res.mrnBlock.start).toBeGreaterThanOrEqual(4_000_000);
    expect(res.mrnBlock.end).toBeLessThanOrEqual(9_999_999);
    // The credential is stored only as a hash.
    const stored = await hub.db.query<{ credential_hash: string; label: string }>('SELECT credential_hash, label FROM desks WHERE desk_id = $1', [deskId]);
    expect(stored.rows[0]!.credential_hash).not.toContain(res.deskCredential);
    expect(stored.rows[0]!.label).toBe('Front desk 2'); // the administrator's label wins
    const codes = await hub.db.query<{ code_hash: string }>('SELECT code_hash FROM enrollment_codes');
    expect(codes.rows.map((r) => r.code_hash).join()).not.toContain(normalizeEnrollmentCode(code)!);

    const status = await hub.client(res.deskCredential).status();
    expect(status).toMatchObject({ deskId, hubId: hub.hubId, epochs: [], mrnBlocks: [res.mrnBlock] });

    const desksBefore = await hub.count('desks');
    await expect(c.enroll({ code, deskId: newId(), deskLabel: 'x' })).rejects.toMatchObject({ status: 400, code: 'CODE_INVALID', message: expect.stringMatching(/already used/) });
    expect(await hub.count('desks')).toBe(desksBefore);
  });

  it('two desks racing for one code: exactly one enrolls', async () => {
    const code = await createCode(hub);
    const c = hub.client();
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => c.enroll({ code, deskId: newId(), deskLabel: 'race' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CODE_INVALID' });
  });

  it('an expired code is refused (24 h), an unknown or malformed one too, and nothing is written', async () => {
    const code = await createCode(hub);
    const desks = await hub.count('desks');
    const realNow = hub.service.now;
    hub.service.now = () => new Date(Date.now() + 24 * 3600 * 1000 + 1000);
    try {
      await expect(hub.client().enroll({ code, deskId: newId(), deskLabel: 'late' })).rejects.toMatchObject({ code: 'CODE_INVALID', message: expect.stringMatching(/expired/) });
    } finally {
      hub.service.now = realNow;
    }
    await expect(hub.client().enroll({ code: 'ZZZZ-ZZZZ', deskId: newId(), deskLabel: 'x' })).rejects.toMatchObject({ code: 'CODE_INVALID' });
    await expect(hub.client().enroll({ code: 'not a code!', deskId: newId(), deskLabel: 'x' })).rejects.toMatchObject({ status: 400 });
    expect(await hub.count('desks')).toBe(desks);
    // The expired code was not consumed by the failed attempt, but it stays expired; a fresh code still works.
    await expect(enrollDesk(hub)).resolves.toMatchObject({ hubId: hub.hubId });
  });

  it('the admin API needs the admin token', async () => {
    for (const c of [hub.client(), new HubClient({ baseUrl: hub.url, certPem: hub.certPem, adminToken: 'wrong-token-wrong-token' })]) {
      const r = await c.raw('POST', '/admin/enrollment-codes', {}, 'admin');
      expect(r.status).toBe(401);
      const d = await c.raw('GET', '/admin/desks', undefined, 'admin');
      expect(d.status).toBe(401);
      c.close();
    }
  });
});

describe('desk authentication', () => {
  it('missing or forged credentials get 401 at every desk endpoint and write nothing', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const body = { deskId: desk.deskId, epoch: 1, ops: [m.register(doc(), formatMrn(11))] };
    const opsBefore = await hub.count('ops');
    for (const c of [hub.client(), hub.client('A'.repeat(43)), hub.client(desk.deskCredential.slice(0, -2) + 'xx')]) {
      for (const [method, p, b] of [
        ['POST', '/sync/push', body],
        ['GET', '/sync/pull?cursor=0', undefined],
        ['GET', '/sync/wait?cursor=0&timeoutMs=0', undefined],
        ['GET', '/sync/status', undefined],
        ['POST', '/mrn-blocks', { requestId: newId() }],
        ['GET', '/review-items', undefined],
      ] as const) {
        const r = await c.raw(method, p, b);
        expect(r.status, `${method} ${p}`).toBe(401);
        expect(r.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      }
    }
    expect(await hub.count('ops')).toBe(opsBefore);
  });

  it('a revoked desk gets 401 DESK_REVOKED and its push changes nothing; it cannot re-enroll under the same id', async () => {
    const desk = await enrollDesk(hub, 'Soon revoked');
    const m = new OpMaker(desk.deskId);
    await desk.client.push({ deskId: desk.deskId, epoch: 1, ops: [m.register(doc({ name: { given: 'Ann', family: 'Revoke' } }), formatMrn(21))] });
    const r = await hub.admin.raw('POST', `/admin/desks/${desk.deskId}/revoke`, undefined, 'admin');
    expect(r.status).toBe(200);
    const before = { ops: await hub.count('ops'), patients: await hub.count('patients'), blocks: await hub.count('mrn_blocks_granted') };
    await expect(desk.client.push({ deskId: desk.deskId, epoch: 1, ops: [m.register(doc(), formatMrn(22))] })).rejects.toMatchObject({ status: 401, code: 'DESK_REVOKED' });
    await expect(desk.client.mrnBlock(newId())).rejects.toMatchObject({ status: 401 });
    await expect(desk.client.pull(0)).rejects.toMatchObject({ status: 401 });
    expect({ ops: await hub.count('ops'), patients: await hub.count('patients'), blocks: await hub.count('mrn_blocks_granted') }).toEqual(before);
    const code = await createCode(hub);
    await expect(hub.client().enroll({ code, deskId: desk.deskId, deskLabel: 'again' })).rejects.toMatchObject({ status: 403 });
    const unknown = await hub.admin.raw('POST', `/admin/desks/${newId()}/revoke`, undefined, 'admin');
    expect(unknown.status).toBe(404);
  });

  it("a desk may push only its own ops: another desk's id gets 403 and nothing is written", async () => {
    const a = await enrollDesk(hub, 'A');
    const b = await enrollDesk(hub, 'B');
    const m = new OpMaker(b.deskId);
    const before = await hub.count('ops');
    await expect(a.client.push({ deskId: b.deskId, epoch: 1, ops: [m.register(doc(), formatMrn(31))] })).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    // An op claiming another desk inside the caller's own batch is refused as a whole.
    const mine = new OpMaker(a.deskId);
    const forged = { ...mine.register(doc(), formatMrn(32)), deskId: b.deskId };
    const r = await a.client.raw('POST', '/sync/push', { deskId: a.deskId, epoch: 1, ops: [forged] });
    expect(r.status).toBe(400);
    expect(await hub.count('ops')).toBe(before);
    const st = await b.client.status();
    expect(st.epochs).toEqual([]);
  });

  it('an active desk that enrolls again gets a new credential and the old one stops working', async () => {
    const desk = await enrollDesk(hub);
    const code = await createCode(hub);
    const again = await hub.client().enroll({ code, deskId: desk.deskId, deskLabel: 'same desk' });
    expect(again.deskCredential).not.toBe(desk.deskCredential);
    await expect(desk.client.status()).rejects.toMatchObject({ status: 401 });
    await expect(hub.client(again.deskCredential).status()).resolves.toMatchObject({ deskId: desk.deskId });
  });

  it('logs are JSON lines without bodies, credentials or patient data', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const secretName = 'Zebulonia';
    await desk.client.push({ deskId: desk.deskId, epoch: 1, ops: [m.register(doc({ name: { given: secretName, family: 'Quixotez' }, phones: [{ use: 'mobile', number: '(312) 555-0199', smsConsent: false }] }), formatMrn(41))] });
    await desk.client.raw('POST', '/sync/push', '{not json' as unknown, 'desk', '{not json');
    const all = hub.logs.lines.join('\n');
    expect(hub.logs.lines.length).toBeGreaterThan(5);
    for (const line of hub.logs.lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(all).toContain('/sync/push');
    for (const phi of [secretName, 'Quixotez', '555-0199', desk.deskCredential, hub.adminToken]) expect(all).not.toContain(phi);
  });
});
