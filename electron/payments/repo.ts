/** Rows of the payments and drawer tables <-> domain objects; the queries the commands, sync and EOD share. */
import type Database from 'better-sqlite3';
import { stmt } from '../store/stmt-cache.js';
import { getMeta, setMeta } from '../store/db.js';
import type { DrawerClose, DrawerMovement, DrawerSession, PaymentSettings, VarianceSignOff } from '../../shared/domain/drawer.js';
import { DEFAULT_PAYMENT_SETTINGS, paymentSettingsSchema } from '../../shared/domain/drawer.js';
import type { Payment, PaymentListItem } from '../../shared/domain/payment.js';
import type { EodCheckLine, EodHourLine, EodPaymentLine } from '../../shared/drawer/eod.js';

export interface SessionRow {
  id: string;
  desk_id: string;
  desk_label: string;
  business_date: string;
  status: 'open' | 'closed';
  opened_at: string;
  opened_by: string;
  opened_by_name: string;
  float_counts: string;
  float_cents: number;
  note: string;
  closed_at: string | null;
  close_doc: string | null;
}

export interface PaymentRow {
  id: string;
  session_id: string;
  desk_id: string;
  receipt_no: string;
  kind: Payment['kind'];
  type: Payment['type'];
  method: Payment['method'];
  amount_cents: number;
  tendered_cents: number;
  change_cents: number;
  check_number: string | null;
  check_bank: string | null;
  card_terminal_ref: string | null;
  card_brand: string | null;
  card_last_four: string | null;
  card_auth_code: string | null;
  other_ref: string;
  patient_id: string;
  appointment_id: string | null;
  note: string;
  reverses_id: string | null;
  reason: string;
  recorded_at: string;
  recorded_by: string;
  recorded_by_name: string;
  approved_by: string | null;
  approved_by_name: string | null;
  business_date: string;
}

interface MovementRow {
  id: string;
  session_id: string;
  kind: 'paid_in' | 'paid_out';
  amount_cents: number;
  reason: string;
  at: string;
  by_id: string;
  by_name: string;
}

interface SignOffRow {
  id: string;
  session_id: string;
  reason: string;
  requested_by: string;
  requested_by_name: string;
  approved_by: string;
  approved_by_name: string;
  at: string;
}

// ---- settings -----------------------------------------------------------------------------------------------------

export function readPaymentSettings(db: Database.Database): PaymentSettings {
  const r = stmt<[], { doc: string }>(db, 'SELECT doc FROM payment_settings WHERE id = 1').get();
  if (!r) return DEFAULT_PAYMENT_SETTINGS;
  const p = paymentSettingsSchema.safeParse(JSON.parse(r.doc));
  return p.success ? p.data : DEFAULT_PAYMENT_SETTINGS;
}

export function writePaymentSettings(db: Database.Database, s: PaymentSettings, now: string, by: string): void {
  stmt(db, 'INSERT INTO payment_settings (id, doc, updated_at, updated_by) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at, updated_by = excluded.updated_by').run(
    JSON.stringify(s),
    now,
    by,
  );
}

/**
 * The clinic's payment settings travel to every desk ('payments.settings_configured'). Denominations are the one part
 * that waits: a desk's open drawer is counted at close with the denominations it was opened with, so a change that
 * arrives while this desk's drawer is open keeps the current denominations and takes the new ones when it closes.
 */
const PENDING_DENOMINATIONS = 'payments.pending_denominations';

/** Applies settings pulled from another desk; returns whether their denominations wait for this desk's drawer to close. */
export function applySyncedPaymentSettings(db: Database.Database, s: PaymentSettings, now: string, by: string, drawerOpen: boolean): boolean {
  const current = readPaymentSettings(db);
  const wait = drawerOpen && JSON.stringify(current.denominations) !== JSON.stringify(s.denominations);
  writePaymentSettings(db, wait ? { ...s, denominations: current.denominations } : s, now, by);
  if (wait) setMeta(db, PENDING_DENOMINATIONS, JSON.stringify(s.denominations));
  else clearPendingDenominations(db);
  return wait;
}

/** Takes denominations that waited for this desk's drawer to close; returns whether there were any. */
export function applyPendingDenominations(db: Database.Database, now: string, by: string): boolean {
  const pending = getMeta(db, PENDING_DENOMINATIONS);
  if (pending === undefined) return false;
  const parsed = paymentSettingsSchema.shape.denominations.safeParse(JSON.parse(pending));
  if (parsed.success) writePaymentSettings(db, { ...readPaymentSettings(db), denominations: parsed.data }, now, by);
  clearPendingDenominations(db);
  return parsed.success;
}

/** A newer write of the settings on this desk replaces whatever waited. */
export function clearPendingDenominations(db: Database.Database): void {
  stmt(db, 'DELETE FROM meta WHERE key = ?').run(PENDING_DENOMINATIONS);
}

// ---- sessions -----------------------------------------------------------------------------------------------------

export function signOffOf(db: Database.Database, sessionId: string): VarianceSignOff | null {
  const r = stmt<[string], SignOffRow>(db, 'SELECT * FROM drawer_signoffs WHERE session_id = ?').get(sessionId);
  return r ? signOffFromRow(r) : null;
}

export function signOffFromRow(r: SignOffRow): VarianceSignOff {
  return { id: r.id, sessionId: r.session_id, reason: r.reason, requestedBy: { userId: r.requested_by, userName: r.requested_by_name }, approvedBy: { userId: r.approved_by, userName: r.approved_by_name }, at: r.at };
}

export function sessionFromRow(r: SessionRow, ownDeskId: string, signOff: VarianceSignOff | null): DrawerSession {
  return {
    id: r.id,
    deskId: r.desk_id,
    deskLabel: r.desk_label,
    businessDate: r.business_date,
    status: r.status,
    openedAt: r.opened_at,
    openedBy: { userId: r.opened_by, userName: r.opened_by_name },
    float: JSON.parse(r.float_counts) as Record<string, number>,
    floatCents: r.float_cents,
    own: r.desk_id === ownDeskId,
    close: r.close_doc ? (JSON.parse(r.close_doc) as DrawerClose) : null,
    signOff,
  };
}

export function sessionRow(db: Database.Database, id: string): SessionRow | undefined {
  return stmt<[string], SessionRow>(db, 'SELECT * FROM drawer_sessions WHERE id = ?').get(id);
}

export function getSession(db: Database.Database, id: string, ownDeskId: string): DrawerSession | null {
  const r = sessionRow(db, id);
  return r ? sessionFromRow(r, ownDeskId, signOffOf(db, id)) : null;
}

export function openSessionRow(db: Database.Database, deskId: string): SessionRow | undefined {
  return stmt<[string], SessionRow>(db, "SELECT * FROM drawer_sessions WHERE desk_id = ? AND status = 'open'").get(deskId);
}

export function insertSession(db: Database.Database, s: DrawerSession, note: string): void {
  stmt(
    db,
    `INSERT INTO drawer_sessions (id, desk_id, desk_label, business_date, status, opened_at, opened_by, opened_by_name, float_counts, float_cents, note)
     VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
  ).run(s.id, s.deskId, s.deskLabel, s.businessDate, s.openedAt, s.openedBy.userId, s.openedBy.userName, JSON.stringify(s.float), s.floatCents, note);
}

export function closeSessionRow(db: Database.Database, sessionId: string, close: DrawerClose): number {
  return stmt(db, "UPDATE drawer_sessions SET status = 'closed', closed_at = ?, close_doc = ? WHERE id = ? AND status = 'open'").run(close.closedAt, JSON.stringify(close), sessionId).changes;
}

export function sessionsOfDate(db: Database.Database, businessDate: string, ownDeskId: string): DrawerSession[] {
  const rows = stmt<[string], SessionRow>(db, 'SELECT * FROM drawer_sessions WHERE business_date = ? ORDER BY desk_label, opened_at').all(businessDate);
  const signOffs = new Map(
    stmt<[string], SignOffRow>(db, 'SELECT o.* FROM drawer_signoffs o JOIN drawer_sessions s ON s.id = o.session_id WHERE s.business_date = ?')
      .all(businessDate)
      .map((r) => [r.session_id, signOffFromRow(r)]),
  );
  return rows.map((r) => sessionFromRow(r, ownDeskId, signOffs.get(r.id) ?? null));
}

// ---- payments -----------------------------------------------------------------------------------------------------

export function paymentFromRow(r: PaymentRow): Payment {
  return {
    id: r.id,
    sessionId: r.session_id,
    deskId: r.desk_id,
    receiptNo: r.receipt_no,
    kind: r.kind,
    type: r.type,
    method: r.method,
    amountCents: r.amount_cents,
    tenderedCents: r.tendered_cents,
    changeCents: r.change_cents,
    check: r.check_number !== null ? { number: r.check_number, bank: r.check_bank ?? '' } : null,
    card: r.card_terminal_ref !== null ? { terminalRef: r.card_terminal_ref, brand: r.card_brand as NonNullable<Payment['card']>['brand'], lastFour: r.card_last_four ?? '', authCode: r.card_auth_code ?? '' } : null,
    otherRef: r.other_ref,
    patientId: r.patient_id,
    appointmentId: r.appointment_id,
    note: r.note,
    reversesId: r.reverses_id,
    reason: r.reason,
    recordedAt: r.recorded_at,
    recordedBy: { userId: r.recorded_by, userName: r.recorded_by_name },
    approvedBy: r.approved_by !== null ? { userId: r.approved_by, userName: r.approved_by_name ?? '' } : null,
    businessDate: r.business_date,
  };
}

export function insertPayment(db: Database.Database, p: Payment): void {
  stmt(
    db,
    `INSERT INTO payments (id, session_id, desk_id, receipt_no, kind, type, method, amount_cents, tendered_cents, change_cents,
       check_number, check_bank, card_terminal_ref, card_brand, card_last_four, card_auth_code, other_ref, patient_id, appointment_id,
       note, reverses_id, reason, recorded_at, recorded_by, recorded_by_name, approved_by, approved_by_name, business_date)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    p.id,
    p.sessionId,
    p.deskId,
    p.receiptNo,
    p.kind,
    p.type,
    p.method,
    p.amountCents,
    p.tenderedCents,
    p.changeCents,
    p.check?.number ?? null,
    p.check?.bank ?? null,
    p.card?.terminalRef ?? null,
    p.card?.brand ?? null,
    p.card?.lastFour ?? null,
    p.card?.authCode ?? null,
    p.otherRef,
    p.patientId,
    p.appointmentId,
    p.note,
    p.reversesId,
    p.reason,
    p.recordedAt,
    p.recordedBy.userId,
    p.recordedBy.userName,
    p.approvedBy?.userId ?? null,
    p.approvedBy?.userName ?? null,
    p.businessDate,
  );
}

export function paymentRow(db: Database.Database, id: string): PaymentRow | undefined {
  return stmt<[string], PaymentRow>(db, 'SELECT * FROM payments WHERE id = ?').get(id);
}

/** Sum of voids and refunds against a payment (<= 0) and whether one of them is a void. */
export function reversalsOf(db: Database.Database, id: string): { reversedCents: number; voided: boolean } {
  const r = stmt<[string], { s: number | null; v: number | null }>(db, "SELECT SUM(amount_cents) s, MAX(kind = 'void') v FROM payments WHERE reverses_id = ?").get(id);
  return { reversedCents: r?.s ?? 0, voided: (r?.v ?? 0) === 1 };
}

export function listItem(db: Database.Database, r: PaymentRow): PaymentListItem {
  const p = paymentFromRow(r);
  const rev = p.kind === 'payment' ? reversalsOf(db, p.id) : { reversedCents: 0, voided: false };
  const pt = stmt<[string], { family: string; given: string; mrn: string }>(db, 'SELECT family, given, mrn FROM patients WHERE id = ?').get(p.patientId);
  return { ...p, patientName: pt ? `${pt.family}, ${pt.given}` : '', patientMrn: pt?.mrn ?? '', reversedCents: rev.reversedCents, voided: rev.voided, refundableCents: p.kind === 'payment' ? Math.max(0, p.amountCents + rev.reversedCents) : 0 };
}

export function paymentsOfSession(db: Database.Database, sessionId: string): PaymentRow[] {
  return stmt<[string], PaymentRow>(db, 'SELECT * FROM payments WHERE session_id = ? ORDER BY recorded_at, id').all(sessionId);
}

/**
 * The day's payment rows GROUPED by session, kind, type, method and clerk, with their sums and counts: every EOD total
 * (sessions, methods, types, clerks, desks) is additive over these groups, so SQLite sums 5,000 rows into a few hundred
 * lines read straight from the covering index payments_eod (migration 5) — no table rows, no per-row JS objects.
 */
export function paymentGroupsOfDate(db: Database.Database, businessDate: string): EodPaymentLine[] {
  const rows = stmt<[string], unknown[]>(
    db,
    `SELECT session_id, kind, type, method, recorded_by, MIN(recorded_by_name), COUNT(*), SUM(amount_cents), SUM(tendered_cents), SUM(change_cents)
       FROM payments INDEXED BY payments_eod
      WHERE business_date = ?
      GROUP BY session_id, kind, type, method, recorded_by`,
  )
    .raw()
    .all(businessDate) as [string, Payment['kind'], Payment['type'], Payment['method'], string, string, number, number, number, number][];
  return rows.map((r) => ({ sessionId: r[0], kind: r[1], type: r[2], method: r[3], recordedBy: { userId: r[4], userName: r[5] }, count: r[6], amountCents: r[7], tenderedCents: r[8], changeCents: r[9] }));
}

/**
 * The day's net collections per quarter hour (UTC; every time zone offset is a whole number of quarter hours) and
 * method, for the hour chart: grouped in SQL on the generated column recorded_quarter ("2025-03-04T14:15", desk
 * migration 5) straight from the covering index payments_eod_time, in index order (no sort, no per-row function).
 */
export function paymentHoursOfDate(db: Database.Database, businessDate: string): EodHourLine[] {
  const rows = stmt<[string], unknown[]>(
    db,
    `SELECT recorded_quarter, method, SUM(amount_cents)
       FROM payments INDEXED BY payments_eod_time
      WHERE business_date = ?
      GROUP BY recorded_quarter, method`,
  )
    .raw()
    .all(businessDate) as [string, Payment['method'], number][];
  return rows.map((r) => ({ at: `${r[0]}:00.000Z`, method: r[1], amountCents: r[2] }));
}

/** Full rows of the day's voids and refunds (the EOD corrections list). */
export function correctionsOfDate(db: Database.Database, businessDate: string): PaymentRow[] {
  return stmt<[string], PaymentRow>(db, "SELECT * FROM payments INDEXED BY payments_date_kind WHERE business_date = ? AND kind IN ('refund', 'void')").all(businessDate);
}

/** The day's check payments, only what the deposit slip needs (a void/refund of a check is in correctionsOfDate). */
export function checkLinesOfDate(db: Database.Database, businessDate: string): EodCheckLine[] {
  const rows = stmt<[string], unknown[]>(db, "SELECT session_id, receipt_no, amount_cents, check_number, check_bank FROM payments INDEXED BY payments_date_kind WHERE business_date = ? AND kind = 'payment' AND method = 'check'")
    .raw()
    .all(businessDate) as [string, string, number, string | null, string | null][];
  return rows.map((r) => ({ sessionId: r[0], kind: 'payment', method: 'check', receiptNo: r[1], amountCents: r[2], check: r[3] !== null ? { number: r[3], bank: r[4] ?? '' } : null }));
}

export function paymentsOfDate(db: Database.Database, businessDate: string): PaymentRow[] {
  return stmt<[string], PaymentRow>(db, 'SELECT * FROM payments WHERE business_date = ?').all(businessDate);
}

// ---- movements ----------------------------------------------------------------------------------------------------

export function movementFromRow(r: MovementRow): DrawerMovement {
  return { id: r.id, sessionId: r.session_id, kind: r.kind, amountCents: r.amount_cents, reason: r.reason, at: r.at, by: { userId: r.by_id, userName: r.by_name } };
}

export function insertMovement(db: Database.Database, m: DrawerMovement): void {
  stmt(db, 'INSERT INTO drawer_movements (id, session_id, kind, amount_cents, reason, at, by_id, by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    m.id,
    m.sessionId,
    m.kind,
    m.amountCents,
    m.reason,
    m.at,
    m.by.userId,
    m.by.userName,
  );
}

export function movementsOfSession(db: Database.Database, sessionId: string): DrawerMovement[] {
  return stmt<[string], MovementRow>(db, 'SELECT * FROM drawer_movements WHERE session_id = ? ORDER BY at, id').all(sessionId).map(movementFromRow);
}

export function movementsOfDate(db: Database.Database, businessDate: string): DrawerMovement[] {
  return stmt<[string], MovementRow>(db, 'SELECT m.* FROM drawer_movements m JOIN drawer_sessions s ON s.id = m.session_id WHERE s.business_date = ?').all(businessDate).map(movementFromRow);
}

export function insertSignOff(db: Database.Database, o: VarianceSignOff): void {
  stmt(db, 'INSERT INTO drawer_signoffs (id, session_id, reason, requested_by, requested_by_name, approved_by, approved_by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    o.id,
    o.sessionId,
    o.reason,
    o.requestedBy.userId,
    o.requestedBy.userName,
    o.approvedBy.userId,
    o.approvedBy.userName,
    o.at,
  );
}
