/**
 * Bench: end-of-day reconciliation (issue 5). A real desk store (SQLite file, WAL, synchronous=FULL) holding BENCH_EOD_DAYS
 * (default 6) business days, each with 10 drawer sessions (10 desks) and BENCH_EOD_PAYMENTS (default 5,000) payments
 * (cash with change, check, card, other; ~3% voids and refunds), paid-in/out and closes. Measured: eodReport(store,
 * date) — exactly what 'eod.report' runs (the day's indexed queries + the one pure computation + completeness), not
 * the audit write. Goal: p95 <= 100 ms.
 * eodReport sums the day in SQL (grouped by session/kind/type/method/clerk, and by quarter hour/method, from covering
 * indexes of desk migration 5) and hands a few hundred lines to the one pure computation.
 * Baseline in the same run on the same file: the naive way — unindexed scans (NOT INDEXED) for the day's rows and a
 * per-row look-up of each payment's session and original (N+1), then the same computation over every row.
 * Also measured in the same run: the previous implementation (every row of the day read into JS as a light line,
 * then the computation), as `previous_p50_ms`. All three must produce the same report (checked before timing).
 * Run alone: npx tsx tests/bench/eod.ts
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDeskApp } from '../../electron/app.js';
import { eodReport } from '../../electron/drawer/eod.js';
import { insertMovement, insertPayment, insertSession, closeSessionRow, paymentFromRow, readPaymentSettings, sessionFromRow, type PaymentRow, type SessionRow } from '../../electron/payments/repo.js';
import { sessionTotalsOf } from '../../electron/payments/totals.js';
import { computeEod } from '../../shared/drawer/eod.js';
import { reconcile } from '../../shared/drawer/expected.js';
import { newId } from '../../shared/ids.js';
import type { DrawerClose } from '../../shared/domain/drawer.js';
import type { Payment } from '../../shared/domain/payment.js';
import { copaysOf } from '../../electron/drawer/eod.js';
import { movementsOfDate, sessionsOfDate } from '../../electron/payments/repo.js';

type Emit = (o: Record<string, unknown>) => void;
type Progress = (msg: string) => void;

const env = (k: string, d: number) => {
  const v = process.env[k];
  const n = v === undefined || v === '' ? d : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${k} must be a positive whole number`);
  return n;
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
function pct(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function benchEod(emit: Emit, progress: Progress): Promise<void> {
  const PAYMENTS = env('BENCH_EOD_PAYMENTS', 5000);
  const DAYS = env('BENCH_EOD_DAYS', 6);
  const SESSIONS = 10;
  const RUNS = env('BENCH_EOD_RUNS', 40);
  const BASE_RUNS = env('BENCH_EOD_BASELINE_RUNS', 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accessdesk-bench-eod-'));
  const app = createDeskApp(dir);
  try {
    await app.dispatcher.call('b', 'setup.initialize', { siteName: 'Bench Clinic', timeZone: 'America/Chicago', deskLabel: 'Desk 1', admin: { username: 'admin', displayName: 'Admin', password: 'correct horse battery' } });
    const db = app.store.db;
    const settings = readPaymentSettings(db);
    progress(`eod: loading ${DAYS} days x ${SESSIONS} sessions x ${PAYMENTS} payments`);
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const days: string[] = [];
    db.transaction(() => {
      for (let day = 0; day < DAYS; day++) {
        const date = `2025-03-${String(3 + day).padStart(2, '0')}`;
        days.push(date);
        const sessions = Array.from({ length: SESSIONS }, (_, i) => ({
          id: newId(), deskId: i === 0 ? app.store.deskId : `desk-${i}`, deskLabel: `Desk ${i + 1}`, businessDate: date, status: 'open' as const,
          openedAt: `${date}T14:00:00.000Z`, openedBy: { userId: `u${i}`, userName: `Clerk ${i}` }, float: { b20: 5, b10: 4, b5: 2 }, floatCents: 15000, own: i === 0, close: null, signOff: null,
        }));
        for (const s of sessions) insertSession(db, s, '');
        const originals: Payment[] = [];
        for (let n = 0; n < PAYMENTS; n++) {
          const s = sessions[n % SESSIONS]!;
          const at = new Date(Date.parse(`${date}T14:00:00Z`) + Math.floor(rnd() * 9 * 3600_000)).toISOString();
          const r = rnd();
          let p: Payment;
          const base = { sessionId: s.id, deskId: s.deskId, patientId: newId(), appointmentId: null, note: '', reason: '', recordedAt: at, recordedBy: s.openedBy, approvedBy: null, businessDate: date, otherRef: '', check: null, card: null };
          const prior = originals.length > 20 ? originals[Math.floor(rnd() * originals.length)]! : undefined;
          if (r < 0.03 && prior && prior.sessionId === s.id && !(prior as { used?: boolean }).used) {
            (prior as { used?: boolean }).used = true;
            p = { ...prior, ...base, id: newId(), receiptNo: `D${n % SESSIONS}-${day}${n}`, kind: r < 0.015 ? 'void' : 'refund', type: prior.type, method: prior.method, amountCents: -prior.amountCents, tenderedCents: 0, changeCents: 0, reversesId: prior.id, check: prior.check, card: prior.card, otherRef: prior.otherRef, reason: 'bench' };
          } else {
            const method = (['cash', 'cash', 'card', 'card', 'check', 'other'] as const)[Math.floor(rnd() * 6)]!;
            const amount = 500 + Math.floor(rnd() * 30000);
            const extra = method === 'cash' ? Math.floor(rnd() * 2000) : 0;
            p = {
              ...base, id: newId(), receiptNo: `D${n % SESSIONS}-${day}${n}`, kind: 'payment', type: (['copay', 'prior_balance', 'deposit', 'prepayment'] as const)[n % 4]!, method, amountCents: amount,
              tenderedCents: method === 'cash' ? amount + extra : 0, changeCents: extra, reversesId: null,
              check: method === 'check' ? { number: String(1000 + n), bank: 'Bank' } : null,
              card: method === 'card' ? { terminalRef: `T${n}`, brand: 'visa', lastFour: '4242', authCode: 'OK' } : null,
              otherRef: method === 'other' ? 'money order' : '',
            };
            originals.push(p);
          }
          insertPayment(db, p);
        }
        for (const s of sessions) {
          insertMovement(db, { id: newId(), sessionId: s.id, kind: 'paid_out', amountCents: 500, reason: 'postage', at: `${date}T18:00:00.000Z`, by: s.openedBy });
          const t = sessionTotalsOf(db, s);
          const counted = t.expectedCashCents - (rnd() < 0.3 ? 300 : 0);
          const rec = reconcile(t, { cashCents: counted, checksCents: t.netByMethod.check, cardCents: t.netByMethod.card, otherCents: null }, settings.varianceToleranceCents);
          const close: DrawerClose = { closedAt: `${date}T23:30:00.000Z`, closedBy: s.openedBy, closedOffline: false, countedCash: { b100: Math.floor(counted / 10000) }, countedCashCents: counted, countedChecksCents: t.netByMethod.check, countedCardCents: t.netByMethod.card, countedOtherCents: null, expectedCashCents: t.expectedCashCents, varianceCashCents: counted - t.expectedCashCents, methods: rec.methods, toleranceCents: settings.varianceToleranceCents, needsSignOff: rec.needsSignOff };
          closeSessionRow(db, s.id, close);
        }
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const date = days[Math.floor(DAYS / 2)]!;

    const naive = () => {
      const rows = db.prepare('SELECT * FROM payments NOT INDEXED WHERE business_date = ?').all(date) as PaymentRow[];
      const sessionRows = new Map<string, SessionRow>();
      const receipt = new Map<string, string>();
      for (const r of rows) {
        // per-row look-ups (N+1), unindexed
        const s = db.prepare('SELECT * FROM drawer_sessions NOT INDEXED WHERE id = ?').get(r.session_id) as SessionRow;
        sessionRows.set(s.id, s);
        if (r.reverses_id) receipt.set(r.reverses_id, (db.prepare('SELECT receipt_no FROM payments NOT INDEXED WHERE id = ?').get(r.reverses_id) as { receipt_no: string }).receipt_no);
      }
      return computeEod({
        businessDate: date, timeZone: 'America/Chicago', siteName: 'Bench', generatedAt: new Date().toISOString(), generatedOnDesk: { deskId: app.store.deskId, deskLabel: 'Desk 1' },
        denominations: settings.denominations, sessions: [...sessionRows.values()].map((s) => sessionFromRow(s, app.store.deskId, null)), payments: rows.map(paymentFromRow), details: rows.filter((r) => r.kind !== 'payment' || r.method === 'check').map(paymentFromRow),
        movements: movementsOfDate(db, date), originalReceiptNo: (id) => receipt.get(id) ?? null, copays: copaysOf(db, date),
        completeness: { enrolled: false, lastSyncAt: null, pendingLocalChanges: 0, desks: [], warnings: [] },
      });
    };

    /** the previous implementation: every row of the day as a light line (raw arrays), hours from each instant */
    const previous = () => {
      const rows = db.prepare('SELECT session_id, kind, type, method, amount_cents, tendered_cents, change_cents, recorded_at, recorded_by, recorded_by_name FROM payments WHERE business_date = ?').raw().all(date) as [string, Payment['kind'], Payment['type'], Payment['method'], number, number, number, string, string, string][];
      const details = db.prepare("SELECT * FROM payments WHERE business_date = ? AND (kind <> 'payment' OR method = 'check')").all(date) as PaymentRow[];
      const receipt = db.prepare('SELECT receipt_no FROM payments WHERE id = ?');
      return computeEod({
        businessDate: date, timeZone: 'America/Chicago', siteName: 'Bench', generatedAt: new Date().toISOString(), generatedOnDesk: { deskId: app.store.deskId, deskLabel: 'Desk 1' },
        denominations: settings.denominations, sessions: sessionsOfDate(db, date, app.store.deskId),
        payments: rows.map((r) => ({ sessionId: r[0], kind: r[1], type: r[2], method: r[3], amountCents: r[4], tenderedCents: r[5], changeCents: r[6], recordedAt: r[7], recordedBy: { userId: r[8], userName: r[9] } })),
        details: details.map(paymentFromRow), movements: movementsOfDate(db, date), originalReceiptNo: (id) => (receipt.get(id) as { receipt_no: string } | undefined)?.receipt_no ?? null, copays: copaysOf(db, date),
        completeness: { enrolled: false, lastSyncAt: null, pendingLocalChanges: 0, desks: [], warnings: [] },
      });
    };

    // warm-up, and all three must agree on every figure
    const a = eodReport(app.store, date);
    const b = naive();
    const c = previous();
    if (a.sessions.length !== SESSIONS || a.totals.paymentCount + a.totals.voidCount + a.totals.refundCount !== PAYMENTS) {
      throw new Error(`eod bench: report incomplete (${a.sessions.length} sessions, ${a.totals.paymentCount} payments)`);
    }
    const figures = (r: typeof a) => ({
      totals: r.totals, byMethod: r.byMethod, byType: r.byType, byClerk: r.byClerk, byDesk: r.byDesk, hours: r.collectionsByHour,
      sessions: r.sessions.map((s) => [s.session.id, s.totals]).sort(), deposit: r.depositSlip, corrections: r.corrections.map((x) => [x.receiptNo, x.amountCents, x.originalReceiptNo]),
    });
    assert.deepStrictEqual(figures(a), figures(c), 'eod bench: the grouped report differs from the previous one');
    assert.deepStrictEqual(figures(a).totals, figures(b).totals, 'eod bench: the grouped report differs from the naive one');
    assert.deepStrictEqual(figures(a).byType, figures(b).byType, 'eod bench: the grouped report differs from the naive one');
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      eodReport(app.store, date);
      times.push(performance.now() - t0);
    }
    const prev: number[] = [];
    for (let i = 0; i < Math.max(5, Math.floor(RUNS / 4)); i++) {
      const t0 = performance.now();
      previous();
      prev.push(performance.now() - t0);
    }
    const base: number[] = [];
    for (let i = 0; i < BASE_RUNS; i++) {
      const t0 = performance.now();
      naive();
      base.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    base.sort((x, y) => x - y);
    prev.sort((x, y) => x - y);
    emit({
      bench: 'eod-reconciliation',
      payments_on_day: PAYMENTS,
      sessions_on_day: SESSIONS,
      payments_total: PAYMENTS * DAYS,
      runs: RUNS,
      p50_ms: round(pct(times, 50)),
      p95_ms: round(pct(times, 95)),
      goal_ms: 100,
      meets_goal: pct(times, 95) <= 100,
      baseline: 'unindexed scans (NOT INDEXED) of the day + per-row session/original look-ups (N+1), same computation',
      baseline_runs: BASE_RUNS,
      baseline_p50_ms: round(pct(base, 50)),
      ratio: round(pct(base, 50) / pct(times, 50), 1),
      ratio_of: 'baseline_p50 / p50',
      previous: 'every row of the day read into JS as a light line, hours from each instant (the implementation before desk migration 5)',
      previous_p50_ms: round(pct(prev, 50)),
      previous_p95_ms: round(pct(prev, 95)),
      previous_ratio: round(pct(prev, 50) / pct(times, 50), 1),
      load_avg_1m: round(os.loadavg()[0] ?? 0, 2),
      cpus: os.cpus().length,
    });
  } finally {
    app.close();
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchEod((o) => process.stdout.write(JSON.stringify(o) + '\n'), (m) => process.stderr.write(`[bench] ${m}\n`)).catch((e) => {
    process.stderr.write(`[bench] failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
