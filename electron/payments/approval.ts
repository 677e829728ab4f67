/**
 * A supervisor's approval typed on the spot (void/refund above the limit, variance sign-off). The password is checked
 * with the users domain's argon2 verify and then forgotten: never stored, never logged, never in an audit detail.
 * A failed approval is audited (who asked, for what, which user name was tried) and refused.
 */
import { ApiError } from '../../shared/api/errors.js';
import { roleRank } from '../../shared/api/define.js';
import type { ApproverCredentials, PersonRef } from '../../shared/domain/drawer.js';
import type { Store } from '../store/store.js';
import type { SignedInUser } from '../api/types.js';
import { readSettings, userByName } from '../users/repo.js';
import { SYSTEM_ACTOR } from '../store/store.js';
import { dummyHash, verifyPassword } from '../users/passwords.js';
import { countFailedPassword, isLockedOut } from '../users/lockout.js';

export interface ApprovalRequest {
  action: string; // 'payment.void' | 'payment.refund' | 'drawer.variance_sign_off'
  entityType: string;
  entityId: string;
  amountCents: number;
}

/**
 * Verifies the approver; on failure audits 'approval.refused' and throws FORBIDDEN.
 *
 * A wrong password typed for a supervisor counts toward THAT supervisor's account lockout exactly like a failed
 * sign-in (electron/users/handlers.ts 'session.signIn': failed_count + 1; at the site's lockout threshold the account
 * is locked for lockoutMinutes and 'user.locked_out' is audited), so the approval fields cannot be used to guess a
 * supervisor's password. A locked account is refused before its password is even checked; a good approval resets
 * the count, as a good sign-in does.
 */
export async function verifyApprover(store: Store, requester: SignedInUser, creds: ApproverCredentials | undefined, req: ApprovalRequest): Promise<PersonRef> {
  const refuse = (why: string, message: string): never => {
    store.audit(requester, {
      action: 'approval.refused',
      entityType: req.entityType,
      entityId: req.entityId,
      detail: { for: req.action, amountCents: req.amountCents, why, approverUsername: creds?.username ?? null },
    });
    throw new ApiError('FORBIDDEN', message, { fields: why === 'missing' ? { 'approver.username': 'A supervisor must approve this' } : { 'approver.password': message } });
  };
  if (!creds) return refuse('missing', 'This needs a supervisor’s approval: the supervisor enters their user name and password.');
  const row = userByName(store.db, creds.username);
  const nowIso = store.clock.now().toISOString();
  if (row && row.active === 1 && isLockedOut(row, nowIso)) {
    await verifyPassword(await dummyHash(), creds.password); // same time as a real check: no hint that it is locked
    return refuse('locked', 'That supervisor account is locked after too many failed attempts. Nothing was saved.');
  }
  const ok = await verifyPassword(row?.password_hash ?? (await dummyHash()), creds.password);
  if (!row) return refuse('bad-credentials', 'The supervisor’s user name or password is not right. Nothing was saved.');
  if (!ok) {
    const locked = row.active === 1 && countFailure(store, row.id);
    return refuse(locked ? 'bad-credentials-locked' : 'bad-credentials', locked ? 'The supervisor’s password is not right, and that account is now locked after too many failed attempts. Nothing was saved.' : 'The supervisor’s user name or password is not right. Nothing was saved.');
  }
  if (row.active !== 1) return refuse('inactive', 'That supervisor account is inactive or locked. Nothing was saved.');
  if (roleRank(row.role) < roleRank('supervisor')) return refuse('not-supervisor', 'Only a supervisor or administrator can approve this. Nothing was saved.');
  if (row.id === requester.userId) return refuse('self', 'Another person must approve: a supervisor cannot approve their own request. Nothing was saved.');
  if (row.failed_count > 0) {
    store.command(SYSTEM_ACTOR, (tx) => {
      tx.db.prepare('UPDATE users SET failed_count = 0, updated_at = ? WHERE id = ?').run(tx.now, row.id);
      tx.audit({ action: 'user.failed_count_reset', entityType: 'user', entityId: row.id, detail: { via: 'approval', for: req.action } });
    });
  }
  return { userId: row.id, userName: row.display_name };
}

/** One failed password for this user, counted by the users domain's lockout rule (as a failed sign-in); true when the account is now locked. */
function countFailure(store: Store, userId: string): boolean {
  const site = readSettings(store.db);
  if (!site) return false;
  return store.command(SYSTEM_ACTOR, (tx) => countFailedPassword(tx, userId, site, store.clock, { failedAction: 'approval.password_failed', detail: { via: 'approval' } })?.locked ?? false);
}
