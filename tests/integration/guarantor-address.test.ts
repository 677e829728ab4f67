/**
 * Issue 12 item 11: the guarantor address became structured (street, line 2, city, state, ZIP, same as the patient).
 * Records stored before hold one free-text line: they stay readable (the line is the street), editable without
 * retyping, and a document in the old shape (an older desk's registration, through the API or a hub) is accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { patientInput } from '../support/patients.js';
import { patientInputSchema, type PatientFormValues } from '../../shared/domain/patient.js';
import { fieldSchema } from '../../shared/sync/patient-merge.js';

let desk: TestDesk;
beforeAll(async () => {
  desk = new TestDesk();
  await desk.setup();
});
afterAll(() => desk?.destroy());

const OLD_LINE = '2417 W Division St Apt 3B, Chicago IL 60622';
const oldShapeGuarantor = { type: 'person', given: 'Ngozi', family: 'Okonkwo', relationship: 'Mother', birthDate: '1962-09-02', phone: '', address: OLD_LINE };

describe('guarantor address: both shapes', () => {
  it('a record stored with the old one-line address reads as the structured shape and saves an edit without retyping it', async () => {
    const p = (await desk.call('patients.register', { patient: patientInput({ name: { given: 'Adaeze', family: 'Okonkwo-Reyes' } }) })).patient;
    // the row as an older version of the app wrote it
    const row = desk.app.store.db.prepare('SELECT doc FROM patients WHERE id = ?').get(p.id) as { doc: string };
    const doc = { ...JSON.parse(row.doc), guarantor: oldShapeGuarantor };
    desk.app.store.db.prepare('UPDATE patients SET doc = ? WHERE id = ?').run(JSON.stringify(doc), p.id);

    const got = (await desk.call('patients.get', { id: p.id })).patient;
    expect(got.guarantor).toEqual({ ...oldShapeGuarantor, address: { sameAsPatient: false, line1: OLD_LINE, line2: '', city: '', state: '', postalCode: '' } });

    // an edit of something else keeps the guarantor as it was read, now stored structured
    const { id: _i, mrn: _m, version, createdAt: _c, updatedAt: _u, mergedInto: _mi, ...form } = got;
    const saved = (await desk.call('patients.update', { id: p.id, baseVersion: version, patient: { ...(form as PatientFormValues), preferredName: 'Ada' } })).patient;
    expect(saved.guarantor).toEqual(got.guarantor);
    const stored = JSON.parse((desk.app.store.db.prepare('SELECT doc FROM patients WHERE id = ?').get(p.id) as { doc: string }).doc);
    expect(stored.guarantor.address).toEqual({ sameAsPatient: false, line1: OLD_LINE, line2: '', city: '', state: '', postalCode: '' });
    // the history records only the preferred name (the guarantor reads the same before and after)
    const h = await desk.call('patients.history', { id: p.id });
    expect(h.versions[0]!.changes.map((c) => c.field)).toEqual(['preferredName']);
  });

  it('an old-shape document is accepted through the API (an older client) and by the sync schemas (an older desk)', async () => {
    const p = (await desk.call('patients.register', { patient: { ...patientInput({ name: { given: 'Ilse', family: 'Vantongeren' } }), guarantor: oldShapeGuarantor } as never })).patient;
    expect(p.guarantor).toMatchObject({ type: 'person', address: { line1: OLD_LINE, city: '' } });
    // what the hub and a desk apply a pulled registration or a guarantor change with
    expect(patientInputSchema.parse({ ...patientInput(), guarantor: oldShapeGuarantor }).guarantor).toMatchObject({ address: { line1: OLD_LINE } });
    expect(fieldSchema('guarantor').safeParse(oldShapeGuarantor).success).toBe(true);
  });

  it('the structured address is checked: a bad ZIP or state is refused at its field; same-as-patient needs a patient address', async () => {
    const bad = await desk.raw('patients.register', {
      patient: { ...patientInput({ name: { given: 'Pieter', family: 'Jansen' } }), guarantor: { ...oldShapeGuarantor, address: { line1: '88 Harbor Rd', city: 'Evanston', state: 'XX', postalCode: '602' } } },
    });
    expect(bad.ok).toBe(false);
    const fields = bad.ok ? {} : (bad.error.fields ?? {});
    expect(Object.keys(fields).sort()).toEqual(['patient.guarantor.address.postalCode', 'patient.guarantor.address.state']);
    const same = await desk.raw('patients.register', {
      patient: { ...patientInput({ name: { given: 'Pieter', family: 'Jansen' } }), addresses: [], guarantor: { ...oldShapeGuarantor, address: { sameAsPatient: true } } },
    });
    expect(same.ok ? {} : same.error.fields).toHaveProperty(['patient.guarantor.address.sameAsPatient']);
    expect(desk.count('patients')).toBe(2);
  });
});
