/**
 * Money text in forms: the clerk types "12.50"; the ONE shared parser (shared/payments/money.ts) turns it into
 * integer cents. Nothing here does arithmetic on floats.
 */
import { z } from 'zod';
import { parseMoney, formatCents } from '../../shared/payments/money.js';

export { parseMoney, formatCents };

/** A required money text field: its zod error is the shared parser's message. */
export function moneyText() {
  return z.string().superRefine((s, ctx) => {
    const r = parseMoney(s);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
  });
}

/** Cents of a money text, or null when it does not parse (yet). */
export function centsOf(s: string): number | null {
  const r = parseMoney(s);
  return r.ok ? r.cents : null;
}

/** "$12.50" for display; "—" for null. */
export function money(cents: number | null | undefined): string {
  return cents === null || cents === undefined ? '—' : formatCents(cents);
}

/** Signed display for variances: "+$1.00", "-$2.50", "$0.00". */
export function signedMoney(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '—';
  return cents > 0 ? `+${formatCents(cents)}` : formatCents(cents);
}
