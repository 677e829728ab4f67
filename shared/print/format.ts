/**
 * How printed values look. Pure functions, integer arithmetic for money (no floating point anywhere near cents).
 */
import type { ValueFormat, Cell } from './documents.js';

/** 123456 -> "$1,234.56"; -500 -> "-$5.00". */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError('money must be whole cents');
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${neg ? '-' : ''}$${groupThousands(String(dollars))}.${String(rest).padStart(2, '0')}`;
}

export function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatInt(n: number): string {
  const r = Math.round(n);
  return (r < 0 ? '-' : '') + groupThousands(String(Math.abs(r)));
}

/** A report cell as text. */
export function formatCell(v: Cell | undefined, format: ValueFormat): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'money':
      return formatCents(Math.round(v));
    case 'int':
      return formatInt(v);
    case 'percent':
      return `${(Math.round(v * 10) / 10).toFixed(1)}%`;
    default:
      return String(v);
  }
}

/** "1975-03-14" -> "03/14/1975". */
export function usDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[2]}/${m[3]}/${m[1]}` : iso;
}

/** An instant in a time zone: "03/14/2025 10:30 AM" (with the zone abbreviation when `withZone`). */
export function siteDateTime(instant: string, timeZone: string, opts: { withZone?: boolean; seconds?: boolean } = {}): string {
  const d = new Date(instant);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(opts.seconds ? { second: '2-digit' as const } : {}),
    hour12: true,
    ...(opts.withZone ? { timeZoneName: 'short' as const } : {}),
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const time = `${get('hour')}:${get('minute')}${opts.seconds ? `:${get('second')}` : ''} ${get('dayPeriod')}`;
  return `${get('month')}/${get('day')}/${get('year')} ${time}${opts.withZone ? ` ${get('timeZoneName')}` : ''}`;
}

/** "GARCÍA-LÓPEZ, María J" — last name in capitals (how wristbands and labels are read aloud at the bedside). */
export function nameLastFirst(p: { family: string; given: string; middle?: string }): string {
  const mid = p.middle?.trim() ? ` ${p.middle.trim().charAt(0)}` : '';
  return `${p.family.trim().toLocaleUpperCase('en-US')}, ${p.given.trim()}${mid}`;
}

export const SEX_SHORT: Record<'female' | 'male' | 'unknown', string> = { female: 'F', male: 'M', unknown: 'U' };

/** Age in whole years on `today` (ISO dates). */
export function ageYears(birthIso: string, todayIso: string): number {
  const [by, bm, bd] = birthIso.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = todayIso.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export const PAYMENT_TYPE_LABELS: Record<string, string> = {
  copay: 'Copay',
  'prior-balance': 'Prior balance',
  deposit: 'Deposit / estimate',
  prepayment: 'Prepayment',
};
