import type { DomainHandlers } from '../api/types.js';
import { requireUser } from '../api/types.js';
import { verifyAuditChain } from './chain.js';

interface AuditRow {
  seq: number;
  id: string;
  at: string;
  user_id: string;
  user_name: string;
  action: string;
  entity_type: string;
  entity_id: string;
  detail: string;
  hash: string;
}

export function auditHandlers(): DomainHandlers<'audit.list' | 'audit.verify'> {
  return {
    'audit.list': (input, ctx) => {
      const rows = ctx.store.db
        .prepare<[number, string, string, number], AuditRow>(
          `SELECT seq, id, at, user_id, user_name, action, entity_type, entity_id, detail, hash FROM audit_log
           WHERE seq < ? AND (? = '' OR action LIKE ? || '%') ORDER BY seq DESC LIMIT ?`,
        )
        .all(input.beforeSeq ?? Number.MAX_SAFE_INTEGER, input.action, input.action, input.limit);
      return {
        entries: rows.map((r) => ({
          seq: r.seq,
          id: r.id,
          at: r.at,
          userId: r.user_id,
          userName: r.user_name,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          detail: r.detail,
          hash: r.hash,
        })),
      };
    },
    'audit.verify': (_i, ctx) => {
      const user = requireUser(ctx);
      const res = verifyAuditChain(ctx.store.db);
      ctx.store.audit(user, { action: 'audit.verified', entityType: 'audit', entityId: 'chain', detail: { ok: res.ok, count: res.count } });
      return { ...res, checkedAt: ctx.store.clock.now().toISOString() };
    },
  };
}
