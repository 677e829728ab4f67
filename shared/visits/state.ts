/**
 * The appointment state machine: ONE definition used by the desk's commands (electron/visits/), the desk's sync apply
 * and the hub's validation (hub/visits/apply.ts).
 *
 *   scheduled --arrive--> arrived --room--> roomed --check-out--> checked-out
 *   arrived --check-out--> checked-out            (seen without a rooming step, e.g. a lab draw)
 *   scheduled --cancel--> cancelled               (reason required)
 *   scheduled --no-show--> no-show
 *
 * Undo rules (each needs a reason, is audited and synced like any transition):
 *   undo-arrival    arrived  -> scheduled   arrival and check-in record are cleared (e.g. checked in the wrong patient)
 *   undo-rooming    roomed   -> arrived     roomedAt cleared
 *   undo-check-out  checked-out -> roomed (or arrived when it was never roomed)   checkedOutAt cleared
 *   reinstate       cancelled | no-show -> scheduled   cancel reason / no-show cleared
 * Not undoable in one step: an arrival cannot become a cancellation or no-show (undo the arrival first), and a
 * terminal appointment (cancelled, no-show) cannot be arrived, rescheduled or modified before it is reinstated.
 *
 * Edits that are not status changes:
 *   reschedule (time, duration, provider, department)   only while scheduled
 *   modify (type, provider, department, duration, note, patient link)   scheduled, arrived or roomed
 *   link-payment   any status except cancelled / no-show
 */
import type { AppointmentStatus, StatusStamp } from '../domain/visit.js';

export const TRANSITIONS = ['arrive', 'room', 'check-out', 'cancel', 'no-show', 'undo-arrival', 'undo-rooming', 'undo-check-out', 'reinstate'] as const;
export type Transition = (typeof TRANSITIONS)[number];
export const UNDO_TRANSITIONS = ['undo-arrival', 'undo-rooming', 'undo-check-out', 'reinstate'] as const;
export type UndoTransition = (typeof UNDO_TRANSITIONS)[number];
export const EDITS = ['reschedule', 'modify', 'link-payment'] as const;
export type Edit = (typeof EDITS)[number];
export type Action = Transition | Edit;

const FROM: Record<Transition, readonly AppointmentStatus[]> = {
  arrive: ['scheduled'],
  room: ['arrived'],
  'check-out': ['arrived', 'roomed'],
  cancel: ['scheduled'],
  'no-show': ['scheduled'],
  'undo-arrival': ['arrived'],
  'undo-rooming': ['roomed'],
  'undo-check-out': ['checked-out'],
  reinstate: ['cancelled', 'no-show'],
};

const EDIT_FROM: Record<Edit, readonly AppointmentStatus[]> = {
  reschedule: ['scheduled'],
  modify: ['scheduled', 'arrived', 'roomed'],
  'link-payment': ['scheduled', 'arrived', 'roomed', 'checked-out'],
};

/** What the clerk tried, as the refusal words it ("Cannot <phrase>: it ..."). */
export const ACTION_LABELS: Record<Action, string> = {
  arrive: 'check in this appointment',
  room: 'mark this appointment roomed',
  'check-out': 'check out this appointment',
  cancel: 'cancel this appointment',
  'no-show': 'mark this appointment as a no-show',
  'undo-arrival': 'undo the arrival of this appointment',
  'undo-rooming': 'undo rooming of this appointment',
  'undo-check-out': 'undo the check-out of this appointment',
  reinstate: 'reinstate this appointment',
  reschedule: 'reschedule this appointment',
  modify: 'change this appointment',
  'link-payment': 'link a payment to this appointment',
};

/** Statuses an action may start from. */
export function allowedFrom(a: Action): readonly AppointmentStatus[] {
  return (FROM as Record<string, readonly AppointmentStatus[]>)[a] ?? EDIT_FROM[a as Edit];
}

export function isAllowed(a: Action, from: AppointmentStatus): boolean {
  return allowedFrom(a).includes(from);
}

/**
 * Where a transition leads. `wasRoomed`: for undo-check-out, whether the appointment had been roomed.
 * Throws for an illegal transition (call isAllowed / refusal first).
 */
export function nextStatus(t: Transition, from: AppointmentStatus, wasRoomed = true): AppointmentStatus {
  if (!isAllowed(t, from)) throw new Error(`illegal transition ${t} from ${from}`);
  switch (t) {
    case 'arrive':
      return 'arrived';
    case 'room':
      return 'roomed';
    case 'check-out':
      return 'checked-out';
    case 'cancel':
      return 'cancelled';
    case 'no-show':
      return 'no-show';
    case 'undo-arrival':
      return 'scheduled';
    case 'undo-rooming':
      return 'arrived';
    case 'undo-check-out':
      return wasRoomed ? 'roomed' : 'arrived';
    case 'reinstate':
      return 'scheduled';
  }
}

const PAST: Record<AppointmentStatus, string> = {
  scheduled: 'is scheduled (not checked in yet)',
  arrived: 'is checked in already',
  roomed: 'is roomed already',
  'checked-out': 'was checked out',
  cancelled: 'was cancelled',
  'no-show': 'was marked as a no-show',
};

/** What to do first, per current status, when an action is refused. */
function hint(a: Action, from: AppointmentStatus): string {
  if (from === 'cancelled' || from === 'no-show') return a === 'reinstate' ? '' : 'reinstate it first';
  if (from === 'arrived' && (a === 'cancel' || a === 'no-show' || a === 'reschedule')) return 'undo the arrival first';
  if (from === 'roomed' && (a === 'cancel' || a === 'no-show' || a === 'reschedule')) return 'undo rooming and the arrival first';
  if (from === 'checked-out') return a === 'undo-check-out' ? '' : 'undo the check-out first';
  if (from === 'scheduled' && (a === 'room' || a === 'check-out')) return 'check the patient in first';
  return '';
}

/** "at 09:12 by Ann Lee at Desk 2" (time in the site's time zone). */
export function stampPhrase(s: StatusStamp | null, timeZone: string): string {
  if (!s) return '';
  let time = '';
  try {
    time = new Date(s.at).toLocaleTimeString('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false });
  } catch {
    time = s.at.slice(11, 16);
  }
  const who = s.byUserName ? ` by ${s.byUserName}` : '';
  const where = s.deskLabel ? ` at ${s.deskLabel}` : '';
  return ` at ${time}${who}${where}`;
}

/**
 * Null when `a` is allowed from `from`; otherwise the clerk-facing refusal, e.g.
 * "This appointment was cancelled at 09:12 by Ann Lee at Desk 2; reinstate it first."
 */
export function refusal(a: Action, from: AppointmentStatus, last: StatusStamp | null = null, timeZone = 'UTC'): string | null {
  if (isAllowed(a, from)) return null;
  const h = hint(a, from);
  const stamped = from === 'scheduled' ? '' : stampPhrase(last, timeZone);
  return `Cannot ${ACTION_LABELS[a]}: it ${PAST[from]}${stamped}${h ? `; ${h}` : ''}.`;
}
