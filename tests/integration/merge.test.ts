/**
 * Merging patients on a desk (real SQLite file, real dispatcher): link-and-survivor, undo, refusals (self, merged
 * survivor, chains, roles), one command each (rows + history on both + outbox + audit, or nothing), search/duplicates
 * hide the merged record, and the sync-engine helpers apply pulled merges idempotently.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { minimalPatient } from '../support/patients.js';
import { verifyAuditChain } from '../../electron/audit/chain.js';
import { applyMergeLink, applyMergeUnlink } from '../../electron/patients/merge.js';
import type { Patient } from '../../shared/domain/patient.js';

let desk: TestDesk;
const SUP = { username: 'sam', displayName: 'Sam Supervisor', password: 'supervisor pass 1', role: 'supervisor' as const };
const CLERK = { username: 'cleo', displayName: 'Cleo Clerk', password: 'clerk password 1', role: 'clerk' as const };

beforeEach(async () => {
  desk = new TestDesk();
  await desk.setup();
  await desk.call('users.create', SUP);
  await desk.call('users.create', CLERK);
  await desk.call('session.signIn', { username: SUP.username, password: SUP.password }, 'sup');
  await desk.call('session.signIn', { username: CLERK.username, password: CLERK.password }, 'clerk');
});
afterEach(() => desk.destroy());

const TABLES = ['patients', 'patient_versions', 'outbox', 'audit_log'] as const;
const counts = () => Object.fromEntries(TABLES.map((t) => [t, desk.count(t)])) as Record<(typeof TABLES)[number], number>;
const db = () => desk.app.store.db;
const row = (id: string) => db().prepare('SELECT merged_into, version FROM patients WHERE id = ?').get(id) as { merged_into: string | null; version: number };
const versions = (id: string) =>
  (db().prepare('SELECT version, action, changes, doc FROM patient_versions WHERE patient_id = ? ORDER BY version').all(id) as { version: number; action: string; changes: string; doc: string }[]).map((v) => ({
    ...v,
    changes: JSON.parse(v.changes) as { field: string; before: string; after: string }[],
  }));
const lastOutbox = () => db().prepare('SELECT kind, entity_id, payload FROM outbox ORDER BY desk_seq DESC LIMIT 1').get() as { kind: string; entity_id: string; payload: string };
const audits = (action: string) => db().prepare('SELECT entity_id, detail, user_name FROM audit_log WHERE action = ? ORDER BY seq').all(action) as { entity_id: string; detail: string; user_name: string }[];

async function register(given: string, family: string, dob: string, override = false): Promise<Patient> {
  const patient = minimalPatient(given, family, dob, 'female');
  const r = await desk.raw('patients.register', { patient });
  if (r.ok) return (r.value as { patient: Patient }).patient;
  if (!override || r.error.code !== 'DUPLICATE_SUSPECTED') throw new Error(r.error.message);
  const matches = (r.error.data as { matches: { patient: { id: string } }[] }).matches;
  return (await desk.call('patients.register', { patient, override: { reason: 'Registered twice during the outage', matchIds: matches.map((m) => m.patient.id) } })).patient;
}

async function pair(): Promise<[Patient, Patient]> {
  const a = await register('Maria', 'Gonzalez', '1984-03-12');
  const b = await register('Maria', 'Gonzales', '1984-03-12', true);
  return [a, b];
}

describe('patients.merge', () => {
  it('links the duplicate to the survivor in one command: rows, history on both, outbox, audit, events; nothing deleted', async () => {
    const [a, b] = await pair();
    const events: { e: string; p: unknown }[] = [];
    desk.app.dispatcher.onEvent((e, p) => events.push({ e, p }));
    const before = counts();

    const { survivor } = await desk.call('patients.merge', { survivorId: a.id, mergedId: b.id, reason: 'Same person, typo in last name' }, 'sup');
    expect(survivor.id).toBe(a.id);
    expect(survivor.mergedInto).toBeNull();
    expect(survivor.version).toBe(2);

    expect(row(b.id)).toEqual({ merged_into: a.id, version: 2 });
    expect(row(a.id)).toEqual({ merged_into: null, version: 2 });
    expect(counts()).toEqual({ ...before, patient_versions: before.patient_versions + 2, outbox: before.outbox + 1, audit_log: before.audit_log + 1 });

    const vb = versions(b.id).at(-1)!;
    expect(vb).toMatchObject({ version: 2, action: 'merged-into', changes: [{ field: 'mergedInto', before: '', after: `MRN ${a.mrn} (Gonzalez, Maria)` }] });
    expect(vb.doc).toBe(versions(b.id)[0]!.doc); // the document is kept as it was
    expect(versions(a.id).at(-1)).toMatchObject({ version: 2, action: 'merged', changes: [{ field: 'mergedRecord', before: '', after: `MRN ${b.mrn} (Gonzales, Maria)` }] });

    const ob = lastOutbox();
    expect(ob.kind).toBe('patient.merged');
    expect(ob.entity_id).toBe(b.id);
    expect(JSON.parse(ob.payload)).toEqual({ survivorId: a.id, mergedId: b.id, reason: 'Same person, typo in last name' });
    const au = audits('patient.merged');
    expect(au).toHaveLength(1);
    expect(au[0]!.user_name).toBe('Sam Supervisor');
    expect(JSON.parse(au[0]!.detail)).toEqual({ survivorId: a.id, mergedId: b.id, reason: 'Same person, typo in last name' });
    expect(events).toEqual([
      { e: 'patients.changed', p: { id: b.id, version: 2 } },
      { e: 'patients.changed', p: { id: a.id, version: 2 } },
    ]);

    // The merged record is still readable and says where it went; search and the duplicate check skip it.
    const got = await desk.call('patients.get', { id: b.id }, 'clerk');
    expect(got.patient.mergedInto).toBe(a.id);
    expect(got.patient.name.family).toBe('Gonzales');
    const hits = (await desk.call('patients.search', { q: 'gonza, maria' }, 'clerk')).hits.map((h) => h.id);
    expect(hits).toContain(a.id);
    expect(hits).not.toContain(b.id);
    const dups = (await desk.call('patients.findDuplicates', { given: 'Maria', family: 'Gonzales', birthDate: '1984-03-12' }, 'clerk')).matches.map((m) => m.patient.id);
    expect(dups).toEqual([a.id]);

    // History shows the merge rows with before/after.
    const hist = (await desk.call('patients.history', { id: b.id }, 'clerk')).versions;
    expect(hist[0]).toMatchObject({ version: 2, action: 'merged-into', changedByName: 'Sam Supervisor' });

    // A merged record cannot be edited.
    const edit = await desk.raw('patients.update', { id: b.id, baseVersion: 2, patient: minimalPatient('Maria', 'Gonzales', '1984-03-12', 'female') }, 'sup');
    expect(edit.ok).toBe(false);
    expect(!edit.ok && edit.error.code).toBe('CONFLICT');
    expect(verifyAuditChain(db()).ok).toBe(true);
  });

  it('refuses: into itself, twice, into a merged record, chains, unknown ids, a clerk, a blank reason — nothing written', async () => {
    const [a, b] = await pair();
    const c = await register('Mary', 'Gonzalez', '1984-03-12', true);
    const d = await register('Ann', 'Other', '1950-01-01');
    const refused = async (input: unknown, session = 'sup') => {
      const before = counts();
      const r = await desk.raw('patients.merge', input, session);
      expect(r.ok, JSON.stringify(input)).toBe(false);
      // a refused call writes nothing but (for signed-in refusals) nothing at all
      expect(counts()).toEqual(before);
      return r.ok ? null : r.error;
    };
    expect((await refused({ survivorId: a.id, mergedId: a.id, reason: 'x' }))!).toMatchObject({ code: 'VALIDATION', fields: { mergedId: expect.any(String) } });
    expect((await refused({ survivorId: a.id, mergedId: b.id, reason: '' }))!.code).toBe('VALIDATION');
    expect((await refused({ survivorId: a.id, mergedId: b.id, reason: 'same person' }, 'clerk'))!.code).toBe('FORBIDDEN');
    expect((await refused({ survivorId: a.id, mergedId: '0190a0a0-0000-7000-8000-000000000000', reason: 'same person' }))!.code).toBe('NOT_FOUND');

    await desk.call('patients.merge', { survivorId: a.id, mergedId: b.id, reason: 'same person' }, 'sup');
    const again = await refused({ survivorId: a.id, mergedId: b.id, reason: 'same person' });
    expect(again).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already merged') });
    const intoMerged = await refused({ survivorId: b.id, mergedId: c.id, reason: 'same person' });
    expect(intoMerged).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`Merge into that record instead`) });
    // a -> d would make b -> a -> d: a chain
    const chain = await refused({ survivorId: d.id, mergedId: a.id, reason: 'same person' });
    expect(chain).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`Keep MRN ${a.mrn}`) });
    // ... but merging more records into the same survivor is fine
    await desk.call('patients.merge', { survivorId: a.id, mergedId: c.id, reason: 'same person' }, 'sup');
    expect(row(c.id).merged_into).toBe(a.id);
  });
});

describe('patients.unmerge', () => {
  it('undoes a merge in one command (history rows, outbox, audit); the record is a patient of its own again', async () => {
    const [a, b] = await pair();
    await desk.call('patients.merge', { survivorId: a.id, mergedId: b.id, reason: 'same person' }, 'sup');
    const before = counts();
    const { patient } = await desk.call('patients.unmerge', { mergedId: b.id, reason: 'Different people after all: twins' }, 'sup');
    expect(patient).toMatchObject({ id: b.id, mergedInto: null, version: 3 });
    expect(row(a.id)).toEqual({ merged_into: null, version: 3 });
    expect(counts()).toEqual({ ...before, patient_versions: before.patient_versions + 2, outbox: before.outbox + 1, audit_log: before.audit_log + 1 });
    expect(versions(b.id).at(-1)).toMatchObject({ action: 'unmerged', changes: [{ field: 'mergedInto', before: `MRN ${a.mrn} (Gonzalez, Maria)`, after: '' }] });
    expect(versions(a.id).at(-1)).toMatchObject({ action: 'unmerged', changes: [{ field: 'mergedRecord', before: `MRN ${b.mrn} (Gonzales, Maria)`, after: '' }] });
    const ob = lastOutbox();
    expect([ob.kind, ob.entity_id, JSON.parse(ob.payload)]).toEqual(['patient.unmerged', b.id, { mergedId: b.id, survivorId: a.id, reason: 'Different people after all: twins' }]);
    expect(JSON.parse(audits('patient.unmerged')[0]!.detail)).toEqual({ mergedId: b.id, survivorId: a.id, reason: 'Different people after all: twins' });
    expect((await desk.call('patients.search', { q: 'gonzales, maria' }, 'clerk')).hits.map((h) => h.id)).toContain(b.id);

    // Undo again: nothing to undo, nothing written. A clerk may not undo.
    const n = counts();
    const r = await desk.raw('patients.unmerge', { mergedId: b.id, reason: 'again' }, 'sup');
    expect(!r.ok && r.error.code).toBe('CONFLICT');
    await desk.call('patients.merge', { survivorId: a.id, mergedId: b.id, reason: 'same person after all' }, 'sup');
    const c = await desk.raw('patients.unmerge', { mergedId: b.id, reason: 'clerk try' }, 'clerk');
    expect(!c.ok && c.error.code).toBe('FORBIDDEN');
    expect(counts().outbox).toBe(n.outbox + 1);
    expect(verifyAuditChain(db()).ok).toBe(true);
  });
});

describe('applying pulled merges (sync engine helpers)', () => {
  it('link and unlink write the rows and history without an outbox entry; repeats and unknown records are no-ops', async () => {
    const [a, b] = await pair();
    const store = desk.app.store;
    const actor = { userId: 'system', userName: 'sync' };
    const ob = desk.count('outbox');
    const r1 = store.command(actor, (tx) => {
      const r = applyMergeLink(tx, { survivorId: a.id, mergedId: b.id, reason: 'r' });
      tx.audit({ action: 'test.applied', entityType: 'patient', entityId: b.id });
      return r;
    });
    expect(r1).toBe('linked');
    expect(row(b.id).merged_into).toBe(a.id);
    const r2 = store.command(actor, (tx) => {
      const r = [applyMergeLink(tx, { survivorId: a.id, mergedId: b.id, reason: 'r' }), applyMergeLink(tx, { survivorId: a.id, mergedId: '0190a0a0-0000-7000-8000-000000000000', reason: 'r' })];
      tx.audit({ action: 'test.applied', entityType: 'patient', entityId: b.id });
      return r;
    });
    expect(r2).toEqual(['already', 'missing']);
    expect(versions(b.id)).toHaveLength(2);
    const r3 = store.command(actor, (tx) => {
      const r = [applyMergeUnlink(tx, { mergedId: b.id, reason: 'r' }), applyMergeUnlink(tx, { mergedId: b.id, reason: 'r' })];
      tx.audit({ action: 'test.applied', entityType: 'patient', entityId: b.id });
      return r;
    });
    expect(r3).toEqual(['unlinked', 'already']);
    expect(row(b.id).merged_into).toBeNull();
    expect(desk.count('outbox')).toBe(ob);
  });
});
