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
 * Forgiving (near) matches come after every exact one, only while the exact ones leave room in the page, each
 * labelled with why it matched (matchedOn: transliteration, saint, nickname, spelling, sounds-like) and flagged
 * `near`: ue/oe/ae for ü/ö/ä, St./Saint, the nickname table, one typing slip (every key one edit or swap away, probed
 * as exact keys in one native statement), and the same Double Metaphone code (patient_names_phon). A name with a
 * date of birth checks these on the few patients born that day, in memory. Numbers: an MRN without its leading
 * zeros, a 7-digit local number under every area code the desk holds (a walk of the distinct area codes of
 * patient_phones_digits), the last 4 digits of a phone with a name (the name's candidates' phones) or alone (a walk of
 * the distinct first-6-digit prefixes, where there are few enough). A suffix typed after the name ranks its holders
 * first. `truncated` says when more patients matched than the page shows.
 *
 * Pure read: auditing the search is the caller's job (electron/patients/handlers.ts).
 */
import type Database from 'better-sqlite3';
import { toHit, type PatientRow as StoredPatientRow } from './repo.js';
import type { PatientHit } from '../../shared/domain/patient.js';
import {
  parseSearchQuery,
  KEY_END,
  bareUmlautKey,
  germanAscii,
  oneSlipVariants,
  saintVariants,
  suffixKey,
  type NameInterpretation,
  type NearWhy,
  type ParsedSearch,
} from '../../shared/patients/search-query.js';
import { editDistance, nicknamesOf } from '../../shared/patients/nicknames.js';
import { fold } from '../../shared/text.js';
import { NAME_KIND, phonetic } from './search-keys.js';

export interface SearchResult {
  interpretations: string[];
  hits: PatientHit[];
  /** more patients matched than the hits show: the clerk should narrow the search */
  truncated: boolean;
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

  // ---- forgiving (near) matches
  /** one exact last-name key, first-name keys in [?, ?) */
  familyKeyGiven: `SELECT ${KEY_COLS} FROM patient_names INDEXED BY patient_names_fg WHERE family_key = ? AND given_key >= ? AND given_key < ? ORDER BY given_key LIMIT ?`,
  /** one exact first-name key, any last name */
  givenKey: `SELECT ${KEY_COLS} FROM patient_names INDEXED BY patient_names_gf WHERE given_key = ? ORDER BY family_key LIMIT ?`,
  /** which of a JSON array of last-name keys exist (one index seek each, in one statement) */
  existingFamilies: `SELECT value AS k FROM json_each(?) WHERE EXISTS (SELECT 1 FROM patient_names INDEXED BY patient_names_fg WHERE family_key = json_each.value)`,
  /** which of a JSON array of first-name keys exist */
  existingGivens: `SELECT value AS k FROM json_each(?) WHERE EXISTS (SELECT 1 FROM patient_names INDEXED BY patient_names_gf WHERE given_key = json_each.value)`,
  /** which of a JSON array of first-name keys exist under one last-name key */
  existingGivensOf: `SELECT value AS k FROM json_each(?) WHERE EXISTS (SELECT 1 FROM patient_names INDEXED BY patient_names_fg WHERE family_key = ? AND given_key = json_each.value)`,
  /** the same Double Metaphone code of the last name, first-name keys in [?, ?) */
  soundsLike: `SELECT ${KEY_COLS} FROM patient_names INDEXED BY patient_names_phon WHERE family_phon = ? AND family_phon <> '' AND given_key >= ? AND given_key < ? LIMIT ?`,
  /**
   * phones ending in @end: walk at most @walk distinct @plen-digit prefixes of the stored 10-digit numbers (one seek
   * each: the next prefix is the first key >= prefix || ':', which sorts after every digit) and probe prefix || @end.
   */
  phoneEnding: `WITH RECURSIVE pre(p, i) AS (
      SELECT substr((SELECT digits FROM patient_phones WHERE digits >= '0' ORDER BY digits LIMIT 1), 1, @plen), 1
      UNION ALL
      SELECT substr((SELECT digits FROM patient_phones WHERE digits >= pre.p || ':' ORDER BY digits LIMIT 1), 1, @plen), i + 1
        FROM pre WHERE pre.p IS NOT NULL AND pre.i < @walk
    )
    SELECT ${HIT_COLS} FROM pre CROSS JOIN patient_phones ph INDEXED BY patient_phones_digits CROSS JOIN patients p ON p.id = ph.patient_id
     WHERE ph.digits = pre.p || @end AND p.merged_into IS NULL
     LIMIT @page`,
  /** did a prefix walk of at most @walk prefixes reach the last stored number? */
  phoneEndingDone: `WITH RECURSIVE pre(p, i) AS (
      SELECT substr((SELECT digits FROM patient_phones WHERE digits >= '0' ORDER BY digits LIMIT 1), 1, @plen), 1
      UNION ALL
      SELECT substr((SELECT digits FROM patient_phones WHERE digits >= pre.p || ':' ORDER BY digits LIMIT 1), 1, @plen), i + 1
        FROM pre WHERE pre.p IS NOT NULL AND pre.i <= @walk
    )
    SELECT EXISTS (SELECT 1 FROM pre WHERE p IS NULL) AS done`,
  /** phone digits of a set of patients (JSON array of ids) */
  phonesOf: `SELECT patient_id AS id, digits FROM patient_phones WHERE patient_id IN (SELECT value FROM json_each(?))`,
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

/**
 * Score bands: a hit's band decides its place before anything else. Near (forgiving) name matches score below 0,
 * under every exact match, except a near name on a patient with the typed date of birth (nearNameAndDob), which
 * matches both parts of what was typed and so stands above the name-alone and DOB-alone fallbacks.
 */
export const SCORE = {
  mrn: 1000,
  phone: 900,
  phoneLocal: 800,
  phoneLast4: 700,
  nameAndDob: 500,
  nameAndPhone: 450,
  nearNameAndDob: 300,
  dobOnly: 1,
  near: -200,
} as const;

/** Near matches within their band: the closer the reading, the higher. */
const NEAR_RANK: Record<NearWhy, number> = { transliteration: 90, saint: 90, nickname: 70, spelling: 50, 'sounds-like': 30 };
/** Bonus for the suffix typed after the name ("smith, robert jr"): above the exactness of the first name. */
const SUFFIX_BONUS = 25;
/** Candidates read in full when a suffix was typed, so that a holder of it further down can rise. */
const MAX_SUFFIX_ROWS = 500;
/** Name rows considered when a phone ending narrows a name ("smith 0147"). */
const MAX_PHONE_NAME_ROWS = 400;
/** Distinct area codes (7-digit local number) or 6-digit prefixes (last 4 alone) walked. */
const MAX_PHONE_WALK = 400;

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
  /** found only by a forgiving reading (no exact match of the query) */
  near: boolean;
  /** sort keys until the patient row is read: the matched name keys */
  fk: string;
  gk: string;
  row?: PatientRow;
}

class Candidates {
  readonly byId = new Map<string, Candidate>();
  /** a probe filled its LIMIT: more patients may match than were read */
  full = false;
  /** a bounded walk stopped before the end of its range: some matches were not looked at */
  incomplete = false;
  /** folded suffix typed after the name ('' = none) */
  suffix = '';
  add(id: string, score: number, matched: string, fk: string, gk: string, row?: PatientRow, near = false): void {
    const c = this.byId.get(id);
    if (!c) {
      this.byId.set(id, { id, score, matched: [matched], near, fk, gk, row });
      return;
    }
    // an exact match is the reason to show: a forgiving reading of the same patient adds nothing
    if (near && !c.near) return;
    if (near) {
      // one reason per near hit, the best one (plus 'dob' when the date of birth matched too)
      if (score > c.score) Object.assign(c, { score, matched: [matched], fk, gk });
      else if (score === c.score && !c.matched.includes(matched)) c.matched.push(matched);
      if (row && !c.row) c.row = row;
      return;
    }
    if (!near && c.near) {
      c.near = false;
      c.matched = [];
      c.score = score;
      c.fk = fk;
      c.gk = gk;
    }
    if (score > c.score) {
      c.score = score;
      c.fk = fk;
      c.gk = gk;
    }
    if (!c.matched.includes(matched)) c.matched.push(matched);
    if (row && !c.row) c.row = row;
  }
  addRow(row: PatientRow, score: number, matched: string, near = false): void {
    this.add(row.id, score, matched, fold(row.family), fold(row.given), row, near);
  }
  addKeys(rows: KeyRow[], n: NameInterpretation, limit: number): void {
    if (rows.length >= limit) this.full = true;
    for (const r of rows) {
      const sc = nameScore(r.fk, r.gk, r.kind, n);
      if (sc >= 0) this.add(r.id, sc, KIND_MATCH[r.kind] ?? 'name', r.fk, r.gk);
    }
  }
  /** Near rows of one forgiving reading: scored in the near band (see nearScore), labelled with why. */
  addNear(rows: KeyRow[], why: NearWhy, n: NameInterpretation, skip?: (r: KeyRow) => boolean): void {
    for (const r of rows) {
      if (skip?.(r)) continue;
      this.add(r.id, SCORE.near + nearScore(r, why, n), why, r.fk, r.gk, undefined, true);
    }
  }
  /** Exact candidates so far (the forgiving readings run only while these leave room in the page). */
  exactCount(): number {
    let n = 0;
    for (const c of this.byId.values()) if (!c.near) n++;
    return n;
  }
  /**
   * The best `limit` hits: candidates in rank order, rows read by primary key, merged patients skipped; and whether
   * more matched than these.
   */
  hits(s: Stmts, limit: number): { hits: PatientHit[]; truncated: boolean } {
    const byRank = (a: Candidate, b: Candidate) => b.score - a.score || cmp(a.fk, b.fk) || cmp(a.gk, b.gk) || cmp(a.id, b.id);
    let list = [...this.byId.values()].sort(byRank);
    const read = (c: Candidate) => c.row ?? (c.row = s.byId.get(c.id) as PatientRow | undefined);
    if (this.suffix) {
      // "smith, robert jr": the holders of the suffix rise within their band, so read the rows of the first few hundred.
      for (const c of list.slice(0, MAX_SUFFIX_ROWS)) {
        const row = read(c);
        if (row && row.suffix && suffixKey(row.suffix) === this.suffix) {
          c.score += SUFFIX_BONUS;
          c.matched.push('suffix');
        }
      }
      list = list.sort(byRank);
    }
    const out: { c: Candidate; row: PatientRow; f: string; g: string }[] = [];
    let more = false;
    for (const c of list) {
      const row = read(c);
      if (!row || row.merged_into !== null) continue;
      if (out.length >= limit) {
        more = true;
        break;
      }
      out.push({ c, row, f: fold(row.family), g: fold(row.given) });
    }
    // Within one score, alphabetical by the legal name shown.
    out.sort((a, b) => b.c.score - a.c.score || cmp(a.f, b.f) || cmp(a.g, b.g) || cmp(a.c.id, b.c.id));
    const hits = out.map(({ c, row }) => (c.near ? { ...toHit(row, c.matched, c.score), near: true } : toHit(row, c.matched, c.score)));
    return { hits, truncated: more || this.incomplete || (this.full && out.length >= limit) };
  }
}

/** Rank of a near row within the near band: why it matched, then the kind of name, an exact first name, the tier. */
function nearScore(r: KeyRow, why: NearWhy, n: NameInterpretation): number {
  return NEAR_RANK[why] + (KIND_RANK[r.kind] ?? 0) + (n.given && r.gk === n.given ? 10 : 0) + Math.round(n.tier / 3);
}

/**
 * Searches patients. `limit` caps the hits (1..100); `today` is the site's business date (ISO), used for two-digit
 * years. Returns the interpretations shown to the clerk, the ranked hits and whether more matched.
 */
export function searchPatients(db: Database.Database, q: string, limit: number, today: string): SearchResult {
  const parsed = parseSearchQuery(q, today);
  if (parsed.empty) return { interpretations: parsed.interpretations, hits: [], truncated: false };
  const interpretations = [...parsed.interpretations];
  const lim = Math.max(1, Math.min(100, Math.floor(limit)));
  const s = stmts(db);
  const cands = new Candidates();
  cands.suffix = parsed.suffix;
  // Each probe reads a little more than asked, so ranking (kind, exactness) and merged patients can reorder within it.
  const page = Math.min(250, lim * 2 + 10);
  const ending = parsed.phoneLocal ?? parsed.phoneLast4;

  if (parsed.mrn) {
    const row = s.byMrn.get(parsed.mrn) as PatientRow | undefined;
    if (row) cands.addRow(row, SCORE.mrn, 'mrn');
  }
  if (parsed.phone) {
    const rows = s.byPhone.all(parsed.phone, page) as PatientRow[];
    if (rows.length >= page) cands.full = true;
    for (const row of rows) cands.addRow(row, SCORE.phone, 'phone');
  }
  if (ending && parsed.names.length === 0) {
    // a number alone: a local number under every area code, or the last 4 digits under every 6-digit prefix
    const local = parsed.phoneLocal !== null;
    const args = { plen: local ? 3 : 6, end: ending, walk: MAX_PHONE_WALK, page };
    const rows = s.phoneEnding.all(args) as PatientRow[];
    if (rows.length >= page) cands.full = true;
    for (const row of rows) cands.addRow(row, local ? SCORE.phoneLocal : SCORE.phoneLast4, local ? 'phone-local' : 'phone-ending');
    if ((s.phoneEndingDone.get(args) as { done: number }).done !== 1) {
      cands.incomplete = true;
      interpretations.push(local ? 'too many area codes to try them all: type the area code too' : 'too many phone numbers for the last 4 digits alone: add a name ("smith 0147")');
    }
  }

  const dob = parsed.birthDates[0];
  let nearDone = false;
  if (dob && parsed.names.length > 0) {
    // Name + DOB: the patients born that day, narrowed by name. If none match both, show either alone.
    const born = s.byDob.all(dob, MAX_DOB_ROWS) as PatientRow[];
    let both = 0;
    if (born.length > 0) {
      const byId = new Map(born.map((r) => [r.id, r]));
      const keys = s.namesOf.all(JSON.stringify(born.map((r) => r.id))) as KeyRow[];
      for (const k of keys) {
        let best = -1;
        for (const n of parsed.names) best = Math.max(best, nameScore(k.fk, k.gk, k.kind, n));
        if (best < 0) continue;
        const row = byId.get(k.id)!;
        cands.addRow(row, SCORE.nameAndDob + best, KIND_MATCH[k.kind] ?? 'name');
        cands.addRow(row, SCORE.nameAndDob + best, 'dob');
        both++;
      }
      if (both === 0) {
        // the name forgiven on the few patients born that day ("smtih, john 1/2/80")
        const readings = nearReadings(parsed, q, today);
        for (const k of keys) {
          const m = nearMatchInMemory(k, parsed.names, readings);
          if (!m) continue;
          const row = byId.get(k.id)!;
          cands.addRow(row, SCORE.nearNameAndDob + m.score, m.why, true);
          cands.addRow(row, SCORE.nearNameAndDob + m.score, 'dob', true);
        }
      }
    }
    if (both === 0) {
      searchNames(s, parsed.names, page, cands);
      if (born.length >= MAX_DOB_ROWS) cands.full = true;
      // born that day, name not matching (a patient whose name was forgiven above keeps that reason)
      for (const row of born.slice(0, page)) if (!cands.byId.has(row.id)) cands.addRow(row, SCORE.dobOnly, 'dob');
    } else nearDone = true;
  } else if (dob) {
    const born = s.byDob.all(dob, MAX_DOB_ROWS) as PatientRow[];
    if (born.length >= MAX_DOB_ROWS) cands.full = true;
    for (const row of born) cands.addRow(row, SCORE.dobOnly, 'dob');
  } else if (parsed.names.length > 0) {
    searchNames(s, parsed.names, ending ? MAX_PHONE_NAME_ROWS : page, cands);
  }

  if (ending && parsed.names.length > 0) {
    // "smith 0147": the name's candidates whose phone ends so rise above the name alone
    const ids = [...cands.byId.keys()];
    const label = parsed.phoneLocal ? 'phone-local' : 'phone-ending';
    let narrowed = 0;
    for (const ph of s.phonesOf.all(JSON.stringify(ids)) as { id: string; digits: string }[]) {
      if (!ph.digits.endsWith(ending)) continue;
      const c = cands.byId.get(ph.id)!;
      if (c.matched.includes(label)) continue;
      c.score += SCORE.nameAndPhone;
      c.matched.push(label);
      narrowed++;
    }
    // a name with more rows than were read: only those were checked (the list says it is cut)
    if (cands.full && !dob) interpretations.push(`the phone checked on the first ${MAX_PHONE_NAME_ROWS} patients of that name: add a first name`);
    else if (narrowed === 0) interpretations.push(`no patient of that name has a phone ending ${ending}: showing the name alone`);
  }

  if (!nearDone && parsed.names.length > 0 && cands.exactCount() < lim) searchNear(s, parsed, q, today, page, lim, cands);

  const { hits, truncated } = cands.hits(s, lim);
  return { interpretations, hits, truncated };
}

/** A forgiving reading: a name interpretation whose keys are exact (not prefixes) on the varied side. */
interface NearReading {
  n: NameInterpretation;
  why: NearWhy;
  /** exact last-name key ('' = the reading's own family side, matched as the interpretation says) */
  family: string;
  /** exact first-name key ('' = the reading's own given side) */
  given: string;
}

/** The few-key forgiving readings (transliteration, saint, nickname) of the parsed names; typos and sounds-alike are probed apart. */
function nearReadings(parsed: ParsedSearch, q: string, today: string): NearReading[] {
  const out: NearReading[] = [];
  for (const n of parsed.names) {
    if (n.family) {
      const bare = bareUmlautKey(n.family);
      if (bare) out.push({ n, why: 'transliteration', family: bare, given: '' });
      for (const v of saintVariants(n.family)) out.push({ n, why: 'saint', family: v, given: '' });
    }
    if (n.given) {
      for (const v of nicknamesOf(n.given)) if (v !== n.given) out.push({ n, why: 'nickname', family: '', given: v });
      const bare = bareUmlautKey(n.given);
      if (bare) out.push({ n, why: 'transliteration', family: '', given: bare });
    }
  }
  // "Müller": the ascii spelling (mueller), which the fold (muller) does not give
  const ascii = germanAscii(q);
  if (ascii !== q.normalize('NFC')) {
    for (const n of parseSearchQuery(ascii, today).names) {
      if (n.family) out.push({ n, why: 'transliteration', family: n.family, given: '' });
      else out.push({ n, why: 'transliteration', family: '', given: n.given });
    }
  }
  return out;
}

/** Does one stored name key match a forgiving reading (in memory, for the patients born on the typed day)? */
function nearMatchInMemory(k: KeyRow, names: NameInterpretation[], readings: NearReading[]): { why: NearWhy; score: number } | null {
  let best: { why: NearWhy; score: number } | null = null;
  const consider = (why: NearWhy, n: NameInterpretation) => {
    const sc = nearScore(k, why, n);
    if (!best || sc > best.score) best = { why, score: sc };
  };
  const givenOk = (n: NameInterpretation) => !n.given || k.gk.startsWith(n.given);
  const familyOk = (n: NameInterpretation) => !n.family || k.fk.startsWith(n.family);
  for (const r of readings) {
    const fam = r.family ? k.fk === r.family : familyOk(r.n);
    const giv = r.given ? k.gk === r.given : givenOk(r.n);
    if (fam && giv) consider(r.why, r.n);
  }
  for (const n of names) {
    if (n.family && n.family.length >= 4 && givenOk(n) && editDistance(n.family, k.fk) === 1) consider('spelling', n);
    if (n.given && n.given.length >= 4 && familyOk(n) && editDistance(n.given, k.gk) === 1) consider('spelling', n);
    if (n.family && n.family.length >= 3 && givenOk(n) && k.fk !== n.family && phonetic(n.family) === phonetic(k.fk)) consider('sounds-like', n);
  }
  return best;
}

/**
 * The forgiving readings of a name query, after the exact ones and only while those leave room: every probe is an
 * index seek on an exact key (or one exact key and a prefix range), never a scan. Typing slips only when nothing
 * matched exactly.
 */
function searchNear(s: Stmts, parsed: ParsedSearch, q: string, today: string, page: number, lim: number, cands: Candidates): void {
  const range = (g: string): [string, string] => (g ? [g, g + KEY_END] : ['', KEY_END]);
  const exactOnly = (g: string): [string, string] => [g, g + '\u0001'];
  const probe = (family: string, given: [string, string]) => (family ? (s.familyKeyGiven.all(family, given[0], given[1], page) as KeyRow[]) : []);
  const add = (rows: KeyRow[], why: NearWhy, n: NameInterpretation, skip?: (r: KeyRow) => boolean) => {
    if (rows.length >= page) cands.full = true;
    cands.addNear(rows, why, n, skip);
  };
  for (const r of nearReadings(parsed, q, today)) {
    if (r.family) add(probe(r.family, range(r.n.given)), r.why, r.n);
    else if (r.n.family) add(probe(r.n.family, exactOnly(r.given)), r.why, r.n);
    else add(s.givenKey.all(r.given, page) as KeyRow[], r.why, r.n);
  }
  // Typing slips are looked for only when nothing matched exactly (the typed keys exist as typed otherwise: a
  // real-world query finds its patient exactly, and this keeps their cost, ~54 seeks per letter, off it).
  const slips = cands.exactCount() === 0;
  const probed = new Set<string>();
  // The readings run best first (nickname and the like, then slips, then sound-alikes; within each, the readings in
  // rank order): once the page is full, what is left would rank below what it holds.
  const enough = () => {
    if (cands.byId.size <= lim) return false;
    cands.full = true;
    return true;
  };
  for (const n of parsed.names) {
    if (enough()) return;
    // one typing slip in the last name ("jonhson", "smtih"): which of its one-slip keys exist, then those
    if (slips && n.family && !probed.has(`f|${n.family}|${n.given}`)) {
      probed.add(`f|${n.family}|${n.given}`);
      const variants = oneSlipVariants(n.family);
      if (variants.length) {
        for (const { k } of s.existingFamilies.all(JSON.stringify(variants)) as { k: string }[]) add(probe(k, range(n.given)), 'spelling', n);
      }
    }
    // one typing slip in the first name: under the exact last name, or alone
    if (enough()) return;
    if (slips && n.given && !probed.has(`g|${n.family}|${n.given}`)) {
      probed.add(`g|${n.family}|${n.given}`);
      const variants = oneSlipVariants(n.given);
      if (variants.length) {
        if (n.family) {
          for (const { k } of s.existingGivensOf.all(JSON.stringify(variants), n.family) as { k: string }[]) add(probe(n.family, exactOnly(k)), 'spelling', n);
        } else {
          for (const { k } of s.existingGivens.all(JSON.stringify(variants)) as { k: string }[]) add(s.givenKey.all(k, page) as KeyRow[], 'spelling', n);
        }
      }
    }
  }
  for (const n of parsed.names) {
    // the same Double Metaphone code: Smyth for Smith, Jonsen for Johnson (the exact key itself is already found)
    if (enough()) return;
    if (n.family && n.family.length >= 3) {
      const code = phonetic(n.family);
      const [gLo, gHi] = range(n.given);
      if (code) add(s.soundsLike.all(code, gLo, gHi, page) as KeyRow[], 'sounds-like', n, (r) => r.fk.startsWith(n.family));
    }
  }
}

function searchNames(s: Stmts, names: NameInterpretation[], page: number, cands: Candidates): void {
  for (const n of names) {
    if (n.family && n.given) {
      searchPair(s, n, page, cands);
    } else if (n.family) {
      // The exact key sorts first in its own prefix range, so exact matches come before longer names.
      cands.addKeys(s.familyRange.all(n.family, n.family + KEY_END, page) as KeyRow[], n, page);
    } else {
      cands.addKeys(s.givenRange.all(n.given, n.given + KEY_END, page) as KeyRow[], n, page);
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
    cands.addKeys(rows, n, page);
    if (rows.length >= page) return;
    const done = (side === 'family' ? s.familyWalkDone : s.givenWalkDone).get(args) as { done: number };
    if (done.done === 1) return;
  }
  cands.incomplete = true; // neither walk reached the end of its range: there may be more
}
