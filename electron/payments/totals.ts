/** A session's totals from its rows, through the ONE expected-cash function (shared/drawer/expected.ts). */
import type Database from 'better-sqlite3';
import type { DrawerMovement, DrawerSession, SessionTotals } from '../../shared/domain/drawer.js';
import { sessionTotals } from '../../shared/drawer/expected.js';
import { movementsOfSession, paymentsOfSession } from './repo.js';

export { countValue } from '../../shared/drawer/expected.js';

export function sessionTotalsOf(db: Database.Database, session: Pick<DrawerSession, 'id' | 'floatCents'>): SessionTotals {
  return movementsAndTotals(db, session).totals;
}

export function movementsAndTotals(db: Database.Database, session: Pick<DrawerSession, 'id' | 'floatCents'>): { totals: SessionTotals; movements: DrawerMovement[] } {
  const movements = movementsOfSession(db, session.id);
  const payments = paymentsOfSession(db, session.id).map((r) => ({ kind: r.kind, method: r.method, amountCents: r.amount_cents, tenderedCents: r.tendered_cents, changeCents: r.change_cents }));
  return { totals: sessionTotals(session.floatCents, payments, movements), movements };
}
