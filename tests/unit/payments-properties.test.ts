/**
 * Property tests (fast-check) of the pure money rules:
 *  - the one expected-cash function equals an independent physical simulation of the drawer, for any sequence of
 *    float, cash/check/card/other payments with change, voids, partial refunds (any method), paid-in and paid-out;
 *  - EOD totals equal the sum of the sessions (by method, type, desk, clerk and hour);
 *  - money parsing round-trips every cent value and never produces a float;
 *  - the card guard finds every Luhn-valid 13-19 digit number however it is grouped, and nothing else of 13-19 digits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionTotals, type TotalsMovementLine, type TotalsPaymentLine } from '../../shared/drawer/expected.js';
import { computeEod } from '../../shared/drawer/eod.js';
import { centsToPlain, formatCents, MAX_CENTS, parseMoney } from '../../shared/payments/money.js';
import { containsCardNumber, findCardNumber, luhnValid } from '../../shared/payments/card-guard.js';
import { newId } from '../../shared/ids.js';
import { PAYMENT_METHODS, US_DENOMINATIONS, type DrawerMovement, type DrawerSession, type PaymentMethod } from '../../shared/domain/drawer.js';
import { PAYMENT_TYPES, type Payment } from '../../shared/domain/payment.js';

type Step =
  | { t: 'pay'; method: PaymentMethod; amount: number; extra: number }
  | { t: 'void'; pick: number }
  | { t: 'refund'; pick: number; part: number; method: PaymentMethod }
  | { t: 'in' | 'out'; amount: number };

const method = fc.constantFrom(...PAYMENT_METHODS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('pay' as const), method, amount: fc.integer({ min: 1, max: 500_00 }), extra: fc.integer({ min: 0, max: 100_00 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('void' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('refund' as const), pick: fc.nat(), part: fc.integer({ min: 1, max: 100 }), method }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('in' as const, 'out' as const), amount: fc.integer({ min: 1, max: 200_00 }) }) },
);

/** Plays steps like the handlers do (void only once, refund at most what is left) and simulates the drawer's cash. */
function play(floatCents: number, steps: Step[]) {
  const payments: TotalsPaymentLine[] = [];
  const movements: TotalsMovementLine[] = [];
  const originals: { amount: number; method: PaymentMethod; left: number; voided: boolean }[] = [];
  let drawer = floatCents; // the physical cash in the drawer
  const net: Record<PaymentMethod, number> = { cash: 0, check: 0, card: 0, other: 0 };
  for (const s of steps) {
    if (s.t === 'pay') {
      const tendered = s.method === 'cash' ? s.amount + s.extra : 0;
      const change = s.method === 'cash' ? s.extra : 0;
      payments.push({ kind: 'payment', method: s.method, amountCents: s.amount, tenderedCents: tendered, changeCents: change });
      originals.push({ amount: s.amount, method: s.method, left: s.amount, voided: false });
      if (s.method === 'cash') {
        drawer += tendered; // the patient's bills go in
        drawer -= change; // change comes out
      }
      net[s.method] += s.amount;
    } else if (s.t === 'void') {
      if (!originals.length) continue;
      const o = originals[s.pick % originals.length]!;
      if (o.voided || o.left !== o.amount) continue;
      o.voided = true;
      o.left = 0;
      payments.push({ kind: 'void', method: o.method, amountCents: -o.amount, tenderedCents: 0, changeCents: 0 });
      if (o.method === 'cash') drawer -= o.amount;
      net[o.method] -= o.amount;
    } else if (s.t === 'refund') {
      if (!originals.length) continue;
      const o = originals[s.pick % originals.length]!;
      if (o.voided || o.left === 0) continue;
      const amt = Math.max(1, Math.floor((o.left * s.part) / 100));
      o.left -= amt;
      payments.push({ kind: 'refund', method: s.method, amountCents: -amt, tenderedCents: 0, changeCents: 0 });
      if (s.method === 'cash') drawer -= amt;
      net[s.method] -= amt;
    } else {
      movements.push({ kind: s.t === 'in' ? 'paid_in' : 'paid_out', amountCents: s.amount });
      drawer += s.t === 'in' ? s.amount : -s.amount;
    }
  }
  return { payments, movements, drawer, net };
}

describe('expected cash', () => {
  it('equals the physical drawer for any sequence (float counted once, change never counted as cash taken)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000_00 }), fc.array(step, { maxLength: 60 }), (floatCents, steps) => {
        const r = play(floatCents, steps);
        const t = sessionTotals(floatCents, r.payments, r.movements);
        expect(t.expectedCashCents).toBe(r.drawer);
        expect(t.netByMethod).toEqual(r.net);
        expect(Number.isSafeInteger(t.expectedCashCents)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('EOD', () => {
  it('totals equal the sum of the sessions, by every breakdown', () => {
    const sessionArb = fc.record({
      desk: fc.integer({ min: 0, max: 3 }),
      clerk: fc.integer({ min: 0, max: 3 }),
      floatCents: fc.integer({ min: 0, max: 500_00 }),
      steps: fc.array(step, { maxLength: 30 }),
      closed: fc.boolean(),
      hourOffsets: fc.array(fc.integer({ min: 0, max: 12 * 3600 }), { minLength: 30, maxLength: 30 }),
      types: fc.array(fc.constantFrom(...PAYMENT_TYPES), { minLength: 30, maxLength: 30 }),
    });
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 8 }), (specs) => {
        const sessions: DrawerSession[] = [];
        const payments: Payment[] = [];
        const movements: DrawerMovement[] = [];
        const perSession: { net: number; expected: number }[] = [];
        specs.forEach((sp, si) => {
          const id = `00000000-0000-7000-8000-${String(si).padStart(12, '0')}`;
          const r = play(sp.floatCents, sp.steps);
          sessions.push({
            id, deskId: `desk-${sp.desk}`, deskLabel: `Desk ${sp.desk}`, businessDate: '2025-03-04', status: sp.closed ? 'closed' : 'open',
            openedAt: '2025-03-04T14:00:00.000Z', openedBy: { userId: 'u', userName: 'U' }, float: {}, floatCents: sp.floatCents, own: false,
            close: sp.closed ? { closedAt: '2025-03-04T23:00:00.000Z', closedBy: { userId: 'u', userName: 'U' }, closedOffline: false, countedCash: {}, countedCashCents: r.drawer, countedChecksCents: null, countedCardCents: null, countedOtherCents: null, expectedCashCents: r.drawer, varianceCashCents: 0, methods: [], toleranceCents: 0, needsSignOff: false } : null,
            signOff: null,
          });
          r.payments.forEach((p, i) => {
            payments.push({
              id: `${id}-${i}`, sessionId: id, deskId: `desk-${sp.desk}`, receiptNo: `X-${i}`, kind: p.kind, type: sp.types[i % 30]!, method: p.method, amountCents: p.amountCents,
              tenderedCents: p.tenderedCents, changeCents: p.changeCents, check: null, card: null, otherRef: '', patientId: 'pt', appointmentId: null, note: '',
              reversesId: p.kind === 'payment' ? null : 'orig', reason: '', recordedAt: new Date(Date.parse('2025-03-04T14:00:00Z') + sp.hourOffsets[i % 30]! * 1000).toISOString(),
              recordedBy: { userId: `clerk-${sp.clerk}`, userName: `Clerk ${sp.clerk}` }, approvedBy: null, businessDate: '2025-03-04',
            });
          });
          r.movements.forEach((m, i) => movements.push({ id: `${id}-m${i}`, sessionId: id, kind: m.kind, amountCents: m.amountCents, reason: 'r', at: '2025-03-04T15:00:00.000Z', by: { userId: 'u', userName: 'U' } }));
          perSession.push({ net: Object.values(r.net).reduce((a, b) => a + b, 0), expected: r.drawer });
        });
        const eod = computeEod({
          businessDate: '2025-03-04', timeZone: 'America/Chicago', siteName: 'S', generatedAt: '2025-03-05T00:00:00.000Z', generatedOnDesk: { deskId: 'x', deskLabel: 'X' },
          denominations: US_DENOMINATIONS, sessions, payments, details: payments.filter((p) => p.kind !== 'payment' || p.method === 'check'), movements, originalReceiptNo: () => null,
          copays: { available: false, note: '', dueCount: 0, dueCents: 0, collectedCount: 0, partialCount: 0, collectedCents: 0, collectionRate: null, notCollected: [], byReason: [] },
          completeness: { enrolled: false, lastSyncAt: null, pendingLocalChanges: 0, desks: [], warnings: [] },
        });
        const sumNet = perSession.reduce((a, s) => a + s.net, 0);
        expect(eod.totals.netCents).toBe(sumNet);
        expect(eod.sessions.map((s) => s.totals.expectedCashCents)).toEqual(perSession.map((s) => s.expected));
        const sum = (xs: { netCents: number }[]) => xs.reduce((a, x) => a + x.netCents, 0);
        for (const breakdown of [eod.byMethod, eod.byType, eod.byDesk, eod.byClerk]) expect(sum(breakdown)).toBe(sumNet);
        expect(eod.collectionsByHour.reduce((a, h) => a + h.totalCents, 0)).toBe(sumNet);
        expect(eod.totals.paymentsCents + eod.totals.voidsCents + eod.totals.refundsCents).toBe(sumNet);
        expect(eod.depositSlip.openSessions).toBe(specs.filter((s) => !s.closed).length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('money', () => {
  it('parses every cent value back exactly (no floats) and formats it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CENTS }), (c) => {
        expect(parseMoney(centsToPlain(c))).toEqual({ ok: true, cents: c });
        expect(parseMoney(formatCents(c))).toEqual({ ok: true, cents: c });
      }),
    );
    for (const [s, c] of [['12.5', 1250], ['.75', 75], ['$1,234.00', 123400], ['0.1', 10], ['0.29', 29], ['20', 2000]] as const) expect(parseMoney(s)).toEqual({ ok: true, cents: c });
    for (const s of ['', '-1', '1.234', 'abc', '1e3', '12,34', '99999999']) expect(parseMoney(s).ok).toBe(false);
  });
});

/** A Luhn-valid number of n digits from a digit prefix. */
function luhnComplete(prefix: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(prefix + d)) return prefix + d;
  throw new Error('unreachable');
}

describe('card guard', () => {
  it('finds any Luhn-valid 13-19 digit number, grouped by spaces or dashes, anywhere in text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 13, max: 19 }).chain((n) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n - 1, maxLength: n - 1 })),
        fc.constantFrom('', ' ', '-'),
        fc.integer({ min: 2, max: 6 }),
        fc.string({ maxLength: 10 }).filter((s) => !/\d/.test(s)),
        (prefix, sep, group, around) => {
          const pan = luhnComplete(prefix.join(''));
          const grouped = pan.match(new RegExp(`.{1,${group}}`, 'g'))!.join(sep);
          expect(containsCardNumber(`${around} ${grouped} ${around}`)).toBe(true);
        },
      ),
    );
  });
  it('leaves other numbers alone: Luhn-invalid, too short, too long, last four, phone numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 }), (ds) => {
        const valid = luhnComplete(ds.join(''));
        const invalid = valid.slice(0, -1) + ((Number(valid.at(-1)) + 1) % 10);
        expect(containsCardNumber(invalid)).toBe(false);
      }),
    );
    for (const s of ['4242', '(312) 555-0147', '1043', 'T-8812-0042', '411111111111', '41111111111111111111111']) expect(containsCardNumber(s), s).toBe(false);
    expect(containsCardNumber(';4111111111111111=25121010000000000000?')).toBe(true);
  });
  it('never mistakes the app’s own ids, instants or HLC stamps in a payload for a card number', () => {
    for (let i = 0; i < 5000; i++) {
      const id = newId();
      expect(findCardNumber({ payment: { id, sessionId: id, recordedAt: new Date(i * 7919).toISOString(), hlc: `${String(1763851099503 + i).padStart(15, '0')}-000000-${id}` } })).toBeNull();
    }
    // a UUID whose last groups are digits only: "8000-123456789012" alone would be a Luhn-valid 16-digit run
    expect(containsCardNumber('8000-123456789012')).toBe(luhnValid('8000123456789012'));
    expect(findCardNumber({ id: '0190a6f0-0000-7000-8000-123456789012' })).toBeNull();
    expect(findCardNumber({ note: 'pan 4111 1111 1111 1111' })).toBe('note');
  });
});
