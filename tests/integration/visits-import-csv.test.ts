/**
 * Desk CSV import of appointments through the real dispatcher on a real SQLite file: per-row and per-column errors,
 * all-or-nothing, idempotent re-import by external id, patients linked only when certain, administrator only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { patientInput } from '../support/patients.js';
import type { ImportPreview } from '../../shared/api/visits-import.js';

let desk: TestDesk;
let maria: { id: string; mrn: string };
let john: { id: string; mrn: string };

const HEADER = 'external_id,date,time,department,provider,type,duration_min,mrn,last_name,first_name,dob,sex,phone,note';

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\r\n') + '\r\n';
}

const GOOD = [
  'CSV-1,2026-01-06,09:00,FAMMED,NGUYEN,FU,,,Alvarez,Maria,1975-03-14,F,217-555-1234,first visit',
  'CSV-2,01/06/2026,2:30 PM,CARD,ORTIZ,NEW,45,,Okafor,Chidi,1990-01-01,M,,',
  'CSV-3,2026-01-07,08:15,FAMMED,NGUYEN,FU,,MRNPLACEHOLDER,,,,,,"Needs interpreter, Spanish"',
];

function counts() {
  return { appts: desk.count('visit_appointments'), outbox: desk.count('outbox'), patients: desk.count('patients') };
}

async function preview(text: string): Promise<ImportPreview> {
  return desk.call('visits.importPreview', { csv: text });
}

beforeAll(async () => {
  desk = new TestDesk();
  await desk.setup();
  await desk.call('visits.saveDepartment', { department: { name: 'Family Medicine', code: 'FAMMED', active: true } });
  await desk.call('visits.saveDepartment', { department: { name: 'Cardiology', code: 'CARD', active: true } });
  await desk.call('visits.saveDepartment', { department: { name: 'Closed clinic', code: 'CLOSED', active: false } });
  await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Linh Nguyen', code: 'NGUYEN', npi: '', departmentIds: [], active: true } });
  await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Sam Ortiz', code: 'ORTIZ', npi: '', departmentIds: [], active: true } });
  await desk.call('visits.saveAppointmentType', { appointmentType: { name: 'Follow-up', code: 'FU', durationMin: 20, copayCategory: 'primary-care', defaultCopayCents: 2500, authorizationRequired: false, active: true } });
  await desk.call('visits.saveAppointmentType', { appointmentType: { name: 'New patient', code: 'NEW', durationMin: 40, copayCategory: 'primary-care', defaultCopayCents: 2500, authorizationRequired: false, active: true } });
  const m = await desk.call('patients.register', { patient: patientInput({ name: { given: 'Maria', middle: 'L', family: 'Alvarez' }, birthDate: '1975-03-14', phones: [{ use: 'mobile', number: '(217) 555-1234', smsConsent: false }] }) });
  maria = { id: m.patient.id, mrn: m.patient.mrn };
  const j = await desk.call('patients.register', { patient: patientInput({ name: { given: 'John', middle: '', family: 'Baker' }, birthDate: '1960-07-04', sexAtBirth: 'male', email: 'jb@example.com', phones: [{ use: 'mobile', number: '(217) 555-9999', smsConsent: false }] }) });
  john = { id: j.patient.id, mrn: j.patient.mrn };
  GOOD[2] = GOOD[2]!.replace('MRNPLACEHOLDER', john.mrn);
}, 120_000);

afterAll(() => desk?.destroy());

describe('CSV import preview', () => {
  it('shows every row: times in site time, directory names, and the patient it would link or keep pending', async () => {
    const before = counts();
    const p = await preview(csv(...GOOD));
    expect(p.fileErrors).toEqual([]);
    expect(p.counts).toEqual({ total: 3, new: 3, alreadyImported: 0, errors: 0, pendingPatients: 1 });
    const [a, b, c] = p.rows;
    expect(a).toMatchObject({ line: 2, externalId: 'CSV-1', start: '2026-01-06T15:00:00.000Z', when: '01/06/2026 09:00', durationMin: 20, department: 'Family Medicine', provider: 'Dr. Linh Nguyen', type: 'Follow-up', status: 'new', errors: [] });
    expect(a!.patient).toEqual({ kind: 'linked', patientId: maria.id, name: 'Alvarez, Maria', mrn: maria.mrn, via: 'score' });
    expect(b).toMatchObject({ start: '2026-01-06T20:30:00.000Z', durationMin: 45, department: 'Cardiology', type: 'New patient' });
    expect(b!.patient).toMatchObject({ kind: 'pending', name: 'Okafor, Chidi', birthDate: '1990-01-01' });
    expect(c!.patient).toEqual({ kind: 'linked', patientId: john.id, name: 'Baker, John', mrn: john.mrn, via: 'mrn' });
    // a preview writes nothing but its audit entry
    expect(counts()).toEqual(before);
  });

  it('reports each problem on its row and column with a clear message', async () => {
    const p = await preview(
      csv(
        'E-1,2026-02-30,09:00,FAMMED,NGUYEN,FU,,,Alvarez,Maria,,,,', // bad date
        'E-2,2026-01-06,25:00,FAMMED,NGUYEN,FU,,,Alvarez,Maria,,,,', // bad time
        'E-3,2026-01-06,09:00,ONCO,NGUYEN,FU,,,Alvarez,Maria,,,,', // unknown department
        'E-4,2026-01-06,09:00,CLOSED,NGUYEN,FU,,,Alvarez,Maria,,,,', // inactive department
        ',2026-01-06,09:00,FAMMED,NGUYEN,FU,,,Alvarez,Maria,,,,', // no id
        'E-1,2026-01-06,09:00,FAMMED,NGUYEN,FU,,,Alvarez,Maria,,,,', // id twice in the file
        'E-7,2026-01-06,09:00,FAMMED,NGUYEN,FU,3,,Alvarez,Maria,2099-01-01,X,555,', // duration, dob, sex, phone
        'E-8,2026-01-06,09:00,FAMMED,NGUYEN,FU,,NOSUCHMRN,,,,,,', // MRN unknown, no name
        'E-9,2026-03-08,02:30,FAMMED,NGUYEN,FU,,,Alvarez,Maria,,,,', // DST gap in Chicago
        'E-10,2026-01-06,09:00,FAMMED,NGUYEN', // too few fields
      ),
    );
    expect(p.counts).toMatchObject({ total: 10, errors: 10, new: 0 });
    const errs = (line: number) => p.rows.find((r) => r.line === line)!.errors.map((e) => `${e.column}: ${e.message}`);
    expect(errs(2)).toEqual(['date: "2026-02-30" is not a date (YYYY-MM-DD or MM/DD/YYYY)']);
    expect(errs(3)).toEqual(['time: "25:00" is not a time (14:30 or 2:30 PM)']);
    expect(errs(4)).toEqual(['department: Department code "ONCO" is not set up: add it in Clinic setup (Alt+C)']);
    expect(errs(5)).toEqual(['department: Department CLOSED is inactive: make it active in Clinic setup (Alt+C)']);
    expect(errs(6)).toEqual(['external_id: Appointment id is required']);
    expect(errs(7)).toEqual(['external_id: Appointment id E-1 is already on line 2']);
    expect(errs(8)).toEqual([
      'duration_min: Duration is whole minutes from 5 to 480',
      'dob: Date of birth is in the future',
      'sex: Sex is F, M or U',
      'phone: Phone is a 10-digit US number',
    ]);
    expect(errs(9)).toEqual(['mrn: MRN NOSUCHMRN is not a patient here and the row has no last name to keep as a pending patient']);
    expect(errs(10)).toEqual(['time: 02:30 does not exist on 2026-03-08 in America/Chicago (daylight-saving change)']);
    expect(errs(11)[0]).toBe(': This row has 5 fields; the header has 14');
  });

  it('refuses files it cannot read as a whole, saying why', async () => {
    expect((await preview('external_id,date,time,department,provider,typ\r\nA,2026-01-06,09:00,F,P,T\r\n')).fileErrors).toEqual([
      'Unknown column: "typ". Columns: external_id, date, time, department, provider, type, duration_min, mrn, last_name, first_name, dob, sex, phone, note.',
      'Missing column: type.',
    ]);
    expect((await preview(HEADER + '\r\n')).fileErrors).toEqual(['The file has a header row but no appointments.']);
    expect((await preview(csv('A,2026-01-06,09:00,FAMMED,NGUYEN,FU,,,"Alvarez,Maria,,,,'))).fileErrors[0]).toMatch(/^The file is not valid CSV: /);
    const r = await desk.raw('visits.importPreview', { csv: '' });
    expect(r.ok).toBe(false);
  });
});

describe('CSV import', () => {
  it('imports nothing while any row has an error (VALIDATION with the rows), even when the other rows are fine', async () => {
    const before = counts();
    const r = await desk.raw('visits.importCsv', { csv: csv(...GOOD, 'BAD-1,2026-01-06,09:00,ONCO,NGUYEN,FU,,,Alvarez,Maria,,,,') });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION');
    expect(r.error.message).toBe('Nothing was imported: 1 row has errors (first: line 5, Department code "ONCO" is not set up: add it in Clinic setup (Alt+C)). Fix or remove them and import again.');
    expect((r.error.data as ImportPreview).rows).toHaveLength(4);
    expect(counts()).toEqual(before);
  });

  it('imports every row in one transaction; the appointments are on the board and in the outbox to sync; no patient is registered', async () => {
    const before = counts();
    const r = await desk.call('visits.importCsv', { csv: csv(...GOOD) });
    expect(r).toMatchObject({ imported: 3, skipped: 0, businessDates: ['2026-01-06', '2026-01-07'] });
    expect(counts()).toEqual({ appts: before.appts + 3, outbox: before.outbox + 3, patients: before.patients });
    const board = await desk.call('visits.board', { businessDate: '2026-01-06' });
    const csvRows = board.rows.filter((x) => x.source === 'csv');
    expect(csvRows.map((x) => [x.start, x.patientName, x.pendingPatient, x.departmentCode])).toEqual([
      ['2026-01-06T15:00:00.000Z', 'Alvarez, Maria', false, 'FAMMED'],
      ['2026-01-06T20:30:00.000Z', 'Okafor, Chidi', true, 'CARD'],
    ]);
    const ops = desk.app.store.db.prepare("SELECT kind, payload FROM outbox WHERE kind = 'appointment.booked' ORDER BY desk_seq DESC LIMIT 3").all() as { kind: string; payload: string }[];
    expect(ops.map((o) => (JSON.parse(o.payload) as { appointment: { source: string; externalId: string } }).appointment.externalId).sort()).toEqual(['CSV-1', 'CSV-2', 'CSV-3']);
    const pending = (await desk.call('visits.get', { id: csvRows[1]!.id })).appointment;
    expect(pending.pendingPatient).toEqual({ given: 'Chidi', family: 'Okafor', birthDate: '1990-01-01', sexAtBirth: 'male', phone: '', externalPatientId: '' });
    const third = (await desk.call('visits.forPatient', { patientId: john.id })).appointments[0]!;
    expect(third).toMatchObject({ externalId: 'CSV-3', note: 'Needs interpreter, Spanish', durationMin: 20, source: 'csv' });
    // audit: one entry per appointment and one for the import, with no names
    const audit = desk.app.store.db.prepare("SELECT action, detail FROM audit_log WHERE action IN ('appointments.imported', 'appointment.booked') ORDER BY seq DESC LIMIT 4").all() as { action: string; detail: string }[];
    expect(audit[0]!.action).toBe('appointments.imported');
    expect(audit.map((a) => a.detail).join(' ')).not.toMatch(/Okafor|Alvarez/);
  });

  it('importing the same file again books nothing twice (skipped by external id); a changed row under an imported id is an error', async () => {
    const before = counts();
    const again = await desk.call('visits.importCsv', { csv: csv(...GOOD) });
    expect(again).toEqual({ imported: 0, skipped: 3, appointmentIds: [], businessDates: [] });
    expect(counts().appts).toBe(before.appts);
    expect(counts().outbox).toBe(before.outbox);

    const p = await preview(csv(GOOD[0]!.replace('09:00', '10:00'), 'CSV-4,2026-01-08,11:00,FAMMED,NGUYEN,FU,,,Alvarez,Maria,1975-03-14,F,,'));
    expect(p.rows[0]!.status).toBe('error');
    expect(p.rows[0]!.errors[0]!.message).toBe('Appointment CSV-1 was imported before with other details (01/06/2026 09:00, 20 min): change it on the board, not by importing it again');
    expect(p.rows[1]!.status).toBe('new');
    const r = await desk.raw('visits.importCsv', { csv: csv(GOOD[0]!.replace('09:00', '10:00'), 'CSV-4,2026-01-08,11:00,FAMMED,NGUYEN,FU,,,Alvarez,Maria,1975-03-14,F,,') });
    expect(r.ok).toBe(false);
    expect(counts().appts).toBe(before.appts);
  });

  it('a failure half-way through the write (SQLite aborts the 2nd new row) leaves nothing: no row, no outbox op, no audit entry', async () => {
    const rows = ['H-1,2026-01-09,09:00,FAMMED,NGUYEN,FU,,,Alvarez,Maria,1975-03-14,F,,', 'H-2,2026-01-09,09:30,FAMMED,NGUYEN,FU,,,Okafor,Chidi,1990-01-01,M,,', 'H-3,2026-01-09,10:00,FAMMED,NGUYEN,FU,,,Okafor,Chidi,1990-01-01,M,,'];
    const before = { ...counts(), audit: desk.count('audit_log') };
    const db = desk.app.store.db;
    db.exec(`CREATE TEMP TRIGGER import_fails_midway BEFORE INSERT ON visit_appointments WHEN NEW.external_id = 'H-2' BEGIN SELECT RAISE(ABORT, 'simulated disk error'); END`);
    try {
      const r = await desk.raw('visits.importCsv', { csv: csv(...rows) });
      expect(r.ok).toBe(false);
      expect({ ...counts(), audit: desk.count('audit_log') }).toEqual(before);
      expect(db.prepare("SELECT COUNT(*) n FROM visit_appointments WHERE external_id = 'H-1'").get()).toEqual({ n: 0 });
    } finally {
      db.exec('DROP TRIGGER import_fails_midway');
    }
    // and the same file imports completely once the disk is fine again
    expect(await desk.call('visits.importCsv', { csv: csv(...rows) })).toMatchObject({ imported: 3, skipped: 0 });
  });

  it('is for administrators only', async () => {
    await desk.call('users.create', { username: 'clerk1', displayName: 'Cleo Clerk', role: 'clerk', password: 'correct horse battery' });
    await desk.call('session.signIn', { username: 'clerk1', password: 'correct horse battery' }, 'clerk:1');
    const r = await desk.raw('visits.importPreview', { csv: csv(...GOOD) }, 'clerk:1');
    expect(r.ok ? 'ok' : r.error.code).toBe('FORBIDDEN');
    const w = await desk.raw('visits.importCsv', { csv: csv(...GOOD) }, 'clerk:1');
    expect(w.ok ? 'ok' : w.error.code).toBe('FORBIDDEN');
  });
});
