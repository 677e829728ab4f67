/**
 * On-the-spot supervisor approval and the account lockout, through the real API on a real SQLite file: a wrong
 * supervisor password typed into a void/refund approval counts toward THAT supervisor's lockout exactly like a failed
 * sign-in (site threshold, default 5); once locked, even the right password is refused for approvals AND for sign-in,
 * nothing is written, and the lockout is audited. A good approval resets the count. And an over-refund across the
 * refunds already made is refused by the desk, whatever the split.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { addUsers, CLERK, FLOAT, registerPatient, signIn, SUPER, SUPER2 } from '../support/payments.js';

const C = 'clerk:1';
let d: TestDesk;
let patientId: string;

beforeEach(async () => {
  d = new TestDesk();
  await d.setup();
  await addUsers(d);
  await signIn(d, C, CLERK);
  patientId = await registerPatient(d);
  await d.call('drawer.open', { float: FLOAT }, C);
});
afterEach(() => d.destroy());

const failedCount = (username: string) => (d.app.store.db.prepare('SELECT failed_count, locked_until FROM users WHERE username = ?').get(username) as { failed_count: number; locked_until: string | null });
const rows = (kind: string) => (d.app.store.db.prepare('SELECT COUNT(*) n FROM payments WHERE kind = ?').get(kind) as { n: number }).n;
const audits = (action: string) => (d.app.store.db.prepare('SELECT COUNT(*) n FROM audit_log WHERE action = ?').get(action) as { n: number }).n;

describe('approval failures and the supervisor lockout', () => {
  it('wrong approval passwords lock the supervisor out (approvals and sign-in); the right one is refused while locked', async () => {
    const pay = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 9000, patientId }, C);
    const wrong = { username: SUPER.username, password: 'not the password at all' };
    for (let i = 1; i <= 4; i++) {
      const r = await d.raw('payments.void', { paymentId: pay.payment.id, reason: 'Wrong patient', approver: wrong }, C);
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'The supervisor’s user name or password is not right. Nothing was saved.' } });
      expect(failedCount(SUPER.username)).toMatchObject({ failed_count: i, locked_until: null });
    }
    // the fifth (the site's threshold) locks the account
    const fifth = await d.raw('payments.void', { paymentId: pay.payment.id, reason: 'Wrong patient', approver: wrong }, C);
    expect(fifth).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', fields: { 'approver.password': expect.stringContaining('now locked') } } });
    expect(failedCount(SUPER.username).locked_until).not.toBeNull();
    expect(audits('user.locked_out')).toBe(1);
    expect(audits('approval.password_failed')).toBe(4);
    expect(audits('approval.refused')).toBe(5);

    // locked: the right password is refused for the approval, and the supervisor cannot sign in either
    const right = await d.raw('payments.void', { paymentId: pay.payment.id, reason: 'Wrong patient', approver: { username: SUPER.username, password: SUPER.password } }, C);
    expect(right).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('locked') } });
    const signInLocked = await d.raw('session.signIn', { username: SUPER.username, password: SUPER.password }, 'super:1');
    expect(signInLocked).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    expect(rows('void')).toBe(0);
    // nothing about the password anywhere in the audit log
    expect(JSON.stringify(d.app.store.db.prepare('SELECT detail FROM audit_log').all())).not.toContain('not the password');

    // another supervisor still approves
    const ok = await d.call('payments.void', { paymentId: pay.payment.id, reason: 'Wrong patient', approver: { username: SUPER2.username, password: SUPER2.password } }, C);
    expect(ok.payment.approvedBy?.userName).toBe(SUPER2.displayName);
  });

  it('a good approval resets the failed count (as a good sign-in does)', async () => {
    const pay = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 9000, patientId }, C);
    for (let i = 0; i < 3; i++) await d.raw('payments.refund', { paymentId: pay.payment.id, amountCents: 3000, reason: 'Overpaid', approver: { username: SUPER.username, password: 'wrong wrong wrong' } }, C);
    expect(failedCount(SUPER.username).failed_count).toBe(3);
    await d.call('payments.refund', { paymentId: pay.payment.id, amountCents: 3000, reason: 'Overpaid', approver: { username: SUPER.username, password: SUPER.password } }, C);
    expect(failedCount(SUPER.username)).toEqual({ failed_count: 0, locked_until: null });
  });
});

describe('over-refund across refunds', () => {
  it('refunds add up to at most the payment, whatever the split; nothing is written when refused', async () => {
    const pay = await d.call('payments.record', { type: 'deposit', method: 'cash', amountCents: 2000, patientId }, C);
    await d.call('payments.refund', { paymentId: pay.payment.id, amountCents: 1200, reason: 'Part 1' }, C);
    await d.call('payments.refund', { paymentId: pay.payment.id, amountCents: 500, reason: 'Part 2' }, C);
    const over = await d.raw('payments.refund', { paymentId: pay.payment.id, amountCents: 301, reason: 'Part 3' }, C);
    expect(over).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'At most $3.00 can still be refunded.', fields: { amountCents: 'More than what is left to refund' } } });
    expect(rows('refund')).toBe(2);
    // the default amount is what is left
    const rest = await d.call('payments.refund', { paymentId: pay.payment.id, reason: 'The rest' }, C);
    expect(rest.payment.amountCents).toBe(-300);
    const done = await d.raw('payments.refund', { paymentId: pay.payment.id, amountCents: 1, reason: 'Again' }, C);
    expect(done).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'This payment is already fully refunded.' } });
    const list = await d.call('payments.list', { receiptNo: pay.payment.receiptNo.toLowerCase() }, C);
    expect(list.payments).toHaveLength(1);
    expect(list.payments[0]).toMatchObject({ id: pay.payment.id, reversedCents: -2000, refundableCents: 0 });
    expect(rows('refund')).toBe(3);
  });
});
