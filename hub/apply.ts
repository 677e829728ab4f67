/**
 * Applying accepted ops to the hub's materialised state (docs/design.md section 4 conflict policy). Runs inside the
 * materialiser's transaction (hub/materialize.ts), in receive order. A permanently invalid op is rejected (RejectOp: the caller records it and moves on); anything else is
 * a transient failure (the caller aborts the batch). How a batch is applied (set-wise runs, op-by-op fallback):
 * applyFreshOps below.
 *
 *   site.configured, user.upserted  latest by HLC (hub-authoritative staff/fees come later)
 *   patient.registered              full document; MRN must come from the desk's own slot or a block granted to it;
 *                                   likely duplicates registered at other desks -> merge work item (never merged here);
 *                                   an MRN already used by another patient -> review item
 *   patient.updated                 field patch merged field by field by HLC (shared/sync/patient-merge.ts); two desks
 *                                   changing an identity field from the same base version to different values ->
 *                                   review item (both values kept in patient_field_writes)
 *   patient.merged                  link-and-survivor: merged_into = survivorId (electron/patients/merge.ts). The same
 *                                   merge again is a no-op; unknown ids are rejected (unknown-entity); a merge the
 *                                   hub's records cannot take without a chain (record already merged elsewhere,
 *                                   survivor itself merged, records merged into the merged one) is rejected (data-error)
 *                                   AND the hub publishes its links of every record involved (hub-authored
 *                                   'patient.links') and raises a 'merge-conflict' review item (refuseLinkConflict)
 *   patient.unmerged                merged_into cleared; a record that is not merged is a no-op; an undo of a merge
 *                                   into another record than the hub's (payload survivorId) is refused like a merge
 *
 * Storage of field-level LWW (hub migration 5): each patient's field stamps live in patients.field_stamps (JSON
 * {field: [hlc, opId]}) for the fields whose winning write is not the registration; a field absent there was last
 * written by the registration (registered_hlc, registered_op). patient_field_writes keeps every UPDATE's field writes
 * (what identity conflicts compare); a registration's writes are its op (ops.payload), not 24 rows.
 */
import type { z } from 'zod';
import { patientInputSchema, type PatientInput } from '../shared/domain/patient.js';
import { newId } from '../shared/ids.js';
import { isValidMrn } from '../shared/patients/mrn-format.js';
import { candidateKeys, scoreDuplicate } from '../shared/patients/duplicate-score.js';
import {
  HUB_MRN_FIRST,
  PATIENT_LINKS_KIND,
  hlcWall,
  patientRegisteredPayloadSchema,
  patientMergedPayloadSchema,
  patientUnmergedPayloadSchema,
  patientUpdatedPayloadSchema,
  sitePayloadSchema,
  userPayloadSchema,
  type PatientLinksPayload,
  type RejectedOp,
  type SyncOp,
} from '../shared/sync/protocol.js';
import {
  IDENTITY_SYNC_FIELDS,
  canonicalJson,
  dupCandidateOf,
  fieldSchema,
  getField,
  isPatientField,
  setField,
  writeWins,
} from '../shared/sync/patient-merge.js';
import { isPermanentDbError, savepoint, type Queryable } from './db.js';
import { RejectOp } from './errors.js';
import { hubDomainFor } from './domains.js';
import { recordHubOp } from './hub-ops.js';

/** Registrations at other desks within this many days (by HLC) of a new one are checked as possible duplicates. */
export const DUPLICATE_WINDOW_MS = 7 * 24 * 3600 * 1000;
const DUPLICATE_CANDIDATE_CAP = 200;

function issuesText(e: z.ZodError): string {
  return e.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function parseOrReject<T>(schema: z.ZodType<T>, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new RejectOp('invalid-payload', `${what}: ${issuesText(r.error)}`);
  return r.data;
}

/**
 * Parses with `schema`, tolerating "in the future" date refusals: a desk whose clock runs ahead of the hub's may
 * record today's date (a newborn, a consent signed now) that is "tomorrow" by the hub's clock. Refusing it would
 * reject a valid registration because of a clock, so such values are kept as the desk sent them.
 */
function parseClockTolerant<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const future = r.error.issues.filter((i) => /in the future/.test(i.message));
  if (future.length === 0 || future.length !== r.error.issues.length || value === null || typeof value !== 'object') {
    throw new RejectOp('invalid-payload', `${what}: ${issuesText(r.error)}`);
  }
  // Replace each future date by a harmless past one, validate, then put the desk's values back.
  const clone = structuredClone(value) as Record<string, unknown>;
  const setAt = (obj: Record<string, unknown>, path: PropertyKey[], v: unknown) => {
    let cur: Record<string, unknown> = obj;
    for (let i = 0; i < path.length - 1; i++) cur = cur[path[i] as string] as Record<string, unknown>;
    cur[path[path.length - 1] as string] = v;
  };
  const getAt = (obj: unknown, path: PropertyKey[]) => path.reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k as string], obj);
  const originals = future.map((i) => ({ path: i.path, v: getAt(value, i.path) }));
  for (const o of originals) {
    if (typeof o.v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(o.v)) throw new RejectOp('invalid-payload', `${what}: ${issuesText(r.error)}`);
    setAt(clone, o.path, '2000-01-01');
  }
  const again = schema.safeParse(clone);
  if (!again.success) throw new RejectOp('invalid-payload', `${what}: ${issuesText(again.error)}`);
  const out = again.data as unknown as Record<string, unknown>;
  for (const o of originals) setAt(out, o.path, o.v);
  return out as T;
}

function parseDocTolerant(doc: unknown): PatientInput {
  return parseClockTolerant(patientInputSchema, doc, 'patient document');
}

// ---- push batches ---------------------------------------------------------------------------------------------------

/** Op kinds applied set-wise (validated in JS against state fetched once per run, written once per table per run). */
const BULK_KINDS: ReadonlySet<string> = new Set(['patient.registered', 'patient.updated']);
/** Op kinds applied one by one in SQL (rare: merges, users, site). */
const SINGLE_KINDS: ReadonlySet<string> = new Set(['site.configured', 'user.upserted', 'patient.merged', 'patient.unmerged']);
/** One by one: the kinds above and every domain's kinds (hub/domains.ts: visits, payments, ...). */
const isSingle = (kind: string) => SINGLE_KINDS.has(kind) || hubDomainFor(kind) !== undefined;

/** An op taken from the inbox (hub/materialize.ts) to apply. */
export interface FreshOp {
  op: SyncOp;
  /** opContentHash(op, payloadText) */
  hash: string;
  /** op.payload as the JSON text logged at push: stored as it is */
  payloadText: string;
}

/**
 * Applies a push batch's new ops (consecutive seq, one desk, one epoch) in order. Returns the ops recorded as rejected.
 *
 * Runs of registrations/updates (and ops of unknown kind, which are rejected) are applied set-wise: every op of the
 * run is validated and merged in JS against the hub state fetched in a few queries for the whole run (patients by id
 * and MRN, duplicate candidates, other desks' identity-field writes), with later ops of the run seeing earlier ones'
 * effects; then each table is written ONCE for the run (ops, changes, rejected_ops, patients, patient_keys,
 * patient_field_writes, patient_conflicts, merge_items) inside a savepoint. If that write fails (a database error no
 * JS check foresaw), the savepoint is rolled back and the run is applied again op by op, each op in its own savepoint,
 * exactly like a single-op run — a permanent data error then rejects only that op ('data-error'), anything else
 * aborts the push. Merges, unmerges, users and site ops, and every domain's ops (hub/domains.ts), are applied one by
 * one in SQL between the runs.
 */
export async function applyFreshOps(tx: Queryable, ops: FreshOp[], now: string): Promise<RejectedOp[]> {
  const rejected: RejectedOp[] = [];
  const blocks = await grantedBlocks(tx, ops[0]?.op.deskId ?? '');
  for (let i = 0; i < ops.length; ) {
    if (isSingle(ops[i]!.op.kind)) {
      const r = await applySingle(tx, ops[i]!, now);
      if (r) rejected.push(r);
      i++;
      continue;
    }
    let j = i;
    while (j < ops.length && !isSingle(ops[j]!.op.kind)) j++;
    const run = ops.slice(i, j);
    try {
      rejected.push(...(await savepoint(tx, 'op_run', () => applyRun(tx, run, now, blocks))));
    } catch (e) {
      if (run.length === 1) {
        if (!isPermanentDbError(e)) throw e;
        rejected.push(await recordRejected(tx, run[0]!, new RejectOp('data-error', 'The hub database refused this op’s data'), now));
      } else {
        // Op by op, each in its own savepoint: finds the op the database refuses (a transient error aborts the push).
        for (const one of run) {
          try {
            rejected.push(...(await savepoint(tx, 'op_one', () => applyRun(tx, [one], now, blocks))));
          } catch (e1) {
            if (!isPermanentDbError(e1)) throw e1;
            rejected.push(await recordRejected(tx, one, new RejectOp('data-error', 'The hub database refused this op’s data'), now));
          }
        }
      }
    }
    i = j;
  }
  return rejected;
}

async function grantedBlocks(tx: Queryable, deskId: string): Promise<{ start: number; end: number }[]> {
  const r = await tx.query<{ block_start: unknown; block_end: unknown }>('SELECT block_start, block_end FROM mrn_blocks_granted WHERE desk_id = $1', [deskId]);
  return r.rows.map((b) => ({ start: Number(b.block_start), end: Number(b.block_end) }));
}

const OP_COLUMNS = 'op_id, desk_id, epoch, seq, kind, entity_id, payload, hlc, schema_version, content_hash, status, received_at';

/**
 * Records `f` as rejected: its op row, the reason, and its rejected echo. Also for an op whose payloadText is not JSON
 * at all (hub/materialize.ts): its text is then stored as a JSON string, so a pull page around it stays JSON.
 */
export async function recordRejected(tx: Queryable, f: FreshOp, rej: RejectOp, now: string, payloadIsJson = true): Promise<RejectedOp> {
  const op = f.op;
  const text = f.payloadText;
  await tx.query(`INSERT INTO ops (${OP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'rejected', $11)`, [
    op.opId, op.deskId, op.epoch, op.seq, op.kind, op.entityId, payloadIsJson ? text : JSON.stringify(text), op.hlc, op.schemaVersion, f.hash, now,
  ]);
  await tx.query('INSERT INTO rejected_ops (op_id, reason, message, rejected_at) VALUES ($1, $2, $3, $4)', [op.opId, rej.reason, rej.message, now]);
  // its rejected echo (only its own desk pulls it)
  await tx.query(
    `WITH s AS (UPDATE hub_counters SET value = value + 1 WHERE name = 'server_seq' RETURNING value) INSERT INTO changes (server_seq, op_id) SELECT s.value, $1 FROM s`,
    [op.opId],
  );
  return { opId: op.opId, seq: op.seq, reason: rej.reason, message: rej.message };
}

/** One merge/unmerge/user/site op in its own savepoint: op row, next server_seq and change row, then its SQL. */
async function applySingle(tx: Queryable, f: FreshOp, now: string): Promise<RejectedOp | null> {
  const op = f.op;
  try {
    await savepoint(tx, 'op_apply', async () => {
      await tx.query(
        `WITH o AS (
           INSERT INTO ops (${OP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'applied', $11) RETURNING op_id
         ), s AS (
           UPDATE hub_counters SET value = value + 1 WHERE name = 'server_seq' RETURNING value
         )
         INSERT INTO changes (server_seq, op_id) SELECT s.value, o.op_id FROM s, o`,
        [op.opId, op.deskId, op.epoch, op.seq, op.kind, op.entityId, f.payloadText, op.hlc, op.schemaVersion, f.hash, now],
      );
      await applySingleOp(tx, op, now);
    });
    return null;
  } catch (e) {
    const rej = e instanceof RejectOp ? e : isPermanentDbError(e) ? new RejectOp('data-error', 'The hub database refused this op’s data') : null;
    if (!rej) throw e;
    return recordRejected(tx, f, rej, now);
  }
}

async function applySingleOp(tx: Queryable, op: SyncOp, now: string): Promise<void> {
  switch (op.kind) {
    case 'site.configured': {
      const p = parseOrReject(sitePayloadSchema, op.payload, 'site.configured payload');
      if (op.entityId !== 'site') throw new RejectOp('entity-mismatch', 'site.configured must have entityId "site"');
      return upsertDirectory(tx, 'site', 'site', p, op, now);
    }
    case 'user.upserted': {
      const p = parseOrReject(userPayloadSchema, op.payload, 'user.upserted payload');
      if (op.entityId !== p.id) throw new RejectOp('entity-mismatch', 'user.upserted entityId differs from payload.id');
      return upsertDirectory(tx, 'user', p.id, p, op, now);
    }
    case 'patient.merged':
      return applyPatientMerged(tx, op, now);
    case 'patient.unmerged':
      return applyPatientUnmerged(tx, op, now);
    default: {
      const domain = hubDomainFor(op.kind);
      if (!domain) throw new RejectOp('unknown-kind', `The hub does not know ops of kind "${op.kind}"`);
      return domain.apply(tx, op, now);
    }
  }
}

async function upsertDirectory(tx: Queryable, type: string, id: string, doc: unknown, op: SyncOp, now: string): Promise<void> {
  const cur = await tx.query<{ hlc: string; op_id: string }>('SELECT hlc, op_id FROM directory_entities WHERE entity_type = $1 AND entity_id = $2', [type, id]);
  const c = cur.rows[0];
  if (c && !writeWins({ hlc: c.hlc, opId: c.op_id }, { hlc: op.hlc, opId: op.opId })) return; // an older write: kept in ops only
  await tx.query(
    `INSERT INTO directory_entities (entity_type, entity_id, doc, hlc, op_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (entity_type, entity_id) DO UPDATE SET doc = EXCLUDED.doc, hlc = EXCLUDED.hlc, op_id = EXCLUDED.op_id, updated_at = EXCLUDED.updated_at`,
    [type, id, canonicalJson(doc), op.hlc, op.opId, now],
  );
}

// ---- set-wise runs of registrations and updates ---------------------------------------------------------------------

/**
 * A patient as the run sees it: the hub's row (fetched once) with the run's earlier ops applied. Field stamps are
 * kept per patient (patients.field_stamps, hub migration 5): a field absent from `stamps` was last written by the
 * registration (registered_hlc, registered_op).
 */
interface PatientState {
  id: string;
  mrn: string;
  docText: string;
  parsed: Record<string, unknown> | null;
  birthDate: string;
  hubVersion: number;
  registeredDesk: string;
  registeredOp: string;
  registeredHlc: string;
  createdAt: number;
  mergedInto: string | null;
  stamps: Record<string, [string, string]>;
  keys: string[] | null;
  isNew: boolean;
  dirty: boolean;
  keysChanged: boolean;
}

function docOf(s: PatientState): Record<string, unknown> {
  return (s.parsed ??= JSON.parse(s.docText) as Record<string, unknown>);
}

function phoneticKeys(doc: PatientInput): string[] {
  return [...new Set(candidateKeys(dupCandidateOf(doc)).familyPhonetic.map((k) => `phon:${k}`))];
}

function keysOf(s: PatientState): string[] {
  return (s.keys ??= phoneticKeys(docOf(s) as unknown as PatientInput));
}

interface PatientRowDb {
  id: string;
  mrn: string;
  doc: string;
  birth_date: string;
  hub_version: unknown;
  registered_desk: string;
  registered_op: string;
  registered_hlc: string;
  created_at: Date | string;
  merged_into: string | null;
  field_stamps: string | null;
}

const PATIENT_COLS = 'id, mrn, doc, birth_date, hub_version, registered_desk, registered_op, registered_hlc, created_at, merged_into, field_stamps';

function stateOf(r: PatientRowDb): PatientState {
  return {
    id: r.id,
    mrn: r.mrn,
    docText: r.doc,
    parsed: null,
    birthDate: r.birth_date,
    hubVersion: Number(r.hub_version),
    registeredDesk: r.registered_desk,
    registeredOp: r.registered_op,
    registeredHlc: r.registered_hlc,
    createdAt: new Date(r.created_at).getTime(),
    mergedInto: r.merged_into,
    stamps: r.field_stamps ? (JSON.parse(r.field_stamps) as Record<string, [string, string]>) : {},
    keys: null,
    isNew: false,
    dirty: false,
    keysChanged: false,
  };
}

/** A registration at another desk that a new registration may duplicate (hub state before the run). */
interface DupRow {
  id: string;
  doc: string;
  registered_hlc: string;
  registered_desk: string;
  birth_date: string;
  created_at: Date | string;
}

interface Run {
  now: string;
  deskId: string;
  blocks: { start: number; end: number }[];
  /** patients by id: state, or null = not at the hub */
  patients: Map<string, PatientState | null>;
  /** ids per MRN in created_at order (hub rows, then this run's registrations) */
  byMrn: Map<string, string[]>;
  /** duplicate candidates fetched for the run, indexed by birth date and phonetic key */
  dupRows: Map<string, DupRow & { createdMs: number; keys: string[] }>;
  dupByDob: Map<string, string[]>;
  dupByKey: Map<string, string[]>;
  /** other desks' writes of identity fields: `${patientId}|${field}|${baseVersion}` -> writes */
  otherWrites: Map<string, { op_id: string; value: string }[]>;
  // what the run writes
  opRows: { f: FreshOp; status: 'applied' | 'rejected' }[];
  rejected: { op: SyncOp; rej: RejectOp }[];
  fieldWrites: { opId: string; field: string; patientId: string; deskId: string; baseVersion: number; hlc: string; value: string }[];
  conflicts: Map<string, { patientId: string; field: string; baseVersion: number; opA: string; opB: string }>;
  mergeItems: Map<string, { type: 'possible-duplicate' | 'mrn-collision'; a: string; b: string; score: number; reasons: string; mrn: string | null }>;
}

const pad15 = (n: number) => String(Math.max(0, Math.min(999_999_999_999_999, Math.floor(n)))).padStart(15, '0');

/** Parsed payloads of a run, so the state is fetched for exactly the patients the run touches. */
type Parsed =
  | { kind: 'registered'; p: z.output<typeof patientRegisteredPayloadSchema>; doc: PatientInput }
  | { kind: 'updated'; p: z.output<typeof patientUpdatedPayloadSchema>; values: Map<string, unknown> }
  | { kind: 'rejected'; rej: RejectOp };

function parseRunOp(op: SyncOp): Parsed {
  try {
    switch (op.kind) {
      case 'patient.registered': {
        const p = parseOrReject(patientRegisteredPayloadSchema, op.payload, 'patient.registered payload');
        if (op.entityId !== p.id) throw new RejectOp('entity-mismatch', 'patient.registered entityId differs from payload.id');
        if (!isValidMrn(p.mrn)) throw new RejectOp('invalid-payload', 'patient.registered mrn fails its check digit');
        return { kind: 'registered', p, doc: parseDocTolerant(p.doc) };
      }
      case 'patient.updated': {
        const p = parseOrReject(patientUpdatedPayloadSchema, op.payload, 'patient.updated payload');
        if (op.entityId !== p.id) throw new RejectOp('entity-mismatch', 'patient.updated entityId differs from payload.id');
        return { kind: 'updated', p, values: new Map() };
      }
      default:
        throw new RejectOp('unknown-kind', `The hub does not know ops of kind "${op.kind}"`);
    }
  } catch (e) {
    if (e instanceof RejectOp) return { kind: 'rejected', rej: e };
    throw e;
  }
}

async function applyRun(tx: Queryable, ops: FreshOp[], now: string, blocks: { start: number; end: number }[]): Promise<RejectedOp[]> {
  const deskId = ops[0]!.op.deskId;
  const parsed = ops.map((f) => parseRunOp(f.op));
  const run: Run = {
    now, deskId, blocks,
    patients: new Map(), byMrn: new Map(), dupRows: new Map(), dupByDob: new Map(), dupByKey: new Map(), otherWrites: new Map(),
    opRows: [], rejected: [], fieldWrites: [], conflicts: new Map(), mergeItems: new Map(),
  };
  await loadRunState(tx, run, parsed, ops);

  for (const [i, f] of ops.entries()) {
    const x = parsed[i]!;
    try {
      if (x.kind === 'rejected') throw x.rej;
      if (x.kind === 'registered') runRegistered(run, f.op, x.p, x.doc);
      else runUpdated(run, f.op, x.p);
      run.opRows.push({ f, status: 'applied' });
    } catch (e) {
      if (!(e instanceof RejectOp)) throw e;
      run.opRows.push({ f, status: 'rejected' });
      run.rejected.push({ op: f.op, rej: e });
    }
  }
  await writeRun(tx, run);
  return run.rejected.map(({ op, rej }) => ({ opId: op.opId, seq: op.seq, reason: rej.reason, message: rej.message }));
}

/** The hub state a run needs, in at most five queries whatever its size. */
async function loadRunState(tx: Queryable, run: Run, parsed: Parsed[], ops: FreshOp[]): Promise<void> {
  const ids = new Set<string>();
  const mrns = new Set<string>();
  const dobs = new Set<string>();
  const phon = new Set<string>();
  let minWall = Infinity;
  let maxWall = -Infinity;
  for (const [i, x] of parsed.entries()) {
    if (x.kind === 'registered') {
      ids.add(x.p.id);
      mrns.add(x.p.mrn);
      const k = candidateKeys(dupCandidateOf(x.doc));
      for (const d of k.birthDates) dobs.add(d);
      for (const p of k.familyPhonetic) phon.add(`phon:${p}`);
      const wall = hlcWall(ops[i]!.op.hlc);
      minWall = Math.min(minWall, wall);
      maxWall = Math.max(maxWall, wall);
    } else if (x.kind === 'updated') ids.add(x.p.id);
  }
  if (ids.size) {
    const r = await tx.query<PatientRowDb>(`SELECT ${PATIENT_COLS} FROM patients WHERE id = ANY($1::text[])`, [[...ids]]);
    for (const id of ids) run.patients.set(id, null);
    for (const row of r.rows) run.patients.set(row.id, stateOf(row));
  }
  if (mrns.size) {
    const r = await tx.query<{ id: string; mrn: string }>('SELECT id, mrn FROM patients WHERE mrn = ANY($1::text[]) ORDER BY created_at', [[...mrns]]);
    for (const row of r.rows) {
      const l = run.byMrn.get(row.mrn) ?? [];
      l.push(row.id);
      run.byMrn.set(row.mrn, l);
    }
  }
  if (dobs.size || phon.size) {
    // Other desks' registrations within the duplicate window of any registration of the run, matching any of the
    // run's birth dates (and typo variants) or last-name sound keys; each registration then picks its own matches.
    const r = await tx.query<DupRow>(
      `SELECT p.id, p.doc, p.registered_hlc, p.registered_desk, p.birth_date, p.created_at FROM patients p
       WHERE p.registered_desk <> $1 AND p.merged_into IS NULL
         AND p.registered_hlc COLLATE "C" >= $2 AND p.registered_hlc COLLATE "C" < $3
         AND (p.birth_date = ANY($4::text[]) OR p.id IN (SELECT patient_id FROM patient_keys WHERE key = ANY($5::text[])))`,
      [run.deskId, pad15(minWall - DUPLICATE_WINDOW_MS), pad15(maxWall + DUPLICATE_WINDOW_MS + 1), [...dobs], [...phon]],
    );
    for (const row of r.rows) {
      const keys = phoneticKeys(JSON.parse(row.doc) as PatientInput);
      run.dupRows.set(row.id, { ...row, createdMs: new Date(row.created_at).getTime(), keys });
      const add = (m: Map<string, string[]>, k: string) => {
        const l = m.get(k) ?? [];
        l.push(row.id);
        m.set(k, l);
      };
      add(run.dupByDob, row.birth_date);
      for (const k of keys) add(run.dupByKey, k);
    }
  }
  const idPatients: string[] = [];
  const idFields = new Set<string>();
  for (const x of parsed) {
    if (x.kind !== 'updated') continue;
    const fs = Object.keys(x.p.changes).filter((f) => IDENTITY_SYNC_FIELDS.has(f));
    if (fs.length === 0) continue;
    idPatients.push(x.p.id);
    for (const f of fs) idFields.add(f);
  }
  if (idPatients.length) {
    const r = await tx.query<{ patient_id: string; field: string; base_version: unknown; op_id: string; value: string }>(
      `SELECT patient_id, field, base_version, op_id, value FROM patient_field_writes
       WHERE patient_id = ANY($1::text[]) AND field = ANY($2::text[]) AND desk_id <> $3`,
      [[...new Set(idPatients)], [...idFields], run.deskId],
    );
    for (const w of r.rows) {
      const k = `${w.patient_id}|${w.field}|${Number(w.base_version)}`;
      const l = run.otherWrites.get(k) ?? [];
      l.push({ op_id: w.op_id, value: w.value });
      run.otherWrites.set(k, l);
    }
  }
}

function runRegistered(run: Run, op: SyncOp, p: z.output<typeof patientRegisteredPayloadSchema>, doc: PatientInput): void {
  const serial = Number(p.mrn.slice(0, 7));
  // rejections keep their order: foreign-mrn before foreign-entity
  if (serial >= HUB_MRN_FIRST && !run.blocks.some((b) => b.start <= serial && b.end >= serial)) {
    throw new RejectOp('foreign-mrn', 'The MRN is in the hub range but not in a block granted to this desk');
  }
  if (run.patients.get(p.id)) throw new RejectOp('foreign-entity', 'A patient with this id is already registered at the hub');

  const nowMs = new Date(run.now).getTime();
  const st: PatientState = {
    id: p.id, mrn: p.mrn, docText: canonicalJson(doc), parsed: null, birthDate: doc.birthDate, hubVersion: 1,
    registeredDesk: op.deskId, registeredOp: op.opId, registeredHlc: op.hlc, createdAt: nowMs, mergedInto: null,
    stamps: {}, keys: phoneticKeys(doc), isNew: true, dirty: true, keysChanged: true,
  };
  // Same MRN on another patient (e.g. two standalone desks used the same local slot before the hub existed).
  const same = run.byMrn.get(p.mrn) ?? [];
  for (const otherId of same.filter((x) => x !== p.id).slice(0, 5)) {
    addMergeItem(run, { type: 'mrn-collision', a: otherId, b: p.id, score: 0, reasons: '[]', mrn: p.mrn });
  }
  detectDuplicates(run, p.id, doc, op);
  run.patients.set(p.id, st);
  run.byMrn.set(p.mrn, [...same, p.id]);
}

function addMergeItem(run: Run, it: { type: 'possible-duplicate' | 'mrn-collision'; a: string; b: string; score: number; reasons: string; mrn: string | null }): void {
  const k = `${it.type}|${it.a}|${it.b}`;
  if (!run.mergeItems.has(k)) run.mergeItems.set(k, it);
}

/**
 * Likely duplicates among other desks' registrations (same DOB or DOB typo, or same-sounding last name) within the
 * duplicate window by HLC: the 200 most recently created such candidates are scored.
 */
function detectDuplicates(run: Run, id: string, doc: PatientInput, op: SyncOp): void {
  const cand = dupCandidateOf(doc);
  const keys = candidateKeys(cand);
  const dobs = keys.birthDates;
  const phon = keys.familyPhonetic.map((k) => `phon:${k}`);
  if (dobs.length === 0 && phon.length === 0) return;
  const wall = hlcWall(op.hlc);
  const found = new Map<string, { id: string; doc: () => Record<string, unknown>; createdMs: number }>();
  // hub rows not touched by this run: as fetched
  for (const m of [...dobs.map((d) => run.dupByDob.get(d)), ...phon.map((k) => run.dupByKey.get(k))]) {
    for (const pid of m ?? []) {
      if (found.has(pid) || run.patients.has(pid)) continue;
      const r = run.dupRows.get(pid)!;
      found.set(pid, { id: pid, doc: () => JSON.parse(r.doc) as Record<string, unknown>, createdMs: r.createdMs });
    }
  }
  // patients this run holds (fetched for an update, perhaps changed by it): as the run left them
  const dobSet = new Set(dobs);
  for (const s of run.patients.values()) {
    if (!s || s.id === id || s.registeredDesk === op.deskId || s.mergedInto) continue;
    if (Math.abs(hlcWall(s.registeredHlc) - wall) > DUPLICATE_WINDOW_MS) continue;
    if (!dobSet.has(s.birthDate) && !keysOf(s).some((k) => phon.includes(k))) continue;
    found.set(s.id, { id: s.id, doc: () => docOf(s), createdMs: s.createdAt });
  }
  const list = [...found.values()]
    .filter((c) => c.id !== id && (run.dupRows.get(c.id) ? Math.abs(hlcWall(run.dupRows.get(c.id)!.registered_hlc) - wall) <= DUPLICATE_WINDOW_MS : true))
    .sort((a, b) => b.createdMs - a.createdMs)
    .slice(0, DUPLICATE_CANDIDATE_CAP);
  for (const c of list) {
    const s = scoreDuplicate(cand, dupCandidateOf(c.doc() as unknown as PatientInput));
    if (s.level !== 'likely') continue;
    addMergeItem(run, { type: 'possible-duplicate', a: c.id, b: id, score: s.score, reasons: JSON.stringify(s.reasons), mrn: null });
  }
}

function runUpdated(run: Run, op: SyncOp, p: z.output<typeof patientUpdatedPayloadSchema>): void {
  const st = run.patients.get(p.id);
  if (!st) throw new RejectOp('unknown-entity', 'patient.updated for a patient the hub does not hold');

  const values = new Map<string, unknown>();
  for (const [field, raw] of Object.entries(p.changes)) {
    if (!isPatientField(field)) throw new RejectOp('invalid-payload', `patient.updated changes an unknown field "${field.slice(0, 40)}"`);
    values.set(field, parseClockTolerant(fieldSchema(field), raw, `field ${field}`));
  }
  let doc = docOf(st);
  let identityChanged = false;
  const stamp = { hlc: op.hlc, opId: op.opId };
  const fields = [...values.keys()];
  const texts = fields.map((f) => canonicalJson(values.get(f)));
  const stamps = { ...st.stamps };
  const writes: Run['fieldWrites'] = [];
  const conflicts: { k: string; v: { patientId: string; field: string; baseVersion: number; opA: string; opB: string } }[] = [];
  fields.forEach((field, i) => {
    // every write is kept, winning or not
    writes.push({ opId: op.opId, field, patientId: p.id, deskId: op.deskId, baseVersion: p.baseVersion, hlc: op.hlc, value: texts[i]! });
    const cur = stamps[field] ?? [st.registeredHlc, st.registeredOp];
    if (!writeWins({ hlc: cur[0], opId: cur[1] }, stamp)) return;
    stamps[field] = [op.hlc, op.opId];
    doc = setField(doc, field, values.get(field));
    if (IDENTITY_SYNC_FIELDS.has(field)) identityChanged = true;
  });
  for (const [i, field] of fields.entries()) {
    if (!IDENTITY_SYNC_FIELDS.has(field)) continue;
    // Another desk changed this identity field from the same base version to a different value: a person decides.
    for (const o of run.otherWrites.get(`${p.id}|${field}|${p.baseVersion}`) ?? []) {
      if (o.op_id === op.opId || o.value === texts[i]) continue;
      conflicts.push({ k: `${o.op_id}|${op.opId}|${field}`, v: { patientId: p.id, field, baseVersion: p.baseVersion, opA: o.op_id, opB: op.opId } });
    }
  }
  // The merged document must still be a valid patient (fields are independent, so this holds unless a patch was bad).
  const merged = parseDocTolerant(doc);
  // accepted: now the run's state and writes change
  st.docText = canonicalJson(merged);
  st.parsed = null;
  st.birthDate = merged.birthDate;
  st.hubVersion += 1;
  st.stamps = stamps;
  st.dirty = true;
  if (identityChanged) {
    st.keys = phoneticKeys(merged);
    st.keysChanged = true;
  }
  run.fieldWrites.push(...writes);
  for (const c of conflicts) if (!run.conflicts.has(c.k)) run.conflicts.set(c.k, c.v);
}

/** Writes what a run decided: each table once. */
async function writeRun(tx: Queryable, run: Run): Promise<void> {
  const now = run.now;
  const col = <T, R>(rows: T[], f: (r: T) => R) => rows.map(f);
  if (run.opRows.length) {
    const o = run.opRows;
    await tx.query(
      `INSERT INTO ops (${OP_COLUMNS})
       SELECT u.op_id, $1::text, $2::int, u.seq, u.kind, u.entity_id, u.payload, u.hlc, u.sv, u.h, u.status, $3::timestamptz
       FROM unnest($4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::text[], $12::text[])
         AS u(op_id, seq, kind, entity_id, payload, hlc, sv, h, status)`,
      [
        run.deskId, o[0]!.f.op.epoch, now,
        col(o, (r) => r.f.op.opId), col(o, (r) => r.f.op.seq), col(o, (r) => r.f.op.kind), col(o, (r) => r.f.op.entityId),
        col(o, (r) => r.f.payloadText), col(o, (r) => r.f.op.hlc), col(o, (r) => r.f.op.schemaVersion), col(o, (r) => r.f.hash), col(o, (r) => r.status),
      ],
    );
    // server_seq numbers for every op, in seq order, from the one counter row (its row lock orders commits); a
    // rejected op's change is its rejected echo, pulled only by its own desk (HubService.pullJson)
    const applied = o.map((r) => r.f.op.opId);
    {
      await tx.query(
        `WITH s AS (UPDATE hub_counters SET value = value + $2::bigint WHERE name = 'server_seq' RETURNING value)
         INSERT INTO changes (server_seq, op_id) SELECT s.value - $2::bigint + u.n, u.op_id FROM s, unnest($1::text[]) WITH ORDINALITY AS u(op_id, n)`,
        [applied, applied.length],
      );
    }
  }
  if (run.rejected.length) {
    const r = run.rejected;
    await tx.query(
      'INSERT INTO rejected_ops (op_id, reason, message, rejected_at) SELECT u.op_id, u.reason, u.message, $1::timestamptz FROM unnest($2::text[], $3::text[], $4::text[]) AS u(op_id, reason, message)',
      [now, col(r, (x) => x.op.opId), col(r, (x) => x.rej.reason), col(r, (x) => x.rej.message)],
    );
  }
  const states = [...run.patients.values()].filter((s): s is PatientState => !!s && s.dirty);
  const fresh = states.filter((s) => s.isNew);
  const changed = states.filter((s) => !s.isNew);
  const stampText = (s: PatientState) => (Object.keys(s.stamps).length ? JSON.stringify(s.stamps) : null);
  if (fresh.length) {
    await tx.query(
      `INSERT INTO patients (id, mrn, doc, birth_date, hub_version, registered_desk, registered_op, registered_hlc, created_at, updated_at, field_stamps)
       SELECT u.id, u.mrn, u.doc, u.birth_date, u.v, $1::text, u.op, u.hlc, $2::timestamptz, $2::timestamptz, u.stamps
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[]) AS u(id, mrn, doc, birth_date, v, op, hlc, stamps)`,
      [
        run.deskId, now,
        col(fresh, (s) => s.id), col(fresh, (s) => s.mrn), col(fresh, (s) => s.docText), col(fresh, (s) => s.birthDate), col(fresh, (s) => s.hubVersion),
        col(fresh, (s) => s.registeredOp), col(fresh, (s) => s.registeredHlc), col(fresh, stampText),
      ],
    );
  }
  if (changed.length) {
    await tx.query(
      `UPDATE patients p SET doc = u.doc, birth_date = u.birth_date, hub_version = u.v, updated_at = $1::timestamptz, field_stamps = u.stamps
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) AS u(id, doc, birth_date, v, stamps) WHERE p.id = u.id`,
      [now, col(changed, (s) => s.id), col(changed, (s) => s.docText), col(changed, (s) => s.birthDate), col(changed, (s) => s.hubVersion), col(changed, stampText)],
    );
  }
  const rekey = states.filter((s) => s.keysChanged);
  const oldKeys = rekey.filter((s) => !s.isNew).map((s) => s.id);
  if (oldKeys.length) await tx.query('DELETE FROM patient_keys WHERE patient_id = ANY($1::text[])', [oldKeys]);
  const kp: string[] = [];
  const kk: string[] = [];
  for (const s of rekey) for (const k of keysOf(s)) (kp.push(s.id), kk.push(k));
  if (kp.length) await tx.query('INSERT INTO patient_keys (patient_id, key) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [kp, kk]);
  if (run.fieldWrites.length) {
    const w = run.fieldWrites;
    await tx.query(
      `INSERT INTO patient_field_writes (op_id, field, patient_id, desk_id, base_version, hlc, value)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[])`,
      [col(w, (x) => x.opId), col(w, (x) => x.field), col(w, (x) => x.patientId), col(w, (x) => x.deskId), col(w, (x) => x.baseVersion), col(w, (x) => x.hlc), col(w, (x) => x.value)],
    );
  }
  if (run.conflicts.size) {
    const c = [...run.conflicts.values()];
    await tx.query(
      `INSERT INTO patient_conflicts (id, patient_id, field, base_version, op_a, op_b, created_at)
       SELECT u.id, u.pid, u.field, u.bv, u.a, u.b, $1::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[]) AS u(id, pid, field, bv, a, b)
       ON CONFLICT DO NOTHING`,
      [now, col(c, () => newId()), col(c, (x) => x.patientId), col(c, (x) => x.field), col(c, (x) => x.baseVersion), col(c, (x) => x.opA), col(c, (x) => x.opB)],
    );
  }
  if (run.mergeItems.size) {
    const m = [...run.mergeItems.values()];
    await tx.query(
      `INSERT INTO merge_items (id, type, patient_a, patient_b, score, reasons, mrn, created_at)
       SELECT u.id, u.type, u.a, u.b, u.score, u.reasons, u.mrn, $1::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[]) AS u(id, type, a, b, score, reasons, mrn)
       ON CONFLICT DO NOTHING`,
      [now, col(m, () => newId()), col(m, (x) => x.type), col(m, (x) => x.a), col(m, (x) => x.b), col(m, (x) => x.score), col(m, (x) => x.reasons), col(m, (x) => x.mrn)],
    );
  }
}

async function patientLink(tx: Queryable, id: string): Promise<{ id: string; mrn: string; merged_into: string | null } | undefined> {
  const r = await tx.query<{ id: string; mrn: string; merged_into: string | null }>('SELECT id, mrn, merged_into FROM patients WHERE id = $1', [id]);
  return r.rows[0];
}

async function applyPatientMerged(tx: Queryable, op: SyncOp, now: string): Promise<void> {
  const p = parseOrReject(patientMergedPayloadSchema, op.payload, 'patient.merged payload');
  if (op.entityId !== p.mergedId) throw new RejectOp('entity-mismatch', 'patient.merged entityId differs from payload.mergedId');
  if (p.survivorId === p.mergedId) throw new RejectOp('invalid-payload', 'patient.merged: a record cannot be merged into itself');
  const merged = await patientLink(tx, p.mergedId);
  const survivor = await patientLink(tx, p.survivorId);
  if (!merged) throw new RejectOp('unknown-entity', 'patient.merged: the hub does not hold the merged patient');
  if (!survivor) throw new RejectOp('unknown-entity', 'patient.merged: the hub does not hold the surviving patient');
  if (merged.merged_into === survivor.id) return; // the same merge made at another desk too: already so
  // Refusals for a state reason (the records are linked otherwise at the hub: two desks merged conflicting pairs
  // offline) are not broken ops: the hub publishes its links so the desk converges, and raises a review item.
  const involved = [merged.id, survivor.id, merged.merged_into, survivor.merged_into];
  if (merged.merged_into) {
    return refuseLinkConflict(tx, op, now, { mergedId: merged.id, survivorId: survivor.id }, involved, 'patient.merged: at the hub this record is already merged into another record; undo that merge first');
  }
  if (survivor.merged_into) {
    return refuseLinkConflict(tx, op, now, { mergedId: merged.id, survivorId: survivor.id }, involved, 'patient.merged: at the hub the surviving record is itself merged into another record (no chains)');
  }
  const linked = await tx.query<{ id: string }>('SELECT id FROM patients WHERE merged_into = $1 ORDER BY id LIMIT 100', [merged.id]);
  if (linked.rows.length > 0) {
    return refuseLinkConflict(
      tx, op, now, { mergedId: merged.id, survivorId: survivor.id }, [...involved, ...linked.rows.map((r) => r.id)],
      'patient.merged: at the hub other records are merged into the merged record (no chains)',
    );
  }
  await tx.query('UPDATE patients SET merged_into = $2, hub_version = hub_version + 1, updated_at = $3 WHERE id = $1', [merged.id, survivor.id, now]);
}

async function applyPatientUnmerged(tx: Queryable, op: SyncOp, now: string): Promise<void> {
  const p = parseOrReject(patientUnmergedPayloadSchema, op.payload, 'patient.unmerged payload');
  if (op.entityId !== p.mergedId) throw new RejectOp('entity-mismatch', 'patient.unmerged entityId differs from payload.mergedId');
  const merged = await patientLink(tx, p.mergedId);
  if (!merged) throw new RejectOp('unknown-entity', 'patient.unmerged: the hub does not hold this patient');
  if (!merged.merged_into) return; // already undone (at another desk, or twice)
  if (p.survivorId && p.survivorId !== merged.merged_into) {
    // the desk undid a merge the hub never took (it was refused): the hub's own merge of this record stays
    return refuseLinkConflict(
      tx, op, now, { mergedId: merged.id, survivorId: p.survivorId }, [merged.id, p.survivorId, merged.merged_into],
      'patient.unmerged: at the hub this record is merged into a different record than the one the desk undid; the hub’s merge stays',
    );
  }
  await tx.query('UPDATE patients SET merged_into = NULL, hub_version = hub_version + 1, updated_at = $2 WHERE id = $1', [merged.id, now]);
}

/**
 * A merge/undo the hub refuses because its records are linked otherwise at the hub. Runs inside applySingle's
 * savepoint, where the op row and its change row are already written: the op becomes rejected ('data-error', so its
 * change is the desk's rejected echo, exactly as recordRejected leaves it), a merge_conflicts row is the supervisors'
 * review item, and a hub-authored 'patient.links' op carries the hub's links of every record involved (plus, per
 * desk, how far the hub had applied its ops) so every desk — the refused one above all — ends with the hub's links.
 */
async function refuseLinkConflict(
  tx: Queryable,
  op: SyncOp,
  now: string,
  req: { mergedId: string; survivorId: string | null },
  involvedIds: (string | null)[],
  message: string,
): Promise<void> {
  const ids = [...new Set(involvedIds.filter((x): x is string => !!x))];
  await tx.query(`UPDATE ops SET status = 'rejected' WHERE op_id = $1`, [op.opId]);
  await tx.query('INSERT INTO rejected_ops (op_id, reason, message, rejected_at) VALUES ($1, $2, $3, $4)', [op.opId, 'data-error', message, now]);
  const rows = await tx.query<{ id: string; merged_into: string | null }>('SELECT id, merged_into FROM patients WHERE id = ANY($1::text[]) ORDER BY id', [ids]);
  const links: PatientLinksPayload['links'] = rows.rows.map((r) => ({ patientId: r.id, mergedInto: r.merged_into ?? null }));
  const itemId = newId();
  await tx.query(
    `INSERT INTO merge_conflicts (id, op_id, desk_id, kind, merged_id, survivor_id, message, patient_ids, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [itemId, op.opId, op.deskId, op.kind, req.mergedId, req.survivorId, message, JSON.stringify(links.map((l) => l.patientId)), now],
  );
  // How far the hub has applied each desk's ops (this op included): a desk re-applies its own later merges on top.
  const seenRows = await tx.query<{ desk_id: string; epoch: unknown; seq: unknown }>(
    `SELECT c.desk_id, c.epoch, (SELECT MAX(o.seq) FROM ops o WHERE o.desk_id = c.desk_id AND o.epoch = c.epoch) AS seq FROM desk_cursors c ORDER BY c.desk_id, c.epoch LIMIT 1000`,
  );
  const seen = seenRows.rows.filter((r) => r.seq !== null && r.seq !== undefined).map((r) => ({ deskId: r.desk_id, epoch: Number(r.epoch), seq: Number(r.seq) }));
  const payload: PatientLinksPayload = { links, seen, causeOpId: op.opId, causeDeskId: op.deskId, reviewItemId: itemId };
  await recordHubOp(tx, { kind: PATIENT_LINKS_KIND, entityId: req.mergedId, payload, after: op.hlc }, new Date(now));
}

/** The merged document the hub holds for a patient (tests and review screens). */
export async function patientDoc(q: Queryable, id: string): Promise<Record<string, unknown> | null> {
  const r = await q.query<{ doc: string }>('SELECT doc FROM patients WHERE id = $1', [id]);
  return r.rows[0] ? (JSON.parse(r.rows[0].doc) as Record<string, unknown>) : null;
}

export { getField };
