/**
 * reduceAppointment: what one appointment op does to an appointment's state. The ONE function behind the desk's
 * commands (their own row), the desk's re-application of its not-yet-seen ops over a hub snapshot, and the hub's
 * apply (hub/visits/apply.ts) — so a desk and the hub compute the same state from the same ops in the same order.
 */
import type { z } from 'zod';
import type { Appointment, AppointmentStatus } from '../domain/visit.js';
import { VISIT_OP_KINDS, CHANGE_PAYLOAD_SCHEMAS, isAppointmentChangeKind } from '../sync/visits.js';
import type {
  ArrivedPayload,
  BookedPayload,
  CancelledPayload,
  CheckedOutPayload,
  ModifiedPayload,
  NoShowPayload,
  PaymentLinkedPayload,
  RescheduledPayload,
  RevertedPayload,
  RoomedPayload,
} from '../sync/visits.js';
import { isAllowed, nextStatus, refusal, type Action } from './state.js';

export type ReduceResult =
  | { kind: 'ok'; state: Appointment }
  /** the op is broken whatever the state (bad payload, a transition illegal from its own `from`) */
  | { kind: 'invalid'; message: string }
  /** an op for an appointment not known here */
  | { kind: 'unknown'; message: string }
  /** appointment.booked for an id that exists */
  | { kind: 'exists'; message: string }
  /** legal where it was made, illegal against this state (someone else changed the appointment first) */
  | { kind: 'illegal'; action: Action; message: string };

const ACTION_OF: Record<string, Action> = {
  [VISIT_OP_KINDS.rescheduled]: 'reschedule',
  [VISIT_OP_KINDS.modified]: 'modify',
  [VISIT_OP_KINDS.cancelled]: 'cancel',
  [VISIT_OP_KINDS.noShow]: 'no-show',
  [VISIT_OP_KINDS.arrived]: 'arrive',
  [VISIT_OP_KINDS.roomed]: 'room',
  [VISIT_OP_KINDS.checkedOut]: 'check-out',
  [VISIT_OP_KINDS.paymentLinked]: 'link-payment',
};

function issues(e: z.ZodError): string {
  return e.issues
    .slice(0, 4)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Parses an op payload of an appointment kind; null + message when it does not fit. */
export function parseChange(kind: string, payload: unknown): { ok: true; payload: unknown } | { ok: false; message: string } {
  if (!isAppointmentChangeKind(kind)) return { ok: false, message: `"${kind}" is not an appointment change` };
  const r = CHANGE_PAYLOAD_SCHEMAS[kind].safeParse(payload);
  return r.success ? { ok: true, payload: r.data } : { ok: false, message: `${kind} payload: ${issues(r.error)}` };
}

/** The state-machine action of an appointment op (null for a booking or an unknown kind). */
export function actionOf(kind: string, payload: unknown): Action | null {
  if (kind === VISIT_OP_KINDS.reverted) {
    const u = (payload as { undo?: unknown } | null)?.undo;
    return typeof u === 'string' && (['undo-arrival', 'undo-rooming', 'undo-check-out', 'reinstate'] as const).includes(u as never) ? (u as Action) : null;
  }
  return ACTION_OF[kind] ?? null;
}

/** The appointment id an op is about. */
export function opAppointmentId(kind: string, payload: unknown): string | null {
  const p = payload as { id?: unknown; appointment?: { id?: unknown } } | null;
  if (kind === VISIT_OP_KINDS.booked) return typeof p?.appointment?.id === 'string' ? p.appointment.id : null;
  return typeof p?.id === 'string' ? p.id : null;
}

/**
 * Applies one op to `cur` (null: not known). `timeZone` only words refusals ("cancelled at 09:12").
 * Never throws for bad input.
 */
export function reduceAppointment(cur: Appointment | null, kind: string, rawPayload: unknown, timeZone = 'UTC'): ReduceResult {
  const parsed = parseChange(kind, rawPayload);
  if (!parsed.ok) return { kind: 'invalid', message: parsed.message };
  if (kind === VISIT_OP_KINDS.booked) {
    const p = parsed.payload as BookedPayload;
    if (p.appointment.status !== 'scheduled') return { kind: 'invalid', message: 'appointment.booked must book a scheduled appointment' };
    if (cur) return { kind: 'exists', message: 'An appointment with this id exists already' };
    return { kind: 'ok', state: { ...p.appointment, lastStatus: p.stamp, syncConflict: null, updatedAt: p.stamp.at } };
  }
  const p = parsed.payload as { id: string; from: AppointmentStatus; stamp: Appointment['lastStatus'] & object };
  const action: Action = kind === VISIT_OP_KINDS.reverted ? (parsed.payload as RevertedPayload).undo : ACTION_OF[kind]!;
  if (!isAllowed(action, p.from)) return { kind: 'invalid', message: `${kind}: "${action}" is not a legal transition from "${p.from}"` };
  if (!cur) return { kind: 'unknown', message: 'No appointment with this id' };
  const no = refusal(action, cur.status, cur.lastStatus, timeZone);
  if (no) return { kind: 'illegal', action, message: no };

  const s: Appointment = { ...cur, updatedAt: p.stamp.at };
  const status = (t: Parameters<typeof nextStatus>[0], wasRoomed = true) => {
    s.status = nextStatus(t, cur.status, wasRoomed);
    s.lastStatus = p.stamp;
  };
  switch (kind) {
    case VISIT_OP_KINDS.rescheduled: {
      const r = parsed.payload as RescheduledPayload;
      s.start = r.start;
      s.durationMin = r.durationMin;
      if (r.providerId) s.providerId = r.providerId;
      if (r.departmentId) s.departmentId = r.departmentId;
      break;
    }
    case VISIT_OP_KINDS.modified: {
      const c = (parsed.payload as ModifiedPayload).changes;
      if (c.typeId !== undefined) s.typeId = c.typeId;
      if (c.providerId !== undefined) s.providerId = c.providerId;
      if (c.departmentId !== undefined) s.departmentId = c.departmentId;
      if (c.durationMin !== undefined) s.durationMin = c.durationMin;
      if (c.note !== undefined) s.note = c.note;
      if (c.patientId !== undefined) s.patientId = c.patientId;
      if (c.pendingPatient !== undefined) s.pendingPatient = c.pendingPatient;
      break;
    }
    case VISIT_OP_KINDS.cancelled:
      status('cancel');
      s.cancelReason = (parsed.payload as CancelledPayload).reason;
      break;
    case VISIT_OP_KINDS.noShow:
      status('no-show');
      s.noShow = true;
      void (parsed.payload as NoShowPayload);
      break;
    case VISIT_OP_KINDS.arrived: {
      const a = parsed.payload as ArrivedPayload;
      status('arrive');
      s.arrivedAt = a.at;
      s.checkIn = a.checkIn;
      break;
    }
    case VISIT_OP_KINDS.roomed:
      status('room');
      s.roomedAt = (parsed.payload as RoomedPayload).at;
      break;
    case VISIT_OP_KINDS.checkedOut:
      status('check-out');
      s.checkedOutAt = (parsed.payload as CheckedOutPayload).at;
      break;
    case VISIT_OP_KINDS.reverted: {
      const r = parsed.payload as RevertedPayload;
      status(r.undo, cur.roomedAt !== null);
      if (r.undo === 'undo-arrival') {
        s.arrivedAt = null;
        s.checkIn = null;
      } else if (r.undo === 'undo-rooming') s.roomedAt = null;
      else if (r.undo === 'undo-check-out') s.checkedOutAt = null;
      else if (r.undo === 'reinstate') {
        s.cancelReason = null;
        s.noShow = false;
        s.syncConflict = null;
      }
      break;
    }
    case VISIT_OP_KINDS.paymentLinked: {
      const pid = (parsed.payload as PaymentLinkedPayload).paymentId;
      if (!s.paymentIds.includes(pid)) s.paymentIds = [...s.paymentIds, pid].slice(-20);
      break;
    }
  }
  return { kind: 'ok', state: s };
}
