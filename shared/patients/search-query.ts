/**
 * What a clerk typed into the one search box, read as every plausible interpretation.
 *
 * Pure and synchronous: the main process searches with it (electron/patients/search.ts) and the renderer may show the
 * same interpretation labels while the clerk types. Name keys are folded exactly as the stored keys are
 * (shared/text.ts fold, written by electron/patients/search-keys.ts): lowercase, no accents, no punctuation, so
 * "García" = garcia, "O'Brien" = obrien, "Smith-Jones" = smithjones, "De La Cruz" = delacruz.
 */
import { fold, digits as onlyDigits, phoneDigits } from '../text.js';
import { parseTypedDate, formatUsDate } from '../dates.js';
import { isValidMrn, MRN_LENGTH } from './mrn-format.js';

/**
 * One way to read the name part of a query. `family` / `given` are folded keys matched as prefixes (exact key matches
 * rank higher); '' means "not constrained".
 */
export interface NameInterpretation {
  family: string;
  given: string;
  /** added to the rank of hits of this interpretation (a single token is a last name before it is a first name) */
  tier: number;
  label: string;
}

/**
 * Why a forgiving (near) match matched: shown on the hit (matchedOn) after every exact match.
 * transliteration: ue/oe/ae for ü/ö/ä ("Mueller" = Müller); saint: St./St/Saint; nickname: the nickname table
 * (shared/patients/nicknames.ts: "dave" = David); spelling: one typing slip (a letter missing, extra, wrong or two
 * swapped: "jonhson" = Johnson); sounds-like: the same Double Metaphone code (Smyth = Smith, Jonsen = Johnson).
 */
export type NearWhy = 'transliteration' | 'saint' | 'nickname' | 'spelling' | 'sounds-like';

/** Name suffixes a clerk may type after a name ("smith, robert jr"): folded token -> the folded stored suffix. */
const SUFFIX_TOKENS: Record<string, string> = { jr: 'jr', junior: 'jr', sr: 'sr', senior: 'sr', ii: 'ii', iii: 'iii', iv: 'iv', '2nd': 'ii', '3rd': 'iii', '4th': 'iv' };

/** Folded stored suffix -> the one key it is compared by ("Jr." and "Junior" are both jr). */
export function suffixKey(suffix: string): string {
  const f = fold(suffix);
  return SUFFIX_TOKENS[f] ?? f;
}

export interface ParsedSearch {
  /** name readings (empty when the query has no letters) */
  names: NameInterpretation[];
  /** ISO dates of birth the query may mean (at most one today; an array so an 8-digit string can add one) */
  birthDates: string[];
  /** a valid 8-digit MRN */
  mrn: string | null;
  /** 10 US phone digits */
  phone: string | null;
  /** a 7-digit local number (no area code), searched under every area code the desk holds */
  phoneLocal: string | null;
  /** the last 4 digits of a phone: with a name, narrows it; alone, searched where the desk holds few numbers */
  phoneLast4: string | null;
  /** a name suffix typed after the name (folded: 'jr', 'sr', 'ii'...): patients with it rank first; '' = none */
  suffix: string;
  /** what will be searched, in words for the clerk, plus notes on what was not understood */
  interpretations: string[];
  /** true when nothing searchable was found */
  empty: boolean;
}

/** Folded keys are [a-z0-9]*; '{' sorts after every such character, so [p, p + '{') is the range of keys starting with p. */
export const KEY_END = '{';

/** Most name tokens considered (a longer query keeps its first ones). */
const MAX_NAME_TOKENS = 6;

/** Single-token queries: last-name readings rank above first-name readings. */
export const TIER_SINGLE_FAMILY = 30;

const DATE_TOKEN = /^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}$/;
const NUMERIC_QUERY = /^[\d\s()+.\-/]+$/;

function q(s: string): string {
  return `'${s}'`;
}

export function nameLabel(family: string, given: string): string {
  if (family && given) return `last name starts with ${q(family)}, first name starts with ${q(given)}`;
  if (family) return `last name starts with ${q(family)}`;
  return `first name starts with ${q(given)}`;
}

export function dobLabel(iso: string): string {
  return `date of birth ${formatUsDate(iso)}`;
}

export function phoneLabel(d: string): string {
  return `phone (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
}

export function mrnLabel(mrn: string): string {
  return `MRN ${mrn}`;
}

export function localPhoneLabel(d: string): string {
  return `phone ${d.slice(0, 3)}-${d.slice(3)} under any area code`;
}

export function last4Label(d: string): string {
  return `phone ending ${d}`;
}

/** A typed token that is a date of birth: a real date, not in the future, not before 1900. */
function asBirthDate(token: string, today: string): string | null {
  const iso = parseTypedDate(token, today);
  if (!iso || iso > today || iso < '1900-01-01') return null;
  return iso;
}

/**
 * Parses a search query. `today` (ISO, the site's business date) resolves two-digit years: a date of birth is never
 * in the future, so "1/2/80" is 1980 and "1/2/05" is 2005 when today is in 2025.
 */
export function parseSearchQuery(raw: string, today: string): ParsedSearch {
  const out: ParsedSearch = { names: [], birthDates: [], mrn: null, phone: null, phoneLocal: null, phoneLast4: null, suffix: '', interpretations: [], empty: true };
  const text = raw.normalize('NFC').trim();
  if (!text) return out;

  if (NUMERIC_QUERY.test(text)) {
    parseNumeric(text, today, out);
  } else {
    parseWithLetters(text, today, out);
  }
  out.empty = out.names.length === 0 && out.birthDates.length === 0 && !out.mrn && !out.phone && !out.phoneLocal && !out.phoneLast4;
  return out;
}

/** Digits and separators only: a phone number, a date of birth, an MRN, or an 8-digit string that may be both. */
function parseNumeric(text: string, today: string, out: ParsedSearch): void {
  const d = onlyDigits(text);
  const dob = asBirthDate(text.replace(/\s+/g, ''), today);
  // An 8-digit string with no separators can be an MRN and a date of birth (MMDDYYYY) at once: search both.
  if (/^\d{8}$/.test(text) && isValidMrn(text)) {
    out.mrn = text;
    out.interpretations.push(mrnLabel(text));
  }
  // An MRN typed without its leading zeros ("428" for 00000428): padded, and kept only when its check digit agrees.
  if (/^\d{1,7}$/.test(text)) {
    const padded = text.padStart(MRN_LENGTH, '0');
    if (isValidMrn(padded) && Number(padded) > 0) {
      out.mrn = padded;
      out.interpretations.push(`${mrnLabel(padded)} (leading zeros added)`);
    }
  }
  if (dob) {
    out.birthDates.push(dob);
    out.interpretations.push(dobLabel(dob));
  }
  const pd = phoneDigits(text);
  if (!dob && pd.length === 10 && (d.length === 10 || d.length === 11)) {
    out.phone = pd;
    out.interpretations.push(phoneLabel(pd));
  }
  if (!dob && !out.phone && d.length === 7 && /^\d{3}[\s.\-]?\d{4}$/.test(text)) {
    out.phoneLocal = d;
    out.interpretations.push(localPhoneLabel(d));
  }
  if (!dob && !out.phone && /^\d{4}$/.test(text)) {
    out.phoneLast4 = text;
    out.interpretations.push(last4Label(text));
  }
  if (!out.mrn && !dob && !out.phone && !out.phoneLocal && !out.phoneLast4) {
    if (DATE_TOKEN.test(text.replace(/\s+/g, '')) || d.length === 8) out.interpretations.push(`${q(text)} is not a real date of birth`);
    else out.interpretations.push(`${q(text)} is not a phone number (10 or 7 digits, or its last 4), date of birth or MRN`);
  }
}

function parseWithLetters(text: string, today: string, out: ParsedSearch): void {
  const comma = text.indexOf(',');
  const parts = comma >= 0 ? [text.slice(0, comma), text.slice(comma + 1).replace(/,/g, ' ')] : [text];
  const tokenLists = parts.map((p) => p.split(/\s+/).filter((t) => t.length > 0));

  // Pull out date tokens wherever they are ("garcia 03/14/1975", "smith, john 1/2/80").
  const nameTokens: string[][] = tokenLists.map(() => []);
  tokenLists.forEach((tokens, i) => {
    for (const t of tokens) {
      if (DATE_TOKEN.test(t) || /^\d{8}$/.test(t) || /^\d{4}-\d{2}-\d{2}$/.test(t)) {
        const dob = asBirthDate(t, today);
        if (dob && out.birthDates.length === 0) out.birthDates.push(dob);
        else if (!dob) out.interpretations.push(`${q(t)} is not a real date of birth; searched without it`);
        continue;
      }
      if (/^\d{4}$/.test(t) || /^\d{3}-?\d{4}$/.test(t)) {
        // "smith 0147", "smith, john 555-0147": a phone ending (last 4) or local number (7) narrows the name.
        const d = onlyDigits(t);
        if (d.length === 4 && !out.phoneLast4 && !out.phoneLocal) out.phoneLast4 = d;
        else if (d.length === 7 && !out.phoneLocal) {
          out.phoneLast4 = null;
          out.phoneLocal = d;
        }
        continue;
      }
      if (/\d/.test(t) && !SUFFIX_TOKENS[fold(t)]) {
        // Names have no digits: a phone number or MRN next to a name is searched on its own, not as part of a name.
        out.interpretations.push(`${q(t)} left out: search a phone number or MRN on its own`);
        continue;
      }
      const f = fold(t);
      if (f) nameTokens[i]!.push(f);
    }
  });

  // A suffix typed last ("smith, robert jr", "robert smith jr"), after at least one name: ranks, never filters.
  const lastList = [...nameTokens].reverse().find((l) => l.length > 0);
  if (lastList && nameTokens.flat().length > 1 && SUFFIX_TOKENS[lastList[lastList.length - 1]!]) {
    out.suffix = SUFFIX_TOKENS[lastList.pop()!]!;
  }

  const seen = new Set<string>();
  const add = (family: string, given: string, tier: number) => {
    if (!family && !given) return;
    const k = `${family}|${given}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.names.push({ family, given, tier, label: nameLabel(family, given) });
  };

  if (comma >= 0) {
    // "last, first": everything before the comma is the last name, after it the first name.
    const fam = nameTokens[0]!.slice(0, MAX_NAME_TOKENS);
    const giv = (nameTokens[1] ?? []).slice(0, MAX_NAME_TOKENS);
    const family = fam.join('');
    add(family, giv.join(''), 0);
    // "smith, john a": a trailing middle name or initial after the first name.
    if (giv.length > 1) add(family, giv[0]!, 0);
  } else {
    const toks = nameTokens[0]!.slice(0, MAX_NAME_TOKENS);
    if (toks.length === 1) {
      add(toks[0]!, '', TIER_SINGLE_FAMILY);
      add('', toks[0]!, 0);
    } else if (toks.length > 1) {
      // "first last" (as typed) and "last first", split at every gap; then the whole string as one last name
      // ("smith jones" = Smith-Jones, "de la cruz" = De La Cruz).
      for (let i = 1; i < toks.length; i++) {
        const a = toks.slice(0, i).join('');
        const b = toks.slice(i).join('');
        add(b, a, 0);
        add(a, b, 0);
      }
      add(toks.join(''), '', 0);
    }
  }

  for (const n of out.names) out.interpretations.push(n.label);
  if (out.birthDates[0]) out.interpretations.push(dobLabel(out.birthDates[0]));
  if (out.names.length && out.phoneLocal) out.interpretations.push(localPhoneLabel(out.phoneLocal));
  if (out.names.length && out.phoneLast4) out.interpretations.push(last4Label(out.phoneLast4));
  if (!out.names.length && (out.phoneLocal || out.phoneLast4)) {
    out.phoneLocal = out.phoneLast4 = null;
  }
  if (out.suffix) out.interpretations.push(`suffix ${SUFFIX_LABEL[out.suffix] ?? out.suffix} first`);
}

const SUFFIX_LABEL: Record<string, string> = { jr: 'Jr.', sr: 'Sr.', ii: 'II', iii: 'III', iv: 'IV' };

// ---- forgiving (near) readings: variants of a folded name key -------------------------------------------------

/** Ascii transliterations of German letters, applied to the raw text before folding (which drops the umlaut). */
const TRANSLIT: [RegExp, string][] = [
  [/[üÜ]/g, 'ue'],
  [/[öÖøØ]/g, 'oe'],
  [/[äÄ]/g, 'ae'],
];

/**
 * The query with German letters written the ascii way ("Müller" -> "Mueller"); fold() drops the umlaut instead
 * (muller), so a record typed "Mueller" is found from "Müller" by parsing this text too. "Groß"/"Gross" fold alike.
 */
export function germanAscii(raw: string): string {
  let de = raw.normalize('NFC');
  for (const [re, to] of TRANSLIT) de = de.replace(re, to);
  return de;
}

/** A folded key typed the ascii way back to the bare vowel the fold of an umlaut gives: mueller -> muller. */
export function bareUmlautKey(key: string): string | null {
  const k = key.replace(/([aou])e/g, '$1');
  return k !== key && k.length >= 3 ? k : null;
}

/** "St. John", "Saint John", "St John", "Stjohn": the same last name. Returns the other spellings' folded keys. */
export function saintVariants(key: string): string[] {
  const out: string[] = [];
  if (key.startsWith('sainte') && key.length > 6) out.push('ste' + key.slice(6), 'st' + key.slice(6));
  else if (key.startsWith('saint') && key.length > 5) out.push('st' + key.slice(5), 'ste' + key.slice(5));
  else if (key.startsWith('ste') && key.length > 3 && !/^ste(ph|v|w|in|rn|ll|e)/.test(key)) out.push('saint' + key.slice(3), 'sainte' + key.slice(3));
  else if (key.startsWith('st') && key.length > 2 && !/^st[aeiouyr]/.test(key)) out.push('saint' + key.slice(2), 'ste' + key.slice(2));
  return out;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Every folded key one typing slip away from `key` (optimal string alignment distance 1: a letter deleted,
 * inserted, substituted, or two neighbours swapped). About 54n + 25 keys for a key of n letters, each probed as an
 * exact key in one native statement. Keys shorter than 4 letters get none (too many real names are one letter apart).
 */
export function oneSlipVariants(key: string): string[] {
  if (key.length < 4 || key.length > 24) return [];
  const out = new Set<string>();
  for (let i = 0; i < key.length; i++) {
    out.add(key.slice(0, i) + key.slice(i + 1));
    if (i + 1 < key.length) out.add(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2));
    for (const c of ALPHABET) if (c !== key[i]) out.add(key.slice(0, i) + c + key.slice(i + 1));
  }
  for (let i = 0; i <= key.length; i++) for (const c of ALPHABET) out.add(key.slice(0, i) + c + key.slice(i));
  out.delete(key);
  return [...out];
}
