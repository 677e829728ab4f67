/**
 * Payments across desks through a real hub (PGlite, HTTPS) and real desks (SyncDesk: real SQLite, real dispatcher):
 * two desks take payments, one closes OFFLINE (hub down) and syncs later; EOD on either desk equals the sum of both
 * sessions; a closed session stays closed through sync; the hub refuses another desk's op on a session, a payment
 * into a closed session, and card data; the hub's own tables refuse UPDATE/DELETE (PostgreSQL triggers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolledDesk, converge, RestartableHub, type SyncDesk } from '../support/hub.js';
import { registerPatient, FLOAT } from '../support/payments.js';
import { newId } from '../../shared/ids.js';
import type { Payment } from '../../shared/domain/payment.js';

let hub: RestartableHub;
let A: SyncDesk;
let B: SyncDesk;
let day = '';
const card = { terminalRef: 'T-1', brand: 'mastercard' as const, lastFour: '4444', authCode: 'OK1234' };

beforeAll(async () => {
  hub = await RestartableHub.start();
  A = await enrolledDesk(hub.current, 'Desk A');
  B = await enrolledDesk(hub.current, 'Desk B');
}, 180_000);
afterAll(async () => {
  A?.destroy();
  B?.destroy();
  await hub?.destroy();
});

function push(d: SyncDesk, kind: string, entityId: string, payload: unknown): void {
  d.app.store.command({ userId: 'test', userName: 'Forger' }, (tx) => {
    tx.outbox({ kind, entityId, payload });
    tx.audit({ action: 'test.forged_op', entityType: 'test', entityId });
  });
}

function rejected(d: SyncDesk): { kind: string; rejected_reason: string; rejected_message: string }[] {
  return d.app.store.db.prepare('SELECT kind, rejected_reason, rejected_message FROM outbox WHERE rejected_reason IS NOT NULL ORDER BY desk_seq').all() as never;
}

describe('two desks, one closes offline', () => {
  it('EOD on either desk equals the sum of both sessions; closed offline is marked and reconciled at the hub', async () => {
    const pa = await registerPatient(A as never, 'Alvarez');
    const pb = await registerPatient(B as never, 'Baker');
    const { session: sa } = await A.call('drawer.open', { float: FLOAT });
    const { session: sb } = await B.call('drawer.open', { float: { b20: 2 } });
    await A.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 3000, patientId: pa });
    await A.call('payments.record', { type: 'prior_balance', method: 'card', amountCents: 7000, card, patientId: pa });
    const b1 = await B.call('payments.record', { type: 'copay', method: 'cash', amountCents: 4000, tenderedCents: 5000, patientId: pb });
    await B.call('payments.record', { type: 'deposit', method: 'check', amountCents: 10000, check: { number: '881' }, patientId: pb });
    await B.call('payments.void', { paymentId: b1.payment.id, reason: 'Charged twice' });
    await B.call('drawer.paidOut', { amountCents: 300, reason: 'Parking token' });
    await converge([A, B]);

    // the hub goes down; B closes offline (final on B, marked), A keeps working
    await hub.stop();
    const off = await B.app.sync.syncOnce();
    expect(off.ok).toBe(false);
    const closeB = await B.call('drawer.close', { sessionId: sb.id, cash: { b20: 2, b10: 0 }, checksCents: 10000 });
    expect(closeB.result.closedOffline).toBe(true);
    expect(closeB.result.expectedCashCents).toBe(4000 + 5000 - 1000 - 4000 - 300);
    await A.call('payments.record', { type: 'copay', method: 'cash', amountCents: 1500, patientId: pa });

    // A's EOD before B syncs: honest about B
    day = sa.businessDate;
    const early = await A.call('eod.report', { businessDate: day });
    const bEarly = early.completeness.desks.find((d) => d.deskLabel === 'Desk B')!;
    expect(bEarly.openSessions).toBe(1);
    expect(bEarly.lastChangeAt).not.toBeNull();
    expect(early.completeness.warnings.join(' ')).toContain('Desk B');

    await hub.restart();
    await A.call('drawer.close', { sessionId: sa.id, cash: { b20: 5, b10: 4, b5: 2, b1: 0 }, cardCents: 7000 });
    await converge([A, B]);

    const ea = await A.call('eod.report', { businessDate: day });
    const eb = await B.call('eod.report', { businessDate: day });
    const strip = (r: typeof ea) => ({ ...r, generatedAt: '', generatedOnDesk: null, completeness: null, sessions: r.sessions.map((s) => ({ ...s, session: { ...s.session, own: null } })) });
    expect(strip(ea)).toEqual(strip(eb));
    // the sum of the sessions
    expect(ea.sessions).toHaveLength(2);
    const sumNet = ea.sessions.reduce((a, s) => a + s.totals.netByMethod.cash + s.totals.netByMethod.check + s.totals.netByMethod.card + s.totals.netByMethod.other, 0);
    expect(ea.totals.netCents).toBe(sumNet);
    expect(ea.totals.netCents).toBe(2500 + 7000 + 1500 + 4000 + 10000 - 4000);
    expect(ea.byDesk.map((d) => [d.deskLabel, d.netCents])).toEqual([
      ['Desk A', 11000],
      ['Desk B', 10000],
    ]);
    const sB = ea.sessions.find((s) => s.session.deskLabel === 'Desk B')!.session;
    expect(sB.status).toBe('closed');
    expect(sB.close?.closedOffline).toBe(true);
    expect(ea.completeness.desks.find((d) => d.deskLabel === 'Desk B')!.openSessions).toBe(0);
    // at the hub: both closed, B's close reconciled when it arrived
    const hs = await hub.db.query<{ desk_label: string; status: string; closed_offline: boolean; reconciled_at: unknown }>('SELECT desk_label, status, closed_offline, reconciled_at FROM pay_sessions ORDER BY desk_label');
    expect(hs.rows.map((r) => [r.desk_label, r.status, r.closed_offline, r.reconciled_at !== null])).toEqual([
      ['Desk A', 'closed', false, true],
      ['Desk B', 'closed', true, true],
    ]);
    expect(Number((await hub.db.query<{ n: unknown }>('SELECT COUNT(*) n FROM pay_payments')).rows[0]!.n)).toBe(6);
    expect(rejected(A)).toEqual([]);
    expect(rejected(B)).toEqual([]);

    // receipt numbers are unique across the two desks
    const receipts = (A.app.store.db.prepare('SELECT receipt_no FROM payments').all() as { receipt_no: string }[]).map((r) => r.receipt_no);
    expect(new Set(receipts).size).toBe(receipts.length);
    expect(receipts.every((r) => /^D\d+-\d{6}$/.test(r))).toBe(true);
  }, 120_000);

  it('a closed session stays closed through sync: the desk copy refuses changes, the hub refuses ops on it', async () => {
    const sessions = (await A.call('drawer.sessions', { businessDate: day })).sessions;
    expect(sessions).toHaveLength(2);
    const sB = sessions.find((s) => s.deskLabel === 'Desk B')!;
    const sA = sessions.find((s) => s.deskLabel === 'Desk A')!;
    // raw SQL on A's copy of B's closed session
    expect(() => A.app.store.db.prepare("UPDATE drawer_sessions SET note = 'x' WHERE id = ?").run(sB.id)).toThrow(/immutable/);
    expect(() => A.app.store.db.prepare('DELETE FROM payments WHERE session_id = ?').run(sB.id)).toThrow(/append-only/);

    const pB = (B.app.store.db.prepare('SELECT * FROM payments WHERE session_id = ? LIMIT 1').get(sB.id) as { patient_id: string; id: string; receipt_no: string });
    const forged: Payment = {
      id: newId(), sessionId: sB.id, deskId: A.app.store.deskId, receiptNo: 'D9-000001', kind: 'payment', type: 'copay', method: 'cash', amountCents: 100, tenderedCents: 100, changeCents: 0,
      check: null, card: null, otherRef: '', patientId: pB.patient_id, appointmentId: null, note: '', reversesId: null, reason: '', recordedAt: new Date().toISOString(),
      recordedBy: { userId: 'x', userName: 'X' }, approvedBy: null, businessDate: sB.businessDate,
    };
    // A writes into B's session: refused as foreign
    push(A, 'payment.recorded', forged.id, { payment: forged });
    // B writes into its own CLOSED session: refused
    const own = { ...forged, id: newId(), deskId: B.app.store.deskId };
    push(B, 'payment.recorded', own.id, { payment: own });
    // B closes its closed session again: refused
    push(B, 'drawer.closed', sB.id, { sessionId: sB.id, close: sB.close });
    // A moves cash in B's session: refused as foreign
    push(A, 'drawer.paid_out', sB.id, { movement: { id: newId(), sessionId: sB.id, kind: 'paid_out', amountCents: 100, reason: 'x', at: new Date().toISOString(), by: { userId: 'x', userName: 'X' } } });
    // a card number in a note of an otherwise fine op: refused
    await A.call('drawer.open', { float: FLOAT });
    const open = (await A.call('drawer.current', {})).session!;
    push(A, 'drawer.paid_in', open.id, { movement: { id: newId(), sessionId: open.id, kind: 'paid_in', amountCents: 100, reason: 'card 4111 1111 1111 1111', at: new Date().toISOString(), by: { userId: 'x', userName: 'X' } } });
    await converge([A, B]);
    expect(rejected(A).map((r) => r.rejected_reason)).toEqual(['foreign-entity', 'foreign-entity', 'invalid-payload']);
    expect(rejected(A)[2]!.rejected_message).toContain('card number');
    expect(rejected(B).map((r) => [r.rejected_reason, r.rejected_message.includes('closed')])).toEqual([
      ['data-error', true],
      ['data-error', true],
    ]);
    // nothing changed anywhere
    for (const d of [A, B]) expect(d.count('payments', `WHERE session_id = '${sB.id}'`)).toBe(3);
    expect(Number((await hub.db.query<{ n: unknown }>('SELECT COUNT(*) n FROM pay_payments')).rows[0]!.n)).toBe(6);
    expect(sA.status).toBe('closed');

    // the hub's own tables refuse changes (triggers)
    await expect(hub.db.query('UPDATE pay_payments SET amount_cents = 1')).rejects.toThrow(/append-only/);
    await expect(hub.db.query('DELETE FROM pay_payments')).rejects.toThrow(/append-only/);
    await expect(hub.db.query(`UPDATE pay_sessions SET desk_label = 'x' WHERE id = '${sB.id}'`)).rejects.toThrow(/immutable/);
    await expect(hub.db.query(`DELETE FROM pay_sessions WHERE id = '${sB.id}'`)).rejects.toThrow(/never deleted/);
    await expect(hub.db.query('DELETE FROM pay_movements')).rejects.toThrow(/append-only/);
  }, 120_000);

  it('the hub refuses refunds of one payment that add up to more than it (e.g. a second desk refunding it offline)', async () => {
    const open = (await A.call('drawer.current', {})).session!;
    const patientId = (A.app.store.db.prepare('SELECT id FROM patients LIMIT 1').get() as { id: string }).id;
    const pay = await A.call('payments.record', { type: 'deposit', method: 'cash', amountCents: 2000, patientId });
    const r1 = await A.call('payments.refund', { paymentId: pay.payment.id, amountCents: 1500, reason: 'Part' });
    // what a desk that had not seen r1 could have sent: refunds of 1,000 then of 500 against the same payment
    const forge = (cents: number, receiptNo: string): Payment => ({ ...r1.payment, id: newId(), receiptNo, amountCents: -cents, recordedAt: new Date().toISOString(), sessionId: open.id });
    const over = forge(1000, 'D9-000101');
    const exact = forge(500, 'D9-000102');
    push(A, 'payment.refunded', over.id, { payment: over });
    push(A, 'payment.refunded', exact.id, { payment: exact });
    await converge([A, B]);
    const rej = rejected(A).filter((r) => r.kind === 'payment.refunded');
    expect(rej).toHaveLength(1);
    expect(rej[0]).toMatchObject({ rejected_reason: 'data-error' });
    expect(rej[0]!.rejected_message).toContain('15.00 already voided/refunded');
    const onHub = (await hub.db.query<{ id: string; amount_cents: string | number }>('SELECT id, amount_cents FROM pay_payments WHERE reverses_id = $1 ORDER BY amount_cents', [pay.payment.id])).rows;
    expect(onHub.map((r) => [r.id, Number(r.amount_cents)])).toEqual([
      [r1.payment.id, -1500],
      [exact.id, -500],
    ]);
  }, 120_000);
});
