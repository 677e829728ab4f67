/**
 * The visits domain (issue 4): departments, providers, appointment types, appointments and the check-in record.
 * One set of zod schemas used by the API (shared/api/visits.ts), the desk (electron/visits/), the sync payloads
 * (shared/sync/visits.ts) and the hub (hub/visits/). Money is integer cents; times are UTC instants; a board day is the
 * site's business date.
 */
import { z } from 'zod';
import { text, requiredText, optionalIsoDate, uuidSchema, instantSchema } from './common.js';
import { CONSENT_TYPES, SEX_AT_BIRTH } from './patient.js';

// ---- directory (administrator) -------------------------------------------------------------------------------------

const codeSchema = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .min(1, { error: `${label} is required` })
    .max(20, { error: `${label} is too long (at most 20 characters)` })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: `${label}: letters, digits, . _ - only` });

export const departmentInputSchema = z.object({
  name: requiredText(80, 'Department name'),
  /** short code shown on the board and used by schedule feeds (HL7 AIL location / CSV "department") */
  code: codeSchema('Department code'),
  active: z.boolean().default(true),
});
export const departmentSchema = departmentInputSchema.extend({ id: uuidSchema, updatedAt: instantSchema });
export type Department = z.infer<typeof departmentSchema>;

export const providerInputSchema = z.object({
  /** "Dr. Maria Lopez" — what the board shows */
  displayName: requiredText(80, 'Provider name'),
  /** code used by schedule feeds (HL7 AIP personnel id / CSV "provider") */
  code: codeSchema('Provider code'),
  npi: z.union([z.literal(''), z.string().regex(/^\d{10}$/, { error: 'NPI is 10 digits' })]).default(''),
  /** departments the provider usually works in (the booking form offers them first); may be empty */
  departmentIds: z.array(uuidSchema).max(20).default([]),
  active: z.boolean().default(true),
});
export const providerSchema = providerInputSchema.extend({ id: uuidSchema, updatedAt: instantSchema });
export type Provider = z.infer<typeof providerSchema>;

/** Copay category of an appointment type (what a payer's plan usually distinguishes). 'none': never a copay. */
export const COPAY_CATEGORIES = ['none', 'primary-care', 'specialist', 'urgent-care', 'preventive', 'behavioral-health', 'other'] as const;
export type CopayCategory = (typeof COPAY_CATEGORIES)[number];

export const centsSchema = (label: string) =>
  z.number({ error: `${label} must be a number of cents` }).int({ error: `${label} must be whole cents` }).min(0, { error: `${label} cannot be negative` }).max(1_000_000, { error: `${label} is too large` });

export const appointmentTypeInputSchema = z.object({
  name: requiredText(80, 'Appointment type name'),
  code: codeSchema('Appointment type code'),
  durationMin: z.number({ error: 'Duration must be minutes' }).int().min(5, { error: 'Duration is at least 5 minutes' }).max(480, { error: 'Duration is at most 8 hours' }),
  copayCategory: z.enum(COPAY_CATEGORIES, { error: 'Choose a copay category' }),
  defaultCopayCents: centsSchema('Default copay'),
  authorizationRequired: z.boolean().default(false),
  active: z.boolean().default(true),
});
export const appointmentTypeSchema = appointmentTypeInputSchema.extend({ id: uuidSchema, updatedAt: instantSchema });
export type AppointmentType = z.infer<typeof appointmentTypeSchema>;

// ---- appointments ---------------------------------------------------------------------------------------------------

/** scheduled -> arrived -> roomed ("ready/roomed") -> checked-out; scheduled -> cancelled | no-show (shared/visits/state.ts). */
export const APPOINTMENT_STATUSES = ['scheduled', 'arrived', 'roomed', 'checked-out', 'cancelled', 'no-show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export const STATUS_LABELS: Record<AppointmentStatus, string> = {
  scheduled: 'Scheduled',
  arrived: 'Arrived',
  roomed: 'Roomed',
  'checked-out': 'Checked out',
  cancelled: 'Cancelled',
  'no-show': 'No-show',
};

export const APPOINTMENT_SOURCES = ['desk', 'hl7', 'csv'] as const;
export type AppointmentSource = (typeof APPOINTMENT_SOURCES)[number];

/** Demographics a schedule feed sent for a patient not yet matched to the patient index (patientId null). */
export const pendingPatientSchema = z.object({
  given: text(60, 'First name').default(''),
  family: requiredText(80, 'Last name'),
  birthDate: optionalIsoDate('Date of birth').default(''),
  sexAtBirth: z.union([z.literal(''), z.enum(SEX_AT_BIRTH)]).default(''),
  phone: text(30, 'Phone').default(''),
  /** the scheduling system's patient id / MRN (HL7 PID-3), to match later */
  externalPatientId: text(40, 'External patient id').default(''),
});
export type PendingPatient = z.infer<typeof pendingPatientSchema>;

export const CANCEL_REASONS = ['patient-request', 'provider-unavailable', 'rescheduled', 'weather', 'insurance', 'duplicate', 'feed', 'other'] as const;
export const cancelReasonSchema = z.object({
  code: z.enum(CANCEL_REASONS, { error: 'Choose a cancel reason' }),
  note: text(500, 'Note').default(''),
}).superRefine((r, ctx) => {
  if (r.code === 'other' && !r.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'Say why the appointment is cancelled' });
});
export type CancelReason = z.infer<typeof cancelReasonSchema>;

// ---- check-in record ------------------------------------------------------------------------------------------------

/** Why a copay due was not collected at check-in. */
export const COPAY_NOT_COLLECTED_REASONS = ['no-copay', 'patient-declined', 'will-bill', 'hardship', 'other'] as const;
export type CopayNotCollectedReason = (typeof COPAY_NOT_COLLECTED_REASONS)[number];

export const copayDecisionSchema = z.discriminatedUnion('decision', [
  /** the copay is collected now: the payments domain links its payment later (visits.linkPayment) */
  z.object({ decision: z.literal('collect'), dueCents: centsSchema('Copay due') }),
  z.object({
    decision: z.literal('not-collected'),
    dueCents: centsSchema('Copay due'),
    reason: z.enum(COPAY_NOT_COLLECTED_REASONS, { error: 'Choose why the copay is not collected' }),
    note: text(500, 'Note').default(''),
  }),
]).superRefine((c, ctx) => {
  if (c.decision === 'collect' && c.dueCents === 0) ctx.addIssue({ code: 'custom', path: ['dueCents'], message: 'Nothing is due: record "not collected: no copay" instead' });
  if (c.decision === 'not-collected' && c.reason === 'other' && !c.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'Say why the copay is not collected' });
});
export type CopayDecision = z.infer<typeof copayDecisionSchema>;

/** A consent signed at the check-in desk (added to the patient's document as a patient change). */
export const capturedConsentSchema = z.object({
  type: z.enum(CONSENT_TYPES),
  version: requiredText(20, 'Consent version'),
  signer: requiredText(120, 'Signer'),
  signerRelationship: text(40, 'Signer relationship').default('self'),
});

/** What the check-in screen submits with the arrival, in ONE command (visits.checkIn). */
export const checkInInputSchema = z
  .object({
    identity: z.object({
      dobReadBack: z.boolean(),
      photoIdSeen: z.boolean(),
      /** required when neither check was done ("identity not verified" flag) */
      notVerifiedReason: text(300, 'Reason').default(''),
    }),
    /** the patient confirmed the address on file (kept per patient: visit_address_confirmations) */
    addressConfirmed: z.boolean().default(false),
    /** coverage ranks (1 = primary) verified now: the coverage's lastVerifiedAt becomes today (a patient change) */
    coverageVerifiedRanks: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])).max(3).default([]),
    consentsCaptured: z.array(capturedConsentSchema).max(10).default([]),
    copay: copayDecisionSchema,
  })
  .superRefine((c, ctx) => {
    if (!c.identity.dobReadBack && !c.identity.photoIdSeen && !c.identity.notVerifiedReason) {
      ctx.addIssue({ code: 'custom', path: ['identity', 'notVerifiedReason'], message: 'Identity not verified: say why (or confirm DOB / photo ID)' });
    }
    const seen = new Set<string>();
    c.consentsCaptured.forEach((k, i) => {
      if (seen.has(k.type)) ctx.addIssue({ code: 'custom', path: ['consentsCaptured', i, 'type'], message: 'This consent is listed twice' });
      seen.add(k.type);
    });
  });
export type CheckInInput = z.infer<typeof checkInInputSchema>;

/** The check-in record as stored on the appointment (and synced inside appointment.arrived / appointment.state). */
export const checkInRecordSchema = z.object({
  identity: z.object({ dobReadBack: z.boolean(), photoIdSeen: z.boolean(), verified: z.boolean(), notVerifiedReason: z.string() }),
  addressConfirmed: z.boolean(),
  coverageVerifiedRanks: z.array(z.number().int().min(1).max(3)),
  consentsCaptured: z.array(z.object({ type: z.enum(CONSENT_TYPES), version: z.string(), signer: z.string(), signerRelationship: z.string() })),
  copay: z.object({
    dueCents: z.number().int().min(0),
    decision: z.enum(['collect', 'not-collected']),
    reason: z.union([z.literal(''), z.enum(COPAY_NOT_COLLECTED_REASONS)]),
    note: z.string(),
  }),
  /** the business date of the check-in (consent signedOn / coverage lastVerifiedAt / address confirmation date) */
  businessDate: z.string(),
  at: z.string(),
  byUserId: z.string(),
  byUserName: z.string(),
  deskLabel: z.string(),
});
export type CheckInRecord = z.infer<typeof checkInRecordSchema>;

/** Who made the last status change (for clear refusals: "cancelled at 09:12 by Ann at Desk 2"). */
export const statusStampSchema = z.object({ at: z.string(), byUserName: z.string(), deskLabel: z.string() });
export type StatusStamp = z.infer<typeof statusStampSchema>;

/** A desk's transition the hub refused because another desk changed the appointment first (shown on the board). */
export const syncConflictSchema = z.object({
  opId: z.string(),
  kind: z.string(),
  deskId: z.string(),
  deskLabel: z.string(),
  at: z.string(),
  message: z.string(),
});
export type SyncConflict = z.infer<typeof syncConflictSchema>;

/** The full state of one appointment (desk row, hub row and the hub's appointment.state snapshot are all this). */
export const appointmentSchema = z.object({
  id: uuidSchema,
  patientId: uuidSchema.nullable(),
  pendingPatient: pendingPatientSchema.nullable(),
  departmentId: uuidSchema,
  providerId: uuidSchema,
  typeId: uuidSchema,
  start: instantSchema,
  durationMin: z.number().int().min(5).max(480),
  status: z.enum(APPOINTMENT_STATUSES),
  walkIn: z.boolean(),
  source: z.enum(APPOINTMENT_SOURCES),
  /** filler appointment id from a feed (HL7 SCH-2 / CSV id); '' for desk-made appointments */
  externalId: z.string().max(80),
  note: z.string().max(500),
  cancelReason: cancelReasonSchema.nullable(),
  noShow: z.boolean(),
  arrivedAt: instantSchema.nullable(),
  roomedAt: instantSchema.nullable(),
  checkedOutAt: instantSchema.nullable(),
  checkIn: checkInRecordSchema.nullable(),
  /** payment ids linked by the payments domain (copay collected) */
  paymentIds: z.array(z.string().max(64)).max(20),
  lastStatus: statusStampSchema.nullable(),
  syncConflict: syncConflictSchema.nullable(),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});
export type Appointment = z.infer<typeof appointmentSchema>;

/** Booking input (visits.book); also the base of a walk-in. */
export const bookingInputSchema = z.object({
  patientId: uuidSchema,
  departmentId: uuidSchema,
  providerId: uuidSchema,
  typeId: uuidSchema,
  start: instantSchema,
  /** default: the appointment type's duration */
  durationMin: z.number().int().min(5).max(480).optional(),
  note: text(500, 'Note').default(''),
});
