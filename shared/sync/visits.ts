/**
 * Sync op kinds and payloads of the visits domain (issue 4). Desk: electron/visits/sync.ts; hub: hub/visits/apply.ts.
 *
 * CONVERGENCE RULE (the hub is the authority for appointment state; proven in tests/hub/visits-sync.test.ts):
 *   1. A desk makes a change as one command: its row, an outbox op (kinds below, each transition carrying `from`, the
 *      status the desk saw) and an audit entry. The desk's own row is computed with reduceAppointment (shared/visits/
 *      reduce.ts) — the SAME function the hub uses.
 *   2. The hub applies desk ops in hub order with reduceAppointment against ITS state. A transition that is illegal
 *      from `from` itself is a broken op: RejectOp('invalid-payload'). A transition that was legal on the desk but is
 *      illegal against the hub's state (another desk changed the appointment first: A cancelled while offline B
 *      checked in) is SUPERSEDED: the op is accepted (kept in the feed), the hub state does not move, the refusal is
 *      recorded (hub table visit_conflicts) and put on the appointment itself (`syncConflict`: "Check-in at Desk B
 *      refused: the appointment was cancelled at 09:12 by Ann at Desk A"), so every board shows it.
 *   3. After EVERY appointment op it applied or superseded, the hub records a hub-authored `appointment.state`
 *      snapshot (recordHubOp, same transaction, next serverSeq): the full hub state, `seen` = per desk the highest desk
 *      seq of that desk's ops on this appointment the hub has processed, and the conflict if any.
 *   4. Desks take appointment state from snapshots only: a pulled `appointment.state` replaces the row, then the
 *      desk re-applies (reduceAppointment) its own ops on that appointment that the snapshot has not seen yet (outbox
 *      desk_seq > seen[deskId], not rejected). Other desks' appointment.* ops are recorded as applied without changing
 *      the row (their effect arrives in the snapshot that follows them).
 *   => After all ops are pushed and pulled, the last feed entry of every appointment is a snapshot that has seen every
 *      op, so every desk holds exactly the hub's state; a refused clerk action stays visible as `syncConflict`.
 *   Directory kinds (department/provider/appointment_type.upserted): latest by (hlc, opId), like users and the site.
 *
 * FOR SCHEDULE FEEDS (HL7 SIU, CSV at the hub): do not call recordHubOp yourself for appointments. Build the payload
 * with the builders below (bookedPayload, rescheduledPayload, modifiedPayload, cancelledPayload, noShowPayload, with
 * `feedStamp('HL7 feed')`) and call `authorAppointmentOp(tx, { kind, entityId, payload }, now)` from
 * hub/visits/apply.ts inside the hub write transaction: it validates with the state machine (throws RejectOp with a
 * clear message for an illegal transition, e.g. S15 for an appointment already checked in), updates the hub state,
 * records the op as a hub-authored change (desk id HUB_AUTHOR_DESK_ID) and the snapshot that desks apply.
 * Look-ups for feeds: hubAppointmentByExternalId(tx, source, externalId), hubDirectoryByCode(tx, 'department' |
 * 'provider' | 'appointment_type', code) in hub/visits/apply.ts. A feed appointment whose patient is not matched yet
 * has patientId null and pendingPatient set; link it later with modifiedPayload({ patientId }).
 * Desk-side CSV import (electron/visits/import/) uses the desk commands instead (electron/visits/commands.ts).
 */
import { z } from 'zod';
import {
  appointmentSchema,
  appointmentTypeSchema,
  cancelReasonSchema,
  checkInRecordSchema,
  departmentSchema,
  pendingPatientSchema,
  providerSchema,
  statusStampSchema,
  syncConflictSchema,
  APPOINTMENT_STATUSES,
  type Appointment,
  type AppointmentStatus,
  type CancelReason,
  type StatusStamp,
} from '../domain/visit.js';
import { UNDO_TRANSITIONS, type UndoTransition } from '../visits/state.js';

export const VISIT_OP_KINDS = {
  booked: 'appointment.booked',
  rescheduled: 'appointment.rescheduled',
  modified: 'appointment.modified',
  cancelled: 'appointment.cancelled',
  noShow: 'appointment.no_show',
  arrived: 'appointment.arrived',
  roomed: 'appointment.roomed',
  checkedOut: 'appointment.checked_out',
  reverted: 'appointment.reverted',
  paymentLinked: 'appointment.payment_linked',
  /** hub-authored only: the hub's full state of one appointment after an op (rule 3 above) */
  state: 'appointment.state',
} as const;
export const DIRECTORY_OP_KINDS = {
  department: 'department.upserted',
  provider: 'provider.upserted',
  appointmentType: 'appointment_type.upserted',
} as const;

/** Kinds a desk or a feed writes for an appointment (everything but the hub's snapshot). */
export const APPOINTMENT_CHANGE_KINDS = [
  VISIT_OP_KINDS.booked,
  VISIT_OP_KINDS.rescheduled,
  VISIT_OP_KINDS.modified,
  VISIT_OP_KINDS.cancelled,
  VISIT_OP_KINDS.noShow,
  VISIT_OP_KINDS.arrived,
  VISIT_OP_KINDS.roomed,
  VISIT_OP_KINDS.checkedOut,
  VISIT_OP_KINDS.reverted,
  VISIT_OP_KINDS.paymentLinked,
] as const;
export type AppointmentChangeKind = (typeof APPOINTMENT_CHANGE_KINDS)[number];
export const ALL_VISIT_KINDS: readonly string[] = [...APPOINTMENT_CHANGE_KINDS, VISIT_OP_KINDS.state, ...Object.values(DIRECTORY_OP_KINDS)];

export function isAppointmentChangeKind(k: string): k is AppointmentChangeKind {
  return (APPOINTMENT_CHANGE_KINDS as readonly string[]).includes(k);
}

const statusSchema = z.enum(APPOINTMENT_STATUSES);
const id = z.string().uuid({ error: 'id must be a UUID' });

/** appointment.booked: the whole new appointment (status scheduled). */
export const bookedPayloadSchema = z.object({ appointment: appointmentSchema, stamp: statusStampSchema });
/** appointment.rescheduled: new time (and optionally provider/department). Only while scheduled. */
export const rescheduledPayloadSchema = z.object({
  id,
  from: statusSchema,
  start: z.string().datetime(),
  durationMin: z.number().int().min(5).max(480),
  providerId: id.optional(),
  departmentId: id.optional(),
  stamp: statusStampSchema,
});
export const appointmentChangesSchema = z
  .object({
    typeId: id,
    providerId: id,
    departmentId: id,
    durationMin: z.number().int().min(5).max(480),
    note: z.string().max(500),
    patientId: id.nullable(),
    pendingPatient: pendingPatientSchema.nullable(),
  })
  .partial();
export type AppointmentChanges = z.infer<typeof appointmentChangesSchema>;
/** appointment.modified: changed fields only. */
export const modifiedPayloadSchema = z.object({
  id,
  from: statusSchema,
  changes: appointmentChangesSchema.refine((c) => Object.keys(c).length > 0, { error: 'changes is empty' }),
  stamp: statusStampSchema,
});
export const cancelledPayloadSchema = z.object({ id, from: statusSchema, reason: cancelReasonSchema, stamp: statusStampSchema });
export const noShowPayloadSchema = z.object({ id, from: statusSchema, stamp: statusStampSchema });
/** appointment.arrived: the arrival with the check-in record (null for a feed/walk-in arrival without one). */
export const arrivedPayloadSchema = z.object({ id, from: statusSchema, at: z.string().datetime(), checkIn: checkInRecordSchema.nullable(), stamp: statusStampSchema });
export const roomedPayloadSchema = z.object({ id, from: statusSchema, at: z.string().datetime(), stamp: statusStampSchema });
export const checkedOutPayloadSchema = z.object({ id, from: statusSchema, at: z.string().datetime(), stamp: statusStampSchema });
/** appointment.reverted: one of the undo transitions, with the clerk's reason. */
export const revertedPayloadSchema = z.object({ id, from: statusSchema, undo: z.enum(UNDO_TRANSITIONS), reason: z.string().trim().min(1).max(500), stamp: statusStampSchema });
/** appointment.payment_linked: the payments domain collected the copay (payment id from that domain). */
export const paymentLinkedPayloadSchema = z.object({ id, from: statusSchema, paymentId: z.string().min(1).max(64), stamp: statusStampSchema });
/** appointment.state (hub-authored): the hub's full state after an op; `seen` deskId -> highest desk seq processed. */
export const statePayloadSchema = z.object({
  appointment: appointmentSchema,
  seen: z.record(z.string(), z.number().int().min(0)),
  conflict: syncConflictSchema.nullable(),
  causeOpId: z.string(),
});
export type StatePayload = z.infer<typeof statePayloadSchema>;

export const departmentPayloadSchema = z.object({ department: departmentSchema });
export const providerPayloadSchema = z.object({ provider: providerSchema });
export const appointmentTypePayloadSchema = z.object({ appointmentType: appointmentTypeSchema });

export const CHANGE_PAYLOAD_SCHEMAS: Record<AppointmentChangeKind, z.ZodType> = {
  [VISIT_OP_KINDS.booked]: bookedPayloadSchema,
  [VISIT_OP_KINDS.rescheduled]: rescheduledPayloadSchema,
  [VISIT_OP_KINDS.modified]: modifiedPayloadSchema,
  [VISIT_OP_KINDS.cancelled]: cancelledPayloadSchema,
  [VISIT_OP_KINDS.noShow]: noShowPayloadSchema,
  [VISIT_OP_KINDS.arrived]: arrivedPayloadSchema,
  [VISIT_OP_KINDS.roomed]: roomedPayloadSchema,
  [VISIT_OP_KINDS.checkedOut]: checkedOutPayloadSchema,
  [VISIT_OP_KINDS.reverted]: revertedPayloadSchema,
  [VISIT_OP_KINDS.paymentLinked]: paymentLinkedPayloadSchema,
};

export type BookedPayload = z.infer<typeof bookedPayloadSchema>;
export type RescheduledPayload = z.infer<typeof rescheduledPayloadSchema>;
export type ModifiedPayload = z.infer<typeof modifiedPayloadSchema>;
export type CancelledPayload = z.infer<typeof cancelledPayloadSchema>;
export type NoShowPayload = z.infer<typeof noShowPayloadSchema>;
export type ArrivedPayload = z.infer<typeof arrivedPayloadSchema>;
export type RoomedPayload = z.infer<typeof roomedPayloadSchema>;
export type CheckedOutPayload = z.infer<typeof checkedOutPayloadSchema>;
export type RevertedPayload = z.infer<typeof revertedPayloadSchema>;
export type PaymentLinkedPayload = z.infer<typeof paymentLinkedPayloadSchema>;

// ---- builders (desk commands and schedule feeds) ---------------------------------------------------------------------

/** The stamp of a feed-made change ("Schedule feed" at "HL7 feed"). */
export function feedStamp(deskLabel = 'Schedule feed', at = new Date().toISOString(), byUserName = 'Schedule feed'): StatusStamp {
  return { at, byUserName, deskLabel };
}

/** A new appointment record with defaults (status scheduled, no check-in). */
export function newAppointment(a: {
  id: string;
  patientId: string | null;
  pendingPatient?: z.input<typeof pendingPatientSchema> | null;
  departmentId: string;
  providerId: string;
  typeId: string;
  start: string;
  durationMin: number;
  walkIn?: boolean;
  source?: Appointment['source'];
  externalId?: string;
  note?: string;
  now: string;
}): Appointment {
  return {
    id: a.id,
    patientId: a.patientId,
    pendingPatient: a.pendingPatient ? pendingPatientSchema.parse(a.pendingPatient) : null,
    departmentId: a.departmentId,
    providerId: a.providerId,
    typeId: a.typeId,
    start: a.start,
    durationMin: a.durationMin,
    status: 'scheduled',
    walkIn: a.walkIn ?? false,
    source: a.source ?? 'desk',
    externalId: a.externalId ?? '',
    note: a.note ?? '',
    cancelReason: null,
    noShow: false,
    arrivedAt: null,
    roomedAt: null,
    checkedOutAt: null,
    checkIn: null,
    paymentIds: [],
    lastStatus: null,
    syncConflict: null,
    createdAt: a.now,
    updatedAt: a.now,
  };
}

export const bookedPayload = (appointment: Appointment, stamp: StatusStamp): BookedPayload => ({ appointment, stamp });
export const rescheduledPayload = (p: Omit<RescheduledPayload, 'stamp'>, stamp: StatusStamp): RescheduledPayload => ({ ...p, stamp });
export const modifiedPayload = (id: string, from: AppointmentStatus, changes: AppointmentChanges, stamp: StatusStamp): ModifiedPayload => ({ id, from, changes, stamp });
export const cancelledPayload = (id: string, from: AppointmentStatus, reason: CancelReason, stamp: StatusStamp): CancelledPayload => ({ id, from, reason, stamp });
export const noShowPayload = (id: string, from: AppointmentStatus, stamp: StatusStamp): NoShowPayload => ({ id, from, stamp });
export const arrivedPayload = (id: string, from: AppointmentStatus, checkIn: ArrivedPayload['checkIn'], stamp: StatusStamp): ArrivedPayload => ({ id, from, at: stamp.at, checkIn, stamp });
export const roomedPayload = (id: string, from: AppointmentStatus, stamp: StatusStamp): RoomedPayload => ({ id, from, at: stamp.at, stamp });
export const checkedOutPayload = (id: string, from: AppointmentStatus, stamp: StatusStamp): CheckedOutPayload => ({ id, from, at: stamp.at, stamp });
export const revertedPayload = (id: string, from: AppointmentStatus, undo: UndoTransition, reason: string, stamp: StatusStamp): RevertedPayload => ({ id, from, undo, reason, stamp });
export const paymentLinkedPayload = (id: string, from: AppointmentStatus, paymentId: string, stamp: StatusStamp): PaymentLinkedPayload => ({ id, from, paymentId, stamp });
