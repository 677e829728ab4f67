/**
 * Handlers of the payments and drawer domains (shared/api/payments.ts). Every state change is ONE Store.command:
 * domain rows + outbox op (shared/payments/sync.ts kinds) + audit entry, or nothing. The database triggers
 * (migrations.ts) refuse anything that would change a payment or a closed session even if this code were wrong.
 */
import type { DomainHandlers, HandlerContext, SignedInUser } from '../api/types.js';
import { requireUser } from '../api/types.js';
import type { MethodName } from '../../shared/api/contract.js';
import type { paymentMethods } from '../../shared/api/payments.js';
import { ApiError } from '../../shared/api/errors.js';
import { newId } from '../../shared/ids.js';
import { businessDate } from '../../shared/dates.js';
import type { ApproverCredentials, DenominationCounts, DrawerClose, DrawerMovement, DrawerMovementInput, DrawerSession, MovementKind, PaymentSettings, VarianceSignOff } from '../../shared/domain/drawer.js';
import type { Payment } from '../../shared/domain/payment.js';
import { countValue, movementsAndTotals, sessionTotalsOf } from './totals.js';
import { reconcile, unknownDenominations, changeDue } from '../../shared/drawer/expected.js';
import { findCardNumber, CARD_NUMBER_MESSAGE } from '../../shared/payments/card-guard.js';
import { formatCents } from '../../shared/payments/money.js';
import { readSettings } from '../users/repo.js';
import { deskSyncFor } from '../sync/desk-sync.js';
import type { Store } from '../store/store.js';
import { stmt } from '../store/stmt-cache.js';
import {
  closeSessionRow,
  getSession,
  insertMovement,
  insertPayment,
  insertSession,
  insertSignOff,
  listItem,
  openSessionRow,
  paymentFromRow,
  paymentRow,
  readPaymentSettings,
  reversalsOf,
  sessionFromRow,
  sessionRow,
  sessionsOfDate,
  signOffOf,
  writePaymentSettings,
  applyPendingDenominations,
  clearPendingDenominations,
  type PaymentRow,
} from './repo.js';
import { nextReceiptNo, peekReceiptNo } from './receipt-numbers.js';
import { buildReceipt, receiptPdf } from './receipts.js';
import { verifyApprover } from './approval.js';
import { reversingPayment } from './reversal.js';
import { eodCsv, eodPdf, eodReport } from '../drawer/eod.js';
import { copayVisitsOf, impliedVisit } from './copay-visits.js';
import { linkPaymentInTx } from '../visits/commands.js';
import { PAYMENT_SETTINGS_ENTITY } from '../../shared/payments/sync.js';

export type PaymentMethodName = keyof typeof paymentMethods & MethodName;

function site(store: Store): { timeZone: string; deskLabel: string; siteName: string } {
  const s = readSettings(store.db);
  if (!s) throw new ApiError('SETUP_REQUIRED', 'Finish setting up this desk first.');
  return s;
}

/** Defence in depth: the schemas already refuse card numbers in every text field; this re-checks the whole input. */
function guardCardData(input: unknown): void {
  const path = findCardNumber(input);
  if (path) throw new ApiError('VALIDATION', CARD_NUMBER_MESSAGE, { fields: { [path]: CARD_NUMBER_MESSAGE } });
}

function checkDenominations(counts: DenominationCounts, settings: PaymentSettings, field: string): void {
  const bad = unknownDenominations(counts, settings.denominations);
  if (bad.length) {
    throw new ApiError('VALIDATION', `Please check the count: ${bad.join(', ')} is not one of this site’s denominations.`, {
      fields: Object.fromEntries(bad.map((c) => [`${field}.${c}`, 'Not a configured denomination'])),
    });
  }
}

function currentOpen(store: Store): ReturnType<typeof openSessionRow> {
  return openSessionRow(store.db, store.deskId);
}

function requireOpen(store: Store) {
  const s = currentOpen(store);
  if (!s) throw new ApiError('CONFLICT', 'The drawer is not open. Open it with the counted float first.');
  return s;
}

function emitSession(ctx: HandlerContext, s: { id: string; deskId: string; status: 'open' | 'closed' }): void {
  ctx.emit('drawer.changed', { sessionId: s.id, deskId: s.deskId, status: s.status });
}

function closedOffline(store: Store): boolean {
  const ds = deskSyncFor(store);
  if (!ds || !ds.enrolled) return false;
  return ds.status().state !== 'online';
}

function movement(kind: MovementKind) {
  return (input: DrawerMovementInput, ctx: HandlerContext) => {
    const user = requireUser(ctx);
    guardCardData(input);
    const store = ctx.store;
    const m = store.command(user, (tx) => {
      const s = requireOpen(store);
      const mv: DrawerMovement = { id: newId(), sessionId: s.id, kind, amountCents: input.amountCents, reason: input.reason, at: tx.now, by: { userId: user.userId, userName: user.userName } };
      insertMovement(tx.db, mv);
      tx.outbox({ kind: `drawer.${kind}`, entityId: s.id, payload: { movement: mv } });
      tx.audit({ action: `drawer.${kind}`, entityType: 'drawer_session', entityId: s.id, detail: { movementId: mv.id, amountCents: mv.amountCents } });
      return mv;
    });
    emitSession(ctx, { id: m.sessionId, deskId: store.deskId, status: 'open' });
    return { movement: m };
  };
}

async function approvalIfNeeded(store: Store, user: SignedInUser, limit: number, amount: number, approver: ApproverCredentials | undefined, action: string, entityId: string) {
  if (amount <= limit) return null;
  return verifyApprover(store, user, approver, { action, entityType: 'payment', entityId, amountCents: amount });
}

/** The payment a void or refund reverses: it must exist and be a payment (not itself a void or refund). */
function originalToReverse(store: Store, paymentId: string): PaymentRow {
  const orig = paymentRow(store.db, paymentId);
  if (!orig) throw new ApiError('NOT_FOUND', 'No such payment.');
  if (orig.kind !== 'payment') throw new ApiError('CONFLICT', 'Only a payment can be voided or refunded (not a void or refund).');
  return orig;
}

/**
 * The visit a copay is linked to. Named: it must be this patient's (and, for a copay, not cancelled: the visits
 * domain refuses the link). Not named: the patient's only visit of the day; several: the clerk must choose (a clear
 * field error, nothing written). null: explicitly not for a visit. Other payment types link no visit.
 */
function copayVisitOf(db: Store['db'], input: { type: string; patientId: string; appointmentId?: string | null }, day: string, nowMs: number): string | null {
  if (input.appointmentId) {
    const a = stmt<[string], { patient_id: string | null }>(db, 'SELECT patient_id FROM visit_appointments WHERE id = ?').get(input.appointmentId);
    if (!a) throw new ApiError('VALIDATION', 'No such visit on this desk.', { fields: { appointmentId: 'Choose one of the patient’s visits' } });
    if (a.patient_id !== input.patientId) throw new ApiError('VALIDATION', 'This visit is another patient’s.', { fields: { appointmentId: 'Choose one of this patient’s visits' } });
    return input.type === 'copay' ? input.appointmentId : null;
  }
  if (input.appointmentId === null || input.type !== 'copay') return null;
  const implied = impliedVisit(copayVisitsOf(db, input.patientId, day, nowMs));
  if (implied.kind === 'one') return implied.appointmentId;
  if (implied.kind === 'ask') {
    throw new ApiError('VALIDATION', `This patient has ${implied.count} visits today: choose the visit this copay is for. Nothing was saved.`, { fields: { appointmentId: 'Choose the visit' } });
  }
  return null;
}

export function paymentHandlers(): DomainHandlers<PaymentMethodName> {
  return {
    'payments.settings': (_i, ctx) => readPaymentSettings(ctx.store.db),

    'payments.updateSettings': (input, ctx) => {
      const user = requireUser(ctx);
      const codes = new Set<string>();
      for (const [i, d] of input.denominations.entries()) {
        if (codes.has(d.code)) throw new ApiError('VALIDATION', `Denomination code ${d.code} appears twice.`, { fields: { [`denominations.${i}.code`]: 'Appears twice' } });
        codes.add(d.code);
      }
      const before = readPaymentSettings(ctx.store.db);
      const codes0 = before.denominations.map((d) => d.code).join(',');
      const codes1 = input.denominations.map((d) => d.code).join(',');
      ctx.store.command(user, (tx) => {
        // an open session is counted at close with the denominations it was opened with
        if (codes0 !== codes1 && currentOpen(ctx.store)) {
          throw new ApiError('CONFLICT', 'Close this desk’s drawer before changing the denominations: the open session is counted with the ones it was opened with. Nothing was saved.', { fields: { denominations: 'Close the drawer first' } });
        }
        writePaymentSettings(tx.db, input, tx.now, user.userId);
        clearPendingDenominations(tx.db);
        // site-wide: every desk takes them (latest by HLC)
        tx.outbox({ kind: 'payments.settings_configured', entityId: PAYMENT_SETTINGS_ENTITY, payload: { settings: input } });
        const changed = (Object.keys(input) as (keyof PaymentSettings)[]).filter((k) => JSON.stringify(input[k]) !== JSON.stringify(before[k]));
        // the clinic's address and phone are not PHI; amounts are cents
        tx.audit({ action: 'payments.settings_changed', entityType: 'payment_settings', entityId: '1', detail: { ...input, denominations: input.denominations.map((d) => d.code), changed } });
      });
      return readPaymentSettings(ctx.store.db);
    },

    'drawer.current': (_i, ctx) => {
      const r = currentOpen(ctx.store);
      const session = r ? sessionFromRow(r, ctx.store.deskId, null) : null;
      const paymentCount = r ? stmt<[string], { n: number }>(ctx.store.db, 'SELECT COUNT(*) n FROM payments WHERE session_id = ?').get(r.id)!.n : 0;
      return { session, paymentCount, nextReceiptNo: peekReceiptNo(ctx.store.db) };
    },

    'drawer.open': (input, ctx) => {
      const user = requireUser(ctx);
      guardCardData(input);
      const store = ctx.store;
      const settings = readPaymentSettings(store.db);
      checkDenominations(input.float, settings, 'float');
      const st = site(store);
      const s = store.command(user, (tx) => {
        if (currentOpen(store)) throw new ApiError('CONFLICT', 'This drawer is already open. Close the open session before opening a new one.');
        const session: DrawerSession = {
          id: newId(),
          deskId: store.deskId,
          deskLabel: st.deskLabel,
          businessDate: businessDate(st.timeZone, new Date(tx.now)),
          status: 'open',
          openedAt: tx.now,
          openedBy: { userId: user.userId, userName: user.userName },
          float: Object.fromEntries(Object.entries(input.float).filter(([, n]) => n > 0)),
          floatCents: countValue(input.float, settings.denominations),
          own: true,
          close: null,
          signOff: null,
        };
        insertSession(tx.db, session, input.note);
        tx.outbox({
          kind: 'drawer.opened',
          entityId: session.id,
          payload: { session: { id: session.id, deskId: session.deskId, deskLabel: session.deskLabel, businessDate: session.businessDate, openedAt: session.openedAt, openedBy: session.openedBy, float: session.float, floatCents: session.floatCents, note: input.note } },
        });
        tx.audit({ action: 'drawer.opened', entityType: 'drawer_session', entityId: session.id, detail: { floatCents: session.floatCents, businessDate: session.businessDate } });
        return session;
      });
      emitSession(ctx, s);
      return { session: s };
    },

    'drawer.paidIn': movement('paid_in'),
    'drawer.paidOut': movement('paid_out'),

    'drawer.xReport': (input, ctx) => {
      const user = requireUser(ctx);
      const store = ctx.store;
      const id = input.sessionId ?? currentOpen(store)?.id;
      if (!id) throw new ApiError('NOT_FOUND', 'The drawer is not open; name a session.');
      const session = getSession(store.db, id, store.deskId);
      if (!session) throw new ApiError('NOT_FOUND', 'No such drawer session.');
      const { totals, movements } = movementsAndTotals(store.db, session);
      store.audit(user, { action: 'drawer.x_report', entityType: 'drawer_session', entityId: id, detail: { expectedCashCents: totals.expectedCashCents } });
      return { session, totals, movements, at: store.clock.now().toISOString() };
    },

    'drawer.close': (input, ctx) => {
      const user = requireUser(ctx);
      guardCardData(input);
      const store = ctx.store;
      const settings = readPaymentSettings(store.db);
      checkDenominations(input.cash, settings, 'cash');
      const offline = closedOffline(store);
      const out = store.command(user, (tx) => {
        const r = sessionRow(tx.db, input.sessionId);
        if (!r) throw new ApiError('NOT_FOUND', 'No such drawer session.');
        if (r.desk_id !== store.deskId) throw new ApiError('FORBIDDEN', `This session belongs to ${r.desk_label}: only that desk can close it.`);
        if (r.status !== 'open') throw new ApiError('CONFLICT', 'This session is already closed; a closed session cannot change.');
        const session = sessionFromRow(r, store.deskId, null);
        const totals = sessionTotalsOf(tx.db, session);
        const countedCashCents = countValue(input.cash, settings.denominations);
        const rec = reconcile(
          totals,
          { cashCents: countedCashCents, checksCents: input.checksCents ?? null, cardCents: input.cardCents ?? null, otherCents: input.otherCents ?? null },
          settings.varianceToleranceCents,
        );
        const close: DrawerClose = {
          closedAt: tx.now,
          closedBy: { userId: user.userId, userName: user.userName },
          closedOffline: offline,
          countedCash: Object.fromEntries(Object.entries(input.cash).filter(([, n]) => n > 0)),
          countedCashCents,
          countedChecksCents: input.checksCents ?? null,
          countedCardCents: input.cardCents ?? null,
          countedOtherCents: input.otherCents ?? null,
          expectedCashCents: totals.expectedCashCents,
          varianceCashCents: countedCashCents - totals.expectedCashCents,
          methods: rec.methods,
          toleranceCents: settings.varianceToleranceCents,
          needsSignOff: rec.needsSignOff,
        };
        if (closeSessionRow(tx.db, r.id, close) !== 1) throw new ApiError('CONFLICT', 'This session is already closed.');
        tx.outbox({ kind: 'drawer.closed', entityId: r.id, payload: { sessionId: r.id, close } });
        // denominations another desk changed while this drawer was open apply from the next opening
        if (applyPendingDenominations(tx.db, tx.now, user.userId)) {
          tx.audit({ action: 'payments.settings_denominations_taken', entityType: 'payment_settings', entityId: '1', detail: { denominations: readPaymentSettings(tx.db).denominations.map((d) => d.code) } });
        }
        tx.audit({
          action: 'drawer.closed',
          entityType: 'drawer_session',
          entityId: r.id,
          detail: { countedCashCents, expectedCashCents: close.expectedCashCents, varianceCashCents: close.varianceCashCents, needsSignOff: close.needsSignOff, closedOffline: offline },
        });
        return { session: { ...session, status: 'closed' as const, close }, result: close, totals };
      });
      emitSession(ctx, out.session);
      return out;
    },

    'drawer.signOffVariance': async (input, ctx) => {
      const user = requireUser(ctx);
      guardCardData(input);
      const store = ctx.store;
      const r = sessionRow(store.db, input.sessionId);
      if (!r) throw new ApiError('NOT_FOUND', 'No such drawer session.');
      if (r.desk_id !== store.deskId) throw new ApiError('FORBIDDEN', `This session belongs to ${r.desk_label}: its variance is signed off there.`);
      if (r.status !== 'closed' || !r.close_doc) throw new ApiError('CONFLICT', 'Close the drawer (blind count) before signing off its variance.');
      const close = JSON.parse(r.close_doc) as DrawerClose;
      if (!close.needsSignOff) throw new ApiError('CONFLICT', 'This session’s variance is within tolerance: no sign-off is needed.');
      if (signOffOf(store.db, r.id)) throw new ApiError('CONFLICT', 'This variance is already signed off.');
      const variance = close.methods.reduce((a, m) => a + Math.abs(m.varianceCents ?? 0), 0);
      const approver = await verifyApprover(store, user, input.approver, { action: 'drawer.variance_sign_off', entityType: 'drawer_session', entityId: r.id, amountCents: variance });
      const signOff = store.command(user, (tx) => {
        if (signOffOf(tx.db, r.id)) throw new ApiError('CONFLICT', 'This variance is already signed off.');
        const o: VarianceSignOff = { id: newId(), sessionId: r.id, reason: input.reason, requestedBy: { userId: user.userId, userName: user.userName }, approvedBy: approver, at: tx.now };
        insertSignOff(tx.db, o);
        tx.outbox({ kind: 'drawer.variance_signed_off', entityId: r.id, payload: { signOff: o } });
        tx.audit({ action: 'drawer.variance_signed_off', entityType: 'drawer_session', entityId: r.id, detail: { approvedBy: approver.userId, varianceCashCents: close.varianceCashCents } });
        return o;
      });
      emitSession(ctx, { id: r.id, deskId: r.desk_id, status: 'closed' });
      return { signOff };
    },

    'drawer.sessions': (input, ctx) => ({ sessions: sessionsOfDate(ctx.store.db, input.businessDate, ctx.store.deskId) }),

    'payments.record': (input, ctx) => {
      const user = requireUser(ctx);
      guardCardData(input);
      const store = ctx.store;
      const st = site(store);
      const out = store.command(user, (tx) => {
        const s = requireOpen(store);
        const patient = stmt<[string], { x: number }>(tx.db, 'SELECT 1 x FROM patients WHERE id = ?').get(input.patientId);
        if (!patient) throw new ApiError('NOT_FOUND', 'No such patient on this desk.', { fields: { patientId: 'Choose a registered patient' } });
        const visitId = copayVisitOf(tx.db, input, businessDate(st.timeZone, new Date(tx.now)), Date.parse(tx.now));
        const cash = input.method === 'cash' ? changeDue(input.amountCents, input.tenderedCents) : { tenderedCents: 0, changeCents: 0 };
        const p: Payment = {
          id: newId(),
          sessionId: s.id,
          deskId: store.deskId,
          receiptNo: nextReceiptNo(tx.db),
          kind: 'payment',
          type: input.type,
          method: input.method,
          amountCents: input.amountCents,
          tenderedCents: cash.tenderedCents,
          changeCents: cash.changeCents,
          check: input.check ? { number: input.check.number, bank: input.check.bank } : null,
          card: input.card ? { ...input.card } : null,
          otherRef: input.otherRef,
          patientId: input.patientId,
          appointmentId: visitId ?? input.appointmentId ?? null,
          note: input.note,
          reversesId: null,
          reason: '',
          recordedAt: tx.now,
          recordedBy: { userId: user.userId, userName: user.userName },
          approvedBy: null,
          businessDate: s.business_date,
        };
        insertPayment(tx.db, p);
        tx.outbox({ kind: 'payment.recorded', entityId: p.id, payload: { payment: p } });
        tx.audit({
          action: 'payment.recorded',
          entityType: 'payment',
          entityId: p.id,
          detail: { receiptNo: p.receiptNo, sessionId: s.id, patientId: p.patientId, appointmentId: p.appointmentId, type: p.type, method: p.method, amountCents: p.amountCents, changeCents: p.changeCents },
        });
        // a copay is linked to its visit in the same transaction: the board and the end of day read the same link
        const visit = visitId ? linkPaymentInTx(tx, visitId, p.id) : null;
        return { payment: p, receipt: buildReceipt(tx.db, p, tx.now, 0), visit };
      });
      ctx.emit('payments.changed', { paymentId: out.payment.id, sessionId: out.payment.sessionId });
      if (out.visit) ctx.emit('visits.changed', { ids: [out.visit.appointment.id], businessDates: out.visit.businessDates });
      return { payment: out.payment, receipt: out.receipt };
    },

    'payments.copayVisits': (input, ctx) => {
      const user = requireUser(ctx);
      const st = site(ctx.store);
      const now = ctx.store.clock.now();
      const day = businessDate(st.timeZone, now);
      const visits = copayVisitsOf(ctx.store.db, input.patientId, day, now.getTime());
      ctx.store.audit(user, { action: 'appointment.listed', entityType: 'patient', entityId: input.patientId, detail: { count: visits.length, businessDate: day, for: 'copay' } });
      return { businessDate: day, visits };
    },

    'payments.void': async (input, ctx) => {
      const user = requireUser(ctx);
      guardCardData(input);
      const store = ctx.store;
      const orig = originalToReverse(store, input.paymentId);
      const open = currentOpen(store);
      if (!open || orig.session_id !== open.id) throw new ApiError('CONFLICT', 'Only a payment of the open drawer session can be voided; use a refund for an earlier one.');
      const settings = readPaymentSettings(store.db);
      const approver = await approvalIfNeeded(store, user, settings.voidApprovalAboveCents, orig.amount_cents, input.approver, 'payment.void', orig.id);
      const out = store.command(user, (tx) => {
        const o = paymentRow(tx.db, orig.id)!;
        const rev = reversalsOf(tx.db, o.id);
        if (rev.voided) throw new ApiError('CONFLICT', 'This payment is already voided.');
        if (rev.reversedCents !== 0) throw new ApiError('CONFLICT', 'This payment was partly refunded; refund the rest instead of voiding it.');
        const s = requireOpen(store);
        if (s.id !== o.session_id) throw new ApiError('CONFLICT', 'Only a payment of the open drawer session can be voided.');
        return reversingPayment(tx, { kind: 'void', original: paymentFromRow(o), amountCents: o.amount_cents, reason: input.reason, requestedBy: user, approvedBy: approver, deskId: store.deskId });
      });
      ctx.emit('payments.changed', { paymentId: out.payment.id, sessionId: out.payment.sessionId });
      return out;
    },

    'payments.refund': async (input, ctx) => {
      const user = requireUser(ctx);
      guardCardData(input);
      const store = ctx.store;
      const orig = originalToReverse(store, input.paymentId);
      const rev0 = reversalsOf(store.db, orig.id);
      if (rev0.voided) throw new ApiError('CONFLICT', 'This payment was voided; there is nothing to refund.');
      const refundable = orig.amount_cents + rev0.reversedCents;
      if (refundable <= 0) throw new ApiError('CONFLICT', 'This payment is already fully refunded.');
      const amount = input.amountCents ?? refundable;
      if (amount > refundable) throw new ApiError('VALIDATION', `At most ${formatCents(refundable)} can still be refunded.`, { fields: { amountCents: 'More than what is left to refund' } });
      const method = input.method ?? orig.method;
      if (method === 'card' && !input.card) throw new ApiError('VALIDATION', 'A card refund needs the terminal’s reference, brand, last four and auth code.', { fields: { 'card.terminalRef': 'Required for a card refund' } });
      if (method === 'check' && !input.check) throw new ApiError('VALIDATION', 'A refund by check needs the check number.', { fields: { 'check.number': 'Required for a refund by check' } });
      if (method === 'other' && !input.otherRef) throw new ApiError('VALIDATION', 'Say how the money was returned.', { fields: { otherRef: 'Required' } });
      if (!requireOpen(store)) throw new Error('unreachable');
      const settings = readPaymentSettings(store.db);
      const approver = await approvalIfNeeded(store, user, settings.refundApprovalAboveCents, amount, input.approver, 'payment.refund', orig.id);
      const out = store.command(user, (tx) => {
        const s = requireOpen(store);
        const rev = reversalsOf(tx.db, orig.id);
        if (rev.voided || amount > orig.amount_cents + rev.reversedCents) throw new ApiError('CONFLICT', 'This payment changed meanwhile (voided or refunded). Nothing was saved; look again.');
        return reversingPayment(tx, {
          kind: 'refund',
          original: paymentFromRow(orig),
          amountCents: amount,
          reason: input.reason,
          requestedBy: user,
          approvedBy: approver,
          deskId: store.deskId,
          changes: {
            sessionId: s.id,
            businessDate: s.business_date,
            method,
            check: method === 'check' && input.check ? { number: input.check.number, bank: input.check.bank } : null,
            card: method === 'card' && input.card ? { ...input.card } : null,
            otherRef: method === 'other' ? input.otherRef : '',
          },
        });
      });
      ctx.emit('payments.changed', { paymentId: out.payment.id, sessionId: out.payment.sessionId });
      return out;
    },

    'payments.receipt': (input, ctx) => {
      const user = requireUser(ctx);
      const store = ctx.store;
      return store.command(user, (tx) => {
        const r = paymentRow(tx.db, input.paymentId);
        if (!r) throw new ApiError('NOT_FOUND', 'No such payment.');
        const n = stmt<[string], { n: number }>(tx.db, "SELECT COUNT(*) n FROM audit_log WHERE action = 'payment.receipt_reprinted' AND entity_id = ?").get(r.id)!.n;
        tx.audit({ action: 'payment.receipt_reprinted', entityType: 'payment', entityId: r.id, detail: { receiptNo: r.receipt_no, reprint: n + 1 } });
        return { receipt: buildReceipt(tx.db, paymentFromRow(r), tx.now, n + 1) };
      });
    },

    'payments.receiptPdf': async (input, ctx) => {
      const user = requireUser(ctx);
      const store = ctx.store;
      const r = paymentRow(store.db, input.paymentId);
      if (!r) throw new ApiError('NOT_FOUND', 'No such payment.');
      const now = store.clock.now().toISOString();
      const out = await receiptPdf(store.db, paymentFromRow(r), input.paper, input.reprint ? { at: now, by: user.userName } : undefined);
      store.audit(user, { action: input.reprint ? 'payment.receipt_reprinted' : 'payment.receipt_printed', entityType: 'payment', entityId: r.id, detail: { receiptNo: r.receipt_no, format: 'pdf', paper: input.paper } });
      return out;
    },

    'payments.list': (input, ctx) => {
      const db = ctx.store.db;
      const where: string[] = [];
      const args: unknown[] = [];
      if (input.sessionId) {
        where.push('session_id = ?');
        args.push(input.sessionId);
      }
      if (input.patientId) {
        where.push('patient_id = ?');
        args.push(input.patientId);
      }
      if (input.businessDate) {
        where.push('business_date = ?');
        args.push(input.businessDate);
      }
      if (input.receiptNo !== undefined) {
        where.push('receipt_no = ?');
        args.push(input.receiptNo.replace(/\s+/g, ''));
      }
      if (where.length === 0) {
        const open = currentOpen(ctx.store);
        if (!open) return { payments: [] };
        where.push('session_id = ?');
        args.push(open.id);
      }
      const rows = db.prepare(`SELECT * FROM payments WHERE ${where.join(' AND ')} ORDER BY recorded_at DESC, id DESC LIMIT ?`).all(...args, input.limit) as PaymentRow[];
      if (input.patientId) ctx.store.audit(requireUser(ctx), { action: 'payment.list_viewed', entityType: 'patient', entityId: input.patientId, detail: { count: rows.length } });
      return { payments: rows.map((r) => listItem(db, r)) };
    },

    'eod.report': (input, ctx) => {
      const user = requireUser(ctx);
      const report = eodReport(ctx.store, input.businessDate);
      ctx.store.audit(user, { action: 'eod.viewed', entityType: 'business_date', entityId: input.businessDate, detail: { netCents: report.totals.netCents, sessions: report.sessions.length } });
      return report;
    },
    'eod.exportCsv': (input, ctx) => {
      const user = requireUser(ctx);
      const report = eodReport(ctx.store, input.businessDate);
      const csv = eodCsv(report);
      ctx.store.audit(user, { action: 'eod.exported', entityType: 'business_date', entityId: input.businessDate, detail: { format: 'csv', bytes: csv.length } });
      return { fileName: `eod-${input.businessDate}.csv`, csv };
    },
    'eod.exportPdf': async (input, ctx) => {
      const user = requireUser(ctx);
      const report = eodReport(ctx.store, input.businessDate);
      const pdf = await eodPdf(report);
      ctx.store.audit(user, { action: 'eod.exported', entityType: 'business_date', entityId: input.businessDate, detail: { format: 'pdf', bytes: pdf.length } });
      return { fileName: `eod-${input.businessDate}.pdf`, pdfBase64: pdf.toString('base64') };
    },
  };
}

