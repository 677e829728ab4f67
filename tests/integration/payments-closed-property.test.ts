/**
 * No sequence lets a closed session change (fast-check over the REAL API on a real SQLite file): random sequences of
 * payments, voids, refunds, paid-in/out, then the close, then more random actions aimed at the closed session and its
 * payments (record, void, refund, paid-in/out, close again). After the close, the session's row, payments and
 * movements are byte-for-byte what they were at the close, and the close's expected cash still equals the one
 * function over the stored rows.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { addUsers, CLERK, FLOAT, registerPatient, signIn, SUPER } from '../support/payments.js';
import { sessionTotalsOf } from '../../electron/payments/totals.js';

let d: TestDesk;
let patientId: string;
const C = 'clerk:1';
const approver = { username: SUPER.username, password: SUPER.password };

beforeAll(async () => {
  d = new TestDesk();
  await d.setup();
  await addUsers(d);
  await signIn(d, C, CLERK);
  patientId = await registerPatient(d);
});
afterAll(() => d.destroy());

type Act = { a: 'pay'; method: 'cash' | 'check' | 'card' | 'other'; amount: number; extra: number } | { a: 'void' | 'refund'; pick: number; amount: number } | { a: 'in' | 'out'; amount: number } | { a: 'close' };
const act: fc.Arbitrary<Act> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ a: fc.constant('pay' as const), method: fc.constantFrom('cash' as const, 'check' as const, 'card' as const, 'other' as const), amount: fc.integer({ min: 1, max: 300_00 }), extra: fc.integer({ min: 0, max: 50_00 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constantFrom('void' as const, 'refund' as const), pick: fc.nat(), amount: fc.integer({ min: 1, max: 100_00 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constantFrom('in' as const, 'out' as const), amount: fc.integer({ min: 1, max: 100_00 }) }) },
  { weight: 1, arbitrary: fc.constant({ a: 'close' as const }) },
);

async function run(sessionId: string, x: Act, ids: string[]): Promise<boolean> {
  let r;
  switch (x.a) {
    case 'pay':
      r = await d.raw(
        'payments.record',
        {
          type: 'copay',
          method: x.method,
          amountCents: x.amount,
          patientId,
          ...(x.method === 'cash' ? { tenderedCents: x.amount + x.extra } : {}),
          ...(x.method === 'check' ? { check: { number: '100' } } : {}),
          ...(x.method === 'card' ? { card: { terminalRef: 'T1', brand: 'visa', lastFour: '1111', authCode: 'A1' } } : {}),
          ...(x.method === 'other' ? { otherRef: 'money order' } : {}),
        },
        C,
      );
      if (r.ok) ids.push((r.value as { payment: { id: string } }).payment.id);
      return r.ok;
    case 'void':
    case 'refund':
      if (!ids.length) return false;
      r = await d.raw(x.a === 'void' ? 'payments.void' : 'payments.refund', { paymentId: ids[x.pick % ids.length]!, reason: 'test', approver, ...(x.a === 'refund' ? { amountCents: x.amount, method: 'cash' } : {}) }, C);
      return r.ok;
    case 'in':
    case 'out':
      return (await d.raw(x.a === 'in' ? 'drawer.paidIn' : 'drawer.paidOut', { amountCents: x.amount, reason: 'test' }, C)).ok;
    case 'close':
      return (await d.raw('drawer.close', { sessionId, cash: { b20: 3 } }, C)).ok;
  }
}

function snapshot(sessionId: string) {
  const db = d.app.store.db;
  return JSON.stringify([
    db.prepare('SELECT * FROM drawer_sessions WHERE id = ?').get(sessionId),
    db.prepare('SELECT * FROM payments WHERE session_id = ? ORDER BY id').all(sessionId),
    db.prepare('SELECT * FROM drawer_movements WHERE session_id = ? ORDER BY id').all(sessionId),
  ]);
}

describe('closed sessions', () => {
  it('no sequence of API actions changes a closed session', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(act, { maxLength: 12 }), fc.array(act, { minLength: 1, maxLength: 8 }), fc.boolean(), async (before, after, reopen) => {
        const cur = await d.call('drawer.current', {}, C);
        if (cur.session) await d.call('drawer.close', { sessionId: cur.session.id, cash: {} }, C);
        const { session } = await d.call('drawer.open', { float: FLOAT }, C);
        const ids: string[] = [];
        for (const x of before.filter((b) => b.a !== 'close')) await run(session.id, x, ids);
        const closed = await d.call('drawer.close', { sessionId: session.id, cash: { b20: 5 } }, C);
        const snap = snapshot(session.id);
        // aimed at the closed session (its payments, the session itself); with or without a new session open, where
        // new payments and refunds of the closed session's payments legitimately go
        if (reopen) await d.call('drawer.open', { float: FLOAT }, C);
        const closedIds = [...ids];
        for (const x of after) {
          const ok = await run(session.id, x, ids);
          if (x.a === 'void' && closedIds.length && (x.pick % ids.length) < closedIds.length) expect(ok, 'void of a closed session payment').toBe(false);
          if (!reopen && x.a !== 'void' && x.a !== 'close') expect(ok, JSON.stringify(x)).toBe(false);
        }
        expect(snapshot(session.id)).toBe(snap);
        expect(sessionTotalsOf(d.app.store.db, session).expectedCashCents).toBe(closed.result.expectedCashCents);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
