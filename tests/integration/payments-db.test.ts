/**
 * The database itself refuses changes to money: raw SQL on the real SQLite file, through a SECOND connection that
 * bypasses the app entirely. UPDATE/DELETE of a payment, movement or sign-off: refused always. A closed session's row:
 * refused. New payments/movements in a closed session: refused. An open session changes only by being closed.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { DB_FILE } from '../../electron/store/db.js';
import { FLOAT, registerPatient } from '../support/payments.js';

let d: TestDesk;
let raw: Database.Database;
let sessionId: string;
let paymentId: string;

beforeEach(async () => {
  d = new TestDesk();
  await d.setup();
  const patientId = await registerPatient(d);
  sessionId = (await d.call('drawer.open', { float: FLOAT })).session.id;
  paymentId = (await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 3000, patientId })).payment.id;
  await d.call('drawer.paidOut', { amountCents: 100, reason: 'Stamps' });
  raw = new Database(path.join(d.dir, DB_FILE));
});
afterEach(() => {
  raw.close();
  d.destroy();
});

describe('SQLite refuses', () => {
  it('UPDATE and DELETE of a payment, even in an open session', () => {
    expect(() => raw.prepare('UPDATE payments SET amount_cents = 1 WHERE id = ?').run(paymentId)).toThrow(/append-only/);
    expect(() => raw.prepare('UPDATE payments SET note = ? WHERE id = ?').run('x', paymentId)).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM payments WHERE id = ?').run(paymentId)).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM drawer_movements').run()).toThrow(/append-only/);
    expect(() => raw.prepare('UPDATE drawer_movements SET amount_cents = 1').run()).toThrow(/append-only/);
    expect(raw.prepare('SELECT amount_cents FROM payments WHERE id = ?').pluck().get(paymentId)).toBe(2500);
  });

  it('an open session changes only by being closed, and is never deleted', () => {
    expect(() => raw.prepare('UPDATE drawer_sessions SET float_cents = 0 WHERE id = ?').run(sessionId)).toThrow(/only be closed/);
    expect(() => raw.prepare('DELETE FROM drawer_sessions WHERE id = ?').run(sessionId)).toThrow(/never deleted/);
    expect(() => raw.prepare("UPDATE drawer_sessions SET status = 'closed' WHERE id = ?").run(sessionId)).toThrow(/CHECK constraint/);
  });

  it('a closed session: its row, new payments, new movements and a second sign-off', async () => {
    const closed = await d.call('drawer.close', { sessionId, cash: { b20: 5 } });
    expect(closed.result.needsSignOff).toBe(true);
    const insertPayment = () =>
      raw
        .prepare(
          `INSERT INTO payments (id, session_id, desk_id, receipt_no, kind, type, method, amount_cents, tendered_cents, change_cents, other_ref, patient_id, note, reason, recorded_at, recorded_by, recorded_by_name, business_date)
           VALUES ('p2', ?, 'x', 'X-1', 'payment', 'copay', 'cash', 100, 100, 0, '', 'pt', '', '', '2025-01-01T00:00:00Z', 'u', 'U', '2025-01-01')`,
        )
        .run(sessionId);
    expect(insertPayment).toThrow(/open drawer session/);
    expect(() => raw.prepare("INSERT INTO drawer_movements VALUES ('m2', ?, 'paid_in', 100, 'x', '2025-01-01T00:00:00Z', 'u', 'U')").run(sessionId)).toThrow(/open drawer session/);
    expect(() => raw.prepare("UPDATE drawer_sessions SET close_doc = '{}' WHERE id = ?").run(sessionId)).toThrow(/immutable/);
    expect(() => raw.prepare("UPDATE drawer_sessions SET status = 'open', closed_at = NULL, close_doc = NULL WHERE id = ?").run(sessionId)).toThrow(/immutable/);
    expect(() => raw.prepare('DELETE FROM drawer_sessions WHERE id = ?').run(sessionId)).toThrow(/never deleted/);
    raw.prepare("INSERT INTO drawer_signoffs VALUES ('o1', ?, 'r', 'a', 'A', 'b', 'B', '2025-01-01T00:00:00Z')").run(sessionId);
    expect(() => raw.prepare("INSERT INTO drawer_signoffs VALUES ('o2', ?, 'r', 'a', 'A', 'b', 'B', '2025-01-01T00:00:00Z')").run(sessionId)).toThrow(/UNIQUE/);
    expect(() => raw.prepare("UPDATE drawer_signoffs SET reason = 'other'").run()).toThrow(/final/);
    expect(() => raw.prepare('DELETE FROM drawer_signoffs').run()).toThrow(/final/);
  });

  it('a sign-off before the close, a second open session, and amounts that do not add up', () => {
    expect(() => raw.prepare("INSERT INTO drawer_signoffs VALUES ('o1', ?, 'r', 'a', 'A', 'b', 'B', '2025-01-01T00:00:00Z')").run(sessionId)).toThrow(/after the close/);
    const deskId = raw.prepare('SELECT desk_id FROM drawer_sessions WHERE id = ?').pluck().get(sessionId) as string;
    expect(() =>
      raw.prepare("INSERT INTO drawer_sessions (id, desk_id, desk_label, business_date, status, opened_at, opened_by, opened_by_name, float_counts, float_cents, note) VALUES ('s2', ?, 'D', '2025-01-01', 'open', 't', 'u', 'U', '{}', 0, '')").run(deskId),
    ).toThrow(/UNIQUE/);
    // cash: tendered - change must equal the amount; amounts are integers (STRICT)
    expect(() =>
      raw
        .prepare(
          `INSERT INTO payments (id, session_id, desk_id, receipt_no, kind, type, method, amount_cents, tendered_cents, change_cents, other_ref, patient_id, note, reason, recorded_at, recorded_by, recorded_by_name, business_date)
           VALUES ('p3', ?, 'x', 'X-2', 'payment', 'copay', 'cash', 100, 500, 0, '', 'pt', '', '', 't', 'u', 'U', 'd')`,
        )
        .run(sessionId),
    ).toThrow(/CHECK/);
    expect(() =>
      raw
        .prepare(
          `INSERT INTO payments (id, session_id, desk_id, receipt_no, kind, type, method, amount_cents, tendered_cents, change_cents, other_ref, patient_id, note, reason, recorded_at, recorded_by, recorded_by_name, business_date)
           VALUES ('p4', ?, 'x', 'X-3', 'payment', 'copay', 'card', 12.5, 0, 0, '', 'pt', '', '', 't', 'u', 'U', 'd')`,
        )
        .run(sessionId),
    ).toThrow(/cannot store REAL|datatype mismatch|CHECK/);
  });
});
