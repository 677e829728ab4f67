/**
 * Hub side of the payments and drawer domains. Validates every op before storing it and refuses a permanently
 * invalid one with a clear RejectOp (recorded in rejected_ops, shown on the desk; the queue moves on):
 *   - payload shape and amounts (the shared zod schemas; integer cents), and the card-number guard on every string;
 *   - ownership: a session belongs to the desk that opened it; any other desk's op touching it is refused;
 *   - state: payments and movements only into an open session; a session closes once; a void in its original's
 *     session; a refund of a known payment; a sign-off only after the close.
 * PostgreSQL triggers (migrations.ts) enforce the same immutability underneath.
 */
import type { HubDomainApplier } from '../domain-kinds.js';
import type { Queryable } from '../db.js';
import type { SyncOp } from '../../shared/sync/protocol.js';
import { RejectOp } from '../errors.js';
import { findCardNumber } from '../../shared/payments/card-guard.js';
import { PAYMENT_OP_KINDS, PAYMENT_SETTINGS_ENTITY, isPaymentOpKind, payloadSchemaFor, sessionIdOf, type DrawerOpenedPayload } from '../../shared/payments/sync.js';
import type { DrawerClose, DrawerMovement, VarianceSignOff } from '../../shared/domain/drawer.js';
import type { Payment } from '../../shared/domain/payment.js';
import { reconcile, sessionTotals } from '../../shared/drawer/expected.js';

interface SessionRow {
  id: string;
  desk_id: string;
  desk_label: string;
  status: 'open' | 'closed';
  float_cents: string | number;
}

function issues(e: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return e.issues
    .slice(0, 4)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

async function session(tx: Queryable, id: string): Promise<SessionRow | undefined> {
  return (await tx.query<SessionRow>('SELECT id, desk_id, desk_label, status, float_cents FROM pay_sessions WHERE id = $1', [id])).rows[0];
}

async function apply(tx: Queryable, op: SyncOp, now: string): Promise<void> {
  if (!isPaymentOpKind(op.kind)) throw new RejectOp('unknown-kind', `The hub does not know ops of kind "${op.kind}"`);
  const parsed = payloadSchemaFor(op.kind).safeParse(op.payload);
  if (!parsed.success) throw new RejectOp('invalid-payload', `${op.kind}: ${issues(parsed.error)}`);
  const cardAt = findCardNumber(op.payload);
  if (cardAt) throw new RejectOp('invalid-payload', `${op.kind}: ${cardAt} looks like a full card number; card numbers are never accepted`);
  if (op.kind === 'payments.settings_configured') {
    // site-wide, latest by HLC on every desk; the hub validates and passes it on (nothing here reads it)
    if (op.entityId !== PAYMENT_SETTINGS_ENTITY) throw new RejectOp('entity-mismatch', `payments.settings_configured must have entityId "${PAYMENT_SETTINGS_ENTITY}"`);
    return;
  }
  const sessionId = sessionIdOf(op.kind, parsed.data);

  if (op.kind === 'drawer.opened') {
    const s = (parsed.data as DrawerOpenedPayload).session;
    if (s.id !== op.entityId) throw new RejectOp('entity-mismatch', 'drawer.opened: the entity id is not the session id');
    if (s.deskId !== op.deskId) throw new RejectOp('foreign-entity', `drawer.opened: a desk can only open its own drawer (session names desk ${s.deskId})`);
    if (await session(tx, s.id)) throw new RejectOp('data-error', 'drawer.opened: this session already exists');
    const open = (await tx.query<{ id: string }>("SELECT id FROM pay_sessions WHERE desk_id = $1 AND status = 'open'", [op.deskId])).rows[0];
    if (open) throw new RejectOp('data-error', `drawer.opened: this desk already has an open drawer session (${open.id}); one open session per drawer`);
    await tx.query('INSERT INTO pay_sessions (id, desk_id, desk_label, business_date, status, float_cents, open_doc, open_op_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      s.id,
      s.deskId,
      s.deskLabel,
      s.businessDate,
      'open',
      s.floatCents,
      JSON.stringify(s),
      op.opId,
    ]);
    return;
  }

  if (sessionId !== op.entityId && !op.kind.startsWith('payment.')) throw new RejectOp('entity-mismatch', `${op.kind}: the entity id is not the session id`);
  const s = await session(tx, sessionId);
  if (!s) throw new RejectOp('unknown-entity', `${op.kind}: the hub does not know drawer session ${sessionId}`);
  if (s.desk_id !== op.deskId) throw new RejectOp('foreign-entity', `${op.kind}: drawer session ${sessionId} belongs to ${s.desk_label}; only that desk writes to it`);

  switch (op.kind) {
    case 'drawer.paid_in':
    case 'drawer.paid_out': {
      const m = (parsed.data as { movement: DrawerMovement }).movement;
      if (`drawer.${m.kind}` !== op.kind) throw new RejectOp('invalid-payload', `${op.kind}: the movement is a ${m.kind}`);
      if (s.status !== 'open') throw new RejectOp('data-error', `${op.kind}: drawer session ${s.id} is closed; a closed session cannot change`);
      if ((await tx.query('SELECT 1 FROM pay_movements WHERE id = $1', [m.id])).rows.length) throw new RejectOp('data-error', `${op.kind}: movement ${m.id} exists already`);
      await tx.query('INSERT INTO pay_movements (id, session_id, kind, amount_cents, doc, op_id) VALUES ($1, $2, $3, $4, $5, $6)', [m.id, s.id, m.kind, m.amountCents, JSON.stringify(m), op.opId]);
      return;
    }
    case 'drawer.closed': {
      const close = (parsed.data as { close: DrawerClose }).close;
      if (s.status !== 'open') throw new RejectOp('data-error', `drawer.closed: drawer session ${s.id} is already closed; a closed session cannot change`);
      // Reconcile at the hub: the close's expected cash must be what the hub computes from the rows it holds.
      const pays = (await tx.query<{ kind: Payment['kind']; method: Payment['method']; amount_cents: string | number; tendered_cents: string | number; change_cents: string | number }>(
        'SELECT kind, method, amount_cents, tendered_cents, change_cents FROM pay_payments WHERE session_id = $1',
        [s.id],
      )).rows.map((r) => ({ kind: r.kind, method: r.method, amountCents: Number(r.amount_cents), tenderedCents: Number(r.tendered_cents), changeCents: Number(r.change_cents) }));
      const mvs = (await tx.query<{ kind: 'paid_in' | 'paid_out'; amount_cents: string | number }>('SELECT kind, amount_cents FROM pay_movements WHERE session_id = $1', [s.id])).rows.map((r) => ({ kind: r.kind, amountCents: Number(r.amount_cents) }));
      const totals = sessionTotals(Number(s.float_cents), pays, mvs);
      if (totals.expectedCashCents !== close.expectedCashCents) {
        throw new RejectOp('data-error', `drawer.closed: expected cash ${close.expectedCashCents} does not match the hub's ${totals.expectedCashCents} for the session's rows`);
      }
      const rec = reconcile(totals, { cashCents: close.countedCashCents, checksCents: close.countedChecksCents, cardCents: close.countedCardCents, otherCents: close.countedOtherCents }, close.toleranceCents);
      if (rec.needsSignOff !== close.needsSignOff) throw new RejectOp('data-error', 'drawer.closed: the variance sign-off flag does not match the counts');
      await tx.query("UPDATE pay_sessions SET status = 'closed', close_doc = $2, close_op_id = $3, closed_offline = $4, reconciled_at = $5 WHERE id = $1", [s.id, JSON.stringify(close), op.opId, close.closedOffline, now]);
      return;
    }
    case 'drawer.variance_signed_off': {
      const o = (parsed.data as { signOff: VarianceSignOff }).signOff;
      if (s.status !== 'closed') throw new RejectOp('data-error', 'drawer.variance_signed_off: the session is not closed');
      if ((await tx.query('SELECT 1 FROM pay_signoffs WHERE session_id = $1', [s.id])).rows.length) throw new RejectOp('data-error', 'drawer.variance_signed_off: already signed off');
      if (o.approvedBy.userId === o.requestedBy.userId) throw new RejectOp('data-error', 'drawer.variance_signed_off: the approver must be another person');
      await tx.query('INSERT INTO pay_signoffs (session_id, doc, op_id) VALUES ($1, $2, $3)', [s.id, JSON.stringify(o), op.opId]);
      return;
    }
    default: {
      const p = (parsed.data as { payment: Payment }).payment;
      if (p.id !== op.entityId) throw new RejectOp('entity-mismatch', `${op.kind}: the entity id is not the payment id`);
      if (p.deskId !== op.deskId) throw new RejectOp('foreign-entity', `${op.kind}: the payment names another desk`);
      const wantKind = op.kind === 'payment.recorded' ? 'payment' : op.kind === 'payment.voided' ? 'void' : 'refund';
      if (p.kind !== wantKind) throw new RejectOp('invalid-payload', `${op.kind}: the row is a ${p.kind}`);
      if (s.status !== 'open') throw new RejectOp('data-error', `${op.kind}: drawer session ${s.id} is closed; a closed session cannot change`);
      if (p.kind === 'payment') {
        if (p.amountCents <= 0 || p.reversesId !== null) throw new RejectOp('invalid-payload', 'payment.recorded: a payment has a positive amount and reverses nothing');
        if (p.method === 'cash' && p.tenderedCents - p.changeCents !== p.amountCents) throw new RejectOp('invalid-payload', 'payment.recorded: tendered minus change is not the amount');
        if (p.method !== 'cash' && (p.tenderedCents !== 0 || p.changeCents !== 0)) throw new RejectOp('invalid-payload', 'payment.recorded: tendered and change are for cash only');
        if (p.method === 'check' && !p.check?.number) throw new RejectOp('invalid-payload', 'payment.recorded: a check payment needs the check number');
        if (p.method === 'card' && (!p.card || !/^\d{4}$/.test(p.card.lastFour))) throw new RejectOp('invalid-payload', 'payment.recorded: a card payment needs brand, last four and auth code');
      } else {
        if (p.amountCents >= 0 || !p.reversesId) throw new RejectOp('invalid-payload', `${op.kind}: a reversing row has a negative amount and names the original`);
        if (p.tenderedCents !== 0 || p.changeCents !== 0) throw new RejectOp('invalid-payload', `${op.kind}: no tender on a reversing row`);
        const orig = (await tx.query<{ session_id: string; kind: string; amount_cents: string | number }>('SELECT session_id, kind, amount_cents FROM pay_payments WHERE id = $1', [p.reversesId])).rows[0];
        if (!orig) throw new RejectOp('unknown-entity', `${op.kind}: the hub does not know payment ${p.reversesId}`);
        if (orig.kind !== 'payment') throw new RejectOp('data-error', `${op.kind}: only a payment can be reversed`);
        if (p.kind === 'void' && orig.session_id !== s.id) throw new RejectOp('data-error', 'payment.voided: a void belongs to the session of the payment it voids');
        if (-p.amountCents > Number(orig.amount_cents)) throw new RejectOp('data-error', `${op.kind}: more than the original payment`);
        // across desks: the voids and refunds of one payment never add up to more than it (a second desk refunding the
        // same payment offline is refused here and shows on that desk as a rejected change, for a supervisor to settle)
        const before = Number((await tx.query<{ s: string | number | null }>('SELECT COALESCE(SUM(amount_cents), 0) AS s FROM pay_payments WHERE reverses_id = $1', [p.reversesId])).rows[0]?.s ?? 0);
        if (Number(orig.amount_cents) + before + p.amountCents < 0) {
          throw new RejectOp('data-error', `${op.kind}: with the ${((-before) / 100).toFixed(2)} already voided/refunded, this would return more than payment ${p.reversesId} (${(Number(orig.amount_cents) / 100).toFixed(2)})`);
        }
      }
      if ((await tx.query('SELECT 1 FROM pay_payments WHERE id = $1', [p.id])).rows.length) throw new RejectOp('data-error', `${op.kind}: payment ${p.id} exists already`);
      await tx.query(
        `INSERT INTO pay_payments (id, session_id, desk_id, receipt_no, kind, type, method, amount_cents, tendered_cents, change_cents, reverses_id, business_date, doc, op_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [p.id, s.id, p.deskId, p.receiptNo, p.kind, p.type, p.method, p.amountCents, p.tenderedCents, p.changeCents, p.reversesId, p.businessDate, JSON.stringify(p), op.opId],
      );
    }
  }
}

export const paymentHubApply: HubDomainApplier = { kinds: PAYMENT_OP_KINDS, apply };
