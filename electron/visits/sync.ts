/**
 * Pulled changes of the visits domain (convergence rule: shared/sync/visits.ts).
 *   department/provider/appointment_type.upserted   latest by (hlc, opId) (sync_entity_stamps, like users and site)
 *   appointment.state (hub-authored)                 the hub's full state replaces the row; then this desk's own ops on
 *                                                    the appointment the snapshot has not seen yet are re-applied with
 *                                                    reduceAppointment, so a local change made meanwhile stays visible
 *   other appointment.* (another desk or a feed)     recorded as applied; their effect comes with the snapshot the hub
 *                                                    wrote right after them
 */
import type Database from 'better-sqlite3';
import type { DomainSyncApplier, LocalOutboxRow } from '../sync/domain-kinds.js';
import type { RemoteTx } from '../store/store.js';
import type { Change } from '../../shared/sync/protocol.js';
import { getMeta } from '../store/db.js';
import { stmt } from '../store/stmt-cache.js';
import { writeWins, type FieldStamp } from '../../shared/sync/patient-merge.js';
import { HUB_AUTHOR_DESK_ID } from '../../shared/sync/hub-author.js';
import {
  ALL_VISIT_KINDS,
  APPOINTMENT_CHANGE_KINDS,
  DIRECTORY_OP_KINDS,
  VISIT_OP_KINDS,
  appointmentTypePayloadSchema,
  departmentPayloadSchema,
  isAppointmentChangeKind,
  providerPayloadSchema,
  statePayloadSchema,
} from '../../shared/sync/visits.js';
import { reduceAppointment } from '../../shared/visits/reduce.js';
import type { Appointment } from '../../shared/domain/visit.js';
import { businessDate } from '../../shared/dates.js';
import { confirmAddress, putAppointment, putDirectory, siteInfo, type DirectoryDoc, type DirectoryType } from './repo.js';
import { entityStamp, putEntityStamp } from '../sync/stamps.js';

const DIR_TYPE: Record<string, DirectoryType> = {
  [DIRECTORY_OP_KINDS.department]: 'department',
  [DIRECTORY_OP_KINDS.provider]: 'provider',
  [DIRECTORY_OP_KINDS.appointmentType]: 'appointment_type',
};

const stampKey = (t: DirectoryType) => `visit:${t}`;

function parseDirectory(kind: string, payload: unknown): DirectoryDoc | null {
  if (kind === DIRECTORY_OP_KINDS.department) {
    const r = departmentPayloadSchema.safeParse(payload);
    return r.success ? r.data.department : null;
  }
  if (kind === DIRECTORY_OP_KINDS.provider) {
    const r = providerPayloadSchema.safeParse(payload);
    return r.success ? r.data.provider : null;
  }
  const r = appointmentTypePayloadSchema.safeParse(payload);
  return r.success ? r.data.appointmentType : null;
}

/** This desk's ops on `appointmentId` the hub had not seen when it wrote a snapshot (in desk order). */
function pendingOwnOps(db: Database.Database, appointmentId: string, seenSeq: number): { kind: string; payload: string }[] {
  const marks = APPOINTMENT_CHANGE_KINDS.map(() => '?').join(', ');
  return stmt<unknown[], { kind: string; payload: string }>(
    db,
    `SELECT kind, payload FROM outbox WHERE entity_id = ? AND desk_seq > ? AND rejected_reason IS NULL AND kind IN (${marks}) ORDER BY desk_seq`,
  ).all(appointmentId, seenSeq, ...APPOINTMENT_CHANGE_KINDS);
}

function applySnapshot(tx: RemoteTx, c: Change, ctx: Parameters<DomainSyncApplier['apply']>[2]): ReturnType<DomainSyncApplier['apply']> {
  if (c.deskId !== HUB_AUTHOR_DESK_ID) return { parked: 'not-hub-authored' };
  const p = statePayloadSchema.safeParse(c.payload);
  if (!p.success || p.data.appointment.id !== c.entityId) return { parked: 'invalid-payload' };
  const myDesk = getMeta(tx.db, 'desk_id') ?? '';
  const { timeZone } = siteInfo(tx.db);
  let state: Appointment = p.data.appointment;
  for (const o of pendingOwnOps(tx.db, state.id, p.data.seen[myDesk] ?? 0)) {
    let payload: unknown;
    try {
      payload = JSON.parse(o.payload);
    } catch {
      continue;
    }
    const r = reduceAppointment(state, o.kind, payload, timeZone);
    if (r.kind === 'ok') state = r.state;
  }
  const before = stmt<[string], { start: string }>(tx.db, 'SELECT start FROM visit_appointments WHERE id = ?').get(state.id);
  putAppointment(tx.db, state, p.data.seen);
  const ci = p.data.appointment.checkIn;
  if (ci?.addressConfirmed && p.data.appointment.patientId) confirmAddress(tx.db, p.data.appointment.patientId, ci.businessDate, state.id, ci.at);
  const conflict = p.data.conflict;
  tx.audit(ctx.actor, {
    action: conflict && conflict.deskId === myDesk ? 'appointment.sync_refused' : 'appointment.synced',
    entityType: 'appointment',
    entityId: state.id,
    detail: { opId: c.opId, causeOpId: p.data.causeOpId, status: state.status, ...(conflict ? { refusedOpId: conflict.opId, refusedKind: conflict.kind } : {}) },
  });
  const days = new Set([businessDate(timeZone, new Date(state.start))]);
  if (before) days.add(businessDate(timeZone, new Date(before.start)));
  ctx.emit('visits.changed', { ids: [state.id], businessDates: [...days] });
  return 'applied';
}

export const visitSync: DomainSyncApplier = {
  kinds: ALL_VISIT_KINDS,
  apply: (tx, c, ctx) => {
    const dirType = DIR_TYPE[c.kind];
    if (dirType) {
      const doc = parseDirectory(c.kind, c.payload);
      if (!doc || doc.id !== c.entityId) return { parked: 'invalid-payload' };
      const s = { hlc: c.hlc, opId: c.opId };
      if (!writeWins(entityStamp(tx.db, stampKey(dirType), doc.id), s)) return 'applied';
      putDirectory(tx.db, dirType, doc);
      putEntityStamp(tx.db, stampKey(dirType), doc.id, s);
      tx.audit(ctx.actor, { action: `${dirType}.synced`, entityType: dirType, entityId: doc.id, detail: { fromDesk: c.deskId, opId: c.opId, active: doc.active } });
      ctx.emit('visits.directoryChanged', {});
      return 'applied';
    }
    if (c.kind === VISIT_OP_KINDS.state) return applySnapshot(tx, c, ctx);
    if (isAppointmentChangeKind(c.kind)) return 'applied';
    return { parked: 'unknown-kind' };
  },
  /** Local directory writes are stamped so an older remote write never overwrites a newer local one. */
  stampLocal: (db: Database.Database, row: LocalOutboxRow) => {
    const t = DIR_TYPE[row.kind];
    if (!t) return;
    const s = { hlc: row.hlc, opId: row.op_id };
    if (writeWins(entityStamp(db, stampKey(t), row.entity_id), s)) putEntityStamp(db, stampKey(t), row.entity_id, s);
  },
};
