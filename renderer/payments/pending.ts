/**
 * A payment the clerk started while the drawer was closed ("The drawer is not open" → Open the drawer): kept here so
 * that opening the drawer comes back to it instead of losing it. The drawer screen names it while the float is
 * counted; after the open it goes back to the screen the clerk came from and opens the payment dialog again.
 * Holds a patient's name: PHI, purged on lock.
 */
import { create } from 'zustand';
import { registerPhiStore } from '../app/phi.js';
import type { PaymentType } from '../../shared/domain/payment.js';

export interface PendingPayment {
  patientId: string;
  appointmentId?: string;
  amountDueCents?: number;
  type?: PaymentType;
  patientLabel?: string;
}

interface PendingState {
  pending: PendingPayment | null;
  set(p: PendingPayment): void;
  clear(): void;
}

export const usePendingPayment = create<PendingState>((set) => ({
  pending: null,
  set: (p) => set({ pending: p }),
  clear: () => set({ pending: null }),
}));

registerPhiStore(() => usePendingPayment.setState({ pending: null }));
