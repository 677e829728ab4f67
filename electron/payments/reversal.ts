/**
 * A void or a refund is a NEW payment row that reverses an earlier one (payments are never changed: migrations.ts
 * triggers refuse it). payments.void and payments.refund (handlers.ts) build and write that row, its outbox op and its
 * audit entry the same way; this is the one place that does it, inside the caller's Store.command.
 */
import { newId } from '../../shared/ids.js';
import type { PersonRef } from '../../shared/domain/drawer.js';
import type { Payment, Receipt } from '../../shared/domain/payment.js';
import type { Actor, CommandTx } from '../store/store.js';
import { insertPayment } from './repo.js';
import { nextReceiptNo } from './receipt-numbers.js';
import { buildReceipt } from './receipts.js';

/** What a refund may change from the original: the (open) session it is paid out of and how the money goes back. */
export type ReversalChanges = Partial<Pick<Payment, 'sessionId' | 'businessDate' | 'method' | 'check' | 'card' | 'otherRef'>>;

export interface Reversal {
  kind: 'void' | 'refund';
  /** The payment being reversed (kind 'payment'). */
  original: Payment;
  /** How much goes back to the patient, > 0 (stored negated). */
  amountCents: number;
  reason: string;
  requestedBy: Actor;
  /** The supervisor who approved on the spot, or null when the amount needed no approval. */
  approvedBy: PersonRef | null;
  deskId: string;
  /** A void keeps the original's session, method and tender details; a refund may set its own. */
  changes?: ReversalChanges;
}

const ACTION = { void: 'payment.voided', refund: 'payment.refunded' } as const;
const LINK = { void: 'voids', refund: 'refunds' } as const;

/** Writes the reversing payment (row + outbox op + audit entry) in `tx`; returns it with its receipt. */
export function reversingPayment(tx: CommandTx, r: Reversal): { payment: Payment; receipt: Receipt } {
  const op = r.original;
  const p: Payment = {
    ...op,
    id: newId(),
    deskId: r.deskId,
    receiptNo: nextReceiptNo(tx.db),
    kind: r.kind,
    amountCents: -r.amountCents,
    tenderedCents: 0,
    changeCents: 0,
    ...r.changes,
    note: '',
    reversesId: op.id,
    reason: r.reason,
    recordedAt: tx.now,
    recordedBy: { userId: r.requestedBy.userId, userName: r.requestedBy.userName },
    approvedBy: r.approvedBy,
  };
  insertPayment(tx.db, p);
  const action = ACTION[r.kind];
  tx.outbox({ kind: action, entityId: p.id, payload: { payment: p } });
  tx.audit({
    action,
    entityType: 'payment',
    entityId: p.id,
    detail: {
      [LINK[r.kind]]: op.id,
      receiptNo: p.receiptNo,
      originalReceiptNo: op.receiptNo,
      amountCents: p.amountCents,
      ...(r.kind === 'refund' ? { method: p.method } : {}),
      requestedBy: r.requestedBy.userId,
      approvedBy: r.approvedBy?.userId ?? null,
    },
  });
  return { payment: p, receipt: buildReceipt(tx.db, p, tx.now, 0) };
}
