/**
 * Payments: shapes shared by the API, the desk, the hub and the screens. Append-only: a void or a refund is a NEW row
 * (kind 'void' | 'refund', negative amount, `reversesId` = the original), never an edit. Money is integer cents.
 * Card payments carry only the terminal's reference, brand, last four and auth code (shared/payments/card-guard.ts).
 */
import { z } from 'zod';
import { instantSchema, uuidSchema } from './common.js';
import { cardSafeText, requiredCardSafeText } from '../payments/card-guard.js';
import {
  approverCredentialsSchema,
  centsSchema,
  paymentMethodSchema,
  personRefSchema,
  positiveCentsSchema,
  signedCentsSchema,
  type PaymentMethod,
} from './drawer.js';

export { paymentMethodSchema, type PaymentMethod };

export const PAYMENT_TYPES = ['copay', 'prior_balance', 'deposit', 'prepayment'] as const;
export const paymentTypeSchema = z.enum(PAYMENT_TYPES);
export type PaymentType = z.infer<typeof paymentTypeSchema>;
export const PAYMENT_TYPE_LABELS: Record<PaymentType, string> = {
  copay: 'Copay',
  prior_balance: 'Prior balance',
  deposit: 'Deposit / estimate',
  prepayment: 'Prepayment',
};

export const paymentKindSchema = z.enum(['payment', 'void', 'refund']);
export type PaymentKind = z.infer<typeof paymentKindSchema>;

export const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'other'] as const;
export const cardBrandSchema = z.enum(CARD_BRANDS);

export const cardDetailsSchema = z
  .object({
    terminalRef: requiredCardSafeText(40, 'Terminal reference'),
    brand: cardBrandSchema,
    lastFour: z.string().regex(/^\d{4}$/, { error: 'Last four: exactly 4 digits' }),
    authCode: requiredCardSafeText(12, 'Auth code').refine((s) => /^[A-Za-z0-9-]+$/.test(s), { error: 'Auth code: letters and digits' }),
  })
  .strict();
export type CardDetails = z.infer<typeof cardDetailsSchema>;

export const checkDetailsSchema = z
  .object({
    number: requiredCardSafeText(20, 'Check number').refine((s) => /^[A-Za-z0-9-]+$/.test(s), { error: 'Check number: letters and digits' }),
    /** bank or payer name as printed (optional) */
    bank: cardSafeText(60, 'Bank').default(''),
  })
  .strict();
export type CheckDetails = z.infer<typeof checkDetailsSchema>;

/** A stored payment row (original or reversing). */
export const paymentSchema = z.object({
  id: uuidSchema,
  sessionId: uuidSchema,
  deskId: z.string(),
  receiptNo: z.string(),
  kind: paymentKindSchema,
  type: paymentTypeSchema,
  method: paymentMethodSchema,
  /** payment: > 0; void/refund: < 0 (money back to the patient) */
  amountCents: signedCentsSchema,
  /** cash: what the patient handed over (payment rows); else 0 */
  tenderedCents: centsSchema,
  /** cash: change given back (tendered - amount); else 0 */
  changeCents: centsSchema,
  check: z.object({ number: z.string(), bank: z.string() }).nullable(),
  card: z.object({ terminalRef: z.string(), brand: cardBrandSchema, lastFour: z.string(), authCode: z.string() }).nullable(),
  /** method 'other': what it was (e.g. "money order 5512") */
  otherRef: z.string(),
  patientId: z.string(),
  appointmentId: z.string().nullable(),
  note: z.string(),
  /** void/refund: the payment it reverses */
  reversesId: z.string().nullable(),
  /** void/refund: why */
  reason: z.string(),
  recordedAt: instantSchema,
  recordedBy: personRefSchema,
  /** void/refund above the limit: the supervisor who approved on the spot (null when no approval was needed) */
  approvedBy: personRefSchema.nullable(),
  businessDate: z.string(),
});
export type Payment = z.infer<typeof paymentSchema>;

/** A payment with what has been reversed so far (for the list and for the void/refund dialogs). */
export const paymentListItemSchema = paymentSchema.extend({
  /** the patient paid for: "Family, Given" and MRN ('' when the patient is not on this desk) */
  patientName: z.string(),
  patientMrn: z.string(),
  /** sum of voids and refunds against this payment (<= 0) */
  reversedCents: signedCentsSchema,
  /** what may still be refunded (payments only) */
  refundableCents: centsSchema,
  voided: z.boolean(),
});
export type PaymentListItem = z.infer<typeof paymentListItemSchema>;

// ---- inputs -------------------------------------------------------------------------------------------------------

export const recordPaymentInputSchema = z
  .object({
    type: paymentTypeSchema,
    method: paymentMethodSchema,
    amountCents: positiveCentsSchema,
    /** cash only: what the patient handed over (>= amount); default = amount (exact cash) */
    tenderedCents: centsSchema.optional(),
    check: checkDetailsSchema.optional(),
    card: cardDetailsSchema.optional(),
    otherRef: cardSafeText(60, 'Reference').default(''),
    patientId: uuidSchema,
    /**
     * the visit a copay belongs to (linked to it in the same transaction). Omitted for a copay: the patient's only
     * visit today is linked, and with several visits today the API asks which (field appointmentId). null: a copay
     * that is not for a visit today.
     */
    appointmentId: uuidSchema.nullable().optional(),
    note: cardSafeText(500, 'Note').default(''),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.method === 'cash') {
      if (v.tenderedCents !== undefined && v.tenderedCents < v.amountCents) ctx.addIssue({ code: 'custom', path: ['tenderedCents'], message: 'Tendered must be at least the amount' });
    } else if (v.tenderedCents !== undefined && v.tenderedCents !== v.amountCents) {
      ctx.addIssue({ code: 'custom', path: ['tenderedCents'], message: 'Tendered and change are for cash only' });
    }
    if (v.method === 'check' && !v.check) ctx.addIssue({ code: 'custom', path: ['check', 'number'], message: 'Check number is required' });
    if (v.method !== 'check' && v.check) ctx.addIssue({ code: 'custom', path: ['check'], message: 'Check details are for check payments only' });
    if (v.method === 'card' && !v.card) ctx.addIssue({ code: 'custom', path: ['card', 'terminalRef'], message: 'Card payments need the terminal reference, brand, last four and auth code' });
    if (v.method !== 'card' && v.card) ctx.addIssue({ code: 'custom', path: ['card'], message: 'Card details are for card payments only' });
    if (v.method === 'other' && v.otherRef.length === 0) ctx.addIssue({ code: 'custom', path: ['otherRef'], message: 'Say what the payment was (e.g. money order number)' });
  });
export type RecordPaymentInput = z.input<typeof recordPaymentInputSchema>;

export const voidPaymentInputSchema = z
  .object({
    paymentId: uuidSchema,
    reason: requiredCardSafeText(200, 'Reason'),
    /** a supervisor's credentials, needed when the amount is above the void limit */
    approver: approverCredentialsSchema.optional(),
  })
  .strict();

export const refundPaymentInputSchema = z
  .object({
    paymentId: uuidSchema,
    /** default: everything still refundable */
    amountCents: positiveCentsSchema.optional(),
    /** how the money goes back (default: the original method); card refunds need the terminal's details */
    method: paymentMethodSchema.optional(),
    card: cardDetailsSchema.optional(),
    check: checkDetailsSchema.optional(),
    otherRef: cardSafeText(60, 'Reference').default(''),
    reason: requiredCardSafeText(200, 'Reason'),
    approver: approverCredentialsSchema.optional(),
  })
  .strict();

/** What a printed receipt shows (the print renderer turns it into PDF / OS print). No card number by construction. */
export const receiptSchema = z.object({
  receiptNo: z.string(),
  siteName: z.string(),
  /** the clinic's address lines and phone, printed under the name */
  siteLines: z.array(z.string()).default([]),
  deskLabel: z.string(),
  payment: paymentSchema,
  /** for a void/refund: the receipt number of the original */
  originalReceiptNo: z.string().nullable(),
  patient: z.object({ id: z.string(), name: z.string(), mrn: z.string() }).nullable(),
  amountText: z.string(),
  tenderedText: z.string(),
  changeText: z.string(),
  methodText: z.string(),
  typeText: z.string(),
  printedAt: instantSchema,
  /** 0 for the first print, then 1, 2, ... (shown as "REPRINT n") */
  reprint: z.number().int(),
});
export type Receipt = z.infer<typeof receiptSchema>;
