/**
 * The commands of the visits domain. Each is ONE Store.command: appointment row + outbox op + audit entry (and, for a
 * check-in, the patient change it implies) in one transaction, or nothing. The row is computed with
 * reduceAppointment (shared/visits/reduce.ts), the same function the hub applies to the op, so desk and hub agree.
 * Exported for in-process callers (demo seeder, desk CSV import) as well as the API handlers.
 */
import { ApiError } from '../../shared/api/errors.js';
import { newId } from '../../shared/ids.js';
import { businessDate } from '../../shared/dates.js';
import type { Actor, CommandTx, Store } from '../store/store.js';
import {
  type Appointment,
  type AppointmentType,
  type CancelReason,
  type CheckInInput,
  type CheckInRecord,
  type Department,
  type Provider,
  type StatusStamp,
  departmentInputSchema,
  providerInputSchema,
  appointmentTypeInputSchema,
} from '../../shared/domain/visit.js';
import type { z } from 'zod';
import { patientInputSchema, type PatientInput } from '../../shared/domain/patient.js';
import {
  DIRECTORY_OP_KINDS,
  VISIT_OP_KINDS,
  arrivedPayload,
  bookedPayload,
  cancelledPayload,
  checkedOutPayload,
  modifiedPayload,
  newAppointment,
  noShowPayload,
  paymentLinkedPayload,
  rescheduledPayload,
  revertedPayload,
  roomedPayload,
  type AppointmentChanges,
} from '../../shared/sync/visits.js';
import { actionOf, reduceAppointment } from '../../shared/visits/reduce.js';
import { refusal } from '../../shared/visits/state.js';
import type { UndoTransition } from '../../shared/visits/state.js';
import { confirmAddress, codeTaken, getAppointment, getDirectory, putAppointment, putDirectory, siteInfo, type DirectoryType } from './repo.js';
import { patientRow, parseDoc, writePatientVersion } from '../patients/repo.js';
import { diffPatient, patchOf } from '../patients/changes.js';

export interface VisitResult {
  appointment: Appointment;
  /** business dates whose board changed (for 'visits.changed') */
  businessDates: string[];
  /** set when the command also changed the patient (check-in: consents, coverage verification) */
  patient?: { id: string; version: number };
}

function stampOf(tx: CommandTx): StatusStamp {
  return { at: tx.now, byUserName: tx.actor.userName, deskLabel: siteInfo(tx.db).deskLabel };
}

function dayOf(tx: CommandTx, a: Appointment): string {
  return businessDate(siteInfo(tx.db).timeZone, new Date(a.start));
}

/** Applies one op to the appointment (reduce), writes row + outbox + audit. Throws a clear ApiError when refused. */
function applyOp(tx: CommandTx, kind: string, payload: unknown, current: Appointment | null, audit: { action: string; detail?: Record<string, unknown> }): Appointment {
  const tz = siteInfo(tx.db).timeZone;
  // the state machine against this desk's state first (a clear refusal, whatever the op's own `from` says)
  const act = current ? actionOf(kind, payload) : null;
  const no = current && act ? refusal(act, current.status, current.lastStatus, tz) : null;
  if (no) throw new ApiError('CONFLICT', no);
  const r = reduceAppointment(current, kind, payload, tz);
  if (r.kind === 'illegal') throw new ApiError('CONFLICT', r.message);
  if (r.kind === 'unknown') throw new ApiError('NOT_FOUND', 'No such appointment.');
  if (r.kind === 'exists') throw new ApiError('CONFLICT', 'This appointment exists already.');
  if (r.kind === 'invalid') throw new ApiError('VALIDATION', r.message);
  putAppointment(tx.db, r.state);
  tx.outbox({ kind, entityId: r.state.id, payload });
  tx.audit({ action: audit.action, entityType: 'appointment', entityId: r.state.id, detail: { status: r.state.status, ...(audit.detail ?? {}) } });
  return r.state;
}

function mustGet(tx: CommandTx, id: string): Appointment {
  const a = getAppointment(tx.db, id);
  if (!a) throw new ApiError('NOT_FOUND', 'No such appointment.');
  return a;
}

function activeRef<T extends { active: boolean }>(tx: CommandTx, type: DirectoryType, id: string, label: string, field: string): T {
  const d = getDirectory<T & Department>(tx.db, type, id);
  if (!d) throw new ApiError('VALIDATION', `Unknown ${label}.`, { fields: { [field]: `Choose a ${label}` } });
  if (!d.active) throw new ApiError('VALIDATION', `This ${label} is no longer active.`, { fields: { [field]: `This ${label} is no longer active` } });
  return d as unknown as T;
}

function mustPatient(tx: CommandTx, patientId: string) {
  const p = patientRow(tx.db, patientId);
  if (!p) throw new ApiError('VALIDATION', 'Unknown patient.', { fields: { patientId: 'Choose a patient' } });
  if (p.merged_into) throw new ApiError('CONFLICT', 'This patient record was merged into another one: book for the surviving record.', { fields: { patientId: 'Merged record' } });
  return p;
}

function emitResult(tx: CommandTx, a: Appointment, before: Appointment | null = null): VisitResult {
  const days = new Set([dayOf(tx, a)]);
  if (before) days.add(dayOf(tx, before));
  return { appointment: a, businessDates: [...days] };
}

// ---- directory --------------------------------------------------------------------------------------------------------

type DirInput = {
  department: z.output<typeof departmentInputSchema>;
  provider: z.output<typeof providerInputSchema>;
  appointment_type: z.output<typeof appointmentTypeInputSchema>;
};
const DIR_KIND: Record<DirectoryType, string> = { department: DIRECTORY_OP_KINDS.department, provider: DIRECTORY_OP_KINDS.provider, appointment_type: DIRECTORY_OP_KINDS.appointmentType };
const DIR_PAYLOAD_KEY: Record<DirectoryType, string> = { department: 'department', provider: 'provider', appointment_type: 'appointmentType' };
const DIR_LABEL: Record<DirectoryType, string> = { department: 'department', provider: 'provider', appointment_type: 'appointment type' };

/** Creates (no id) or changes a directory entry; latest by HLC across desks. */
export function saveDirectory<T extends DirectoryType>(store: Store, actor: Actor, type: T, id: string | undefined, input: DirInput[T]): Department | Provider | AppointmentType {
  return store.command(actor, (tx) => {
    if (id && !getDirectory(tx.db, type, id)) throw new ApiError('NOT_FOUND', `No such ${DIR_LABEL[type]}.`);
    if (codeTaken(tx.db, type, input.code, id)) throw new ApiError('CONFLICT', `Another ${DIR_LABEL[type]} already uses the code ${input.code}.`, { fields: { code: 'Code already in use' } });
    if (type === 'provider') {
      for (const d of (input as DirInput['provider']).departmentIds) {
        if (!getDirectory(tx.db, 'department', d)) throw new ApiError('VALIDATION', 'Unknown department.', { fields: { departmentIds: 'Unknown department' } });
      }
    }
    const doc = { ...input, id: id ?? newId(), updatedAt: tx.now } as Department | Provider | AppointmentType;
    putDirectory(tx.db, type, doc);
    tx.outbox({ kind: DIR_KIND[type], entityId: doc.id, payload: { [DIR_PAYLOAD_KEY[type]]: doc } });
    tx.audit({ action: id ? `${type}.updated` : `${type}.created`, entityType: type, entityId: doc.id, detail: { code: doc.code, active: doc.active } });
    return doc;
  });
}

// ---- appointments -----------------------------------------------------------------------------------------------------

export interface BookInput {
  patientId: string;
  departmentId: string;
  providerId: string;
  typeId: string;
  start: string;
  durationMin?: number;
  note?: string;
}

function bookIn(tx: CommandTx, input: BookInput, opts: { walkIn?: boolean } = {}): Appointment {
  mustPatient(tx, input.patientId);
  activeRef(tx, 'department', input.departmentId, 'department', 'departmentId');
  activeRef(tx, 'provider', input.providerId, 'provider', 'providerId');
  const type = activeRef<AppointmentType>(tx, 'appointment_type', input.typeId, 'appointment type', 'typeId');
  const a = newAppointment({
    id: newId(),
    patientId: input.patientId,
    departmentId: input.departmentId,
    providerId: input.providerId,
    typeId: input.typeId,
    start: new Date(input.start).toISOString(),
    durationMin: input.durationMin ?? type.durationMin,
    walkIn: opts.walkIn ?? false,
    note: input.note ?? '',
    now: tx.now,
  });
  return applyOp(tx, VISIT_OP_KINDS.booked, bookedPayload(a, stampOf(tx)), null, { action: 'appointment.booked', detail: { patientId: a.patientId, walkIn: a.walkIn } });
}

export function book(store: Store, actor: Actor, input: BookInput): VisitResult {
  return store.command(actor, (tx) => emitResult(tx, bookIn(tx, input)));
}

export function reschedule(store: Store, actor: Actor, input: { id: string; start: string; durationMin?: number; providerId?: string; departmentId?: string }): VisitResult {
  return store.command(actor, (tx) => {
    const cur = mustGet(tx, input.id);
    if (input.providerId && input.providerId !== cur.providerId) activeRef(tx, 'provider', input.providerId, 'provider', 'providerId');
    if (input.departmentId && input.departmentId !== cur.departmentId) activeRef(tx, 'department', input.departmentId, 'department', 'departmentId');
    const p = rescheduledPayload(
      { id: cur.id, from: cur.status, start: new Date(input.start).toISOString(), durationMin: input.durationMin ?? cur.durationMin, providerId: input.providerId, departmentId: input.departmentId },
      stampOf(tx),
    );
    const a = applyOp(tx, VISIT_OP_KINDS.rescheduled, p, cur, { action: 'appointment.rescheduled', detail: { from: cur.start, to: p.start } });
    return emitResult(tx, a, cur);
  });
}

export function modify(store: Store, actor: Actor, input: { id: string } & Omit<AppointmentChanges, 'pendingPatient' | 'patientId'> & { patientId?: string }): VisitResult {
  return store.command(actor, (tx) => {
    const cur = mustGet(tx, input.id);
    const changes: AppointmentChanges = {};
    if (input.typeId !== undefined && input.typeId !== cur.typeId) changes.typeId = activeRef<AppointmentType>(tx, 'appointment_type', input.typeId, 'appointment type', 'typeId').id;
    if (input.providerId !== undefined && input.providerId !== cur.providerId) changes.providerId = activeRef<Provider>(tx, 'provider', input.providerId, 'provider', 'providerId').id;
    if (input.departmentId !== undefined && input.departmentId !== cur.departmentId) changes.departmentId = activeRef<Department>(tx, 'department', input.departmentId, 'department', 'departmentId').id;
    if (input.durationMin !== undefined && input.durationMin !== cur.durationMin) changes.durationMin = input.durationMin;
    if (input.note !== undefined && input.note !== cur.note) changes.note = input.note;
    if (input.patientId !== undefined && input.patientId !== cur.patientId) {
      mustPatient(tx, input.patientId);
      changes.patientId = input.patientId;
      changes.pendingPatient = null;
    }
    if (Object.keys(changes).length === 0) throw new ApiError('VALIDATION', 'Nothing to change: the appointment already looks like this.');
    const a = applyOp(tx, VISIT_OP_KINDS.modified, modifiedPayload(cur.id, cur.status, changes, stampOf(tx)), cur, { action: 'appointment.modified', detail: { fields: Object.keys(changes) } });
    return emitResult(tx, a, cur);
  });
}

export function cancel(store: Store, actor: Actor, id: string, reason: CancelReason): VisitResult {
  return store.command(actor, (tx) => {
    const cur = mustGet(tx, id);
    return emitResult(tx, applyOp(tx, VISIT_OP_KINDS.cancelled, cancelledPayload(id, cur.status, reason, stampOf(tx)), cur, { action: 'appointment.cancelled', detail: { reason: reason.code } }));
  });
}

export function noShow(store: Store, actor: Actor, id: string): VisitResult {
  return store.command(actor, (tx) => {
    const cur = mustGet(tx, id);
    return emitResult(tx, applyOp(tx, VISIT_OP_KINDS.noShow, noShowPayload(id, cur.status, stampOf(tx)), cur, { action: 'appointment.no_show' }));
  });
}

export function room(store: Store, actor: Actor, id: string): VisitResult {
  return store.command(actor, (tx) => {
    const cur = mustGet(tx, id);
    return emitResult(tx, applyOp(tx, VISIT_OP_KINDS.roomed, roomedPayload(id, cur.status, stampOf(tx)), cur, { action: 'appointment.roomed' }));
  });
}

export function checkOut(store: Store, actor: Actor, id: string): VisitResult {
  return store.command(actor, (tx) => {
    const cur = mustGet(tx, id);
    return emitResult(tx, applyOp(tx, VISIT_OP_KINDS.checkedOut, checkedOutPayload(id, cur.status, stampOf(tx)), cur, { action: 'appointment.checked_out' }));
  });
}

export function undo(store: Store, actor: Actor, id: string, what: UndoTransition, reason: string): VisitResult {
  return store.command(actor, (tx) => {
    const cur = mustGet(tx, id);
    return emitResult(tx, applyOp(tx, VISIT_OP_KINDS.reverted, revertedPayload(id, cur.status, what, reason, stampOf(tx)), cur, { action: `appointment.${what.replace(/-/g, '_')}`, detail: { from: cur.status } }));
  });
}

export function linkPayment(store: Store, actor: Actor, id: string, paymentId: string): VisitResult {
  return store.command(actor, (tx) => linkPaymentInTx(tx, id, paymentId));
}

/** The payment link inside another domain's command (payments.record links a copay in its own transaction). */
export function linkPaymentInTx(tx: CommandTx, id: string, paymentId: string): VisitResult {
  const cur = mustGet(tx, id);
  if (cur.paymentIds.includes(paymentId)) {
    tx.audit({ action: 'appointment.payment_link_repeated', entityType: 'appointment', entityId: id, detail: { paymentId } });
    return emitResult(tx, cur);
  }
  return emitResult(tx, applyOp(tx, VISIT_OP_KINDS.paymentLinked, paymentLinkedPayload(id, cur.status, paymentId, stampOf(tx)), cur, { action: 'appointment.payment_linked', detail: { paymentId } }));
}

// ---- check-in ---------------------------------------------------------------------------------------------------------

/**
 * The arrival with its check-in record, in one transaction: coverage verification dates and consents captured go
 * into the patient document through the patient writer (new version + 'patient.updated' op, so they sync as a patient
 * change); the address confirmation goes to visit_address_confirmations; then the appointment.arrived op.
 */
function arriveIn(tx: CommandTx, cur: Appointment, input: CheckInInput | undefined): { appointment: Appointment; patient?: { id: string; version: number } } {
  const { timeZone, deskLabel } = siteInfo(tx.db);
  const today = businessDate(timeZone, new Date(tx.now));
  let patient: { id: string; version: number } | undefined;
  let record: CheckInRecord | null = null;
  if (input) {
    if (!cur.patientId) throw new ApiError('CONFLICT', 'This appointment came from the schedule feed without a matched patient: link the patient first.');
    const row = mustPatient(tx, cur.patientId);
    const before = parseDoc(row);
    const doc: PatientInput = structuredClone(before);
    for (const rank of input.coverageVerifiedRanks) {
      const c = doc.coverages.find((x) => x.rank === rank);
      if (!c) throw new ApiError('VALIDATION', `The patient has no ${rank === 1 ? 'primary' : rank === 2 ? 'secondary' : 'tertiary'} coverage to verify.`, { fields: { coverageVerifiedRanks: 'No such coverage' } });
      c.lastVerifiedAt = today;
    }
    for (const k of input.consentsCaptured) {
      doc.consents = doc.consents.filter((x) => x.type !== k.type);
      doc.consents.push({ type: k.type, version: k.version, signedOn: today, signer: k.signer, signerRelationship: k.signerRelationship });
    }
    const parsed = patientInputSchema.safeParse(doc);
    if (!parsed.success) throw new ApiError('VALIDATION', 'The patient record cannot take these check-in changes: fix the patient first.');
    const changes = diffPatient(before, parsed.data);
    if (changes.length > 0) {
      const version = row.version + 1;
      writePatientVersion(tx, { id: row.id, doc: parsed.data, version, action: 'edited', changes });
      tx.outbox({ kind: 'patient.updated', entityId: row.id, payload: { id: row.id, baseVersion: row.version, version, changes: patchOf(changes, parsed.data) } });
      tx.audit({ action: 'patient.updated', entityType: 'patient', entityId: row.id, detail: { version, fields: changes.map((c) => c.field), via: 'check-in', appointmentId: cur.id } });
      patient = { id: row.id, version };
    }
    if (input.addressConfirmed) {
      if (parsed.data.addresses.length === 0) throw new ApiError('VALIDATION', 'The patient has no address to confirm: add it first.', { fields: { addressConfirmed: 'No address on file' } });
      confirmAddress(tx.db, row.id, today, cur.id, tx.now);
    }
    const verified = input.identity.dobReadBack || input.identity.photoIdSeen;
    record = {
      identity: { dobReadBack: input.identity.dobReadBack, photoIdSeen: input.identity.photoIdSeen, verified, notVerifiedReason: verified ? '' : input.identity.notVerifiedReason },
      addressConfirmed: input.addressConfirmed,
      coverageVerifiedRanks: [...input.coverageVerifiedRanks],
      consentsCaptured: input.consentsCaptured.map((k) => ({ type: k.type, version: k.version, signer: k.signer, signerRelationship: k.signerRelationship })),
      copay:
        input.copay.decision === 'collect'
          ? { dueCents: input.copay.dueCents, decision: 'collect', reason: '', note: '' }
          : { dueCents: input.copay.dueCents, decision: 'not-collected', reason: input.copay.reason, note: input.copay.note },
      businessDate: today,
      at: tx.now,
      byUserId: tx.actor.userId,
      byUserName: tx.actor.userName,
      deskLabel,
    };
  }
  const a = applyOp(tx, VISIT_OP_KINDS.arrived, arrivedPayload(cur.id, cur.status, record, stampOf(tx)), cur, {
    action: 'appointment.arrived',
    detail: record
      ? { identityVerified: record.identity.verified, copayDecision: record.copay.decision, copayDueCents: record.copay.dueCents, consents: record.consentsCaptured.map((c) => c.type), coverageVerifiedRanks: record.coverageVerifiedRanks, addressConfirmed: record.addressConfirmed }
      : { checkInRecord: false },
  });
  return { appointment: a, patient };
}

export function checkIn(store: Store, actor: Actor, id: string, input: CheckInInput): VisitResult {
  return store.command(actor, (tx) => {
    const cur = mustGet(tx, id);
    // the state machine first: a cancelled appointment is refused before anything else is looked at
    const no = refusal('arrive', cur.status, cur.lastStatus, siteInfo(tx.db).timeZone);
    if (no) throw new ApiError('CONFLICT', no);
    const out = arriveIn(tx, cur, input);
    return { ...emitResult(tx, out.appointment), patient: out.patient };
  });
}

/**
 * Walk-in: booked "now" and arrived in the same command (two ops, one transaction). arriveNow false: only booked
 * (walk-in, scheduled now; the desk then runs the normal check-in on it, which stamps the arrival).
 */
export function walkIn(
  store: Store,
  actor: Actor,
  input: { patientId: string; departmentId: string; providerId: string; typeId: string; note?: string; checkIn?: CheckInInput; arriveNow?: boolean },
): VisitResult {
  return store.command(actor, (tx) => {
    const booked = bookIn(tx, { ...input, start: tx.now }, { walkIn: true });
    if (input.arriveNow === false) {
      if (input.checkIn) throw new ApiError('VALIDATION', 'A check-in record needs the arrival: leave arriveNow on, or check in afterwards.', { fields: { checkIn: 'Not with arriveNow: false' } });
      return emitResult(tx, booked);
    }
    const out = arriveIn(tx, booked, input.checkIn);
    return { ...emitResult(tx, out.appointment), patient: out.patient };
  });
}
