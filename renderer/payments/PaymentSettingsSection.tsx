/**
 * Payment settings (administrator; a section of the Settings screen, Alt+T): the void and refund approval limits,
 * the drawer's variance tolerance, the suggested opening float, the denominations counted at open and close, and the
 * clinic's address and phone printed on every receipt. They are the clinic's: saving is ONE audited command
 * (payments.updateSettings) whose 'payments.settings_configured' op takes them to every desk (a desk whose drawer is
 * open then takes new denominations when it closes). Money is typed as text
 * ("50.00") and parsed by the shared parser into integer cents; bad input is marked at its field, nothing is saved,
 * the typed input is kept. The denominations cannot change while this desk's drawer is open (the API says so).
 */
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { api, ApiError } from '../api/client.js';
import { Banner } from '../ui/Banner.js';
import { Button } from '../ui/Button.js';
import { AppForm, FormCheckboxField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { clearDraft, useFormDraft } from '../app/drafts.js';
import { US_DENOMINATIONS, US_ROLLS, type Denomination, type PaymentSettings } from '../../shared/domain/drawer.js';
import { paymentSettingsSchema } from '../../shared/domain/drawer.js';
import { centsToPlain } from '../../shared/payments/money.js';
import { centsOf, moneyText } from './money.js';
import './payments.css';

/** Every denomination the screen offers: the configured ones (in their order), then the rest of the US set and rolls. */
function catalog(current: Denomination[]): Denomination[] {
  const seen = new Set(current.map((d) => d.code));
  return [...current, ...[...US_DENOMINATIONS, ...US_ROLLS].filter((d) => !seen.has(d.code))].sort((a, b) => order(a) - order(b));
}
const KIND_ORDER = { bill: 0, coin: 1, roll: 2 } as const;
const order = (d: Denomination) => KIND_ORDER[d.kind] * 1e9 - d.valueCents;

const formSchema = z
  .object({
    voidApproval: moneyText(),
    refundApproval: moneyText(),
    tolerance: moneyText(),
    defaultFloat: moneyText(),
    counted: z.record(z.string(), z.boolean()),
    address1: z.string().trim().max(100, { error: 'At most 100 characters' }),
    address2: z.string().trim().max(100, { error: 'At most 100 characters' }),
    phone: z.string().trim().max(30, { error: 'At most 30 characters' }).regex(/^[0-9()+\-. x]*$/, { error: 'Digits, spaces and ( ) + - . x only' }),
  })
  .superRefine((v, ctx) => {
    if (!Object.values(v.counted).some(Boolean)) ctx.addIssue({ code: 'custom', path: ['counted'], message: 'Count at least one denomination' });
    const tol = centsOf(v.tolerance);
    if (tol !== null && tol > 100_00) ctx.addIssue({ code: 'custom', path: ['tolerance'], message: 'At most $100.00: a larger variance must be signed off' });
    const fl = centsOf(v.defaultFloat);
    if (fl !== null && fl > 5_000_00) ctx.addIssue({ code: 'custom', path: ['defaultFloat'], message: 'At most $5,000.00' });
  });
type FormValues = z.input<typeof formSchema>;

function toForm(s: PaymentSettings, all: Denomination[]): FormValues {
  const on = new Set(s.denominations.map((d) => d.code));
  const [address1 = '', ...rest] = s.clinicAddress.split(/\r?\n/);
  return {
    voidApproval: centsToPlain(s.voidApprovalAboveCents),
    refundApproval: centsToPlain(s.refundApprovalAboveCents),
    tolerance: centsToPlain(s.varianceToleranceCents),
    defaultFloat: centsToPlain(s.defaultFloatCents),
    counted: Object.fromEntries(all.map((d) => [d.code, on.has(d.code)])),
    address1,
    address2: rest.join(' '),
    phone: s.clinicPhone,
  };
}

function toSettings(v: FormValues, all: Denomination[]): PaymentSettings {
  return paymentSettingsSchema.parse({
    denominations: all.filter((d) => v.counted[d.code]),
    voidApprovalAboveCents: centsOf(v.voidApproval) ?? 0,
    refundApprovalAboveCents: centsOf(v.refundApproval) ?? 0,
    varianceToleranceCents: centsOf(v.tolerance) ?? 0,
    defaultFloatCents: centsOf(v.defaultFloat) ?? 0,
    clinicAddress: [v.address1.trim(), v.address2.trim()].filter(Boolean).join('\n'),
    clinicPhone: v.phone.trim(),
  });
}

export function PaymentSettingsSection() {
  const [loaded, setLoaded] = useState<PaymentSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .call('payments.settings', {})
      .then(setLoaded)
      .catch((e) => setError(e instanceof ApiError ? e.message : 'Could not load the payment settings.'));
  }, []);
  return (
    <section className="ad-section" aria-labelledby="settings-payments" data-testid="payment-settings">
      <h2 id="settings-payments">Payments, drawer and receipts</h2>
      {error && <Banner tone="error">{error}</Banner>}
      {loaded && <PaymentSettingsForm initial={loaded} />}
    </section>
  );
}

function PaymentSettingsForm({ initial }: { initial: PaymentSettings }) {
  const [all] = useState(() => catalog(initial.denominations));
  const form = useZodForm(formSchema, toForm(initial, all));
  useFormDraft('settings:payments', form);
  const [banner, setBanner] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const c = form.control;
  const submit = form.handleSubmit(
    async (v) => {
      setBanner(null);
      try {
        const saved = await api.call('payments.updateSettings', toSettings(v, all));
        form.reset(toForm(saved, all));
        clearDraft('settings:payments');
        setBanner({ tone: 'success', text: 'Payment settings saved.' });
      } catch (e) {
        const r = applyServerErrors(form, e, {
          voidApprovalAboveCents: 'voidApproval',
          refundApprovalAboveCents: 'refundApproval',
          varianceToleranceCents: 'tolerance',
          defaultFloatCents: 'defaultFloat',
          clinicPhone: 'phone',
          clinicAddress: 'address1',
          denominations: 'counted',
        });
        setBanner({ tone: 'error', text: `${r.message} Nothing was saved; your input is kept.` });
      }
    },
    () => setBanner({ tone: 'error', text: 'Some payment settings need attention. Nothing was saved.' }),
  );
  const countedError = (form.formState.errors.counted as { message?: string } | undefined)?.message;
  const groups: [string, Denomination[]][] = [
    ['Bills', all.filter((d) => d.kind === 'bill')],
    ['Coins', all.filter((d) => d.kind === 'coin')],
    ['Rolls', all.filter((d) => d.kind === 'roll')],
  ];
  return (
    <AppForm onSubmit={submit} label="Payment settings" className="pay-stack">
      {banner && <Banner tone={banner.tone}>{banner.text}</Banner>}
      <div className="ad-grid" style={{ ['--cols' as string]: 4 }}>
        <FormTextField control={c} name="voidApproval" label="Voids need a supervisor above" isRequired description="Dollars, e.g. 50.00 (0.00: every void)" />
        <FormTextField control={c} name="refundApproval" label="Refunds need a supervisor above" isRequired description="Dollars, e.g. 25.00" />
        <FormTextField control={c} name="tolerance" label="Drawer variance tolerance" isRequired description="Per method; beyond it a supervisor signs off" />
        <FormTextField control={c} name="defaultFloat" label="Suggested opening float" isRequired description="Shown when the drawer is opened" />
      </div>
      <fieldset className="pay-denoms" aria-describedby={countedError ? 'pay-denoms-err' : undefined}>
        <legend>Denominations counted at open and close</legend>
        {groups
          .filter(([, ds]) => ds.length > 0)
          .map(([label, ds]) => (
            <div key={label} className="pay-denoms__group" role="group" aria-label={label}>
              <span className="pay-denoms__label" aria-hidden="true">
                {label}
              </span>
              {ds.map((d) => (
                <FormCheckboxField key={d.code} control={c} name={`counted.${d.code}` as never} label={d.label} />
              ))}
            </div>
          ))}
        {countedError && (
          <span id="pay-denoms-err" className="ad-error">
            <span className="ad-visually-hidden">Error: </span>
            {countedError}
          </span>
        )}
      </fieldset>
      <div className="ad-grid" style={{ ['--cols' as string]: 3 }}>
        <FormTextField control={c} name="address1" label="Clinic address (receipts)" description="Street, e.g. 1500 W Cermak Rd" />
        <FormTextField control={c} name="address2" label="City, state, ZIP (receipts)" description="e.g. Chicago, IL 60608" />
        <FormTextField control={c} name="phone" label="Clinic phone (receipts)" description="e.g. (312) 555-0100" />
      </div>
      <div className="pay-actions">
        <Button type="submit" variant="primary" shortcut="Enter">
          Save payment settings
        </Button>
        <span className="pay-muted">For every desk’s drawer and receipts: they reach the other desks through the hub (a desk with its drawer open takes new denominations at its close). Saving is recorded in the audit log.</span>
      </div>
    </AppForm>
  );
}
