/**
 * The payment dialog: type (copay, prior balance, deposit/estimate, prepayment), method (cash: amount + tendered ->
 * change shown big; check: number required; card: terminal reference, brand, last four, auth code — never a card
 * number), amount typed as money text ("12.50" -> cents by the shared parser). Enter takes the payment; only after
 * the commit returns does the dialog show the receipt number (and the change), with Print receipt.
 *
 * Used from the patient screen (P) and from check-in:
 *
 *   <CollectPaymentDialog isOpen onClose={...} patientId={id} appointmentId={apptId} amountDueCents={2500} type="copay" />
 *   // or
 *   const collect = useCollectPayment();  collect.open({ patientId, appointmentId, amountDueCents, type: 'copay' });
 *   return <>{...}{collect.dialog}</>;
 *
 * A copay names its visit: given (check-in, the board), or chosen here from the patient's visits today (the only one
 * is preselected; with several the clerk chooses, or "Not for a visit today"); the API links it in the payment's own
 * transaction. With the drawer closed, "Open the drawer" keeps the payment pending (pending.ts): once the drawer is
 * open the clerk is taken back and this dialog opens again.
 *
 * Validation uses the shared schemas (card guard, check/card details, the money parser) as the clerk types; the API
 * re-checks everything, and any field error it returns is put on that field with the typed input kept.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { z } from 'zod';
import { api, ApiError } from '../api/client.js';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { AppForm, FormRadioGroupField, FormSelectField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { useFormDraft, clearDraft } from '../app/drafts.js';
import { useNav } from '../app/nav.js';
import { openPrint } from '../print/usePrint.js';
import {
  PAYMENT_TYPES,
  PAYMENT_TYPE_LABELS,
  paymentMethodSchema,
  paymentTypeSchema,
  type Payment,
  type PaymentType,
  type Receipt,
  type RecordPaymentInput,
} from '../../shared/domain/payment.js';
import { PAYMENT_METHODS } from '../../shared/domain/drawer.js';
import { cardSafeText } from '../../shared/payments/card-guard.js';
import { centsToPlain } from '../../shared/payments/money.js';
import { centsOf, money, moneyText, parseMoney } from './money.js';
import { METHOD_LABELS, TenderDetailsFields, refineTenderDetails, tenderDetailsInput, tenderDetailsShape } from './TenderDetails.js';
import type { CopayVisit } from '../../shared/api/payments.js';
import { clock, statusLabel } from '../visits/format.js';
import { usePendingPayment } from './pending.js';
import './payments.css';

// the labels moved to TenderDetails.tsx (shared with the refund form); kept importable from here for other screens
export { BRAND_LABELS, METHOD_LABELS } from './TenderDetails.js';

export const paymentFormSchema = z
  .object({
    amount: moneyText(),
    method: paymentMethodSchema,
    tendered: z.string(),
    ...tenderDetailsShape,
    type: paymentTypeSchema,
    /** copay: the appointment id, 'none' (not for a visit today) or '' (not chosen; only when there is no choice) */
    visit: z.string(),
    note: cardSafeText(500, 'Note'),
  })
  .superRefine((v, ctx) => {
    if (v.method === 'cash' && v.tendered.trim()) {
      const t = parseMoney(v.tendered);
      const a = centsOf(v.amount);
      if (!t.ok) ctx.addIssue({ code: 'custom', path: ['tendered'], message: t.message });
      else if (a !== null && t.cents < a) ctx.addIssue({ code: 'custom', path: ['tendered'], message: 'Tendered must be at least the amount' });
    }
    refineTenderDetails(v, ctx, 'Say what the payment was (e.g. money order number)');
  });
export type PaymentFormValues = z.input<typeof paymentFormSchema>;

/** The API input from the form's values (already validated). `appointmentId`: the visit the dialog was opened for. */
export function toRecordInput(v: PaymentFormValues, patientId: string, appointmentId: string | undefined): RecordPaymentInput {
  const amountCents = centsOf(v.amount) ?? 0;
  const base: RecordPaymentInput = { type: v.type, method: v.method, amountCents, patientId, note: v.note.trim() };
  if (appointmentId) base.appointmentId = appointmentId;
  else if (v.type === 'copay' && v.visit === 'none') base.appointmentId = null;
  else if (v.type === 'copay' && v.visit) base.appointmentId = v.visit;
  if (v.method === 'cash') base.tenderedCents = v.tendered.trim() ? (centsOf(v.tendered) ?? amountCents) : amountCents;
  return Object.assign(base, tenderDetailsInput(v));
}

export interface CollectPaymentOptions {
  patientId: string;
  /** the appointment a copay belongs to (check-in) */
  appointmentId?: string;
  /** what is due (pre-filled as the amount) */
  amountDueCents?: number;
  type?: PaymentType;
  /** shown in the dialog title, e.g. the patient's name (the dialog does not load the patient itself) */
  patientLabel?: string;
}

export interface CollectPaymentDialogProps extends CollectPaymentOptions {
  isOpen: boolean;
  onClose: () => void;
  /** after the payment is committed (the dialog then shows the receipt number) */
  onRecorded?: (r: { payment: Payment; receipt: Receipt }) => void;
}

export function CollectPaymentDialog(p: CollectPaymentDialogProps) {
  if (!p.isOpen) return null;
  return <CollectPaymentBody {...p} />;
}

type Drawer = { open: boolean; nextReceiptNo: string } | null;

/** "9:40 AM Sick visit · Dr. Lopez · arrived · copay $25.00" */
export function visitLabel(v: CopayVisit): string {
  const copay = v.copay === 'collected' ? 'copay collected' : v.copayDueCents > 0 && v.copay !== 'none' ? `copay ${money(v.copayDueCents)}` : 'no copay due';
  return [`${clock(v.start)} ${v.walkIn ? 'Walk-in' : v.typeName}`.trim(), v.providerName, statusLabel(v.status).toLowerCase(), copay].filter(Boolean).join(' · ');
}

/** The visit preselected for a copay: the only one of the day; with several, none (the clerk chooses). */
function defaultVisit(visits: CopayVisit[]): string {
  return visits.length === 1 ? visits[0]!.appointmentId : '';
}

function CollectPaymentBody({ onClose, patientId, appointmentId, amountDueCents, type = 'copay', patientLabel, onRecorded }: CollectPaymentDialogProps) {
  const [drawer, setDrawer] = useState<Drawer>(null);
  const [visits, setVisits] = useState<CopayVisit[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [banner, setBanner] = useState<string | null>(null);
  const [done, setDone] = useState<{ payment: Payment; receipt: Receipt } | null>(null);
  const draftKey = `payment:${patientId}:${appointmentId ?? ''}`;
  const defaults: PaymentFormValues = useMemo(
    () => ({
      amount: amountDueCents ? centsToPlain(amountDueCents) : '',
      method: 'cash',
      tendered: '',
      check: { number: '', bank: '' },
      card: { terminalRef: '', brand: '', lastFour: '', authCode: '' },
      otherRef: '',
      type,
      visit: '',
      note: '',
    }),
    [amountDueCents, type],
  );
  const form = useZodForm(paymentFormSchema, defaults);
  useFormDraft(draftKey, form);

  useEffect(() => {
    let live = true;
    Promise.all([api.call('drawer.current', {}), api.call('payments.copayVisits', { patientId })])
      .then(([r, cv]) => {
        if (!live) return;
        setVisits(cv.visits);
        if (!appointmentId && !form.getValues('visit')) {
          const d = defaultVisit(cv.visits);
          form.setValue('visit', d);
          const due = cv.visits.find((x) => x.appointmentId === d);
          if (due && due.copay !== 'collected' && due.copay !== 'none' && due.copayDueCents > 0 && !form.getValues('amount')) form.setValue('amount', centsToPlain(due.copayDueCents));
        }
        setDrawer({ open: r.session !== null, nextReceiptNo: r.nextReceiptNo });
      })
      .catch((e) => live && setLoadError(e instanceof ApiError ? e.message : 'Could not read the drawer.'));
    return () => {
      live = false;
    };
  }, [patientId, appointmentId, form]);

  const chooseVisit = !appointmentId && visits.length > 0;
  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    if (chooseVisit && v.type === 'copay' && !v.visit) {
      form.setError('visit', { message: 'Choose the visit this copay is for' }, { shouldFocus: true });
      setBanner(`This patient has ${visits.length} visits today: choose the visit this copay is for. Nothing was saved; your input is kept.`);
      return;
    }
    try {
      const r = await api.call('payments.record', toRecordInput(v, patientId, appointmentId));
      clearDraft(draftKey);
      setDone(r);
      onRecorded?.(r);
    } catch (e) {
      const res = applyServerErrors(form, e, { amountCents: 'amount', tenderedCents: 'tendered', appointmentId: 'visit' });
      setBanner(res.applied.length ? `${res.message} Your input is kept; correct the marked field.` : `${res.message} Nothing was saved; your input is kept.`);
    }
  });

  const title = done ? 'Payment taken' : `Take payment${patientLabel ? ` — ${patientLabel}` : ''}`;
  let body: ReactNode;
  if (done) body = <PaymentDone result={done} onClose={onClose} />;
  else if (loadError) body = <Banner tone="error">{loadError}</Banner>;
  else if (!drawer) body = <p role="status">Checking the drawer…</p>;
  else if (!drawer.open)
    body = (
      <div className="pay-stack">
        <Banner tone="warning" title="The drawer is not open.">
          {' '}
          Open it with the counted float first; then take the payment.
        </Banner>
        <div className="pay-actions">
          <Button
            variant="primary"
            autoFocus
            shortcut="Alt+D"
            onPress={() => {
              // kept: once the drawer is open, the clerk comes back to this payment (pending.ts)
              usePendingPayment.getState().set({ patientId, appointmentId, amountDueCents, type, patientLabel });
              onClose();
              useNav.getState().go({ name: 'drawer' });
            }}
          >
            Open the drawer
          </Button>
          <span className="pay-muted">Count the float; then this payment opens again.</span>
        </div>
      </div>
    );
  else
    body = (
      <PaymentForm
        form={form}
        submit={submit}
        banner={banner}
        nextReceiptNo={drawer.nextReceiptNo}
        amountDueCents={amountDueCents}
        visits={chooseVisit ? visits : null}
        forVisit={appointmentId ? (visits.find((x) => x.appointmentId === appointmentId) ?? null) : null}
      />
    );

  return (
    <Dialog isOpen onClose={onClose} title={title} className="pay-dialog">
      {body}
    </Dialog>
  );
}

function PaymentForm({
  form,
  submit,
  banner,
  nextReceiptNo,
  amountDueCents,
  visits,
  forVisit,
}: {
  form: ReturnType<typeof useZodForm<typeof paymentFormSchema>>;
  submit: () => void;
  banner: string | null;
  nextReceiptNo: string;
  amountDueCents?: number;
  /** the patient's visits today to choose from (a copay not opened for a visit); null: no choice */
  visits: CopayVisit[] | null;
  /** the visit the dialog was opened for (check-in, the board) */
  forVisit: CopayVisit | null;
}) {
  const method = form.watch('method');
  const payType = form.watch('type');
  const amountText = form.watch('amount');
  const tenderedText = form.watch('tendered');
  const amount = centsOf(amountText);
  const tendered = tenderedText.trim() ? centsOf(tenderedText) : amount;
  const change = method === 'cash' && amount !== null && tendered !== null && tendered >= amount ? tendered - amount : null;
  const c = form.control;
  return (
    <AppForm onSubmit={submit} label="Payment" className="pay-form">
      {banner && <Banner tone="error">{banner}</Banner>}
      <div className="pay-row">
        <FormTextField control={c} name="amount" label="Amount" isRequired autoFocus placeholder="0.00" description={amountDueCents ? `Due: ${money(amountDueCents)}` : 'Dollars and cents, like 12.50'} />
        <FormRadioGroupField control={c} name="method" label="Method" options={PAYMENT_METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] }))} />
      </div>
      {method === 'cash' && (
        <div className="pay-row pay-cash">
          <FormTextField control={c} name="tendered" label="Tendered" placeholder="0.00" description="What the patient hands over (empty = exact)" />
          <div className="pay-change" aria-live="polite" data-testid="change-due">
            <span className="pay-change__label">Change</span>
            <span className="pay-change__value">{change === null ? '—' : money(change)}</span>
          </div>
        </div>
      )}
      <TenderDetailsFields control={c} method={method} slip="card terminal’s slip" otherLabel="What it was (e.g. money order number)" />
      <div className="pay-row">
        <FormRadioGroupField control={c} name="type" label="Payment type" options={PAYMENT_TYPES.map((t) => ({ value: t, label: PAYMENT_TYPE_LABELS[t] }))} />
      </div>
      {payType === 'copay' && visits && (
        <div className="pay-row">
          <FormSelectField
            control={c}
            name="visit"
            label="Visit"
            isRequired
            className="pay-visit"
            description={visits.length > 1 ? `${visits.length} visits today: which one is this copay for?` : 'The copay is linked to this visit'}
            options={[...visits.map((v) => ({ value: v.appointmentId, label: visitLabel(v) })), { value: 'none', label: 'Not for a visit today' }]}
          />
        </div>
      )}
      {payType === 'copay' && forVisit && <p className="pay-muted">For the visit: {visitLabel(forVisit)}</p>}
      <FormTextField control={c} name="note" label="Note (optional)" />
      <div className="pay-actions">
        <span className="pay-muted">
          Receipt <span className="pay-mono">{nextReceiptNo}</span>
        </span>
        <span className="ad-spacer" />
        <Button type="submit" variant="primary" shortcut="Enter">
          Take payment
        </Button>
      </div>
    </AppForm>
  );
}

/** Receipt print preview (the print layer's PrintPreview). `reprint` marks and audits a reprint. */
export function printReceipt(paymentId: string, receiptNo: string, reprint = false): void {
  openPrint({ title: `${reprint ? 'Reprint' : 'Receipt'} ${receiptNo}`, load: () => api.call('payments.receiptPdf', { paymentId, paper: '80mm', reprint }) });
}

/** The footer of a done panel (payment, refund): Print (focused, so Enter prints; closes first) and Done (Esc). */
export function PrintReceiptActions({ paymentId, receiptNo, label, onClose }: { paymentId: string; receiptNo: string; label: string; onClose: () => void }) {
  const printRef = useRef<HTMLButtonElement>(null);
  useEffect(() => printRef.current?.focus(), []);
  return (
    <div className="pay-actions">
      <Button
        ref={printRef}
        variant="primary"
        shortcut="Enter"
        onPress={() => {
          onClose();
          printReceipt(paymentId, receiptNo);
        }}
      >
        {label}
      </Button>
      <Button onPress={onClose} shortcut="Esc">
        Done
      </Button>
    </div>
  );
}

function PaymentDone({ result, onClose }: { result: { payment: Payment; receipt: Receipt }; onClose: () => void }) {
  const p = result.payment;
  return (
    <div className="pay-stack" data-testid="payment-done">
      <div className="pay-done">
        <div>
          <span className="pay-done__label">Receipt</span>
          <span className="pay-done__big pay-mono" data-testid="receipt-no">
            {p.receiptNo}
          </span>
        </div>
        <div>
          <span className="pay-done__label">{PAYMENT_TYPE_LABELS[p.type]} · {result.receipt.methodText}</span>
          <span className="pay-done__big">{money(p.amountCents)}</span>
        </div>
        {p.method === 'cash' && (
          <div>
            <span className="pay-done__label">Change to give (tendered {money(p.tenderedCents)})</span>
            <span className="pay-done__big pay-done__change" data-testid="change-given">
              {money(p.changeCents)}
            </span>
          </div>
        )}
      </div>
      <Banner tone="success">Saved. The receipt number is final.</Banner>
      <PrintReceiptActions paymentId={p.id} receiptNo={p.receiptNo} label="Print receipt" onClose={onClose} />
    </div>
  );
}

/** For screens that open the dialog imperatively (check-in): render `dialog` somewhere, call `open(...)`. */
export function useCollectPayment(onRecorded?: (r: { payment: Payment; receipt: Receipt }) => void): {
  open: (o: CollectPaymentOptions) => void;
  close: () => void;
  dialog: ReactNode;
} {
  const [opts, setOpts] = useState<CollectPaymentOptions | null>(null);
  return {
    open: setOpts,
    close: () => setOpts(null),
    dialog: opts ? <CollectPaymentDialog isOpen {...opts} onClose={() => setOpts(null)} onRecorded={onRecorded} /> : null,
  };
}
