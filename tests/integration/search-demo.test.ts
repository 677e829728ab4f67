/**
 * The synthetic patient generator, the benchmark's bulk loader (same rows as a real registration) and the demo
 * clinic seeder, on real SQLite files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { generatePatients, bulkLoadPatients, PatientGenerator } from '../../electron/demo/generator.js';
import { seedDemo, DEMO_USERS } from '../../electron/demo/seed.js';
import { writePatientVersion } from '../../electron/patients/repo.js';
import { diffPatient } from '../../electron/patients/changes.js';
import { patientInputSchema, type PatientInput } from '../../shared/domain/patient.js';
import { isValidMrn } from '../../shared/patients/mrn-format.js';
import { HUB_SPACE_START } from '../../electron/patients/mrn.js';
import { searchPatients } from '../../electron/patients/search.js';
import { newId } from '../../shared/ids.js';
import { fold } from '../../shared/text.js';
import { US_STATES } from '../../shared/domain/patient.js';

let desks: TestDesk[] = [];
function newDesk(): TestDesk {
  const d = new TestDesk();
  desks.push(d);
  return d;
}
afterEach(() => {
  for (const d of desks) d.destroy();
  desks = [];
});

describe('generator', () => {
  const patients = generatePatients(4000, 123);

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generatePatients(50, 123)).toEqual(patients.slice(0, 50));
    expect(generatePatients(50, 124)).not.toEqual(patients.slice(0, 50));
  });

  it('every patient is a valid PatientInput, already in its parsed form', () => {
    for (const p of patients) {
      const r = patientInputSchema.safeParse(p);
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
      expect(r.data).toEqual(p);
    }
  });

  it('has the names that break naive search, nicknames, previous names and near-duplicates', () => {
    const fam = patients.map((p) => p.name.family);
    const giv = patients.map((p) => p.name.given);
    expect(fam.some((f) => /^O'/.test(f))).toBe(true);
    expect(fam.some((f) => /^D'/.test(f))).toBe(true);
    expect(fam.some((f) => /\w-\w/.test(f))).toBe(true);
    expect(fam.some((f) => / /.test(f))).toBe(true); // De La Cruz, Van der Berg, Mac Donald
    expect(fam.some((f) => f !== f.normalize('NFKD'))).toBe(true); // García, Núñez
    expect(giv.some((g) => g !== g.normalize('NFKD'))).toBe(true); // Zoë, Béatrice, José
    expect(patients.some((p) => ['Jr', 'Jr.', 'Sr', 'II', 'III', 'IV'].includes(p.name.suffix))).toBe(true);
    expect(patients.filter((p) => p.preferredName).length).toBeGreaterThan(100);
    expect(patients.filter((p) => p.previousNames.length > 0).length).toBeGreaterThan(100);
    // Smith is the most common last name, as in the census
    const counts = new Map<string, number>();
    for (const f of fam) counts.set(f, (counts.get(f) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(top).toBe('Smith');
    // near-duplicates: the same DOB and folded last name, or the same first name and DOB with a one-letter slip
    const seen = new Set<string>();
    let dups = 0;
    for (const p of patients) {
      const k = `${p.birthDate}|${fold(p.name.family)}|${p.sexAtBirth}|${p.addresses[0]?.line1 ?? ''}`;
      if (seen.has(k)) dups++;
      seen.add(k);
    }
    expect(dups).toBeGreaterThan(5);
  });

  it('has coverages from the usual payers, consents, guarantors and emergency contacts', () => {
    const payers = new Set(patients.flatMap((p) => p.coverages.map((c) => c.payerName)));
    for (const name of ['Medicare', 'Medicaid', 'Aetna', 'UnitedHealthcare', 'Cigna', 'Humana']) expect(payers.has(name), name).toBe(true);
    expect([...payers].some((n) => n.startsWith('Blue Cross Blue Shield'))).toBe(true);
    expect(patients.filter((p) => p.coverages.some((c) => c.rank === 2)).length).toBeGreaterThan(10);
    expect(patients.filter((p) => p.guarantor.type === 'person').length).toBeGreaterThan(100);
    expect(patients.filter((p) => p.consents.length > 0).length).toBeGreaterThan(2000);
    expect(patients.filter((p) => p.emergencyContacts.length > 0).length).toBeGreaterThan(1000);
    for (const p of patients) for (const a of p.addresses) expect((US_STATES as readonly string[]).includes(a.state)).toBe(true);
    // Medicare for 65 and over
    const elder = patients.filter((p) => p.birthDate < '1955-01-01');
    expect(elder.filter((p) => p.coverages[0]?.payerName === 'Medicare').length / elder.length).toBeGreaterThan(0.9);
    // emails only on reserved example domains
    for (const p of patients) if (p.email) expect(p.email).toMatch(/@example\.(com|org|net)$/);
  });

  it('dates are relative to the reference date, not to the clock', () => {
    const a = new PatientGenerator(5, { referenceDate: '2020-01-01' });
    for (let i = 0; i < 500; i++) {
      const p = a.next();
      expect(p.birthDate <= '2020-01-01').toBe(true);
      for (const c of p.consents) expect(c.signedOn <= '2020-01-01').toBe(true);
    }
  });
});

describe('bulk loader', () => {
  it('writes the same rows and search keys as a real registration (writePatientVersion)', async () => {
    const desk = newDesk();
    await desk.setup();
    const db = desk.app.store.db;
    const res = bulkLoadPatients(db, 300, 77, { batchSize: 128 });
    expect(res.patients).toBe(300);
    expect(desk.count('patients')).toBe(300);
    expect(desk.count('patient_versions')).toBe(300);
    expect(desk.count('audit_log')).toBeGreaterThan(0); // setup's; the loader writes none
    const mrns = db.prepare('SELECT mrn FROM patients ORDER BY mrn').all() as { mrn: string }[];
    expect(mrns.every((r) => isValidMrn(r.mrn))).toBe(true);
    expect(Number(mrns[0]!.mrn.slice(0, 7))).toBe(HUB_SPACE_START);

    const keysOf = (id: string) => ({
      names: (db.prepare('SELECT family_key, given_key, kind, family_phon FROM patient_names WHERE patient_id = ? ORDER BY 1, 2, 3').all(id) as object[]),
      phones: (db.prepare('SELECT digits FROM patient_phones WHERE patient_id = ? ORDER BY 1').all(id) as object[]),
      ids: (db.prepare('SELECT id_key FROM patient_identifiers WHERE patient_id = ? ORDER BY 1').all(id) as object[]),
    });
    const strip = (r: Record<string, unknown>) => {
      const { id: _id, mrn: _mrn, created_at: _c, updated_at: _u, created_by: _cb, updated_by: _ub, ...rest } = r;
      return rest;
    };
    const loaded = db.prepare('SELECT * FROM patients ORDER BY rowid LIMIT 60').all() as Record<string, unknown>[];
    for (const row of loaded) {
      const doc = JSON.parse(row.doc as string) as PatientInput;
      const id = newId();
      desk.app.store.command({ userId: 'system', userName: 'test' }, (tx) => {
        writePatientVersion(tx, { id, doc, version: 1, action: 'registered', changes: diffPatient(null, doc), mrn: `T${id}` });
        tx.audit({ action: 'test.compare', entityType: 'patient', entityId: id });
      });
      const real = db.prepare('SELECT * FROM patients WHERE id = ?').get(id) as Record<string, unknown>;
      expect(strip(row)).toEqual(strip(real));
      expect(keysOf(row.id as string)).toEqual(keysOf(id));
      const v = (pid: string) => db.prepare('SELECT version, action, doc, changes FROM patient_versions WHERE patient_id = ?').get(pid);
      expect(v(row.id as string)).toEqual(v(id));
    }
  });

  it('with deferred indexes, the schema comes back byte-identical and search still uses the indexes', async () => {
    const desk = newDesk();
    const db = desk.app.store.db;
    const schema = () => db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name`).all();
    const before = schema();
    bulkLoadPatients(db, 400, 79, { deferIndexes: true, batchSize: 100 });
    expect(schema()).toEqual(before);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const r = db.prepare('SELECT mrn FROM patients ORDER BY rowid LIMIT 1').get() as { mrn: string };
    expect(searchPatients(db, r.mrn, 5, '2025-06-30').hits).toHaveLength(1);
  });

  it('loaded patients are found by search', async () => {
    const desk = newDesk();
    const db = desk.app.store.db;
    bulkLoadPatients(db, 500, 78);
    const rows = db.prepare('SELECT id, mrn, doc FROM patients ORDER BY rowid LIMIT 40').all() as { id: string; mrn: string; doc: string }[];
    for (const r of rows) {
      const p = JSON.parse(r.doc) as PatientInput;
      expect(searchPatients(db, r.mrn, 5, '2025-06-30').hits[0]?.id).toBe(r.id);
      const byName = searchPatients(db, `${p.name.family}, ${p.name.given} ${p.birthDate}`, 25, '2025-06-30').hits.map((h) => h.id);
      expect(byName, `${p.name.family}, ${p.name.given}`).toContain(r.id);
    }
  });
});

describe('demo seeder', () => {
  it('sets up the clinic, creates three users and registers patients as real commands', async () => {
    const desk = newDesk();
    const res = await seedDemo(desk.app, { patients: 150 });
    expect(res.seeded).toBe(true);
    expect(res.patients).toBe(150);
    expect(res.users.map((u) => [u.username, u.role])).toEqual([
      ['admin', 'administrator'],
      ['supervisor', 'supervisor'],
      ['clerk', 'clerk'],
    ]);
    for (const u of res.users) expect(u.password.length).toBeGreaterThanOrEqual(12);

    const db = desk.app.store.db;
    expect(desk.count('patients')).toBe(150);
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(n(`SELECT COUNT(*) n FROM audit_log WHERE action = 'patient.registered'`)).toBe(150);
    expect(n(`SELECT COUNT(*) n FROM outbox WHERE kind = 'patient.registered'`)).toBe(150);
    expect(n(`SELECT COUNT(*) n FROM patient_versions`)).toBe(150);
    // the desk's own MRN series, check digits valid
    expect((db.prepare('SELECT mrn FROM patients').all() as { mrn: string }[]).every((r) => isValidMrn(r.mrn))).toBe(true);
    // outbox sequence is consecutive
    const seqs = (db.prepare('SELECT desk_seq FROM outbox ORDER BY desk_seq').all() as { desk_seq: number }[]).map((r) => r.desk_seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    const site = await desk.call('app.status', {});
    expect(site.siteName).toBe('Riverside Family Clinic');
    expect(site.deskLabel).toBe('Front Desk 1');

    // each demo user can sign in with the printed password; the audit chain verifies
    for (const u of DEMO_USERS) await desk.call('session.signIn', { username: u.username, password: u.password }, `s:${u.username}`);
    const verify = await desk.call('audit.verify', {}, 's:admin');
    expect(verify.ok).toBe(true);

    // the seeded patients are searchable through the API
    const first = db.prepare('SELECT family, given FROM patients ORDER BY rowid LIMIT 1').get() as { family: string; given: string };
    const found = await desk.call('patients.search', { q: `${first.family}, ${first.given}`, limit: 25 }, 's:clerk');
    expect(found.hits.length).toBeGreaterThan(0);

    // a second run seeds nothing
    const again = await seedDemo(desk.app, {});
    expect(again).toEqual({ seeded: false, patients: 0, users: [] });
    expect(desk.count('patients')).toBe(150);
  });

  it('on a store that is already set up, seeds patients without creating users', async () => {
    const desk = newDesk();
    await desk.setup();
    const res = await seedDemo(desk.app, { patients: 20 });
    expect(res).toEqual({ seeded: true, patients: 20, users: [] });
    expect(desk.count('users')).toBe(1);
  });

  it('refuses a nonsense patient count before writing anything', async () => {
    const desk = newDesk();
    await expect(seedDemo(desk.app, { patients: -1 })).rejects.toThrow(/whole number/);
    await expect(seedDemo(desk.app, { patients: Number.NaN })).rejects.toThrow(/whole number/);
    expect(desk.count('users')).toBe(0);
  });
});
