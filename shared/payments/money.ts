/**
 * Money is integer cents end to end (docs/design.md section 3). This is the ONE place typed amounts become cents and cents
 * become text. Parsing is done by hand on purpose: it is a few lines of the product's core rule (never a float: "12.50"
 * is split into dollars and cents as strings), and no parsing library guarantees that; formatting uses the platform's
 * Intl.NumberFormat on an exact dollars value built from integers.
 */

/** Largest amount any single money field accepts: $999,999.99 (keeps every sum far inside Number.MAX_SAFE_INTEGER). */
export const MAX_CENTS = 99_999_999;

export type MoneyParse = { ok: true; cents: number } | { ok: false; message: string };

const MONEY_RE = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d{0,2}))?$/;

/**
 * Parses an amount as a clerk types it into cents: "12.50", "12.5", "$1,234.00", ".75", "20" -> 1250, 1250, 123400,
 * 75, 2000. Refuses negative amounts, more than two decimals, letters, and amounts above MAX_CENTS.
 */
export function parseMoney(input: string): MoneyParse {
  let s = input.trim();
  if (s.startsWith('$')) s = s.slice(1).trim();
  if (s === '' || s === '.') return { ok: false, message: 'Enter an amount, like 12.50' };
  if (s.startsWith('-')) return { ok: false, message: 'The amount cannot be negative' };
  const m = MONEY_RE.exec(s);
  if (!m) {
    if (/\.\d{3,}$/.test(s)) return { ok: false, message: 'At most two digits after the decimal point' };
    return { ok: false, message: 'Enter an amount in dollars and cents, like 12.50' };
  }
  const dollarsText = (m[1] ?? '0').replace(/,/g, '');
  if (dollarsText.length > 7) return { ok: false, message: `The amount is too large (at most ${formatCents(MAX_CENTS)})` };
  const centsText = (m[2] ?? '').padEnd(2, '0');
  const cents = Number(dollarsText) * 100 + Number(centsText);
  if (!Number.isSafeInteger(cents) || cents > MAX_CENTS) return { ok: false, message: `The amount is too large (at most ${formatCents(MAX_CENTS)})` };
  return { ok: true, cents };
}

/** Parses or throws (for callers that validated already). */
export function toCents(input: string): number {
  const r = parseMoney(input);
  if (!r.ok) throw new Error(r.message);
  return r.cents;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });

/** 123456 -> "$1,234.56"; -500 -> "-$5.00". Exact: the value handed to Intl is dollars.cents built from integers. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error('formatCents needs integer cents');
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const text = usd.format(Number(`${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`));
  return neg ? `-${text}` : text;
}

/** 1250 -> "12.50" (for CSV and input fields: no currency sign, no grouping). */
export function centsToPlain(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error('centsToPlain needs integer cents');
  const neg = cents < 0;
  const abs = Math.abs(cents);
  return `${neg ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
