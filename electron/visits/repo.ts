/**
 * Store queries of the visits domain: appointment rows <-> Appointment, directory rows, site time zone / desk label.
 * Writers run inside a Store.command or Store.remote transaction.
 */
import type Database from 'better-sqlite3';
import { stmt } from '../store/stmt-cache.js';
import { businessDate } from '../../shared/dates.js';
import type { Appointment, AppointmentType, Department, Provider } from '../../shared/domain/visit.js';

export type DirectoryType = 'department' | 'provider' | 'appointment_type';
export type DirectoryDoc = Department | Provider | AppointmentType;

export function siteInfo(db: Database.Database): { timeZone: string; deskLabel: string } {
  const r = stmt<[], { time_zone: string; desk_label: string }>(db, 'SELECT time_zone, desk_label FROM site WHERE id = 1').get();
  return { timeZone: r?.time_zone ?? 'UTC', deskLabel: r?.desk_label ?? '' };
}

export function appointmentRow(db: Database.Database, id: string): { doc: string; hub_seen: string } | undefined {
  return stmt<[string], { doc: string; hub_seen: string }>(db, 'SELECT doc, hub_seen FROM visit_appointments WHERE id = ?').get(id);
}

export function getAppointment(db: Database.Database, id: string): Appointment | null {
  const r = appointmentRow(db, id);
  return r ? (JSON.parse(r.doc) as Appointment) : null;
}

/** Inserts or replaces the appointment row (business date in the site's time zone). `hubSeen` only from a snapshot. */
export function putAppointment(db: Database.Database, a: Appointment, hubSeen?: Record<string, number>): void {
  const { timeZone } = siteInfo(db);
  const day = businessDate(timeZone, new Date(a.start));
  stmt(
    db,
    `INSERT INTO visit_appointments (id, patient_id, business_date, start, status, department_id, provider_id, type_id, source, external_id, doc, hub_seen, updated_at)
     VALUES (@id, @patient_id, @business_date, @start, @status, @department_id, @provider_id, @type_id, @source, @external_id, @doc, COALESCE(@hub_seen, '{}'), @updated_at)
     ON CONFLICT (id) DO UPDATE SET patient_id = excluded.patient_id, business_date = excluded.business_date, start = excluded.start,
       status = excluded.status, department_id = excluded.department_id, provider_id = excluded.provider_id, type_id = excluded.type_id,
       source = excluded.source, external_id = excluded.external_id, doc = excluded.doc,
       hub_seen = COALESCE(@hub_seen, visit_appointments.hub_seen), updated_at = excluded.updated_at`,
  ).run({
    id: a.id,
    patient_id: a.patientId,
    business_date: day,
    start: a.start,
    status: a.status,
    department_id: a.departmentId,
    provider_id: a.providerId,
    type_id: a.typeId,
    source: a.source,
    external_id: a.externalId,
    doc: JSON.stringify(a),
    hub_seen: hubSeen ? JSON.stringify(hubSeen) : null,
    updated_at: a.updatedAt,
  });
}

export function getDirectory<T extends DirectoryDoc>(db: Database.Database, type: DirectoryType, id: string): T | null {
  const r = stmt<[string, string], { doc: string }>(db, 'SELECT doc FROM visit_directory WHERE entity_type = ? AND id = ?').get(type, id);
  return r ? (JSON.parse(r.doc) as T) : null;
}

export function listDirectory<T extends DirectoryDoc>(db: Database.Database, type: DirectoryType): T[] {
  return stmt<[string], { doc: string }>(db, 'SELECT doc FROM visit_directory WHERE entity_type = ? ORDER BY active DESC, name COLLATE NOCASE')
    .all(type)
    .map((r) => JSON.parse(r.doc) as T);
}

export function putDirectory(db: Database.Database, type: DirectoryType, doc: DirectoryDoc): void {
  const name = 'displayName' in doc ? doc.displayName : doc.name;
  stmt(
    db,
    `INSERT INTO visit_directory (entity_type, id, name, code, active, doc, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (entity_type, id) DO UPDATE SET name = excluded.name, code = excluded.code, active = excluded.active, doc = excluded.doc, updated_at = excluded.updated_at`,
  ).run(type, doc.id, name, doc.code, doc.active ? 1 : 0, JSON.stringify(doc), doc.updatedAt);
}

/** Another directory entry of this type already uses `code` (codes are what feeds send). */
export function codeTaken(db: Database.Database, type: DirectoryType, code: string, exceptId: string | undefined): boolean {
  return !!stmt<[string, string, string], { x: number }>(db, 'SELECT 1 x FROM visit_directory WHERE entity_type = ? AND code = ? COLLATE NOCASE AND id <> ?').get(type, code, exceptId ?? '');
}

export function confirmAddress(db: Database.Database, patientId: string, on: string, appointmentId: string, at: string): void {
  stmt(
    db,
    `INSERT INTO visit_address_confirmations (patient_id, confirmed_on, appointment_id, at) VALUES (?, ?, ?, ?)
     ON CONFLICT (patient_id) DO UPDATE SET confirmed_on = excluded.confirmed_on, appointment_id = excluded.appointment_id, at = excluded.at
     WHERE excluded.confirmed_on >= visit_address_confirmations.confirmed_on`,
  ).run(patientId, on, appointmentId, at);
}

export function addressConfirmedOn(db: Database.Database, patientId: string): string {
  return stmt<[string], { confirmed_on: string }>(db, 'SELECT confirmed_on FROM visit_address_confirmations WHERE patient_id = ?').get(patientId)?.confirmed_on ?? '';
}
