/**
 * The one patient form (register and edit): react-hook-form + patientInputSchema (useZodForm). Sections follow how a
 * clerk reads an ID card and an insurance card: last, first, DOB, sex, then phone, address, the rest.
 * Every field shows its own error as the clerk leaves it (then as they type); lists are useFieldArray with keyboard
 * "Add …" / "Remove" buttons (a new row's first field takes focus; removing a row puts focus on the list's Add button).
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useFieldArray, useWatch, type Control, type FieldValues, type Resolver, type UseFormReturn } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { CheckboxGroup, Checkbox, Label, FieldError } from 'react-aria-components';
import {
  patientInputSchema,
  emptyPatientForm,
  US_STATES,
  type PatientFormValues,
  type PatientInput,
  type Patient,
  RACE,
  emptyGuarantorAddress,
  guarantorAddressLine,
} from '../../shared/domain/patient.js';
import { CONSENT_POLICY } from '../../shared/visits/consents.js';
import { useZodForm, FormTextField, FormDateField, FormSelectField, FormCheckboxField, FormField } from '../ui/form.js';
import { Button } from '../ui/Button.js';
import { SelectField, RadioGroupField } from '../ui/fields.js';
import {
  ADDRESS_USE_LABELS,
  CONSENT_LABELS,
  ETHNICITY_LABELS,
  GENDER_LABELS,
  IDENTIFIER_LABELS,
  LANGUAGES,
  MARITAL_LABELS,
  PHONE_USE_LABELS,
  PRONOUN_LABELS,
  RACE_LABELS,
  RELATIONSHIP_LABELS,
  SEX_LABELS,
  options,
  siteToday,
} from './format.js';

export type PatientFormApi = UseFormReturn<PatientFormValues, unknown, PatientInput>;
type C = Control<PatientFormValues, unknown, PatientInput>;

/** Per list: the fields that say a row holds something. A trailing row with all of them blank is dropped on save. */
const ROW_CONTENT: Record<string, string[]> = {
  phones: ['number'],
  addresses: ['line1', 'line2', 'city', 'postalCode'],
  emergencyContacts: ['name', 'relationship', 'phone'],
  previousNames: ['given', 'family', 'until'],
  coverages: ['payerName', 'planName', 'memberId', 'groupNumber'],
  consents: ['version', 'signedOn', 'signer'],
  identifiers: ['value'],
};

/**
 * Drops blank rows at the END of each list (the register form starts with an empty phone row, and "Add …" then
 * leaving is not an error). Only trailing rows, so the indexes of the schema's errors still match the form's rows.
 */
export function dropTrailingBlankRows(v: FieldValues): FieldValues {
  const out: Record<string, unknown> = { ...v };
  for (const [list, keys] of Object.entries(ROW_CONTENT)) {
    const rows = out[list];
    if (!Array.isArray(rows)) continue;
    const copy = [...(rows as Record<string, unknown>[])];
    while (copy.length && keys.every((k) => String(copy[copy.length - 1]?.[k] ?? '').trim() === '')) copy.pop();
    out[list] = copy;
  }
  return out;
}

const baseResolver = zodResolver(patientInputSchema as never) as unknown as Resolver<PatientFormValues, unknown, PatientInput>;
const resolver: Resolver<PatientFormValues, unknown, PatientInput> = (values, ctx, opts) =>
  baseResolver(dropTrailingBlankRows(values) as PatientFormValues, ctx, opts);

export function usePatientForm(defaults: PatientFormValues): PatientFormApi {
  // useZodForm's settings (onTouched, re-validate on change, focus first error) with the blank-row-tolerant resolver
  const extra = { resolver, shouldUnregister: false };
  return useZodForm(patientInputSchema, defaults, extra) as unknown as PatientFormApi;
}

export const blankPhone = () => ({ use: 'mobile' as const, number: '', smsConsent: false });
const blankAddress = () => ({ use: 'home' as const, line1: '', line2: '', city: '', state: undefined as unknown as 'IL', postalCode: '', country: 'US' as const });
const blankContact = () => ({ name: '', relationship: '', phone: '' });
const blankPrevious = () => ({ given: '', family: '', until: '' });
const blankIdentifier = () => ({ type: 'drivers-license' as const, value: '' });
type ConsentType = PatientInput['consents'][number]['type'];

/** The site's current version of a consent form ('' when the policy has none for that type). */
export function currentConsentVersion(type: ConsentType): string {
  return CONSENT_POLICY.find((r) => r.type === type)?.currentVersion ?? '';
}

/**
 * A new consent row, filled as it is usually signed at the desk: the first of the site's policy consents not on the
 * list yet, its current version, signed today, by the patient (self).
 */
export function newConsentRow(existing: { type?: string }[], signer: string, today: string) {
  const have = new Set(existing.map((c) => c.type));
  const type: ConsentType = CONSENT_POLICY.find((r) => !have.has(r.type))?.type ?? 'treatment';
  return { type, version: currentConsentVersion(type), signedOn: today, signer, signerRelationship: 'self' };
}

/** The subscriber relationship (the patient is the subscriber's …) a guarantor relationship suggests. */
export function subscriberRelationshipFor(guarantorRelationship: string): 'spouse' | 'child' | 'other' {
  if (/mother|father|parent|mom|dad|guardian|step/i.test(guarantorRelationship)) return 'child';
  if (/wife|husband|spouse|partner/i.test(guarantorRelationship)) return 'spouse';
  return 'other';
}

/** An empty register form: one blank phone row so the phone follows DOB and sex in the tab order. */
export function newPatientForm(): PatientFormValues {
  return { ...emptyPatientForm(), phones: [blankPhone()] };
}

/** A stored patient as form values (drops the server-only fields). */
export function formValuesOf(p: Patient): PatientFormValues {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { id, mrn, version, createdAt, updatedAt, ...doc } = p;
  return structuredClone(doc) as PatientFormValues;
}

const SEX_OPTIONS = options(SEX_LABELS);
const GENDER_OPTIONS = options(GENDER_LABELS);
const PRONOUN_OPTIONS = options(PRONOUN_LABELS);
const ETHNICITY_OPTIONS = options(ETHNICITY_LABELS);
const MARITAL_OPTIONS = options(MARITAL_LABELS);
const PHONE_USE_OPTIONS = options(PHONE_USE_LABELS);
const ADDRESS_USE_OPTIONS = options(ADDRESS_USE_LABELS);
const RELATIONSHIP_OPTIONS = options(RELATIONSHIP_LABELS);
const CONSENT_OPTIONS = options(CONSENT_LABELS);
const IDENTIFIER_OPTIONS = options(IDENTIFIER_LABELS);
const STATE_OPTIONS = US_STATES.map((s) => ({ value: s, label: s }));
const RANK_OPTIONS = [
  { value: '1', label: 'Primary' },
  { value: '2', label: 'Secondary' },
  { value: '3', label: 'Tertiary' },
];

function Section({ id, title, children, hint }: { id: string; title: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <section className="ad-section pt-fsec" aria-labelledby={id}>
      <div className="pt-fsec__head">
        <h2 id={id}>{title}</h2>
        {hint && <span className="pt-muted">{hint}</span>}
      </div>
      {children}
    </section>
  );
}

function Grid({ cols = 4, children, className }: { cols?: number; children: ReactNode; className?: string }) {
  return (
    <div className={`ad-grid ${className ?? ''}`} style={{ ['--cols' as string]: cols }}>
      {children}
    </div>
  );
}

/** The row frame of a list: a small heading ("Phone 1") + fields + Remove. */
function Row({ title, children, onRemove, cols = 4 }: { title: string; children: ReactNode; onRemove: () => void; cols?: number }) {
  return (
    <div className="pt-lrow" role="group" aria-label={title}>
      <div className="pt-lrow__head">
        <h3>{title}</h3>
        <Button size="small" variant="quiet" onPress={onRemove} aria-label={`Remove ${title.toLowerCase()}`}>
          Remove
        </Button>
      </div>
      <Grid cols={cols}>{children}</Grid>
    </div>
  );
}

function AddButton({ label, onPress, disabled, btnRef }: { label: string; onPress: () => void; disabled?: boolean; btnRef: React.RefObject<HTMLButtonElement | null> }) {
  return (
    <div className="pt-add">
      <Button ref={btnRef} size="small" onPress={onPress} isDisabled={disabled}>
        + {label}
      </Button>
    </div>
  );
}

/** Focus the list's Add button after a row is removed (the Remove button that had focus is gone). */
function focusSoon(ref: React.RefObject<HTMLElement | null>) {
  requestAnimationFrame(() => ref.current?.focus());
}

export function PatientFormFields({ form }: { form: PatientFormApi }) {
  const c = form.control;
  return (
    <>
      <Section id="pt-f-name" title="Name, birth and identity">
        <Grid cols={4}>
          <FormTextField control={c} name="name.family" label="Last name" isRequired autoFocus autoComplete="off" />
          <FormTextField control={c} name="name.given" label="First name" isRequired autoComplete="off" />
          <FormDateField control={c} name="birthDate" label="Date of birth" isRequired />
          <FormSelectField control={c} name="sexAtBirth" label="Sex at birth" isRequired options={SEX_OPTIONS} />
          <FormTextField control={c} name="name.middle" label="Middle name" autoComplete="off" />
          <FormTextField control={c} name="name.suffix" label="Suffix" description="Jr, Sr, III" autoComplete="off" />
          <FormTextField control={c} name="name.prefix" label="Prefix" description="Dr, Mr, Ms" autoComplete="off" />
          <FormTextField control={c} name="preferredName" label="Preferred name" autoComplete="off" />
          <FormSelectField control={c} name="genderIdentity" label="Gender identity" options={GENDER_OPTIONS} />
          <FormSelectField control={c} name="pronouns" label="Pronouns" options={PRONOUN_OPTIONS} />
        </Grid>
        <PreviousNames control={c} />
      </Section>
      <Section id="pt-f-contact" title="Contact">
        <Phones control={c} />
        <Grid cols={2}>
          <FormTextField control={c} name="email" label="Email" type="email" inputMode="email" autoComplete="off" />
        </Grid>
        <Addresses control={c} />
      </Section>
      <Section id="pt-f-demo" title="Demographics">
        <Grid cols={4}>
          <FormField<PatientFormValues, string[]>
            control={c}
            name="race"
            render={(f) => (
              <CheckboxGroup className="ad-field pt-race" value={f.value ?? []} onChange={(v) => f.onChange(v)} onBlur={f.onBlur} isInvalid={Boolean(f.errorMessage)}>
                <Label className="ad-label">Race (all that apply)</Label>
                <div className="pt-race__boxes">
                  {RACE.map((r) => (
                    <Checkbox key={r} value={r} className="ad-check">
                      {({ isSelected }) => (
                        <>
                          <span className="ad-box" aria-hidden="true">
                            {isSelected ? '✓' : ''}
                          </span>
                          {RACE_LABELS[r]}
                        </>
                      )}
                    </Checkbox>
                  ))}
                </div>
                {f.errorMessage && <FieldError className="ad-error">{f.errorMessage}</FieldError>}
              </CheckboxGroup>
            )}
          />
          <div className="pt-stack">
            <FormSelectField control={c} name="ethnicity" label="Ethnicity" options={ETHNICITY_OPTIONS} />
            <FormSelectField control={c} name="maritalStatus" label="Marital status" options={MARITAL_OPTIONS} />
          </div>
          <div className="pt-stack">
            <FormField<PatientFormValues, string>
              control={c}
              name="preferredLanguage"
              render={(f) => {
                const opts = LANGUAGES.some((l) => l.value === f.value) || !f.value ? LANGUAGES : [...LANGUAGES, { value: f.value, label: f.value }];
                return (
                  <SelectField
                    label="Preferred language"
                    name={f.name}
                    value={f.value}
                    onChange={(v) => {
                      f.onChange(v);
                      f.onBlur();
                    }}
                    onBlur={f.onBlur}
                    inputRef={f.inputRef}
                    errorMessage={f.errorMessage}
                    options={opts}
                  />
                );
              }}
            />
            <FormCheckboxField control={c} name="interpreterNeeded" label="Interpreter needed" />
          </div>
        </Grid>
      </Section>
      <Section id="pt-f-ec" title="Emergency contacts">
        <EmergencyContacts control={c} />
      </Section>
      <Section id="pt-f-guar" title="Guarantor" hint="Who pays the bill">
        <Guarantor form={form} />
      </Section>
      <Section id="pt-f-ins" title="Insurance coverages" hint="Primary, then secondary, tertiary">
        <Coverages form={form} />
      </Section>
      <Section id="pt-f-cons" title="Consents on file">
        <Consents form={form} />
      </Section>
      <Section id="pt-f-ids" title="Identifiers">
        <Identifiers control={c} />
      </Section>
    </>
  );
}

function PreviousNames({ control }: { control: C }) {
  const { fields, append, remove } = useFieldArray({ control, name: 'previousNames' });
  const add = useRef<HTMLButtonElement>(null);
  return (
    <div className="pt-list">
      {fields.map((f, i) => (
        <Row key={f.id} title={`Previous name ${i + 1}`} onRemove={() => (remove(i), focusSoon(add))} cols={3}>
          <FormTextField control={control} name={`previousNames.${i}.family`} label="Previous last name" isRequired />
          <FormTextField control={control} name={`previousNames.${i}.given`} label="Previous first name" />
          <FormDateField control={control} name={`previousNames.${i}.until`} label="Used until" description="" />
        </Row>
      ))}
      <AddButton btnRef={add} label="Add previous name" disabled={fields.length >= 10} onPress={() => append(blankPrevious(), { focusName: `previousNames.${fields.length}.family` })} />
    </div>
  );
}

function Phones({ control }: { control: C }) {
  const { fields, append, remove } = useFieldArray({ control, name: 'phones' });
  const add = useRef<HTMLButtonElement>(null);
  return (
    <div className="pt-list">
      {fields.map((f, i) => (
        <div key={f.id} className="pt-inline-row" role="group" aria-label={`Phone ${i + 1}`}>
          <FormTextField control={control} name={`phones.${i}.number`} label={`Phone ${i + 1}`} type="tel" inputMode="tel" autoComplete="off" placeholder="(312) 555-0147" />
          <FormSelectField control={control} name={`phones.${i}.use`} label="Type" options={PHONE_USE_OPTIONS} />
          <FormCheckboxField control={control} name={`phones.${i}.smsConsent`} label="Texts OK (SMS consent)" className="pt-inline-check" />
          <Button size="small" variant="quiet" className="pt-inline-remove" onPress={() => (remove(i), focusSoon(add))} aria-label={`Remove phone ${i + 1}`}>
            Remove
          </Button>
        </div>
      ))}
      <AddButton btnRef={add} label="Add phone" disabled={fields.length >= 5} onPress={() => append(blankPhone(), { focusName: `phones.${fields.length}.number` })} />
    </div>
  );
}

function Addresses({ control }: { control: C }) {
  const { fields, append, remove } = useFieldArray({ control, name: 'addresses' });
  const add = useRef<HTMLButtonElement>(null);
  return (
    <div className="pt-list">
      {fields.map((f, i) => (
        <Row key={f.id} title={`Address ${i + 1}`} onRemove={() => (remove(i), focusSoon(add))} cols={6}>
          <FormTextField control={control} name={`addresses.${i}.line1`} label="Street" isRequired className="pt-span2" autoComplete="off" />
          <FormTextField control={control} name={`addresses.${i}.line2`} label="Apt, suite" autoComplete="off" />
          <FormTextField control={control} name={`addresses.${i}.city`} label="City" isRequired autoComplete="off" />
          <FormSelectField control={control} name={`addresses.${i}.state`} label="State" isRequired options={STATE_OPTIONS} />
          <FormTextField control={control} name={`addresses.${i}.postalCode`} label="ZIP code" isRequired inputMode="numeric" autoComplete="off" />
          <FormSelectField control={control} name={`addresses.${i}.use`} label="Address type" options={ADDRESS_USE_OPTIONS} />
        </Row>
      ))}
      <AddButton btnRef={add} label="Add address" disabled={fields.length >= 5} onPress={() => append(blankAddress(), { focusName: `addresses.${fields.length}.line1` })} />
    </div>
  );
}

function EmergencyContacts({ control }: { control: C }) {
  const { fields, append, remove } = useFieldArray({ control, name: 'emergencyContacts' });
  const add = useRef<HTMLButtonElement>(null);
  return (
    <div className="pt-list">
      {fields.map((f, i) => (
        <Row key={f.id} title={`Emergency contact ${i + 1}`} onRemove={() => (remove(i), focusSoon(add))} cols={3}>
          <FormTextField control={control} name={`emergencyContacts.${i}.name`} label="Contact name" isRequired autoComplete="off" />
          <FormTextField control={control} name={`emergencyContacts.${i}.relationship`} label="Relationship" isRequired autoComplete="off" />
          <FormTextField control={control} name={`emergencyContacts.${i}.phone`} label="Contact phone" isRequired type="tel" inputMode="tel" autoComplete="off" />
        </Row>
      ))}
      {fields.length === 0 && <p className="pt-muted">None.</p>}
      <AddButton btnRef={add} label="Add emergency contact" disabled={fields.length >= 5} onPress={() => append(blankContact(), { focusName: `emergencyContacts.${fields.length}.name` })} />
    </div>
  );
}

function Guarantor({ form }: { form: PatientFormApi }) {
  const control = form.control;
  const type = useWatch({ control, name: 'guarantor.type' });
  return (
    <>
      <FormField<PatientFormValues, PatientFormValues['guarantor']>
        control={control}
        name="guarantor"
        render={(f) => (
          <GuarantorType
            value={f.value?.type ?? 'self'}
            onChange={(t) =>
              f.onChange(t === 'self' ? { type: 'self' } : { type: 'person', given: '', family: '', relationship: '', birthDate: '', phone: '', address: emptyGuarantorAddress() })
            }
          />
        )}
      />
      {type === 'person' && (
        <>
          <Grid cols={5} className="pt-mt">
            <FormTextField control={control} name="guarantor.family" label="Guarantor last name" isRequired autoComplete="off" />
            <FormTextField control={control} name="guarantor.given" label="Guarantor first name" isRequired autoComplete="off" />
            <FormTextField control={control} name="guarantor.relationship" label="Relationship to patient" isRequired autoComplete="off" />
            <FormDateField control={control} name="guarantor.birthDate" label="Guarantor date of birth" description="" />
            <FormTextField control={control} name="guarantor.phone" label="Guarantor phone" type="tel" inputMode="tel" autoComplete="off" />
          </Grid>
          <GuarantorAddress form={form} />
        </>
      )}
    </>
  );
}

/**
 * The guarantor's address: street, apt, city, state, ZIP, or "Same as the patient" (Space), which copies the patient's
 * first address into it and keeps it in step while ticked (the stored address is complete in itself).
 */
function GuarantorAddress({ form }: { form: PatientFormApi }) {
  const control = form.control;
  const same = useWatch({ control, name: 'guarantor.address.sameAsPatient' });
  const home = useWatch({ control, name: 'addresses.0' });
  useEffect(() => {
    if (!same) return;
    const a = home ?? { line1: '', line2: '', city: '', state: '', postalCode: '' };
    for (const k of ['line1', 'line2', 'city', 'state', 'postalCode'] as const) {
      const v = (a[k] as string | undefined) ?? '';
      if (form.getValues(`guarantor.address.${k}`) !== v) form.setValue(`guarantor.address.${k}`, v as never, { shouldDirty: true });
    }
  }, [same, home, form]);
  const line = guarantorAddressLine(home ?? {});
  return (
    <div className="pt-mt" role="group" aria-label="Guarantor address">
      <FormCheckboxField
        control={control}
        name="guarantor.address.sameAsPatient"
        label="Guarantor lives at the patient’s address"
        description={same ? (line ? `Address: ${line}` : 'Add the patient’s address under Contact first.') : undefined}
      />
      {!same && (
        <Grid cols={6} className="pt-mt">
          <FormTextField control={control} name="guarantor.address.line1" label="Guarantor street" className="pt-span2" autoComplete="off" />
          <FormTextField control={control} name="guarantor.address.line2" label="Guarantor apt, suite" autoComplete="off" />
          <FormTextField control={control} name="guarantor.address.city" label="Guarantor city" autoComplete="off" />
          <FormSelectField control={control} name="guarantor.address.state" label="Guarantor state" options={GUARANTOR_STATE_OPTIONS} />
          <FormTextField control={control} name="guarantor.address.postalCode" label="Guarantor ZIP code" inputMode="numeric" autoComplete="off" />
        </Grid>
      )}
    </div>
  );
}

const GUARANTOR_STATE_OPTIONS = [{ value: '', label: 'Not recorded' }, ...STATE_OPTIONS];

/** The guarantor type switch: the form holds the whole guarantor object, so this maps type <-> object. */
function GuarantorType({ value, onChange }: { value: 'self' | 'person'; onChange: (v: 'self' | 'person') => void }) {
  return (
    <RadioGroupField<'self' | 'person'>
      label="Guarantor"
      value={value}
      onChange={onChange}
      options={[
        { value: 'self', label: 'The patient (self)' },
        { value: 'person', label: 'Another person' },
      ]}
    />
  );
}

function Coverages({ form }: { form: PatientFormApi }) {
  const control = form.control;
  const { fields, append, remove } = useFieldArray({ control, name: 'coverages' });
  const add = useRef<HTMLButtonElement>(null);
  return (
    <div className="pt-list">
      {fields.map((f, i) => (
        <Row key={f.id} title={`Coverage ${i + 1}`} onRemove={() => (remove(i), focusSoon(add))} cols={5}>
          <CoverageFields form={form} i={i} />
        </Row>
      ))}
      {fields.length === 0 && <p className="pt-muted">No insurance (self-pay).</p>}
      <AddButton
        btnRef={add}
        label="Add coverage"
        disabled={fields.length >= 3}
        onPress={() =>
          append(
            {
              rank: (fields.length + 1) as 1 | 2 | 3,
              payerName: '',
              payerId: '',
              planName: '',
              memberId: '',
              groupNumber: '',
              subscriberRelationship: 'self',
              subscriberGiven: '',
              subscriberFamily: '',
              subscriberBirthDate: '',
              effectiveFrom: '',
              effectiveTo: '',
              lastVerifiedAt: '',
            },
            { focusName: `coverages.${fields.length}.payerName` },
          )
        }
      />
    </div>
  );
}

function CoverageFields({ form, i }: { form: PatientFormApi; i: number }) {
  const control = form.control;
  const rel = useWatch({ control, name: `coverages.${i}.subscriberRelationship` });
  const guarantorType = useWatch({ control, name: 'guarantor.type' });
  /** "Subscriber is the guarantor": the guarantor's name and date of birth, and the relationship it suggests. */
  const fillFromGuarantor = () => {
    const g = form.getValues('guarantor');
    if (!g || g.type !== 'person') return;
    const opts = { shouldDirty: true, shouldValidate: true } as const;
    form.setValue(`coverages.${i}.subscriberRelationship`, subscriberRelationshipFor(g.relationship ?? ''), opts);
    form.setValue(`coverages.${i}.subscriberFamily`, g.family ?? '', opts);
    form.setValue(`coverages.${i}.subscriberGiven`, g.given ?? '', opts);
    form.setValue(`coverages.${i}.subscriberBirthDate`, g.birthDate ?? '', opts);
  };
  return (
    <>
      <FormField<PatientFormValues, number>
        control={control}
        name={`coverages.${i}.rank`}
        render={(f) => (
          <SelectField
            label="Rank"
            isRequired
            name={f.name}
            value={f.value ? String(f.value) : undefined}
            onChange={(v) => {
              f.onChange(Number(v));
              f.onBlur();
            }}
            onBlur={f.onBlur}
            inputRef={f.inputRef}
            errorMessage={f.errorMessage}
            options={RANK_OPTIONS}
          />
        )}
      />
      <FormTextField control={control} name={`coverages.${i}.payerName`} label="Payer" isRequired autoComplete="off" className="pt-span2" />
      <FormTextField control={control} name={`coverages.${i}.planName`} label="Plan" autoComplete="off" />
      <FormTextField control={control} name={`coverages.${i}.memberId`} label="Member ID" isRequired autoComplete="off" />
      <FormTextField control={control} name={`coverages.${i}.groupNumber`} label="Group number" autoComplete="off" />
      {guarantorType === 'person' && (
        <div className="ad-field pt-fillbtn">
          <Button size="small" onPress={fillFromGuarantor}>
            Subscriber is the guarantor
          </Button>
        </div>
      )}
      <FormSelectField control={control} name={`coverages.${i}.subscriberRelationship`} label="Subscriber is" options={RELATIONSHIP_OPTIONS} />
      <FormDateField control={control} name={`coverages.${i}.effectiveFrom`} label="Effective from" description="" />
      <FormDateField control={control} name={`coverages.${i}.effectiveTo`} label="Effective to" description="" />
      {rel && rel !== 'self' && (
        <>
          <FormTextField control={control} name={`coverages.${i}.subscriberFamily`} label="Subscriber last name" isRequired autoComplete="off" />
          <FormTextField control={control} name={`coverages.${i}.subscriberGiven`} label="Subscriber first name" isRequired autoComplete="off" />
          <FormDateField control={control} name={`coverages.${i}.subscriberBirthDate`} label="Subscriber date of birth" description="" />
        </>
      )}
    </>
  );
}

function Consents({ form }: { form: PatientFormApi }) {
  const control = form.control;
  const { fields, append, remove } = useFieldArray({ control, name: 'consents' });
  const add = useRef<HTMLButtonElement>(null);
  const addConsent = () => {
    const v = form.getValues();
    const signer = [v.name?.given, v.name?.family].filter((x) => x && x.trim()).join(' ');
    append(newConsentRow(v.consents ?? [], signer, siteToday()), { focusName: `consents.${fields.length}.type` });
  };
  return (
    <div className="pt-list">
      {fields.map((f, i) => (
        <Row key={f.id} title={`Consent ${i + 1}`} onRemove={() => (remove(i), focusSoon(add))} cols={5}>
          <ConsentFields form={form} i={i} />
        </Row>
      ))}
      {fields.length === 0 && <p className="pt-muted">None on file.</p>}
      <AddButton btnRef={add} label="Add consent" disabled={fields.length >= 20} onPress={addConsent} />
      {fields.length > 0 && <p className="pt-muted">New consents start with the site’s current version, today and the patient as the signer; change any of them.</p>}
    </div>
  );
}

/** One consent row; choosing another consent type puts that form's current version in (unless one was typed). */
function ConsentFields({ form, i }: { form: PatientFormApi; i: number }) {
  const control = form.control;
  const type = useWatch({ control, name: `consents.${i}.type` });
  const prevType = useRef(type);
  useEffect(() => {
    const before = prevType.current;
    prevType.current = type;
    if (!type || before === type) return;
    const version = form.getValues(`consents.${i}.version`) ?? '';
    if (version === '' || version === currentConsentVersion(before as ConsentType)) {
      form.setValue(`consents.${i}.version`, currentConsentVersion(type as ConsentType), { shouldDirty: true, shouldValidate: version !== '' });
    }
  }, [type, i, form]);
  return (
    <>
      <FormSelectField control={control} name={`consents.${i}.type`} label="Consent" isRequired options={CONSENT_OPTIONS} />
      <FormTextField control={control} name={`consents.${i}.version`} label="Form version" isRequired autoComplete="off" />
      <FormDateField control={control} name={`consents.${i}.signedOn`} label="Signed on" description="" isRequired />
      <FormTextField control={control} name={`consents.${i}.signer`} label="Signed by" isRequired autoComplete="off" />
      <FormTextField control={control} name={`consents.${i}.signerRelationship`} label="Signer is" description="self, parent, guardian…" autoComplete="off" />
    </>
  );
}

function Identifiers({ control }: { control: C }) {
  const { fields, append, remove } = useFieldArray({ control, name: 'identifiers' });
  const add = useRef<HTMLButtonElement>(null);
  return (
    <div className="pt-list">
      {fields.map((f, i) => (
        <Row key={f.id} title={`Identifier ${i + 1}`} onRemove={() => (remove(i), focusSoon(add))} cols={3}>
          <FormSelectField control={control} name={`identifiers.${i}.type`} label="Identifier type" isRequired options={IDENTIFIER_OPTIONS} />
          <FormTextField control={control} name={`identifiers.${i}.value`} label="Number" isRequired autoComplete="off" />
        </Row>
      ))}
      {fields.length === 0 && <p className="pt-muted">None.</p>}
      <AddButton btnRef={add} label="Add identifier" disabled={fields.length >= 10} onPress={() => append(blankIdentifier(), { focusName: `identifiers.${fields.length}.type` })} />
    </div>
  );
}
