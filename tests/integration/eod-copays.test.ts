/**
 * Copays due vs collected in the end-of-day report, from REAL check-in data: appointments booked and checked in
 * through 'visits.checkIn' with the check-in record's copay decision, copays taken through 'payments.record' with the
 * appointment id and linked with 'visits.linkPayment' (what the check-in screen does), all through the real
 * dispatcher on a real SQLite file. The report's copay section (due, collected in full / in part, the dollar
 * collection rate, the not-collected list with the reason recorded at check-in, and the reasons summary) must match
 * what happened at the desk — including a copay voided after it was taken, a partial copay, a "collect" decision
 * whose payment was never taken, a copay-free visit, a booked-but-not-arrived visit, an undone arrival, and a
 * non-copay payment on the same appointment. The CSV export carries the same figures.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk, middayClock } from '../support/desk.js';
import { bookSoon, checkInInput, dayOf, patientFor, visitDirectory } from '../support/visits.js';
import { addUsers, CLERK, FLOAT, signIn, SUPER } from '../support/payments.js';
import { COPAY_REASON_TEXT } from '../../electron/drawer/eod.js';
import type { MethodInput } from '../../shared/api/contract.js';

const C = 'clerk:1';
const S = 'super:1';
let d: TestDesk;
// appointments a few minutes apart must share one business day whatever the hour the test runs
const clock = middayClock();
let dir: Awaited<ReturnType<typeof visitDirectory>>;

beforeEach(async () => {
  d = new TestDesk(undefined, { clock });
  await d.setup();
  await addUsers(d);
  await signIn(d, C, CLERK);
  await signIn(d, S, SUPER);
  dir = await visitDirectory(d);
});
afterEach(() => d.destroy());

const identity = { dobReadBack: true, photoIdSeen: true, notVerifiedReason: '' };

describe('EOD copays with real check-ins', () => {
  it('due, collected (full / part), rate, reasons — from visits.checkIn decisions and linked payments', async () => {
    await d.call('drawer.open', { float: FLOAT }, C);
    const now = clock.nowMs();
    // eight patients, eight appointments a few minutes apart (Follow-up: $25.00 copay by default; Lab: none)
    const names = ['Adams', 'Baker', 'Clark', 'Davis', 'Evans', 'Foster', 'Garcia', 'Hughes', 'Irwin'];
    const patients: Awaited<ReturnType<typeof patientFor>>[] = [];
    for (const [i, family] of names.entries()) {
      const n = String(i + 10);
      patients.push(await patientFor(d, { name: { family, given: `Pat${'a'.repeat(i + 1)}` }, birthDate: `19${n}-0${(i % 9) + 1}-${n}`, phones: [{ use: 'mobile', number: `(217) 555-01${n}`, smsConsent: false }], email: '', addresses: [] }, C));
    }
    const book = (i: number) => bookSoon(d, dir, patients[i]!.id, 2 + i, C, now);
    const appts: Awaited<ReturnType<typeof bookSoon>>[] = [];
    for (let i = 0; i < names.length; i++) appts.push(await book(i));
    const labAppt = (await d.call('visits.book', { patientId: patients[5]!.id, departmentId: dir.department.id, providerId: dir.provider.id, typeId: dir.lab.id, start: new Date(now + 3 * 60_000).toISOString() }, C)).appointment;
    const date = dayOf(appts[0]!.start);
    for (const a of [...appts, labAppt]) expect(dayOf(a.start)).toBe(date);

    type Copay = MethodInput<'visits.checkIn'>['checkIn']['copay'];
    const checkIn = (id: string, copay: Copay) => d.call('visits.checkIn', { id, checkIn: checkInInput({ identity, copay }) }, C);
    /** what the check-in screen does after "collect": take the copay with the appointment id, then link it */
    const collect = async (i: number, amountCents: number, method: 'cash' | 'card' = 'cash') => {
      const r = await d.call(
        'payments.record',
        method === 'cash'
          ? { type: 'copay', method, amountCents, tenderedCents: amountCents, patientId: patients[i]!.id, appointmentId: appts[i]!.id }
          : { type: 'copay', method, amountCents, card: { terminalRef: `T-${i}`, brand: 'visa', lastFour: '4242', authCode: `OK${i}` }, patientId: patients[i]!.id, appointmentId: appts[i]!.id },
        C,
      );
      await d.call('visits.linkPayment', { id: appts[i]!.id, paymentId: r.payment.id }, C);
      return r.payment;
    };

    // 0 Adams: collect $25.00, taken in cash -> collected in full
    await checkIn(appts[0]!.id, { decision: 'collect', dueCents: 2500 });
    await collect(0, 2500);
    // 1 Baker: collect $25.00, taken by card -> collected in full
    await checkIn(appts[1]!.id, { decision: 'collect', dueCents: 2500 });
    await collect(1, 2500, 'card');
    // 2 Clark: not collected, patient declined
    await checkIn(appts[2]!.id, { decision: 'not-collected', dueCents: 2500, reason: 'patient-declined', note: '' });
    // 3 Davis: not collected, other, with the clerk's note
    await checkIn(appts[3]!.id, { decision: 'not-collected', dueCents: 4000, reason: 'other', note: 'Plan changed, copay unknown' });
    // 4 Evans: collect $25.00, taken, then voided (wrong amount) and never retaken -> reversed
    await checkIn(appts[4]!.id, { decision: 'collect', dueCents: 2500 });
    const evans = await collect(4, 2500);
    await d.call('payments.void', { paymentId: evans.id, reason: 'Wrong amount' }, C);
    // 5 Foster: collect $25.00, only $10.00 paid (and a prior-balance payment on the same visit, not a copay) -> part
    await checkIn(appts[5]!.id, { decision: 'collect', dueCents: 2500 });
    await collect(5, 1000);
    await d.call('payments.record', { type: 'prior_balance', method: 'cash', amountCents: 5000, patientId: patients[5]!.id, appointmentId: appts[5]!.id }, C);
    // 6 Garcia: "collect" chosen at check-in, but the payment was never taken
    await checkIn(appts[6]!.id, { decision: 'collect', dueCents: 2500 });
    // 7 Hughes: checked in (will bill), then the arrival is undone (wrong patient): no check-in record, not due
    await checkIn(appts[7]!.id, { decision: 'not-collected', dueCents: 2500, reason: 'will-bill', note: '' });
    await d.call('visits.undo', { id: appts[7]!.id, undo: 'undo-arrival', reason: 'Checked in the wrong patient' }, C);
    // 8 Irwin: booked, never arrived -> no check-in, not due
    // Lab visit: no copay ($0 due, "no copay") -> not due
    await checkIn(labAppt.id, { decision: 'not-collected', dueCents: 0, reason: 'no-copay', note: '' });
    // Baker paid $25 by card and was refunded $5 later -> collected $20 of $25 = in part
    const baker = (await d.call('payments.list', { patientId: patients[1]!.id }, C)).payments.find((p) => p.type === 'copay')!;
    await d.call('payments.refund', { paymentId: baker.id, amountCents: 500, method: 'card', card: { terminalRef: 'T-R1', brand: 'visa', lastFour: '4242', authCode: 'RF1' }, reason: 'Copay is $20 for this plan' }, C);

    const r = await d.call('eod.report', { businessDate: date }, S);
    const c = r.copays;
    expect(c.available).toBe(true);
    // due: Adams 25, Baker 25, Clark 25, Davis 40, Evans 25, Foster 25, Garcia 25 = 7 copays, $190.00
    expect(c.dueCount).toBe(7);
    expect(c.dueCents).toBe(19000);
    // collected: Adams 25 (full) + Baker 20 (part) + Foster 10 (part) = $55.00
    expect(c.collectedCount).toBe(1);
    expect(c.partialCount).toBe(2);
    expect(c.collectedCents).toBe(5500);
    expect(c.collectionRate).toBeCloseTo(5500 / 19000, 10);

    const byAppt = new Map(c.notCollected.map((n) => [n.appointmentId, n]));
    expect(byAppt.has(appts[0]!.id)).toBe(false);
    expect(byAppt.get(appts[1]!.id)).toMatchObject({ reasonCode: 'partial', dueCents: 2500, collectedCents: 2000, reason: `${COPAY_REASON_TEXT.partial}: $20.00 of $25.00` });
    expect(byAppt.get(appts[2]!.id)).toMatchObject({ reasonCode: 'patient-declined', dueCents: 2500, collectedCents: 0, reason: 'Patient declined / cannot pay now' });
    expect(byAppt.get(appts[3]!.id)).toMatchObject({ reasonCode: 'other', dueCents: 4000, reason: 'Other — Plan changed, copay unknown' });
    expect(byAppt.get(appts[4]!.id)).toMatchObject({ reasonCode: 'reversed', collectedCents: 0, reason: COPAY_REASON_TEXT.reversed });
    expect(byAppt.get(appts[5]!.id)).toMatchObject({ reasonCode: 'partial', collectedCents: 1000, reason: `${COPAY_REASON_TEXT.partial}: $10.00 of $25.00` });
    expect(byAppt.get(appts[6]!.id)).toMatchObject({ reasonCode: 'not-taken', collectedCents: 0 });
    for (const gone of [appts[7]!.id, appts[8]!.id, labAppt.id]) expect(byAppt.has(gone)).toBe(false);
    expect(c.notCollected).toHaveLength(6);
    expect(c.notCollected.map((n) => n.start)).toEqual([...c.notCollected.map((n) => n.start)].sort());

    expect(Object.fromEntries(c.byReason.map((g) => [g.reasonCode, [g.count, g.dueCents, g.uncollectedCents]]))).toEqual({
      partial: [2, 5000, 2000],
      'patient-declined': [1, 2500, 2500],
      other: [1, 4000, 4000],
      reversed: [1, 2500, 2500],
      'not-taken': [1, 2500, 2500],
    });
    // due = collected + what the reasons leave uncollected
    expect(c.collectedCents + c.byReason.reduce((a, g) => a + g.uncollectedCents, 0)).toBe(c.dueCents);

    // the payments side is the same day's totals: copay type nets 25 + 25 - 5 + 10 (Evans voided) = $55.00
    expect(r.byType.find((t) => t.type === 'copay')?.netCents).toBe(5500);

    // the CSV carries the same figures and reasons
    const { csv } = await d.call('eod.exportCsv', { businessDate: date }, S);
    expect(csv).toContain('copays,due,Copays due at check-in,7,190.00');
    expect(csv).toContain('copays,collected,Copays collected,1,55.00,2 collected in part');
    expect(csv).toContain('copays,rate,Copay collection rate,7,28.9%');
    expect(csv).toContain('copay_reason,patient-declined,Patient declined / cannot pay now,1,25.00');
    expect(csv).toContain('Other — Plan changed, copay unknown');
  });

  it('no check-ins with a copay: nothing due, rate null, the list says so', async () => {
    const p = await patientFor(d, {}, C);
    const a = await bookSoon(d, dir, p.id, 2, C);
    const r = await d.call('eod.report', { businessDate: dayOf(a.start) }, S);
    expect(r.copays).toMatchObject({ available: true, dueCount: 0, dueCents: 0, collectedCount: 0, partialCount: 0, collectedCents: 0, collectionRate: null, notCollected: [], byReason: [] });
  });
});
