/**
 * Drawer dialogs: paid in / paid out (amount as money text + reason), and a payment's actions (reprint; void with a
 * reason and, above the void limit or whenever the API asks for it, a supervisor's credentials typed on the spot).
 */
import { useState } from 'react';
import { z } from 'zod';
import { api } from '../api/client.js';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { AppForm, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import type { DrawerMovement, PaymentSettings } from '../../shared/domain/drawer.js';
import { PAYMENT_TYPE_LABELS, type PaymentListItem, type Receipt } from '../../shared/domain/payment.js';
import { requiredCardSafeText } from '../../shared/payments/card-guard.js';
import { centsOf, money, moneyText } from '../payments/money.js';
import { ApproverFields, approverInput, needsApproval } from '../payments/ApproverFields.js';
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
  approver: z.object({ username: z.string(), password: z.string() }),
});

export function PaymentActionsDialog({
  payment: p,
  settings,
  onClose,
  onVoided,
}: {
  payment: PaymentListItem;
  settings: PaymentSettings;
  onClose: () => void;
  onVoided: (r: Receipt) => void;
}) {
  const [voiding, setVoiding] = useState(false);
  const [approval, setApproval] = useState(p.amountCents > settings.voidApprovalAboveCents);
  const [banner, setBanner] = useState<string | null>(null);
  const form = useZodForm(voidSchema, { reason: '', approver: { username: '', password: '' } });
  const canVoid = p.kind === 'payment' && !p.voided && p.reversedCents === 0;
  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    if (approval && !v.approver.username.trim()) {
      form.setError('approver.username', { message: 'Supervisor user name is required' }, { shouldFocus: true });
      return;
    }
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
    <Dialog isOpen onClose={onClose} title={`${p.kind === 'payment' ? 'Payment' : p.kind === 'void' ? 'Void' : 'Refund'} ${p.receiptNo}`} className="pay-dialog">
      <dl className="dr-figures">
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
      </dl>
      {!voiding ? (
        <div className="pay-actions">
          {canVoid && (
            <Button variant="danger" autoFocus onPress={() => setVoiding(true)}>
              Void this payment…
            </Button>
          )}
          <Button
            autoFocus={!canVoid}
            onPress={() => {
              onClose();
              printReceipt(p.id, p.receiptNo, true);
            }}
          >
            Reprint receipt
          </Button>
        </div>
      ) : (
        <AppForm onSubmit={submit} label="Void" className="pay-stack">
          {banner && <Banner tone="error">{banner}</Banner>}
          <p className="pay-muted">A void is a new reversing row with its own receipt; the payment itself is never changed.</p>
          <FormTextField control={form.control} name="reason" label="Reason for the void" isRequired autoFocus />
          {approval && <ApproverFields control={form.control} why={`Voids above ${money(settings.voidApprovalAboveCents)} need a supervisor’s approval.`} />}
          <div className="pay-actions">
            <Button type="submit" variant="danger" shortcut="Enter">
              Void {money(p.amountCents)}
            </Button>
          </div>
        </AppForm>
      )}
    </Dialog>
  );
}
