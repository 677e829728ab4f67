/**
 * Drawer dialogs: paid in / paid out (amount as money text + reason), a payment's actions (reprint; void with a
 * reason and, above the void limit or whenever the API asks for it, a supervisor's credentials typed on the spot;
 * refund of all or part, renderer/payments/RefundForm.tsx, with the same on-the-spot approval), and finding an
 * earlier payment by its receipt number (R on the drawer screen) to refund it.
 */
import { useState } from 'react';
import { z } from 'zod';
import { api, ApiError } from '../api/client.js';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { AppForm, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import type { DrawerMovement, PaymentSettings } from '../../shared/domain/drawer.js';
import { PAYMENT_TYPE_LABELS, type PaymentListItem, type Receipt } from '../../shared/domain/payment.js';
import { requiredCardSafeText } from '../../shared/payments/card-guard.js';
import { centsOf, money, moneyText } from '../payments/money.js';
import { ApproverFields, approverFieldsSchema, approverInput, approverMissing, needsApproval, noApprover } from '../payments/ApproverFields.js';
import { RefundDone, RefundForm } from '../payments/RefundForm.js';
import { BRAND_LABELS, METHOD_LABELS, printReceipt } from '../payments/CollectPaymentDialog.js';
import { timeOf } from './format.js';

const movementSchema = z.object({ amount: moneyText(), reason: requiredCardSafeText(200, 'Reason') });

export function MovementDialog({ kind, onClose, onDone }: { kind: 'paid_in' | 'paid_out'; onClose: () => void; onDone: (m: DrawerMovement) => void }) {
  const form = useZodForm(movementSchema, { amount: '', reason: '' });
  const [banner, setBanner] = useState<string | null>(null);
  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    try {
      const r = await api.call(kind === 'paid_in' ? 'drawer.paidIn' : 'drawer.paidOut', { amountCents: centsOf(v.amount) ?? 0, reason: v.reason.trim() });
      onDone(r.movement);
    } catch (e) {
      setBanner(applyServerErrors(form, e, { amountCents: 'amount' }).message);
    }
  });
  return (
    <Dialog isOpen onClose={onClose} title={kind === 'paid_in' ? 'Paid in (cash into the drawer)' : 'Paid out (cash out of the drawer)'} className="pay-dialog--small">
      <AppForm onSubmit={submit} label={kind === 'paid_in' ? 'Paid in' : 'Paid out'} className="pay-stack">
        {banner && <Banner tone="error">{banner}</Banner>}
        <div className="pay-row">
          <FormTextField control={form.control} name="amount" label="Amount" isRequired autoFocus placeholder="0.00" />
          <FormTextField control={form.control} name="reason" label="Reason" isRequired description={kind === 'paid_in' ? 'e.g. change from the bank' : 'e.g. postage, parking token'} />
        </div>
        <div className="pay-actions">
          <Button type="submit" variant="primary" shortcut="Enter">
            {kind === 'paid_in' ? 'Record paid in' : 'Record paid out'}
          </Button>
        </div>
      </AppForm>
    </Dialog>
  );
}

const voidSchema = z.object({
  reason: requiredCardSafeText(200, 'Reason'),
  approver: approverFieldsSchema,
});

export function PaymentActionsDialog({
  payment: p,
  settings,
  onClose,
  onVoided,
  onRefunded,
  initialMode = 'menu',
  openSessionId,
}: {
  payment: PaymentListItem;
  settings: PaymentSettings;
  onClose: () => void;
  onVoided: (r: Receipt) => void;
  /** after the refund is committed (the dialog stays open on the refund's receipt until Done / Print) */
  onRefunded?: (r: Receipt) => void;
  /** 'refund': straight to the refund form (found by receipt number to refund it) */
  initialMode?: 'menu' | 'refund';
  /** the drawer's open session: only its payments can be voided (earlier ones are refunded) */
  openSessionId: string;
}) {
  const [mode, setMode] = useState<'menu' | 'void' | 'refund'>(initialMode);
  const [refunded, setRefunded] = useState<Receipt | null>(null);
  const [approval, setApproval] = useState(p.amountCents > settings.voidApprovalAboveCents);
  const [banner, setBanner] = useState<string | null>(null);
  const form = useZodForm(voidSchema, { reason: '', approver: noApprover() });
  const canVoid = p.kind === 'payment' && !p.voided && p.reversedCents === 0 && p.sessionId === openSessionId;
  const canRefund = p.kind === 'payment' && !p.voided && p.refundableCents > 0;
  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    if (approverMissing(form.setError, approval, v.approver)) return;
    try {
      const r = await api.call('payments.void', { paymentId: p.id, reason: v.reason.trim(), approver: approval ? approverInput(v.approver) : undefined });
      onVoided(r.receipt);
    } catch (e) {
      if (needsApproval(e)) setApproval(true);
      const res = applyServerErrors(form, e);
      setBanner(`${res.message}${res.message.includes('Nothing was saved') ? '' : ' Nothing was saved.'}`);
    }
  });
  return (
    <Dialog isOpen onClose={onClose} title={`${p.kind === 'payment' ? 'Payment' : p.kind === 'void' ? 'Void' : 'Refund'} ${p.receiptNo}${p.patientName ? ` — ${p.patientName}` : ''}`} className="pay-dialog">
      <dl className="dr-figures">
        <dt>Patient</dt>
        <dd data-testid="payment-patient">{p.patientName ? `${p.patientName} · MRN ${p.patientMrn}` : 'Not on this desk'}</dd>
        <dt>Amount</dt>
        <dd>{money(p.amountCents)}</dd>
        <dt>Type · method</dt>
        <dd>
          {PAYMENT_TYPE_LABELS[p.type]} · {METHOD_LABELS[p.method]}
          {p.card ? ` ${BRAND_LABELS[p.card.brand]} …${p.card.lastFour} auth ${p.card.authCode}` : ''}
          {p.check ? ` #${p.check.number}` : ''}
        </dd>
        <dt>Taken</dt>
        <dd>
          {timeOf(p.recordedAt)} by {p.recordedBy.userName}
        </dd>
        {p.method === 'cash' && p.kind === 'payment' && (
          <>
            <dt>Tendered · change</dt>
            <dd>
              {money(p.tenderedCents)} · {money(p.changeCents)}
            </dd>
          </>
        )}
        {p.voided && (
          <>
            <dt>Status</dt>
            <dd>Voided</dd>
          </>
        )}
        {!p.voided && p.kind === 'payment' && p.reversedCents !== 0 && (
          <>
            <dt>Refunded so far</dt>
            <dd>{money(-p.reversedCents)}</dd>
          </>
        )}
      </dl>
      {refunded ? (
        <RefundDone receipt={refunded} onClose={onClose} />
      ) : mode === 'menu' ? (
        <div className="pay-actions">
          {canVoid && (
            <Button variant="danger" autoFocus onPress={() => setMode('void')}>
              Void this payment…
            </Button>
          )}
          {canRefund && (
            <Button autoFocus={!canVoid} onPress={() => setMode('refund')}>
              Refund…
            </Button>
          )}
          <Button
            autoFocus={!canVoid && !canRefund}
            onPress={() => {
              onClose();
              printReceipt(p.id, p.receiptNo, true);
            }}
          >
            Reprint receipt
          </Button>
        </div>
      ) : mode === 'refund' && canRefund ? (
        <RefundForm
          payment={p}
          settings={settings}
          onRefunded={(r) => {
            setRefunded(r);
            onRefunded?.(r);
          }}
        />
      ) : mode === 'refund' ? (
        <Banner tone="warning">{p.voided ? 'This payment was voided: there is nothing to refund.' : 'This payment is already fully refunded.'}</Banner>
      ) : (
        <AppForm onSubmit={submit} label="Void" className="pay-stack">
          {banner && <Banner tone="error">{banner}</Banner>}
          <div className="dr-void-confirm" data-testid="void-confirm">
            <strong>
              Void {money(p.amountCents)} for {p.patientName || 'a patient not on this desk'}
              {p.patientMrn ? ` (MRN ${p.patientMrn})` : ''}, receipt <span className="pay-mono">{p.receiptNo}</span>?
            </strong>
            <span className="pay-muted">
              {PAYMENT_TYPE_LABELS[p.type]} · {METHOD_LABELS[p.method]} · taken {timeOf(p.recordedAt)} by {p.recordedBy.userName}. A void is a new reversing row with its own receipt; the payment itself is never changed.
            </span>
          </div>
          <FormTextField control={form.control} name="reason" label="Reason for the void" isRequired autoFocus />
          {approval && <ApproverFields control={form.control} why={`Voids above ${money(settings.voidApprovalAboveCents)} need a supervisor’s approval.`} />}
          <div className="pay-actions">
            <Button type="submit" variant="danger" shortcut="Enter">
              Void {money(p.amountCents)} of {p.receiptNo}
            </Button>
          </div>
        </AppForm>
      )}
    </Dialog>
  );
}

const findSchema = z.object({ receiptNo: z.string().trim().min(1, { error: 'Type the receipt number, like D2-000153' }).max(40) });

/**
 * R on the drawer screen: find an earlier payment (any session, any day this desk knows of) by the receipt number
 * printed on the patient's receipt, then refund it (PaymentActionsDialog in refund mode).
 */
export function FindReceiptDialog({ onClose, onFound }: { onClose: () => void; onFound: (p: PaymentListItem) => void }) {
  const form = useZodForm(findSchema, { receiptNo: '' });
  const [banner, setBanner] = useState<string | null>(null);
  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    try {
      const r = await api.call('payments.list', { receiptNo: v.receiptNo, limit: 1 });
      const p = r.payments[0];
      if (!p) {
        form.setError('receiptNo', { message: 'No payment with this receipt number on this desk' }, { shouldFocus: true });
        return;
      }
      if (p.kind !== 'payment') {
        form.setError('receiptNo', { message: `This is a ${p.kind} receipt: type the receipt number of the payment itself` }, { shouldFocus: true });
        return;
      }
      onFound(p);
    } catch (e) {
      setBanner(e instanceof ApiError ? applyServerErrors(form, e).message : 'Could not look the receipt up.');
    }
  });
  return (
    <Dialog isOpen onClose={onClose} title="Refund a payment — find the receipt" className="pay-dialog--small">
      <AppForm onSubmit={submit} label="Find the receipt" className="pay-stack">
        {banner && <Banner tone="error">{banner}</Banner>}
        <FormTextField control={form.control} name="receiptNo" label="Receipt number" isRequired autoFocus description="As printed on the patient’s receipt, e.g. D2-000153" />
        <div className="pay-actions">
          <Button type="submit" variant="primary" shortcut="Enter">
            Find
          </Button>
        </div>
      </AppForm>
    </Dialog>
  );
}
