import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { patientInput, minimalPatient } from '../support/patients.js';
import { verifyAuditChain } from '../../electron/audit/chain.js';
import type { DuplicateMatch } from '../../shared/domain/patient.js';

let desk: TestDesk;
beforeEach(async () => {
  desk = new TestDesk();
  await desk.setup();
});
afterEach(() => desk.destroy());

const TABLES = ['patients', 'patient_versions', 'patient_names', 'patient_phones', 'patient_identifiers', 'outbox', 'audit_log', 'mrn_blocks'] as const;
function counts(): Record<string, number> {
  return Object.fromEntries(TABLES.map((t) => [t, desk.count(t)]));
}
function auditRows(action: string) {
  return desk.app.store.db.prepare('SELECT * FROM audit_log WHERE action = ? ORDER BY seq').all(action) as { entity_id: string; detail: string; user_name: string }[];
}
function outboxRows() {
  return desk.app.store.db.prepare('SELECT * FROM outbox ORDER BY desk_seq').all() as { desk_seq: number; kind: string; entity_id: string; payload: string }[];
}

describe('register and view', () => {
  it('registers a patient in one command: row, version, search keys, outbox, audit; get returns it and is audited', async () => {
    const events: unknown[] = [];
    desk.app.dispatcher.onEvent((e, p) => events.push({ e, p }));
    const outboxBefore = outboxRows().length;

    const { patient } = await desk.call('patients.register', { patient: patientInput() });
    expect(patient.version).toBe(1);
    expect(patient.mrn).toMatch(/^\d{8}$/);
    expect(patient.name.family).toBe('Gonzalez');
    expect(events).toEqual([{ e: 'patients.changed', p: { id: patient.id, version: 1 } }]);

    const db = desk.app.store.db;
    const row = db.prepare('SELECT * FROM patients WHERE id = ?').get(patient.id) as Record<string, unknown>;
    expect(row).toMatchObject({ family: 'Gonzalez', given: 'Maria', middle: 'Elena', birth_date: '1984-03-12', sex_at_birth: 'female', phone: '(217) 555-0101', email_key: 'maria.gonzalez@example.com', version: 1 });
    expect(JSON.parse(row.doc as string)).toMatchObject({ name: { given: 'Maria', family: 'Gonzalez' }, preferredLanguage: 'es' });
    const versions = db.prepare('SELECT * FROM patient_versions WHERE patient_id = ?').all(patient.id) as { version: number; action: string; changes: string }[];
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, action: 'registered' });
    expect(JSON.parse(versions[0]!.changes)).toContainEqual({ field: 'birthDate', before: '', after: '03/12/1984' });
    expect(db.prepare('SELECT digits FROM patient_phones WHERE patient_id = ?').all(patient.id)).toEqual([{ digits: '2175550101' }]);
    expect(desk.count('patient_names')).toBeGreaterThan(0);

    const ob = outboxRows();
    expect(ob.length).toBe(outboxBefore + 1);
    expect(ob.map((r) => r.desk_seq)).toEqual(ob.map((_, i) => i + 1)); // consecutive
    const reg = ob.at(-1)!;
    expect(reg.kind).toBe('patient.registered');
    expect(reg.entity_id).toBe(patient.id);
    expect(JSON.parse(reg.payload)).toMatchObject({ id: patient.id, mrn: patient.mrn, version: 1, doc: { name: { family: 'Gonzalez' } } });
    const regAudit = auditRows('patient.registered');
    expect(regAudit).toHaveLength(1);
    expect(regAudit[0]!.entity_id).toBe(patient.id);

    const got = await desk.call('patients.get', { id: patient.id });
    expect(got.patient).toEqual(patient);
    const viewed = auditRows('patient.viewed');
    expect(viewed).toHaveLength(1);
    expect(viewed[0]!.entity_id).toBe(patient.id);
    expect(viewed[0]!.user_name).toBe('Ada Admin');
    expect(verifyAuditChain(db).ok).toBe(true);

    // A second registration continues the outbox sequence without a gap.
    await desk.call('patients.register', { patient: minimalPatient('Tom', 'Okafor', '1990-07-01', 'male') });
    const ob2 = outboxRows();
    expect(ob2.map((r) => r.desk_seq)).toEqual(ob2.map((_, i) => i + 1));
  });

  it('get of an unknown id is NOT_FOUND', async () => {
    const r = await desk.raw('patients.get', { id: '01890000-0000-7000-8000-000000000000' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('NOT_FOUND');
  });

  it('refuses callers who are not signed in', async () => {
    const r = await desk.raw('patients.register', { patient: patientInput() }, 'other-window');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('UNAUTHENTICATED');
    expect(desk.count('patients')).toBe(0);
  });
});

describe('edit and history', () => {
  it('every edit is a new version with its changed fields; history is newest first with who made it', async () => {
    const { patient } = await desk.call('patients.register', { patient: patientInput() });
    const events: unknown[] = [];
    desk.app.dispatcher.onEvent((e, p) => events.push({ e, p }));

    const edited = patientInput({
      phones: [{ use: 'home', number: '217-555-0199', smsConsent: false }],
      addresses: [{ use: 'home', line1: '400 Elm Ave', line2: 'Apt 2', city: 'Springfield', state: 'IL', postalCode: '62702', country: 'US' }],
      maritalStatus: 'D',
    });
    const r1 = await desk.call('patients.update', { id: patient.id, baseVersion: 1, patient: edited });
    expect(r1.patient.version).toBe(2);
    expect(r1.patient.phones[0]!.number).toBe('217-555-0199');
    expect(events).toEqual([{ e: 'patients.changed', p: { id: patient.id, version: 2 } }]);

    const r2 = await desk.call('patients.update', { id: patient.id, baseVersion: 2, patient: { ...edited, name: { ...edited.name, given: 'María' }, preferredName: 'Mari' } });
    expect(r2.patient.version).toBe(3);

    const db = desk.app.store.db;
    expect(db.prepare('SELECT phone, given, preferred_name, version FROM patients WHERE id = ?').get(patient.id)).toEqual({ phone: '(217) 555-0199', given: 'María', preferred_name: 'Mari', version: 3 });
    expect(db.prepare('SELECT digits FROM patient_phones WHERE patient_id = ?').all(patient.id)).toEqual([{ digits: '2175550199' }]);

    const { versions } = await desk.call('patients.history', { id: patient.id });
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(versions.map((v) => v.action)).toEqual(['edited', 'edited', 'registered']);
    expect(versions[0]!.changedByName).toBe('Ada Admin');
    // the stored values come with the display text (the history screen words them with the form's labels)
    expect(versions[0]!.changes).toEqual([
      { field: 'name.given', before: 'Maria', after: 'María', beforeValue: 'Maria', afterValue: 'María' },
      { field: 'preferredName', before: '', after: 'Mari', beforeValue: '', afterValue: 'Mari' },
    ]);
    expect(versions[1]!.changes[0]).toMatchObject({ field: 'maritalStatus', beforeValue: 'M', afterValue: 'D' });
    expect(versions[1]!.changes).toMatchObject([
      { field: 'maritalStatus', before: 'Married', after: 'Divorced' },
      { field: 'addresses', before: '12 Oak Street, Springfield, IL 62701 (home)', after: '400 Elm Ave, Apt 2, Springfield, IL 62702 (home)' },
      { field: 'phones', before: '(217) 555-0101 (mobile, texts OK)', after: '(217) 555-0199 (home)' },
    ]);
    expect(auditRows('patient.history_viewed')).toHaveLength(1);

    // Outbox: a field-level patch against the base version, ready for a field-by-field merge at the hub.
    const upd = outboxRows().filter((r) => r.kind === 'patient.updated').map((r) => JSON.parse(r.payload));
    expect(upd).toHaveLength(2);
    expect(upd[1]).toEqual({ id: patient.id, baseVersion: 2, version: 3, changes: { 'name.given': 'María', preferredName: 'Mari' } });
    expect(Object.keys(upd[0].changes)).toEqual(['maritalStatus', 'addresses', 'phones']);
    expect(upd[0].changes.phones).toEqual([{ use: 'home', number: '217-555-0199', smsConsent: false }]);

    // Audit names the changed fields only, never their values.
    const aud = auditRows('patient.updated');
    expect(aud).toHaveLength(2);
    expect(JSON.parse(aud[1]!.detail)).toEqual({ version: 3, fields: ['name.given', 'preferredName'] });
    expect(aud[1]!.detail).not.toContain('María');
  });

  it('a stale baseVersion is refused with CONFLICT naming who changed it, and nothing is written', async () => {
    const { patient } = await desk.call('patients.register', { patient: patientInput() });
    await desk.call('patients.update', { id: patient.id, baseVersion: 1, patient: patientInput({ email: 'new@example.com' }) });
    const before = counts();
    const docBefore = desk.app.store.db.prepare('SELECT doc, version FROM patients WHERE id = ?').get(patient.id);

    const r = await desk.raw('patients.update', { id: patient.id, baseVersion: 1, patient: patientInput({ preferredName: 'Lena' }) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CONFLICT');
    expect(r.error.message).toMatch(/^This patient was changed by Ada Admin at \d\d:\d\d [AP]M since you opened it; reload/);
    expect(counts()).toEqual(before);
    expect(desk.app.store.db.prepare('SELECT doc, version FROM patients WHERE id = ?').get(patient.id)).toEqual(docBefore);
  });

  it('saving without a change makes no new version and no outbox entry', async () => {
    const { patient } = await desk.call('patients.register', { patient: patientInput() });
    const ob = desk.count('outbox');
    const r = await desk.call('patients.update', { id: patient.id, baseVersion: 1, patient: patientInput() });
    expect(r.patient.version).toBe(1);
    expect(desk.count('patient_versions')).toBe(1);
    expect(desk.count('outbox')).toBe(ob);
    expect(auditRows('patient.update_unchanged')).toHaveLength(1);
  });

  it('update of an unknown patient is NOT_FOUND', async () => {
    const r = await desk.raw('patients.update', { id: '01890000-0000-7000-8000-000000000000', baseVersion: 1, patient: patientInput() });
    expect(!r.ok && r.error.code).toBe('NOT_FOUND');
  });
});

describe('duplicates', () => {
  it('same name and DOB is refused with DUPLICATE_SUSPECTED writing nothing; an override with a reason saves and is audited', async () => {
    const first = (await desk.call('patients.register', { patient: patientInput() })).patient;
    const before = counts();
    const second = patientInput({ phones: [], email: '', addresses: [] });

    const r = await desk.raw('patients.register', { patient: second });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('DUPLICATE_SUSPECTED');
    expect(r.error.message).toContain(first.mrn);
    const matches = (r.error.data as { matches: DuplicateMatch[] }).matches;
    expect(matches[0]).toMatchObject({ level: 'likely', patient: { id: first.id, mrn: first.mrn } });
    expect(matches[0]!.reasons).toContain('same first and last name');
    expect(counts()).toEqual(before);

    // Too short a reason: a validation error, still nothing written.
    const short = await desk.raw('patients.register', { patient: second, override: { reason: 'twin', matchIds: [first.id] } });
    expect(!short.ok && short.error.code).toBe('VALIDATION');
    expect(!short.ok && short.error.fields).toHaveProperty(['override.reason']);
    // An override that does not cover the likely match is refused again.
    const uncovered = await desk.raw('patients.register', { patient: second, override: { reason: 'Different person, checked the ID card', matchIds: [] } });
    expect(!uncovered.ok && uncovered.error.code).toBe('DUPLICATE_SUSPECTED');
    expect(counts()).toEqual(before);

    const reason = 'Different person: checked the photo ID, same name and birthday';
    const saved = await desk.call('patients.register', { patient: second, override: { reason, matchIds: [first.id] } });
    expect(saved.patient.id).not.toBe(first.id);
    expect(desk.count('patients')).toBe(2);
    const ov = auditRows('patient.duplicate_override');
    expect(ov).toHaveLength(1);
    expect(ov[0]!.entity_id).toBe(saved.patient.id);
    const detail = JSON.parse(ov[0]!.detail);
    expect(detail).toMatchObject({ reason, matchIds: [first.id] });
    expect(detail.scores[0]).toBeGreaterThanOrEqual(12);
  });

  it('a refused registration does not use up an MRN', async () => {
    const first = (await desk.call('patients.register', { patient: patientInput() })).patient;
    expect((await desk.raw('patients.register', { patient: patientInput() })).ok).toBe(false);
    const next = (await desk.call('patients.register', { patient: minimalPatient('Tom', 'Okafor', '1990-07-01') })).patient;
    expect(Number(next.mrn.slice(0, 7))).toBe(Number(first.mrn.slice(0, 7)) + 1);
  });

  it('an edit that makes a record look like another patient needs an override', async () => {
    const a = (await desk.call('patients.register', { patient: patientInput() })).patient;
    const b = (await desk.call('patients.register', { patient: minimalPatient('Marie', 'Gonzales', '1990-01-01', 'female') })).patient;
    const before = counts();
    const asA = { ...minimalPatient('Maria', 'Gonzalez', '1984-03-12', 'female') };
    const r = await desk.raw('patients.update', { id: b.id, baseVersion: 1, patient: asA });
    expect(!r.ok && r.error.code).toBe('DUPLICATE_SUSPECTED');
    expect(counts()).toEqual(before);
    const ok = await desk.call('patients.update', { id: b.id, baseVersion: 1, patient: asA, override: { reason: 'Confirmed with the patient: sisters share the name', matchIds: [a.id] } });
    expect(ok.patient.version).toBe(2);
    expect(auditRows('patient.duplicate_override')).toHaveLength(1);
    // Editing a non-identity field of a record never asks again (and the record itself is never its own duplicate).
    const again = await desk.call('patients.update', { id: b.id, baseVersion: 2, patient: { ...asA, email: 'x@example.com' } });
    expect(again.patient.version).toBe(3);
  });

  it('findDuplicates finds nicknames, transposed birth dates, hyphenated last names and previous names, from partial input', async () => {
    const william = (await desk.call('patients.register', { patient: minimalPatient('William', 'Thompson', '1975-11-02', 'male') })).patient;
    const ana = (await desk.call('patients.register', { patient: minimalPatient('Ana', 'Garcia-Lopez', '1992-05-21', 'female') })).patient;
    const kim = (await desk.call('patients.register', {
      patient: { ...minimalPatient('Kimberly', 'Nguyen', '1988-08-30', 'female'), previousNames: [{ family: 'Baker' }] },
    })).patient;
    const dob = (await desk.call('patients.register', { patient: minimalPatient('Rosa', 'Delgado', '1961-03-04', 'female') })).patient;
    // noise: same last name, different person
    await desk.call('patients.register', { patient: minimalPatient('Jennifer', 'Thompson', '2001-01-09', 'female') });

    const find = async (input: Record<string, unknown>) => (await desk.call('patients.findDuplicates', input)).matches;

    const nick = await find({ given: 'Bill', family: 'Thompson', birthDate: '1975-11-02', sexAtBirth: 'male' });
    expect(nick.map((m) => m.patient.id)).toEqual([william.id]);
    expect(nick[0]!.level).toBe('likely');
    expect(nick[0]!.reasons.join(' ')).toMatch(/nickname/);

    const transposed = await find({ given: 'Rosa', family: 'Delgado', birthDate: '1916-03-04' });
    expect(transposed.map((m) => m.patient.id)).toEqual([dob.id]);
    expect(transposed[0]!.level).toBe('likely');
    expect(transposed[0]!.reasons.join(' ')).toMatch(/transposed/);
    const swappedDayMonth = await find({ given: 'Rosa', family: 'Delgado', birthDate: '1961-04-03' });
    expect(swappedDayMonth.map((m) => m.patient.id)).toEqual([dob.id]);
    expect(swappedDayMonth[0]!.reasons.join(' ')).toMatch(/swapped/);
    // A date still being typed (not a real date yet) is ignored: the name alone is only a possible match.
    const partialDate = await find({ given: 'Rosa', family: 'Delgado', birthDate: '1961-0' });
    expect(partialDate.map((m) => [m.patient.id, m.level])).toEqual([[dob.id, 'possible']]);

    const hyphen = await find({ given: 'Ana', family: 'Garcia', birthDate: '1992-05-21' });
    expect(hyphen.map((m) => m.patient.id)).toEqual([ana.id]);
    expect(hyphen[0]!.reasons.join(' ')).toMatch(/hyphenated/);

    const maiden = await find({ given: 'Kimberly', family: 'Baker', birthDate: '1988-08-30' });
    expect(maiden.map((m) => m.patient.id)).toEqual([kim.id]);

    // US-typed date while typing; and partial input without a date still runs.
    const typed = await find({ given: 'Bill', family: 'Thompson', birthDate: '11/02/1975' });
    expect(typed[0]?.patient.id).toBe(william.id);
    expect(await find({ given: 'Wil', family: '' })).toEqual([]);
    expect(await find({})).toEqual([]);

    // The record being edited is not its own duplicate.
    expect(await find({ given: 'William', family: 'Thompson', birthDate: '1975-11-02', excludeId: william.id })).toEqual([]);
    expect(auditRows('patient.duplicates_checked').length).toBeGreaterThan(0);
    expect(auditRows('patient.duplicates_checked').some((a) => a.detail.includes('Thompson'))).toBe(false);
  });

  it('finds by phone, email and identifier even when the name was typed differently', async () => {
    const p = (await desk.call('patients.register', {
      patient: patientInput({ identifiers: [{ type: 'drivers-license', value: 'G123-4567-8901' }] }),
    })).patient;
    const byContact = (await desk.call('patients.findDuplicates', { given: 'M', family: 'Gonzales', phones: ['2175550101'], email: 'Maria.Gonzalez@example.com', birthDate: '1984-03-12' })).matches;
    expect(byContact[0]?.patient.id).toBe(p.id);
    expect(byContact[0]?.patient.matchedOn).toEqual(expect.arrayContaining(['phone', 'email', 'dob']));
    const byId = (await desk.call('patients.findDuplicates', { given: 'Mary', family: 'Smith', birthDate: '1984-03-12', identifiers: ['drivers-license:g12345678901'] })).matches;
    expect(byId[0]?.patient.id).toBe(p.id);
    expect(byId[0]?.reasons).toContain("same driver's license");
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['impossible date', { birthDate: '2023-02-30' }, 'birthDate'],
    ['future date of birth', { birthDate: '2999-01-01' }, 'birthDate'],
    ['control characters', { name: { given: 'Ma\u0000ria', family: 'Gonzalez' } }, 'name.given'],
    ['a 10 kB string', { name: { given: 'Maria', family: 'x'.repeat(10_240) } }, 'name.family'],
    ['a missing last name', { name: { given: 'Maria', family: '   ' } }, 'name.family'],
    ['a bad phone', { phones: [{ use: 'mobile', number: '555-01', smsConsent: false }] }, 'phones.0.number'],
  ];
  for (const [what, over, field] of cases) {
    it(`refuses ${what} with VALIDATION on ${field} and writes nothing`, async () => {
      const before = counts();
      const r = await desk.raw('patients.register', { patient: { ...patientInput(), ...over } });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('VALIDATION');
      expect(Object.keys(r.error.fields ?? {})).toContain(`patient.${field}`);
      expect(counts()).toEqual(before);
    });
  }

  it('refuses a bad edit the same way', async () => {
    const { patient } = await desk.call('patients.register', { patient: patientInput() });
    const before = counts();
    const r = await desk.raw('patients.update', { id: patient.id, baseVersion: 1, patient: { ...patientInput(), birthDate: '2023-02-30' } });
    expect(!r.ok && r.error.code).toBe('VALIDATION');
    expect(!r.ok && r.error.fields).toHaveProperty(['patient.birthDate']);
    expect(counts()).toEqual(before);
  });

  it('stores SQL-looking text verbatim as a name and finds the patient again', async () => {
    const evil = "Robert'); DROP TABLE patients;--";
    const { patient } = await desk.call('patients.register', { patient: minimalPatient(evil, "O'Brien; DELETE FROM users", '1970-01-01', 'male') });
    expect((await desk.call('patients.get', { id: patient.id })).patient.name.given).toBe(evil);
    expect(desk.app.store.db.prepare('SELECT given, family FROM patients WHERE id = ?').get(patient.id)).toEqual({ given: evil, family: "O'Brien; DELETE FROM users" });
    expect(desk.count('users')).toBe(1);
    const dup = (await desk.call('patients.findDuplicates', { given: evil, family: "O'Brien; DELETE FROM users", birthDate: '1970-01-01' })).matches;
    expect(dup.map((m) => m.patient.id)).toEqual([patient.id]);
    const found = await desk.call('patients.search', { q: "O'Brien; DELETE FROM users" });
    expect(found.hits.map((h) => h.id)).toContain(patient.id);
  });
});

describe('search', () => {
  it('delegates to the search service and audits the kind of search and the count, never the query text', async () => {
    const { patient } = await desk.call('patients.register', { patient: patientInput() });
    const res = await desk.call('patients.search', { q: 'Gonzalez, Maria' });
    expect(res.hits.map((h) => h.id)).toContain(patient.id);
    const a = auditRows('patient.searched');
    expect(a).toHaveLength(1);
    const detail = JSON.parse(a[0]!.detail);
    expect(detail).toEqual({ kind: ['name'], resultCount: res.hits.length, nearCount: 0, truncated: false });
    expect(res.interpretations.join(' ')).toContain('gonzalez'); // the labels quote the query ...
    expect(a[0]!.detail.toLowerCase()).not.toContain('gonzalez'); // ... so the audit does not keep them

    // The MRN the allocator handed out is one the search parser recognises (same check digit) and finds.
    expect((await desk.call('patients.search', { q: patient.mrn })).hits.map((h) => h.id)).toEqual([patient.id]);
    await desk.call('patients.search', { q: '03/12/1984' });
    await desk.call('patients.search', { q: '???' });
    expect(auditRows('patient.searched').slice(1).map((r) => JSON.parse(r.detail).kind)).toEqual([['mrn'], ['dob'], ['unrecognised']]);
  });
});

describe('duplicate lookup uses indexes only', () => {
  it('every statement findDuplicates runs is an index search (no table scans), whatever the input', async () => {
    await desk.call('patients.register', { patient: patientInput({ identifiers: [{ type: 'ssn-last4', value: '1234' }], previousNames: [{ given: '', family: 'Ruiz-Ortega', until: '' }] }) });
    const db = desk.app.store.db;
    const seen: { sql: string; params: unknown[] }[] = [];
    const origPrepare = db.prepare.bind(db);
    // Instrument (not replace) the real connection: record each statement and its parameters.
    (db as unknown as { prepare: unknown }).prepare = (sql: string) => {
      const stmt = origPrepare(sql);
      const all = stmt.all.bind(stmt);
      (stmt as unknown as { all: unknown }).all = (...params: unknown[]) => {
        seen.push({ sql, params });
        return all(...params);
      };
      return stmt;
    };
    try {
      await desk.call('patients.findDuplicates', {
        given: 'Maria Elena', family: 'Gonzalez-Ruiz', birthDate: '1984-03-12', sexAtBirth: 'female', phones: ['217 555 0101'],
        email: 'maria.gonzalez@example.com', postalCode: '62701', line1: '12 Oak St', identifiers: ['ssn-last4:1234', '1234'],
      });
      await desk.call('patients.findDuplicates', { given: '', family: 'Gonzalez' });
      await desk.call('patients.findDuplicates', { given: 'M', family: 'Gonzales' });
    } finally {
      (db as unknown as { prepare: unknown }).prepare = origPrepare;
    }
    const lookups = seen.filter((s) => /FROM (patients|patient_names|patient_phones|patient_identifiers)/.test(s.sql));
    expect(lookups.length).toBeGreaterThan(10);
    for (const { sql, params } of lookups) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
      for (const step of plan) {
        if (/^SCAN /.test(step)) expect.fail(`table scan in duplicate lookup:\n${sql}\n${plan.join('\n')}`);
      }
      expect(plan.some((s) => /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|USING PRIMARY KEY/.test(s))).toBe(true);
    }
  });
});
