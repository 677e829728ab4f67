/**
 * API methods and events of the payments and drawer domains. Spread into the one contract
 * (shared/api/contract.ts); handlers in electron/payments/handlers.ts.
 *
 * Flow: drawer.open (float by denomination) -> payments.record / drawer.paidIn / drawer.paidOut / payments.void /
 * payments.refund -> drawer.close (blind count; the answer is the first time expected vs counted is shown) ->
 * drawer.signOffVariance when beyond tolerance. eod.* reconcile one business date across every desk.
 */
import { z } from 'zod';
import { method } from './define.js';
import { uuidSchema, instantSchema } from '../domain/common.js';
import {
  businessDateInputSchema,
  drawerCloseInputSchema,
  drawerCloseSchema,
  drawerMovementInputSchema,
  drawerMovementSchema,
  drawerOpenInputSchema,
  drawerSessionSchema,
  paymentSettingsSchema,
  sessionTotalsSchema,
  varianceSignOffInputSchema,
  varianceSignOffSchema,
} from '../domain/drawer.js';
import {
  paymentListItemSchema,
  paymentSchema,
  receiptSchema,
  recordPaymentInputSchema,
  refundPaymentInputSchema,
  voidPaymentInputSchema,
} from '../domain/payment.js';
import { eodReportSchema } from '../drawer/eod-schema.js';
import { printedPdfSchema } from './print.js';

const empty = z.object({}).strict();

/** A visit of the patient today that a copay can belong to (the payment dialog's "Visit" choice). */
export const copayVisitSchema = z.object({
  appointmentId: z.string(),
  start: instantSchema,
  status: z.enum(['scheduled', 'arrived', 'roomed', 'checked-out', 'cancelled', 'no-show']),
  walkIn: z.boolean(),
  typeName: z.string(),
  providerName: z.string(),
  departmentName: z.string(),
  /** the board's copay flag: due (not checked in yet), collect (check-in said "at the drawer"), collected, ... */
  copay: z.enum(['none', 'due', 'collect', 'collected', 'not-collected']),
  copayDueCents: z.number().int(),
});
export type CopayVisit = z.infer<typeof copayVisitSchema>;

export const paymentMethods = {
  // ---- settings ---------------------------------------------------------------------------------------------------
  'payments.settings': method({
    access: 'session',
    summary: 'Drawer and payment settings: denominations, variance tolerance, approval limits, default float.',
    input: empty,
    output: paymentSettingsSchema,
  }),
  'payments.updateSettings': method({
    access: 'administrator',
    summary: 'Change the denominations, variance tolerance, void/refund approval limits and default float.',
    input: paymentSettingsSchema.strict(),
    output: paymentSettingsSchema,
  }),

  // ---- drawer -----------------------------------------------------------------------------------------------------
  'drawer.current': method({
    access: 'session',
    summary: 'This desk’s open drawer session (null when none is open), without expected totals (blind count).',
    input: empty,
    output: z.object({
      session: drawerSessionSchema.nullable(),
      /** payments, voids and refunds recorded in the open session */
      paymentCount: z.number().int(),
      /** receipt number the next payment will get (shown on the payment dialog) */
      nextReceiptNo: z.string(),
    }),
  }),
  'drawer.open': method({
    access: 'session',
    summary: 'Open this desk’s drawer with the opening float counted by denomination.',
    input: drawerOpenInputSchema,
    output: z.object({ session: drawerSessionSchema }),
  }),
  'drawer.paidIn': method({
    access: 'session',
    summary: 'Cash put into the open drawer (not a patient payment), with a reason.',
    input: drawerMovementInputSchema,
    output: z.object({ movement: drawerMovementSchema }),
  }),
  'drawer.paidOut': method({
    access: 'session',
    summary: 'Cash taken out of the open drawer (petty cash), with a reason.',
    input: drawerMovementInputSchema,
    output: z.object({ movement: drawerMovementSchema }),
  }),
  'drawer.xReport': method({
    access: 'supervisor',
    summary: 'Mid-shift X report of a session: float, cash in and out, expected cash, totals by method.',
    input: z.object({ sessionId: uuidSchema.optional() }).strict(),
    output: z.object({ session: drawerSessionSchema, totals: sessionTotalsSchema, movements: z.array(drawerMovementSchema), at: instantSchema }),
  }),
  'drawer.close': method({
    access: 'session',
    summary: 'Close the drawer with a blind count by denomination; answers expected vs counted per method and the variance.',
    input: drawerCloseInputSchema,
    output: z.object({ session: drawerSessionSchema, result: drawerCloseSchema, totals: sessionTotalsSchema }),
  }),
  'drawer.signOffVariance': method({
    access: 'session',
    summary: 'A supervisor signs off a closed session’s variance beyond tolerance, with the reason (credentials on the spot).',
    input: varianceSignOffInputSchema,
    output: z.object({ signOff: varianceSignOffSchema }),
  }),
  'drawer.sessions': method({
    access: 'supervisor',
    summary: 'Drawer sessions of a business date (every desk this desk knows of).',
    input: z.object({ businessDate: businessDateInputSchema }).strict(),
    output: z.object({ sessions: z.array(drawerSessionSchema) }),
  }),

  // ---- payments ---------------------------------------------------------------------------------------------------
  'payments.record': method({
    access: 'session',
    summary: 'Take a payment (copay, prior balance, deposit, prepayment) by cash, check, card or other into the open drawer.',
    input: recordPaymentInputSchema,
    output: z.object({ payment: paymentSchema, receipt: receiptSchema }),
  }),
  'payments.copayVisits': method({
    access: 'session',
    summary: 'The patient’s visits today (not cancelled / no-show) that a copay can be linked to, by time.',
    input: z.object({ patientId: uuidSchema }).strict(),
    output: z.object({ businessDate: z.string(), visits: z.array(copayVisitSchema) }),
  }),
  'payments.void': method({
    access: 'session',
    summary: 'Void a payment of the open session (a new reversing row); above the limit a supervisor approves on the spot.',
    input: voidPaymentInputSchema,
    output: z.object({ payment: paymentSchema, receipt: receiptSchema }),
  }),
  'payments.refund': method({
    access: 'session',
    summary: 'Refund (part of) an earlier payment from the open drawer (a new reversing row); above the limit a supervisor approves.',
    input: refundPaymentInputSchema,
    output: z.object({ payment: paymentSchema, receipt: receiptSchema }),
  }),
  'payments.receipt': method({
    access: 'session',
    summary: 'Reprint a receipt (recorded in the audit log; printed as REPRINT n).',
    input: z.object({ paymentId: uuidSchema }).strict(),
    output: z.object({ receipt: receiptSchema }),
  }),
  'payments.receiptPdf': method({
    access: 'session',
    summary: 'A payment’s receipt as a PDF (80 mm roll or Letter) for preview, OS print or saving; a reprint is marked and audited.',
    input: z.object({ paymentId: uuidSchema, paper: z.enum(['80mm', 'letter']).default('80mm'), reprint: z.boolean().default(false) }).strict(),
    output: printedPdfSchema,
  }),
  'payments.list': method({
    access: 'session',
    summary: 'Payments (with voids/refunds) of a session, a patient, a business date or one receipt number, newest first.',
    input: z
      .object({
        sessionId: uuidSchema.optional(),
        patientId: uuidSchema.optional(),
        businessDate: businessDateInputSchema.optional(),
        /** one receipt (e.g. "D2-000153", case and spaces ignored): finding an earlier payment to refund */
        receiptNo: z.string().trim().toUpperCase().max(40).optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({ payments: z.array(paymentListItemSchema) }),
  }),

  // ---- end of day -------------------------------------------------------------------------------------------------
  'eod.report': method({
    access: 'supervisor',
    summary: 'End-of-day reconciliation of a business date across every desk’s sessions, with what may be missing.',
    input: z.object({ businessDate: businessDateInputSchema }).strict(),
    output: eodReportSchema,
  }),
  'eod.exportCsv': method({
    access: 'supervisor',
    summary: 'The end-of-day report as CSV (no card numbers by construction). Audited.',
    input: z.object({ businessDate: businessDateInputSchema }).strict(),
    output: z.object({ fileName: z.string(), csv: z.string() }),
  }),
  'eod.exportPdf': method({
    access: 'supervisor',
    summary: 'The end-of-day report as PDF (base64). Audited.',
    input: z.object({ businessDate: businessDateInputSchema }).strict(),
    output: z.object({ fileName: z.string(), pdfBase64: z.string() }),
  }),
} as const;

export const paymentEvents = {
  /** a drawer session of this desk (or, by sync, another desk) opened, moved cash, closed or was signed off */
  'drawer.changed': z.object({ sessionId: z.string(), deskId: z.string(), status: z.enum(['open', 'closed']) }),
  /** a payment, void or refund was recorded here or arrived by sync */
  'payments.changed': z.object({ paymentId: z.string(), sessionId: z.string() }),
} as const;
