/**
 * Desk side of the hub-authored 'patient.links' op (hub/apply.ts refuseLinkConflict): two desks merged conflicting
 * pairs while offline (A: X into Y; B: X into Z, or B: Y into W making a chain); the hub took the first it received,
 * refused the other, and published its links for every record involved. Applying it, every desk — the refused desk
 * above all — ends with the hub's merged_into for those records:
 *
 *   1. each record's link is set to the hub's (an existing other link undone first; history rows on every record
 *      touched, as a merge/undo writes them; records this desk does not hold are skipped);
 *   2. this desk's own merges/undos of those records that the hub had not applied yet when it wrote the op (payload
 *      `seen`) are applied again on top, with the same rules as any pulled merge — the hub applies them after the
 *      op too, so desk and hub stay equal (one the hub refuses brings its own 'patient.links' later);
 *   3. other desks' merges of those records that this desk parked as 'merge-refused' (they could not be linked on
 *      top of this desk's conflicting merge) are settled by the hub's links and leave sync_parked.
 *
 * Only the hub writes this kind (a desk's own op of this kind is refused by the hub as unknown). Idempotent: applied
 * twice, step 1 finds every link already so and step 2 finds each own op already applied.
 */
import type { DomainSyncApplier, Outcome } from '../sync/domain-kinds.js';
import { commandTxForRemote, type Actor, type RemoteTx } from '../store/store.js';
import { PATIENT_LINKS_KIND, patientLinksPayloadSchema, type Change, type PatientLinksPayload } from '../../shared/sync/protocol.js';
import { HUB_AUTHOR_DESK_ID } from '../../shared/sync/hub-author.js';
import { applyMergeLink, applyMergeUnlink, setLinkFromHub } from './merge.js';
import { patientRow } from './repo.js';

interface OwnLinkOp {
  desk_seq: number;
  desk_id: string;
  desk_epoch: number;
  kind: string;
  payload: string;
}

/** This desk's merges/undos the hub had not applied when it wrote `p`, touching one of `ids`, in desk order. */
function ownPendingLinkOps(tx: RemoteTx, p: PatientLinksPayload, ids: Set<string>): { kind: string; mergedId: string; survivorId: string | null; reason: string }[] {
  const seen = new Map(p.seen.map((s) => [`${s.deskId}|${s.epoch}`, s.seq]));
  const rows = tx.db
    .prepare<[], OwnLinkOp>(
      `SELECT desk_seq, desk_id, desk_epoch, kind, payload FROM outbox
       WHERE kind IN ('patient.merged', 'patient.unmerged') AND rejected_reason IS NULL ORDER BY desk_seq`,
    )
    .all();
  const out: { kind: string; mergedId: string; survivorId: string | null; reason: string }[] = [];
  for (const r of rows) {
    const applied = seen.get(`${r.desk_id}|${r.desk_epoch}`);
    if (applied !== undefined && r.desk_seq <= applied) continue;
    let q: { mergedId?: unknown; survivorId?: unknown; reason?: unknown };
    try {
      q = JSON.parse(r.payload) as typeof q;
    } catch {
      continue;
    }
    if (typeof q.mergedId !== 'string') continue;
    const survivorId = typeof q.survivorId === 'string' ? q.survivorId : null;
    if (!ids.has(q.mergedId) && !(survivorId && ids.has(survivorId))) continue;
    out.push({ kind: r.kind, mergedId: q.mergedId, survivorId, reason: typeof q.reason === 'string' ? q.reason : '' });
  }
  return out;
}

/** Other desks' merges of `ids` this desk parked because its own conflicting merge was in the way. */
function settleParkedMerges(tx: RemoteTx, ids: Set<string>): number {
  const rows = tx.db.prepare<[], { server_seq: number; change: string }>(`SELECT server_seq, change FROM sync_parked WHERE reason = 'merge-refused'`).all();
  const del = tx.db.prepare('DELETE FROM sync_parked WHERE server_seq = ?');
  let n = 0;
  for (const r of rows) {
    let c: { payload?: { mergedId?: unknown; survivorId?: unknown } };
    try {
      c = JSON.parse(r.change) as typeof c;
    } catch {
      continue;
    }
    const m = c.payload?.mergedId;
    const s = c.payload?.survivorId;
    if ((typeof m === 'string' && ids.has(m)) || (typeof s === 'string' && ids.has(s))) n += del.run(r.server_seq).changes;
  }
  return n;
}

export function applyPatientLinks(tx: RemoteTx, c: Change, actor: Actor): { outcome: Outcome; changed: string[] } {
  if (c.deskId !== HUB_AUTHOR_DESK_ID) return { outcome: { parked: 'invalid-payload' }, changed: [] };
  const parsed = patientLinksPayloadSchema.safeParse(c.payload);
  if (!parsed.success) return { outcome: { parked: 'invalid-payload' }, changed: [] };
  const p = parsed.data;
  const ctx = commandTxForRemote(tx, actor);
  const ids = new Set(p.links.map((l) => l.patientId));
  const changed = new Set<string>();
  // 1. the hub's links (undo links first, then set: no record is ever linked twice at once)
  const ordered = [...p.links].sort((a, b) => (a.mergedInto === null ? 0 : 1) - (b.mergedInto === null ? 0 : 1));
  for (const l of ordered) for (const id of setLinkFromHub(ctx, l.patientId, l.mergedInto)) changed.add(id);
  // 2. this desk's own later merges/undos of these records, as the hub will apply them after this op
  let replayed = 0;
  for (const o of ownPendingLinkOps(tx, p, ids)) {
    if (o.kind === 'patient.merged' && o.survivorId) {
      if (applyMergeLink(ctx, { survivorId: o.survivorId, mergedId: o.mergedId, reason: o.reason }) === 'linked') {
        replayed++;
        changed.add(o.mergedId).add(o.survivorId);
      }
    } else if (o.kind === 'patient.unmerged') {
      const before = patientRow(tx.db, o.mergedId)?.merged_into ?? null;
      if (!before || (o.survivorId && before !== o.survivorId)) continue; // the hub refuses this undo too
      if (applyMergeUnlink(ctx, { mergedId: o.mergedId, reason: o.reason }) === 'unlinked') {
        replayed++;
        changed.add(o.mergedId).add(before);
      }
    }
  }
  // 3. parked merges of these records are settled by the hub's links
  const settled = settleParkedMerges(tx, ids);
  tx.audit(actor, {
    action: 'patient.links_synced',
    entityType: 'patient',
    entityId: c.entityId,
    detail: { opId: c.opId, causeOpId: p.causeOpId, causeDeskId: p.causeDeskId, reviewItemId: p.reviewItemId, changed: [...changed], replayed, settledParked: settled },
  });
  return { outcome: 'applied', changed: [...changed] };
}

/** Registered in electron/sync/domains.ts. */
export const patientLinksSync: DomainSyncApplier = {
  kinds: [PATIENT_LINKS_KIND],
  apply: (tx, c, ctx) => {
    const r = applyPatientLinks(tx, c, ctx.actor);
    for (const id of r.changed) {
      const row = patientRow(tx.db, id);
      if (row) ctx.emit('patients.changed', { id, version: row.version });
    }
    return r.outcome;
  },
};
