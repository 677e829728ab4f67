/**
 * Which of a patient's visits of a business date a copay can belong to (payments.record links a copay to its visit in
 * the same transaction; payments.copayVisits feeds the payment dialog's "Visit" choice). Read from the visits
 * domain's day index with the board's own row builder, so the copay flag here is the one the board shows.
 */
import type Database from 'better-sqlite3';
import { stmt } from '../store/stmt-cache.js';
import { boardRow, BOARD_ROW_FROM } from '../visits/board.js';
import type { CopayVisit } from '../../shared/api/payments.js';

const SQL = `${BOARD_ROW_FROM}
  WHERE a.business_date = ? AND a.patient_id = ? AND a.status NOT IN ('cancelled', 'no-show')
  ORDER BY a.start, a.id`;

/** The patient's visits of `businessDate` that are not cancelled or no-show, by time. */
export function copayVisitsOf(db: Database.Database, patientId: string, businessDate: string, nowMs: number): CopayVisit[] {
  const rows = stmt<[string, string], Parameters<typeof boardRow>[0]>(db, SQL).all(businessDate, patientId);
  return rows.map((r) => {
    const b = boardRow(r, nowMs, businessDate);
    return {
      appointmentId: b.id,
      start: b.start,
      status: b.status,
      walkIn: b.walkIn,
      typeName: b.typeName,
      providerName: b.providerName,
      departmentName: b.departmentName,
      copay: b.flags.copay,
      copayDueCents: b.flags.copayDueCents,
    };
  });
}

/**
 * The visit a copay taken without naming one belongs to: the only visit of the day. Several: the clerk must choose
 * ('ask'); none: not a visit's copay.
 */
export function impliedVisit(visits: CopayVisit[]): { kind: 'none' } | { kind: 'one'; appointmentId: string } | { kind: 'ask'; count: number } {
  if (visits.length === 0) return { kind: 'none' };
  if (visits.length === 1) return { kind: 'one', appointmentId: visits[0]!.appointmentId };
  return { kind: 'ask', count: visits.length };
}
