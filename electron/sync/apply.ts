/**
 * Applying a page pulled from the hub to the desk's store: the whole page and the new cursor in ONE transaction
 * (Store.remote), so a crash between pages resumes exactly after the last applied page — nothing skipped, nothing
 * applied twice.
 *
 * Per change (in hub order):
 *   - own echo (op id present in this desk's outbox): skipped (it is already here);
 *   - patient.registered: the patient is inserted if unknown (row, version 1, history row, search keys), every field
 *     stamped with the op's (hlc, opId); if the desk already holds it, its fields are merged like an update;
 *   - patient.updated: field-level last-writer-wins by (hlc, opId) — the SAME rule as the hub
 *     (shared/sync/patient-merge.ts writeWins), against per-field stamps kept for local edits too, so an older remote
 *     write never overwrites a newer local one and every desk converges on the hub's values. A change that alters the
 *     document bumps the local version and writes a history row (action 'synced') and a 'patient.synced' audit entry;
 *   - user.upserted / site.configured: latest by HLC (per-entity stamps), as the hub does;
 *   - patient.merged / patient.unmerged: links set / cleared through electron/patients/merge.ts;
 *   - anything else (unknown kind, newer schema, a payload that does not parse, a username taken on this desk, an MRN
 *     this desk already uses for another patient): parked in sync_parked, never fails the page.
 * Every change's HLC is merged into the desk clock (Store.remote receive), so later local edits order after it.
 */
import type Database from 'better-sqlite3';
import { getMeta, setMeta } from '../store/db.js';
import { entityStamp, putEntityStamp } from './stamps.js';
import { commandTxForRemote, type Actor, type RemoteTx, type Store } from '../store/store.js';
import { patientInputSchema, type PatientInput } from '../../shared/domain/patient.js';
import {
  SUPPORTED_SCHEMA_VERSIONS,
  patientRegisteredPayloadSchema,
  patientUpdatedPayloadSchema,
  sitePayloadSchema,
  userPayloadSchema,
  type Change,
  type PullResponse,
} from '../../shared/sync/protocol.js';
import { PATIENT_SYNC_FIELDS, canonicalJson, fieldSchema, getField, isPatientField, setField, writeWins, type FieldStamp } from '../../shared/sync/patient-merge.js';
import { diffPatient } from '../patients/changes.js';
import { writeSearchKeys } from '../patients/search-keys.js';
import { patientColumns, patientRow, type PatientRow } from '../patients/repo.js';
import { applyMergeLink, applyMergeUnlink, type PatientMergedPayload, type PatientUnmergedPayload } from '../patients/merge.js';
import { LOCAL_SLOT_SIZE, localSlot } from '../patients/mrn.js';
import { META } from './meta.js';
import { stmt } from '../store/stmt-cache.js';
import { writeSiteWide } from '../users/repo.js';
import type { EventName, EventPayload } from '../../shared/api/contract.js';
import type { Outcome } from './domain-kinds.js';
import { domainFor } from './domains.js';

export interface PageResult {
  applied: number;
  echoes: number;
  parked: number;
  /** this desk's own ops the hub rejected after acknowledging them (rejected echoes), newly marked in the outbox */
  rejected: number;
  /** patients whose local row changed (for 'patients.changed' events) */
  patients: { id: string; version: number }[];
  /** events queued by domain appliers (electron/sync/domains.ts), to send after the page committed */
  events: { event: EventName; payload: unknown }[];
  /** the cursor stored with this page */
  cursor: number;
  /**
   * true when the page held one of this desk's own changes without payload (echoes=slim) that the desk does not hold:
   * the page was applied up to just before it and `cursor` points there; pull again with payloads.
   */
  needsPayloads?: boolean;
}

/** Who a pulled change is attributed to on this desk (the op carries its desk, not its user). */
export function remoteActor(deskId: string): Actor {
  return { userId: `sync:${deskId}`, userName: 'Another desk (sync)' };
}

// ---- stamps -------------------------------------------------------------------------------------------------------

function fieldStamp(db: Database.Database, patientId: string, field: string): FieldStamp | undefined {
  const r = stmt<[string, string], { hlc: string; op_id: string }>(db, 'SELECT hlc, op_id FROM patient_field_stamps WHERE patient_id = ? AND field = ?').get(patientId, field);
  return r ? { hlc: r.hlc, opId: r.op_id } : undefined;
}

function putFieldStamp(db: Database.Database, patientId: string, field: string, s: FieldStamp): void {
  stmt(db, 
    `INSERT INTO patient_field_stamps (patient_id, field, hlc, op_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (patient_id, field) DO UPDATE SET hlc = excluded.hlc, op_id = excluded.op_id`,
  ).run(patientId, field, s.hlc, s.opId);
}

/** Stamps `field` with `s` if `s` wins; returns whether it won. */
function stampIfWins(db: Database.Database, patientId: string, field: string, s: FieldStamp): boolean {
  if (!writeWins(fieldStamp(db, patientId, field), s)) return false;
  putFieldStamp(db, patientId, field, s);
  return true;
}

const ALL_FIELDS_JSON = JSON.stringify(PATIENT_SYNC_FIELDS);

/**
 * Stamps each field of `fieldsJson` (a JSON array of field names) with `s` where `s` wins — writeWins in one
 * statement: insert, or replace a stamp with a smaller (hlc, opId). HLCs and op ids are ASCII, so SQLite's binary
 * text order is JS string order.
 */
function stampFieldsIfWin(db: Database.Database, patientId: string, fieldsJson: string, s: FieldStamp): void {
  stmt(db,
    `INSERT INTO patient_field_stamps (patient_id, field, hlc, op_id) SELECT ?, value, ?, ? FROM json_each(?) WHERE true
     ON CONFLICT (patient_id, field) DO UPDATE SET hlc = excluded.hlc, op_id = excluded.op_id
     WHERE excluded.hlc > patient_field_stamps.hlc OR (excluded.hlc = patient_field_stamps.hlc AND excluded.op_id > patient_field_stamps.op_id)`,
  ).run(patientId, s.hlc, s.opId, fieldsJson);
}

/**
 * Records the stamps of this desk's own writes (from its outbox rows not yet copied) so a remote write is compared
 * with them. Runs before the first remote change of a page is applied, inside its transaction; cheap when nothing
 * new was written.
 * Returns how many outbox rows were copied.
 */
export function catchUpLocalStamps(db: Database.Database): number {
  const from = Number(getMeta(db, META.stampsSeq) ?? '0');
  const rows = stmt<[number], { desk_seq: number; op_id: string; kind: string; entity_id: string; payload: string; hlc: string }>(db, 
      `SELECT desk_seq, op_id, kind, entity_id, payload, hlc FROM outbox WHERE desk_seq > ? ORDER BY desk_seq`,
    )
    .all(from);
  if (rows.length === 0) return 0;
  for (const r of rows) {
    const s = { hlc: r.hlc, opId: r.op_id };
    try {
      const p = JSON.parse(r.payload) as Record<string, unknown>;
      switch (r.kind) {
        case 'patient.registered':
          stampFieldsIfWin(db, r.entity_id, ALL_FIELDS_JSON, s);
          break;
        case 'patient.updated': {
          const fields = Object.keys((p.changes as Record<string, unknown>) ?? {}).filter((f) => isPatientField(f));
          if (fields.length) stampFieldsIfWin(db, r.entity_id, JSON.stringify(fields), s);
          break;
        }
        case 'user.upserted':
          if (writeWins(entityStamp(db, 'user', r.entity_id), s)) putEntityStamp(db, 'user', r.entity_id, s);
          break;
        case 'site.configured':
          if (writeWins(entityStamp(db, 'site', 'site'), s)) putEntityStamp(db, 'site', 'site', s);
          break;
        default:
          domainFor(r.kind)?.stampLocal?.(db, r);
          break;
      }
    } catch {
      /* a local payload that does not parse has nothing to stamp */
    }
  }
  setMeta(db, META.stampsSeq, String(rows[rows.length - 1]!.desk_seq));
  return rows.length;
}

// ---- the page -----------------------------------------------------------------------------------------------------

export function applyPage(store: Store, page: PullResponse): PageResult {
  const result: PageResult = { applied: 0, echoes: 0, parked: 0, rejected: 0, patients: [], events: [], cursor: page.cursor };
  const changed = new Map<string, number>();
  store.remote((tx) => {
    const current = Number(getMeta(tx.db, META.cursor) ?? '0');
    // A page that does not continue from our cursor (a stale answer after a retry) is ignored whole.
    if (page.changes.length > 0 && page.changes[0]!.serverSeq <= current) {
      const fresh = page.changes.filter((c) => c.serverSeq > current);
      page = { ...page, changes: fresh };
    }
    // this desk's own writes are stamped before the first remote change is compared with them (a page of echoes
    // alone — a desk catching up its own pushes — needs no stamps)
    let stamped = false;
    const isEcho = stmt<[string], { x: number }>(tx.db, 'SELECT 1 x FROM outbox WHERE op_id = ?');
    for (const c of page.changes) {
      if (c.rejected) {
        // one of this desk's ops the hub rejected after acknowledging it: marked in the outbox, never applied
        if (isEcho.get(c.opId)) {
          const marked = stmt(tx.db, 'UPDATE outbox SET rejected_reason = ?, rejected_message = ? WHERE op_id = ? AND rejected_reason IS NULL')
            .run(c.rejected.reason, c.rejected.message.slice(0, 500), c.opId);
          result.rejected += marked.changes;
          result.echoes++;
        }
        continue;
      }
      if (c.payloadOmitted && !isEcho.get(c.opId)) {
        // own change this desk does not hold (restored from a backup): stop here, pull it again with its payload
        result.needsPayloads = true;
        result.cursor = Math.max(current, c.serverSeq - 1);
        break;
      }
      tx.receive(c.hlc);
      if (isEcho.get(c.opId)) {
        result.echoes++;
        continue;
      }
      if (!stamped) {
        catchUpLocalStamps(tx.db);
        stamped = true;
      }
      const outcome = applyChange(tx, c, changed, result.events);
      if (outcome === 'applied') result.applied++;
      else {
        park(tx, c, outcome.parked);
        result.parked++;
      }
    }
    if (result.cursor > current) setMeta(tx.db, META.cursor, String(result.cursor));
  });
  result.patients = [...changed].map(([id, version]) => ({ id, version }));
  return result;
}

function park(tx: RemoteTx, c: Change, reason: string): void {
  stmt(tx.db, 'INSERT INTO sync_parked (server_seq, op_id, kind, entity_id, reason, change, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (server_seq) DO NOTHING')
    .run(c.serverSeq, c.opId, c.kind.slice(0, 64), c.entityId.slice(0, 128), reason, JSON.stringify(c), tx.now);
}

export function applyChange(tx: RemoteTx, c: Change, changed: Map<string, number>, events: PageResult['events']): Outcome {
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(c.schemaVersion)) return { parked: 'schema-unsupported' };
  const stamp = { hlc: c.hlc, opId: c.opId };
  const actor = remoteActor(c.deskId);
  switch (c.kind) {
    case 'patient.registered': {
      const p = patientRegisteredPayloadSchema.safeParse(c.payload);
      if (!p.success || p.data.id !== c.entityId) return { parked: 'invalid-payload' };
      const doc = tolerantDoc(p.data.doc);
      if (!doc) return { parked: 'invalid-payload' };
      return applyRegistered(tx, c, actor, p.data.id, p.data.mrn, doc, stamp, changed);
    }
    case 'patient.updated': {
      const p = patientUpdatedPayloadSchema.safeParse(c.payload);
      if (!p.success || p.data.id !== c.entityId) return { parked: 'invalid-payload' };
      const row = patientRow(tx.db, p.data.id);
      if (!row) return { parked: 'unknown-patient' };
      const writes: [string, unknown][] = [];
      for (const [f, raw] of Object.entries(p.data.changes)) {
        if (!isPatientField(f)) return { parked: 'invalid-payload' };
        const r = fieldSchema(f).safeParse(raw);
        writes.push([f, r.success ? r.data : raw]);
      }
      mergeFields(tx, c, actor, row, writes, stamp, changed);
      return 'applied';
    }
    case 'user.upserted': {
      const p = userPayloadSchema.safeParse(c.payload);
      if (!p.success || p.data.id !== c.entityId) return { parked: 'invalid-payload' };
      if (!writeWins(entityStamp(tx.db, 'user', p.data.id), stamp)) return 'applied';
      const u = p.data;
      const taken = stmt<[string, string], { id: string }>(tx.db, 'SELECT id FROM users WHERE username = ? AND id <> ?').get(u.username, u.id);
      if (taken) return { parked: 'username-taken' };
      const exists = stmt(tx.db, 'SELECT 1 FROM users WHERE id = ?').get(u.id);
      if (exists) {
        stmt(tx.db, 'UPDATE users SET username = ?, display_name = ?, role = ?, password_hash = ?, active = ?, updated_at = ? WHERE id = ?')
          .run(u.username, u.displayName, u.role, u.passwordHash, u.active ? 1 : 0, tx.now, u.id);
      } else {
        stmt(tx.db, 'INSERT INTO users (id, username, display_name, role, password_hash, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(u.id, u.username, u.displayName, u.role, u.passwordHash, u.active ? 1 : 0, tx.now, tx.now);
      }
      putEntityStamp(tx.db, 'user', u.id, stamp);
      tx.audit(actor, { action: 'user.synced', entityType: 'user', entityId: u.id, detail: { fromDesk: c.deskId, opId: c.opId, role: u.role, active: u.active } });
      return 'applied';
    }
    case 'site.configured': {
      const p = sitePayloadSchema.safeParse(c.payload);
      if (!p.success) return { parked: 'invalid-payload' };
      if (!writeWins(entityStamp(tx.db, 'site', 'site'), stamp)) return 'applied';
      // every site-wide setting the op carries (an older desk's op: the name and the time zone only); never the desk name
      const hasSite = stmt(tx.db, 'SELECT 1 FROM site WHERE id = 1').get() !== undefined;
      if (!hasSite) {
        // a desk joining the clinic (setup.join): the clinic's settings set it up, under the desk name given at join
        const deskLabel = getMeta(tx.db, META.joinDeskLabel);
        if (deskLabel === undefined) return { parked: 'site-not-set-up' };
        tx.db.prepare('INSERT INTO site (id, name, time_zone, desk_label, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?)').run(p.data.siteName, p.data.timeZone, deskLabel, tx.now, tx.now);
        tx.db.prepare('DELETE FROM meta WHERE key = ?').run(META.joinDeskLabel);
        tx.audit(actor, { action: 'setup.joined', entityType: 'site', entityId: 'site', detail: { deskLabel, fromDesk: c.deskId, opId: c.opId } });
      }
      writeSiteWide(tx.db, p.data, tx.now);
      putEntityStamp(tx.db, 'site', 'site', stamp);
      tx.audit(actor, { action: 'site.synced', entityType: 'site', entityId: 'site', detail: { fromDesk: c.deskId, opId: c.opId, settings: Object.keys(p.data) } });
      return 'applied';
    }
    case 'patient.merged': {
      const p = c.payload as Partial<PatientMergedPayload> | null;
      if (!p || typeof p.survivorId !== 'string' || typeof p.mergedId !== 'string') return { parked: 'invalid-payload' };
      const payload: PatientMergedPayload = { survivorId: p.survivorId, mergedId: p.mergedId, reason: typeof p.reason === 'string' ? p.reason : '' };
      const r = applyMergeLink(commandTxForRemote(tx, actor), payload);
      if (r === 'missing') return { parked: 'unknown-patient' };
      if (r === 'refused') return { parked: 'merge-refused' };
      if (r === 'linked') {
        tx.audit(actor, { action: 'patient.synced', entityType: 'patient', entityId: payload.mergedId, detail: { fromDesk: c.deskId, opId: c.opId, kind: c.kind, survivorId: payload.survivorId } });
        noteVersion(tx.db, payload.mergedId, changed);
        noteVersion(tx.db, payload.survivorId, changed);
      }
      return 'applied';
    }
    case 'patient.unmerged': {
      const p = c.payload as Partial<PatientUnmergedPayload> | null;
      if (!p || typeof p.mergedId !== 'string') return { parked: 'invalid-payload' };
      const before = patientRow(tx.db, p.mergedId)?.merged_into ?? null;
      const survivorId = typeof p.survivorId === 'string' ? p.survivorId : undefined;
      const r = applyMergeUnlink(commandTxForRemote(tx, actor), { mergedId: p.mergedId, survivorId, reason: typeof p.reason === 'string' ? p.reason : '' });
      // the merge this undoes, if this desk parked it (its own conflicting merge was in the way), is settled: at the
      // hub it was made and undone
      if (survivorId) {
        stmt(tx.db, `DELETE FROM sync_parked WHERE reason = 'merge-refused' AND kind = 'patient.merged' AND entity_id = ? AND server_seq < ? AND json_extract(change, '$.payload.survivorId') = ?`).run(
          p.mergedId, c.serverSeq, survivorId,
        );
      }
      if (r === 'missing') return { parked: 'unknown-patient' };
      if (r === 'unlinked') {
        tx.audit(actor, { action: 'patient.synced', entityType: 'patient', entityId: p.mergedId, detail: { fromDesk: c.deskId, opId: c.opId, kind: c.kind } });
        noteVersion(tx.db, p.mergedId, changed);
        if (before) noteVersion(tx.db, before, changed);
      }
      return 'applied';
    }
    default: {
      const domain = domainFor(c.kind);
      if (!domain) return { parked: 'unknown-kind' };
      return domain.apply(tx, c, {
        actor,
        emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void events.push({ event, payload }),
      });
    }
  }
}

function noteVersion(db: Database.Database, id: string, changed: Map<string, number>): void {
  const v = stmt<[string], { version: number }>(db, 'SELECT version FROM patients WHERE id = ?').get(id);
  if (v) changed.set(id, v.version);
}

/**
 * The document as the hub keeps it: parsed by the shared schema, except that a date "in the future" by this desk's
 * clock (a desk whose clock runs ahead) is kept as sent, as the hub does. Null when it is not a patient document.
 */
function tolerantDoc(raw: unknown): PatientInput | null {
  const r = patientInputSchema.safeParse(raw);
  if (r.success) return r.data;
  if (r.error.issues.every((i) => /in the future/.test(i.message)) && raw && typeof raw === 'object') return raw as PatientInput;
  return null;
}

function applyRegistered(tx: RemoteTx, c: Change, actor: Actor, id: string, mrn: string, doc: PatientInput, stamp: FieldStamp, changed: Map<string, number>): Outcome {
  const existing = patientRow(tx.db, id);
  if (existing) {
    // Already here (e.g. pulled again after a restore): its fields merge at the registration's stamp.
    mergeFields(tx, c, actor, existing, PATIENT_SYNC_FIELDS.map((f) => [f, getField(doc as unknown as Record<string, unknown>, f) ?? null]), stamp, changed);
    return 'applied';
  }
  const sameMrn = stmt<[string], { id: string }>(tx.db, 'SELECT id FROM patients WHERE mrn = ?').get(mrn);
  if (sameMrn) return { parked: 'mrn-collision' };
  const cols = patientColumns(doc);
  stmt(tx.db, 
      `INSERT INTO patients (id, mrn, family, given, middle, suffix, preferred_name, birth_date, sex_at_birth, phone, email_key, doc, version,
                             created_at, created_by, updated_at, updated_by)
       VALUES (@id, @mrn, @family, @given, @middle, @suffix, @preferred_name, @birth_date, @sex_at_birth, @phone, @email_key, @doc, 1,
               @now, @user, @now, @user)`,
    )
    .run({ ...cols, id, mrn, now: tx.now, user: actor.userId });
  const changes = diffPatient(null, doc);
  stmt(tx.db, 'INSERT INTO patient_versions (patient_id, version, action, doc, changes, changed_at, changed_by) VALUES (?, 1, ?, ?, ?, ?, ?)')
    .run(id, 'registered', cols.doc, JSON.stringify(changes), tx.now, actor.userId);
  writeSearchKeys(tx.db, id, doc);
  stampFieldsIfWin(tx.db, id, ALL_FIELDS_JSON, stamp);
  consumeMrn(tx.db, mrn);
  tx.audit(actor, { action: 'patient.synced', entityType: 'patient', entityId: id, detail: { fromDesk: c.deskId, opId: c.opId, kind: c.kind, version: 1 } });
  changed.set(id, 1);
  return 'applied';
}

/** Field-level LWW of `writes` into the patient's row; a new version only when the document actually changed. */
function mergeFields(tx: RemoteTx, c: Change, actor: Actor, row: PatientRow, writes: [string, unknown][], stamp: FieldStamp, changed: Map<string, number>): void {
  const before = JSON.parse(row.doc) as Record<string, unknown>;
  let doc = before;
  for (const [field, value] of writes) {
    if (!stampIfWins(tx.db, row.id, field, stamp)) continue;
    if (canonicalJson(getField(doc, field) ?? null) === canonicalJson(value)) continue;
    doc = setField(doc, field, value);
  }
  if (doc === before) return;
  const next = doc as unknown as PatientInput;
  const changes = diffPatient(before, next);
  const version = row.version + 1;
  const cols = patientColumns(next);
  const r = stmt(tx.db, 
      `UPDATE patients SET family = @family, given = @given, middle = @middle, suffix = @suffix, preferred_name = @preferred_name,
         birth_date = @birth_date, sex_at_birth = @sex_at_birth, phone = @phone, email_key = @email_key, doc = @doc, version = @version,
         updated_at = @now, updated_by = @user
       WHERE id = @id AND version = @version - 1`,
    )
    .run({ ...cols, id: row.id, version, now: tx.now, user: actor.userId });
  if (r.changes !== 1) throw new Error('patient version moved inside the transaction');
  stmt(tx.db, 'INSERT INTO patient_versions (patient_id, version, action, doc, changes, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(row.id, version, 'synced', cols.doc, JSON.stringify(changes), tx.now, actor.userId);
  writeSearchKeys(tx.db, row.id, next);
  tx.audit(actor, { action: 'patient.synced', entityType: 'patient', entityId: row.id, detail: { fromDesk: c.deskId, opId: c.opId, kind: c.kind, version, fields: changes.map((x) => x.field) } });
  changed.set(row.id, version);
}


/**
 * A pulled registration used an MRN: if it lies in a block this desk still holds (its own number, pushed before this
 * desk was restored from a backup) or in its local slot, move past it so the desk never hands it out again.
 */
function consumeMrn(db: Database.Database, mrn: string): void {
  const serial = Number(mrn.slice(0, 7));
  const b = stmt<[number, number], { block_start: number; block_end: number; next_value: number }>(db, 'SELECT * FROM mrn_blocks WHERE block_start <= ? AND block_end >= ?').get(serial, serial);
  if (b && b.next_value <= serial) {
    if (serial >= b.block_end) stmt(db, 'DELETE FROM mrn_blocks WHERE block_start = ?').run(b.block_start);
    else stmt(db, 'UPDATE mrn_blocks SET next_value = ? WHERE block_start = ?').run(serial + 1, b.block_start);
  }
  const slotStart = localSlot(db) * LOCAL_SLOT_SIZE;
  const localNext = getMeta(db, 'mrn.local_next');
  if (localNext !== undefined && serial >= slotStart && serial < slotStart + LOCAL_SLOT_SIZE && serial >= Number(localNext)) setMeta(db, 'mrn.local_next', String(serial + 1));
}
