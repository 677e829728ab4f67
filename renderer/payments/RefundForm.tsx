/**
 * Refund of (part of) an earlier payment, keyboard only: amount (money text, default = everything still refundable),
 * how the money goes back (default: the original method; card refunds need the terminal's reference, brand, last
 * four and auth code — never a card number; a refund by check needs the check number), the reason, and — above the
 * refund limit, or whenever the API says so — a supervisor's credentials typed on the spot (the same ApproverFields
 * as the void). The refund is a NEW reversing row with its own receipt (marked REFUND); the payment never changes.
 * After the commit the panel shows the refund's receipt number with Print receipt (Enter).
 */
import { useState } from 'react';
import { z } from 'zod';
import { api } from '../api/client.js';
import type { MethodInput } from '../../shared/api/contract.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { AppForm, FormRadioGroupField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { paymentMethodSchema, type PaymentListItem, type Receipt } from '../../shared/domain/payment.js';
import { PAYMENT_METHODS, type PaymentSettings } from '../../shared/domain/drawer.js';
import { requiredCardSafeText } from '../../shared/payments/card-guard.js';
import { centsToPlain } from '../../shared/payments/money.js';
import { ApproverFields, approverFieldsSchema, approverInput, approverMissing, needsApproval, noApprover } from './ApproverFields.js';
import { PrintReceiptActions } from './CollectPaymentDialog.js';
import { centsOf, money, moneyText } from './money.js';
import { METHOD_LABELS, TenderDetailsFields, refineTenderDetails, tenderDetailsInput, tenderDetailsShape } from './TenderDetails.js';

type RefundInput = MethodInput<'payments.refund'>;

function refundFormSchema(refundableCents: number) {
  return z
    .object({
      amount: moneyText(),
      method: paymentMethodSchema,
      ...tenderDetailsShape,
      reason: requiredCardSafeText(200, 'Reason'),
      approver: approverFieldsSchema,
    })
    .superRefine((v, ctx) => {
      const a = centsOf(v.amount);
      if (a !== null && a > refundableCents) ctx.addIssue({ code: 'custom', path: ['amount'], message: `At most ${money(refundableCents)} can still be refunded` });
      refineTenderDetails(v, ctx, 'Say how the money was returned');
    });
}
type RefundFormValues = z.input<ReturnType<typeof refundFormSchema>>;

/** The API input from the form's values (already validated). */
export function toRefundInput(v: RefundFormValues, paymentId: string, approval: boolean): RefundInput {
  const input: RefundInput = { paymentId, amountCents: centsOf(v.amount) ?? 0, method: v.method, reason: v.reason.trim(), ...tenderDetailsInput(v) };
  if (approval) input.approver = approverInput(v.approver);
  return input;
}

export function RefundForm({ payment: p, settings, onRefunded }: { payment: PaymentListItem; settings: PaymentSettings; onRefunded: (r: Receipt) => void }) {
  const form = useZodForm(refundFormSchema(p.refundableCents), {
    amount: centsToPlain(p.refundableCents),
    method: p.method,
    check: { number: '', bank: '' },
    card: { terminalRef: '', brand: p.card?.brand ?? '', lastFour: p.card?.lastFour ?? '', authCode: '' },
    otherRef: '',
    reason: '',
    approver: noApprover(),
  });
  const [forced, setForced] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const amount = centsOf(form.watch('amount'));
  const method = form.watch('method');
  const approval = forced || (amount !== null && amount > settings.refundApprovalAboveCents);
  const c = form.control;

  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    if (approverMissing(form.setError, approval, v.approver)) return;
    try {
      const r = await api.call('payments.refund', toRefundInput(v, p.id, approval));
      form.setValue('approver.password', '');
      onRefunded(r.receipt);
    } catch (e) {
      if (needsApproval(e)) setForced(true);
      const res = applyServerErrors(form, e, { amountCents: 'amount' });
      setBanner(`${res.message}${res.message.includes('Nothing was saved') ? '' : ' Nothing was saved; your input is kept.'}`);
    }
  });

  return (
    <AppForm onSubmit={submit} label="Refund" className="pay-stack">
      {banner && <Banner tone="error">{banner}</Banner>}
      <p className="pay-muted">
        A refund is a new reversing row with its own receipt; the payment itself is never changed. Still refundable: <strong>{money(p.refundableCents)}</strong>
        {p.reversedCents !== 0 ? ` (already refunded ${money(-p.reversedCents)})` : ''}.
      </p>
      <div className="pay-row">
        <FormTextField control={c} name="amount" label="Refund amount" isRequired autoFocus placeholder="0.00" description={`All or part, at most ${money(p.refundableCents)}`} />
        <FormRadioGroupField control={c} name="method" label="Refund by" options={PAYMENT_METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] }))} />
      </div>
      <TenderDetailsFields control={c} method={method} slip="card terminal’s refund slip" otherLabel="How the money was returned" />
      <FormTextField control={c} name="reason" label="Reason for the refund" isRequired />
      {approval && <ApproverFields control={c} why={`Refunds above ${money(settings.refundApprovalAboveCents)} need a supervisor’s approval.`} />}
      <div className="pay-actions">
        <Button type="submit" variant="danger" shortcut="Enter">
          Refund {amount !== null ? money(amount) : ''}
        </Button>
      </div>
    </AppForm>
  );
}

/** After the commit: the refund's receipt number (final), the amount, the approver; Enter prints the receipt. */
export function RefundDone({ receipt: r, onClose }: { receipt: Receipt; onClose: () => void }) {
  const p = r.payment;
  return (
    <div className="pay-stack" data-testid="refund-done">
      <div className="pay-done">
        <div>
          <span className="pay-done__label">REFUND receipt</span>
          <span className="pay-done__big pay-mono" data-testid="refund-receipt-no">
            {r.receiptNo}
          </span>
        </div>
        <div>
          <span className="pay-done__label">
            {r.typeText} {r.originalReceiptNo ?? ''} · {r.methodText}
          </span>
          <span className="pay-done__big pay-neg">{money(p.amountCents)}</span>
        </div>
      </div>
      <Banner tone="success">
        Refund saved{p.approvedBy ? `, approved by ${p.approvedBy.userName}` : ''}. The receipt number is final.
      </Banner>
      <PrintReceiptActions paymentId={p.id} receiptNo={r.receiptNo} label="Print refund receipt" onClose={onClose} />
    </div>
  );
}
