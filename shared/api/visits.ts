/**
 * API methods and events of the visits domain (appointments, check-in, board). Spread into the one contract
 * (shared/api/contract.ts); handlers in electron/visits/handlers.ts.
 *
 * Every command answers with the appointment as it now is; an illegal transition is a CONFLICT ApiError whose message
 * says why and what to do ("Cannot check in this appointment: it was cancelled at 09:12 by Ann at Desk 2; reinstate
 * it first."). Every change (local or pulled by sync) emits 'visits.changed'.
 */
import { z } from 'zod';
import { method } from './define.js';
import { requiredText, text, uuidSchema, instantSchema, isoDateField } from '../domain/common.js';
import {
  APPOINTMENT_STATUSES,
  appointmentSchema,
  appointmentTypeInputSchema,
  appointmentTypeSchema,
  bookingInputSchema,
  cancelReasonSchema,
  checkInInputSchema,
  departmentInputSchema,
  departmentSchema,
  providerInputSchema,
  providerSchema,
} from '../domain/visit.js';
import { CONSENT_TYPES } from '../domain/patient.js';
import { UNDO_TRANSITIONS } from '../visits/state.js';

const idOnly = z.object({ id: uuidSchema }).strict();
const appointmentOut = z.object({ appointment: appointmentSchema });

/** One row of today's board: what the row shows, nothing more (no N+1: one query). */
export const boardRowSchema = z.object({
  id: z.string(),
  start: z.string(),
  durationMin: z.number().int(),
  status: z.enum(APPOINTMENT_STATUSES),
  walkIn: z.boolean(),
  source: z.string(),
  patientId: z.string().nullable(),
  /** "Family, Given" (or the feed's pending-patient name) */
  patientName: z.string(),
  birthDate: z.string(),
  mrn: z.string(),
  /** true: a feed appointment whose patient is not matched yet */
  pendingPatient: z.boolean(),
  providerId: z.string(),
  providerName: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  departmentCode: z.string(),
  typeId: z.string(),
  typeName: z.string(),
  arrivedAt: z.string().nullable(),
  roomedAt: z.string().nullable(),
  checkedOutAt: z.string().nullable(),
  /** minutes waited since arrival: until roomed (or now while arrived); null before arrival */
  waitMinutes: z.number().int().nullable(),
  flags: z.object({
    identityNotVerified: z.boolean(),
    consentMissing: z.boolean(),
    coverageStale: z.boolean(),
    authorizationRequired: z.boolean(),
    /** none: nothing due; due: not decided yet; collected: payment linked; collect: to be collected (no payment linked yet); not-collected: reason recorded */
    copay: z.enum(['none', 'due', 'collect', 'collected', 'not-collected']),
    copayDueCents: z.number().int(),
    /** "Check-in at Desk B refused: ..." when the hub refused a desk's change (convergence rule, shared/sync/visits.ts) */
    syncConflict: z.string().nullable(),
  }),
});
export type BoardRow = z.infer<typeof boardRowSchema>;

/** What the check-in screen needs besides the appointment. */
export const checkInContextSchema = z.object({
  businessDate: z.string(),
  patient: z
    .object({ id: z.string(), mrn: z.string(), version: z.number().int(), name: z.string(), birthDate: z.string() })
    .nullable(),
  staleCoverages: z.array(z.object({ rank: z.number().int(), payerName: z.string(), lastVerifiedAt: z.string(), reason: z.enum(['never-verified', 'verified-long-ago']) })),
  address: z.object({
    stale: z.boolean(),
    reason: z.enum(['no-address', 'not-confirmed-recently']).nullable(),
    confirmedOn: z.string(),
  }),
  consentsDue: z.array(
    z.object({
      type: z.enum(CONSENT_TYPES),
      label: z.string(),
      currentVersion: z.string(),
      reason: z.enum(['missing', 'expired', 'old-version']),
      signedOn: z.string().nullable(),
      version: z.string().nullable(),
    }),
  ),
  copay: z.object({ dueCents: z.number().int(), source: z.enum(['type-none', 'self-pay', 'type-default']) }),
  /** eligibility placeholder: last-known verification date of the primary coverage ('' = never) */
  primaryCoverageLastVerifiedAt: z.string(),
  authorizationRequired: z.boolean(),
});
export type CheckInContext = z.infer<typeof checkInContextSchema>;

const directoryOut = z.object({
  departments: z.array(departmentSchema),
  providers: z.array(providerSchema),
  types: z.array(appointmentTypeSchema),
});

export const visitMethods = {
  // ---- directory (administrator manages; everyone reads) -------------------------------------------------------------
  'visits.directory': method({
    access: 'session',
    summary: 'Departments, providers and appointment types (inactive ones included, flagged).',
    input: z.object({}).strict(),
    output: directoryOut,
  }),
  'visits.saveDepartment': method({
    access: 'administrator',
    summary: 'Create a department (no id) or change one (deactivate with active: false).',
    input: z.object({ id: uuidSchema.optional(), department: departmentInputSchema }).strict(),
    output: z.object({ department: departmentSchema }),
  }),
  'visits.saveProvider': method({
    access: 'administrator',
    summary: 'Create a provider (no id) or change one (deactivate with active: false).',
    input: z.object({ id: uuidSchema.optional(), provider: providerInputSchema }).strict(),
    output: z.object({ provider: providerSchema }),
  }),
  'visits.saveAppointmentType': method({
    access: 'administrator',
    summary: 'Create an appointment type (no id) or change one (deactivate with active: false).',
    input: z.object({ id: uuidSchema.optional(), appointmentType: appointmentTypeInputSchema }).strict(),
    output: z.object({ appointmentType: appointmentTypeSchema }),
  }),

  // ---- appointments -------------------------------------------------------------------------------------------------
  'visits.book': method({
    access: 'session',
    summary: 'Book an appointment for a patient (duration defaults to the type’s).',
    input: bookingInputSchema.strict(),
    output: appointmentOut,
  }),
  'visits.walkIn': method({
    access: 'session',
    summary:
      'Walk-in: an appointment starting now, arrived in the same command (check-in record optional); arriveNow: false books it (walk-in, scheduled now) so the normal check-in (visits.checkIn) arrives it.',
    input: z
      .object({
        patientId: uuidSchema,
        departmentId: uuidSchema,
        providerId: uuidSchema,
        typeId: uuidSchema,
        note: text(500, 'Note').default(''),
        checkIn: checkInInputSchema.optional(),
        /** false: create the walk-in scheduled "now" (the desk's Alt+W: created at once, then the normal check-in) */
        arriveNow: z.boolean().default(true),
      })
      .strict()
      .refine((w) => w.arriveNow || !w.checkIn, { path: ['checkIn'], message: 'A check-in record needs arriveNow (or check in with visits.checkIn afterwards)' }),
    output: appointmentOut,
  }),
  'visits.reschedule': method({
    access: 'session',
    summary: 'Move a scheduled appointment (time, duration, provider, department).',
    input: z
      .object({ id: uuidSchema, start: instantSchema, durationMin: z.number().int().min(5).max(480).optional(), providerId: uuidSchema.optional(), departmentId: uuidSchema.optional() })
      .strict(),
    output: appointmentOut,
  }),
  'visits.modify': method({
    access: 'session',
    summary: 'Change type, provider, department, duration, note, or link the patient of a feed appointment.',
    input: z
      .object({
        id: uuidSchema,
        typeId: uuidSchema.optional(),
        providerId: uuidSchema.optional(),
        departmentId: uuidSchema.optional(),
        durationMin: z.number().int().min(5).max(480).optional(),
        note: text(500, 'Note').optional(),
        patientId: uuidSchema.optional(),
      })
      .strict(),
    output: appointmentOut,
  }),
  'visits.cancel': method({
    access: 'session',
    summary: 'Cancel a scheduled appointment (reason required).',
    input: z.object({ id: uuidSchema, reason: cancelReasonSchema }).strict(),
    output: appointmentOut,
  }),
  'visits.noShow': method({ access: 'session', summary: 'Mark a scheduled appointment as a no-show.', input: idOnly, output: appointmentOut }),
  'visits.checkIn': method({
    access: 'session',
    summary: 'Check in (arrive) with the check-in record: identity, reviewed items, consents captured, copay decision. One command.',
    input: z.object({ id: uuidSchema, checkIn: checkInInputSchema }).strict(),
    output: appointmentOut.extend({ patientVersion: z.number().int().nullable() }),
  }),
  'visits.room': method({ access: 'session', summary: 'Mark an arrived patient roomed ("ready").', input: idOnly, output: appointmentOut }),
  'visits.checkOut': method({ access: 'session', summary: 'Check out an arrived or roomed patient.', input: idOnly, output: appointmentOut }),
  'visits.undo': method({
    access: 'session',
    summary: 'Undo a step: undo-arrival, undo-rooming, undo-check-out, or reinstate a cancelled / no-show appointment (reason required).',
    input: z.object({ id: uuidSchema, undo: z.enum(UNDO_TRANSITIONS), reason: requiredText(500, 'Reason') }).strict(),
    output: appointmentOut,
  }),
  'visits.linkPayment': method({
    access: 'session',
    summary: 'Link a payment (payments domain) to the visit: the copay shows as collected.',
    input: z.object({ id: uuidSchema, paymentId: z.string().trim().min(1).max(64) }).strict(),
    output: appointmentOut,
  }),

  // ---- reads -------------------------------------------------------------------------------------------------------
  'visits.board': method({
    access: 'session',
    summary: 'Every appointment of a business date (site time zone) with what a board row shows, sorted by time.',
    input: z
      .object({
        /** default: today in the site's time zone */
        businessDate: isoDateField('Date').optional(),
        departmentIds: z.array(uuidSchema).max(100).default([]),
        providerIds: z.array(uuidSchema).max(200).default([]),
        statuses: z.array(z.enum(APPOINTMENT_STATUSES)).max(APPOINTMENT_STATUSES.length).default([]),
      })
      .strict(),
    output: z.object({ businessDate: z.string(), timeZone: z.string(), generatedAt: instantSchema, rows: z.array(boardRowSchema) }),
  }),
  'visits.get': method({
    access: 'session',
    summary: 'One appointment with its check-in record and the check-in context (stale items, consents due, copay due).',
    input: idOnly,
    output: z.object({ appointment: appointmentSchema, context: checkInContextSchema }),
  }),
  'visits.forPatient': method({
    access: 'session',
    summary: 'A patient’s appointments (newest first, at most 100).',
    input: z.object({ patientId: uuidSchema }).strict(),
    output: z.object({ appointments: z.array(appointmentSchema) }),
  }),
  'visits.walkInContext': method({
    access: 'session',
    summary: 'The check-in context (stale items, consents due, copay due) of a walk-in not created yet: the patient and the chosen type, today.',
    input: z.object({ patientId: uuidSchema, typeId: uuidSchema }).strict(),
    output: z.object({ context: checkInContextSchema }),
  }),
} as const;

export const visitEvents = {
  /** an appointment changed here or arrived by sync; `ids` empty = many (reload the board) */
  'visits.changed': z.object({ ids: z.array(z.string()), businessDates: z.array(z.string()) }),
  /** the directory (departments, providers, types) changed */
  'visits.directoryChanged': z.object({}),
} as const;
