/** The end-of-day reconciliation report (eod.report): one business date, every desk's sessions this desk knows. */
import { z } from 'zod';
import { instantSchema } from '../domain/common.js';
import {
  drawerSessionSchema,
  methodReconciliationSchema,
  paymentMethodSchema,
  personRefSchema,
  sessionTotalsSchema,
  signedCentsSchema,
} from '../domain/drawer.js';
import { paymentSchema, paymentTypeSchema } from '../domain/payment.js';

const bucket = z.object({ netCents: signedCentsSchema, count: z.number().int() });

export const eodReportSchema = z.object({
  businessDate: z.string(),
  timeZone: z.string(),
  siteName: z.string(),
  generatedAt: instantSchema,
  generatedOnDesk: z.object({ deskId: z.string(), deskLabel: z.string() }),
  totals: z.object({
    /** payments minus voids and refunds */
    netCents: signedCentsSchema,
    paymentsCents: signedCentsSchema,
    voidsCents: signedCentsSchema,
    refundsCents: signedCentsSchema,
    paymentCount: z.number().int(),
    voidCount: z.number().int(),
    refundCount: z.number().int(),
    paidInCents: signedCentsSchema,
    paidOutCents: signedCentsSchema,
  }),
  byMethod: z.array(bucket.extend({ method: paymentMethodSchema })),
  byType: z.array(bucket.extend({ type: paymentTypeSchema })),
  byClerk: z.array(bucket.extend({ userId: z.string(), userName: z.string() })),
  byDesk: z.array(bucket.extend({ deskId: z.string(), deskLabel: z.string(), sessions: z.number().int(), openSessions: z.number().int() })),
  sessions: z.array(z.object({ session: drawerSessionSchema, totals: sessionTotalsSchema })),
  depositSlip: z.object({
    /** counted cash of the day's closed sessions, by denomination */
    cash: z.array(z.object({ code: z.string(), label: z.string(), count: z.number().int(), cents: signedCentsSchema })),
    countedCashCents: signedCentsSchema,
    /** opening floats kept back in the drawers */
    floatsCents: signedCentsSchema,
    /** counted cash minus floats */
    cashToDepositCents: signedCentsSchema,
    checks: z.array(z.object({ receiptNo: z.string(), number: z.string(), bank: z.string(), amountCents: signedCentsSchema, deskLabel: z.string() })),
    checksCents: signedCentsSchema,
    totalCents: signedCentsSchema,
    /** sessions of the day still open: their cash is not in the slip */
    openSessions: z.number().int(),
  }),
  variances: z.array(
    methodReconciliationSchema.extend({
      sessionId: z.string(),
      deskLabel: z.string(),
      closedBy: personRefSchema,
      reason: z.string().nullable(),
      approvedBy: personRefSchema.nullable(),
      signedOff: z.boolean(),
    }),
  ),
  corrections: z.array(paymentSchema.extend({ originalReceiptNo: z.string().nullable(), deskLabel: z.string() })),
  copays: z.object({
    /** false until the visits domain's check-in records exist on this desk */
    available: z.boolean(),
    note: z.string(),
    /** check-ins of the date that recorded a copay due (> 0) */
    dueCount: z.number().int(),
    dueCents: signedCentsSchema,
    /** of those, collected in full (net of voids and refunds of the linked copay payments) */
    collectedCount: z.number().int(),
    /** collected in part */
    partialCount: z.number().int(),
    /** net copay payments linked to those appointments, each capped at its copay due */
    collectedCents: signedCentsSchema,
    /** point-of-service collection rate: collectedCents / dueCents (0..1), null when nothing was due */
    collectionRate: z.number().nullable(),
    /** every copay due not collected in full, with the reason recorded at check-in (or what happened instead) */
    notCollected: z.array(
      z.object({
        appointmentId: z.string(),
        /** appointment start (instant) */
        start: z.string(),
        /** "Family, Given" and the MRN of the visit's patient ('' when the patient is not on this desk) */
        patientName: z.string().default(''),
        mrn: z.string().default(''),
        dueCents: signedCentsSchema,
        collectedCents: signedCentsSchema,
        /** a check-in reason (no-copay, patient-declined, will-bill, hardship, other) or: not-taken (marked "collect"
         *  but no copay payment is linked), reversed (collected, then voided/refunded), partial */
        reasonCode: z.string(),
        reason: z.string(),
      }),
    ),
    /** the not-collected copays by reason */
    byReason: z.array(z.object({ reasonCode: z.string(), reason: z.string(), count: z.number().int(), dueCents: signedCentsSchema, uncollectedCents: signedCentsSchema })),
  }),
  /** collections (net) per hour of the business day (site time zone), per method: chart data */
  collectionsByHour: z.array(z.object({ hour: z.number().int().min(0).max(23), cash: signedCentsSchema, check: signedCentsSchema, card: signedCentsSchema, other: signedCentsSchema, totalCents: signedCentsSchema })),
  /** what this desk may not know yet: said plainly */
  completeness: z.object({
    enrolled: z.boolean(),
    lastSyncAt: instantSchema.nullable(),
    /** this desk's changes not yet at the hub */
    pendingLocalChanges: z.number().int(),
    desks: z.array(
      z.object({
        deskId: z.string(),
        deskLabel: z.string(),
        /** time (by the other desk's clock, HLC) of the latest change this desk has received from it */
        lastChangeAt: instantSchema.nullable(),
        /** when this desk received it */
        receivedAt: instantSchema.nullable(),
        openSessions: z.number().int(),
        note: z.string(),
      }),
    ),
    warnings: z.array(z.string()),
  }),
});
export type EodReport = z.infer<typeof eodReportSchema>;
