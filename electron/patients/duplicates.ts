/**
 * Duplicate-patient lookup: fetch candidates through indexes only, then score each with the shared scorer
 * (shared/patients/duplicate-score.ts). Runs per keystroke while a clerk registers a patient and again at save time,
 * on stores of up to a million patients, so:
 *   - every lookup is an index lookup (birth_date, patient_phones.digits, email_key, patient_identifiers.id_key,
 *     patient_names (family_key, given_key) and family_phon); nothing scans the patients table;
 *   - every lookup is capped (LOOKUP_CAP rows), so a common birth date or surname cannot blow up the candidate set;
 *   - partial input (any field '') is normal: a lookup whose key is empty is skipped.
 */
import type Database from 'better-sqlite3';
import { candidateKeys, scoreDuplicate, type DupCandidate } from '../../shared/patients/duplicate-score.js';
import type { DuplicateMatch } from '../../shared/domain/patient.js';
import { IDENTIFIER_TYPES } from '../../shared/domain/patient.js';
import { fold, nameParts } from '../../shared/text.js';
import { parseDoc, toDupCandidate, toHit, type PatientRow } from './repo.js';

export const LOOKUP_CAP = 200;
export const MAX_MATCHES = 20;

/** Upper bound (exclusive) of the keys starting with `prefix`: 'chri' -> 'chrj'. Keys are folded [a-z0-9]. */
function prefixEnd(prefix: string): string {
  return prefix + '\uffff';
}

const uniq = (xs: Iterable<string>) => [...new Set([...xs].filter((x) => x.length > 0))];
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** Identifier keys as patient_identifiers stores them ('type:folded value'); a bare value is tried under every type. */
function identifierKeys(raw: string[]): string[] {
  const out: string[] = [];
  for (const r of raw) {
    const i = r.indexOf(':');
    const type = i > 0 ? r.slice(0, i).trim().toLowerCase() : '';
    const value = fold(i > 0 ? r.slice(i + 1) : r);
    if (!value) continue;
    if ((IDENTIFIER_TYPES as readonly string[]).includes(type)) out.push(`${type}:${value}`);
    else for (const t of IDENTIFIER_TYPES) out.push(`${t}:${value}`);
  }
  return uniq(out);
}

/** Candidate patient ids, each with the lookups that found it. */
export function candidateIds(db: Database.Database, c: DupCandidate): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (ids: { id: string }[], via: string) => {
    for (const { id } of ids) {
      const s = found.get(id);
      if (s) s.add(via);
      else found.set(id, new Set([via]));
    }
  };
  const q = (sql: string, params: unknown[], via: string) => add(db.prepare(sql).all(...params, LOOKUP_CAP) as { id: string }[], via);

  const keys = candidateKeys(c);

  // Date of birth: the exact date first (its own cap), then the typing variants (swapped day/month, transposed digits).
  const [dob, ...variants] = keys.birthDates;
  if (dob) q('SELECT id FROM patients WHERE birth_date = ? LIMIT ?', [dob], 'dob');
  if (variants.length) q(`SELECT id FROM patients WHERE birth_date IN (${marks(variants.length)}) LIMIT ?`, variants, 'dob');

  if (keys.phones.length) q(`SELECT DISTINCT patient_id id FROM patient_phones WHERE digits IN (${marks(keys.phones.length)}) LIMIT ?`, keys.phones, 'phone');
  if (keys.email) q(`SELECT id FROM patients WHERE email_key = ? AND email_key <> '' LIMIT ?`, [keys.email], 'email');
  const idKeys = identifierKeys(c.identifiers);
  if (idKeys.length) q(`SELECT DISTINCT patient_id id FROM patient_identifiers WHERE id_key IN (${marks(idKeys.length)}) LIMIT ?`, idKeys, 'identifier');

  // Names. Family keys: the last name, each part of a multi-part one, previous last names (and their parts).
  const families = uniq([c.family, ...c.previousFamilyNames].flatMap((f) => [fold(f), ...nameParts(f)]));
  const given = fold(c.given);
  // Given keys: the name, its nickname group, each part of a multi-part given name, its first letter (a record
  // registered with an initial) and its prefixes of 3+ letters (a record registered with a short form: Chris).
  const givens = uniq([
    ...keys.givenKeys,
    ...nameParts(c.given),
    given.slice(0, 1),
    ...Array.from({ length: Math.max(0, given.length - 3) }, (_, i) => given.slice(0, i + 3)),
  ]);
  if (families.length) {
    const fm = marks(families.length);
    if (givens.length) {
      q(`SELECT DISTINCT patient_id id FROM patient_names WHERE family_key IN (${fm}) AND given_key IN (${marks(givens.length)}) LIMIT ?`, [...families, ...givens], 'name');
      // What the clerk has typed so far is the start of a stored first name ("Chri" -> Christine, Christopher).
      q(`SELECT DISTINCT patient_id id FROM patient_names WHERE family_key IN (${fm}) AND given_key >= ? AND given_key < ? LIMIT ?`, [...families, given, prefixEnd(given)], 'name');
    } else {
      q(`SELECT DISTINCT patient_id id FROM patient_names WHERE family_key IN (${fm}) LIMIT ?`, families, 'name');
    }
  }
  // Sounds-alike last name (Double Metaphone) with a related first name: Smith/Smyth, Jon/John.
  if (keys.familyPhonetic.length && givens.length) {
    q(
      `SELECT DISTINCT patient_id id FROM patient_names INDEXED BY patient_names_phon
       WHERE family_phon IN (${marks(keys.familyPhonetic.length)}) AND family_phon <> ''
         AND (given_key IN (${marks(givens.length)}) OR (given_key >= ? AND given_key < ?)) LIMIT ?`,
      [...keys.familyPhonetic, ...givens, given, prefixEnd(given)],
      'name-sounds-alike',
    );
  }
  // First and last name swapped on one of the records.
  const family = fold(c.family);
  if (given && family && given !== family) q('SELECT DISTINCT patient_id id FROM patient_names WHERE family_key = ? AND given_key = ? LIMIT ?', [given, family], 'name-swapped');
  return found;
}

/** Scored likely/possible matches of a (possibly partial) patient, best first. */
export function findDuplicateMatches(db: Database.Database, c: DupCandidate, opts: { excludeId?: string; limit?: number } = {}): DuplicateMatch[] {
  const found = candidateIds(db, c);
  if (opts.excludeId) found.delete(opts.excludeId);
  if (found.size === 0) return [];
  const ids = [...found.keys()];
  const rows: PatientRow[] = [];
  const CHUNK = 500;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    rows.push(...(db.prepare(`SELECT * FROM patients WHERE id IN (${marks(part.length)}) AND merged_into IS NULL`).all(...part) as PatientRow[]));
  }
  const matches: DuplicateMatch[] = [];
  for (const row of rows) {
    const s = scoreDuplicate(c, toDupCandidate(parseDoc(row)));
    if (!s.level) continue;
    matches.push({ patient: toHit(row, [...(found.get(row.id) ?? [])], s.score), score: s.score, level: s.level, reasons: s.reasons });
  }
  matches.sort((a, b) => b.score - a.score || a.patient.family.localeCompare(b.patient.family) || a.patient.given.localeCompare(b.patient.given) || a.patient.id.localeCompare(b.patient.id));
  return matches.slice(0, opts.limit ?? MAX_MATCHES);
}
