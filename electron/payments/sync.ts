/**
 * Pulled changes of the payments and drawer domains (other desks' sessions and payments; also this desk's own ops
 * that a restored copy of this desk no longer holds). Append-only, so applying is "insert if absent": idempotent, and
 * payments never conflict. A session's close arrives once and only changes an open row (the triggers refuse any
 * other change). Per desk, the latest change received is kept for the EOD report's honesty section.
 */
import type { DomainSyncApplier, Outcome } from '../sync/domain-kinds.js';
import type { RemoteTx } from '../store/store.js';
import type { Change } from '../../shared/sync/protocol.js';
import { findCardNumber } from '../../shared/payments/card-guard.js';
import { PAYMENT_OP_KINDS, PAYMENT_SETTINGS_ENTITY, isPaymentOpKind, payloadSchemaFor, sessionIdOf, type DrawerOpenedPayload, type PaymentSettingsPayload } from '../../shared/payments/sync.js';
import type { DrawerClose, DrawerMovement, VarianceSignOff } from '../../shared/domain/drawer.js';
import type { Payment } from '../../shared/domain/payment.js';
import { stmt } from '../store/stmt-cache.js';
import { writeWins } from '../../shared/sync/patient-merge.js';
import { applySyncedPaymentSettings, closeSessionRow, insertMovement, insertPayment, insertSession, insertSignOff, paymentRow, sessionRow } from './repo.js';
import { stampEntityIfWins } from '../sync/stamps.js';
import { noteOwnRemoteReceipt } from './receipt-numbers.js';
import type { DomainApplyContext } from '../sync/domain-kinds.js';

function markDesk(tx: RemoteTx, c: Change, deskLabel: string | null): void {
  const cur = stmt<[string], { last_hlc: string; desk_label: string }>(tx.db, 'SELECT last_hlc, desk_label FROM payment_sync_desks WHERE desk_id = ?').get(c.deskId);
  const label = deskLabel ?? cur?.desk_label ?? c.deskId.slice(0, 8);
  if (cur && !writeWins({ hlc: cur.last_hlc, opId: '' }, { hlc: c.hlc, opId: c.opId })) {
    if (deskLabel && deskLabel !== cur.desk_label) stmt(tx.db, 'UPDATE payment_sync_desks SET desk_label = ? WHERE desk_id = ?').run(deskLabel, c.deskId);
    return;
  }
  stmt(
    tx.db,
    `INSERT INTO payment_sync_desks (desk_id, desk_label, last_hlc, last_server_seq, received_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (desk_id) DO UPDATE SET desk_label = excluded.desk_label, last_hlc = excluded.last_hlc, last_server_seq = excluded.last_server_seq, received_at = excluded.received_at`,
  ).run(c.deskId, label, c.hlc, c.serverSeq, tx.now);
}

function applyOne(tx: RemoteTx, c: Change, ctx: DomainApplyContext, ownDeskId: string): Outcome {
  if (!isPaymentOpKind(c.kind)) return { parked: 'unknown-kind' };
  const parsed = payloadSchemaFor(c.kind).safeParse(c.payload);
  if (!parsed.success) return { parked: 'invalid-payload' };
  if (findCardNumber(parsed.data)) return { parked: 'card-data' };
  const sessionId = sessionIdOf(c.kind, parsed.data);
  const db = tx.db;
  const audit = (action: string, entityType: string, entityId: string, detail: Record<string, unknown>) => tx.audit(ctx.actor, { action, entityType, entityId, detail: { ...detail, fromDesk: c.deskId, opId: c.opId } });

  if (c.kind === 'payments.settings_configured') {
    if (c.entityId !== PAYMENT_SETTINGS_ENTITY) return { parked: 'entity-mismatch' };
    // latest by HLC; an older write changes nothing
    if (!stampEntityIfWins(db, 'payments', PAYMENT_SETTINGS_ENTITY, { hlc: c.hlc, opId: c.opId })) return 'applied';
    const s = (parsed.data as PaymentSettingsPayload).settings;
    const drawerOpen = stmt<[string], { x: number }>(db, "SELECT 1 x FROM drawer_sessions WHERE desk_id = ? AND status = 'open'").get(ownDeskId) !== undefined;
    const waiting = applySyncedPaymentSettings(db, s, tx.now, ctx.actor.userId, drawerOpen);
    audit('payments.settings_synced', 'payment_settings', '1', { denominationsWaitForClose: waiting });
    return 'applied';
  }

  if (c.kind === 'drawer.opened') {
    const s = (parsed.data as DrawerOpenedPayload).session;
    if (s.deskId !== c.deskId || s.id !== c.entityId) return { parked: 'foreign-entity' };
    const have = sessionRow(db, s.id);
    if (have) return 'applied';
    const otherOpen = stmt<[string], { id: string }>(db, "SELECT id FROM drawer_sessions WHERE desk_id = ? AND status = 'open'").get(s.deskId);
    if (otherOpen) return { parked: 'open-session-conflict' };
    insertSession(db, { ...s, status: 'open', own: s.deskId === ownDeskId, close: null, signOff: null }, s.note);
    markDesk(tx, c, s.deskLabel);
    audit('drawer.synced_opened', 'drawer_session', s.id, { floatCents: s.floatCents });
    ctx.emit('drawer.changed', { sessionId: s.id, deskId: s.deskId, status: 'open' });
    return 'applied';
  }

  const session = sessionRow(db, sessionId);
  if (!session) return { parked: 'unknown-session' };
  if (session.desk_id !== c.deskId) return { parked: 'foreign-entity' };

  switch (c.kind) {
    case 'drawer.paid_in':
    case 'drawer.paid_out': {
      const m = (parsed.data as { movement: DrawerMovement }).movement;
      if (stmt<[string], { x: number }>(db, 'SELECT 1 x FROM drawer_movements WHERE id = ?').get(m.id)) return 'applied';
      if (session.status !== 'open') return { parked: 'session-closed' };
      insertMovement(db, m);
      audit(`drawer.synced_${m.kind}`, 'drawer_session', session.id, { amountCents: m.amountCents });
      break;
    }
    case 'drawer.closed': {
      const close = (parsed.data as { close: DrawerClose }).close;
      if (session.status === 'closed') return 'applied';
      closeSessionRow(db, session.id, close);
      audit('drawer.synced_closed', 'drawer_session', session.id, { countedCashCents: close.countedCashCents, closedOffline: close.closedOffline });
      break;
    }
    case 'drawer.variance_signed_off': {
      const o = (parsed.data as { signOff: VarianceSignOff }).signOff;
      if (stmt<[string], { x: number }>(db, 'SELECT 1 x FROM drawer_signoffs WHERE session_id = ?').get(session.id)) return 'applied';
      if (session.status !== 'closed') return { parked: 'session-open' };
      insertSignOff(db, o);
      audit('drawer.synced_variance_signed_off', 'drawer_session', session.id, { approvedBy: o.approvedBy.userId });
      break;
    }
    default: {
      const p = (parsed.data as { payment: Payment }).payment;
      if (p.id !== c.entityId || p.deskId !== c.deskId) return { parked: 'foreign-entity' };
      if (paymentRow(db, p.id)) return 'applied';
      if (session.status !== 'open') return { parked: 'session-closed' };
      if (p.reversesId && !paymentRow(db, p.reversesId)) return { parked: 'unknown-original' };
      if (p.kind === 'void' && paymentRow(db, p.reversesId!)?.session_id !== p.sessionId) return { parked: 'invalid-payload' };
      insertPayment(db, p);
      // A restored copy of this desk gets back what its original issued: never reuse those receipt numbers.
      if (c.deskId === ownDeskId) noteOwnRemoteReceipt(db, p.receiptNo);
      audit(c.kind === 'payment.recorded' ? 'payment.synced' : c.kind === 'payment.voided' ? 'payment.synced_void' : 'payment.synced_refund', 'payment', p.id, { receiptNo: p.receiptNo, amountCents: p.amountCents });
      ctx.emit('payments.changed', { paymentId: p.id, sessionId: p.sessionId });
    }
  }
  markDesk(tx, c, session.desk_label);
  ctx.emit('drawer.changed', { sessionId: session.id, deskId: session.desk_id, status: c.kind === 'drawer.closed' ? 'closed' : session.status });
  return 'applied';
}

export const paymentSync: DomainSyncApplier = {
  kinds: PAYMENT_OP_KINDS,
  /** this desk's own settings writes are stamped, so an older write from another desk never replaces them */
  stampLocal: (db, row) => {
    if (row.kind === 'payments.settings_configured') stampEntityIfWins(db, 'payments', PAYMENT_SETTINGS_ENTITY, { hlc: row.hlc, opId: row.op_id });
  },
  apply: (tx, c, ctx) => {
    const own = stmt<[], { value: string }>(tx.db, "SELECT value FROM meta WHERE key = 'desk_id'").get()?.value ?? '';
    try {
      return applyOne(tx, c, ctx, own);
    } catch (e) {
      // a trigger or constraint refused the row: never fail the page (the hub checks the same rules)
      const code = (e as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_CONSTRAINT')) return { parked: 'refused-by-store' };
      throw e;
    }
  },
};
