/**
 * Desk enrollment with a real hub (HTTPS, pinned fingerprint) and the first replication between two real desks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../electron/store/db.js';
import { getMeta } from '../../electron/store/db.js';
import { CREDENTIAL_FILE } from '../../electron/sync/credentials.js';
import { patientInput } from '../support/patients.js';
import { SyncDesk, converge, createCode, enrolledDesk, hubPatients, startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
const desks: SyncDesk[] = [];
beforeAll(async () => {
  hub = await startTestHub();
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  await hub?.destroy();
});

function track(d: SyncDesk): SyncDesk {
  desks.push(d);
  return d;
}

describe('enrollment', () => {
  it('refuses a wrong or missing fingerprint and changes nothing; the right one enrolls and stores the credential 0600 outside the store', async () => {
    const d = track(new SyncDesk('Front 1'));
    await d.setup();
    const code = await createCode(hub);
    const auditBefore = d.count('audit_log');

    const wrong = hub.fingerprint.replace(/^../, hub.fingerprint.startsWith('AA') ? 'BB' : 'AA');
    const r1 = await d.raw('sync.enroll', { hubUrl: hub.url, code, fingerprint: wrong });
    expect(r1.ok).toBe(false);
    if (!r1.ok) {
      expect(r1.error.code).toBe('VALIDATION');
      expect(r1.error.message).toMatch(/different certificate fingerprint/);
      expect(r1.error.fields).toHaveProperty('fingerprint');
    }
    const r2 = await d.raw('sync.enroll', { hubUrl: hub.url, code, fingerprint: '' });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toMatch(/Type the certificate fingerprint/);
    expect(fs.existsSync(path.join(d.dir, CREDENTIAL_FILE))).toBe(false);
    expect(getMeta(d.app.store.db, 'sync.hub_url')).toBeUndefined();
    expect(d.count('audit_log')).toBe(auditBefore);
    expect((await d.call('sync.status', {})).state).toBe('not-enrolled');

    // Same code, right fingerprint typed in lower case without colons: enrolled (the refused tries did not use the code).
    const typed = hub.fingerprint.replace(/:/g, '').toLowerCase();
    const status = await d.call('sync.enroll', { hubUrl: hub.url, code, fingerprint: typed });
    expect(status).toMatchObject({ enrolled: true, hubUrl: hub.url, pending: expect.any(Number) });

    const file = path.join(d.dir, CREDENTIAL_FILE);
    const st = fs.statSync(file);
    expect(st.mode & 0o777).toBe(0o600);
    const credential = (JSON.parse(fs.readFileSync(file, 'utf8')) as { credential: string }).credential;
    expect(credential.length).toBeGreaterThan(20);
    // Not in the SQLite file (nor its WAL), not in the hub's logs.
    d.app.store.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of fs.readdirSync(d.dir).filter((f) => f.startsWith(DB_FILE))) {
      expect(fs.readFileSync(path.join(d.dir, f)).includes(Buffer.from(credential))).toBe(false);
    }
    expect(hub.logs.lines.join('\n')).not.toContain(credential);
    expect(getMeta(d.app.store.db, 'sync.credential_ref')).toBe('file:sync-credential.json');
    expect(getMeta(d.app.store.db, 'sync.cert_pem')?.trim()).toBe(hub.certPem.trim());
    expect(getMeta(d.app.store.db, 'sync.hub_id')).toBe(hub.hubId);

    // The hub's MRN block replaced the local ones; the enrollment is audited.
    const blocks = d.app.store.db.prepare('SELECT block_start, source FROM mrn_blocks').all() as { block_start: number; source: string }[];
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.every((b) => b.source === 'hub' && b.block_start >= 4_000_000)).toBe(true);
    const audit = d.app.store.db.prepare(`SELECT detail FROM audit_log WHERE action = 'sync.enrolled'`).all() as { detail: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).not.toContain(credential);

    // The code is one-time: enrolling another desk with it is refused with the hub's message.
    const other = track(new SyncDesk('Front 9'));
    await other.setup();
    const r3 = await other.raw('sync.enroll', { hubUrl: hub.url, code, fingerprint: hub.fingerprint });
    expect(r3.ok).toBe(false);
    if (!r3.ok) {
      expect(r3.error.code).toBe('VALIDATION');
      expect(r3.error.message).toMatch(/already used/);
    }
    expect(getMeta(other.app.store.db, 'sync.hub_url')).toBeUndefined();

    // First round: the desk's setup ops (site, admin user) reach the hub; nothing waits.
    const round = await d.sync();
    expect(round.pushed).toBeGreaterThanOrEqual(2);
    expect((await d.call('sync.status', {})).pending).toBe(0);
  });

  it('refuses a plain-http hub unless the desk allows it (tests), and needs an administrator', async () => {
    const d = track(new SyncDesk('Front 2', { sync: { allowInsecureHub: false } }));
    await d.setup();
    const r = await d.raw('sync.enroll', { hubUrl: 'http://127.0.0.1:9', code: 'ABCD-EFGH', fingerprint: '' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/https/);
  });
});

describe('replication between two desks', () => {
  it('a patient registered on desk A appears on desk B after a round, searchable, with history and identical data at the hub', async () => {
    const a = track(await enrolledDesk(hub, 'Desk A'));
    const b = track(await enrolledDesk(hub, 'Desk B'));
    const reg = await a.call('patients.register', { patient: patientInput({ name: { given: 'Ottilie', family: 'Brannigan' }, birthDate: '1971-09-30' }) });
    const p = reg.patient;
    expect(Number(p.mrn.slice(0, 7))).toBeGreaterThanOrEqual(4_000_000); // from the hub's block

    const events: unknown[] = [];
    b.app.dispatcher.onEvent((e, payload) => e === 'patients.changed' && events.push(payload));
    await a.sync();
    const rb = await b.sync();
    expect(rb.pulled).toBeGreaterThanOrEqual(1);
    expect(events).toContainEqual({ id: p.id, version: 1 });

    const found = await b.call('patients.search', { q: 'brannigan, ottilie' });
    expect(found.hits.map((h) => h.id)).toEqual([p.id]);
    const got = (await b.call('patients.get', { id: p.id })).patient;
    expect(got).toMatchObject({ mrn: p.mrn, name: p.name, birthDate: '1971-09-30', version: 1 });
    const hist = await b.call('patients.history', { id: p.id });
    expect(hist.versions[0]).toMatchObject({ action: 'registered', changedByName: 'Another desk (sync)' });
    expect(b.count('audit_log', `WHERE action = 'patient.synced' AND entity_id = '${p.id}'`)).toBe(1);

    // Edit on B, back to A.
    await b.call('patients.update', { id: p.id, baseVersion: 1, patient: { ...patientInput({ name: { given: 'Ottilie', family: 'Brannigan' }, birthDate: '1971-09-30' }), email: 'otti@example.com' } });
    await converge([b, a]);
    expect((await a.call('patients.get', { id: p.id })).patient.email).toBe('otti@example.com');
    const hubRow = (await hubPatients(hub)).find((x) => x.id === p.id)!;
    expect(a.patients().find((x) => x.id === p.id)!.doc).toBe(hubRow.doc);
    expect(b.patients().find((x) => x.id === p.id)!.doc).toBe(hubRow.doc);
    // Echoes are not applied twice: A holds exactly one version row per change.
    expect(a.count('patient_versions', `WHERE patient_id = '${p.id}'`)).toBe(2);
    expect(b.count('patient_versions', `WHERE patient_id = '${p.id}'`)).toBe(2);
    // Users and the site replicate too (distinct usernames here).
    expect(b.count('users', `WHERE username = '${a.username}'`)).toBe(1);
  });
});
