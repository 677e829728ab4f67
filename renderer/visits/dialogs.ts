/**
 * Which visits dialog is open (one at a time), so the board, the patient screen, the search screen and the global
 * Alt+W key can all open them; <VisitDialogsHost /> in the main layout renders it. The rows carry a patient's name:
 * PHI, purged on lock.
 */
import { create } from 'zustand';
import { registerPhiStore } from '../app/phi.js';

export interface RowRef {
  id: string;
  patientName: string;
  start: string;
}

export type VisitDialog =
  | { kind: 'checkin'; appointmentId: string }
  | { kind: 'walkin'; patientId: string }
  | { kind: 'cancel'; row: RowRef }
  | { kind: 'noshow'; row: RowRef }
  /** the copay hand-off to the payments domain's dialog (after "Arrived" with "collect at the drawer") */
  | { kind: 'copay'; patientId: string; appointmentId: string; amountDueCents: number; patientLabel: string };

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

registerPhiStore(() => useVisitDialogs.setState({ dialog: null }));
