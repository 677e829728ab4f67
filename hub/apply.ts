/**
 * Applying one accepted op to the hub's materialised state (design.md section 4 conflict policy). Runs inside the
 * push transaction, in the op's own savepoint; throws RejectOp for a permanently invalid op (the caller records it
 * and moves on) and anything else for a transient failure (the caller aborts the batch).
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
 *   patient.unmerged                merged_into cleared; a record that is not merged is a no-op
 */
import type { z } from 'zod';
import { patientInputSchema, type PatientInput } from '../shared/domain/patient.js';
import { newId } from '../shared/ids.js';
import { isValidMrn } from '../shared/patients/mrn-format.js';
import { candidateKeys, scoreDuplicate } from '../shared/patients/duplicate-score.js';
import {
  HUB_MRN_FIRST,
  hlcWall,
  patientRegisteredPayloadSchema,
  patientMergedPayloadSchema,
  patientUnmergedPayloadSchema,
  patientUpdatedPayloadSchema,
  sitePayloadSchema,
  userPayloadSchema,
  type SyncOp,
} from '../shared/sync/protocol.js';
import {
  IDENTITY_SYNC_FIELDS,
  PATIENT_SYNC_FIELDS,
  canonicalJson,
  dupCandidateOf,
  fieldSchema,
  getField,
  isPatientField,
  registrationWrites,
  setField,
  writeWins,
} from '../shared/sync/patient-merge.js';
import type { Queryable } from './db.js';
import { RejectOp } from './errors.js';
import { hubDomainFor } from './domains.js';

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

const marks = (n: number, from: number) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

export async function applyOp(tx: Queryable, op: SyncOp, now: string): Promise<void> {
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
    case 'patient.registered':
      return applyPatientRegistered(tx, op, now);
    case 'patient.updated':
      return applyPatientUpdated(tx, op, now);
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

/** `fresh`: a patient inserted in this op (it has no keys yet, nothing to delete). */
async function writePatientKeys(tx: Queryable, patientId: string, doc: PatientInput, fresh = false): Promise<void> {
  if (!fresh) await tx.query('DELETE FROM patient_keys WHERE patient_id = $1', [patientId]);
  const keys = [...new Set(candidateKeys(dupCandidateOf(doc)).familyPhonetic.map((k) => `phon:${k}`))];
  // one statement for all keys (each statement is a round-trip of 0.3-0.7 ms on PGlite)
  if (keys.length) await tx.query('INSERT INTO patient_keys (patient_id, key) SELECT $1, k FROM unnest($2::text[]) AS u(k) ON CONFLICT DO NOTHING', [patientId, keys]);
}

async function applyPatientRegistered(tx: Queryable, op: SyncOp, now: string): Promise<void> {
  const p = parseOrReject(patientRegisteredPayloadSchema, op.payload, 'patient.registered payload');
  if (op.entityId !== p.id) throw new RejectOp('entity-mismatch', 'patient.registered entityId differs from payload.id');
  if (!isValidMrn(p.mrn)) throw new RejectOp('invalid-payload', 'patient.registered mrn fails its check digit');
  const doc = parseDocTolerant(p.doc);

  const serial = Number(p.mrn.slice(0, 7));
  // The three checks of a registration in one round-trip: MRN granted to this desk, id not yet known, other
  // patients with the same MRN (rejections keep their order: foreign-mrn before foreign-entity).
  const checks = await tx.query<{ granted: boolean; known: boolean; same_mrn: string[] }>(
    `SELECT EXISTS (SELECT 1 FROM mrn_blocks_granted WHERE desk_id = $1 AND block_start <= $2 AND block_end >= $2) AS granted,
            EXISTS (SELECT 1 FROM patients WHERE id = $3) AS known,
            ARRAY(SELECT id FROM patients WHERE mrn = $4 AND id <> $3 ORDER BY created_at LIMIT 5) AS same_mrn`,
    [op.deskId, serial, p.id, p.mrn],
  );
  const check = checks.rows[0]!;
  if (serial >= HUB_MRN_FIRST && !check.granted) throw new RejectOp('foreign-mrn', 'The MRN is in the hub range but not in a block granted to this desk');
  if (check.known) throw new RejectOp('foreign-entity', 'A patient with this id is already registered at the hub');

  await tx.query(
    `INSERT INTO patients (id, mrn, doc, birth_date, hub_version, registered_desk, registered_op, registered_hlc, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $8)`,
    [p.id, p.mrn, canonicalJson(doc), doc.birthDate, op.deskId, op.opId, op.hlc, now],
  );
  const writes = registrationWrites(doc);
  const fields = [...PATIENT_SYNC_FIELDS];
  const values = fields.map((f) => canonicalJson(writes[f]));
  // every field's value and its write record: one multi-row INSERT per table (was one statement per field and table)
  await tx.query(
    'INSERT INTO patient_fields (patient_id, field, value, hlc, op_id, desk_id) SELECT $1, f, v, $4, $5, $6 FROM unnest($2::text[], $3::text[]) AS u(f, v)',
    [p.id, fields, values, op.hlc, op.opId, op.deskId],
  );
  await tx.query(
    'INSERT INTO patient_field_writes (op_id, field, patient_id, desk_id, base_version, hlc, value) SELECT $1, f, $4, $5, 0, $6, v FROM unnest($2::text[], $3::text[]) AS u(f, v)',
    [op.opId, fields, values, p.id, op.deskId, op.hlc],
  );
  await writePatientKeys(tx, p.id, doc, true);

  // Same MRN on another patient (e.g. two standalone desks used the same local slot before the hub existed).
  for (const otherId of check.same_mrn) {
    await tx.query(
      `INSERT INTO merge_items (id, type, patient_a, patient_b, mrn, created_at) VALUES ($1, 'mrn-collision', $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [newId(), otherId, p.id, p.mrn, now],
    );
  }
  await detectDuplicates(tx, p.id, doc, op, now);
}

/** Likely duplicates among other desks' recent registrations (same DOB or DOB typo, or same-sounding last name). */
async function detectDuplicates(tx: Queryable, id: string, doc: PatientInput, op: SyncOp, now: string): Promise<void> {
  const cand = dupCandidateOf(doc);
  const keys = candidateKeys(cand);
  const dobs = keys.birthDates;
  const phon = keys.familyPhonetic.map((k) => `phon:${k}`);
  const or: string[] = [];
  const params: unknown[] = [id, op.deskId];
  if (dobs.length) {
    or.push(`p.birth_date IN (${marks(dobs.length, params.length + 1)})`);
    params.push(...dobs);
  }
  if (phon.length) {
    or.push(`p.id IN (SELECT patient_id FROM patient_keys WHERE key IN (${marks(phon.length, params.length + 1)}))`);
    params.push(...phon);
  }
  if (or.length === 0) return;
  const rows = await tx.query<{ id: string; doc: string; registered_hlc: string }>(
    `SELECT p.id, p.doc, p.registered_hlc FROM patients p
     WHERE p.id <> $1 AND p.registered_desk <> $2 AND p.merged_into IS NULL AND (${or.join(' OR ')})
     ORDER BY p.created_at DESC LIMIT ${DUPLICATE_CANDIDATE_CAP}`,
    params,
  );
  const wall = hlcWall(op.hlc);
  for (const r of rows.rows) {
    if (Math.abs(hlcWall(r.registered_hlc) - wall) > DUPLICATE_WINDOW_MS) continue;
    const other = JSON.parse(r.doc) as PatientInput;
    const s = scoreDuplicate(cand, dupCandidateOf(other));
    if (s.level !== 'likely') continue;
    await tx.query(
      `INSERT INTO merge_items (id, type, patient_a, patient_b, score, reasons, created_at) VALUES ($1, 'possible-duplicate', $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [newId(), r.id, id, s.score, JSON.stringify(s.reasons), now],
    );
  }
}

async function applyPatientUpdated(tx: Queryable, op: SyncOp, now: string): Promise<void> {
  const p = parseOrReject(patientUpdatedPayloadSchema, op.payload, 'patient.updated payload');
  if (op.entityId !== p.id) throw new RejectOp('entity-mismatch', 'patient.updated entityId differs from payload.id');
  const cur = await tx.query<{ doc: string }>('SELECT doc FROM patients WHERE id = $1', [p.id]);
  const row = cur.rows[0];
  if (!row) throw new RejectOp('unknown-entity', 'patient.updated for a patient the hub does not hold');

  const values = new Map<string, unknown>();
  for (const [field, raw] of Object.entries(p.changes)) {
    if (!isPatientField(field)) throw new RejectOp('invalid-payload', `patient.updated changes an unknown field "${field.slice(0, 40)}"`);
    values.set(field, parseClockTolerant(fieldSchema(field), raw, `field ${field}`));
  }

  let doc = JSON.parse(row.doc) as Record<string, unknown>;
  let identityChanged = false;
  const stamp = { hlc: op.hlc, opId: op.opId };
  const fields = [...values.keys()];
  const texts = fields.map((f) => canonicalJson(values.get(f)));
  // Current stamps of all changed fields in one query, every write record in one INSERT, all winning fields in one
  // upsert (was 2-3 statements per field). Fields are independent, so batching keeps field-level LWW exactly.
  const curStamps = await tx.query<{ field: string; hlc: string; op_id: string }>(
    'SELECT field, hlc, op_id FROM patient_fields WHERE patient_id = $1 AND field = ANY($2::text[])',
    [p.id, fields],
  );
  const stamps = new Map(curStamps.rows.map((r) => [r.field, { hlc: r.hlc, opId: r.op_id }]));
  if (fields.length) {
    await tx.query(
      'INSERT INTO patient_field_writes (op_id, field, patient_id, desk_id, base_version, hlc, value) SELECT $1, f, $4, $5, $6::integer, $7, v FROM unnest($2::text[], $3::text[]) AS u(f, v)',
      [op.opId, fields, texts, p.id, op.deskId, p.baseVersion, op.hlc],
    );
  }
  const winF: string[] = [];
  const winV: string[] = [];
  fields.forEach((field, i) => {
    if (!writeWins(stamps.get(field), stamp)) return;
    winF.push(field);
    winV.push(texts[i]!);
    doc = setField(doc, field, values.get(field));
    if (IDENTITY_SYNC_FIELDS.has(field)) identityChanged = true;
  });
  if (winF.length) {
    await tx.query(
      `INSERT INTO patient_fields (patient_id, field, value, hlc, op_id, desk_id) SELECT $1, f, v, $4, $5, $6 FROM unnest($2::text[], $3::text[]) AS u(f, v)
       ON CONFLICT (patient_id, field) DO UPDATE SET value = EXCLUDED.value, hlc = EXCLUDED.hlc, op_id = EXCLUDED.op_id, desk_id = EXCLUDED.desk_id`,
      [p.id, winF, winV, op.hlc, op.opId, op.deskId],
    );
  }
  for (const [i, field] of fields.entries()) {
    if (!IDENTITY_SYNC_FIELDS.has(field)) continue;
    const v = texts[i]!;
    // Another desk changed this identity field from the same base version to a different value: a person decides.
    const others = await tx.query<{ op_id: string; value: string }>(
      `SELECT op_id, value FROM patient_field_writes
       WHERE patient_id = $1 AND field = $2 AND base_version = $3 AND desk_id <> $4 AND op_id <> $5`,
      [p.id, field, p.baseVersion, op.deskId, op.opId],
    );
    for (const o of others.rows) {
      if (o.value === v) continue;
      await tx.query(
        `INSERT INTO patient_conflicts (id, patient_id, field, base_version, op_a, op_b, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [newId(), p.id, field, p.baseVersion, o.op_id, op.opId, now],
      );
    }
  }
  // The merged document must still be a valid patient (fields are independent, so this holds unless a patch was bad).
  const merged = parseDocTolerant(doc);
  await tx.query('UPDATE patients SET doc = $2, birth_date = $3, hub_version = hub_version + 1, updated_at = $4 WHERE id = $1', [
    p.id,
    canonicalJson(merged),
    merged.birthDate,
    now,
  ]);
  if (identityChanged) await writePatientKeys(tx, p.id, merged);
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
  if (merged.merged_into) throw new RejectOp('data-error', 'patient.merged: at the hub this record is already merged into another record; undo that merge first');
  if (survivor.merged_into) throw new RejectOp('data-error', 'patient.merged: at the hub the surviving record is itself merged into another record (no chains)');
  const linked = await tx.query('SELECT 1 FROM patients WHERE merged_into = $1 LIMIT 1', [merged.id]);
  if (linked.rows.length > 0) throw new RejectOp('data-error', 'patient.merged: at the hub other records are merged into the merged record (no chains)');
  await tx.query('UPDATE patients SET merged_into = $2, hub_version = hub_version + 1, updated_at = $3 WHERE id = $1', [merged.id, survivor.id, now]);
}

async function applyPatientUnmerged(tx: Queryable, op: SyncOp, now: string): Promise<void> {
  const p = parseOrReject(patientUnmergedPayloadSchema, op.payload, 'patient.unmerged payload');
  if (op.entityId !== p.mergedId) throw new RejectOp('entity-mismatch', 'patient.unmerged entityId differs from payload.mergedId');
  const merged = await patientLink(tx, p.mergedId);
  if (!merged) throw new RejectOp('unknown-entity', 'patient.unmerged: the hub does not hold this patient');
  if (!merged.merged_into) return; // already undone (at another desk, or twice)
  await tx.query('UPDATE patients SET merged_into = NULL, hub_version = hub_version + 1, updated_at = $2 WHERE id = $1', [merged.id, now]);
}

/** The merged document the hub holds for a patient (tests and review screens). */
export async function patientDoc(q: Queryable, id: string): Promise<Record<string, unknown> | null> {
  const r = await q.query<{ doc: string }>('SELECT doc FROM patients WHERE id = $1', [id]);
  return r.rows[0] ? (JSON.parse(r.rows[0].doc) as Record<string, unknown>) : null;
}

export { getField };
