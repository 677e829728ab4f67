/**
 * Desk CSV import of appointments (administrator). preview() reads the file and checks every row against this desk's
 * data (directory codes, patient index, appointments already imported) without writing; importCsv() does the same
 * inside ONE Store.command and, only when no row has an error, writes every new appointment (row + outbox
 * appointment.booked + audit) in that transaction. The booked ops then sync like desk-booked ones.
 *
 * Patients: a row is linked to a patient only when its MRN matches (DOB not contradicting) or the duplicate scorer is
 * certain (shared/visits/feeds/match.ts); otherwise the appointment carries the row's demographics as its pending
 * patient for check-in. A CSV never registers a patient.
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors.js';
import { businessDate } from '../../../shared/dates.js';
import { newId } from '../../../shared/ids.js';
import type { Appointment, AppointmentType, Department, Provider } from '../../../shared/domain/visit.js';
import { bookedPayload, newAppointment, VISIT_OP_KINDS } from '../../../shared/sync/visits.js';
import { reduceAppointment } from '../../../shared/visits/reduce.js';
import { parseAppointmentCsv, type CsvRow, type CsvRowError } from '../../../shared/visits/feeds/csv.js';
import { decideMatch, feedDemographics, feedDupCandidate, pendingPatientOf, type FeedPerson, type IndexPatient, type MatchDecision } from '../../../shared/visits/feeds/match.js';
import type { ImportPreview, ImportRow } from '../../../shared/api/visits-import.js';
import type { Actor, Store } from '../../store/store.js';
import { listDirectory, putAppointment, siteInfo } from '../repo.js';
import { candidateIds } from '../../patients/duplicates.js';
import { parseDoc, toDupCandidate, type PatientRow } from '../../patients/repo.js';

interface Checked {
  preview: ImportPreview;
  /** what importCsv writes: the new rows with their resolved directory ids and patient */
  plan: { row: CsvRow; departmentId: string; providerId: string; type: AppointmentType; match: MatchDecision; person: FeedPerson }[];
}

function local(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz, month: '2-digit', day: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso)).replace(',', '');
}

function byCode<T extends { code: string }>(list: T[]): Map<string, T> {
  return new Map(list.map((d) => [d.code.toLowerCase(), d]));
}

function survivor(db: Database.Database, row: PatientRow | undefined): PatientRow | undefined {
  let r = row;
  for (let hops = 0; r?.merged_into && hops < 10; hops++) r = db.prepare('SELECT * FROM patients WHERE id = ?').get(r.merged_into) as PatientRow | undefined;
  return r && !r.merged_into ? r : undefined;
}

/**
 * A CSV row's patient as a feed person (the HL7 feed's counterpart is hub/feeds/match.ts feedPersonOfSiu): the CSV
 * carries no middle name, email, address or identifiers.
 */
function feedPersonOfCsv(p: CsvRow['person']): FeedPerson {
  return { ...feedDemographics({ ...p, middle: '', email: '', postalCode: '', line1: '', identifiers: [] }), mrn: p.mrn };
}

function indexPatient(row: PatientRow): IndexPatient {
  return { id: row.id, mrn: row.mrn, cand: toDupCandidate(parseDoc(row)) };
}

function matchPatient(db: Database.Database, person: FeedPerson): MatchDecision {
  const byMrn: IndexPatient[] = [];
  if (person.mrn) {
    const r = survivor(db, db.prepare('SELECT * FROM patients WHERE mrn = ?').get(person.mrn) as PatientRow | undefined);
    if (r) byMrn.push(indexPatient(r));
  }
  const cand: IndexPatient[] = [];
  if (person.family) {
    const ids = [...candidateIds(db, feedDupCandidate(person)).keys()];
    for (const id of ids.slice(0, 500)) {
      const r = db.prepare('SELECT * FROM patients WHERE id = ? AND merged_into IS NULL').get(id) as PatientRow | undefined;
      if (r) cand.push(indexPatient(r));
    }
  }
  return decideMatch(person, byMrn, cand);
}

function patientName(db: Database.Database, id: string): string {
  const r = db.prepare('SELECT family, given FROM patients WHERE id = ?').get(id) as { family: string; given: string } | undefined;
  return r ? `${r.family}, ${r.given}` : '';
}

/** Reads and checks the whole file against this desk's data (no writes). */
function check(db: Database.Database, csv: string, now: Date): Checked {
  const { timeZone } = siteInfo(db);
  const parsed = parseAppointmentCsv(csv, timeZone, businessDate(timeZone, now));
  const empty = { total: 0, new: 0, alreadyImported: 0, errors: 0, pendingPatients: 0 };
  if (parsed.fileErrors.length) return { preview: { fileErrors: parsed.fileErrors, rows: [], counts: empty, timeZone }, plan: [] };
  const depts = byCode(listDirectory<Department>(db, 'department'));
  const provs = byCode(listDirectory<Provider>(db, 'provider'));
  const types = byCode(listDirectory<AppointmentType>(db, 'appointment_type'));
  const existing = db.prepare("SELECT doc FROM visit_appointments WHERE source = 'csv' AND external_id = ?");
  const rows: ImportRow[] = [];
  const plan: Checked['plan'] = [];
  for (const r of parsed.rows) {
    const errors: CsvRowError[] = [...r.errors];
    const v = r.values;
    const ref = <T extends { active: boolean; id: string }>(map: Map<string, T>, col: 'department' | 'provider' | 'type', label: string): T | null => {
      const code = v[col] ?? '';
      if (!code) return null;
      const d = map.get(code.toLowerCase());
      // (departments, providers and types live in Clinic setup, Alt+C: the words send the administrator there)
      if (!d) errors.push({ column: col, message: `${label} code "${code.slice(0, 20)}" is not set up: add it in Clinic setup (Alt+C)` });
      else if (!d.active) errors.push({ column: col, message: `${label} ${code} is inactive: make it active in Clinic setup (Alt+C)` });
      return d && d.active ? d : null;
    };
    const dept = ref(depts, 'department', 'Department');
    const prov = ref(provs, 'provider', 'Provider');
    const type = ref(types, 'type', 'Appointment type');
    const person = feedPersonOfCsv(r.person);
    let match: MatchDecision | null = null;
    let patient: ImportRow['patient'] = { kind: 'none' };
    const personOk = !errors.some((e) => ['mrn', 'last_name', 'first_name', 'dob', 'sex', 'phone'].includes(e.column));
    if (personOk) {
      match = matchPatient(db, person);
      if (match.kind === 'linked') patient = { kind: 'linked', patientId: match.patientId, name: patientName(db, match.patientId), mrn: match.mrn, via: match.via };
      else if (!person.family) {
        errors.push({ column: person.mrn ? 'mrn' : 'last_name', message: person.mrn ? `MRN ${person.mrn.slice(0, 20)} is not a patient here and the row has no last name to keep as a pending patient` : 'Last name is required when the row has no MRN of a patient here' });
      } else {
        patient = { kind: 'pending', name: `${person.family}, ${person.given}`.replace(/, $/, ''), birthDate: person.birthDate, why: match.why };
      }
    }
    let status: ImportRow['status'] = 'new';
    const prior = r.externalId ? (existing.get(r.externalId) as { doc: string } | undefined) : undefined;
    if (prior && errors.length === 0) {
      const a = JSON.parse(prior.doc) as Appointment;
      const duration = r.durationMin ?? type?.durationMin ?? a.durationMin;
      const same = a.start === r.start && a.durationMin === duration && a.departmentId === dept?.id && a.providerId === prov?.id && a.typeId === type?.id;
      if (same) status = 'already-imported';
      else errors.push({ column: 'external_id', message: `Appointment ${r.externalId.slice(0, 40)} was imported before with other details (${local(a.start, timeZone)}, ${a.durationMin} min): change it on the board, not by importing it again` });
    }
    if (errors.length) status = 'error';
    rows.push({
      line: r.line,
      externalId: r.externalId,
      start: r.start,
      when: r.start ? local(r.start, timeZone) : '',
      durationMin: r.durationMin ?? type?.durationMin ?? null,
      department: dept?.name ?? v.department ?? '',
      provider: prov?.displayName ?? v.provider ?? '',
      type: type?.name ?? v.type ?? '',
      patient,
      status,
      errors,
    });
    if (status === 'new' && dept && prov && type && match) plan.push({ row: r, departmentId: dept.id, providerId: prov.id, type, match, person });
  }
  const counts = {
    total: rows.length,
    new: rows.filter((x) => x.status === 'new').length,
    alreadyImported: rows.filter((x) => x.status === 'already-imported').length,
    errors: rows.filter((x) => x.status === 'error').length,
    pendingPatients: rows.filter((x) => x.status === 'new' && x.patient.kind === 'pending').length,
  };
  return { preview: { fileErrors: [], rows, counts, timeZone }, plan };
}

export function previewImport(store: Store, actor: Actor, csv: string): ImportPreview {
  const checked = check(store.db, csv, store.clock.now());
  // Looking at the file shows patient names and MRNs: audited like a search (counts only, never names).
  store.audit(actor, { action: 'appointments.import-previewed', entityType: 'appointment-import', entityId: fileId(csv), detail: { ...checked.preview.counts, fileErrors: checked.preview.fileErrors.length } });
  return checked.preview;
}

function fileId(csv: string): string {
  return crypto.createHash('sha256').update(csv, 'utf8').digest('hex').slice(0, 32);
}

export interface ImportResult {
  imported: number;
  skipped: number;
  appointmentIds: string[];
  businessDates: string[];
}

/** Imports every new row in ONE transaction, or nothing (VALIDATION with the preview as data) while any row has an error. */
export function importCsv(store: Store, actor: Actor, csv: string): ImportResult {
  return store.command(actor, (tx) => {
    const checked = check(tx.db, csv, new Date(tx.now));
    const p = checked.preview;
    if (p.fileErrors.length) throw new ApiError('VALIDATION', `Nothing was imported: ${p.fileErrors.join(' ')}`, { fields: { csv: p.fileErrors[0]! }, data: p });
    if (p.counts.errors > 0) {
      const first = p.rows.find((r) => r.status === 'error')!;
      throw new ApiError('VALIDATION', `Nothing was imported: ${p.counts.errors} row${p.counts.errors > 1 ? 's have' : ' has'} errors (first: line ${first.line}, ${first.errors[0]?.message ?? ''}). Fix or remove them and import again.`, {
        fields: { csv: `${p.counts.errors} row${p.counts.errors > 1 ? 's' : ''} with errors` },
        data: p,
      });
    }
    const { timeZone, deskLabel } = siteInfo(tx.db);
    const stamp = { at: tx.now, byUserName: actor.userName, deskLabel };
    const ids: string[] = [];
    const days = new Set<string>();
    for (const item of checked.plan) {
      const a = newAppointment({
        id: newId(),
        patientId: item.match.kind === 'linked' ? item.match.patientId : null,
        pendingPatient: item.match.kind === 'linked' ? null : pendingPatientOf(item.person),
        departmentId: item.departmentId,
        providerId: item.providerId,
        typeId: item.type.id,
        start: item.row.start!,
        durationMin: item.row.durationMin ?? item.type.durationMin,
        source: 'csv',
        externalId: item.row.externalId,
        note: item.row.values.note ?? '',
        now: tx.now,
      });
      const payload = bookedPayload(a, stamp);
      const r = reduceAppointment(null, VISIT_OP_KINDS.booked, payload, timeZone);
      if (r.kind !== 'ok') throw new ApiError('VALIDATION', `Nothing was imported: line ${item.row.line} cannot be booked (${r.message}).`);
      putAppointment(tx.db, r.state);
      tx.outbox({ kind: VISIT_OP_KINDS.booked, entityId: a.id, payload });
      tx.audit({ action: 'appointment.booked', entityType: 'appointment', entityId: a.id, detail: { status: a.status, source: 'csv', patientId: a.patientId, pendingPatient: a.patientId === null } });
      ids.push(a.id);
      days.add(businessDate(timeZone, new Date(a.start)));
    }
    tx.audit({ action: 'appointments.imported', entityType: 'appointment-import', entityId: fileId(csv), detail: { imported: ids.length, skipped: p.counts.alreadyImported, pendingPatients: p.counts.pendingPatients } });
    return { imported: ids.length, skipped: p.counts.alreadyImported, appointmentIds: ids, businessDates: [...days].sort() };
  });
}
