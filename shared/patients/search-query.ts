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
import { isValidMrn } from './mrn-format.js';

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

export interface ParsedSearch {
  /** name readings (empty when the query has no letters) */
  names: NameInterpretation[];
  /** ISO dates of birth the query may mean (at most one today; an array so an 8-digit string can add one) */
  birthDates: string[];
  /** a valid 8-digit MRN */
  mrn: string | null;
  /** 10 US phone digits */
  phone: string | null;
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
  const out: ParsedSearch = { names: [], birthDates: [], mrn: null, phone: null, interpretations: [], empty: true };
  const text = raw.normalize('NFC').trim();
  if (!text) return out;

  if (NUMERIC_QUERY.test(text)) {
    parseNumeric(text, today, out);
  } else {
    parseWithLetters(text, today, out);
  }
  out.empty = out.names.length === 0 && out.birthDates.length === 0 && !out.mrn && !out.phone;
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
  if (dob) {
    out.birthDates.push(dob);
    out.interpretations.push(dobLabel(dob));
  }
  const pd = phoneDigits(text);
  if (!dob && pd.length === 10 && (d.length === 10 || d.length === 11)) {
    out.phone = pd;
    out.interpretations.push(phoneLabel(pd));
  }
  if (!out.mrn && !dob && !out.phone) {
    if (DATE_TOKEN.test(text.replace(/\s+/g, '')) || d.length === 8) out.interpretations.push(`${q(text)} is not a real date of birth`);
    else out.interpretations.push(`${q(text)} is not a phone number (10 digits), date of birth or MRN (8 digits)`);
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
      if (/\d/.test(t)) {
        // Names have no digits: a phone number or MRN next to a name is searched on its own, not as part of a name.
        out.interpretations.push(`${q(t)} left out: search a phone number or MRN on its own`);
        continue;
      }
      const f = fold(t);
      if (f) nameTokens[i]!.push(f);
    }
  });

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
}
