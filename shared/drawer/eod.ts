/**
 * End-of-day reconciliation as a pure function of the day's rows: the desk's handler, the bench and the property tests
 * call the same code. A payment belongs to its session's business date (the site date the drawer was opened), so the
 * day's totals are exactly the sum of the day's sessions.
 */
import type { Denomination, DrawerMovement, DrawerSession, PaymentMethod, SessionTotals } from '../domain/drawer.js';
import { PAYMENT_METHODS } from '../domain/drawer.js';
import type { Payment, PaymentType } from '../domain/payment.js';
import { PAYMENT_TYPES } from '../domain/payment.js';
import type { EodReport } from './eod-schema.js';
import { addMovement, addPayment, emptyTotals, finishTotals } from './expected.js';

export interface EodInput {
  businessDate: string;
  timeZone: string;
  siteName: string;
  generatedAt: string;
  generatedOnDesk: { deskId: string; deskLabel: string };
  denominations: readonly Denomination[];
  sessions: readonly DrawerSession[];
  /**
   * every payment/void/refund row of the day's sessions, the fields the totals need — or the same rows grouped
   * (each line then carries `count` and summed cents: the desk groups them in SQL, electron/payments/repo.ts)
   */
  payments: readonly EodPaymentLine[];
  /**
   * net collections per quarter hour and method (grouped in SQL on the desk). When absent, the hour chart is built
   * from the payment lines' recordedAt (ungrouped lines).
   */
  hourly?: readonly EodHourLine[];
  /** the day's voids and refunds (full rows: corrections list) and check payments (full rows or light check lines: deposit slip) */
  details: readonly EodDetailLine[];
  movements: readonly DrawerMovement[];
  /** receipt numbers of the originals that the day's voids/refunds reverse (originals may be of another day) */
  originalReceiptNo: (paymentId: string) => string | null;
  copays: EodReport['copays'];
  completeness: EodReport['completeness'];
}

/** The fields of a payment row the day's totals need (a full Payment also fits), or a group of such rows. */
export interface EodPaymentLine {
  sessionId: string;
  kind: Payment['kind'];
  type: Payment['type'];
  method: Payment['method'];
  /** a group of rows: their sums (a single row: its amounts) */
  amountCents: number;
  tenderedCents: number;
  changeCents: number;
  /** rows this line stands for (default 1) */
  count?: number;
  /** needed only when the input has no `hourly` */
  recordedAt?: string;
  recordedBy: { userId: string; userName: string };
}

/** A check payment as the deposit slip needs it (the desk reads only these columns for the day's checks). */
export interface EodCheckLine {
  sessionId: string;
  kind: 'payment';
  method: 'check';
  receiptNo: string;
  amountCents: number;
  check: { number: string; bank: string } | null;
}
export type EodDetailLine = Payment | EodCheckLine;

/** Net collections of one quarter hour (its start instant, UTC) and method. */
export interface EodHourLine {
  at: string;
  method: Payment['method'];
  amountCents: number;
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** Hour of the day (0-23) of an instant in a time zone; cached per 15-minute UTC bucket (every zone offset is a multiple). */
export function hourInZone(timeZone: string): (instant: string) => number {
  // building an Intl.DateTimeFormat costs about a millisecond: one per zone for the process
  let fmt = hourFormats.get(timeZone);
  if (!fmt) hourFormats.set(timeZone, (fmt = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' })));
  const cache = new Map<number, number>();
  const byKey = new Map<string, number>();
  return (instant) => {
    // instants are ISO UTC ("2025-03-04T14:07:00.000Z"): key by date, hour and quarter without parsing the string
    const key = instant.length >= 16 && instant[13] === ':' ? instant.slice(0, 13) + ((instant.charCodeAt(14) - 48) * 10 + (instant.charCodeAt(15) - 48) >= 45 ? 3 : (instant.charCodeAt(14) - 48) * 10 + (instant.charCodeAt(15) - 48) >= 30 ? 2 : (instant.charCodeAt(14) - 48) * 10 + (instant.charCodeAt(15) - 48) >= 15 ? 1 : 0) : instant;
    let h = byKey.get(key);
    if (h === undefined) {
      const bucket = Math.floor(Date.parse(instant) / 900_000);
      h = cache.get(bucket);
      if (h === undefined) {
        h = Number(fmt.format(new Date(bucket * 900_000))) % 24;
        cache.set(bucket, h);
      }
      byKey.set(key, h);
    }
    return h;
  };
}

export function computeEod(input: EodInput): EodReport {
  const totalsBySession = new Map<string, SessionTotals>();
  const sessionById = new Map<string, DrawerSession>();
  for (const s of input.sessions) {
    totalsBySession.set(s.id, emptyTotals(s.floatCents));
    sessionById.set(s.id, s);
  }
  const byMethod = new Map<PaymentMethod, { netCents: number; count: number }>(PAYMENT_METHODS.map((m) => [m, { netCents: 0, count: 0 }]));
  const byType = new Map<PaymentType, { netCents: number; count: number }>(PAYMENT_TYPES.map((t) => [t, { netCents: 0, count: 0 }]));
  const byClerk = new Map<string, { userId: string; userName: string; netCents: number; count: number }>();
  const byDesk = new Map<string, { deskId: string; deskLabel: string; netCents: number; count: number; sessions: number; openSessions: number }>();
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, cash: 0, check: 0, card: 0, other: 0, totalCents: 0 }));
  const hourOf = hourInZone(input.timeZone);
  const totals = { netCents: 0, paymentsCents: 0, voidsCents: 0, refundsCents: 0, paymentCount: 0, voidCount: 0, refundCount: 0, paidInCents: 0, paidOutCents: 0 };
  const corrections: EodReport['corrections'] = [];
  const checks: EodReport['depositSlip']['checks'] = [];

  for (const s of input.sessions) {
    let d = byDesk.get(s.deskId);
    if (!d) byDesk.set(s.deskId, (d = { deskId: s.deskId, deskLabel: s.deskLabel, netCents: 0, count: 0, sessions: 0, openSessions: 0 }));
    d.sessions++;
    if (s.status === 'open') d.openSessions++;
  }

  for (const p of input.payments) {
    const t = totalsBySession.get(p.sessionId);
    const s = sessionById.get(p.sessionId);
    if (!t || !s) continue; // not a session of this day
    const n = p.count ?? 1;
    addPayment(t, p);
    totals.netCents += p.amountCents;
    if (p.kind === 'payment') {
      totals.paymentsCents += p.amountCents;
      totals.paymentCount += n;
    } else if (p.kind === 'void') {
      totals.voidsCents += p.amountCents;
      totals.voidCount += n;
    } else {
      totals.refundsCents += p.amountCents;
      totals.refundCount += n;
    }
    const m = byMethod.get(p.method)!;
    m.netCents += p.amountCents;
    m.count += n;
    const ty = byType.get(p.type)!;
    ty.netCents += p.amountCents;
    ty.count += n;
    let c = byClerk.get(p.recordedBy.userId);
    if (!c) byClerk.set(p.recordedBy.userId, (c = { userId: p.recordedBy.userId, userName: p.recordedBy.userName, netCents: 0, count: 0 }));
    c.netCents += p.amountCents;
    c.count += n;
    const d = byDesk.get(s.deskId)!;
    d.netCents += p.amountCents;
    d.count += n;
    if (!input.hourly) {
      if (p.recordedAt === undefined) throw new Error('computeEod: payment lines without recordedAt need the hourly input');
      const h = hours[hourOf(p.recordedAt)]!;
      h[p.method] += p.amountCents;
      h.totalCents += p.amountCents;
    }
  }
  for (const l of input.hourly ?? []) {
    const h = hours[hourOf(l.at)]!;
    h[l.method] += l.amountCents;
    h.totalCents += l.amountCents;
  }
  for (const p of input.details) {
    const s = sessionById.get(p.sessionId);
    if (!s) continue;
    if (p.kind !== 'payment') corrections.push({ ...p, originalReceiptNo: p.reversesId ? input.originalReceiptNo(p.reversesId) : null, deskLabel: s.deskLabel });
    if (p.method === 'check' && p.check) checks.push({ receiptNo: p.receiptNo, number: p.check.number, bank: p.check.bank, amountCents: p.amountCents, deskLabel: s.deskLabel });
  }
  corrections.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0));
  checks.sort((a, b) => (a.receiptNo < b.receiptNo ? -1 : 1));
  for (const mv of input.movements) {
    const t = totalsBySession.get(mv.sessionId);
    if (!t) continue;
    addMovement(t, mv);
    if (mv.kind === 'paid_in') totals.paidInCents += mv.amountCents;
    else totals.paidOutCents += mv.amountCents;
  }

  // deposit slip: counted cash of closed sessions by denomination, less floats kept in the drawers
  const cashByCode = new Map<string, number>();
  let countedCashCents = 0;
  let floatsCents = 0;
  let openSessions = 0;
  const variances: EodReport['variances'] = [];
  for (const s of input.sessions) {
    finishTotals(totalsBySession.get(s.id)!);
    if (s.status === 'open' || !s.close) {
      openSessions++;
      continue;
    }
    for (const [code, n] of Object.entries(s.close.countedCash)) cashByCode.set(code, (cashByCode.get(code) ?? 0) + n);
    countedCashCents += s.close.countedCashCents;
    floatsCents += s.floatCents;
    for (const m of s.close.methods) {
      if (m.varianceCents === null || m.varianceCents === 0) continue;
      variances.push({ ...m, sessionId: s.id, deskLabel: s.deskLabel, closedBy: s.close.closedBy, reason: s.signOff?.reason ?? null, approvedBy: s.signOff?.approvedBy ?? null, signedOff: s.signOff !== null });
    }
  }
  const cash = input.denominations
    .filter((d) => (cashByCode.get(d.code) ?? 0) > 0)
    .map((d) => ({ code: d.code, label: d.label, count: cashByCode.get(d.code)!, cents: cashByCode.get(d.code)! * d.valueCents }));
  for (const [code, n] of cashByCode) {
    if (n > 0 && !input.denominations.some((d) => d.code === code)) cash.push({ code, label: code, count: n, cents: 0 });
  }
  const checksCents = checks.reduce((a, c) => a + c.amountCents, 0);

  return {
    businessDate: input.businessDate,
    timeZone: input.timeZone,
    siteName: input.siteName,
    generatedAt: input.generatedAt,
    generatedOnDesk: input.generatedOnDesk,
    totals,
    byMethod: PAYMENT_METHODS.map((method) => ({ method, ...byMethod.get(method)! })),
    byType: PAYMENT_TYPES.map((type) => ({ type, ...byType.get(type)! })),
    byClerk: [...byClerk.values()].sort((a, b) => a.userName.localeCompare(b.userName)),
    byDesk: [...byDesk.values()].sort((a, b) => a.deskLabel.localeCompare(b.deskLabel)),
    sessions: input.sessions.map((session) => ({ session, totals: totalsBySession.get(session.id)! })),
    depositSlip: {
      cash,
      countedCashCents,
      floatsCents,
      cashToDepositCents: countedCashCents - floatsCents,
      checks,
      checksCents,
      totalCents: countedCashCents - floatsCents + checksCents,
      openSessions,
    },
    variances,
    corrections,
    copays: input.copays,
    collectionsByHour: hours,
    completeness: input.completeness,
  };
}
