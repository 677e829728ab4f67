/**
 * Merging duplicate patient records (supervisor): link-and-survivor, undoable, never a destructive delete.
 *
 *   patients.merge   {survivorId, mergedId, reason}  the merged record gets merged_into = survivorId; both records get a
 *                                                   history row ('merged-into' on the merged one, 'merged' on the
 *                                                   survivor); outbox 'patient.merged'; audit 'patient.merged'
 *   patients.unmerge {mergedId, reason}              merged_into cleared; history rows ('unmerged') on both; outbox
 *                                                   'patient.unmerged'; audit 'patient.unmerged'
 *
 * Nothing of the merged record is copied or removed: it stays readable (patients.get shows `mergedInto`), it is hidden
 * from search and the duplicate check (both skip merged_into IS NOT NULL) and it cannot be edited while merged.
 * Chains are refused (A -> B -> C): a record that is merged cannot be a survivor, and a record that other records were
 * merged into cannot itself be merged away (keep it as the survivor instead, or undo those merges first).
 *
 * The sync engine applies pulled 'patient.merged' / 'patient.unmerged' ops with `applyMergeLink` / `applyMergeUnlink`
 * (same row writes, tolerant of repeats, no outbox entry of their own).
 */
import { ApiError } from '../../shared/api/errors.js';
import type { Patient } from '../../shared/domain/patient.js';
import type { DomainHandlers, HandlerContext } from '../api/types.js';
import { requireUser } from '../api/types.js';
import type { CommandTx } from '../store/store.js';
import { patientRow, toPatient, type PatientRow } from './repo.js';

/** Outbox payloads (the hub validates the same shapes: shared/sync/protocol.ts). */
export interface PatientMergedPayload {
  survivorId: string;
  mergedId: string;
  reason: string;
}
export interface PatientUnmergedPayload {
  mergedId: string;
  /** the record it was merged into on this desk (the hub refuses to undo a different merge) */
  survivorId?: string;
  reason: string;
}

/** "MRN 10000017 (Gonzalez, Maria)": how a history row names the other record. */
function recordLabel(r: PatientRow): string {
  return `MRN ${r.mrn} (${r.family}, ${r.given})`;
}

function mustExist(row: PatientRow | undefined, which: string): PatientRow {
  if (!row) throw new ApiError('NOT_FOUND', `The ${which} record does not exist on this desk. Nothing was changed.`);
  return row;
}

/** The records linked to `id` as their survivor. */
function mergedIntoOf(tx: CommandTx, id: string): PatientRow[] {
  return tx.db.prepare<[string], PatientRow>('SELECT * FROM patients WHERE merged_into = ? ORDER BY mrn').all(id);
}

/** Bumps a record's version with a history row that keeps its document unchanged. */
function writeLinkVersion(tx: CommandTx, row: PatientRow, action: 'merged-into' | 'merged' | 'unmerged', change: { field: string; before: string; after: string }, mergedInto: string | null | undefined): void {
  const version = row.version + 1;
  const r =
    mergedInto === undefined
      ? tx.db.prepare('UPDATE patients SET version = ?, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?').run(version, tx.now, tx.actor.userId, row.id, row.version)
      : tx.db
          .prepare('UPDATE patients SET merged_into = ?, version = ?, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?')
          .run(mergedInto, version, tx.now, tx.actor.userId, row.id, row.version);
  if (r.changes !== 1) throw new Error('patient version moved inside the transaction');
  tx.db
    .prepare('INSERT INTO patient_versions (patient_id, version, action, doc, changes, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(row.id, version, action, row.doc, JSON.stringify([change]), tx.now, tx.actor.userId);
}

/** The row writes of a merge (no checks beyond existence; no outbox, no audit). */
function link(tx: CommandTx, survivor: PatientRow, merged: PatientRow): void {
  writeLinkVersion(tx, merged, 'merged-into', { field: 'mergedInto', before: '', after: recordLabel(survivor) }, survivor.id);
  writeLinkVersion(tx, survivor, 'merged', { field: 'mergedRecord', before: '', after: recordLabel(merged) }, undefined);
}

/** The row writes of an undo (no outbox, no audit). `survivor` may be missing on a desk that never held it. */
function unlink(tx: CommandTx, merged: PatientRow, survivor: PatientRow | undefined): void {
  const label = survivor ? recordLabel(survivor) : (merged.merged_into ?? '');
  writeLinkVersion(tx, merged, 'unmerged', { field: 'mergedInto', before: label, after: '' }, null);
  if (survivor) writeLinkVersion(tx, survivor, 'unmerged', { field: 'mergedRecord', before: recordLabel(merged), after: '' }, undefined);
}

/** Why a merge of these two records must be refused (null = allowed). Same rules for a clerk's merge and the hub's. */
export function mergeRefusal(tx: CommandTx, survivor: PatientRow, merged: PatientRow): ApiError | null {
  if (merged.merged_into === survivor.id) return new ApiError('CONFLICT', `MRN ${merged.mrn} is already merged into MRN ${survivor.mrn}. Nothing was changed.`);
  if (merged.merged_into) {
    const other = patientRow(tx.db, merged.merged_into);
    return new ApiError('CONFLICT', `MRN ${merged.mrn} is already merged into ${other ? `MRN ${other.mrn}` : 'another record'}. Undo that merge first. Nothing was changed.`);
  }
  if (survivor.merged_into) {
    const other = patientRow(tx.db, survivor.merged_into);
    return new ApiError(
      'CONFLICT',
      `The record to keep (MRN ${survivor.mrn}) was itself merged into ${other ? `MRN ${other.mrn}` : 'another record'}. Merge into that record instead. Nothing was changed.`,
    );
  }
  const linked = mergedIntoOf(tx, merged.id);
  if (linked.length > 0) {
    return new ApiError(
      'CONFLICT',
      `Other records (${linked
        .slice(0, 3)
        .map((r) => `MRN ${r.mrn}`)
        .join(', ')}${linked.length > 3 ? ', …' : ''}) were merged into MRN ${merged.mrn}. Keep MRN ${merged.mrn} as the surviving record instead, or undo those merges first. Nothing was changed.`,
    );
  }
  return null;
}

/** Merges as `actor` in one command. Throws ApiError (nothing written) when the merge is not allowed. */
export function mergePatients(ctx: HandlerContext, input: PatientMergedPayload): { survivor: Patient; merged: Patient } {
  const user = requireUser(ctx);
  if (input.survivorId === input.mergedId) {
    throw new ApiError('VALIDATION', 'A record cannot be merged into itself. Choose the other record. Nothing was changed.', {
      fields: { mergedId: 'Choose a different record from the one to keep' },
    });
  }
  const res = ctx.store.command(user, (tx) => {
    const survivor = mustExist(patientRow(tx.db, input.survivorId), 'surviving');
    const merged = mustExist(patientRow(tx.db, input.mergedId), 'duplicate');
    const refusal = mergeRefusal(tx, survivor, merged);
    if (refusal) throw refusal;
    link(tx, survivor, merged);
    const payload: PatientMergedPayload = { survivorId: survivor.id, mergedId: merged.id, reason: input.reason };
    tx.outbox({ kind: 'patient.merged', entityId: merged.id, payload });
    tx.audit({ action: 'patient.merged', entityType: 'patient', entityId: merged.id, detail: { survivorId: survivor.id, mergedId: merged.id, reason: input.reason } });
    return { survivor: patientRow(tx.db, survivor.id)!, merged: patientRow(tx.db, merged.id)! };
  });
  ctx.emit('patients.changed', { id: res.merged.id, version: res.merged.version });
  ctx.emit('patients.changed', { id: res.survivor.id, version: res.survivor.version });
  return { survivor: toPatient(res.survivor), merged: toPatient(res.merged) };
}

/** Undoes a merge as `actor` in one command. */
export function unmergePatient(ctx: HandlerContext, input: PatientUnmergedPayload): { patient: Patient; survivorId: string } {
  const user = requireUser(ctx);
  const res = ctx.store.command(user, (tx) => {
    const merged = mustExist(patientRow(tx.db, input.mergedId), 'merged');
    if (!merged.merged_into) throw new ApiError('CONFLICT', `MRN ${merged.mrn} is not merged into another record; there is nothing to undo. Nothing was changed.`);
    const survivorId = merged.merged_into;
    const survivor = patientRow(tx.db, survivorId);
    unlink(tx, merged, survivor);
    const payload: PatientUnmergedPayload = { mergedId: merged.id, survivorId, reason: input.reason };
    tx.outbox({ kind: 'patient.unmerged', entityId: merged.id, payload });
    tx.audit({ action: 'patient.unmerged', entityType: 'patient', entityId: merged.id, detail: { mergedId: merged.id, survivorId, reason: input.reason } });
    return { merged: patientRow(tx.db, merged.id)!, survivor: survivor ? patientRow(tx.db, survivorId)! : undefined };
  });
  ctx.emit('patients.changed', { id: res.merged.id, version: res.merged.version });
  if (res.survivor) ctx.emit('patients.changed', { id: res.survivor.id, version: res.survivor.version });
  return { patient: toPatient(res.merged), survivorId: res.survivor?.id ?? '' };
}

/**
 * For the sync engine, inside its pull transaction: applies another desk's 'patient.merged'. Returns what happened.
 * Tolerant where a clerk's merge is strict: a repeat is a no-op; a record this desk does not hold (yet) is skipped.
 * A state this desk cannot link without a chain is left unlinked and reported (the hub refuses those, so a pulled
 * op normally never hits it).
 */
export function applyMergeLink(tx: CommandTx, p: PatientMergedPayload): 'linked' | 'already' | 'missing' | 'refused' {
  const survivor = patientRow(tx.db, p.survivorId);
  const merged = patientRow(tx.db, p.mergedId);
  if (!survivor || !merged || p.survivorId === p.mergedId) return 'missing';
  if (merged.merged_into === survivor.id) return 'already';
  if (mergeRefusal(tx, survivor, merged)) return 'refused';
  link(tx, survivor, merged);
  return 'linked';
}

/** For the sync engine: applies another desk's 'patient.unmerged' (a repeat or an unknown record is a no-op). */
export function applyMergeUnlink(tx: CommandTx, p: PatientUnmergedPayload): 'unlinked' | 'already' | 'missing' {
  const merged = patientRow(tx.db, p.mergedId);
  if (!merged) return 'missing';
  if (!merged.merged_into) return 'already';
  // the undo of another link than the one this desk holds: this desk's link is its own later merge (the hub takes it
  // after this undo, or refuses it and publishes its links): not the merge that was undone
  if (p.survivorId && merged.merged_into !== p.survivorId) return 'already';
  unlink(tx, merged, patientRow(tx.db, merged.merged_into));
  return 'unlinked';
}

/**
 * For the sync engine (electron/patients/links-sync.ts): sets a record's link to what the hub holds, whatever this
 * desk holds (the hub's 'patient.links' after it refused a merge). An existing different link is undone first (history
 * on both records), then the new one made (history on both). Returns the ids whose rows changed; [] when already so
 * or when this desk does not hold the record or its survivor.
 */
export function setLinkFromHub(tx: CommandTx, patientId: string, mergedInto: string | null): string[] {
  const row = patientRow(tx.db, patientId);
  if (!row || row.merged_into === mergedInto || patientId === mergedInto) return [];
  const target = mergedInto ? patientRow(tx.db, mergedInto) : undefined;
  if (mergedInto && !target) return [];
  const changed: string[] = [];
  if (row.merged_into) {
    const old = row.merged_into;
    unlink(tx, row, patientRow(tx.db, old));
    changed.push(row.id, old);
  }
  if (target) {
    link(tx, patientRow(tx.db, target.id)!, patientRow(tx.db, row.id)!);
    changed.push(row.id, target.id);
  }
  return [...new Set(changed)];
}

export function mergeHandlers(): DomainHandlers<'patients.merge' | 'patients.unmerge'> {
  return {
    'patients.merge': (input, ctx) => ({ survivor: mergePatients(ctx, input).survivor }),
    'patients.unmerge': (input, ctx) => ({ patient: unmergePatient(ctx, input).patient }),
  };
}
