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
import { userByName } from '../users/repo.js';
import { dummyHash, verifyPassword } from '../users/passwords.js';

export interface ApprovalRequest {
  action: string; // 'payment.void' | 'payment.refund' | 'drawer.variance_sign_off'
  entityType: string;
  entityId: string;
  amountCents: number;
}

/** Verifies the approver; on failure audits 'approval.refused' and throws FORBIDDEN. */
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
  const ok = await verifyPassword(row?.password_hash ?? (await dummyHash()), creds.password);
  const nowIso = store.clock.now().toISOString();
  if (!row || !ok) return refuse('bad-credentials', 'The supervisor’s user name or password is not right. Nothing was saved.');
  if (row.active !== 1 || (row.locked_until !== null && row.locked_until > nowIso)) return refuse('inactive', 'That supervisor account is inactive or locked. Nothing was saved.');
  if (roleRank(row.role) < roleRank('supervisor')) return refuse('not-supervisor', 'Only a supervisor or administrator can approve this. Nothing was saved.');
  if (row.id === requester.userId) return refuse('self', 'Another person must approve: a supervisor cannot approve their own request. Nothing was saved.');
  return { userId: row.id, userName: row.display_name };
}
