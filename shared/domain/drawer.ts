/**
 * Cash drawer sessions: shapes shared by the API, the desk, the hub and the screens. Money is integer cents.
 * A drawer is the desk's own (one drawer per desk); one open session per drawer at a time.
 */
import { z } from 'zod';
import { instantSchema, isoDateField, uuidSchema } from './common.js';
import { cardSafeText, requiredCardSafeText } from '../payments/card-guard.js';
import { MAX_CENTS } from '../payments/money.js';

export const centsSchema = z
  .number({ error: 'Amount must be a number of cents' })
  .int({ error: 'Amount must be whole cents' })
  .min(0, { error: 'Amount cannot be negative' })
  .max(MAX_CENTS, { error: 'Amount is too large' });
export const positiveCentsSchema = centsSchema.refine((n) => n > 0, { error: 'Amount must be more than zero' });
/** Signed cents (variances, reversing rows). */
export const signedCentsSchema = z.number().int().min(-MAX_CENTS * 100).max(MAX_CENTS * 100);
/** A method's amount at close (counted, or counted - expected): null when that method was not counted. */
export const countedCentsSchema = signedCentsSchema.nullable();
/** A method's total as counted at close (checks, card batch, other): omitted when not counted. */
export const countInputCentsSchema = centsSchema.optional();

export const denominationKindSchema = z.enum(['bill', 'coin', 'roll']);
export type DenominationKind = z.infer<typeof denominationKindSchema>;

/** One countable unit in the drawer. `code` is stable ("b100", "c25", "r25"); value is what ONE unit is worth. */
export const denominationSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, { error: 'Code: lowercase letters and digits' }),
  label: z.string().min(1).max(30),
  kind: denominationKindSchema,
  valueCents: z.number().int().min(1).max(10_000_00),
});
export type Denomination = z.infer<typeof denominationSchema>;

/** US default: bills 100 50 20 10 5 2 1; coins 1.00 .50 .25 .10 .05 .01; rolls (optional, off by default). */
export const US_DENOMINATIONS: readonly Denomination[] = [
  { code: 'b100', label: '$100', kind: 'bill', valueCents: 10000 },
  { code: 'b50', label: '$50', kind: 'bill', valueCents: 5000 },
  { code: 'b20', label: '$20', kind: 'bill', valueCents: 2000 },
  { code: 'b10', label: '$10', kind: 'bill', valueCents: 1000 },
  { code: 'b5', label: '$5', kind: 'bill', valueCents: 500 },
  { code: 'b2', label: '$2', kind: 'bill', valueCents: 200 },
  { code: 'b1', label: '$1', kind: 'bill', valueCents: 100 },
  { code: 'c100', label: '$1 coin', kind: 'coin', valueCents: 100 },
  { code: 'c50', label: '50¢', kind: 'coin', valueCents: 50 },
  { code: 'c25', label: '25¢', kind: 'coin', valueCents: 25 },
  { code: 'c10', label: '10¢', kind: 'coin', valueCents: 10 },
  { code: 'c5', label: '5¢', kind: 'coin', valueCents: 5 },
  { code: 'c1', label: '1¢', kind: 'coin', valueCents: 1 },
];
export const US_ROLLS: readonly Denomination[] = [
  { code: 'r25', label: 'Quarters roll ($10)', kind: 'roll', valueCents: 1000 },
  { code: 'r10', label: 'Dimes roll ($5)', kind: 'roll', valueCents: 500 },
  { code: 'r5', label: 'Nickels roll ($2)', kind: 'roll', valueCents: 200 },
  { code: 'r1', label: 'Pennies roll (50¢)', kind: 'roll', valueCents: 50 },
];

/** A count by denomination: code -> number of units (0..100,000). Codes must be in the configured set. */
export const denominationCountsSchema = z.record(
  z.string().max(12),
  z.number({ error: 'Count must be a number' }).int({ error: 'Count must be a whole number' }).min(0, { error: 'Count cannot be negative' }).max(100_000, { error: 'Count is too large' }),
);
export type DenominationCounts = z.infer<typeof denominationCountsSchema>;

/** Drawer and payment settings (administrator). */
export const paymentSettingsSchema = z.object({
  /** the denominations counted at open and close, in display order */
  denominations: z.array(denominationSchema).min(1).max(40),
  /** |counted - expected| above this (per method) needs a reason and a supervisor's sign-off */
  varianceToleranceCents: centsSchema,
  /** a void of more than this needs a supervisor's credentials on the spot */
  voidApprovalAboveCents: centsSchema,
  /** a refund of more than this needs a supervisor's credentials on the spot */
  refundApprovalAboveCents: centsSchema,
  /** suggested opening float (the clerk still counts it) */
  defaultFloatCents: centsSchema,
  /** printed under the clinic's name on every receipt: the address (one line per line) and the phone */
  clinicAddress: z.string().trim().max(200, { error: 'Address: at most 200 characters' }).refine((s) => s.split(/\r?\n/).length <= 3, { error: 'Address: at most 3 lines' }).default(''),
  clinicPhone: z.string().trim().max(30).regex(/^[0-9()+\-. x]*$/, { error: 'Phone: digits, spaces and ( ) + - . x only' }).default(''),
});
export type PaymentSettings = z.infer<typeof paymentSettingsSchema>;

export const DEFAULT_PAYMENT_SETTINGS: PaymentSettings = {
  denominations: [...US_DENOMINATIONS],
  varianceToleranceCents: 100,
  voidApprovalAboveCents: 5000,
  refundApprovalAboveCents: 2500,
  defaultFloatCents: 15000,
  clinicAddress: '',
  clinicPhone: '',
};

export const personRefSchema = z.object({ userId: z.string(), userName: z.string() });
export type PersonRef = z.infer<typeof personRefSchema>;

/** Supervisor credentials typed on the spot (never stored, never logged). */
export const approverCredentialsSchema = z
  .object({
    username: z.string().trim().min(1, { error: 'Supervisor user name is required' }).max(40),
    password: z.string().min(1, { error: 'Supervisor password is required' }).max(256),
  })
  .strict();
export type ApproverCredentials = z.infer<typeof approverCredentialsSchema>;

export const PAYMENT_METHODS = ['cash', 'check', 'card', 'other'] as const;
export const paymentMethodSchema = z.enum(PAYMENT_METHODS);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;

export const movementKindSchema = z.enum(['paid_in', 'paid_out']);
export type MovementKind = z.infer<typeof movementKindSchema>;

export const drawerMovementSchema = z.object({
  id: uuidSchema,
  sessionId: uuidSchema,
  kind: movementKindSchema,
  amountCents: positiveCentsSchema,
  reason: z.string(),
  at: instantSchema,
  by: personRefSchema,
});
export type DrawerMovement = z.infer<typeof drawerMovementSchema>;

/** Per method: what the drawer should hold, what was counted (null: not counted), and counted - expected. */
export const methodReconciliationSchema = z.object({
  method: paymentMethodSchema,
  expectedCents: signedCentsSchema,
  countedCents: countedCentsSchema,
  varianceCents: countedCentsSchema,
  /** |variance| > tolerance */
  beyondTolerance: z.boolean(),
});
export type MethodReconciliation = z.infer<typeof methodReconciliationSchema>;

export const drawerCloseSchema = z.object({
  closedAt: instantSchema,
  closedBy: personRefSchema,
  /** closed while the desk could not reach the hub (reconciled at the hub when it syncs) */
  closedOffline: z.boolean(),
  countedCash: denominationCountsSchema,
  countedCashCents: signedCentsSchema,
  countedChecksCents: countedCentsSchema,
  countedCardCents: countedCentsSchema,
  countedOtherCents: countedCentsSchema,
  expectedCashCents: signedCentsSchema,
  varianceCashCents: signedCentsSchema,
  methods: z.array(methodReconciliationSchema),
  toleranceCents: centsSchema,
  /** some method's variance is beyond tolerance: needs a reason and a supervisor's sign-off */
  needsSignOff: z.boolean(),
});
export type DrawerClose = z.infer<typeof drawerCloseSchema>;

export const varianceSignOffSchema = z.object({
  id: uuidSchema,
  sessionId: uuidSchema,
  reason: z.string(),
  requestedBy: personRefSchema,
  approvedBy: personRefSchema,
  at: instantSchema,
});
export type VarianceSignOff = z.infer<typeof varianceSignOffSchema>;

export const drawerSessionSchema = z.object({
  id: uuidSchema,
  deskId: z.string(),
  deskLabel: z.string(),
  /** site business date the session belongs to (the date it was opened, site time zone) */
  businessDate: z.string(),
  status: z.enum(['open', 'closed']),
  openedAt: instantSchema,
  openedBy: personRefSchema,
  float: denominationCountsSchema,
  floatCents: centsSchema,
  /** this desk's session (only its own desk writes to a session) */
  own: z.boolean(),
  close: drawerCloseSchema.nullable(),
  signOff: varianceSignOffSchema.nullable(),
});
export type DrawerSession = z.infer<typeof drawerSessionSchema>;

/** Running totals of a session (X report): never shown to the clerk before the blind count. */
export const sessionTotalsSchema = z.object({
  floatCents: centsSchema,
  /** cash received from patients (tendered, before change) */
  cashTenderedCents: signedCentsSchema,
  changeGivenCents: signedCentsSchema,
  /** cash handed back by voids and refunds */
  cashReturnedCents: signedCentsSchema,
  paidInCents: signedCentsSchema,
  paidOutCents: signedCentsSchema,
  expectedCashCents: signedCentsSchema,
  /** net (payments minus voids/refunds) per method */
  netByMethod: z.object({ cash: signedCentsSchema, check: signedCentsSchema, card: signedCentsSchema, other: signedCentsSchema }),
  paymentCount: z.number().int(),
  voidCount: z.number().int(),
  refundCount: z.number().int(),
});
export type SessionTotals = z.infer<typeof sessionTotalsSchema>;

// ---- inputs -------------------------------------------------------------------------------------------------------

export const drawerOpenInputSchema = z
  .object({
    /** the opening float counted by denomination */
    float: denominationCountsSchema,
    note: cardSafeText(500, 'Note').default(''),
  })
  .strict();

export const drawerMovementInputSchema = z
  .object({
    amountCents: positiveCentsSchema,
    reason: requiredCardSafeText(200, 'Reason'),
  })
  .strict();
export type DrawerMovementInput = z.infer<typeof drawerMovementInputSchema>;

export const drawerCloseInputSchema = z
  .object({
    sessionId: uuidSchema,
    /** the blind count of the cash by denomination */
    cash: denominationCountsSchema,
    /** total of the checks in the drawer, as counted (omit when there are none to count) */
    checksCents: countInputCentsSchema,
    /** the card terminal's batch total (omit when not checked) */
    cardCents: countInputCentsSchema,
    otherCents: countInputCentsSchema,
    note: cardSafeText(500, 'Note').default(''),
  })
  .strict();

export const varianceSignOffInputSchema = z
  .object({
    sessionId: uuidSchema,
    reason: requiredCardSafeText(500, 'Reason'),
    approver: approverCredentialsSchema,
  })
  .strict();

export const businessDateInputSchema = isoDateField('Business date');
