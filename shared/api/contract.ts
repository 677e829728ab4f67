/**
 * The one API. Every method the renderer can call is declared here once: name, zod input, zod output, who may call it.
 * The main process registers exactly one handler per name (electron/api/handlers.ts); the preload and the web host
 * expose exactly these names. Adding a method = add it here + add its handler; the types force both.
 */
import { z } from 'zod';
import { method } from './define.js';
import { requiredText, text, uuidSchema, instantSchema } from '../domain/common.js';
import {
  patientInputSchema,
  patientSchema,
  patientHitSchema,
  duplicateMatchSchema,
  duplicateOverrideSchema,
  duplicateFlagSchema,
  patientVersionSchema,
} from '../domain/patient.js';
import {
  userSummarySchema,
  newUserSchema,
  siteSettingsSchema,
  roleSchema,
  usernameSchema,
  passwordSchema,
} from '../domain/user.js';
import { isValidTimeZone } from '../dates.js';
import { reviewItemSchema } from '../sync/protocol.js';
import { normalizeHubAddress } from '../sync/hub-address.js';
import { visitMethods, visitEvents } from './visits.js';
import { visitImportMethods } from './visits-import.js';
import { paymentMethods, paymentEvents } from './payments.js';
import { printMethods } from './print.js';
import { auditMethods, auditFilterFields, auditListEntrySchema, refineAuditDates } from './audit.js';

const empty = z.object({}).strict();

/** Hub address, one-time enrollment code and the fingerprint the hub shows: enrolling a desk (sync.enroll, setup.join). */
const hubEnrollFields = {
  /** as typed (full address, host:port, bare host; shared/sync/hub-address.ts); parsed into https://host:port */
  hubUrl: z.string().transform((typed, ctx) => {
    const r = normalizeHubAddress(typed);
    if (r.ok) return r.url;
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  }),
  code: z.string().trim().min(8, { error: 'The code has 8 characters' }).max(20).regex(/^[A-Za-z0-9\- ]+$/, { error: 'Letters and digits only' }),
  fingerprint: z.string().trim().max(200).regex(/^[A-Fa-f0-9: ]*$/, { error: 'The fingerprint is hex digits (with or without colons)' }).default(''),
};
const ok = z.object({ ok: z.literal(true) });

/** What the clerk sees about sync: the truth, always. */
export const syncStatusSchema = z.object({
  enrolled: z.boolean(),
  hubUrl: z.string(),
  /** not-enrolled: standalone desk; online: last contact worked; offline: hub unreachable (retrying);
   *  refused: the hub refuses this desk (revoked, wrong fingerprint, protocol) and a person must act */
  state: z.enum(['not-enrolled', 'online', 'offline', 'refused']),
  refusal: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** local changes not yet acknowledged by the hub */
  pending: z.number().int(),
  /** changes the hub refused permanently (kept locally, shown to a supervisor) */
  rejected: z.number().int(),
  lastSyncAt: instantSchema.nullable(),
  lastAttemptAt: instantSchema.nullable(),
  nextAttemptAt: instantSchema.nullable(),
  /** desk clock minus hub clock in ms (null until known); shown when large, never blocks local work */
  clockSkewMs: z.number().int().nullable(),
  /** open review items known from the last contact (supervisors see the queue) */
  openReviewItems: z.number().int(),
  /** a long pull in progress (after an outage, or a desk joining the clinic): changes applied of those it is taking */
  catchingUp: z.object({ done: z.number().int(), of: z.number().int() }).nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

const sessionInfo = z.object({
  user: userSummarySchema.nullable(),
  locked: z.boolean(),
  idleLockSeconds: z.number().int(),
});

export const contract = {
  // ---- app / first run ---------------------------------------------------------------------------
  'app.status': method({
    access: 'public',
    summary: 'Whether first-run setup is done, the site and desk names, and the store version.',
    input: empty,
    output: z.object({
      setupDone: z.boolean(),
      siteName: z.string(),
      deskLabel: z.string(),
      deskId: z.string(),
      appVersion: z.string(),
      schemaVersion: z.number().int(),
    }),
  }),
  'setup.initialize': method({
    access: 'public',
    summary: 'First-run setup: site name, time zone, desk name and the first administrator.',
    input: z
      .object({
        siteName: requiredText(100, 'Site name'),
        timeZone: z.string().max(64).refine(isValidTimeZone, { error: 'Unknown time zone' }),
        deskLabel: requiredText(40, 'Desk name'),
        admin: z.object({
          username: usernameSchema,
          displayName: requiredText(80, 'Display name'),
          password: passwordSchema,
        }),
      })
      .strict(),
    output: ok,
  }),

  'setup.joinProgress': method({
    access: 'public',
    summary: 'While setup.join runs: whether this desk is joining, and how many of the clinic’s changes it has taken so far.',
    input: empty,
    output: z.object({ joining: z.boolean(), done: z.number().int(), of: z.number().int() }),
  }),
  'setup.join': method({
    access: 'public',
    summary:
      'First-run setup of another desk of a clinic that has a hub: enroll with the hub (address, one-time code, fingerprint) and take the site settings, staff accounts and records from it. Staff then sign in with their clinic accounts.',
    input: z.object({ deskLabel: requiredText(40, 'Desk name'), ...hubEnrollFields }).strict(),
    output: z.object({ siteName: z.string(), users: z.number().int(), patients: z.number().int() }),
  }),

  // ---- session ----------------------------------------------------------------------------------
  'session.current': method({
    access: 'public',
    summary: 'The signed-in user of this window, if any, and whether the idle lock is on.',
    input: empty,
    output: sessionInfo,
  }),
  'session.signIn': method({
    access: 'public',
    summary: 'Sign in with user name and password.',
    input: z.object({ username: z.string().max(40), password: z.string().max(256) }).strict(),
    output: sessionInfo,
  }),
  'session.signOut': method({ access: 'locked-ok', summary: 'Sign out.', input: empty, output: ok }),
  'session.lock': method({ access: 'locked-ok', summary: 'Lock the screen now (also done by the idle timer).', input: empty, output: ok }),
  'session.unlock': method({
    access: 'locked-ok',
    summary: 'Unlock after the idle lock with the same user password.',
    input: z.object({ password: z.string().max(256) }).strict(),
    output: sessionInfo,
  }),
  'session.touch': method({ access: 'session', summary: 'Keyboard/mouse activity heartbeat; keeps the idle lock away.', input: empty, output: ok }),

  // ---- users and settings (administrator) --------------------------------------------------------
  'users.list': method({ access: 'administrator', summary: 'All users.', input: empty, output: z.object({ users: z.array(userSummarySchema) }) }),
  'users.create': method({ access: 'administrator', summary: 'Add a user.', input: newUserSchema.strict(), output: z.object({ user: userSummarySchema }) }),
  'users.update': method({
    access: 'administrator',
    summary: 'Change a user’s name, role or active flag.',
    input: z.object({ id: uuidSchema, displayName: requiredText(80, 'Display name'), role: roleSchema, active: z.boolean() }).strict(),
    output: z.object({ user: userSummarySchema }),
  }),
  'users.setPassword': method({
    access: 'administrator',
    summary: 'Set a new password for a user (also clears a lockout).',
    input: z.object({ id: uuidSchema, password: passwordSchema }).strict(),
    output: ok,
  }),
  'users.unlock': method({ access: 'administrator', summary: 'Clear a sign-in lockout.', input: z.object({ id: uuidSchema }).strict(), output: ok }),
  'settings.get': method({ access: 'session', summary: 'Site settings.', input: empty, output: siteSettingsSchema }),
  'settings.update': method({ access: 'administrator', summary: 'Change site settings.', input: siteSettingsSchema.strict(), output: siteSettingsSchema }),

  // ---- patients ----------------------------------------------------------------------------------
  'patients.search': method({
    access: 'session',
    summary: 'Search by name ("last, first", "first last", "smi,joh"), DOB, MRN or phone; ranked.',
    input: z.object({ q: text(200, 'Search'), limit: z.number().int().min(1).max(100).default(25) }).strict(),
    /** truncated: more patients matched than `limit` (the clerk should narrow the search) */
    output: z.object({ interpretations: z.array(z.string()), hits: z.array(patientHitSchema), truncated: z.boolean() }),
  }),
  'patients.get': method({
    access: 'session',
    summary: 'One patient (recorded as a view in the audit log).',
    input: z.object({ id: uuidSchema }).strict(),
    /** duplicateFlags: this record saved anyway as a likely duplicate, or another saved anyway as one of it */
    output: z.object({ patient: patientSchema, duplicateFlags: z.array(duplicateFlagSchema).optional() }),
  }),
  'patients.findDuplicates': method({
    access: 'session',
    summary: 'Likely and possible matches for a patient being typed.',
    input: z
      .object({
        given: text(60).default(''),
        family: text(80).default(''),
        birthDate: text(10).default(''),
        sexAtBirth: text(10).default(''),
        phones: z.array(text(30)).max(5).default([]),
        email: text(254).default(''),
        postalCode: text(10).default(''),
        line1: text(100).default(''),
        identifiers: z.array(text(40)).max(10).default([]),
        excludeId: uuidSchema.optional(),
      })
      .strict(),
    output: z.object({ matches: z.array(duplicateMatchSchema) }),
  }),
  'patients.register': method({
    access: 'session',
    summary: 'Register a new patient; refused with DUPLICATE_SUSPECTED unless an override reason is given.',
    input: z.object({ patient: patientInputSchema, override: duplicateOverrideSchema.optional() }).strict(),
    output: z.object({ patient: patientSchema }),
  }),
  'patients.update': method({
    access: 'session',
    summary: 'Save an edit; baseVersion must be the version the clerk opened.',
    input: z.object({ id: uuidSchema, baseVersion: z.number().int().positive(), patient: patientInputSchema, override: duplicateOverrideSchema.optional() }).strict(),
    output: z.object({ patient: patientSchema }),
  }),
  'patients.history': method({
    access: 'session',
    summary: 'Every version of a patient with who changed what.',
    input: z.object({ id: uuidSchema }).strict(),
    output: z.object({ versions: z.array(patientVersionSchema) }),
  }),

  // ---- audit (administrator) ---------------------------------------------------------------------
  'audit.list': method({
    access: 'administrator',
    summary: 'Audit entries, newest first, filtered (patient, user, business dates, actions), with names and plain words.',
    input: z
      .object({
        beforeSeq: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(500).default(100),
        ...auditFilterFields,
      })
      .strict()
      .superRefine(refineAuditDates),
    output: z.object({ entries: z.array(auditListEntrySchema) }),
  }),
  'audit.verify': method({
    access: 'administrator',
    summary: 'Recompute the hash chain of the whole audit log.',
    input: empty,
    output: z.object({ ok: z.boolean(), count: z.number().int(), firstBadSeq: z.number().int().nullable(), checkedAt: instantSchema }),
  }),

  // ---- sync with the clinic hub ------------------------------------------------------------------
  'sync.status': method({
    access: 'session',
    summary: 'Whether this desk is enrolled, online or offline, how many changes wait, the last successful sync, and any refusal.',
    input: empty,
    output: syncStatusSchema,
  }),
  'sync.enroll': method({
    access: 'administrator',
    summary: 'Enroll this desk with the clinic hub: hub address, one-time code and the fingerprint the hub shows.',
    input: z.object(hubEnrollFields).strict(),
    output: syncStatusSchema,
  }),
  'sync.now': method({ access: 'session', summary: 'Sync now instead of waiting for the next round.', input: empty, output: syncStatusSchema }),
  'sync.reviewItems': method({
    access: 'supervisor',
    summary: 'Work items from the hub that need a person: identity conflicts, likely duplicates, MRN collisions, refused appointment changes.',
    input: z.object({ status: z.enum(['open', 'all']).default('open') }).strict(),
    output: z.object({ items: z.array(reviewItemSchema), fetchedAt: instantSchema }),
  }),
  'sync.resolveReviewItem': method({
    access: 'supervisor',
    summary: 'Close a review item with a note (after merging, correcting, or deciding the records are different people).',
    input: z.object({ id: z.string().min(1).max(100), resolution: z.enum(['merged', 'corrected', 'not-duplicate', 'kept']), note: requiredText(500, 'Note') }).strict(),
    output: ok,
  }),

  // ---- patient merge (supervisor): link-and-survivor, undoable, synced --------------------------------
  'patients.merge': method({
    access: 'supervisor',
    summary: 'Merge a duplicate record into the surviving one (the duplicate is linked, never deleted).',
    input: z.object({ survivorId: uuidSchema, mergedId: uuidSchema, reason: requiredText(500, 'Reason') }).strict(),
    output: z.object({ survivor: patientSchema }),
  }),
  'patients.unmerge': method({
    access: 'supervisor',
    summary: 'Undo a merge: the linked record becomes a patient of its own again.',
    input: z.object({ mergedId: uuidSchema, reason: requiredText(500, 'Reason') }).strict(),
    output: z.object({ patient: patientSchema }),
  }),
  ...visitMethods,
  ...visitImportMethods,
  ...paymentMethods,
  ...printMethods,
  ...auditMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
export const METHOD_NAMES = Object.keys(contract) as MethodName[];

/** Events the main process pushes to renderers. */
export const events = {
  'session.changed': z.object({ locked: z.boolean(), signedIn: z.boolean() }),
  'patients.changed': z.object({ id: uuidSchema, version: z.number().int() }),
  'sync.changed': syncStatusSchema,
  ...visitEvents,
  ...paymentEvents,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
