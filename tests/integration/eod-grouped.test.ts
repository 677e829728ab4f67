/**
 * The end-of-day report sums the day in SQL (desk migration 5: grouped by session/kind/type/method/clerk, and by the
 * generated quarter-hour column for the hour chart). On a real SQLite file with rows at every minute of several hours,
 * several sessions, clerks, kinds, types and methods, the grouped report must equal the one pure computation over
 * every single row — for zones whose offsets are whole hours, half hours and quarter hours (Kathmandu, +05:45).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { computeEod, type EodInput } from '../../shared/drawer/eod.js';
import { US_DENOMINATIONS, type DrawerSession } from '../../shared/domain/drawer.js';
import type { Payment } from '../../shared/domain/payment.js';
import {
  checkLinesOfDate,
  correctionsOfDate,
  insertPayment,
  insertSession,
  movementsOfDate,
  paymentFromRow,
  paymentGroupsOfDate,
  paymentHoursOfDate,
  sessionsOfDate,
  type PaymentRow,
} from '../../electron/payments/repo.js';
import { eodReport } from '../../electron/drawer/eod.js';
import { newId } from '../../shared/ids.js';

let d: TestDesk;
beforeEach(async () => {
  d = new TestDesk();
  await d.setup();
});
afterEach(() => d.destroy());

const DATE = '2025-03-04';

function load(): void {
  const db = d.app.store.db;
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  db.transaction(() => {
    const sessions: DrawerSession[] = Array.from({ length: 3 }, (_, i) => ({
      id: newId(), deskId: `desk-${i}`, deskLabel: `Desk ${i + 1}`, businessDate: DATE, status: 'open', openedAt: `${DATE}T13:00:00.000Z`,
      openedBy: { userId: `u${i}`, userName: `Clerk ${i}` }, float: { b20: 5 }, floatCents: 10000, own: false, close: null, signOff: null,
    }));
    for (const s of sessions) insertSession(db, s, '');
    const originals: Payment[] = [];
    // one row for every minute from 13:00 to 17:59 UTC (so every quarter-hour boundary of every zone is crossed)
    for (let m = 0; m < 300; m++) {
      const s = sessions[m % 3]!;
      const at = new Date(Date.parse(`${DATE}T13:00:00.000Z`) + m * 60_000 + Math.floor(rnd() * 59_000)).toISOString();
      const clerk = rnd() < 0.5 ? s.openedBy : { userId: 'relief', userName: 'Relief Clerk' };
      const base = { sessionId: s.id, deskId: s.deskId, patientId: newId(), appointmentId: null, note: '', recordedAt: at, recordedBy: clerk, approvedBy: null, businessDate: DATE };
      const prior = originals.find((p) => p.sessionId === s.id && !(p as { used?: boolean }).used && rnd() < 0.1);
      if (prior && m % 7 === 0) {
        (prior as { used?: boolean }).used = true;
        insertPayment(db, { ...prior, ...base, id: newId(), receiptNo: `R-${m}`, kind: m % 2 ? 'void' : 'refund', amountCents: -prior.amountCents, tenderedCents: 0, changeCents: 0, reversesId: prior.id, reason: 'test' });
        continue;
      }
      const method = (['cash', 'check', 'card', 'other'] as const)[m % 4]!;
      const amount = 100 + Math.floor(rnd() * 20000);
      const extra = method === 'cash' ? Math.floor(rnd() * 500) : 0;
      const p: Payment = {
        ...base, id: newId(), receiptNo: `R-${m}`, kind: 'payment', type: (['copay', 'prior_balance', 'deposit', 'prepayment'] as const)[Math.floor(rnd() * 4)]!, method, amountCents: amount,
        tenderedCents: method === 'cash' ? amount + extra : 0, changeCents: extra, reversesId: null, reason: '',
        check: method === 'check' ? { number: String(1000 + m), bank: 'Bank' } : null,
        card: method === 'card' ? { terminalRef: `T${m}`, brand: 'visa', lastFour: '4242', authCode: 'OK' } : null,
        otherRef: method === 'other' ? 'money order' : '',
      };
      originals.push(p);
      insertPayment(db, p);
    }
  })();
}

describe('EOD grouped in SQL = the computation over every row', () => {
  it('every figure, in whole-hour, half-hour and quarter-hour zones', () => {
    load();
    const db = d.app.store.db;
    const rows = db.prepare('SELECT * FROM payments WHERE business_date = ?').all(DATE) as PaymentRow[];
    expect(rows).toHaveLength(300);
    expect(rows.filter((r) => r.kind !== 'payment').length).toBeGreaterThan(3);
    const groups = paymentGroupsOfDate(db, DATE);
    expect(groups.length).toBeLessThan(rows.length / 2); // it is a real reduction
    const common = (timeZone: string): Omit<EodInput, 'payments' | 'details' | 'hourly'> => ({
      businessDate: DATE, timeZone, siteName: 'S', generatedAt: '2025-03-05T06:00:00.000Z', generatedOnDesk: { deskId: 'x', deskLabel: 'X' }, denominations: US_DENOMINATIONS,
      sessions: sessionsOfDate(db, DATE, 'x'), movements: movementsOfDate(db, DATE), originalReceiptNo: (id) => rows.find((r) => r.id === id)?.receipt_no ?? null,
      copays: { available: false, note: '', dueCount: 0, dueCents: 0, collectedCount: 0, partialCount: 0, collectedCents: 0, collectionRate: null, notCollected: [], byReason: [] },
      completeness: { enrolled: false, lastSyncAt: null, pendingLocalChanges: 0, desks: [], warnings: [] },
    });
    for (const tz of ['America/Chicago', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Eucla']) {
      const everyRow = computeEod({ ...common(tz), payments: rows.map(paymentFromRow), details: rows.filter((r) => r.kind !== 'payment' || r.method === 'check').map(paymentFromRow) });
      const grouped = computeEod({ ...common(tz), payments: groups, hourly: paymentHoursOfDate(db, DATE), details: [...correctionsOfDate(db, DATE).map(paymentFromRow), ...checkLinesOfDate(db, DATE)] });
      expect(grouped, tz).toEqual(everyRow);
      expect(grouped.collectionsByHour.filter((h) => h.totalCents !== 0).length, tz).toBeGreaterThanOrEqual(5);
    }
    // and the handler's path (site zone America/Chicago) is the grouped one
    const viaDesk = eodReport(d.app.store, DATE);
    const everyRow = computeEod({ ...common('America/Chicago'), payments: rows.map(paymentFromRow), details: rows.filter((r) => r.kind !== 'payment' || r.method === 'check').map(paymentFromRow) });
    for (const k of ['totals', 'byMethod', 'byType', 'byClerk', 'byDesk', 'collectionsByHour', 'depositSlip', 'corrections'] as const) expect(viaDesk[k], k).toEqual(everyRow[k]);
  });

  it('the EOD queries read their indexes in group order (no table scan, no temp b-tree sort)', () => {
    const db = d.app.store.db;
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(DATE) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT session_id, kind, type, method, recorded_by, MIN(recorded_by_name), COUNT(*), SUM(amount_cents), SUM(tendered_cents), SUM(change_cents) FROM payments WHERE business_date = ? GROUP BY session_id, kind, type, method, recorded_by")).toMatch(/USING COVERING INDEX payments_eod \(business_date=\?\)$/);
    // an index on a VIRTUAL generated column is read in order (no sort) but SQLite still visits the row
    expect(plan('SELECT recorded_quarter, method, SUM(amount_cents) FROM payments WHERE business_date = ? GROUP BY recorded_quarter, method')).toMatch(/^SEARCH payments USING (COVERING )?INDEX payments_eod_time \(business_date=\?\)$/);
  });
});
