/**
 * Records saved anyway as likely duplicates (issue 12 item 12): the approval the site may require, the flag on the
 * new record, and this desk's own review items for them.
 *
 *  - `overrideApproval`: when the site setting requireDuplicateApproval is on, an override by a clerk needs a
 *    supervisor's user name and password (the payments approval: electron/payments/approval.ts verifyApprover, which
 *    audits a refusal and counts a wrong password toward that supervisor's lockout). A supervisor or administrator
 *    saving the override is their own approval.
 *  - `writeDuplicateFlags`: inside the save's command, one flag per likely match (who saved, why, who approved).
 *  - `localReviewItems` / `resolveLocalItem`: the flags as 'possible-duplicate' review items with ids "local:<flag id>",
 *    so a desk without a hub has a review queue (and a desk with one lists them beside the hub's items); closing one
 *    is a command of its own (audit 'patient.duplicate_flag_resolved').
 *
 * Storage: patient_duplicate_flags (desk migration 7, electron/patients/migrations.ts); a closed flag is kept as it was.
 * Flags are this desk's own: the hub finds likely duplicates registered at different desks by itself.
 */
import type Database from 'better-sqlite3';
import { ApiError } from '../../shared/api/errors.js';
import { roleRank } from '../../shared/api/define.js';
import { newId } from '../../shared/ids.js';
import type { DuplicateFlag, DuplicateMatch } from '../../shared/domain/patient.js';
import type { ApproverCredentials, PersonRef } from '../../shared/domain/drawer.js';
import type { ReviewItem } from '../../shared/sync/protocol.js';
import type { SignedInUser } from '../api/types.js';
import type { CommandTx, Store } from '../store/store.js';
import { verifyApprover } from '../payments/approval.js';
import { readSettings } from '../users/repo.js';
import { patientRow } from './repo.js';

export const LOCAL_ITEM_PREFIX = 'local:';

/**
 * The approval a duplicate override needs on this site: null when none is needed (the setting is off, or the user is
 * a supervisor or administrator, whose own sign-in is the approval), else the supervisor who approved. Throws
 * FORBIDDEN (fields approver.*) when the approval is missing or refused; nothing is saved then.
 */
export async function overrideApproval(store: Store, user: SignedInUser, approver: ApproverCredentials | undefined, entityId: string): Promise<PersonRef | null> {
  if (!readSettings(store.db)?.requireDuplicateApproval) return null;
  if (roleRank(user.role) >= roleRank('supervisor')) return { userId: user.userId, userName: user.userName };
  return verifyApprover(store, user, approver, { action: 'patient.duplicate_override', entityType: 'patient', entityId, amountCents: 0 });
}

/** Whether saving a likely duplicate needs a supervisor's approval for this user (shown before the clerk tries). */
export function approvalRequiredFor(store: Store, user: SignedInUser): boolean {
  return Boolean(readSettings(store.db)?.requireDuplicateApproval) && roleRank(user.role) < roleRank('supervisor');
}

/** One flag per likely match of a record saved anyway, in the save's own command. */
export function writeDuplicateFlags(tx: CommandTx, patientId: string, likely: DuplicateMatch[], reason: string, approvedBy: PersonRef | null): void {
  const put = tx.db.prepare(
    `INSERT INTO patient_duplicate_flags (id, patient_id, match_id, score, reasons, reason, saved_by_id, saved_by_name, approved_by_id, approved_by_name, created_at, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
  );
  for (const m of likely) {
    const id = newId();
    put.run(id, patientId, m.patient.id, m.score, JSON.stringify(m.reasons), reason, tx.actor.userId, tx.actor.userName, approvedBy?.userId ?? null, approvedBy?.userName ?? null, tx.now);
    tx.audit({
      action: 'patient.duplicate_flagged',
      entityType: 'patient',
      entityId: patientId,
      detail: { flagId: id, matchId: m.patient.id, score: m.score, approvedBy: approvedBy?.userId ?? null },
    });
  }
}

type StoredFlag = Omit<DuplicateFlag, 'matchMrn' | 'patientMrn'>;

interface FlagRow {
  id: string;
  patient_id: string;
  match_id: string;
  score: number;
  reasons: string;
  reason: string;
  saved_by_id: string;
  saved_by_name: string;
  approved_by_id: string | null;
  approved_by_name: string | null;
  created_at: string;
  status: 'open' | 'resolved';
  resolution: 'merged' | 'not-duplicate' | null;
  resolution_note: string | null;
  resolved_at: string | null;
  resolved_by_id: string | null;
  resolved_by_name: string | null;
}

function toFlag(r: FlagRow): StoredFlag {
  return {
    id: r.id,
    patientId: r.patient_id,
    matchId: r.match_id,
    score: r.score,
    reasons: JSON.parse(r.reasons) as string[],
    reason: r.reason,
    savedBy: { userId: r.saved_by_id, userName: r.saved_by_name },
    approvedBy: r.approved_by_id !== null ? { userId: r.approved_by_id, userName: r.approved_by_name ?? '' } : null,
    createdAt: r.created_at,
    status: r.status,
    resolution:
      r.resolution !== null
        ? { resolution: r.resolution, note: r.resolution_note ?? '', resolvedAt: r.resolved_at ?? '', userId: r.resolved_by_id ?? '', userName: r.resolved_by_name ?? '' }
        : null,
  };
}

function withMrns(db: Database.Database, f: StoredFlag): DuplicateFlag {
  return { ...f, patientMrn: patientRow(db, f.patientId)?.mrn ?? '', matchMrn: patientRow(db, f.matchId)?.mrn ?? '' };
}

/** The flags that involve this record (either side), newest first. */
export function flagsOf(db: Database.Database, patientId: string): DuplicateFlag[] {
  return db
    .prepare<[string, string], FlagRow>('SELECT * FROM patient_duplicate_flags WHERE patient_id = ? OR match_id = ? ORDER BY created_at DESC, id DESC')
    .all(patientId, patientId)
    .map((r) => withMrns(db, toFlag(r)));
}

/** This desk's flags as review items ('possible-duplicate', id "local:<flag id>"). */
export function localReviewItems(db: Database.Database, status: 'open' | 'all', deskLabel: string): ReviewItem[] {
  return db
    .prepare<[string], FlagRow>("SELECT * FROM patient_duplicate_flags WHERE ? = 'all' OR status = 'open' ORDER BY created_at, id")
    .all(status)
    .map(toFlag)
    .map((f) => ({
      type: 'possible-duplicate' as const,
      id: LOCAL_ITEM_PREFIX + f.id,
      status: f.status,
      createdAt: f.createdAt,
      resolution: f.resolution
        ? { resolution: f.resolution.resolution, note: f.resolution.note, resolvedAt: f.resolution.resolvedAt, deskId: '', deskLabel, userId: f.resolution.userId, userName: f.resolution.userName }
        : null,
      patientIds: [f.matchId, f.patientId] as [string, string],
      score: f.score,
      reasons: f.reasons,
      savedAnyway: { reason: f.reason, savedBy: f.savedBy.userName, approvedBy: f.approvedBy?.userName ?? null, deskLabel },
    }));
}

/**
 * Closes one of this desk's items: merged (the two records must be merged, either way round) or not-duplicate.
 * One command: the flag row and the audit entry.
 */
export function resolveLocalItem(store: Store, user: SignedInUser, itemId: string, resolution: string, note: string): void {
  if (resolution !== 'merged' && resolution !== 'not-duplicate') {
    throw new ApiError('VALIDATION', 'A likely duplicate is closed as merged or as not the same person.', { fields: { resolution: 'Merged or not the same person' } });
  }
  const flagId = itemId.slice(LOCAL_ITEM_PREFIX.length);
  store.command(user, (tx) => {
    const row = tx.db.prepare<[string], FlagRow>('SELECT * FROM patient_duplicate_flags WHERE id = ?').get(flagId);
    if (!row) throw new ApiError('NOT_FOUND', 'This review item does not exist on this desk.');
    const f = toFlag(row);
    if (f.status !== 'open') throw new ApiError('CONFLICT', 'This review item is already closed.');
    if (resolution === 'merged') {
      const a = patientRow(tx.db, f.patientId);
      const b = patientRow(tx.db, f.matchId);
      if (!a || !b || (a.merged_into !== b.id && b.merged_into !== a.id)) {
        throw new ApiError('CONFLICT', 'These two records are not merged yet. Merge them first (M), then the item closes. Nothing was changed.');
      }
    }
    tx.db
      .prepare(
        `UPDATE patient_duplicate_flags SET status = 'resolved', resolution = ?, resolution_note = ?, resolved_at = ?, resolved_by_id = ?, resolved_by_name = ?
         WHERE id = ?`,
      )
      .run(resolution, note, tx.now, user.userId, user.userName, f.id);
    tx.audit({ action: 'patient.duplicate_flag_resolved', entityType: 'patient', entityId: f.patientId, detail: { flagId: f.id, matchId: f.matchId, resolution, note } });
  });
}
