/**
 * THE expected-cash rule, used everywhere (X report, close, EOD, hub checks, tests):
 *
 *   expected cash = opening float + cash tendered - change given - cash handed back (voids/refunds)
 *                   + paid-in - paid-out
 *
 * The float is counted once (it is the session's opening count, never a payment); change is never counted as cash
 * taken (odoo/odoo#196395, frappe/erpnext#25638 — front-desk-anchors.md complaint 2).
 */
import type { DenominationCounts, Denomination, PaymentMethod, SessionTotals } from '../domain/drawer.js';

/** The fields of a payment row the totals need (original, void or refund). */
export interface TotalsPaymentLine {
  kind: 'payment' | 'void' | 'refund';
  method: PaymentMethod;
  /** payment > 0, void/refund < 0 */
  amountCents: number;
  tenderedCents: number;
  changeCents: number;
  /** a group of rows (amounts summed): how many (default 1) */
  count?: number;
}

export interface TotalsMovementLine {
  kind: 'paid_in' | 'paid_out';
  amountCents: number;
}

export function emptyTotals(floatCents: number): SessionTotals {
  return {
    floatCents,
    cashTenderedCents: 0,
    changeGivenCents: 0,
    cashReturnedCents: 0,
    paidInCents: 0,
    paidOutCents: 0,
    expectedCashCents: floatCents,
    netByMethod: { cash: 0, check: 0, card: 0, other: 0 },
    paymentCount: 0,
    voidCount: 0,
    refundCount: 0,
  };
}

/** Adds one payment row to running totals (mutates `t`; call `finishTotals` after the last line). */
export function addPayment(t: SessionTotals, p: TotalsPaymentLine): void {
  t.netByMethod[p.method] += p.amountCents;
  const n = p.count ?? 1;
  if (p.kind === 'payment') {
    t.paymentCount += n;
    if (p.method === 'cash') {
      t.cashTenderedCents += p.tenderedCents;
      t.changeGivenCents += p.changeCents;
    }
  } else {
    if (p.kind === 'void') t.voidCount += n;
    else t.refundCount += n;
    if (p.method === 'cash') t.cashReturnedCents += -p.amountCents;
  }
}

export function addMovement(t: SessionTotals, m: TotalsMovementLine): void {
  if (m.kind === 'paid_in') t.paidInCents += m.amountCents;
  else t.paidOutCents += m.amountCents;
}

/** The one formula. */
export function expectedCash(t: Pick<SessionTotals, 'floatCents' | 'cashTenderedCents' | 'changeGivenCents' | 'cashReturnedCents' | 'paidInCents' | 'paidOutCents'>): number {
  return t.floatCents + t.cashTenderedCents - t.changeGivenCents - t.cashReturnedCents + t.paidInCents - t.paidOutCents;
}

export function finishTotals(t: SessionTotals): SessionTotals {
  t.expectedCashCents = expectedCash(t);
  return t;
}

/** Totals of one session from its rows. */
export function sessionTotals(floatCents: number, payments: Iterable<TotalsPaymentLine>, movements: Iterable<TotalsMovementLine>): SessionTotals {
  const t = emptyTotals(floatCents);
  for (const p of payments) addPayment(t, p);
  for (const m of movements) addMovement(t, m);
  return finishTotals(t);
}

/** Value of a count by denomination in cents. Unknown codes are an error (the caller validated against `denoms`). */
export function countValue(counts: DenominationCounts, denoms: readonly Denomination[]): number {
  let sum = 0;
  for (const [code, n] of Object.entries(counts)) {
    const d = denoms.find((x) => x.code === code);
    if (!d) throw new Error(`unknown denomination ${code}`);
    sum += d.valueCents * n;
  }
  return sum;
}

/** Codes in `counts` that are not in the configured set (for a clear validation message). */
export function unknownDenominations(counts: DenominationCounts, denoms: readonly Denomination[]): string[] {
  const known = new Set(denoms.map((d) => d.code));
  return Object.keys(counts).filter((c) => !known.has(c));
}

/** Change for a cash payment: tendered - amount (tendered defaults to the amount). */
export function changeDue(amountCents: number, tenderedCents: number | undefined): { tenderedCents: number; changeCents: number } {
  const tendered = tenderedCents ?? amountCents;
  if (tendered < amountCents) throw new Error('tendered below amount');
  return { tenderedCents: tendered, changeCents: tendered - amountCents };
}

export interface CountedByMethod {
  cashCents: number;
  checksCents: number | null;
  cardCents: number | null;
  otherCents: number | null;
}

/** Expected vs counted per method, for a close: cash expected by the one formula, other methods by their net. */
export function reconcile(t: SessionTotals, counted: CountedByMethod, toleranceCents: number): { methods: import('../domain/drawer.js').MethodReconciliation[]; needsSignOff: boolean } {
  const rows: [PaymentMethod, number, number | null][] = [
    ['cash', t.expectedCashCents, counted.cashCents],
    ['check', t.netByMethod.check, counted.checksCents],
    ['card', t.netByMethod.card, counted.cardCents],
    ['other', t.netByMethod.other, counted.otherCents],
  ];
  const methods = rows.map(([method, expectedCents, countedCents]) => {
    const varianceCents = countedCents === null ? null : countedCents - expectedCents;
    return { method, expectedCents, countedCents, varianceCents, beyondTolerance: varianceCents !== null && Math.abs(varianceCents) > toleranceCents };
  });
  return { methods, needsSignOff: methods.some((m) => m.beyondTolerance) };
}
