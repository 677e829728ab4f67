/**
 * Patient search: the one search box. Reads a query with parseSearchQuery (shared/patients/search-query.ts) and answers
 * every interpretation with index range scans only:
 *
 * - names: the covering indexes patient_names_fg (family_key, given_key, patient_id, kind) and patient_names_gf
 *   (given_key, family_key, ...). A prefix is the key range [p, p + '{'). A prefix on both columns ("smi,joh") is a
 *   skip-scan done inside SQLite by a recursive CTE: walk the distinct last-name keys of the range (one index seek
 *   each), and under each seek straight to the first-name range, in index order, until a page of rows is found; so
 *   the query never reads every Smith, and never leaves native code per step.
 * - date of birth: patients_dob; MRN: the UNIQUE index on patients.mrn; phone: patient_phones_digits;
 * - name + date of birth: the few patients born that day, then their name keys by patient id.
 *
 * Name probes read only index entries; patient rows are fetched by primary key for the final page of hits only.
 * Every statement has a LIMIT, so a one-letter prefix stops after a page. Hits are ranked: MRN, phone, name + DOB
 * together, then exact key before prefix, legal name before part/preferred/previous, then alphabetical. Merged
 * patients (merged_into set) are never returned.
 *
 * Pure read: auditing the search is the caller's job (electron/patients/handlers.ts).
 */
import type Database from 'better-sqlite3';
import { toHit, type PatientRow as StoredPatientRow } from './repo.js';
import type { PatientHit } from '../../shared/domain/patient.js';
import { parseSearchQuery, KEY_END, type NameInterpretation } from '../../shared/patients/search-query.js';
import { fold } from '../../shared/text.js';
import { NAME_KIND } from './search-keys.js';

export interface SearchResult {
  interpretations: string[];
  hits: PatientHit[];
}

/** The patient columns a hit shows. */
const HIT_COLS = `p.id AS id, p.mrn AS mrn, p.family AS family, p.given AS given, p.middle AS middle, p.suffix AS suffix,
  p.preferred_name AS preferred_name, p.birth_date AS birth_date, p.sex_at_birth AS sex_at_birth, p.phone AS phone,
  p.merged_into AS merged_into`;

/** The columns of a patients row that a hit shows (see HIT_COLS). */
type PatientRow = Pick<StoredPatientRow, 'id' | 'mrn' | 'family' | 'given' | 'middle' | 'suffix' | 'preferred_name' | 'birth_date' | 'sex_at_birth' | 'phone' | 'merged_into'>;
interface KeyRow {
  id: string;
  fk: string;
  gk: string;
  kind: number;
}

const KEY_COLS = 'patient_id AS id, family_key AS fk, given_key AS gk, kind';

/**
 * The SQL of every search statement (exported for the query-plan test). Parameters are positional, except the
 * skip-scans' named ones (@fLo, @fHi: last-name key range; @gLo, @gHi: first-name key range; @walk; @page).
 * A recursive CTE's step is "the next distinct key after this one": one seek in the index.
 */
export const SEARCH_SQL = {
  /** last-name keys in [@fLo, @fHi), any first name, in index order */
  familyRange: `SELECT ${KEY_COLS} FROM patient_names WHERE family_key >= ? AND family_key < ? ORDER BY family_key, given_key LIMIT ?`,
  /** first-name keys in [@fLo, @fHi), any last name, in index order */
  givenRange: `SELECT ${KEY_COLS} FROM patient_names WHERE given_key >= ? AND given_key < ? ORDER BY given_key, family_key LIMIT ?`,
  /**
   * last name in [@fLo, @fHi) and first name in [@gLo, @gHi): skip-scan over at most @walk distinct last names, first @page rows.
   * Rows come out in (family_key, given_key) order: the CTE yields last names ascending, each probe is an index range.
   */
  pairByFamily: `WITH RECURSIVE fam(f, i) AS (
      SELECT (SELECT family_key FROM patient_names WHERE family_key >= @fLo AND family_key < @fHi ORDER BY family_key LIMIT 1), 1
      UNION ALL
      SELECT (SELECT family_key FROM patient_names WHERE family_key > fam.f AND family_key < @fHi ORDER BY family_key LIMIT 1), i + 1
        FROM fam WHERE fam.f IS NOT NULL AND fam.i < @walk
    )
    SELECT n.patient_id AS id, n.family_key AS fk, n.given_key AS gk, n.kind AS kind
      FROM fam CROSS JOIN patient_names n INDEXED BY patient_names_fg
     WHERE n.family_key = fam.f AND n.given_key >= @gLo AND n.given_key < @gHi
     LIMIT @page`,
  /** the same, walking at most @walk distinct first names of [@gLo, @gHi) instead */
  pairByGiven: `WITH RECURSIVE giv(g, i) AS (
      SELECT (SELECT given_key FROM patient_names WHERE given_key >= @gLo AND given_key < @gHi ORDER BY given_key LIMIT 1), 1
      UNION ALL
      SELECT (SELECT given_key FROM patient_names WHERE given_key > giv.g AND given_key < @gHi ORDER BY given_key LIMIT 1), i + 1
        FROM giv WHERE giv.g IS NOT NULL AND giv.i < @walk
    )
    SELECT n.patient_id AS id, n.family_key AS fk, n.given_key AS gk, n.kind AS kind
      FROM giv CROSS JOIN patient_names n INDEXED BY patient_names_gf
     WHERE n.given_key = giv.g AND n.family_key >= @fLo AND n.family_key < @fHi
     LIMIT @page`,
  /** did a last-name walk of at most @walk keys reach the end of [@fLo, @fHi)? (1 = yes: its rows are all there are) */
  familyWalkDone: `WITH RECURSIVE fam(f, i) AS (
      SELECT (SELECT family_key FROM patient_names WHERE family_key >= @fLo AND family_key < @fHi ORDER BY family_key LIMIT 1), 1
      UNION ALL
      SELECT (SELECT family_key FROM patient_names WHERE family_key > fam.f AND family_key < @fHi ORDER BY family_key LIMIT 1), i + 1
        FROM fam WHERE fam.f IS NOT NULL AND fam.i <= @walk
    )
    SELECT EXISTS (SELECT 1 FROM fam WHERE f IS NULL) AS done`,
  /** did a first-name walk of at most @walk keys reach the end of [@gLo, @gHi)? */
  givenWalkDone: `WITH RECURSIVE giv(g, i) AS (
      SELECT (SELECT given_key FROM patient_names WHERE given_key >= @gLo AND given_key < @gHi ORDER BY given_key LIMIT 1), 1
      UNION ALL
      SELECT (SELECT given_key FROM patient_names WHERE given_key > giv.g AND given_key < @gHi ORDER BY given_key LIMIT 1), i + 1
        FROM giv WHERE giv.g IS NOT NULL AND giv.i <= @walk
    )
    SELECT EXISTS (SELECT 1 FROM giv WHERE g IS NULL) AS done`,
  byId: `SELECT ${HIT_COLS} FROM patients p WHERE p.id = ?`,
  byDob: `SELECT ${HIT_COLS} FROM patients p WHERE p.birth_date = ? AND p.merged_into IS NULL LIMIT ?`,
  byMrn: `SELECT ${HIT_COLS} FROM patients p WHERE p.mrn = ? AND p.merged_into IS NULL`,
  byPhone: `SELECT ${HIT_COLS} FROM patient_phones ph CROSS JOIN patients p ON p.id = ph.patient_id
    WHERE ph.digits = ? AND p.merged_into IS NULL LIMIT ?`,
  /** name keys of a set of patients (JSON array of ids) */
  namesOf: `SELECT ${KEY_COLS} FROM patient_names WHERE patient_id IN (SELECT value FROM json_each(?))`,
} as const;

type Stmts = { [K in keyof typeof SEARCH_SQL]: Database.Statement };
const cache = new WeakMap<Database.Database, Stmts>();

function stmts(db: Database.Database): Stmts {
  let s = cache.get(db);
  if (!s) {
    s = Object.fromEntries(Object.entries(SEARCH_SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Stmts;
    cache.set(db, s);
  }
  return s;
}

/** Distinct keys a two-prefix skip-scan walks on one column before it stops (each is one native index seek). */
export const MAX_WALK = 400;
/** Patients born on one day considered for name + DOB (a clinic of 1M patients has a few dozen per day). */
const MAX_DOB_ROWS = 2000;

const KIND_RANK: Record<number, number> = {
  [NAME_KIND.legal]: 9,
  [NAME_KIND.familyPart]: 6,
  [NAME_KIND.preferred]: 5,
  [NAME_KIND.previous]: 3,
};
const KIND_MATCH: Record<number, string> = {
  [NAME_KIND.legal]: 'name',
  [NAME_KIND.familyPart]: 'name',
  [NAME_KIND.preferred]: 'preferred-name',
  [NAME_KIND.previous]: 'previous-name',
};

/** Score bands: a hit's band decides its place before anything else. */
export const SCORE = { mrn: 1000, phone: 900, nameAndDob: 500, dobOnly: 1 } as const;

/**
 * Rank of one name key row under one interpretation, or -1 when it does not match. Exact keys beat prefixes (family
 * 40, given 20), then the kind of name (legal 9 .. previous 3); the interpretation's tier is added on top.
 */
function nameScore(fk: string, gk: string, kind: number, n: NameInterpretation): number {
  let s = n.tier + (KIND_RANK[kind] ?? 0);
  if (n.family) {
    if (fk === n.family) s += 40;
    else if (!fk.startsWith(n.family)) return -1;
  }
  if (n.given) {
    if (gk === n.given) s += 20;
    else if (!gk.startsWith(n.given)) return -1;
  }
  return s;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Candidate {
  id: string;
  score: number;
  matched: string[];
  /** sort keys until the patient row is read: the matched name keys */
  fk: string;
  gk: string;
  row?: PatientRow;
}

class Candidates {
  readonly byId = new Map<string, Candidate>();
  add(id: string, score: number, matched: string, fk: string, gk: string, row?: PatientRow): void {
    const c = this.byId.get(id);
    if (!c) {
      this.byId.set(id, { id, score, matched: [matched], fk, gk, row });
      return;
    }
    if (score > c.score) {
      c.score = score;
      c.fk = fk;
      c.gk = gk;
    }
    if (!c.matched.includes(matched)) c.matched.push(matched);
    if (row && !c.row) c.row = row;
  }
  addRow(row: PatientRow, score: number, matched: string): void {
    this.add(row.id, score, matched, fold(row.family), fold(row.given), row);
  }
  addKeys(rows: KeyRow[], n: NameInterpretation): void {
    for (const r of rows) {
      const sc = nameScore(r.fk, r.gk, r.kind, n);
      if (sc >= 0) this.add(r.id, sc, KIND_MATCH[r.kind] ?? 'name', r.fk, r.gk);
    }
  }
  /** The best `limit` hits: candidates in rank order, rows read by primary key, merged patients skipped. */
  hits(s: Stmts, limit: number): PatientHit[] {
    const list = [...this.byId.values()].sort((a, b) => b.score - a.score || cmp(a.fk, b.fk) || cmp(a.gk, b.gk) || cmp(a.id, b.id));
    const out: { c: Candidate; row: PatientRow; f: string; g: string }[] = [];
    for (const c of list) {
      if (out.length >= limit) break;
      const row = c.row ?? (s.byId.get(c.id) as PatientRow | undefined);
      if (!row || row.merged_into !== null) continue;
      out.push({ c, row, f: fold(row.family), g: fold(row.given) });
    }
    // Within one score, alphabetical by the legal name shown.
    out.sort((a, b) => b.c.score - a.c.score || cmp(a.f, b.f) || cmp(a.g, b.g) || cmp(a.c.id, b.c.id));
    return out.map(({ c, row }) => toHit(row, c.matched, c.score));
  }
}

/**
 * Searches patients. `limit` caps the hits (1..100); `today` is the site's business date (ISO), used for two-digit
 * years. Returns the interpretations shown to the clerk and the ranked hits.
 */
export function searchPatients(db: Database.Database, q: string, limit: number, today: string): SearchResult {
  const parsed = parseSearchQuery(q, today);
  if (parsed.empty) return { interpretations: parsed.interpretations, hits: [] };
  const lim = Math.max(1, Math.min(100, Math.floor(limit)));
  const s = stmts(db);
  const cands = new Candidates();
  // Each probe reads a little more than asked, so ranking (kind, exactness) and merged patients can reorder within it.
  const page = Math.min(250, lim * 2 + 10);

  if (parsed.mrn) {
    const row = s.byMrn.get(parsed.mrn) as PatientRow | undefined;
    if (row) cands.addRow(row, SCORE.mrn, 'mrn');
  }
  if (parsed.phone) {
    for (const row of s.byPhone.all(parsed.phone, page) as PatientRow[]) cands.addRow(row, SCORE.phone, 'phone');
  }

  const dob = parsed.birthDates[0];
  if (dob && parsed.names.length > 0) {
    // Name + DOB: the patients born that day, narrowed by name. If none match both, show either alone.
    const born = s.byDob.all(dob, MAX_DOB_ROWS) as PatientRow[];
    let both = 0;
    if (born.length > 0) {
      const byId = new Map(born.map((r) => [r.id, r]));
      for (const k of s.namesOf.all(JSON.stringify(born.map((r) => r.id))) as KeyRow[]) {
        let best = -1;
        for (const n of parsed.names) best = Math.max(best, nameScore(k.fk, k.gk, k.kind, n));
        if (best < 0) continue;
        const row = byId.get(k.id)!;
        cands.addRow(row, SCORE.nameAndDob + best, KIND_MATCH[k.kind] ?? 'name');
        cands.addRow(row, SCORE.nameAndDob + best, 'dob');
        both++;
      }
    }
    if (both === 0) {
      searchNames(s, parsed.names, page, cands);
      for (const row of born.slice(0, page)) cands.addRow(row, SCORE.dobOnly, 'dob');
    }
  } else if (dob) {
    for (const row of s.byDob.all(dob, MAX_DOB_ROWS) as PatientRow[]) cands.addRow(row, SCORE.dobOnly, 'dob');
  } else if (parsed.names.length > 0) {
    searchNames(s, parsed.names, page, cands);
  }

  return { interpretations: parsed.interpretations, hits: cands.hits(s, lim) };
}

function searchNames(s: Stmts, names: NameInterpretation[], page: number, cands: Candidates): void {
  for (const n of names) {
    if (n.family && n.given) {
      searchPair(s, n, page, cands);
    } else if (n.family) {
      // The exact key sorts first in its own prefix range, so exact matches come before longer names.
      cands.addKeys(s.familyRange.all(n.family, n.family + KEY_END, page) as KeyRow[], n);
    } else {
      cands.addKeys(s.givenRange.all(n.given, n.given + KEY_END, page) as KeyRow[], n);
    }
  }
}

/**
 * A last-name prefix and a first-name prefix: skip-scan one column's distinct keys, seeking the other's range under
 * each. The side with the longer prefix (fewer distinct keys, as a rule) is walked first. Its rows are complete when
 * they fill a page or when the walk reached the end of its range within MAX_WALK keys; otherwise ("m, q": both wide,
 * few matches) the other side is walked too. Cost is bounded by 2 x MAX_WALK index seeks either way.
 */
function searchPair(s: Stmts, n: NameInterpretation, page: number, cands: Candidates): void {
  const args = { fLo: n.family, fHi: n.family + KEY_END, gLo: n.given, gHi: n.given + KEY_END, walk: MAX_WALK, page };
  const sides = n.given.length > n.family.length ? (['given', 'family'] as const) : (['family', 'given'] as const);
  for (const side of sides) {
    const rows = (side === 'family' ? s.pairByFamily : s.pairByGiven).all(args) as KeyRow[];
    cands.addKeys(rows, n);
    if (rows.length >= page) return;
    const done = (side === 'family' ? s.familyWalkDone : s.givenWalkDone).get(args) as { done: number };
    if (done.done === 1) return;
  }
}
