/**
 * Reading the audit log for people: the filters (patient, user, business dates, actions) as one WHERE clause, and the
 * names behind an entry's ids (user display names, patient name + MRN, the visit or receipt an entry is about), so
 * the screen and the CSV read in words. One query per kind of id per page, never one per row.
 */
import type Database from 'better-sqlite3';
import type { AuditRowCore } from './chain.js';
import type { AuditFilter, AuditListEntry } from '../../shared/api/audit.js';
import { auditActionLabel, auditDetailLines, isUuid, type AuditWords } from '../../shared/audit/actions.js';
import { formatUsDate, parseIsoDate } from '../../shared/dates.js';
import { localToInstant } from '../../shared/visits/feeds/time.js';

/** A stored audit row: the fields its hash covers, and the hash. */
export interface AuditRow extends AuditRowCore {
  hash: string;
}

/** 00:00 of a business date in the site's zone (the first instant of that day when midnight does not exist). */
function dayStart(date: string, tz: string): string {
  const d = parseIsoDate(date)!;
  for (let hh = 0; hh < 3; hh++) {
    const i = localToInstant({ y: d.y, m: d.m, d: d.d, hh, mi: 0, ss: 0 }, tz);
    if (i) return i;
  }
  return `${date}T00:00:00.000Z`;
}

function nextDate(date: string): string {
  const d = parseIsoDate(date)!;
  return new Date(Date.UTC(d.y, d.m - 1, d.d + 1)).toISOString().slice(0, 10);
}

/** WHERE clause and parameters for a filter (always at least "1 = 1"). */
export function auditWhere(f: AuditFilter, timeZone: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.action) {
    parts.push('substr(action, 1, length(?)) = ?');
    params.push(f.action, f.action);
  }
  if (f.actions.length) {
    parts.push(`action IN (${f.actions.map(() => '?').join(', ')})`);
    params.push(...f.actions);
  }
  if (f.userId) {
    parts.push('user_id = ?');
    params.push(f.userId);
  }
  if (f.from) {
    parts.push('at >= ?');
    params.push(dayStart(f.from, timeZone));
  }
  if (f.to) {
    parts.push('at < ?');
    params.push(dayStart(nextDate(f.to), timeZone));
  }
  if (f.patientId) {
    // the record itself, its visits and payments, and entries that name it (merges, duplicate overrides)
    parts.push(`(
      (entity_type = 'patient' AND entity_id = ?)
      OR (entity_type = 'appointment' AND entity_id IN (SELECT id FROM visit_appointments WHERE patient_id = ?))
      OR (entity_type = 'payment' AND entity_id IN (SELECT id FROM payments WHERE patient_id = ?))
      OR instr(detail, ?) > 0
    )`);
    params.push(f.patientId, f.patientId, f.patientId, f.patientId);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', params };
}

export function siteInstantText(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(d);
}

const visitTime = (iso: string, tz: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric', minute: '2-digit' }).format(new Date(iso));

const ENTITY_WORDS: Record<string, string> = {
  patient: 'Patient',
  user: 'User',
  appointment: 'Visit',
  payment: 'Payment',
  drawer_session: 'Drawer session',
  department: 'Department',
  provider: 'Provider',
  appointment_type: 'Appointment type',
  site: 'Site',
  audit: 'Audit log',
  business_date: 'Business date',
};

/** Names for every id a page of entries mentions, looked up in batches. */
export class AuditNames {
  private names = new Map<string, string>();
  private patientOf = new Map<string, string>();

  constructor(
    private readonly db: Database.Database,
    private readonly timeZone: string,
    private readonly deskId: string,
  ) {}

  private inBatches(ids: string[], sql: (marks: string) => string, each: (row: Record<string, unknown>) => void): void {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db.prepare(sql(chunk.map(() => '?').join(', '))).all(...chunk) as Record<string, unknown>[];
      rows.forEach(each);
    }
  }

  /** Looks up every id in these rows (entity ids, user ids, uuids inside details). */
  load(rows: readonly AuditRow[]): void {
    const ids = new Set<string>();
    const collect = (v: unknown): void => {
      if (isUuid(v)) ids.add(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    for (const r of rows) {
      collect(r.entity_id);
      collect(r.user_id);
      try {
        collect(JSON.parse(r.detail));
      } catch {
        /* not JSON: shown as it is */
      }
    }
    const todo = [...ids].filter((id) => !this.names.has(id));
    if (!todo.length) return;
    this.inBatches(todo, (m) => `SELECT id, display_name, username FROM users WHERE id IN (${m})`, (u) => this.names.set(String(u.id), `${u.display_name} (${u.username})`));
    const patientIds = new Set(todo);
    // visits and payments name their patient
    this.inBatches(todo, (m) => `SELECT id, start, patient_id FROM visit_appointments WHERE id IN (${m})`, (a) => {
      this.names.set(String(a.id), `Visit ${visitTime(String(a.start), this.timeZone)}`);
      if (a.patient_id) (this.patientOf.set(String(a.id), String(a.patient_id)), patientIds.add(String(a.patient_id)));
    });
    this.inBatches(todo, (m) => `SELECT id, receipt_no, kind, patient_id FROM payments WHERE id IN (${m})`, (p) => {
      this.names.set(String(p.id), `${p.kind === 'payment' ? 'Receipt' : p.kind === 'void' ? 'Void' : 'Refund'} ${p.receipt_no}`);
      this.patientOf.set(String(p.id), String(p.patient_id));
      patientIds.add(String(p.patient_id));
    });
    this.inBatches([...patientIds], (m) => `SELECT id, family, given, mrn FROM patients WHERE id IN (${m})`, (p) => this.names.set(String(p.id), `${p.family}, ${p.given} (MRN ${p.mrn})`));
    this.inBatches(todo, (m) => `SELECT id, entity_type, name, code FROM visit_directory WHERE id IN (${m})`, (d) => this.names.set(String(d.id), `${ENTITY_WORDS[String(d.entity_type)] ?? 'Entry'} ${d.name} (${d.code})`));
    this.inBatches(todo, (m) => `SELECT id, desk_label, business_date FROM drawer_sessions WHERE id IN (${m})`, (s) => this.names.set(String(s.id), `Drawer at ${s.desk_label}, ${formatUsDate(String(s.business_date))}`));
    // other desks by the label their drawer sessions carry
    this.inBatches(todo, (m) => `SELECT desk_id, MAX(desk_label) AS desk_label FROM drawer_sessions WHERE desk_id IN (${m}) GROUP BY desk_id`, (s) => this.names.set(String(s.desk_id), String(s.desk_label)));
  }

  name(id: string): string | undefined {
    if (id === this.deskId) return 'this desk';
    const n = this.names.get(id);
    const pid = this.patientOf.get(id);
    const p = pid ? this.names.get(pid) : undefined;
    return n && p ? `${n}: ${p}` : n;
  }

  /** The entity an entry is about, in words. */
  subject(r: AuditRow): string {
    const what = ENTITY_WORDS[r.entity_type] ?? r.entity_type.replace(/_/g, ' ');
    if (!r.entity_id) return '';
    if (r.entity_type === 'user' && r.entity_id === 'unknown') return 'A user name this desk does not know';
    if (r.entity_type === 'business_date' && parseIsoDate(r.entity_id)) return `${what} ${formatUsDate(r.entity_id)}`;
    if (!isUuid(r.entity_id)) return r.entity_type === 'site' || r.entity_type === 'audit' ? what : `${what} ${r.entity_id}`;
    const n = this.name(r.entity_id);
    if (!n) return `${what} (not on this desk)`;
    return r.entity_type === 'patient' || r.entity_type === 'user' ? `${what} ${n}` : n;
  }

  words(): AuditWords {
    return { name: (id) => this.name(id), instant: (iso) => siteInstantText(iso, this.timeZone) };
  }
}

export function describeRows(rows: readonly AuditRow[], names: AuditNames): AuditListEntry[] {
  names.load(rows);
  const words = names.words();
  return rows.map((r) => ({
    seq: r.seq,
    id: r.id,
    at: r.at,
    userId: r.user_id,
    userName: r.user_name,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    detail: r.detail,
    hash: r.hash,
    actionLabel: auditActionLabel(r.action),
    subject: names.subject(r),
    details: auditDetailLines(r.detail, words),
  }));
}
