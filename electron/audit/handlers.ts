import { stringify } from 'csv-stringify/sync';
import type { DomainHandlers } from '../api/types.js';
import { requireUser } from '../api/types.js';
import { readSettings } from '../users/repo.js';
import { businessDate } from '../../shared/dates.js';
import { verifyAuditChain } from './chain.js';
import { AUDIT_EXPORT_MAX_ROWS, type AuditFilter } from '../../shared/api/audit.js';
import { auditDetailText } from '../../shared/audit/actions.js';
import { AuditNames, auditWhere, describeRows, siteInstantText, type AuditRow } from './query.js';

const COLUMNS = 'seq, id, at, user_id, user_name, action, entity_type, entity_id, detail, hash';

/** A spreadsheet runs a cell that starts with = + - @ (or a tab / CR) as a formula: such cells get a leading apostrophe. */
export function csvSafe(v: string | number): string | number {
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

function filterOf(input: AuditFilter): AuditFilter {
  return { action: input.action, actions: input.actions, patientId: input.patientId, userId: input.userId, from: input.from, to: input.to };
}

export function auditHandlers(): DomainHandlers<'audit.list' | 'audit.verify' | 'audit.export'> {
  return {
    'audit.list': (input, ctx) => {
      const db = ctx.store.db;
      const tz = readSettings(db)?.timeZone ?? 'UTC';
      const w = auditWhere(filterOf(input), tz);
      const rows = db
        .prepare(`SELECT ${COLUMNS} FROM audit_log WHERE seq < ? AND ${w.sql} ORDER BY seq DESC LIMIT ?`)
        .all(input.beforeSeq ?? Number.MAX_SAFE_INTEGER, ...w.params, input.limit) as AuditRow[];
      return { entries: describeRows(rows, new AuditNames(db, tz, ctx.store.deskId)) };
    },
    'audit.export': (input, ctx) => {
      const user = requireUser(ctx);
      const db = ctx.store.db;
      const tz = readSettings(db)?.timeZone ?? 'UTC';
      const filter = filterOf(input);
      const w = auditWhere(filter, tz);
      const rows = db.prepare(`SELECT ${COLUMNS} FROM audit_log WHERE ${w.sql} ORDER BY seq DESC LIMIT ?`).all(...w.params, AUDIT_EXPORT_MAX_ROWS + 1) as AuditRow[];
      const truncated = rows.length > AUDIT_EXPORT_MAX_ROWS;
      if (truncated) rows.length = AUDIT_EXPORT_MAX_ROWS;
      const entries = describeRows(rows, new AuditNames(db, tz, ctx.store.deskId));
      const table: (string | number)[][] = [['No.', `Time (${tz})`, 'User', 'Action', 'About', 'Details', 'Action code']];
      for (const e of entries) {
        table.push([e.seq, siteInstantText(e.at, tz), e.userName || 'AccessDesk', e.actionLabel, e.subject, auditDetailText(e.details), e.action].map(csvSafe));
      }
      const csv = stringify(table);
      // what was exported (the filters, the number of rows), never the rows themselves
      ctx.store.audit(user, {
        action: 'audit.exported',
        entityType: 'audit',
        entityId: 'log',
        detail: { format: 'csv', rows: entries.length, truncated, filters: Object.fromEntries(Object.entries(filter).filter(([, v]) => (Array.isArray(v) ? v.length : v))) },
      });
      return { fileName: `audit-log-${businessDate(tz, ctx.store.clock.now())}.csv`, csv, rows: entries.length, truncated };
    },
    'audit.verify': (_i, ctx) => {
      const user = requireUser(ctx);
      const res = verifyAuditChain(ctx.store.db);
      ctx.store.audit(user, { action: 'audit.verified', entityType: 'audit', entityId: 'chain', detail: { ok: res.ok, count: res.count } });
      return { ...res, checkedAt: ctx.store.clock.now().toISOString() };
    },
  };
}
