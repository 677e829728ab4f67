/**
 * Which visits dialog is open (one at a time), so the board, the patient screen, the search screen and the global
 * Alt+W key can all open them; <VisitDialogsHost /> in the main layout renders it. The rows carry a patient's name:
 * PHI, purged on lock.
 */
import { create } from 'zustand';
import { registerPhiStore } from '../app/phi.js';
import { hasDraft } from '../app/drafts.js';
import type { AppointmentStatus } from '../../shared/domain/visit.js';
import type { PaymentType } from '../../shared/domain/payment.js';

export interface RowRef {
  id: string;
  patientName: string;
  start: string;
}

export type VisitDialog =
  | { kind: 'checkin'; appointmentId: string }
  /** Alt+W: the walk-in with the remembered defaults, created on Enter, then the normal check-in */
  | { kind: 'walkin'; patientId: string }
  /** Alt+V: book an appointment; patientId preset from the open patient / search hit, else chosen in the dialog */
  | { kind: 'book'; patientId: string | null }
  | { kind: 'reschedule'; row: RowRef & { providerId: string } }
  /** Alt+Z: undo a step or reinstate (the undo the row's status allows) */
  | { kind: 'undo'; row: RowRef & { status: AppointmentStatus } }
  /** Enter on a row that is under way or done: the visit's time stamps and check-in record */
  | { kind: 'details'; appointmentId: string }
  | { kind: 'cancel'; row: RowRef }
  | { kind: 'noshow'; row: RowRef }
  /** the copay hand-off to the payments domain's dialog (after "Arrived" with "collect at the drawer", or a payment
   *  that was pending while the drawer was opened: then the visit may be chosen in the dialog) */
  | { kind: 'copay'; patientId: string; appointmentId?: string; amountDueCents?: number; patientLabel: string; type?: PaymentType };

interface DialogState {
  dialog: VisitDialog | null;
  open(d: VisitDialog): void;
  close(): void;
}

export const useVisitDialogs = create<DialogState>((set) => ({
  dialog: null,
  open: (d) => set({ dialog: d }),
  close: () => set({ dialog: null }),
}));

/** The draft key of a check-in form (app/drafts.ts): typed input kept across the idle lock. */
export const checkInDraftKey = (appointmentId: string) => `visits.checkin:${appointmentId}`;

/**
 * The lock purges the open dialog (the rows carry names). A check-in that had typed input is reopened after an
 * unlock by the same user: only its appointment id is kept here (not PHI); the typed values are the drafts keeper's
 * (a different user's sign-in discards them, and then nothing is reopened).
 */
let reopenAfterUnlock: string | null = null;

registerPhiStore(() => {
  const d = useVisitDialogs.getState().dialog;
  reopenAfterUnlock = d?.kind === 'checkin' ? d.appointmentId : null;
  useVisitDialogs.setState({ dialog: null });
});

/** Called when the main layout mounts again (after an unlock): reopens the check-in whose draft was kept. */
export function reopenDialogAfterUnlock(): void {
  const id = reopenAfterUnlock;
  reopenAfterUnlock = null;
  if (id && hasDraft(checkInDraftKey(id)) && !useVisitDialogs.getState().dialog) useVisitDialogs.getState().open({ kind: 'checkin', appointmentId: id });
}
