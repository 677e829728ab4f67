/**
 * End of day on the desk: gathers the business date's rows (every desk's sessions this desk holds: other desks'
 * arrive by sync, electron/payments/sync.ts), hands them to the one pure computation (shared/drawer/eod.ts), and says
 * plainly what may be missing (desks not heard from, open sessions elsewhere, this desk's unsent changes).
 * Exports: CSV (csv-stringify) and PDF (the print layer's report renderer). Neither can hold a card number: no card
 * number is ever stored (shared/payments/card-guard.ts), and the exports are built only from stored rows.
 */
import { stringify } from 'csv-stringify/sync';
import type Database from 'better-sqlite3';
import type { Store } from '../store/store.js';
import { stmt } from '../store/stmt-cache.js';
import { getMeta } from '../store/db.js';
import { readSettings } from '../users/repo.js';
import { deskSyncFor } from '../sync/desk-sync.js';
import { pendingOps } from '../sync/local.js';
import { computeEod, type EodDetailLine } from '../../shared/drawer/eod.js';
import type { EodReport } from '../../shared/drawer/eod-schema.js';
import { decodeHlc } from '../../shared/hlc.js';
import { formatUsDate } from '../../shared/dates.js';
import { centsToPlain, formatCents } from '../../shared/payments/money.js';
import { PAYMENT_TYPE_LABELS } from '../../shared/domain/payment.js';
import type { CopayNotCollectedReason } from '../../shared/domain/visit.js';
import { checkLinesOfDate, correctionsOfDate, movementsOfDate, paymentFromRow, paymentGroupsOfDate, paymentHoursOfDate, readPaymentSettings, sessionsOfDate } from '../payments/repo.js';
import { renderReport, type ReportSection } from '../print/index.js';

function tableExists(db: Database.Database, name: string): boolean {
  return !!stmt<[string], { x: number }>(db, "SELECT 1 x FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

/** How the report words each reason a copay due was not collected (check-in reasons, then what the payments show). */
export const COPAY_REASON_TEXT: Record<CopayNotCollectedReason | 'not-taken' | 'reversed' | 'partial', string> = {
  'no-copay': 'No copay for this visit',
  'patient-declined': 'Patient declined / cannot pay now',
  'will-bill': 'Bill the patient later',
  hardship: 'Financial hardship',
  other: 'Other',
  'not-taken': 'Marked “collect” at check-in, but no copay payment is linked',
  reversed: 'Collected, then voided or refunded',
  partial: 'Collected in part',
};

type CopayRow = { id: string; start: string; family: string | null; given: string | null; mrn: string | null; due: number | null; decision: string | null; reason: string | null; note: string | null; net: number | null; taken: number | null };

/**
 * Copays due at the day's check-ins (visits domain: the check-in record's copay decision) vs collected (copay payments
 * carrying the appointment id, net of their voids and refunds — a void/refund row keeps its original's appointment id).
 * ONE query: the appointments of the date with a check-in record, each joined with its copay payments' sum. An undone
 * arrival clears the check-in record, so it is not counted.
 */
export function copaysOf(db: Database.Database, businessDate: string): EodReport['copays'] {
  const none: EodReport['copays'] = {
    available: false,
    note: 'Check-in records (visits) are not on this desk yet: copays due cannot be compared.',
    dueCount: 0,
    dueCents: 0,
    collectedCount: 0,
    partialCount: 0,
    collectedCents: 0,
    collectionRate: null,
    notCollected: [],
    byReason: [],
  };
  if (!tableExists(db, 'visit_appointments')) return none;
  const rows = stmt<[string, string], CopayRow>(
    db,
    `SELECT a.id, a.start, pt.family, pt.given, pt.mrn,
            json_extract(a.doc, '$.checkIn.copay.dueCents') AS due,
            json_extract(a.doc, '$.checkIn.copay.decision') AS decision,
            json_extract(a.doc, '$.checkIn.copay.reason') AS reason,
            json_extract(a.doc, '$.checkIn.copay.note') AS note,
            p.net, p.taken
       FROM visit_appointments a
       LEFT JOIN patients pt ON pt.id = a.patient_id
       LEFT JOIN (SELECT appointment_id, SUM(amount_cents) AS net, SUM(kind = 'payment') AS taken
                    FROM payments
                   WHERE type = 'copay' AND appointment_id IN (SELECT id FROM visit_appointments WHERE business_date = ?)
                   GROUP BY appointment_id) p ON p.appointment_id = a.id
      WHERE a.business_date = ? AND json_extract(a.doc, '$.checkIn') IS NOT NULL
      ORDER BY a.start, a.id`,
  ).all(businessDate, businessDate);
  let dueCount = 0;
  let dueCents = 0;
  let collectedCount = 0;
  let partialCount = 0;
  let collectedCents = 0;
  const notCollected: EodReport['copays']['notCollected'] = [];
  const byReason = new Map<string, EodReport['copays']['byReason'][number]>();
  for (const r of rows) {
    const due = typeof r.due === 'number' ? r.due : 0;
    if (due <= 0) continue;
    dueCount++;
    dueCents += due;
    const net = Math.max(0, r.net ?? 0);
    const got = Math.min(net, due);
    collectedCents += got;
    if (got >= due) {
      collectedCount++;
      continue;
    }
    let code: keyof typeof COPAY_REASON_TEXT;
    if (got > 0) {
      partialCount++;
      code = 'partial';
    } else if ((r.taken ?? 0) > 0) code = 'reversed';
    else if (r.decision === 'not-collected' && r.reason && r.reason in COPAY_REASON_TEXT) code = r.reason as CopayNotCollectedReason;
    else code = 'not-taken';
    let reason = COPAY_REASON_TEXT[code];
    if (code === 'partial') reason += `: ${formatCents(got)} of ${formatCents(due)}`;
    if (r.decision === 'not-collected' && r.note) reason += ` — ${r.note}`;
    const patientName = r.family !== null ? `${r.family}, ${r.given ?? ''}` : '';
    notCollected.push({ appointmentId: r.id, start: r.start, patientName, mrn: r.mrn ?? '', dueCents: due, collectedCents: got, reasonCode: code, reason });
    const g = byReason.get(code) ?? { reasonCode: code, reason: COPAY_REASON_TEXT[code], count: 0, dueCents: 0, uncollectedCents: 0 };
    g.count++;
    g.dueCents += due;
    g.uncollectedCents += due - got;
    byReason.set(code, g);
  }
  return {
    available: true,
    note: 'Copays due recorded at check-in (visits) compared with the copay payments linked to each appointment, net of voids and refunds.',
    dueCount,
    dueCents,
    collectedCount,
    partialCount,
    collectedCents,
    collectionRate: dueCents > 0 ? collectedCents / dueCents : null,
    notCollected,
    byReason: [...byReason.values()].sort((a, b) => b.count - a.count || a.reasonCode.localeCompare(b.reasonCode)),
  };
}

/** An instant as the clerk reads it: the site's local date and time ("11/22/2026, 5:56 PM"). */
function siteTime(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function hlcInstant(hlc: string): string | null {
  try {
    return new Date(decodeHlc(hlc).wall).toISOString();
  } catch {
    return null;
  }
}

export function completenessOf(store: Store, businessDate: string, sessions: EodReport['sessions']): EodReport['completeness'] {
  const db = store.db;
  const ds = deskSyncFor(store);
  const enrolled = ds?.enrolled ?? false;
  const counts = ds?.local.counts();
  // a standalone desk sends nothing anywhere: its outbox is not "waiting" (and not a gap in its own report)
  const pending = enrolled ? (counts?.pending ?? pendingOps(db)) : 0;
  const lastSyncAt = counts?.lastSyncAt ?? getMeta(db, 'sync.last_sync_at') ?? null;
  const marks = stmt<[], { desk_id: string; desk_label: string; last_hlc: string; received_at: string }>(db, 'SELECT desk_id, desk_label, last_hlc, received_at FROM payment_sync_desks').all();
  const desks = new Map<string, EodReport['completeness']['desks'][number]>();
  for (const m of marks) {
    if (m.desk_id === store.deskId) continue;
    desks.set(m.desk_id, { deskId: m.desk_id, deskLabel: m.desk_label, lastChangeAt: hlcInstant(m.last_hlc), receivedAt: m.received_at, openSessions: 0, note: '' });
  }
  for (const { session: s } of sessions) {
    if (s.deskId === store.deskId) continue;
    let d = desks.get(s.deskId);
    if (!d) desks.set(s.deskId, (d = { deskId: s.deskId, deskLabel: s.deskLabel, lastChangeAt: null, receivedAt: null, openSessions: 0, note: '' }));
    if (s.status === 'open') d.openSessions++;
  }
  const tz = readSettings(db)?.timeZone ?? 'UTC';
  const warnings: string[] = [];
  if (!enrolled) warnings.push('This desk is not connected to a clinic hub: the report shows only the sessions of this desk.');
  else {
    if (pending > 0) warnings.push(`${pending} change(s) of this desk have not reached the hub yet.`);
    warnings.push(lastSyncAt ? `Last completed sync: ${siteTime(lastSyncAt, tz)}. Payments that other desks took after their own last sync before then are not in this report.` : 'This desk has not completed a sync yet: other desks’ payments are missing.');
  }
  for (const d of desks.values()) {
    const parts: string[] = [];
    if (d.lastChangeAt) parts.push(`latest payment/drawer change received from ${d.deskLabel} was made at ${siteTime(d.lastChangeAt, tz)}`);
    else parts.push(`no payment/drawer change received from ${d.deskLabel}`);
    if (d.openSessions > 0) parts.push(`${d.openSessions} session(s) of ${d.deskLabel} still open here: later payments and the close may not have arrived`);
    d.note = parts.join('; ');
    if (d.openSessions > 0) warnings.push(`${d.deskLabel}: ${d.openSessions} drawer session(s) of ${businessDate} not closed (or the close has not arrived).`);
  }
  return { enrolled, lastSyncAt, pendingLocalChanges: pending, desks: [...desks.values()].sort((a, b) => a.deskLabel.localeCompare(b.deskLabel)), warnings };
}

export function eodReport(store: Store, businessDate: string): EodReport {
  const db = store.db;
  const site = readSettings(db);
  const settings = readPaymentSettings(db);
  const sessions = sessionsOfDate(db, businessDate, store.deskId);
  const payments = paymentGroupsOfDate(db, businessDate);
  const hourly = paymentHoursOfDate(db, businessDate);
  const details: EodDetailLine[] = [...correctionsOfDate(db, businessDate).map(paymentFromRow), ...checkLinesOfDate(db, businessDate)];
  const movements = movementsOfDate(db, businessDate);
  const receiptOf = stmt<[string], { receipt_no: string }>(db, 'SELECT receipt_no FROM payments WHERE id = ?');
  const base = computeEod({
    businessDate,
    timeZone: site?.timeZone ?? 'UTC',
    siteName: site?.siteName ?? '',
    generatedAt: store.clock.now().toISOString(),
    generatedOnDesk: { deskId: store.deskId, deskLabel: site?.deskLabel ?? '' },
    denominations: settings.denominations,
    sessions,
    payments,
    hourly,
    details,
    movements,
    originalReceiptNo: (id) => receiptOf.get(id)?.receipt_no ?? null,
    copays: copaysOf(db, businessDate),
    completeness: { enrolled: false, lastSyncAt: null, pendingLocalChanges: 0, desks: [], warnings: [] },
  });
  base.completeness = completenessOf(store, businessDate, base.sessions);
  return base;
}

/** "09:40" in the site's time zone (the not-collected copays list). */
function timeIn(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/**
 * A money cell of the CSV: "-120.00", written as the number it is (a spreadsheet adds it). It is made only from integer
 * cents, so it can never carry a formula; the apostrophe guard is for text cells.
 */
class Amount {
  readonly text: string;
  constructor(cents: number) {
    if (!Number.isInteger(cents)) throw new Error('money cells are integer cents');
    this.text = centsToPlain(cents);
  }
}

const METHOD_LABEL = { cash: 'Cash', check: 'Check', card: 'Card', other: 'Other' } as const;

/**
 * CSV export. csv-stringify (the node-csv project, already the family of our csv-parse) does the quoting rules of
 * RFC 4180 — commas, quotes and line breaks inside values — which hand-joined strings get wrong; and it prefixes
 * nothing, so we neutralise spreadsheet formulas ourselves (cells starting with = + - @ get a leading apostrophe).
 */
export function eodCsv(r: EodReport): string {
  const rows: (string | number)[][] = [];
  const safe = (v: string | number | Amount): string | number => (v instanceof Amount ? v.text : typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  const push = (...cells: (string | number | Amount | null)[]) => rows.push(cells.map((c) => safe(c ?? '')));
  const amt = (cents: number) => new Amount(cents);
  push('section', 'key', 'label', 'count', 'amount', 'detail');
  push('report', 'business_date', r.businessDate, null, null, `${r.siteName} · ${r.timeZone} · generated ${r.generatedAt} on ${r.generatedOnDesk.deskLabel}`);
  push('totals', 'net', 'Net collected', r.totals.paymentCount, amt(r.totals.netCents), '');
  push('totals', 'payments', 'Payments', r.totals.paymentCount, amt(r.totals.paymentsCents), '');
  push('totals', 'voids', 'Voids', r.totals.voidCount, amt(r.totals.voidsCents), '');
  push('totals', 'refunds', 'Refunds', r.totals.refundCount, amt(r.totals.refundsCents), '');
  push('totals', 'paid_in', 'Paid in', null, amt(r.totals.paidInCents), '');
  push('totals', 'paid_out', 'Paid out', null, amt(r.totals.paidOutCents), '');
  for (const m of r.byMethod) push('by_method', m.method, METHOD_LABEL[m.method], m.count, amt(m.netCents), '');
  for (const t of r.byType) push('by_type', t.type, PAYMENT_TYPE_LABELS[t.type], t.count, amt(t.netCents), '');
  for (const c of r.byClerk) push('by_clerk', c.userId, c.userName, c.count, amt(c.netCents), '');
  for (const d of r.byDesk) push('by_desk', d.deskId, d.deskLabel, d.count, amt(d.netCents), `${d.sessions} session(s), ${d.openSessions} open`);
  for (const { session: s, totals: t } of r.sessions) {
    push('session', s.id, `${s.deskLabel} ${s.openedBy.userName}`, t.paymentCount, amt(t.expectedCashCents), `${s.status}${s.close?.closedOffline ? ' (closed offline)' : ''}; float ${centsToPlain(s.floatCents)}; counted cash ${s.close ? centsToPlain(s.close.countedCashCents) : 'n/a'}`);
  }
  for (const c of r.depositSlip.cash) push('deposit_cash', c.code, c.label, c.count, amt(c.cents), '');
  push('deposit', 'floats', 'Less floats kept', null, amt(-r.depositSlip.floatsCents), '');
  for (const c of r.depositSlip.checks) push('deposit_check', c.receiptNo, `Check ${c.number}`, 1, amt(c.amountCents), `${c.bank} · ${c.deskLabel}`);
  push('deposit', 'total', 'Deposit total', null, amt(r.depositSlip.totalCents), `${r.depositSlip.openSessions} session(s) still open, not included`);
  for (const v of r.variances) push('variance', v.sessionId, `${v.deskLabel} ${METHOD_LABEL[v.method]}`, null, amt(v.varianceCents ?? 0), `expected ${centsToPlain(v.expectedCents)}; counted ${v.countedCents === null ? 'n/a' : centsToPlain(v.countedCents)}; ${v.signedOff ? `signed off by ${v.approvedBy?.userName ?? ''}: ${v.reason ?? ''}` : v.beyondTolerance ? 'NOT SIGNED OFF' : 'within tolerance'}`);
  for (const c of r.corrections) push(c.kind, c.receiptNo, `${c.kind} of ${c.originalReceiptNo ?? '?'}`, 1, amt(c.amountCents), `by ${c.recordedBy.userName}${c.approvedBy ? `, approved by ${c.approvedBy.userName}` : ''}; ${c.reason}`);
  push('copays', 'due', 'Copays due at check-in', r.copays.dueCount, amt(r.copays.dueCents), r.copays.note);
  push('copays', 'collected', 'Copays collected', r.copays.collectedCount, amt(r.copays.collectedCents), `${r.copays.partialCount} collected in part`);
  push('copays', 'rate', 'Copay collection rate', r.copays.dueCount, r.copays.collectionRate === null ? '' : (r.copays.collectionRate * 100).toFixed(1) + '%', 'collected / due (dollars)');
  for (const g of r.copays.byReason) push('copay_reason', g.reasonCode, g.reason, g.count, amt(g.uncollectedCents), `due ${centsToPlain(g.dueCents)}`);
  for (const n of r.copays.notCollected) push('copay_not_collected', n.mrn, `${n.patientName || 'Patient not on this desk'} · ${timeIn(n.start, r.timeZone)}`, null, amt(n.dueCents - n.collectedCents), n.reason);
  for (const h of r.collectionsByHour) if (h.totalCents !== 0) push('by_hour', String(h.hour), `${String(h.hour).padStart(2, '0')}:00`, null, amt(h.totalCents), `cash ${centsToPlain(h.cash)}; check ${centsToPlain(h.check)}; card ${centsToPlain(h.card)}; other ${centsToPlain(h.other)}`);
  for (const w of r.completeness.warnings) push('completeness', 'warning', 'May be incomplete', null, null, w);
  for (const d of r.completeness.desks) push('completeness', d.deskId, d.deskLabel, d.openSessions, null, d.note);
  return stringify(rows);
}

/** The EOD report as a PDF (print layer's renderReport: tables and bar charts). */
export async function eodPdf(r: EodReport): Promise<Buffer> {
  const sections: ReportSection[] = [
    {
      kind: 'figures',
      title: 'Totals',
      items: [
        { label: 'Net collected', value: r.totals.netCents, format: 'money' },
        { label: 'Payments', value: r.totals.paymentsCents, format: 'money', note: `${r.totals.paymentCount} payment(s)` },
        { label: 'Voids', value: r.totals.voidsCents, format: 'money', note: `${r.totals.voidCount}` },
        { label: 'Refunds', value: r.totals.refundsCents, format: 'money', note: `${r.totals.refundCount}` },
        { label: 'Deposit total', value: r.depositSlip.totalCents, format: 'money', note: `${r.depositSlip.openSessions} open session(s) not included` },
        { label: 'Copay collection rate', value: r.copays.collectionRate === null ? null : Math.round(r.copays.collectionRate * 1000) / 10, format: 'percent', note: r.copays.available ? `${formatCents(r.copays.collectedCents)} of ${formatCents(r.copays.dueCents)} (${r.copays.collectedCount} of ${r.copays.dueCount} in full)` : 'no check-in data' },
      ],
    },
    { kind: 'text', title: 'Completeness', paragraphs: r.completeness.warnings.length ? [...r.completeness.warnings, ...r.completeness.desks.map((d) => d.note)] : ['Every desk’s sessions of this date are closed and received.'] },
    {
      kind: 'table',
      title: 'By method',
      columns: [{ key: 'm', header: 'Method' }, { key: 'n', header: 'Count', align: 'right', format: 'int' }, { key: 'a', header: 'Net', align: 'right', format: 'money' }],
      rows: r.byMethod.map((m) => ({ m: METHOD_LABEL[m.method], n: m.count, a: m.netCents })),
      totals: { m: 'Total', n: r.byMethod.reduce((a, m) => a + m.count, 0), a: r.totals.netCents },
    },
    { kind: 'bar-chart', title: 'Collections by method', format: 'money', bars: r.byMethod.map((m) => ({ label: METHOD_LABEL[m.method], value: Math.max(0, m.netCents) })) },
    {
      kind: 'bar-chart',
      title: 'Collections by hour',
      format: 'money',
      bars: r.collectionsByHour.filter((h, i, a) => h.totalCents !== 0 || (i > 0 && i < a.length - 1 && a.slice(0, i).some((x) => x.totalCents) && a.slice(i).some((x) => x.totalCents))).map((h) => ({ label: `${h.hour}h`, value: Math.max(0, h.totalCents) })).slice(0, 24).concat(r.collectionsByHour.every((h) => h.totalCents === 0) ? [{ label: '-', value: 0 }] : []),
    },
    {
      kind: 'table',
      title: 'By type',
      columns: [{ key: 't', header: 'Type' }, { key: 'n', header: 'Count', align: 'right', format: 'int' }, { key: 'a', header: 'Net', align: 'right', format: 'money' }],
      rows: r.byType.map((t) => ({ t: PAYMENT_TYPE_LABELS[t.type], n: t.count, a: t.netCents })),
    },
    {
      kind: 'table',
      title: 'By clerk',
      columns: [{ key: 'c', header: 'Clerk' }, { key: 'n', header: 'Count', align: 'right', format: 'int' }, { key: 'a', header: 'Net', align: 'right', format: 'money' }],
      rows: r.byClerk.map((c) => ({ c: c.userName, n: c.count, a: c.netCents })),
    },
    {
      kind: 'table',
      title: 'By desk',
      columns: [{ key: 'd', header: 'Desk' }, { key: 's', header: 'Sessions', align: 'right', format: 'int' }, { key: 'o', header: 'Open', align: 'right', format: 'int' }, { key: 'a', header: 'Net', align: 'right', format: 'money' }],
      rows: r.byDesk.map((d) => ({ d: d.deskLabel, s: d.sessions, o: d.openSessions, a: d.netCents })),
    },
    {
      kind: 'table',
      title: 'Sessions',
      columns: [
        { key: 'd', header: 'Desk' },
        { key: 'u', header: 'Opened by' },
        { key: 's', header: 'Status' },
        { key: 'f', header: 'Float', align: 'right', format: 'money' },
        { key: 'e', header: 'Expected cash', align: 'right', format: 'money' },
        { key: 'c', header: 'Counted cash', align: 'right', format: 'money' },
      ],
      rows: r.sessions.map(({ session: s, totals: t }) => ({ d: s.deskLabel, u: s.openedBy.userName, s: s.status === 'open' ? 'open' : s.close?.closedOffline ? 'closed offline' : 'closed', f: s.floatCents, e: t.expectedCashCents, c: s.close ? s.close.countedCashCents : null })),
    },
    {
      kind: 'table',
      title: 'Deposit slip: cash',
      columns: [{ key: 'l', header: 'Denomination' }, { key: 'n', header: 'Count', align: 'right', format: 'int' }, { key: 'a', header: 'Amount', align: 'right', format: 'money' }],
      rows: [...r.depositSlip.cash.map((c) => ({ l: c.label, n: c.count, a: c.cents })), { l: 'Less floats kept', n: null, a: -r.depositSlip.floatsCents }],
      totals: { l: 'Cash to deposit', n: null, a: r.depositSlip.cashToDepositCents },
    },
    {
      kind: 'table',
      title: 'Deposit slip: checks',
      columns: [{ key: 'r', header: 'Receipt' }, { key: 'n', header: 'Check no.' }, { key: 'b', header: 'Bank' }, { key: 'a', header: 'Amount', align: 'right', format: 'money' }],
      rows: r.depositSlip.checks.map((c) => ({ r: c.receiptNo, n: c.number, b: c.bank, a: c.amountCents })),
      totals: { r: 'Checks', n: null, b: null, a: r.depositSlip.checksCents },
    },
    {
      kind: 'table',
      title: 'Variances',
      columns: [
        { key: 'd', header: 'Desk' },
        { key: 'm', header: 'Method' },
        { key: 'e', header: 'Expected', align: 'right', format: 'money' },
        { key: 'c', header: 'Counted', align: 'right', format: 'money' },
        { key: 'v', header: 'Variance', align: 'right', format: 'money' },
        { key: 's', header: 'Sign-off', width: 3 },
      ],
      rows: r.variances.map((v) => ({ d: v.deskLabel, m: METHOD_LABEL[v.method], e: v.expectedCents, c: v.countedCents, v: v.varianceCents, s: v.signedOff ? `${v.approvedBy?.userName ?? ''}: ${v.reason ?? ''}` : v.beyondTolerance ? 'NOT SIGNED OFF' : 'within tolerance' })),
    },
    {
      kind: 'table',
      title: 'Voids and refunds',
      columns: [
        { key: 'r', header: 'Receipt' },
        { key: 'k', header: 'Kind' },
        { key: 'o', header: 'Of' },
        { key: 'a', header: 'Amount', align: 'right', format: 'money' },
        { key: 'b', header: 'By / approved', width: 2 },
        { key: 'w', header: 'Reason', width: 2 },
      ],
      rows: r.corrections.map((c) => ({ r: c.receiptNo, k: c.kind, o: c.originalReceiptNo ?? '', a: c.amountCents, b: `${c.recordedBy.userName}${c.approvedBy ? ' / ' + c.approvedBy.userName : ''}`, w: c.reason })),
    },
    {
      kind: 'table',
      title: 'Copays not collected',
      columns: [{ key: 't', header: 'Time' }, { key: 'a', header: 'Patient', width: 2 }, { key: 'm', header: 'MRN' }, { key: 'd', header: 'Due', align: 'right', format: 'money' }, { key: 'u', header: 'Not collected', align: 'right', format: 'money' }, { key: 'r', header: 'Reason', width: 3 }],
      rows: r.copays.notCollected.map((n) => ({ t: timeIn(n.start, r.timeZone), a: n.patientName || 'Patient not on this desk', m: n.mrn, d: n.dueCents, u: n.dueCents - n.collectedCents, r: n.reason })),
      emptyText: r.copays.available ? 'None.' : r.copays.note,
    },
  ];
  const out = await renderReport({
    title: `End of day ${formatUsDate(r.businessDate)}`,
    subtitle: `Generated on ${r.generatedOnDesk.deskLabel} · totals ${formatCents(r.totals.netCents)}`,
    siteName: r.siteName,
    generatedAt: r.generatedAt,
    timeZone: r.timeZone,
    sections,
    fileStem: `eod-${r.businessDate}`,
  });
  return Buffer.from(out.pdf);
}
