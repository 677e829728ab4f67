/**
 * Desk <-> hub sync protocol, version 2 (docs/design.md section 4; issue 3). One zod schema per request and response,
 * shared by the hub (hub/) and the desk's sync worker. Field names are camelCase on the wire; `outboxRowToOp` maps
 * a desk outbox row (electron/store/migrations.ts, table `outbox`) to the wire shape.
 *
 * Transport: HTTPS with the hub's self-signed certificate pinned by SHA-256 fingerprint (see hub-client.ts). Every
 * request except GET /health and POST /enroll carries `Authorization: Bearer <deskCredential>`; /admin/* carries the
 * hub's admin token instead. Every refusal is a 4xx JSON body `{ error: { code, message, ... } }` (hubErrorSchema);
 * a 503 `HUB_BUSY` means "transient, nothing was written, retry with backoff".
 *
 * Push (POST /sync/push) — idempotent, per (deskId, epoch) the hub keeps `lastSeq`:
 *   - ops with seq <= lastSeq are acknowledged again and skipped (same opId and same content required, else 409
 *     OP_MISMATCH: a protocol error, nothing written);
 *   - the first new op must have seq = lastSeq + 1, else 409 SEQ_GAP with `expectedSeq`;
 *   - new ops are acknowledged once durably logged at the hub (hub migration 7, hub/materialize.ts); the hub applies
 *     them right after, in receive order. A permanently invalid op (bad payload for its kind, unknown kind, unknown or
 *     foreign entity) is then recorded as rejected and skipped — `ackedSeq` advanced past it already — and comes back
 *     to its desk only, as a change with `rejected` (a rejected echo) in a later pull. `rejected` in the push
 *     response lists only re-sent ops the hub had already rejected;
 *   - a pull waits until every op other desks had acknowledged before it is applied, so what was acknowledged is
 *     visible to every other desk's next pull (read-your-acknowledged-writes across desks);
 *   - a transient failure aborts the whole batch (nothing written) and answers 503 HUB_BUSY.
 *   A new epoch (desk restored from a backup or reinstalled) starts a new series; its first seq is `epochStartSeq`
 *   (default 1), fixed the first time the hub sees that epoch.
 *   Body: application/json (pushRequestSchema: each op with its `payload` value), or from protocol 2 on
 *   application/json-seq (RFC 7464; pushBodySeq): the push without payloads (pushHeaderSchema) as the first JSON
 *   text, then each op's payload as its own JSON text, in op order — the text the desk's outbox row stores. The hub
 *   logs those texts as they are (no parse into objects and serialise again on either side); one that is not JSON is
 *   rejected when applied (invalid-payload, a rejected echo), like any other bad payload. A desk sends json-seq only
 *   to a hub whose status says protocolVersion >= 2.
 *
 * Pull (GET /sync/pull?cursor=N&limit=M) — every accepted (not rejected) op of EVERY desk, including the caller's own,
 * in hub order (serverSeq). Own ops are included on purpose: a desk restored from a backup gets back the ops it
 * pushed after that backup was taken. A desk recognises its own echoes by opId (present in its outbox) and skips them.
 * With `echoes=slim` the hub leaves out the payloads of the caller's own changes (see pullQuerySchema).
 * Apply a page and store the returned `cursor` in ONE local transaction.
 */
import { z } from 'zod';
import { isUuidV7 } from '../ids.js';
import { CONTROL_CHARS } from '../text.js';

export const PROTOCOL_VERSION = 2;
/** The first protocol version whose hub takes a push as application/json-seq (pushBodySeq). */
export const PUSH_SEQ_PROTOCOL = 2;
export const PUSH_SEQ_CONTENT_TYPE = 'application/json-seq';
/** Payload schema versions this code understands (outbox `schema_version`). */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];
export const MAX_PUSH_OPS = 500;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;
/** Request bodies above this many bytes are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** MRN numbers per hub-granted block. */
export const MRN_BLOCK_SIZE = 1000;
/** The hub grants MRN serials from this range only (electron/patients/mrn.ts: HUB space; desks' local slots are below). */
export const HUB_MRN_FIRST = 4_000_000;
export const HUB_MRN_LAST = 9_999_999;

/** Kinds of op the hub applies today (anything else is rejected as `unknown-kind`). */
export const OP_KINDS = ['site.configured', 'user.upserted', 'patient.registered', 'patient.updated', 'patient.merged', 'patient.unmerged'] as const;
export type OpKind = (typeof OP_KINDS)[number];

// ---- building blocks ----------------------------------------------------------------------------------------------

const noControl = (label: string) => (s: string) => !CONTROL_CHARS.test(s) || `${label} contains control characters`;

export const deskIdSchema = z.string({ error: 'deskId must be a string' }).uuid({ error: 'deskId must be a UUID' });
export const opIdSchema = z.string({ error: 'opId must be a string' }).refine((s) => isUuidV7(s), { error: 'opId must be a UUIDv7' });
export const epochSchema = z.number({ error: 'epoch must be a number' }).int({ error: 'epoch must be an integer' }).min(1, { error: 'epoch starts at 1' }).max(1_000_000, { error: 'epoch is too large' });
export const seqSchema = z.number({ error: 'seq must be a number' }).int({ error: 'seq must be an integer' }).min(1, { error: 'seq starts at 1' }).max(Number.MAX_SAFE_INTEGER);
/** Encoded HLC (shared/hlc.ts): 15-digit wall ms, 6-digit counter, node id. */
export const hlcSchema = z
  .string({ error: 'hlc must be a string' })
  .max(100, { error: 'hlc is too long' })
  .regex(/^\d{15}-\d{6}-[A-Za-z0-9-]{1,64}$/, { error: 'hlc must look like 000001700000000-000000-<node>' });
export const kindSchema = z
  .string({ error: 'kind must be a string' })
  .max(64, { error: 'kind is too long' })
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, { error: 'kind must look like "patient.updated"' });
export const entityIdSchema = z
  .string({ error: 'entityId must be a string' })
  .min(1, { error: 'entityId is required' })
  .max(128, { error: 'entityId is too long' })
  .refine((s) => noControl('entityId')(s) === true, { error: 'entityId contains control characters' });
export const labelSchema = z
  .string({ error: 'deskLabel must be text' })
  .trim()
  .min(1, { error: 'deskLabel is required' })
  .max(60, { error: 'deskLabel is too long (at most 60 characters)' })
  .refine((s) => !CONTROL_CHARS.test(s), { error: 'deskLabel contains control characters' });

/** Compare two encoded HLCs (fixed-width, so string order = clock order; node id breaks ties). */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Wall-clock milliseconds of an encoded HLC. */
export function hlcWall(hlc: string): number {
  return Number(hlc.slice(0, 15));
}

// ---- ops ----------------------------------------------------------------------------------------------------------

const opEnvelopeShape = {
  opId: opIdSchema,
  deskId: deskIdSchema,
  epoch: epochSchema,
  seq: seqSchema,
  kind: kindSchema,
  entityId: entityIdSchema,
  hlc: hlcSchema,
  schemaVersion: z.number({ error: 'schemaVersion must be a number' }).int().min(1).max(1000),
};

/** One outbox entry on the wire. `payload` is any JSON value here; the hub validates it per kind when applying. */
export const opSchema = z
  .object({ ...opEnvelopeShape, payload: z.unknown() })
  .refine((o) => o.payload !== undefined, { path: ['payload'], error: 'payload is required' });
export type SyncOp = z.infer<typeof opSchema>;

/** An op without its payload: in the first JSON text of an application/json-seq push (its payload follows). */
export const opEnvelopeSchema = z.object(opEnvelopeShape);

/** An outbox row as the desk stores it (electron/store/migrations.ts). */
export interface OutboxRow {
  desk_seq: number;
  op_id: string;
  desk_id: string;
  desk_epoch: number;
  kind: string;
  entity_id: string;
  payload: string;
  hlc: string;
  schema_version: number;
}

/**
 * A push as the desk sends it: `payloadTexts[i]` (when given) is ops[i]'s payload as the JSON text its outbox row
 * stores (ops[i].payload is then not read): spliced into an application/json body as the `payload` value
 * (pushBodyJson), or each its own record of an application/json-seq body when `jsonSeq` (pushBodySeq, protocol 2).
 */
export type OutgoingPush = PushRequest & { payloadTexts?: string[]; jsonSeq?: boolean };

const RS = '\u001e';

function opEnvelopeJson(op: SyncOp): string {
  const str = JSON.stringify;
  return `"opId":${str(op.opId)},"deskId":${str(op.deskId)},"epoch":${str(op.epoch)},"seq":${str(op.seq)},"kind":${str(op.kind)},"entityId":${str(op.entityId)},"hlc":${str(op.hlc)},"schemaVersion":${str(op.schemaVersion)}`;
}

function pushHeadJson(req: PushRequest): string {
  const head = { deskId: req.deskId, epoch: req.epoch, ...(req.epochStartSeq !== undefined ? { epochStartSeq: req.epochStartSeq } : {}), ...(req.more !== undefined ? { more: req.more } : {}) };
  return JSON.stringify(head).slice(0, -1);
}

/**
 * The application/json-seq body of a push (RFC 7464: each JSON text after a record separator U+001E and before a
 * line feed): the push without payloads (pushHeaderSchema), then each op's payload text as stored. JSON text never
 * holds a raw U+001E (JSON escapes U+0000..U+001F), so the records split without parsing the payloads.
 */
export function pushBodySeq(req: OutgoingPush): string {
  const texts = req.ops.map((op, i) => req.payloadTexts?.[i] ?? JSON.stringify(op.payload));
  return `${RS}${pushHeadJson(req)},"ops":[${req.ops.map((op) => `{${opEnvelopeJson(op)}}`).join(',')}]}\n${RS}${texts.join(`\n${RS}`)}${texts.length ? '\n' : ''}`;
}

/** The JSON body of a push (pushRequestSchema), splicing stored payload texts. */
export function pushBodyJson(req: OutgoingPush): string {
  const str = JSON.stringify;
  const texts = req.payloadTexts;
  const ops = req.ops.map((op, i) => {
    const t = texts?.[i];
    if (t === undefined) return str(op);
    return `{${opEnvelopeJson(op)},"payload":${t}}`;
  });
  return `${pushHeadJson(req)},"ops":[${ops.join(',')}]}`;
}

/** The op without its payload parsed (payload null): for a push with payloadTexts. */
export function outboxRowToOpShell(r: OutboxRow): SyncOp {
  return { opId: r.op_id, deskId: r.desk_id, epoch: r.desk_epoch, seq: r.desk_seq, kind: r.kind, entityId: r.entity_id, payload: null, hlc: r.hlc, schemaVersion: r.schema_version };
}

export function outboxRowToOp(r: OutboxRow): SyncOp {
  return { ...outboxRowToOpShell(r), payload: JSON.parse(r.payload) as unknown };
}

// ---- payloads per kind (what the desk emits today: electron/users/handlers.ts, electron/patients/handlers.ts) -----

export const sitePayloadSchema = z.object({
  siteName: z.string().trim().min(1).max(100).refine((s) => !CONTROL_CHARS.test(s), { error: 'siteName contains control characters' }),
  timeZone: z.string().min(1).max(64).refine((s) => !CONTROL_CHARS.test(s), { error: 'timeZone contains control characters' }),
  // The other site-wide settings (shared/domain/user.ts SITE_WIDE_SETTINGS). Optional: a payload from an older desk
  // carries only the name and the time zone, and applying it leaves these as they are.
  idleLockSeconds: z.number().int().min(30).max(3600).optional(),
  lockoutThreshold: z.number().int().min(3).max(20).optional(),
  lockoutMinutes: z.number().int().min(1).max(1440).optional(),
  requireDuplicateApproval: z.boolean().optional(),
});

export const userPayloadSchema = z.object({
  id: z.string().uuid(),
  username: z.string().min(1).max(40).regex(/^[a-z0-9._-]+$/i),
  displayName: z.string().min(1).max(80).refine((s) => !CONTROL_CHARS.test(s), { error: 'displayName contains control characters' }),
  role: z.enum(['clerk', 'supervisor', 'administrator']),
  active: z.boolean(),
  passwordHash: z.string().min(1).max(512).refine((s) => !CONTROL_CHARS.test(s), { error: 'passwordHash contains control characters' }),
});

/** patient.registered: the full document (validated against patientInputSchema by the hub). */
export const patientRegisteredPayloadSchema = z.object({
  id: z.string().uuid(),
  mrn: z.string().regex(/^\d{8}$/, { error: 'mrn must be 8 digits' }),
  version: z.literal(1),
  doc: z.record(z.string(), z.unknown()),
});

/** patient.updated: a field patch {path: new value} made from `baseVersion` (lists replaced as a whole). */
export const patientUpdatedPayloadSchema = z.object({
  id: z.string().uuid(),
  baseVersion: z.number().int().min(1),
  version: z.number().int().min(2),
  changes: z.record(z.string(), z.unknown()).refine((c) => Object.keys(c).length > 0, { error: 'changes is empty' }),
});

/** Required free text of at most 500 characters, like the desk's requiredText(500). */
const noteText = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .min(1, { error: `${label} is required` })
    .max(500, { error: `${label} is too long (at most 500 characters)` })
    .refine((s) => !CONTROL_CHARS.test(s), { error: `${label} contains control characters` });

/** patient.merged (electron/patients/merge.ts): the merged record links to the survivor (link-and-survivor). */
export const patientMergedPayloadSchema = z.object({
  survivorId: z.string().uuid({ error: 'survivorId must be a UUID' }),
  mergedId: z.string().uuid({ error: 'mergedId must be a UUID' }),
  reason: noteText('reason'),
});
export type PatientMergedPayload = z.infer<typeof patientMergedPayloadSchema>;

/**
 * patient.unmerged: the merge of `mergedId` is undone. `survivorId`: the record it was merged into on the desk that
 * undid it (desks send it since merge conflicts converge; older desks did not): the hub refuses to undo a different
 * merge than the one the desk saw.
 */
export const patientUnmergedPayloadSchema = z.object({
  mergedId: z.string().uuid({ error: 'mergedId must be a UUID' }),
  survivorId: z.string().uuid({ error: 'survivorId must be a UUID' }).optional(),
  reason: noteText('reason'),
});
export type PatientUnmergedPayload = z.infer<typeof patientUnmergedPayloadSchema>;

/** Hub-authored op kind: the hub's merge links after it refused a desk's merge or undo (hub/apply.ts). */
export const PATIENT_LINKS_KIND = 'patient.links';

/**
 * patient.links (written by the hub only): the hub's truth for every record a refused merge/unmerge involved, as of
 * this change. A desk sets each record's merged_into to `mergedInto`, then re-applies its own merge/undo ops the hub
 * had not yet applied when it wrote this (`seen`: per desk and epoch, the highest seq the hub had applied), so the
 * desk ends where the hub will.
 */
export const patientLinksPayloadSchema = z.object({
  links: z
    .array(z.object({ patientId: z.string().uuid(), mergedInto: z.string().uuid().nullable() }))
    .min(1)
    .max(200),
  seen: z.array(z.object({ deskId: z.string(), epoch: z.number().int(), seq: z.number().int() })).max(1000),
  /** the refused op, the desk that made it, and the merge-conflict review item it raised */
  causeOpId: z.string(),
  causeDeskId: z.string(),
  reviewItemId: z.string(),
});
export type PatientLinksPayload = z.infer<typeof patientLinksPayloadSchema>;

// ---- requests and responses ---------------------------------------------------------------------------------------

export const enrollRequestSchema = z.object({
  code: z.string({ error: 'code must be a string' }).min(1, { error: 'code is required' }).max(32, { error: 'code is too long' }),
  deskId: deskIdSchema,
  deskLabel: labelSchema,
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const mrnBlockSchema = z.object({ start: z.number().int(), end: z.number().int() });
export type MrnBlockGrant = z.infer<typeof mrnBlockSchema>;

export const enrollResponseSchema = z.object({
  deskId: z.string(),
  /** 32 random bytes, base64url. Store it protected (safeStorage); the hub keeps only its hash. */
  deskCredential: z.string(),
  hubId: z.string(),
  /** SHA-256 of the hub's certificate (DER), "AB:CD:..." as Node's X509Certificate.fingerprint256 prints it. */
  certFingerprint: z.string(),
  /** The hub's certificate (PEM), to pin as the only trusted CA for this hub (see hub-client.ts). */
  certPem: z.string(),
  mrnBlock: mrnBlockSchema,
  serverTime: z.string(),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

const pushShape = <O extends z.ZodType<{ opId: string; deskId: string; epoch: number; seq: number }>>(op: O) => ({
  deskId: deskIdSchema,
  epoch: epochSchema,
  /** desk_seq of this epoch's first op; only read the first time the hub sees the epoch. Default 1. */
  epochStartSeq: seqSchema.optional(),
  ops: z.array(op, { error: 'ops must be an array' }).max(MAX_PUSH_OPS, { error: `A push carries at most ${MAX_PUSH_OPS} ops; send the rest in the next batch` }),
  /**
   * A hint: the desk sends another batch right after this one (catching up after an outage). The hub acknowledges
   * each batch once logged and materialises after the last one (or after a short wait if none comes).
   */
  more: z.boolean({ error: 'more must be true or false' }).optional(),
});

/** The first JSON text of an application/json-seq push: the push with its ops' envelopes; the payloads follow. */
export const pushHeaderSchema = z.object(pushShape(opEnvelopeSchema)).superRefine(checkPushOps);
export type PushHeader = z.infer<typeof pushHeaderSchema>;

export const pushRequestSchema = z.object(pushShape(opSchema)).superRefine(checkPushOps);
export type PushRequest = z.infer<typeof pushRequestSchema>;

function checkPushOps(b: { deskId: string; epoch: number; ops: { opId: string; deskId: string; epoch: number; seq: number }[] }, ctx: z.RefinementCtx): void {
  b.ops.forEach((op, i) => {
    if (op.deskId !== b.deskId) ctx.addIssue({ code: 'custom', path: ['ops', i, 'deskId'], message: 'op.deskId differs from the batch deskId' });
    if (op.epoch !== b.epoch) ctx.addIssue({ code: 'custom', path: ['ops', i, 'epoch'], message: 'op.epoch differs from the batch epoch (push one epoch per batch)' });
    const prev = b.ops[i - 1];
    if (prev && op.seq !== prev.seq + 1) ctx.addIssue({ code: 'custom', path: ['ops', i, 'seq'], message: 'ops must be in consecutive seq order' });
  });
  const ids = new Set(b.ops.map((o) => o.opId));
  if (ids.size !== b.ops.length) ctx.addIssue({ code: 'custom', path: ['ops'], message: 'the same opId appears twice in the batch' });
}

export const REJECT_REASONS = ['unknown-kind', 'invalid-payload', 'entity-mismatch', 'unknown-entity', 'foreign-entity', 'foreign-mrn', 'data-error'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const rejectedOpSchema = z.object({ opId: z.string(), seq: z.number().int(), reason: z.enum(REJECT_REASONS), message: z.string() });
export type RejectedOp = z.infer<typeof rejectedOpSchema>;

export const pushResponseSchema = z.object({
  /** Every op of this epoch with seq <= ackedSeq is durably at the hub (applied or rejected): mark them sent. */
  ackedSeq: z.number().int(),
  /** Ops of this batch (including re-sent ones) the hub recorded as rejected. Show them; do not resend. */
  rejected: z.array(rejectedOpSchema),
  serverTime: z.string(),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** `cursor` of a pull or wait query string: a change-feed position (serverSeq), 0 for the start. */
const cursorParamSchema = z
  .string({ error: 'cursor is required' })
  .regex(/^\d{1,15}$/, { error: 'cursor must be a non-negative integer' })
  .transform(Number);

export const pullQuerySchema = z.object({
  cursor: cursorParamSchema,
  limit: z
    .string()
    .regex(/^\d{1,5}$/, { error: 'limit must be a positive integer' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_PULL_LIMIT, { error: `limit must be 1..${MAX_PULL_LIMIT}` })
    .optional(),
  /**
   * `echoes=slim` (optional; hubs that predate it ignore it and send everything): the caller's OWN changes come
   * without their payload (`payload: null, payloadOmitted: true`). A desk skips its echoes by opId anyway, so after a
   * push it need not download what it just sent. A slim change whose opId the desk does NOT hold (restored from a
   * backup) must be pulled again without `echoes=slim` from just before it.
   */
  echoes: z.enum(['slim', 'full'], { error: 'echoes must be slim or full' }).optional(),
});

/**
 * GET /sync/wait?cursor=N[&timeoutMs=T] (desk credential): a long poll for "something new in the change feed". The hub
 * answers at once with `{headSeq}` when its head is past N, else as soon as it moves (a change applied), else after
 * T ms (default WAIT_DEFAULT_TIMEOUT_MS, 0..WAIT_MAX_TIMEOUT_MS) with the same head. One open wait per desk (a new one
 * answers the older at once); a hub at its overall limit answers 503 HUB_BUSY (fall back to interval pulls).
 */
export const WAIT_DEFAULT_TIMEOUT_MS = 25_000;
export const WAIT_MAX_TIMEOUT_MS = 60_000;
export const waitQuerySchema = z.object({
  cursor: cursorParamSchema,
  timeoutMs: z
    .string()
    .regex(/^\d{1,6}$/, { error: 'timeoutMs must be a non-negative integer' })
    .transform(Number)
    .refine((n) => n <= WAIT_MAX_TIMEOUT_MS, { error: `timeoutMs must be 0..${WAIT_MAX_TIMEOUT_MS}` })
    .optional(),
});
export const waitResponseSchema = z.object({
  /** Highest serverSeq at the hub when it answered (pull when it is past your cursor). */
  headSeq: z.number().int(),
});
export type WaitResponse = z.infer<typeof waitResponseSchema>;

export const changeSchema = z.object({
  serverSeq: z.number().int(),
  opId: z.string(),
  deskId: z.string(),
  epoch: z.number().int(),
  kind: z.string(),
  entityId: z.string(),
  payload: z.unknown(),
  hlc: z.string(),
  schemaVersion: z.number().int(),
  /** set (true) only on the caller's own changes in an `echoes=slim` pull: payload is null and must not be applied */
  payloadOmitted: z.literal(true).optional(),
  /**
   * Set only on the caller's OWN ops that the hub rejected (a push is acknowledged once logged; the hub applies it
   * right after, and a permanently invalid op is recorded as rejected and skipped). Never applied; other desks never
   * see it.
   */
  rejected: z.object({ reason: z.enum(REJECT_REASONS), message: z.string() }).optional(),
});
export type Change = z.infer<typeof changeSchema>;

export const pullResponseSchema = z.object({
  changes: z.array(changeSchema),
  /** serverSeq of the last change in this page (the request's cursor when the page is empty). */
  cursor: z.number().int(),
  hasMore: z.boolean(),
  /** Highest serverSeq at the hub right now. */
  headSeq: z.number().int(),
  serverTime: z.string(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const statusResponseSchema = z.object({
  hubId: z.string(),
  deskId: z.string(),
  deskLabel: z.string(),
  epochs: z.array(z.object({ epoch: z.number().int(), startSeq: z.number().int(), lastSeq: z.number().int() })),
  rejectedCount: z.number().int(),
  headSeq: z.number().int(),
  mrnBlocks: z.array(mrnBlockSchema),
  /** Hub clock (UTC instant): the desk shows its offset ("desk clock 12 min off"), never blocks on it. */
  serverTime: z.string(),
  protocolVersion: z.number().int(),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;

export const mrnBlockRequestSchema = z.object({
  /** Idempotency key: asking again with the same requestId returns the same block. */
  requestId: z.string().uuid({ error: 'requestId must be a UUID' }),
});
export const mrnBlockResponseSchema = z.object({ block: mrnBlockSchema });

export const REVIEW_RESOLUTIONS = ['merged', 'corrected', 'not-duplicate', 'kept'] as const;
export type ReviewResolutionKind = (typeof REVIEW_RESOLUTIONS)[number];

/** Who closed a review item, how and when (present on resolved items). */
export const reviewResolutionSchema = z.object({
  resolution: z.enum(REVIEW_RESOLUTIONS),
  note: z.string(),
  resolvedAt: z.string(),
  deskId: z.string(),
  deskLabel: z.string(),
  userId: z.string().nullable(),
  userName: z.string().nullable(),
});
export type ReviewResolution = z.infer<typeof reviewResolutionSchema>;

export const reviewItemSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('identity-conflict'),
    id: z.string(),
    status: z.enum(['open', 'resolved']),
    createdAt: z.string(),
    resolution: reviewResolutionSchema.nullable().optional(),
    patientId: z.string(),
    field: z.string(),
    baseVersion: z.number().int(),
    /** Both values, each with who wrote it; `winner` is the one the field-level merge kept (newer HLC). */
    values: z.array(z.object({ opId: z.string(), deskId: z.string(), hlc: z.string(), value: z.unknown(), deskLabel: z.string().optional() })),
    winnerOpId: z.string(),
  }),
  z.object({
    type: z.literal('possible-duplicate'),
    id: z.string(),
    status: z.enum(['open', 'resolved']),
    createdAt: z.string(),
    resolution: reviewResolutionSchema.nullable().optional(),
    patientIds: z.tuple([z.string(), z.string()]),
    score: z.number(),
    reasons: z.array(z.string()),
    /** Set on an item of this desk's own (id "local:…"): a likely duplicate a clerk saved anyway here. Not from the hub. */
    savedAnyway: z.object({ reason: z.string(), savedBy: z.string(), approvedBy: z.string().nullable(), deskLabel: z.string() }).optional(),
  }),
  z.object({
    type: z.literal('mrn-collision'),
    id: z.string(),
    status: z.enum(['open', 'resolved']),
    createdAt: z.string(),
    resolution: reviewResolutionSchema.nullable().optional(),
    patientIds: z.tuple([z.string(), z.string()]),
    mrn: z.string(),
  }),
  /** An appointment change a desk made that lost to another desk's (e.g. a check-in of an appointment cancelled
   *  elsewhere): the hub kept its state and every board shows the note until a supervisor closes this item. */
  z.object({
    type: z.literal('appointment-conflict'),
    id: z.string(),
    status: z.enum(['open', 'resolved']),
    createdAt: z.string(),
    resolution: reviewResolutionSchema.nullable().optional(),
    appointmentId: z.string(),
    /** null for a feed appointment whose patient is still pending */
    patientId: z.string().nullable(),
    /** when the appointment is (UTC instant) and its status at the hub now */
    start: z.string(),
    appointmentStatus: z.string(),
    /** the refused op's kind, e.g. appointment.arrived */
    kind: z.string(),
    deskId: z.string(),
    deskLabel: z.string(),
    message: z.string(),
  }),
  /** A merge or undo made on a desk that the hub refused because its records were linked otherwise there (two
   *  offline desks merged conflicting pairs). The hub's links went to every desk; a supervisor checks the result. */
  z.object({
    type: z.literal('merge-conflict'),
    id: z.string(),
    status: z.enum(['open', 'resolved']),
    createdAt: z.string(),
    resolution: reviewResolutionSchema.nullable().optional(),
    /** patient.merged or patient.unmerged */
    kind: z.string(),
    deskId: z.string(),
    deskLabel: z.string(),
    /** the refused request: mergedId into survivorId (for an undo: the survivor the desk saw, when it said) */
    mergedId: z.string(),
    survivorId: z.string().nullable(),
    message: z.string(),
    /** every record involved and what the hub holds for it now */
    links: z.array(z.object({ patientId: z.string(), mergedInto: z.string().nullable() })),
  }),
]);
export type ReviewItem = z.infer<typeof reviewItemSchema>;
export const reviewItemsResponseSchema = z.object({ items: z.array(reviewItemSchema) });

/** POST /review-items/:id/resolve. `resolvedBy` names the desk user who decided (the desk itself comes from its credential). */
export const resolveReviewItemRequestSchema = z.object({
  resolution: z.enum(REVIEW_RESOLUTIONS, { error: 'resolution must be merged, corrected, not-duplicate or kept' }),
  note: noteText('note'),
  resolvedBy: z
    .object({
      userId: z.string().uuid({ error: 'resolvedBy.userId must be a UUID' }),
      userName: z.string().trim().min(1).max(80).refine((s) => !CONTROL_CHARS.test(s), { error: 'resolvedBy.userName contains control characters' }),
    })
    .optional(),
});
export type ResolveReviewItemRequest = z.input<typeof resolveReviewItemRequestSchema>;

/** The item as resolved. `alreadyResolved`: it was closed before (this call changed nothing; `item.resolution` is the first decision). */
export const resolveReviewItemResponseSchema = z.object({ item: reviewItemSchema, alreadyResolved: z.boolean() });
export type ResolveReviewItemResponse = z.infer<typeof resolveReviewItemResponseSchema>;

export const enrollmentCodeRequestSchema = z.object({ deskLabel: labelSchema.optional() });
export const enrollmentCodeResponseSchema = z.object({ code: z.string(), expiresAt: z.string(), deskLabel: z.string().nullable() });

// ---- errors -------------------------------------------------------------------------------------------------------

export const HUB_ERROR_CODES = [
  'VALIDATION', // 400: the body/query failed its schema; `fields` says where
  'BAD_JSON', // 400: the body is not JSON
  'PAYLOAD_TOO_LARGE', // 413
  'UNAUTHORIZED', // 401: missing/unknown credential or admin token
  'DESK_REVOKED', // 401: this desk's access was revoked at the hub; enroll again (as a new desk)
  'FORBIDDEN', // 403: e.g. pushing another desk's ops
  'CODE_INVALID', // 400: enrollment code unknown, used or expired
  'NOT_FOUND', // 404
  'SEQ_GAP', // 409: `expectedSeq` says which seq the hub needs next
  'OP_MISMATCH', // 409: an op id or seq the hub already holds with different content (protocol error)
  'SCHEMA_UNSUPPORTED', // 409: op schemaVersion newer than this hub: upgrade the hub; retry later
  'CURSOR_AHEAD', // 409: pull cursor beyond the hub's head (hub restored from an older backup?); `headSeq`
  'MRN_EXHAUSTED', // 409: the hub has granted every MRN of its range
  'HUB_BUSY', // 503: transient failure, nothing written: retry with backoff
] as const;
export type HubErrorCode = (typeof HUB_ERROR_CODES)[number];

export const hubErrorSchema = z.object({
  error: z.object({
    code: z.enum(HUB_ERROR_CODES),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    expectedSeq: z.number().int().optional(),
    headSeq: z.number().int().optional(),
  }),
});
export type HubErrorBody = z.infer<typeof hubErrorSchema>;
