/**
 * A copay is linked to its visit in the payment's own transaction (issue 12 item 1), through the real dispatcher on a
 * real SQLite file: named visit, the patient's only visit today, several visits (asked: nothing written, not even a
 * receipt number), explicitly none, another patient's visit, a cancelled visit (refused whole), other payment types.
 * The board's flag and the EOD figures read the same link. And the EOD CSV (item 7): money cells are numbers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk, middayClock } from '../support/desk.js';
import { bookSoon, checkInInput, dayOf, patientFor, visitDirectory, COVERAGE } from '../support/visits.js';
import { addUsers, CLERK, FLOAT, signIn, SUPER } from '../support/payments.js';
import { eodCsv, eodPdf } from '../../electron/drawer/eod.js';
import { readPdf } from '../unit/print-read.js';

const C = 'clerk:1';
const S = 'super:1';
const clock = middayClock();
let d: TestDesk;
let dir: Awaited<ReturnType<typeof visitDirectory>>;

beforeEach(async () => {
  d = new TestDesk(undefined, { clock });
  await d.setup();
  await addUsers(d);
  await signIn(d, C, CLERK);
  await signIn(d, S, SUPER);
  dir = await visitDirectory(d);
  await d.call('drawer.open', { float: FLOAT }, C);
});
afterEach(() => d.destroy());

let seq = 0;
const insured = (family: string) => patientFor(d, { name: { family, given: 'Pat' }, birthDate: `19${50 + ++seq}-0${(seq % 9) + 1}-1${seq % 10}`, phones: [{ use: 'mobile', number: `(217) 555-02${10 + seq}`, smsConsent: false }], email: '', coverages: [{ ...COVERAGE, payerId: '', planName: '', groupNumber: '', subscriberRelationship: 'self', subscriberGiven: '', subscriberFamily: '', subscriberBirthDate: '', effectiveFrom: '', effectiveTo: '' }] }, C);
const copay = (patientId: string, extra: Record<string, unknown> = {}) => d.raw('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, patientId, ...extra }, C);
const row = (id: string) => d.app.store.db.prepare('SELECT appointment_id FROM payments WHERE id = ?').get(id) as { appointment_id: string | null };
const outboxKinds = () => (d.app.store.db.prepare('SELECT kind FROM outbox ORDER BY rowid').all() as { kind: string }[]).map((r) => r.kind);
const board = async (id: string) => (await d.call('visits.board', { businessDate: dayOf(new Date(clock.nowMs()).toISOString()) }, C)).rows.find((r) => r.id === id)!;

describe('copay → visit link', () => {
  it('the only visit today is linked without being named, in the same transaction (payment, link, both outbox ops, audits)', async () => {
    const p = await insured('Adams');
    const a = await bookSoon(d, dir, p.id, 5, C, clock.nowMs());
    await d.call('visits.checkIn', { id: a.id, checkIn: checkInInput({ copay: { decision: 'collect', dueCents: 2500 } }) }, C);
    expect((await board(a.id)).flags.copay).toBe('collect');
    const before = outboxKinds().length;
    const r = await copay(p.id);
    expect(r.ok).toBe(true);
    const pay = (r as { value: { payment: { id: string; appointmentId: string } } }).value.payment;
    expect(pay.appointmentId).toBe(a.id);
    expect(row(pay.id).appointment_id).toBe(a.id);
    expect((await d.call('visits.get', { id: a.id }, C)).appointment.paymentIds).toEqual([pay.id]);
    expect(outboxKinds().slice(before)).toEqual(['payment.recorded', 'appointment.payment_linked']);
    expect(d.app.store.db.prepare("SELECT COUNT(*) n FROM audit_log WHERE action = 'appointment.payment_linked' AND entity_id = ?").get(a.id)).toEqual({ n: 1 });
    expect((await board(a.id)).flags.copay).toBe('collected');
    const eod = await d.call('eod.report', { businessDate: dayOf(a.start) }, S);
    expect(eod.copays).toMatchObject({ dueCount: 1, collectedCount: 1, collectedCents: 2500, collectionRate: 1 });
    // voided: the board offers it again (as the end of day counts it: not collected)
    await d.call('payments.void', { paymentId: pay.id, reason: 'Wrong amount' }, C);
    expect((await board(a.id)).flags.copay).toBe('collect');
    expect((await d.call('eod.report', { businessDate: dayOf(a.start) }, S)).copays).toMatchObject({ collectedCount: 0, collectedCents: 0 });
  });

  it('several visits today: asks which (field appointmentId), writes nothing and uses no receipt number; the named one is linked', async () => {
    const p = await insured('Baker');
    const a1 = await bookSoon(d, dir, p.id, 5, C, clock.nowMs());
    const a2 = await bookSoon(d, dir, p.id, 60, C, clock.nowMs());
    const receipt = (await d.call('drawer.current', {}, C)).nextReceiptNo;
    const payments = d.count('payments');
    const outbox = d.count('outbox');
    const r = await copay(p.id);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION');
    expect(r.error.message).toContain('2 visits today');
    expect(r.error.fields).toEqual({ appointmentId: 'Choose the visit' });
    expect([d.count('payments'), d.count('outbox'), (await d.call('drawer.current', {}, C)).nextReceiptNo]).toEqual([payments, outbox, receipt]);
    const visits = await d.call('payments.copayVisits', { patientId: p.id }, C);
    expect(visits.visits.map((v) => v.appointmentId)).toEqual([a1.id, a2.id]);
    const ok = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, patientId: p.id, appointmentId: a2.id }, C);
    expect(row(ok.payment.id).appointment_id).toBe(a2.id);
    expect((await d.call('visits.get', { id: a2.id }, C)).appointment.paymentIds).toEqual([ok.payment.id]);
    expect((await d.call('visits.get', { id: a1.id }, C)).appointment.paymentIds).toEqual([]);
  });

  it('null: not for a visit; other types link nothing; a cancelled visit is not offered; another patient’s visit is refused', async () => {
    const p = await insured('Clark');
    const q = await insured('Davis');
    const a = await bookSoon(d, dir, p.id, 5, C, clock.nowMs());
    const none = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 1000, patientId: p.id, appointmentId: null }, C);
    expect(row(none.payment.id).appointment_id).toBeNull();
    const bal = await d.call('payments.record', { type: 'prior_balance', method: 'cash', amountCents: 1000, patientId: p.id }, C);
    expect(row(bal.payment.id).appointment_id).toBeNull();
    expect((await d.call('visits.get', { id: a.id }, C)).appointment.paymentIds).toEqual([]);
    const other = await copay(q.id, { appointmentId: a.id });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.error).toMatchObject({ code: 'VALIDATION', fields: { appointmentId: 'Choose one of this patient’s visits' } });
    await d.call('visits.cancel', { id: a.id, reason: { code: 'patient-request', note: '' } }, C);
    expect((await d.call('payments.copayVisits', { patientId: p.id }, C)).visits).toEqual([]);
    const n = d.count('payments');
    const onCancelled = await copay(p.id, { appointmentId: a.id });
    expect(onCancelled.ok).toBe(false);
    if (!onCancelled.ok) expect(onCancelled.error.code).toBe('CONFLICT');
    expect(d.count('payments')).toBe(n); // refused whole: no payment without its link
    const unlinked = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 1000, patientId: p.id }, C);
    expect(row(unlinked.payment.id).appointment_id).toBeNull(); // no visit left today
  });
});

describe('EOD CSV (item 7)', () => {
  it('negative amounts are numbers; the formula guard stays on text cells; not-collected copays by name, MRN and site time', async () => {
    const p = await insured('=Evans');
    const a = await bookSoon(d, dir, p.id, 5, C, clock.nowMs());
    await d.call('visits.checkIn', { id: a.id, checkIn: checkInInput({ copay: { decision: 'not-collected', dueCents: 2500, reason: 'will-bill', note: '' } }) }, C);
    const pay = await d.call('payments.record', { type: 'prior_balance', method: 'cash', amountCents: 4000, patientId: p.id, note: '' }, C);
    await d.call('payments.void', { paymentId: pay.payment.id, reason: '-rung up twice' }, C);
    const r = await d.call('eod.report', { businessDate: dayOf(a.start) }, S);
    const csv = eodCsv(r);
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toContain('totals,voids,Voids,1,-40.00,');
    const voidLine = lines.find((l) => l.startsWith('void,'))!;
    expect(voidLine.split(',')[4]).toBe('-40.00'); // a number, no apostrophe
    expect(voidLine).toContain('; -rung up twice'); // text inside a cell is left as typed
    const mrn = (await d.call('patients.get', { id: p.id }, C)).patient.mrn;
    const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', minute: '2-digit' }).format(new Date(a.start));
    expect(lines).toContain(`copay_not_collected,${mrn},"'=Evans, Pat · ${local}",,25.00,Bill the patient later`);
    expect(csv).not.toContain(a.id);
    expect(csv).not.toMatch(/'-\d/);
    // the PDF likewise: time, patient, MRN (no appointment id)
    const text = (await readPdf(await eodPdf(r))).text;
    for (const needle of ['Copays not collected', '=Evans, Pat', mrn, local, 'Bill the patient later']) expect(text).toContain(needle);
    expect(text).not.toContain(a.id.slice(-6));
  });
});
