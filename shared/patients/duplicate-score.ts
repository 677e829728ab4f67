/**
 * Duplicate-patient scoring. Pure TypeScript (no database): the renderer scores candidates while a clerk types a new
 * patient, the main process scores again at save time, and the DB layer uses `candidateKeys` to fetch candidates.
 *
 * Scale and thresholds match OpenEMR's dupscore so the two are comparable: likely >= 12, possible >= 8.
 *
 * Evidence (points):
 *   first name   exact 4 | nickname, typo, part of a multi-part name, matches other's middle name 3 |
 *                prefix, sounds alike 2 | initial 1
 *   last name    exact 4 | part of a hyphenated/compound name, previous last name, typo 3 |
 *                sounds alike 2 (typo/part against a previous name: 2)
 *   names swapped (first <-> last) 7 in place of both
 *   middle name  same +1, different -1 (both given, 2+ letters)
 *   birth date   exact 5 | day/month swapped or adjacent digits transposed 4 |
 *                one digit different in month, day or last year digit 2 | anything else -3 (a conflict)
 *   sex          same (female/male) +1 | different -1
 *   identifier   same +7 (SSN last 4: +4, one person in 10,000 shares it) | same type, different value -4
 *   email 4, phone 3, address (ZIP + normalised street line) 2
 *
 * Caps (why a pair can never reach 'likely', unless the two records share an identifier):
 *   - different first names (John vs Jane): family members share last name, DOB (twins), phone, address, email;
 *   - first names only weakly related (sound alike, prefix, initial): twins are often given rhyming names;
 *   - different sex and first names not identical (Daniel/Daniela twins);
 *   - different date of birth (Jr/Sr, common names).
 *   These cap the score at 11 (at most 'possible'); different first names AND different DOB cap it at 7 (no match).
 */
import { formatUsDate, isoDate, isRealDate, parseIsoDate } from '../dates.js';
import { fold, nameParts, phoneDigits } from '../text.js';
import { areNicknames, isTypo, nicknamesOf, phoneticCodes, sameGivenName, soundAlike, type GivenNameMatch } from './nicknames.js';

export type DupCandidate = {
  given: string;
  family: string;
  middle?: string;
  /** 'YYYY-MM-DD' or '' when not known (yet). */
  birthDate: string;
  /** 'female' | 'male' | 'unknown' | '' (not chosen yet). */
  sexAtBirth: string;
  /** Any format; compared as 10-digit US numbers. */
  phones: string[];
  email: string;
  postalCode: string;
  line1: string;
  /** Preferably 'type:value' (e.g. 'ssn-last4:1234', 'drivers-license:D123-456'); bare values are compared as-is. */
  identifiers: string[];
  previousFamilyNames: string[];
};

export type DupLevel = 'likely' | 'possible';
export type DupScore = { score: number; level: DupLevel | null; reasons: string[] };

export const LIKELY_SCORE = 12;
export const POSSIBLE_SCORE = 8;

export const WEIGHTS = {
  given: { exact: 4, nickname: 3, part: 3, typo: 3, middle: 3, prefix: 2, phonetic: 2, initial: 1 },
  family: { exact: 4, part: 3, previous: 3, typo: 3, previousSimilar: 2, phonetic: 2 },
  swapped: 7,
  middleSame: 1,
  middleDifferent: -1,
  dob: { exact: 5, transposed: 4, oneDigit: 2, conflict: -3 },
  sex: { same: 1, different: -1 },
  identifier: { same: 7, sameSsnLast4: 4, different: -4 },
  email: 4,
  phone: 3,
  address: 2,
} as const;

const CAP_ONE_CONFLICT = LIKELY_SCORE - 1;
const CAP_NAME_AND_DOB_CONFLICT = POSSIBLE_SCORE - 1;

function levelOf(score: number): DupLevel | null {
  return score >= LIKELY_SCORE ? 'likely' : score >= POSSIBLE_SCORE ? 'possible' : null;
}

const trimmed = (s: string | undefined) => (s ?? '').trim();

// ---------------------------------------------------------------------------------------------------------------
// Dates of birth

const MIN_BIRTH_YEAR = 1850;
const MAX_BIRTH_YEAR = 2199;

/**
 * Plausible typing variants of a DOB, real dates only (and birth years 1850-2199), without the DOB itself:
 * day and month swapped (03/12 <-> 12/03), and two adjacent digits transposed inside the year, the month or the day
 * (1985 <-> 1958, 12 <-> 21). Used by the DB layer to fetch candidates by its birth-date index.
 */
export function dobVariants(iso: string): string[] {
  const p = parseIsoDate(iso);
  if (!p) return [];
  const out = new Set<string>();
  const add = (y: number, m: number, d: number) => {
    if (y >= MIN_BIRTH_YEAR && y <= MAX_BIRTH_YEAR && isRealDate(y, m, d)) out.add(isoDate(y, m, d));
  };
  add(p.y, p.d, p.m);
  const swaps = (s: string): string[] => {
    const res: string[] = [];
    for (let i = 0; i + 1 < s.length; i++) {
      if (s[i] !== s[i + 1]) res.push(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
    }
    return res;
  };
  const ys = String(p.y).padStart(4, '0');
  const ms = String(p.m).padStart(2, '0');
  const ds = String(p.d).padStart(2, '0');
  for (const y of swaps(ys)) add(Number(y), p.m, p.d);
  for (const m of swaps(ms)) add(p.y, Number(m), p.d);
  for (const d of swaps(ds)) add(p.y, p.m, Number(d));
  out.delete(iso);
  return [...out].sort();
}

type DobRelation = { kind: 'exact' | 'swapped' | 'transposed' | 'oneDigit' | 'conflict'; detail: string } | null;

function compareDob(a: string, b: string): DobRelation {
  const pa = parseIsoDate(a);
  const pb = parseIsoDate(b);
  if (!pa || !pb) return null;
  if (a === b) return { kind: 'exact', detail: '' };
  const md = (p: { m: number; d: number }) => `${String(p.m).padStart(2, '0')}/${String(p.d).padStart(2, '0')}`;
  if (pa.y === pb.y && pa.m === pb.d && pa.d === pb.m) return { kind: 'swapped', detail: `${md(pa)} vs ${md(pb)}` };
  if (dobVariants(a).includes(b)) {
    const detail = pa.y !== pb.y ? `${pa.y} vs ${pb.y}` : `${md(pa)} vs ${md(pb)}`;
    return { kind: 'transposed', detail };
  }
  // One digit different in the month, the day or the last digit of the year (1961 vs 1991 is not a slip we score:
  // a parent and child can share a birthday a generation apart).
  const da = a.replace(/-/g, '');
  const db = b.replace(/-/g, '');
  const diff: number[] = [];
  for (let i = 0; i < da.length; i++) if (da[i] !== db[i]) diff.push(i);
  if (diff.length === 1 && diff[0]! >= 3) return { kind: 'oneDigit', detail: `${formatUsDate(a)} vs ${formatUsDate(b)}` };
  return { kind: 'conflict', detail: '' };
}

// ---------------------------------------------------------------------------------------------------------------
// Names

const GIVEN_REASON: Record<GivenNameMatch, (a: string, b: string) => string> = {
  exact: () => 'same first name',
  nickname: (a, b) => `nickname: ${a} = ${b}`,
  part: (a, b) => `first name part matches (${a} vs ${b})`,
  typo: (a, b) => `first name spelled similarly (${a} vs ${b})`,
  prefix: (a, b) => `first name shortened (${a} vs ${b})`,
  phonetic: (a, b) => `first name sounds alike (${a} vs ${b})`,
  initial: (a, b) => `first initial matches (${a} vs ${b})`,
};

type GivenResult = { points: number; strength: 'strong' | 'weak' | 'none' | 'conflict'; reason: string | null; match: GivenNameMatch | 'middle' | null };

function compareGiven(a: DupCandidate, b: DupCandidate): GivenResult {
  const ga = trimmed(a.given);
  const gb = trimmed(b.given);
  if (!fold(ga) || !fold(gb)) return { points: 0, strength: 'none', reason: null, match: null };
  const m = sameGivenName(ga, gb);
  if (m && m !== 'phonetic' && m !== 'prefix' && m !== 'initial') {
    return { points: WEIGHTS.given[m], strength: 'strong', reason: GIVEN_REASON[m](ga, gb), match: m };
  }
  // Goes by the middle name: "Michael" registered once as "John Michael", once as "Michael".
  const ma = trimmed(a.middle);
  const mb = trimmed(b.middle);
  const viaMiddle = (given: string, middle: string) => {
    const r = middle ? sameGivenName(given, middle) : null;
    return r === 'exact' || r === 'nickname';
  };
  if (viaMiddle(ga, mb) || viaMiddle(gb, ma)) {
    return { points: WEIGHTS.given.middle, strength: 'strong', reason: 'first name matches middle name', match: 'middle' };
  }
  if (m) return { points: WEIGHTS.given[m], strength: 'weak', reason: GIVEN_REASON[m](ga, gb), match: m };
  return { points: 0, strength: 'conflict', reason: 'different first name', match: null };
}

/** Particles that do not identify a family on their own ("de la Cruz" vs "de Leon" share nothing). */
const NAME_PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'da', 'das', 'do', 'dos', 'di', 'du', 'le', 'van', 'von', 'der', 'den', 'ten', 'ter', 'st', 'bin', 'ibn', 'al', 'el']);

type FamilyResult = { points: number; reason: string | null };

function familyNames(c: DupCandidate): string[] {
  return [c.family, ...c.previousFamilyNames].map(trimmed).filter((s) => fold(s).length > 0);
}

function compareFamily(a: DupCandidate, b: DupCandidate): FamilyResult {
  const fa = trimmed(a.family);
  const fb = trimmed(b.family);
  const none: FamilyResult = { points: 0, reason: null };
  if (!fold(fa) || !fold(fb)) return none;
  if (fold(fa) === fold(fb)) return { points: WEIGHTS.family.exact, reason: 'same last name' };

  const partsA = nameParts(fa);
  const partsB = nameParts(fb);
  const sharesPart = (x: string[], y: string[]) => x.some((p) => p.length >= 2 && !NAME_PARTICLES.has(p) && y.includes(p));
  if ((partsA.length > 1 || partsB.length > 1) && sharesPart(partsA, partsB)) {
    return { points: WEIGHTS.family.part, reason: `last name matches part of hyphenated name (${fa} vs ${fb})` };
  }

  // Changed last name: one record's current or previous last name is the other's previous or current one.
  const allA = familyNames(a);
  const allB = familyNames(b);
  let best: FamilyResult = none;
  for (let i = 0; i < allA.length; i++) {
    for (let j = 0; j < allB.length; j++) {
      if (i === 0 && j === 0) continue;
      const x = allA[i]!;
      const y = allB[j]!;
      if (fold(x) === fold(y) || ((nameParts(x).length > 1 || nameParts(y).length > 1) && sharesPart(nameParts(x), nameParts(y)))) {
        return { points: WEIGHTS.family.previous, reason: `previous last name matches (${i === 0 ? y : x})` };
      }
      if (best.points < WEIGHTS.family.previousSimilar && isTypo(fold(x), fold(y))) {
        best = { points: WEIGHTS.family.previousSimilar, reason: `previous last name spelled similarly (${x} vs ${y})` };
      }
    }
  }

  if (isTypo(fold(fa), fold(fb))) return { points: WEIGHTS.family.typo, reason: `last name spelled similarly (${fa} vs ${fb})` };
  if (soundAlike(fa, fb, 2)) return { points: WEIGHTS.family.phonetic, reason: `last name sounds alike (${fa} vs ${fb})` };
  return best;
}

function namesSwapped(a: DupCandidate, b: DupCandidate): boolean {
  const ga = fold(a.given);
  const fa = fold(a.family);
  return ga !== '' && fa !== '' && ga !== fa && ga === fold(b.family) && fa === fold(b.given);
}

// ---------------------------------------------------------------------------------------------------------------
// Contact, address, identifiers

function phoneSet(c: DupCandidate): Set<string> {
  return new Set(c.phones.map(phoneDigits).filter((d) => d.length === 10));
}

function normEmail(s: string): string {
  return s.trim().toLowerCase();
}

const STREET_WORDS: Record<string, string> = {
  street: 'st', avenue: 'ave', av: 'ave', road: 'rd', drive: 'dr', boulevard: 'blvd', lane: 'ln', court: 'ct',
  place: 'pl', circle: 'cir', parkway: 'pkwy', highway: 'hwy', terrace: 'ter', square: 'sq', trail: 'trl',
  apartment: 'apt', suite: 'ste', unit: 'apt', number: '', no: '', north: 'n', south: 's', east: 'e', west: 'w',
  northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
};

/** "123 North Main Street, Apt. 4" -> "123nmainstapt4": abbreviations and punctuation do not matter. */
export function normStreet(line1: string): string {
  return line1
    .split(/[\s,.#\-]+/)
    .map(fold)
    .filter((w) => w.length > 0)
    .map((w) => STREET_WORDS[w] ?? w)
    .join('');
}

type Ident = { type: string; value: string };

function parseIdents(c: DupCandidate): Ident[] {
  return c.identifiers
    .map((raw) => {
      const i = raw.indexOf(':');
      return i > 0 ? { type: raw.slice(0, i).trim().toLowerCase(), value: fold(raw.slice(i + 1)) } : { type: '', value: fold(raw) };
    })
    .filter((x) => x.value.length > 0);
}

const IDENT_LABEL: Record<string, string> = {
  'ssn-last4': 'SSN last 4',
  'drivers-license': "driver's license",
  'state-id': 'state ID',
  passport: 'passport',
};

function compareIdentifiers(a: DupCandidate, b: DupCandidate): { same: string | null; sameType: string; different: string | null } {
  const ia = parseIdents(a);
  const ib = parseIdents(b);
  for (const x of ia) {
    for (const y of ib) {
      if (x.value === y.value && (x.type === y.type || x.type === '' || y.type === '')) {
        const type = x.type || y.type;
        return { same: IDENT_LABEL[type] ?? 'ID number', sameType: type, different: null };
      }
    }
  }
  for (const x of ia) {
    if (!x.type) continue;
    const others = ib.filter((y) => y.type === x.type);
    if (others.length > 0 && !others.some((y) => y.value === x.value)) return { same: null, sameType: '', different: IDENT_LABEL[x.type] ?? x.type };
  }
  return { same: null, sameType: '', different: null };
}

// ---------------------------------------------------------------------------------------------------------------
// The score

/** Scores how likely two patient records describe the same person. Symmetric in its score and level. */
export function scoreDuplicate(a: DupCandidate, b: DupCandidate): DupScore {
  const reasons: string[] = [];
  const against: string[] = [];
  let score = 0;

  // Names
  let given: GivenResult;
  if (namesSwapped(a, b)) {
    score += WEIGHTS.swapped;
    reasons.push('first and last names swapped');
    given = { points: 0, strength: 'strong', reason: null, match: 'exact' };
  } else {
    given = compareGiven(a, b);
    const family = compareFamily(a, b);
    score += given.points + family.points;
    if (given.match === 'exact' && family.reason === 'same last name') reasons.push('same first and last name');
    else {
      if (given.reason && given.strength !== 'conflict') reasons.push(given.reason);
      if (family.reason) reasons.push(family.reason);
    }
    if (given.strength === 'conflict') against.push(given.reason!);
  }
  const ma = fold(trimmed(a.middle));
  const mb = fold(trimmed(b.middle));
  if (ma && mb && given.strength === 'strong') {
    if (ma === mb || (ma.length === 1 || mb.length === 1 ? ma[0] === mb[0] : areNicknames(ma, mb))) {
      score += WEIGHTS.middleSame;
      reasons.push('same middle name');
    } else if (ma.length >= 2 && mb.length >= 2 && given.match !== 'middle') {
      score += WEIGHTS.middleDifferent;
      against.push('different middle name');
    }
  }

  // Date of birth
  const dob = compareDob(a.birthDate, b.birthDate);
  if (dob) {
    switch (dob.kind) {
      case 'exact':
        score += WEIGHTS.dob.exact;
        reasons.push('same date of birth');
        break;
      case 'swapped':
        score += WEIGHTS.dob.transposed;
        reasons.push(`DOB day and month swapped (${dob.detail})`);
        break;
      case 'transposed':
        score += WEIGHTS.dob.transposed;
        reasons.push(`DOB digits transposed (${dob.detail})`);
        break;
      case 'oneDigit':
        score += WEIGHTS.dob.oneDigit;
        reasons.push(`DOB differs by one digit (${dob.detail})`);
        break;
      case 'conflict':
        score += WEIGHTS.dob.conflict;
        against.push('different date of birth');
        break;
    }
  }

  // Sex at birth: only female/male carry evidence ('unknown' or not chosen yet says nothing).
  const sa = a.sexAtBirth;
  const sb = b.sexAtBirth;
  const sexKnown = (s: string) => s === 'female' || s === 'male';
  let sexDiffers = false;
  if (sexKnown(sa) && sexKnown(sb)) {
    if (sa === sb) {
      score += WEIGHTS.sex.same;
      reasons.push('same sex');
    } else {
      score += WEIGHTS.sex.different;
      sexDiffers = true;
      against.push('different sex');
    }
  }

  // Identifiers, email, phone, address
  const ids = compareIdentifiers(a, b);
  if (ids.same) {
    score += ids.sameType === 'ssn-last4' ? WEIGHTS.identifier.sameSsnLast4 : WEIGHTS.identifier.same;
    reasons.push(`same ${ids.same}`);
  } else if (ids.different) {
    score += WEIGHTS.identifier.different;
    against.push(`different ${ids.different}`);
  }
  const ea = normEmail(a.email);
  if (ea && ea === normEmail(b.email)) {
    score += WEIGHTS.email;
    reasons.push('same email');
  }
  const pb = phoneSet(b);
  if ([...phoneSet(a)].some((p) => pb.has(p))) {
    score += WEIGHTS.phone;
    reasons.push('same phone');
  }
  const za = a.postalCode.replace(/\D/g, '').slice(0, 5);
  const la = normStreet(a.line1);
  if (za.length === 5 && la && za === b.postalCode.replace(/\D/g, '').slice(0, 5) && la === normStreet(b.line1)) {
    score += WEIGHTS.address;
    reasons.push('same address');
  }

  // Caps: evidence that points to a relative or a namesake rather than the same person.
  if (!ids.same) {
    const givenConflict = given.strength === 'conflict';
    const dobConflict = dob?.kind === 'conflict';
    let cap = Infinity;
    if (givenConflict && dobConflict) cap = CAP_NAME_AND_DOB_CONFLICT;
    else if (givenConflict || dobConflict || given.strength === 'weak' || (sexDiffers && given.match !== 'exact')) cap = CAP_ONE_CONFLICT;
    score = Math.min(score, cap);
  }

  return { score, level: levelOf(score), reasons: [...reasons, ...against] };
}

// ---------------------------------------------------------------------------------------------------------------
// Index keys for the DB layer

export type CandidateKeys = {
  /** The DOB and its typing variants (dobVariants). */
  birthDates: string[];
  /** 10-digit US numbers. */
  phones: string[];
  /** Trimmed, lowercased; '' when none. */
  email: string;
  /** Double Metaphone codes of the last name, each hyphen/space part of it, and each previous last name (and parts). */
  familyPhonetic: string[];
  /** The folded first name and the members of its nickname groups. */
  givenKeys: string[];
};

export function candidateKeys(c: DupCandidate): CandidateKeys {
  const birthDates = parseIsoDate(c.birthDate) ? [c.birthDate, ...dobVariants(c.birthDate)] : [];
  const phones = [...phoneSet(c)];
  const fam = new Set<string>();
  for (const name of familyNames(c)) {
    for (const code of phoneticCodes(name)) fam.add(code);
    const parts = nameParts(name);
    if (parts.length > 1) for (const part of parts) for (const code of phoneticCodes(part)) fam.add(code);
  }
  fam.delete('');
  const givenKeys = new Set<string>(nicknamesOf(c.given));
  const firstPart = nameParts(c.given)[0];
  if (firstPart) for (const n of nicknamesOf(firstPart)) givenKeys.add(n);
  return { birthDates, phones, email: normEmail(c.email), familyPhonetic: [...fam], givenKeys: [...givenKeys] };
}

// ---------------------------------------------------------------------------------------------------------------
// Baseline for comparison only

/** Classic American Soundex (4 characters, H/W do not separate equal codes). For the OpenEMR baseline only. */
function soundex(s: string): string {
  const letters = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z]/g, '');
  if (!letters) return '';
  const code = (ch: string): string => {
    if ('BFPV'.includes(ch)) return '1';
    if ('CGJKQSXZ'.includes(ch)) return '2';
    if ('DT'.includes(ch)) return '3';
    if (ch === 'L') return '4';
    if ('MN'.includes(ch)) return '5';
    if (ch === 'R') return '6';
    return ch === 'H' || ch === 'W' ? '' : '0';
  };
  let out = letters[0]!;
  let last = code(out);
  for (const ch of letters.slice(1)) {
    const c = code(ch);
    if (c === '') continue; // H and W: the previous code carries over
    if (c !== '0' && c !== last) out += c;
    last = c;
    if (out.length === 4) break;
  }
  return out.padEnd(4, '0');
}

/**
 * OpenEMR's dupscore (library/dupscore.inc.php, getDupScoreSQL): email 6, DOB 6, fname+lname exact 6, sex 6,
 * SOUNDEX(lname) 2, phone 1; 12 or more is "likely". Kept for the comparison test only.
 *
 * Read generously so the comparison is fair: names compare case- and accent-insensitively (MySQL's default
 * utf8mb4_general_ci collation), phones compare on digits (OpenEMR strips only '-' and ' '), any shared phone
 * counts, and any non-empty equal sex counts (as TRIM(sex) != '' does).
 */
export function openEmrDupscore(a: DupCandidate, b: DupCandidate): number {
  const low = (s: string) => s.trim().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  let score = 0;
  if (a.email.trim() !== '' && a.email.trim().toLowerCase() === b.email.trim().toLowerCase()) score += 6;
  if (a.birthDate !== '' && b.birthDate !== '' && a.birthDate === b.birthDate) score += 6;
  if (low(a.given) + low(a.family) === low(b.given) + low(b.family)) score += 6;
  if (a.sexAtBirth.trim() !== '' && a.sexAtBirth.trim() === b.sexAtBirth.trim()) score += 6;
  if (soundex(a.family) === soundex(b.family)) score += 2;
  const pb = new Set(b.phones.map((p) => p.replace(/\D/g, '')).filter(Boolean));
  if (a.phones.some((p) => pb.has(p.replace(/\D/g, '')))) score += 1;
  return score;
}
