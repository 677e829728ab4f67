/**
 * The tender details of a payment or a refund, shared by CollectPaymentDialog and RefundForm: the check (number,
 * bank), the card slip (terminal reference, brand, last four, auth code — never a card number) and the 'other'
 * reference. One form shape (`tenderDetailsShape`), one validation (`refineTenderDetails`, the shared domain schemas),
 * one mapping to the API input (`tenderDetailsInput`) and one set of fields (`TenderDetailsFields`, react-hook-form
 * bound at `check.*`, `card.*`, `otherRef` — the paths the API reports errors on).
 */
import { CARD_BRAND_LABELS } from '../../shared/payments/card-brand.js';
import type { Control, FieldValues } from 'react-hook-form';
import { z } from 'zod';
import { FormSelectField, FormTextField } from '../ui/form.js';
import { CARD_BRANDS, cardDetailsSchema, checkDetailsSchema, type CardDetails, type CheckDetails } from '../../shared/domain/payment.js';
import type { PaymentMethod } from '../../shared/domain/drawer.js';
import { cardSafeText } from '../../shared/payments/card-guard.js';

export const METHOD_LABELS: Record<PaymentMethod, string> = { cash: 'Cash', check: 'Check', card: 'Card', other: 'Other' };
/** the one card-brand wording (shared/payments/card-brand.ts) */
export const BRAND_LABELS = CARD_BRAND_LABELS;

/** The form fields of the tender details (as typed: the brand may still be empty). */
export const tenderDetailsShape = {
  check: z.object({ number: z.string(), bank: z.string() }),
  card: z.object({ terminalRef: z.string(), brand: z.string(), lastFour: z.string(), authCode: z.string() }),
  otherRef: z.string(),
};

export interface TenderDetailsValues {
  method: PaymentMethod;
  check: { number: string; bank: string };
  card: { terminalRef: string; brand: string; lastFour: string; authCode: string };
  otherRef: string;
}

/** Puts a nested schema's issues on this form's paths (prefix + issue path). */
function nested(ctx: z.RefinementCtx, prefix: string, r: z.ZodSafeParseResult<unknown>) {
  if (r.success) return;
  for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: [prefix, ...i.path.map(String)], message: i.message });
}

const otherRefSchema = cardSafeText(60, 'Reference');

/** The checks of the selected method's details (for a form schema's superRefine); `otherMissing` when 'other' is empty. */
export function refineTenderDetails(v: TenderDetailsValues, ctx: z.RefinementCtx, otherMissing: string): void {
  if (v.method === 'check') nested(ctx, 'check', checkDetailsSchema.safeParse(v.check));
  if (v.method === 'card') {
    if (!v.card.brand) ctx.addIssue({ code: 'custom', path: ['card', 'brand'], message: 'Choose the card brand' });
    nested(ctx, 'card', cardDetailsSchema.safeParse({ ...v.card, brand: v.card.brand || 'other' }));
  }
  if (v.method === 'other') {
    const r = otherRefSchema.safeParse(v.otherRef);
    if (!r.success) nested(ctx, 'otherRef', r);
    else if (!r.data) ctx.addIssue({ code: 'custom', path: ['otherRef'], message: otherMissing });
  }
}

/** The API input's details of the selected method (already validated): check, card or otherRef, trimmed. */
export function tenderDetailsInput(v: TenderDetailsValues): { check?: CheckDetails; card?: CardDetails; otherRef?: string } {
  if (v.method === 'check') return { check: { number: v.check.number.trim(), bank: v.check.bank.trim() } };
  if (v.method === 'card')
    return { card: { terminalRef: v.card.terminalRef.trim(), brand: v.card.brand as (typeof CARD_BRANDS)[number], lastFour: v.card.lastFour.trim(), authCode: v.card.authCode.trim() } };
  if (v.method === 'other') return { otherRef: v.otherRef.trim() };
  return {};
}

/**
 * The fields of the selected method's details (nothing for cash).
 *   <TenderDetailsFields control={form.control} method={method} slip="card terminal’s slip" otherLabel="What it was" />
 */
export function TenderDetailsFields<T extends FieldValues>({
  control,
  method,
  slip,
  otherLabel,
}: {
  control: Control<T, unknown, unknown>;
  method: PaymentMethod;
  /** where the card details are read from, e.g. "card terminal’s refund slip" */
  slip: string;
  otherLabel: string;
}) {
  const c = control;
  return (
    <>
      {method === 'check' && (
        <div className="pay-row">
          <FormTextField control={c} name={'check.number' as never} label="Check number" isRequired />
          <FormTextField control={c} name={'check.bank' as never} label="Bank (optional)" />
        </div>
      )}
      {method === 'card' && (
        <>
          <p className="pay-muted">From the {slip}. Never type the card number.</p>
          <div className="pay-row">
            <FormTextField control={c} name={'card.terminalRef' as never} label="Terminal reference" isRequired />
            <FormSelectField control={c} name={'card.brand' as never} label="Brand" isRequired options={CARD_BRANDS.map((b) => ({ value: b, label: BRAND_LABELS[b] }))} />
            <FormTextField control={c} name={'card.lastFour' as never} label="Last four" isRequired inputMode="numeric" maxLength={4} />
            <FormTextField control={c} name={'card.authCode' as never} label="Auth code" isRequired />
          </div>
        </>
      )}
      {method === 'other' && <FormTextField control={c} name={'otherRef' as never} label={otherLabel} isRequired />}
    </>
  );
}
