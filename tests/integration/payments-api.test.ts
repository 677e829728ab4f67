/**
 * Payments and drawer through the real dispatcher on a real SQLite file (TestDesk): open with a counted float, cash
 * with change, check, card, paid-in/out, void and refund with on-the-spot approval, blind close with a variance and a
 * sign-off, X report, receipts and reprints, EOD totals, CSV/PDF export; and the authorization matrix.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { addUsers, CLERK, FLOAT, FLOAT_CENTS, registerPatient, signIn, SUPER, SUPER2 } from '../support/payments.js';
import { businessDate } from '../../shared/dates.js';

const C = 'clerk:1';
const S = 'super:1';
let d: TestDesk;
let patientId: string;

beforeEach(async () => {
  d = new TestDesk();
  await d.setup();
  await addUsers(d);
  await signIn(d, C, CLERK);
  await signIn(d, S, SUPER);
  patientId = await registerPatient(d);
});
afterEach(() => d.destroy());

const card = { terminalRef: 'T-8812-0042', brand: 'visa' as const, lastFour: '4242', authCode: 'A1B2C3' };

function audits(action: string): { user_id: string; detail: string }[] {
  return d.app.store.db.prepare('SELECT user_id, detail FROM audit_log WHERE action = ? ORDER BY seq').all(action) as { user_id: string; detail: string }[];
}

describe('a day at the drawer', () => {
  it('open, take cash/check/card, move cash, void and refund, blind close, sign off, EOD', async () => {
    const cur0 = await d.call('drawer.current', {}, C);
    expect(cur0.session).toBeNull();
    expect(cur0.nextReceiptNo).toBe('L0-000001');
    const { session } = await d.call('drawer.open', { float: FLOAT }, C);
    expect(session.floatCents).toBe(FLOAT_CENTS);
    expect(session.status).toBe('open');
    expect(session.businessDate).toBe(businessDate('America/Chicago'));
    // a second open is refused
    const again = await d.raw('drawer.open', { float: FLOAT }, C);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('CONFLICT');

    const cash = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 4000, patientId }, C);
    expect(cash.payment.changeCents).toBe(1500);
    expect(cash.payment.receiptNo).toBe('L0-000001');
    expect(cash.receipt.changeText).toBe('$15.00');
    const check = await d.call('payments.record', { type: 'prior_balance', method: 'check', amountCents: 12000, check: { number: '1043', bank: 'First Bank' }, patientId }, C);
    expect(check.payment.receiptNo).toBe('L0-000002');
    const cardPay = await d.call('payments.record', { type: 'deposit', method: 'card', amountCents: 8000, card, patientId }, C);
    expect(cardPay.payment.card).toEqual(card);
    const small = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 1000, patientId }, C);
    await d.call('drawer.paidIn', { amountCents: 2000, reason: 'Change from the bank' }, C);
    await d.call('drawer.paidOut', { amountCents: 500, reason: 'Postage' }, C);

    // void under the limit: the clerk alone
    const v = await d.call('payments.void', { paymentId: small.payment.id, reason: 'Wrong patient' }, C);
    expect(v.payment.amountCents).toBe(-1000);
    expect(v.payment.reversesId).toBe(small.payment.id);
    expect(v.payment.approvedBy).toBeNull();
    const twice = await d.raw('payments.void', { paymentId: small.payment.id, reason: 'again' }, C);
    expect(twice.ok).toBe(false);
    // refund above the limit ($25): needs a supervisor, here given on the spot
    const r = await d.call('payments.refund', { paymentId: check.payment.id, amountCents: 3000, method: 'cash', reason: 'Overpaid balance', approver: { username: SUPER.username, password: SUPER.password } }, C);
    expect(r.payment.amountCents).toBe(-3000);
    expect(r.payment.approvedBy?.userName).toBe(SUPER.displayName);
    expect(r.payment.recordedBy.userName).toBe(CLERK.displayName);
    const list = await d.call('payments.list', { sessionId: session.id }, C);
    expect(list.payments.find((p) => p.id === check.payment.id)!.refundableCents).toBe(9000);

    // X report (supervisor): the one formula
    const x = await d.call('drawer.xReport', {}, S);
    // float 150 + tendered 40 + 10 - change 15 - returned (10 void + 30 refund) + 20 - 5
    expect(x.totals.expectedCashCents).toBe(15000 + 4000 + 1000 - 1500 - 1000 - 3000 + 2000 - 500);
    expect(x.totals.netByMethod).toEqual({ cash: 2500 + 1000 - 1000 - 3000, check: 12000, card: 8000, other: 0 });
    const xClerk = await d.raw('drawer.xReport', {}, C);
    expect(xClerk.ok).toBe(false);

    // drawer.current never shows expected totals (blind)
    const cur = await d.call('drawer.current', {}, C);
    expect(JSON.stringify(cur)).not.toContain('expected');

    // blind close: $5 short in cash, checks and card as expected
    const expected = x.totals.expectedCashCents; // 16000
    expect(expected).toBe(16000);
    const closed = await d.call('drawer.close', { sessionId: session.id, cash: { b100: 1, b20: 2, b10: 1, b5: 1 }, checksCents: 12000, cardCents: 8000 }, C);
    expect(closed.result.countedCashCents).toBe(15500);
    expect(closed.result.varianceCashCents).toBe(-500);
    expect(closed.result.needsSignOff).toBe(true);
    expect(closed.result.methods.find((m) => m.method === 'check')!.varianceCents).toBe(0);
    expect(closed.result.closedOffline).toBe(false);
    // closed: nothing more goes in
    const late = await d.raw('payments.record', { type: 'copay', method: 'cash', amountCents: 100, patientId }, C);
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.error.code).toBe('CONFLICT');
    const reclose = await d.raw('drawer.close', { sessionId: session.id, cash: {} }, C);
    expect(reclose.ok).toBe(false);

    // sign-off: clerk's own credentials refused, supervisor's accepted
    const bad = await d.raw('drawer.signOffVariance', { sessionId: session.id, reason: 'Short five dollars', approver: { username: CLERK.username, password: CLERK.password } }, C);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('FORBIDDEN');
    const so = await d.call('drawer.signOffVariance', { sessionId: session.id, reason: 'Short five dollars: postage receipt missing', approver: { username: SUPER2.username, password: SUPER2.password } }, C);
    expect(so.signOff.approvedBy.userName).toBe(SUPER2.displayName);

    // EOD equals the session
    const eod = await d.call('eod.report', { businessDate: session.businessDate }, S);
    expect(eod.totals.netCents).toBe(2500 + 12000 + 8000 + 1000 - 1000 - 3000);
    expect(eod.byMethod.find((m) => m.method === 'card')!.netCents).toBe(8000);
    expect(eod.byType.find((t) => t.type === 'deposit')!.netCents).toBe(8000);
    expect(eod.byClerk).toHaveLength(1);
    expect(eod.depositSlip.countedCashCents).toBe(15500);
    expect(eod.depositSlip.cashToDepositCents).toBe(500);
    expect(eod.depositSlip.checks).toEqual([expect.objectContaining({ number: '1043', amountCents: 12000 })]);
    expect(eod.variances).toEqual([expect.objectContaining({ method: 'cash', varianceCents: -500, signedOff: true, reason: 'Short five dollars: postage receipt missing' })]);
    expect(eod.corrections.map((c) => c.kind).sort()).toEqual(['refund', 'void']);
    expect(eod.corrections.find((c) => c.kind === 'refund')!.approvedBy?.userName).toBe(SUPER.displayName);
    expect(eod.sessions[0]!.totals.expectedCashCents).toBe(16000);
    expect(eod.collectionsByHour.reduce((a, h) => a + h.totalCents, 0)).toBe(eod.totals.netCents);
    expect(eod.completeness.enrolled).toBe(false);
    expect(eod.completeness.warnings.join(' ')).toContain('not connected');

    const csv = await d.call('eod.exportCsv', { businessDate: session.businessDate }, S);
    expect(csv.csv).toContain('deposit_check,L0-000002,Check 1043,1,120.00');
    const pdf = await d.call('eod.exportPdf', { businessDate: session.businessDate }, S);
    expect(Buffer.from(pdf.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    // reprint: counted and audited
    const re1 = await d.call('payments.receipt', { paymentId: cash.payment.id }, C);
    const re2 = await d.call('payments.receipt', { paymentId: cash.payment.id }, C);
    expect([re1.receipt.reprint, re2.receipt.reprint]).toEqual([1, 2]);
    expect(audits('payment.receipt_reprinted')).toHaveLength(2);
    const rp = await d.call('payments.receiptPdf', { paymentId: cardPay.payment.id, paper: '80mm', reprint: false }, C);
    expect(Buffer.from(rp.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const vp = await d.call('payments.receiptPdf', { paymentId: v.payment.id, paper: 'letter', reprint: true }, C);
    expect(vp.pageCount).toBe(1);
    expect(audits('payment.receipt_printed')).toHaveLength(1);
    expect(audits('payment.receipt_reprinted')).toHaveLength(3);

    // every action audited and attributed
    for (const a of ['drawer.opened', 'payment.recorded', 'drawer.paid_in', 'drawer.paid_out', 'payment.voided', 'payment.refunded', 'drawer.closed', 'drawer.variance_signed_off', 'eod.exported']) {
      expect(audits(a).length, a).toBeGreaterThan(0);
    }
    // and queued for sync
    const kinds = (d.app.store.db.prepare('SELECT kind FROM outbox').all() as { kind: string }[]).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['drawer.opened', 'payment.recorded', 'drawer.paid_in', 'drawer.paid_out', 'payment.voided', 'payment.refunded', 'drawer.closed', 'drawer.variance_signed_off']));
  });

  it('refunds an earlier session’s payment from the new session; a void of it is refused', async () => {
    const { session: s1 } = await d.call('drawer.open', { float: FLOAT }, C);
    const p = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2000, tenderedCents: 2000, patientId }, C);
    await d.call('drawer.close', { sessionId: s1.id, cash: { b20: 5, b10: 6, b5: 2 } }, C);
    const { session: s2 } = await d.call('drawer.open', { float: FLOAT }, C);
    const v = await d.raw('payments.void', { paymentId: p.payment.id, reason: 'late' }, C);
    expect(v.ok).toBe(false);
    const r = await d.call('payments.refund', { paymentId: p.payment.id, reason: 'Visit cancelled' }, C);
    expect(r.payment.sessionId).toBe(s2.id);
    expect(r.payment.amountCents).toBe(-2000);
    const over = await d.raw('payments.refund', { paymentId: p.payment.id, amountCents: 1, reason: 'again' }, C);
    expect(over.ok).toBe(false);
    const x = await d.call('drawer.xReport', { sessionId: s2.id }, S);
    expect(x.totals.expectedCashCents).toBe(FLOAT_CENTS - 2000);
  });
});

describe('authorization matrix (real API)', () => {
  async function openWithBig(): Promise<string> {
    await d.call('drawer.open', { float: FLOAT }, C);
    const p = await d.call('payments.record', { type: 'prepayment', method: 'cash', amountCents: 20000, tenderedCents: 20000, patientId }, C);
    return p.payment.id;
  }

  it('a clerk’s void above the limit without a supervisor is refused, audited, and writes nothing', async () => {
    const id = await openWithBig();
    const before = d.count('payments');
    const r = await d.raw('payments.void', { paymentId: id, reason: 'Wrong amount' }, C);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('FORBIDDEN');
    expect(d.count('payments')).toBe(before);
    const a = audits('approval.refused');
    expect(a).toHaveLength(1);
    expect(JSON.parse(a[0]!.detail)).toMatchObject({ for: 'payment.void', why: 'missing', amountCents: 20000 });
  });

  it('a clerk’s own credentials as "supervisor" are refused; a wrong password is refused; neither is stored', async () => {
    const id = await openWithBig();
    const own = await d.raw('payments.void', { paymentId: id, reason: 'Wrong amount', approver: { username: CLERK.username, password: CLERK.password } }, C);
    expect(own.ok).toBe(false);
    const wrong = await d.raw('payments.void', { paymentId: id, reason: 'Wrong amount', approver: { username: SUPER.username, password: 'not the password!!' } }, C);
    expect(wrong.ok).toBe(false);
    const a = audits('approval.refused').map((x) => JSON.parse(x.detail).why);
    expect(a).toEqual(['not-supervisor', 'bad-credentials']);
    const all = JSON.stringify(d.app.store.db.prepare('SELECT * FROM audit_log').all()) + JSON.stringify(d.app.store.db.prepare('SELECT * FROM outbox').all());
    expect(all).not.toContain('not the password!!');
    expect(all).not.toContain(CLERK.password);
  });

  it('a supervisor cannot approve their own void above the limit; another supervisor can, both recorded', async () => {
    const id = await openWithBig();
    const self = await d.raw('payments.void', { paymentId: id, reason: 'Wrong amount', approver: { username: SUPER.username, password: SUPER.password } }, S);
    expect(self.ok).toBe(false);
    const ok = await d.call('payments.void', { paymentId: id, reason: 'Wrong amount', approver: { username: SUPER.username, password: SUPER.password } }, C);
    expect(ok.payment.recordedBy.userName).toBe(CLERK.displayName);
    expect(ok.payment.approvedBy?.userName).toBe(SUPER.displayName);
    const a = audits('payment.voided');
    expect(JSON.parse(a[0]!.detail)).toMatchObject({ approvedBy: expect.any(String), requestedBy: expect.any(String) });
  });

  it('a clerk’s refund above the limit needs a supervisor too', async () => {
    const id = await openWithBig();
    const r = await d.raw('payments.refund', { paymentId: id, amountCents: 5000, reason: 'Partial' }, C);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('FORBIDDEN');
    const small = await d.call('payments.refund', { paymentId: id, amountCents: 2500, reason: 'Partial' }, C);
    expect(small.payment.approvedBy).toBeNull();
  });

  it('role gates: clerks cannot read X reports, EOD or change settings', async () => {
    for (const [m, i] of [
      ['drawer.xReport', {}],
      ['eod.report', { businessDate: '2025-03-04' }],
      ['eod.exportCsv', { businessDate: '2025-03-04' }],
      ['payments.updateSettings', { denominations: [{ code: 'b1', label: '$1', kind: 'bill', valueCents: 100 }], varianceToleranceCents: 0, voidApprovalAboveCents: 0, refundApprovalAboveCents: 0, defaultFloatCents: 0 }],
    ] as const) {
      const r = await d.raw(m, i, C);
      expect(r.ok, m).toBe(false);
      if (!r.ok) expect(r.error.code, m).toBe('FORBIDDEN');
    }
  });
});

describe('input', () => {
  it('refuses unknown denominations, tendered below amount, a check without number, a card without details', async () => {
    const bad = await d.raw('drawer.open', { float: { b3: 1 } }, C);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.fields).toHaveProperty('float.b3');
    await d.call('drawer.open', { float: FLOAT }, C);
    for (const input of [
      { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 2000, patientId },
      { type: 'copay', method: 'check', amountCents: 2500, patientId },
      { type: 'copay', method: 'card', amountCents: 2500, patientId },
      { type: 'copay', method: 'cash', amountCents: 12.5, patientId },
      { type: 'copay', method: 'other', amountCents: 100, patientId },
    ]) {
      const r = await d.raw('payments.record', input, C);
      expect(r.ok, JSON.stringify(input)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('VALIDATION');
    }
    expect(d.count('payments')).toBe(0);
  });
});
