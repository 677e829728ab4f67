/**
 * The account lockout rule, in one place: a wrong password typed at sign-in (handlers.ts 'session.signIn') and a
 * wrong password typed for a supervisor's on-the-spot approval (electron/payments/approval.ts) count alike toward
 * that user's lockout, so the approval fields cannot be used to guess a password the sign-in would lock out.
 */
import type { Clock, CommandTx } from '../store/store.js';

export interface LockoutPolicy {
  /** failed passwords in a row that lock the account */
  lockoutThreshold: number;
  /** how long a locked account stays locked */
  lockoutMinutes: number;
}

/** Whether the account is locked now (a lock whose time has run out is not). */
export function isLockedOut<T extends { locked_until: string | null }>(row: T, nowIso: string): row is T & { locked_until: string } {
  return row.locked_until !== null && row.locked_until > nowIso;
}

/**
 * One more wrong password for this user, inside the caller's command: at the site's threshold the account is locked
 * for lockoutMinutes (the count starts again) and 'user.locked_out' is audited, else the count goes up and
 * `failedAction` is audited (detail: failedCount, then `detail`). null (nothing written) when there is no such user.
 */
export function countFailedPassword(
  tx: CommandTx,
  userId: string,
  policy: LockoutPolicy,
  clock: Clock,
  audit: { failedAction: string; detail?: Record<string, unknown> },
): { failedCount: number; locked: boolean } | null {
  const cur = tx.db.prepare<[string], { failed_count: number }>('SELECT failed_count FROM users WHERE id = ?').get(userId);
  if (!cur) return null;
  const failed = cur.failed_count + 1;
  const lock = failed >= policy.lockoutThreshold;
  const until = lock ? new Date(clock.now().getTime() + policy.lockoutMinutes * 60_000).toISOString() : null;
  tx.db.prepare('UPDATE users SET failed_count = ?, locked_until = COALESCE(?, locked_until), updated_at = ? WHERE id = ?').run(lock ? 0 : failed, until, tx.now, userId);
  tx.audit({ action: lock ? 'user.locked_out' : audit.failedAction, entityType: 'user', entityId: userId, detail: { failedCount: failed, ...audit.detail } });
  return { failedCount: failed, locked: lock };
}
