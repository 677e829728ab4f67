/** Calendar dates are ISO 'YYYY-MM-DD' strings; instants are ISO UTC strings. */

export function isRealDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

export function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(s: string): { y: number; m: number; d: number } | null {
  const m = ISO_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return isRealDate(y, mo, d) ? { y, m: mo, d } : null;
}

/** Today's calendar date in a time zone (site business date). */
export function businessDate(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

/**
 * Parses a date as a clerk types it: MM/DD/YYYY, M/D/YY, YYYY-MM-DD, MMDDYYYY (also with '-' or '.' separators).
 * Two-digit years resolve to the most recent past century relative to `today` (a DOB is never in the future).
 */
export function parseTypedDate(input: string, today: string = new Date().toISOString().slice(0, 10)): string | null {
  const s = input.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) {
    const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    return isRealDate(y, mo, d) ? isoDate(y, mo, d) : null;
  }
  m = /^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$/.exec(s);
  if (!m) {
    const eight = /^(\d{2})(\d{2})(\d{4})$/.exec(s);
    if (eight) m = eight;
  }
  if (!m) return null;
  const mo = Number(m[1]);
  const d = Number(m[2]);
  let y = Number(m[3]);
  if (m[3]!.length === 2) {
    const cy = Number(today.slice(0, 4));
    y = 2000 + y;
    while (isoDate(y, mo, d) > today) y -= 100;
    if (y > cy) y -= 100;
  }
  return isRealDate(y, mo, d) ? isoDate(y, mo, d) : null;
}

/** The words a date field takes for today: "t" and "today" (any case). */
export const TODAY_WORDS: readonly string[] = ['t', 'today'];

/**
 * What every date field of the app accepts (renderer/ui TypedDateField): "t" or "today" for `today`, else what
 * parseTypedDate reads. Not for search queries (a lone "t" there is a name).
 */
export function parseDateInput(input: string, today: string = new Date().toISOString().slice(0, 10)): string | null {
  if (TODAY_WORDS.includes(input.trim().toLowerCase())) return parseIsoDate(today) ? today : null;
  return parseTypedDate(input, today);
}

/** US display form MM/DD/YYYY of an ISO date. */
export function formatUsDate(iso: string): string {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  return `${String(p.m).padStart(2, '0')}/${String(p.d).padStart(2, '0')}/${p.y}`;
}
