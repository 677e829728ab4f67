/**
 * A Jepsen-style history of what clerks were told, and the checker that holds the hub and desks to it.
 *
 * Every client operation (a dispatcher command at one desk) is recorded as `invoke` and then `ok` (the command
 * returned: the clerk saw it saved; the outbox rows it wrote are named by op id) or `fail` (a typed refusal: nothing
 * may exist of it anywhere). After the network is healed and everything synced, `checkHistory` verifies:
 *   - every ok operation's ops exist at the hub exactly once, applied (not rejected), with one change in the feed,
 *     from the right desk, for the right entity;
 *   - every failed operation left no op;
 *   - the hub holds no op that no desk wrote, and every op any desk wrote (outbox) is at the hub: nothing lost,
 *     nothing twice, nothing invented;
 *   - by entity: every acknowledged registration is exactly one patient at the hub, and the hub has no other
 *     patients from these desks;
 *   - field values: for every patient and field, the hub's value is that of the write with the greatest (HLC, op id)
 *     among all acknowledged writes of that field (an oracle computed from the history, independent of the hub's merge
 *     code): no acknowledged edit is silently overwritten by an older one;
 *   - merges and undos (supervisor `patients.merge` / `patients.unmerge`, made on desks that may be partitioned): an
 *     acknowledged one is at the hub exactly once, either applied or REFUSED for a state reason (two desks linked
 *     the records differently offline: hub/apply.ts refuseLinkConflict). A refusal is legitimate only as a whole: the
 *     op is 'rejected' with reason 'data-error', the desk's outbox row is marked with the same reason, and the hub
 *     raised its merge-conflict review item and published its links (a hub-authored 'patient.links' op caused by it)
 *     so the desks converge on the hub's links (the dump comparison holds them to that);
 *   - no chain at the hub: a record that others are merged into is not itself merged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { HubDb } from '../../hub/db.js';
import { compareHlc } from '../../shared/sync/protocol.js';
import { PATIENT_SYNC_FIELDS, canonicalJson, getField, registrationWrites } from '../../shared/sync/patient-merge.js';
import type { PatientInput } from '../../shared/domain/patient.js';

export type OpType = 'register' | 'edit' | 'user.create' | 'user.update' | 'merge' | 'unmerge';

/** Client operations on merge links: the hub may refuse them for a state reason (see checkHistory). */
export const LINK_OPS: ReadonlySet<OpType> = new Set<OpType>(['merge', 'unmerge']);

export interface ClientOp {
  id: number;
  desk: number;
  f: OpType;
  entityId: string | null;
  status: 'pending' | 'ok' | 'fail';
  opIds: string[];
  error?: string;
}

export interface HistoryEvent {
  index: number;
  process: number;
  type: 'invoke' | 'ok' | 'fail';
  f: OpType;
  op: number;
  value: unknown;
}

export class History {
  readonly ops: ClientOp[] = [];
  readonly events: HistoryEvent[] = [];

  invoke(desk: number, f: OpType, entityId: string | null, value: unknown = null): ClientOp {
    const op: ClientOp = { id: this.ops.length, desk, f, entityId, status: 'pending', opIds: [] };
    this.ops.push(op);
    this.events.push({ index: this.events.length, process: desk, type: 'invoke', f, op: op.id, value: { entityId, ...((value as object) ?? {}) } });
    return op;
  }
  ok(op: ClientOp, entityId: string, opIds: string[]): void {
    op.status = 'ok';
    op.entityId = entityId;
    op.opIds = opIds;
    this.events.push({ index: this.events.length, process: op.desk, type: 'ok', f: op.f, op: op.id, value: { entityId, opIds } });
  }
  fail(op: ClientOp, error: string, opIds: string[] = []): void {
    op.status = 'fail';
    op.error = error;
    op.opIds = opIds;
    this.events.push({ index: this.events.length, process: op.desk, type: 'fail', f: op.f, op: op.id, value: { error, opIds } });
  }
  get acknowledged(): ClientOp[] {
    return this.ops.filter((o) => o.status === 'ok');
  }
  /** Writes the history as JSON lines to a temp file (for a failing seed) and returns its path. */
  save(name: string): string {
    const file = path.join(os.tmpdir(), `accessdesk-history-${name}.jsonl`);
    fs.writeFileSync(file, this.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    return file;
  }
}

export interface DeskOutboxRow {
  op_id: string;
  desk_id: string;
  desk_seq: number;
  kind: string;
  entity_id: string;
  payload: string;
  hlc: string;
  /** at or below the desk's acknowledgement watermark (meta sync.acked_seq) */
  acked: 0 | 1;
  /** set when the hub reported this op rejected */
  rejected_reason: string | null;
}

export function readOutbox(db: Database.Database): DeskOutboxRow[] {
  return db
    .prepare<[], DeskOutboxRow>(
      `SELECT op_id, desk_id, desk_seq, kind, entity_id, payload, hlc, rejected_reason, desk_seq <= COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sync.acked_seq'), 0) AS acked
       FROM outbox ORDER BY desk_seq`,
    )
    .all();
}

/** Outbox op ids a command wrote: rows after `afterSeq` for `entityId`. */
export function opIdsSince(db: Database.Database, afterSeq: number, entityId: string): string[] {
  return db
    .prepare<[number, string], { op_id: string }>('SELECT op_id FROM outbox WHERE desk_seq > ? AND entity_id = ? ORDER BY desk_seq')
    .all(afterSeq, entityId)
    .map((r) => r.op_id);
}

export function lastSeq(db: Database.Database): number {
  return db.prepare<[], { s: number | null }>('SELECT MAX(desk_seq) s FROM outbox').get()?.s ?? 0;
}

interface HubOpRow {
  op_id: string;
  desk_id: string;
  kind: string;
  entity_id: string;
  status: string;
  changes: number;
  reason: string | null;
  conflicts: number;
  links: number;
}

export interface CheckInput {
  history: History;
  hub: HubDb;
  /** per desk index: its id and its whole outbox after quiescence */
  desks: { deskId: string; outbox: DeskOutboxRow[] }[];
}

export async function checkHistory({ history, hub, desks }: CheckInput): Promise<string[]> {
  const bad: string[] = [];
  const deskIds = desks.map((d) => d.deskId);
  const hubOps = (
    await hub.query<HubOpRow>(
      `SELECT o.op_id, o.desk_id, o.kind, o.entity_id, o.status, (SELECT COUNT(*) FROM changes c WHERE c.op_id = o.op_id)::int AS changes,
         (SELECT r.reason FROM rejected_ops r WHERE r.op_id = o.op_id) AS reason,
         (SELECT COUNT(*) FROM merge_conflicts m WHERE m.op_id = o.op_id)::int AS conflicts,
         (SELECT COUNT(*) FROM ops l WHERE l.kind = 'patient.links' AND strpos(l.payload, '"causeOpId":"' || o.op_id || '"') > 0)::int AS links
       FROM ops o WHERE o.desk_id = ANY($1)`,
      [deskIds],
    )
  ).rows;
  const hubById = new Map<string, HubOpRow>();
  for (const r of hubOps) {
    if (hubById.has(r.op_id)) bad.push(`hub holds op ${r.op_id} twice`);
    hubById.set(r.op_id, r);
  }
  const outboxById = new Map<string, DeskOutboxRow & { desk: number }>();
  desks.forEach((d, i) => {
    for (const r of d.outbox) {
      if (outboxById.has(r.op_id)) bad.push(`op ${r.op_id} in two outboxes`);
      outboxById.set(r.op_id, { ...r, desk: i });
      if (!r.acked) bad.push(`desk ${i}: op ${r.op_id} (seq ${r.desk_seq}) never acknowledged by the hub`);
    }
  });

  // acknowledged and failed client operations
  for (const op of history.ops) {
    if (op.status === 'pending') bad.push(`client op ${op.id} (${op.f} at desk ${op.desk}) never completed`);
    if (op.status === 'fail' && op.opIds.length > 0) bad.push(`failed op ${op.id} (${op.f}: ${op.error}) wrote ops ${op.opIds.join(',')}`);
    if (op.status !== 'ok') continue;
    if (op.opIds.length === 0) bad.push(`acknowledged op ${op.id} (${op.f} ${op.entityId}) wrote no outbox row`);
    for (const id of op.opIds) {
      const h = hubById.get(id);
      if (!h) {
        bad.push(`LOST: acknowledged op ${op.id} (${op.f} ${op.entityId} at desk ${op.desk}) op ${id} is not at the hub`);
        continue;
      }
      if (h.status === 'rejected' && LINK_OPS.has(op.f)) {
        // a merge/undo the hub refused because two desks linked the records differently: legitimate, as a whole
        const row = outboxById.get(id);
        if (h.reason !== 'data-error') bad.push(`${op.f} op ${id} (client op ${op.id}) rejected by the hub for ${h.reason}, not a link conflict`);
        if (row && row.rejected_reason !== h.reason) bad.push(`${op.f} op ${id} rejected by the hub (${h.reason}) but desk ${op.desk}'s outbox row says ${row.rejected_reason}`);
        if (h.conflicts !== 1) bad.push(`refused ${op.f} op ${id} has ${h.conflicts} merge-conflict review items (want 1)`);
        if (h.links !== 1) bad.push(`refused ${op.f} op ${id} caused ${h.links} hub 'patient.links' ops (want 1)`);
      } else if (h.status !== 'applied') bad.push(`acknowledged op ${op.id} (${op.f}) op ${id} was ${h.status} by the hub`);
      else if (outboxById.get(id)?.rejected_reason) bad.push(`op ${id} applied at the hub but marked rejected on desk ${op.desk}`);
      if (h.changes !== 1) bad.push(`op ${id} is ${h.changes} times in the hub change feed`);
      if (h.desk_id !== desks[op.desk]!.deskId) bad.push(`op ${id} attributed to desk ${h.desk_id}`);
      if (h.entity_id !== op.entityId) bad.push(`op ${id} for entity ${h.entity_id}, clerk saved ${op.entityId}`);
    }
  }
  // nothing lost, nothing invented: outboxes == hub ops (for these desks)
  for (const id of outboxById.keys()) if (!hubById.has(id)) bad.push(`LOST: outbox op ${id} (${outboxById.get(id)!.kind}) is not at the hub`);
  for (const id of hubById.keys()) if (!outboxById.has(id)) bad.push(`INVENTED: hub op ${id} is in no desk's outbox`);

  // by entity: registrations
  const regs = history.acknowledged.filter((o) => o.f === 'register');
  const hubPatients = (await hub.query<{ id: string; doc: string }>('SELECT id, doc FROM patients WHERE registered_desk = ANY($1)', [deskIds])).rows;
  const hubPatientIds = new Set(hubPatients.map((p) => p.id));
  for (const r of regs) if (!hubPatientIds.has(r.entityId!)) bad.push(`LOST: registered patient ${r.entityId} (desk ${r.desk}) is not at the hub`);
  if (hubPatients.length !== regs.length) bad.push(`hub has ${hubPatients.length} patients from these desks, clerks registered ${regs.length}`);

  // field oracle: greatest (hlc, opId) acknowledged write per field
  type W = { hlc: string; opId: string; value: string };
  const expected = new Map<string, Map<string, W>>();
  const put = (pid: string, field: string, w: W) => {
    let m = expected.get(pid);
    if (!m) expected.set(pid, (m = new Map()));
    const cur = m.get(field);
    const c = cur ? compareHlc(w.hlc, cur.hlc) : 1;
    if (!cur || c > 0 || (c === 0 && w.opId > cur.opId)) m.set(field, w);
  };
  for (const op of history.acknowledged) {
    if (op.f !== 'register' && op.f !== 'edit') continue;
    for (const id of op.opIds) {
      const row = outboxById.get(id);
      if (!row) continue;
      const payload = JSON.parse(row.payload) as { id: string; doc?: PatientInput; changes?: Record<string, unknown> };
      const writes: Record<string, unknown> = row.kind === 'patient.registered' ? registrationWrites(payload.doc!) : (payload.changes ?? {});
      for (const [f, v] of Object.entries(writes)) put(payload.id, f, { hlc: row.hlc, opId: row.op_id, value: canonicalJson(v ?? null) });
    }
  }
  for (const p of hubPatients) {
    const exp = expected.get(p.id);
    if (!exp) continue;
    const doc = JSON.parse(p.doc) as Record<string, unknown>;
    for (const f of PATIENT_SYNC_FIELDS) {
      const w = exp.get(f);
      if (!w) continue;
      const got = canonicalJson(getField(doc, f) ?? null);
      if (got !== w.value) bad.push(`patient ${p.id} field ${f}: hub has ${got}, the latest acknowledged write (op ${w.opId}) set ${w.value}`);
    }
  }
  // no chain at the hub (a survivor is never itself merged)
  const chains = (
    await hub.query<{ id: string; merged_into: string }>(
      `SELECT p.id, p.merged_into FROM patients p JOIN patients s ON s.id = p.merged_into WHERE s.merged_into IS NOT NULL AND p.registered_desk = ANY($1)`,
      [deskIds],
    )
  ).rows;
  for (const c of chains) bad.push(`chain at the hub: ${c.id} merged into ${c.merged_into}, which is itself merged`);
  return bad.slice(0, 40);
}
