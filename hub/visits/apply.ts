/**
 * Hub side of the visits domain; the state machine is validated here (convergence rule: shared/sync/visits.ts).
 *
 *   department/provider/appointment_type.upserted   latest by (hlc, opId)
 *   appointment.* from a desk                        reduceAppointment against the hub's state, in hub order:
 *       broken op (bad payload, transition illegal from its own `from`)   RejectOp('invalid-payload')
 *       unknown appointment                                               RejectOp('unknown-entity')
 *       booked with an id the hub holds                                   RejectOp('foreign-entity')
 *       legal on the desk, illegal here (another desk was first)          SUPERSEDED: accepted, state unchanged,
 *                                                                         visit_conflicts row + syncConflict on the appointment
 *     then, always, a hub-authored appointment.state snapshot (recordHubOp) in the same transaction.
 *   appointment.state pushed by a desk                                    RejectOp('invalid-payload') (hub-authored only)
 *
 * For schedule feeds: authorAppointmentOp (below) validates, records the feed's op as a hub-authored change and the
 * snapshot; hubAppointmentByExternalId / hubDirectoryByCode are the look-ups a feed needs.
 */
import type { HubDomainApplier } from '../domain-kinds.js';
import type { Queryable } from '../db.js';
import { RejectOp } from '../errors.js';
import { recordHubOp } from '../hub-ops.js';
import { newId } from '../../shared/ids.js';
import type { SyncOp } from '../../shared/sync/protocol.js';
import { writeWins } from '../../shared/sync/patient-merge.js';
import { HUB_AUTHOR_DESK_ID } from '../../shared/sync/hub-author.js';
import {
  ALL_VISIT_KINDS,
  DIRECTORY_OP_KINDS,
  VISIT_OP_KINDS,
  appointmentTypePayloadSchema,
  departmentPayloadSchema,
  isAppointmentChangeKind,
  providerPayloadSchema,
  type AppointmentChangeKind,
  type StatePayload,
} from '../../shared/sync/visits.js';
import { opAppointmentId, parseChange, reduceAppointment } from '../../shared/visits/reduce.js';
import type { Appointment, AppointmentType, Department, Provider, SyncConflict } from '../../shared/domain/visit.js';

type DirectoryType = 'department' | 'provider' | 'appointment_type';
const DIR: Record<string, { type: DirectoryType; parse: (p: unknown) => { id: string; code: string } | null }> = {
  [DIRECTORY_OP_KINDS.department]: { type: 'department', parse: (p) => { const r = departmentPayloadSchema.safeParse(p); return r.success ? r.data.department : null; } },
  [DIRECTORY_OP_KINDS.provider]: { type: 'provider', parse: (p) => { const r = providerPayloadSchema.safeParse(p); return r.success ? r.data.provider : null; } },
  [DIRECTORY_OP_KINDS.appointmentType]: { type: 'appointment_type', parse: (p) => { const r = appointmentTypePayloadSchema.safeParse(p); return r.success ? r.data.appointmentType : null; } },
};

/** What a refused change was, for the board's words ("Desk B's check-in was refused: ..."). */
const CHANGE_LABEL: Record<AppointmentChangeKind, string> = {
  'appointment.booked': 'booking',
  'appointment.rescheduled': 'reschedule',
  'appointment.modified': 'change',
  'appointment.cancelled': 'cancellation',
  'appointment.no_show': 'no-show',
  'appointment.arrived': 'check-in',
  'appointment.roomed': 'rooming',
  'appointment.checked_out': 'check-out',
  'appointment.reverted': 'undo',
  'appointment.payment_linked': 'payment link',
};

async function siteTimeZone(tx: Queryable): Promise<string> {
  const r = await tx.query<{ doc: string }>(`SELECT doc FROM directory_entities WHERE entity_type = 'site' AND entity_id = 'site'`);
  try {
    const tz = r.rows[0] ? (JSON.parse(r.rows[0].doc) as { timeZone?: string }).timeZone : undefined;
    return tz ?? 'UTC';
  } catch {
    return 'UTC';
  }
}

async function deskLabel(tx: Queryable, deskId: string): Promise<string> {
  if (deskId === HUB_AUTHOR_DESK_ID) return 'Schedule feed';
  const r = await tx.query<{ label: string }>('SELECT label FROM desks WHERE desk_id = $1', [deskId]);
  return r.rows[0]?.label ?? 'another desk';
}

/** The hub's state of one appointment (null when unknown). */
export async function hubAppointment(tx: Queryable, id: string): Promise<{ appointment: Appointment; seen: Record<string, number> } | null> {
  const r = await tx.query<{ doc: string; seen: string }>('SELECT doc, seen FROM visit_appointments WHERE id = $1', [id]);
  const row = r.rows[0];
  return row ? { appointment: JSON.parse(row.doc) as Appointment, seen: JSON.parse(row.seen) as Record<string, number> } : null;
}

/** A feed's appointment by its filler id (HL7 SCH-2 / CSV id) and source. */
export async function hubAppointmentByExternalId(tx: Queryable, source: 'hl7' | 'csv', externalId: string): Promise<Appointment | null> {
  const r = await tx.query<{ doc: string }>('SELECT doc FROM visit_appointments WHERE source = $1 AND external_id = $2 ORDER BY updated_at DESC LIMIT 1', [source, externalId]);
  return r.rows[0] ? (JSON.parse(r.rows[0].doc) as Appointment) : null;
}

/** A department / provider / appointment type by its code (what feeds send), active or not; case-insensitive. */
export async function hubDirectoryByCode<T extends Department | Provider | AppointmentType>(tx: Queryable, type: DirectoryType, code: string): Promise<T | null> {
  const r = await tx.query<{ doc: string }>('SELECT doc FROM visit_directory WHERE entity_type = $1 AND lower(code) = lower($2) ORDER BY updated_at DESC LIMIT 1', [type, code]);
  return r.rows[0] ? (JSON.parse(r.rows[0].doc) as T) : null;
}

async function upsertDirectory(tx: Queryable, op: SyncOp, now: string): Promise<void> {
  const d = DIR[op.kind]!;
  const doc = d.parse(op.payload);
  if (!doc) throw new RejectOp('invalid-payload', `${op.kind} payload does not fit its schema`);
  if (doc.id !== op.entityId) throw new RejectOp('entity-mismatch', `${op.kind} entityId differs from the payload's id`);
  const cur = await tx.query<{ hlc: string; op_id: string }>('SELECT hlc, op_id FROM visit_directory WHERE entity_type = $1 AND id = $2', [d.type, doc.id]);
  const c = cur.rows[0];
  if (c && !writeWins({ hlc: c.hlc, opId: c.op_id }, { hlc: op.hlc, opId: op.opId })) return;
  await tx.query(
    `INSERT INTO visit_directory (entity_type, id, code, doc, hlc, op_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (entity_type, id) DO UPDATE SET code = EXCLUDED.code, doc = EXCLUDED.doc, hlc = EXCLUDED.hlc, op_id = EXCLUDED.op_id, updated_at = EXCLUDED.updated_at`,
    [d.type, doc.id, doc.code, JSON.stringify(doc), op.hlc, op.opId, now],
  );
}

/**
 * Applies (or supersedes) one appointment change that is already in the ops table, and records the snapshot.
 * Returns the snapshot payload.
 */
async function processChange(tx: Queryable, op: SyncOp, now: string): Promise<StatePayload> {
  const parsed = parseChange(op.kind, op.payload);
  if (!parsed.ok) throw new RejectOp('invalid-payload', parsed.message);
  const id = opAppointmentId(op.kind, op.payload);
  if (!id) throw new RejectOp('invalid-payload', `${op.kind} payload has no appointment id`);
  if (id !== op.entityId) throw new RejectOp('entity-mismatch', `${op.kind} entityId differs from the appointment id in the payload`);
  const cur = await hubAppointment(tx, id);
  const tz = await siteTimeZone(tx);
  const r = reduceAppointment(cur?.appointment ?? null, op.kind, op.payload, tz);
  if (r.kind === 'invalid') throw new RejectOp('invalid-payload', r.message);
  if (r.kind === 'unknown') throw new RejectOp('unknown-entity', `${op.kind} for an appointment the hub does not hold`);
  if (r.kind === 'exists') throw new RejectOp('foreign-entity', 'An appointment with this id is already at the hub');

  const seen = { ...(cur?.seen ?? {}) };
  seen[op.deskId] = Math.max(seen[op.deskId] ?? 0, op.seq);
  let state: Appointment;
  let conflict: SyncConflict | null = null;
  if (r.kind === 'illegal') {
    const label = await deskLabel(tx, op.deskId);
    const what = CHANGE_LABEL[op.kind as AppointmentChangeKind] ?? 'change';
    conflict = { opId: op.opId, kind: op.kind, deskId: op.deskId, deskLabel: label, at: now, message: `${label}: ${what} refused by the hub. ${r.message}` };
    state = { ...cur!.appointment, syncConflict: conflict };
    await tx.query(
      `INSERT INTO visit_conflicts (id, appointment_id, op_id, desk_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (op_id) DO NOTHING`,
      [newId(), id, op.opId, op.deskId, op.kind, conflict.message, now],
    );
  } else {
    state = r.state;
  }
  await tx.query(
    `INSERT INTO visit_appointments (id, doc, seen, source, external_id, last_op, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, seen = EXCLUDED.seen, source = EXCLUDED.source, external_id = EXCLUDED.external_id,
       last_op = EXCLUDED.last_op, updated_at = EXCLUDED.updated_at`,
    [id, JSON.stringify(state), JSON.stringify(seen), state.source, state.externalId, op.opId, now],
  );
  const payload: StatePayload = { appointment: state, seen, conflict, causeOpId: op.opId };
  await recordHubOp(tx, { kind: VISIT_OP_KINDS.state, entityId: id, payload, after: op.hlc }, new Date(now));
  return payload;
}

export const visitHubApply: HubDomainApplier = {
  kinds: ALL_VISIT_KINDS,
  apply: async (tx, op, now) => {
    if (DIR[op.kind]) return upsertDirectory(tx, op, now);
    if (op.kind === VISIT_OP_KINDS.state) throw new RejectOp('invalid-payload', 'appointment.state is written by the hub only');
    if (!isAppointmentChangeKind(op.kind)) throw new RejectOp('unknown-kind', `The hub does not know ops of kind "${op.kind}"`);
    await processChange(tx, op, now);
  },
};

/**
 * A schedule feed's appointment change (book / reschedule / modify / cancel / no-show ...), authored by the hub.
 * Call inside a hub write transaction. Validates first: an illegal change throws RejectOp with a clear message and
 * writes nothing (e.g. S15 cancel of an appointment already checked in). Otherwise records the op under
 * HUB_AUTHOR_DESK_ID and the snapshot desks apply. Build payloads with the builders in shared/sync/visits.ts.
 */
export async function authorAppointmentOp(tx: Queryable, input: { kind: AppointmentChangeKind; entityId: string; payload: unknown }, now: Date = new Date()): Promise<StatePayload> {
  const cur = await hubAppointment(tx, input.entityId);
  const r = reduceAppointment(cur?.appointment ?? null, input.kind, input.payload, await siteTimeZone(tx));
  if (r.kind === 'invalid') throw new RejectOp('invalid-payload', r.message);
  if (r.kind === 'unknown') throw new RejectOp('unknown-entity', 'No appointment with this id at the hub');
  if (r.kind === 'exists') throw new RejectOp('foreign-entity', 'An appointment with this id is already at the hub');
  if (r.kind === 'illegal') throw new RejectOp('data-error', r.message);
  const rec = await recordHubOp(tx, { kind: input.kind, entityId: input.entityId, payload: input.payload }, now);
  return processChange(tx, rec.op, now.toISOString());
}

/**
 * A supervisor closed the review item of a refused appointment change (hub/service.ts resolveReviewItem): the refusal
 * note leaves the appointment — if the note shown is still that one — and the hub publishes the appointment without
 * it as a snapshot, so every board drops the flag. Call inside the hub write transaction that closes the item.
 */
export async function clearAppointmentConflict(tx: Queryable, conflictId: string, now: Date): Promise<void> {
  const r = await tx.query<{ appointment_id: string; op_id: string }>('SELECT appointment_id, op_id FROM visit_conflicts WHERE id = $1', [conflictId]);
  const row = r.rows[0];
  if (!row) return;
  const cur = await hubAppointment(tx, row.appointment_id);
  if (!cur || cur.appointment.syncConflict?.opId !== row.op_id) return;
  const state: Appointment = { ...cur.appointment, syncConflict: null };
  await tx.query('UPDATE visit_appointments SET doc = $2, updated_at = $3 WHERE id = $1', [row.appointment_id, JSON.stringify(state), now.toISOString()]);
  const payload: StatePayload = { appointment: state, seen: cur.seen, conflict: null, causeOpId: row.op_id };
  await recordHubOp(tx, { kind: VISIT_OP_KINDS.state, entityId: row.appointment_id, payload }, now);
}
