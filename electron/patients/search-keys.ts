import type Database from 'better-sqlite3';
import { doubleMetaphone } from 'double-metaphone';
import { stmt } from '../store/stmt-cache.js';
import { fold, nameParts, phoneDigits } from '../../shared/text.js';
import type { PatientInput } from '../../shared/domain/patient.js';

/** Kinds of rows in patient_names (see migration 1). */
export const NAME_KIND = { legal: 0, preferred: 1, previous: 2, familyPart: 3 } as const;

/** Primary double-metaphone code of a folded name ('' for empty). */
export function phonetic(foldedName: string): string {
  return foldedName ? doubleMetaphone(foldedName)[0] : '';
}

export interface NameKeyRow {
  family_key: string;
  given_key: string;
  kind: number;
  family_phon: string;
}

/** The search/match keys of one patient: legal name, preferred first name, previous names, parts of multi-part last names. */
export function nameKeyRows(p: Pick<PatientInput, 'name' | 'preferredName' | 'previousNames'>): NameKeyRow[] {
  const rows: NameKeyRow[] = [];
  const seen = new Set<string>();
  const add = (family: string, given: string, kind: number) => {
    if (!family) return;
    const k = `${family}|${given}|${kind}`;
    if (seen.has(k)) return;
    seen.add(k);
    rows.push({ family_key: family, given_key: given, kind, family_phon: phonetic(family) });
  };
  const family = fold(p.name.family);
  const given = fold(p.name.given);
  add(family, given, NAME_KIND.legal);
  const parts = nameParts(p.name.family);
  if (parts.length > 1) for (const part of parts) if (part !== family) add(part, given, NAME_KIND.familyPart);
  const preferred = fold(p.preferredName);
  if (preferred && preferred !== given) add(family, preferred, NAME_KIND.preferred);
  for (const prev of p.previousNames) {
    const pf = fold(prev.family);
    add(pf, fold(prev.given) || given, NAME_KIND.previous);
    const pparts = nameParts(prev.family);
    if (pparts.length > 1) for (const part of pparts) if (part !== pf) add(part, fold(prev.given) || given, NAME_KIND.previous);
  }
  return rows;
}

/** Rewrites all search keys of a patient (inside the caller's transaction). */
export function writeSearchKeys(db: Database.Database, patientId: string, p: PatientInput): void {
  stmt(db, 'DELETE FROM patient_names WHERE patient_id = ?').run(patientId);
  stmt(db, 'DELETE FROM patient_phones WHERE patient_id = ?').run(patientId);
  stmt(db, 'DELETE FROM patient_identifiers WHERE patient_id = ?').run(patientId);
  const insName = stmt(db, 'INSERT INTO patient_names (patient_id, family_key, given_key, kind, family_phon) VALUES (?, ?, ?, ?, ?)');
  for (const r of nameKeyRows(p)) insName.run(patientId, r.family_key, r.given_key, r.kind, r.family_phon);
  const insPhone = stmt(db, 'INSERT INTO patient_phones (patient_id, digits) VALUES (?, ?)');
  const phones = new Set(p.phones.map((ph) => phoneDigits(ph.number)).filter((d) => d.length === 10));
  for (const d of phones) insPhone.run(patientId, d);
  const insId = stmt(db, 'INSERT INTO patient_identifiers (patient_id, id_key) VALUES (?, ?)');
  const ids = new Set(p.identifiers.map((i) => `${i.type}:${fold(i.value)}`));
  for (const k of ids) insId.run(patientId, k);
}

/** Normalised email key stored on patients.email_key. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
