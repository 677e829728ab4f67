/**
 * Read side of the visits domain: today's board (ONE query over the day index, no per-row look-ups) and the check-in
 * context of one appointment.
 */
import type Database from 'better-sqlite3';
import { stmt } from '../store/stmt-cache.js';
import type { Appointment, AppointmentStatus, AppointmentType } from '../../shared/domain/visit.js';
import type { PatientInput } from '../../shared/domain/patient.js';
import type { BoardRow, CheckInContext } from '../../shared/api/visits.js';
import { requiredConsentDue, consentsDue } from '../../shared/visits/consents.js';
import { primaryCoverageStale, staleCoverages, addressStale } from '../../shared/visits/stale.js';
import { copayDue } from '../../shared/visits/copay.js';
import { addressConfirmedOn, getDirectory } from './repo.js';
import { patientRow, parseDoc } from '../patients/repo.js';
import { readSettings } from '../users/repo.js';
import { businessDate } from '../../shared/dates.js';

export interface BoardFilter {
  businessDate: string;
  departmentIds: string[];
  providerIds: string[];
  statuses: AppointmentStatus[];
}

interface BoardSqlRow {
  doc: string;
  family: string | null;
  given: string | null;
  birth_date: string | null;
  mrn: string | null;
  consents: string | null;
  coverages: string | null;
  provider_name: string | null;
  department_name: string | null;
  department_code: string | null;
  type_name: string | null;
  type_doc: string | null;
  /** net of the copay payments linked to the appointment (payments domain; voids and refunds are negative rows) */
  copay_net?: number | null;
}

/**
 * The net of an appointment's copay payments (a void or refund row keeps its original's appointment id), looked up
 * through the patient's payments (index payments_patient): a copay linked and then voided is due again on the board.
 */
export const COPAY_NET_SQL = `(SELECT SUM(pay.amount_cents) FROM payments pay WHERE pay.patient_id = a.patient_id AND pay.appointment_id = a.id AND pay.type = 'copay')`;

/**
 * The board query: the day's appointments by the (business_date, start) index, joined to the patient's list columns
 * and only the two JSON members the flags need (consents, coverages: json_extract, not the whole document), and to
 * the directory names. Filters are bound as JSON arrays (json_each), so the statement text is one and stays cached.
 */
/** The columns boardRow reads, from an appointment `a` and its joins (callers add WHERE and ORDER BY). */
export const BOARD_ROW_FROM = `
  SELECT a.doc, p.family, p.given, p.birth_date, p.mrn,
         json_extract(p.doc, '$.consents') AS consents, json_extract(p.doc, '$.coverages') AS coverages,
         dp.name AS provider_name, dd.name AS department_name, dd.code AS department_code, dt.name AS type_name, dt.doc AS type_doc,
         ${COPAY_NET_SQL} AS copay_net
  FROM visit_appointments a
  LEFT JOIN patients p ON p.id = a.patient_id
  LEFT JOIN visit_directory dp ON dp.entity_type = 'provider' AND dp.id = a.provider_id
  LEFT JOIN visit_directory dd ON dd.entity_type = 'department' AND dd.id = a.department_id
  LEFT JOIN visit_directory dt ON dt.entity_type = 'appointment_type' AND dt.id = a.type_id`;

export const BOARD_SQL = `${BOARD_ROW_FROM}
  WHERE a.business_date = @day
    AND (@deps = '[]' OR a.department_id IN (SELECT value FROM json_each(@deps)))
    AND (@provs = '[]' OR a.provider_id IN (SELECT value FROM json_each(@provs)))
    AND (@stats = '[]' OR a.status IN (SELECT value FROM json_each(@stats)))
  ORDER BY a.start, a.id`;

export function waitMinutes(a: Pick<Appointment, 'arrivedAt' | 'roomedAt'>, nowMs: number): number | null {
  if (!a.arrivedAt) return null;
  const end = a.roomedAt ? Date.parse(a.roomedAt) : nowMs;
  return Math.max(0, Math.floor((end - Date.parse(a.arrivedAt)) / 60_000));
}

export function conflictText(a: Appointment): string | null {
  return a.syncConflict ? a.syncConflict.message : null;
}

export function boardRow(r: BoardSqlRow, nowMs: number, visitDate: string): BoardRow {
  const a = JSON.parse(r.doc) as Appointment;
  const type = r.type_doc ? (JSON.parse(r.type_doc) as AppointmentType) : null;
  const consents = r.consents ? (JSON.parse(r.consents) as PatientInput['consents']) : null;
  const coverages = r.coverages ? (JSON.parse(r.coverages) as PatientInput['coverages']) : null;
  const patientName = a.patientId && r.family !== null ? `${r.family}, ${r.given ?? ''}` : a.pendingPatient ? `${a.pendingPatient.family}, ${a.pendingPatient.given}` : '(no patient)';
  const due = type ? copayDue(type, coverages, visitDate).dueCents : 0;
  let copay: BoardRow['flags']['copay'] = 'none';
  // linked, and not voided / refunded away. null: no copay row of it on this desk yet (the link can arrive by sync
  // before the payment): the link is trusted
  if (a.paymentIds.length > 0 && (r.copay_net === undefined || r.copay_net === null || r.copay_net > 0)) copay = 'collected';
  else if (a.checkIn) copay = a.checkIn.copay.decision === 'collect' ? 'collect' : a.checkIn.copay.dueCents > 0 ? 'not-collected' : 'none';
  else if (due > 0) copay = 'due';
  return {
    id: a.id,
    start: a.start,
    durationMin: a.durationMin,
    status: a.status,
    walkIn: a.walkIn,
    source: a.source,
    patientId: a.patientId,
    patientName,
    birthDate: a.patientId ? (r.birth_date ?? '') : (a.pendingPatient?.birthDate ?? ''),
    mrn: r.mrn ?? '',
    pendingPatient: !a.patientId,
    providerId: a.providerId,
    providerName: r.provider_name ?? '',
    departmentId: a.departmentId,
    departmentName: r.department_name ?? '',
    departmentCode: r.department_code ?? '',
    typeId: a.typeId,
    typeName: r.type_name ?? '',
    arrivedAt: a.arrivedAt,
    roomedAt: a.roomedAt,
    checkedOutAt: a.checkedOutAt,
    waitMinutes: waitMinutes(a, nowMs),
    flags: {
      identityNotVerified: a.checkIn ? !a.checkIn.identity.verified : false,
      consentMissing: consents !== null && requiredConsentDue(consents, visitDate),
      coverageStale: coverages !== null && primaryCoverageStale(coverages, visitDate),
      authorizationRequired: type?.authorizationRequired ?? false,
      copay,
      copayDueCents: a.checkIn ? a.checkIn.copay.dueCents : due,
      syncConflict: conflictText(a),
    },
  };
}

export function loadBoard(db: Database.Database, f: BoardFilter, nowMs: number): BoardRow[] {
  const rows = stmt<[Record<string, string>], BoardSqlRow>(db, BOARD_SQL).all({
    day: f.businessDate,
    deps: JSON.stringify(f.departmentIds),
    provs: JSON.stringify(f.providerIds),
    stats: JSON.stringify(f.statuses),
  });
  return rows.map((r) => boardRow(r, nowMs, f.businessDate));
}

/** What the check-in screen needs: stale coverage/address, consents due, copay due, eligibility placeholder. */
export function checkInContext(db: Database.Database, a: Appointment, visitDate: string): CheckInContext {
  const type = getDirectory<AppointmentType>(db, 'appointment_type', a.typeId);
  const row = a.patientId ? patientRow(db, a.patientId) : undefined;
  const doc = row ? parseDoc(row) : null;
  // registering counts as a confirmation, on the site's business date of the registration (not its UTC date)
  const registeredOn = row ? businessDate(readSettings(db)?.timeZone ?? 'UTC', new Date(row.created_at)) : '';
  const confirmedOn = row ? latestOf(addressConfirmedOn(db, row.id), registeredOn) : '';
  const addr = doc ? addressStale(doc.addresses, confirmedOn, visitDate) : null;
  const primary = doc?.coverages.find((c) => c.rank === 1);
  return {
    businessDate: visitDate,
    patient: row ? { id: row.id, mrn: row.mrn, version: row.version, name: `${row.family}, ${row.given}`, birthDate: row.birth_date } : null,
    staleCoverages: doc ? staleCoverages(doc.coverages, visitDate) : [],
    address: { stale: addr !== null, reason: addr?.reason ?? null, confirmedOn },
    consentsDue: doc ? consentsDue(doc.consents, visitDate) : [],
    copay: type ? copayDue(type, doc?.coverages ?? null, visitDate) : { dueCents: 0, source: 'type-none' },
    primaryCoverageLastVerifiedAt: primary?.lastVerifiedAt ?? '',
    authorizationRequired: type?.authorizationRequired ?? false,
  };
}

function latestOf(a: string, b: string): string {
  return a > b ? a : b;
}
