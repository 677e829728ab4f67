/**
 * The patients store queries: rows <-> domain objects, and the one writer of a patient version
 * (patients row + patient_versions row + search keys), which runs inside a Store.command.
 */
import type Database from 'better-sqlite3';
import type { Patient, PatientInput, PatientHit } from '../../shared/domain/patient.js';
import { normalizeGuarantor } from '../../shared/domain/patient.js';
import type { CommandTx } from '../store/store.js';
import { writeSearchKeys, emailKey } from './search-keys.js';
import { stmt } from '../store/stmt-cache.js';
import { formatPhone, type FieldChange } from './changes.js';

export interface PatientRow {
  id: string;
  mrn: string;
  family: string;
  given: string;
  middle: string;
  suffix: string;
  preferred_name: string;
  birth_date: string;
  sex_at_birth: string;
  phone: string;
  email_key: string;
  doc: string;
  version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  merged_into: string | null;
}

export function patientRow(db: Database.Database, id: string): PatientRow | undefined {
  return stmt<[string], PatientRow>(db, 'SELECT * FROM patients WHERE id = ?').get(id);
}

export function parseDoc(row: Pick<PatientRow, 'doc'>): PatientInput {
  // a guarantor address stored as one free-text line (before it was structured) reads as the structured shape
  return normalizeGuarantor(JSON.parse(row.doc) as PatientInput);
}

export function toPatient(row: PatientRow): Patient {
  return { ...parseDoc(row), id: row.id, mrn: row.mrn, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at, mergedInto: row.merged_into };
}

/** The columns a search hit shows. */
export type HitRow = Pick<PatientRow, 'id' | 'mrn' | 'family' | 'given' | 'middle' | 'suffix' | 'preferred_name' | 'birth_date' | 'sex_at_birth' | 'phone'>;

export function toHit(row: HitRow, matchedOn: string[], score: number): PatientHit {
  return {
    id: row.id,
    mrn: row.mrn,
    family: row.family,
    given: row.given,
    middle: row.middle,
    suffix: row.suffix,
    preferredName: row.preferred_name,
    birthDate: row.birth_date,
    sexAtBirth: row.sex_at_birth as PatientHit['sexAtBirth'],
    phone: row.phone,
    matchedOn,
    score,
  };
}

/** The duplicate scorer's view of a stored or entered patient: one definition, shared with the hub. */
export { dupCandidateOf as toDupCandidate } from '../../shared/sync/patient-merge.js';

export interface VersionWrite {
  id: string;
  doc: PatientInput;
  version: number;
  action: 'registered' | 'edited';
  changes: FieldChange[];
  /** only for a new patient */
  mrn?: string;
}

/** The patients-row columns derived from a patient document (search/list columns + the document itself). */
export function patientColumns(p: PatientInput) {
  return {
    family: p.name.family,
    given: p.name.given,
    middle: p.name.middle,
    suffix: p.name.suffix,
    preferred_name: p.preferredName,
    birth_date: p.birthDate,
    sex_at_birth: p.sexAtBirth,
    phone: p.phones[0] ? formatPhone(p.phones[0].number) : '',
    email_key: emailKey(p.email),
    doc: JSON.stringify(p),
  };
}

/** Writes a patient version: the row (insert or update), its history row and its search keys. Inside a command. */
export function writePatientVersion(tx: CommandTx, w: VersionWrite): void {
  const p = w.doc;
  const cols = { id: w.id, ...patientColumns(p), version: w.version, now: tx.now, user: tx.actor.userId };
  if (w.action === 'registered') {
    if (!w.mrn) throw new Error('a new patient needs an MRN');
    tx.db
      .prepare(
        `INSERT INTO patients (id, mrn, family, given, middle, suffix, preferred_name, birth_date, sex_at_birth, phone, email_key, doc, version,
                               created_at, created_by, updated_at, updated_by)
         VALUES (@id, @mrn, @family, @given, @middle, @suffix, @preferred_name, @birth_date, @sex_at_birth, @phone, @email_key, @doc, @version,
                 @now, @user, @now, @user)`,
      )
      .run({ ...cols, mrn: w.mrn });
  } else {
    const r = tx.db
      .prepare(
        `UPDATE patients SET family = @family, given = @given, middle = @middle, suffix = @suffix, preferred_name = @preferred_name,
           birth_date = @birth_date, sex_at_birth = @sex_at_birth, phone = @phone, email_key = @email_key, doc = @doc, version = @version,
           updated_at = @now, updated_by = @user
         WHERE id = @id AND version = @version - 1`,
      )
      .run(cols);
    if (r.changes !== 1) throw new Error('patient version moved inside the transaction');
  }
  tx.db
    .prepare('INSERT INTO patient_versions (patient_id, version, action, doc, changes, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(w.id, w.version, w.action, cols.doc, JSON.stringify(w.changes), tx.now, tx.actor.userId);
  writeSearchKeys(tx.db, w.id, p);
}

/** Display name of whoever made a change ('system' and unknown ids included). */
export function userDisplayName(db: Database.Database, userId: string): string {
  if (userId === 'system') return 'AccessDesk';
  if (userId.startsWith('sync:')) return 'Another desk (sync)';
  return db.prepare<[string], { display_name: string }>('SELECT display_name FROM users WHERE id = ?').get(userId)?.display_name ?? 'an unknown user';
}
