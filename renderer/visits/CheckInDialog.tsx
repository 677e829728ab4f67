/**
 * The check-in dialog, opened from the board (Enter on a row) or right after a walk-in was created (Alt+W, Enter).
 *
 * Left: the check-in record (react-hook-form + zod): identity (the DOB to read back is shown; DOB read back / photo
 * ID seen, else "not verified" with a reason), stale items to confirm (address, coverage), consents due (signed now,
 * signer), copay (collect at the drawer — the payment dialog of the drawer issue takes it from there — or a reason
 * for not collecting). Right: demographics and coverage as on file, stale items highlighted, editable in place
 * (Alt+E; saved through patients.update). Ctrl+Enter anywhere = Arrived (saves an open demographics edit first).
 *
 * Defaults are built for speed: a returning patient with nothing stale and no copay is Space (DOB read back) then
 * Ctrl+Enter. Nothing is pre-ticked that the clerk did not confirm.
 *
 * Typed input is never lost: Esc (or Cancel) with something ticked or typed asks "Discard what you typed?" (Keep
 * editing focused), and the form (and an open demographics edit) is kept as a draft across the idle lock for the same
 * user — the dialog reopens after the unlock with what was typed (dialogs.ts reopenDialogAfterUnlock).
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { z } from 'zod';
import { api, ApiError } from '../api/client.js';
import type { CheckInContext } from '../../shared/api/visits.js';
import { COPAY_NOT_COLLECTED_REASONS, type Appointment, type CheckInInput, type CopayNotCollectedReason } from '../../shared/domain/visit.js';
import { CONSENT_TYPES, US_STATES, type Patient, type PatientInput, phoneNumberSchema } from '../../shared/domain/patient.js';
import { requiredText, text } from '../../shared/domain/common.js';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { KeyHint } from '../ui/KeyHint.js';
import { FormCheckboxField, FormRadioGroupField, FormSelectField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { age, displayName, formatPhone, RANK_LABELS, siteToday, usDate } from '../patients/format.js';
import { clearDraft, saveDraft, takeDraft, useFormDraft } from '../app/drafts.js';
import { useBoard } from './store.js';
import { useVisitDialogs, checkInDraftKey } from './dialogs.js';
import { useDiscardGuard, differs } from './discard.js';
import { clock, money } from './format.js';

const COPAY_REASON_LABELS: Record<CopayNotCollectedReason, string> = {
  'no-copay': 'No copay for this visit',
  'patient-declined': 'Patient declined / cannot pay now',
  'will-bill': 'Bill the patient later',
  hardship: 'Financial hardship',
  other: 'Other (say why)',
};

const formSchema = z
  .object({
    dobReadBack: z.boolean(),
    photoIdSeen: z.boolean(),
    notVerifiedReason: text(300, 'Reason'),
    addressConfirmed: z.boolean(),
    coverages: z.array(z.object({ rank: z.union([z.literal(1), z.literal(2), z.literal(3)]), verified: z.boolean() })),
    consents: z.array(z.object({ type: z.enum(CONSENT_TYPES), version: z.string(), label: z.string(), capture: z.boolean(), signer: text(120, 'Signer') })),
    copayDueCents: z.number().int().min(0),
    copayDecision: z.enum(['collect', 'not-collected']),
    copayReason: z.union([z.literal(''), z.enum(COPAY_NOT_COLLECTED_REASONS)]),
    copayNote: text(500, 'Note'),
  })
  .superRefine((v, ctx) => {
    if (!v.dobReadBack && !v.photoIdSeen && !v.notVerifiedReason) {
      ctx.addIssue({ code: 'custom', path: ['notVerifiedReason'], message: 'Identity not verified: say why (or confirm DOB / photo ID)' });
    }
    v.consents.forEach((k, i) => {
      if (k.capture && !k.signer) ctx.addIssue({ code: 'custom', path: ['consents', i, 'signer'], message: 'Who signed?' });
    });
    if (v.copayDueCents > 0 && v.copayDecision === 'not-collected') {
      if (!v.copayReason) ctx.addIssue({ code: 'custom', path: ['copayReason'], message: 'Choose why the copay is not collected' });
      else if (v.copayReason === 'other' && !v.copayNote) ctx.addIssue({ code: 'custom', path: ['copayNote'], message: 'Say why the copay is not collected' });
    }
  });
type FormIn = z.input<typeof formSchema>;
type FormOut = z.output<typeof formSchema>;

function defaultsFor(ctx: CheckInContext, patientName: string): FormIn {
  return {
    dobReadBack: false,
    photoIdSeen: false,
    notVerifiedReason: '',
    addressConfirmed: false,
    coverages: ctx.staleCoverages.map((c) => ({ rank: c.rank as 1 | 2 | 3, verified: false })),
    consents: ctx.consentsDue.map((c) => ({ type: c.type, version: c.currentVersion, label: c.label, capture: false, signer: patientName })),
    copayDueCents: ctx.copay.dueCents,
    copayDecision: ctx.copay.dueCents > 0 ? 'collect' : 'not-collected',
    copayReason: ctx.copay.dueCents > 0 ? '' : 'no-copay',
    copayNote: '',
  };
}

function toInput(v: FormOut): CheckInInput {
  const verified = v.dobReadBack || v.photoIdSeen;
  return {
    identity: { dobReadBack: v.dobReadBack, photoIdSeen: v.photoIdSeen, notVerifiedReason: verified ? '' : v.notVerifiedReason },
    addressConfirmed: v.addressConfirmed,
    coverageVerifiedRanks: v.coverages.filter((c) => c.verified).map((c) => c.rank),
    consentsCaptured: v.consents.filter((k) => k.capture).map((k) => ({ type: k.type, version: k.version, signer: k.signer, signerRelationship: 'self' })),
    copay:
      v.copayDueCents > 0 && v.copayDecision === 'collect'
        ? { decision: 'collect', dueCents: v.copayDueCents }
        : { decision: 'not-collected', dueCents: v.copayDueCents, reason: v.copayDueCents > 0 ? (v.copayReason as CopayNotCollectedReason) : 'no-copay', note: v.copayNote },
  };
}

/** server paths of checkInInputSchema -> this form's paths */
const SERVER_MAP: Record<string, string> = {
  'identity.notVerifiedReason': 'notVerifiedReason',
  'copay.reason': 'copayReason',
  'copay.note': 'copayNote',
  addressConfirmed: 'addressConfirmed',
};

type Loaded = { patient: Patient; context: CheckInContext; appointment: Appointment };

/** What the body offers the dialog's close guard. */
interface BodyHandle {
  isDirty(): boolean;
}

const demoDraftKey = (appointmentId: string) => `visits.checkin-demographics:${appointmentId}`;

export function CheckInDialog({ appointmentId }: { appointmentId: string }) {
  const close = useVisitDialogs((s) => s.close);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const body = useRef<BodyHandle>({ isDirty: () => false });

  const load = useCallback(async () => {
    try {
      const g = await api.call('visits.get', { id: appointmentId });
      if (!g.appointment.patientId) throw new ApiError('CONFLICT', 'This appointment came from the schedule feed without a matched patient: link the patient first.');
      const p = await api.call('patients.get', { id: g.appointment.patientId });
      setLoaded({ patient: p.patient, context: g.context, appointment: g.appointment });
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof ApiError ? e.message : 'The check-in could not be loaded.');
    }
  }, [appointmentId]);

  useEffect(() => {
    void load();
  }, [load]);

  // Esc / Close / Cancel: a dirty check-in asks first; discarding drops its drafts too
  const discard = () => {
    clearDraft(checkInDraftKey(appointmentId));
    clearDraft(demoDraftKey(appointmentId));
    close();
  };
  const guard = useDiscardGuard(() => body.current.isDirty(), discard);

  const title = loaded?.appointment.walkIn ? 'Walk-in check-in' : 'Check in';
  return (
    <>
      <Dialog isOpen onClose={guard.requestClose} title={loaded ? `${title}: ${displayName(loaded.patient.name)}` : title} className="vb-checkin">
        {loadError && <Banner tone="error">{loadError}</Banner>}
        {!loaded && !loadError && <p role="status">Loading…</p>}
        {loaded && (
          <CheckInBody
            key={loaded.patient.id}
            loaded={loaded}
            handle={body}
            onCancel={guard.requestClose}
            onDone={() => {
              clearDraft(checkInDraftKey(appointmentId));
              clearDraft(demoDraftKey(appointmentId));
            }}
            onPatientSaved={(patient) => setLoaded({ ...loaded, patient })}
            onReloadContext={load}
          />
        )}
      </Dialog>
      {guard.confirm}
    </>
  );
}

function CheckInBody({
  loaded,
  handle,
  onCancel,
  onDone,
  onPatientSaved,
  onReloadContext,
}: {
  loaded: Loaded;
  handle: React.RefObject<BodyHandle>;
  onCancel: () => void;
  onDone: () => void;
  onPatientSaved: (p: Patient) => void;
  onReloadContext: () => Promise<void>;
}) {
  const { patient, context, appointment } = loaded;
  const close = useVisitDialogs((s) => s.close);
  const name = displayName(patient.name);
  const signerName = [patient.name.given, patient.name.family].filter(Boolean).join(' ');
  const initial = useRef(defaultsFor(context, signerName));
  const form = useZodForm(formSchema, initial.current);
  useFormDraft(checkInDraftKey(appointment.id), form);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const demo = useRef<DemographicsHandle>({ isEditing: () => false, isDirty: () => false, saveIfDirty: async () => true, startEdit: () => undefined });
  handle.current = { isDirty: () => differs(form.getValues(), initial.current) || demo.current.isDirty() };
  const c = form.control;
  const v = form.watch();
  const today = siteToday();

  const submit = form.handleSubmit(
    async (val) => {
      setBusy(true);
      setError(null);
      try {
        const input = toInput(val);
        const a = (await api.call('visits.checkIn', { id: appointment.id, checkIn: input })).appointment;
        onDone();
        const copay = input.copay.decision === 'collect' ? ` Copay ${money(input.copay.dueCents)}: collect at the drawer.` : '';
        useBoard.getState().setMessage({ tone: 'success', text: `${name} arrived at ${clock(a.arrivedAt)}${a.walkIn ? ' (walk-in)' : ''}.${copay}` });
        // the copay goes to the payment dialog (payments domain); closing it leaves "collect at the drawer" recorded
        if (input.copay.decision === 'collect') useVisitDialogs.getState().open({ kind: 'copay', patientId: patient.id, appointmentId: a.id, amountDueCents: input.copay.dueCents, patientLabel: name });
        else close();
      } catch (e) {
        const r = applyServerErrors(form, e, SERVER_MAP);
        setError(r.message);
      } finally {
        setBusy(false);
      }
    },
    () => setError('Some items need attention. Nothing was saved.'),
  );

  const arrive = async () => {
    if (busy) return;
    if (demo.current.isEditing()) {
      const ok = await demo.current.saveIfDirty();
      if (!ok) return;
    }
    await submit();
  };

  const onKeyDownCapture = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.stopPropagation();
      void arrive();
    } else if (e.altKey && !e.ctrlKey && e.code === 'KeyE') {
      e.preventDefault();
      e.stopPropagation();
      demo.current.startEdit();
    }
  };

  const verified = v.dobReadBack || v.photoIdSeen;
  const due = context.copay.dueCents;

  return (
    <div className="vb-checkin-body" onKeyDownCapture={onKeyDownCapture}>
      {error && <Banner tone="error">{error}</Banner>}
      <div className="vb-checkin-cols">
        <form
          className="vb-checkin-form"
          aria-label="Check-in"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void arrive();
          }}
        >
          <section className="vb-sec" aria-labelledby="ci-identity">
            <h3 id="ci-identity">Identity</h3>
            <p className="vb-dob">
              Ask for the date of birth: <strong data-testid="dob-read-back">{usDate(patient.birthDate)}</strong> <span className="ad-muted">({age(patient.birthDate, today)})</span> · MRN{' '}
              <span className="ad-mono">{patient.mrn}</span>
            </p>
            <div className="vb-row">
              <FormCheckboxField control={c} name="dobReadBack" label="Date of birth read back and matches" autoFocus />
              <FormCheckboxField control={c} name="photoIdSeen" label="Photo ID seen" />
            </div>
            {!verified && (
              <div className="vb-flag-line">
                {form.formState.errors.notVerifiedReason && <span className="ad-tag ad-tag--danger">Identity not verified</span>}
                <FormTextField control={c} name="notVerifiedReason" label="Not verified? Reason" description="Required when neither check was done" className="vb-grow" />
              </div>
            )}
          </section>

          {(context.address.stale || context.staleCoverages.length > 0) && (
            <section className="vb-sec vb-sec--warn" aria-labelledby="ci-stale">
              <h3 id="ci-stale">Not verified in 12 months</h3>
              {context.address.stale && (
                <FormCheckboxField
                  control={c}
                  name="addressConfirmed"
                  label={context.address.reason === 'no-address' ? 'No address on file (add it with Alt+E)' : 'Address confirmed with the patient'}
                  isDisabled={context.address.reason === 'no-address' || patient.addresses.length === 0}
                  description={context.address.confirmedOn ? `Last confirmed ${usDate(context.address.confirmedOn)}` : 'Never confirmed'}
                />
              )}
              {context.staleCoverages.map((s, i) => (
                <FormCheckboxField
                  key={s.rank}
                  control={c}
                  name={`coverages.${i}.verified`}
                  label={`${RANK_LABELS[s.rank]} coverage (${s.payerName}): card seen, details verified`}
                  description={s.lastVerifiedAt ? `Last verified ${usDate(s.lastVerifiedAt)}` : 'Never verified'}
                />
              ))}
            </section>
          )}

          {context.consentsDue.length > 0 && (
            <section className="vb-sec vb-sec--warn" aria-labelledby="ci-consents">
              <h3 id="ci-consents">Consents due</h3>
              {context.consentsDue.map((k, i) => (
                <div key={k.type} className="vb-row vb-consent">
                  <FormCheckboxField
                    control={c}
                    name={`consents.${i}.capture`}
                    label={`${k.label} v${k.currentVersion} signed now`}
                    description={k.reason === 'missing' ? 'Missing' : k.reason === 'expired' ? `Expired (signed ${usDate(k.signedOn ?? '')})` : `Old version ${k.version ?? ''}`}
                  />
                  {v.consents[i]?.capture && <FormTextField control={c} name={`consents.${i}.signer`} label={`Signer of ${k.label}`} />}
                </div>
              ))}
            </section>
          )}

          <section className="vb-sec" aria-labelledby="ci-copay">
            <h3 id="ci-copay">Copay</h3>
            {due === 0 ? (
              <p>
                No copay due <span className="ad-muted">({context.copay.source === 'self-pay' ? 'no coverage in effect: self-pay, billed' : 'this visit type has no copay'})</span>
              </p>
            ) : (
              <>
                <p>
                  Copay due: <strong className="vb-money">{money(due)}</strong>
                </p>
                <FormRadioGroupField
                  control={c}
                  name="copayDecision"
                  label="Copay"
                  orientation="horizontal"
                  options={[
                    { value: 'collect', label: 'Collect at the drawer' },
                    { value: 'not-collected', label: 'Not collected' },
                  ]}
                />
                {v.copayDecision === 'not-collected' && (
                  <div className="vb-row">
                    <FormSelectField
                      control={c}
                      name="copayReason"
                      label="Why not collected"
                      options={COPAY_NOT_COLLECTED_REASONS.filter((r) => r !== 'no-copay').map((r) => ({ value: r, label: COPAY_REASON_LABELS[r] }))}
                    />
                    <FormTextField control={c} name="copayNote" label="Note" className="vb-grow" />
                  </div>
                )}
              </>
            )}
          </section>

          <div className="ad-form-actions">
            <Button type="submit" variant="primary" shortcut="Ctrl+Enter">
              Arrived
            </Button>
            <Button variant="quiet" shortcut="Esc" onPress={onCancel}>
              Cancel
            </Button>
            <span className="ad-muted">Arrival time is stamped when you press Arrived.</span>
          </div>
        </form>

        <Demographics
          handle={demo}
          draftKey={demoDraftKey(appointment.id)}
          patient={patient}
          context={context}
          onSaved={async (p) => {
            onPatientSaved(p);
            await onReloadContext();
          }}
        />
      </div>
    </div>
  );
}

// ---- demographics & coverage: review, edit in place -------------------------------------------------------------------

interface DemographicsHandle {
  isEditing(): boolean;
  /** an open edit with changed values */
  isDirty(): boolean;
  /** saves an open edit when something changed; false when it could not be saved (errors shown) */
  saveIfDirty(): Promise<boolean>;
  startEdit(): void;
}

const editSchema = z.object({
  line1: requiredText(100, 'Street'),
  line2: text(100, 'Address line 2'),
  city: requiredText(60, 'City'),
  state: z.enum(US_STATES, { error: 'Choose a state' }),
  postalCode: z.string().regex(/^\d{5}(-?\d{4})?$/, { error: 'ZIP code is 5 or 9 digits' }),
  phone: z.union([z.literal(''), phoneNumberSchema]),
  payerName: text(100, 'Payer'),
  memberId: text(40, 'Member id'),
});
type EditIn = z.input<typeof editSchema>;

function editDefaults(p: Patient): EditIn {
  const a = p.addresses[0];
  const cov = p.coverages.find((x) => x.rank === 1);
  return {
    line1: a?.line1 ?? '',
    line2: a?.line2 ?? '',
    city: a?.city ?? '',
    state: (a?.state ?? '') as EditIn['state'],
    postalCode: a?.postalCode ?? '',
    phone: p.phones[0]?.number ?? '',
    payerName: cov?.payerName ?? '',
    memberId: cov?.memberId ?? '',
  };
}

function patientInputOf(p: Patient): PatientInput {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { id, mrn, version, createdAt, updatedAt, mergedInto, ...doc } = p;
  return structuredClone(doc);
}

function Demographics({
  handle,
  draftKey,
  patient,
  context,
  onSaved,
}: {
  handle: React.RefObject<DemographicsHandle>;
  draftKey: string;
  patient: Patient;
  context: CheckInContext;
  onSaved: (p: Patient) => Promise<void>;
}) {
  // an edit typed before the idle lock comes back open (the draft itself is restored by useFormDraft below)
  const [editing, setEditing] = useState(() => {
    const d = takeDraft<EditIn>(draftKey);
    if (d === undefined) return false;
    saveDraft(draftKey, d);
    return differs(d, editDefaults(patient));
  });
  const [error, setError] = useState<string | null>(null);
  const form = useZodForm(editSchema, editDefaults(patient));
  useFormDraft(draftKey, form);
  const c = form.control;
  const firstRef = useRef<HTMLDivElement>(null);
  const primary = patient.coverages.find((x) => x.rank === 1);

  const save = async (): Promise<boolean> => {
    let ok = false;
    await form.handleSubmit(
      async (val) => {
        setError(null);
        const doc = patientInputOf(patient);
        const addr = { use: 'home' as const, line1: val.line1, line2: val.line2, city: val.city, state: val.state, postalCode: val.postalCode, country: 'US' as const };
        if (doc.addresses[0]) doc.addresses[0] = { ...doc.addresses[0], ...addr, use: doc.addresses[0].use };
        else doc.addresses.push(addr);
        if (val.phone) {
          if (doc.phones[0]) doc.phones[0] = { ...doc.phones[0], number: val.phone };
          else doc.phones.push({ use: 'mobile', number: val.phone, smsConsent: false });
        }
        const cov = doc.coverages.find((x) => x.rank === 1);
        if (cov && val.payerName) cov.payerName = val.payerName;
        if (cov && val.memberId) cov.memberId = val.memberId;
        try {
          const r = await api.call('patients.update', { id: patient.id, baseVersion: patient.version, patient: doc });
          ok = true;
          setEditing(false);
          await onSaved(r.patient);
        } catch (e) {
          const m = applyServerErrors(form, e, { 'addresses.0.line1': 'line1', 'addresses.0.city': 'city', 'addresses.0.postalCode': 'postalCode', 'phones.0.number': 'phone', 'coverages.0.memberId': 'memberId' });
          setError(m.message);
        }
      },
      () => setError('The demographics need attention. Nothing was saved.'),
    )();
    return ok;
  };

  handle.current = {
    isEditing: () => editing,
    isDirty: () => editing && differs(form.getValues(), editDefaults(patient)),
    // compared by value: RHF's formState.isDirty is only tracked when read during render
    saveIfDirty: async () => (JSON.stringify(form.getValues()) !== JSON.stringify(editDefaults(patient)) ? save() : (setEditing(false), true)),
    startEdit: () => {
      setEditing(true);
      requestAnimationFrame(() => firstRef.current?.querySelector('input')?.focus());
    },
  };

  const a = patient.addresses[0];
  const addrStale = context.address.stale;
  const staleRank = new Set(context.staleCoverages.map((s) => s.rank));
  return (
    <section className="vb-demo" aria-labelledby="ci-demo">
      <div className="vb-demo-head">
        <h3 id="ci-demo">Demographics and coverage</h3>
        {!editing && (
          <Button size="small" shortcut="Alt+E" onPress={() => handle.current.startEdit()}>
            Edit
          </Button>
        )}
      </div>
      {error && <Banner tone="error">{error}</Banner>}
      {!editing ? (
        <dl className="vb-dl">
          <dt>Address</dt>
          <dd className={addrStale ? 'vb-stale' : ''}>
            {a ? `${a.line1}${a.line2 ? `, ${a.line2}` : ''}, ${a.city}, ${a.state} ${a.postalCode}` : 'None on file'}
            {addrStale && <span className="ad-tag vb-tag-warn">{context.address.confirmedOn ? `Not confirmed since ${usDate(context.address.confirmedOn)}` : 'Not confirmed'}</span>}
          </dd>
          <dt>Phone</dt>
          <dd>{patient.phones[0] ? formatPhone(patient.phones[0].number) : 'None on file'}</dd>
          {patient.coverages.length === 0 && (
            <>
              <dt>Coverage</dt>
              <dd>None (self-pay)</dd>
            </>
          )}
          {[...patient.coverages]
            .sort((x, y) => x.rank - y.rank)
            .map((cv) => (
              <div key={cv.rank} className="vb-dl-group">
                <dt>{RANK_LABELS[cv.rank]} coverage</dt>
                <dd className={staleRank.has(cv.rank) ? 'vb-stale' : ''}>
                  {cv.payerName}
                  {cv.planName ? ` · ${cv.planName}` : ''} · member <span className="ad-mono">{cv.memberId}</span>
                  {staleRank.has(cv.rank) && <span className="ad-tag vb-tag-warn">{cv.lastVerifiedAt ? `Verified ${usDate(cv.lastVerifiedAt)}` : 'Never verified'}</span>}
                </dd>
              </div>
            ))}
          <dt>Eligibility</dt>
          <dd>
            {context.primaryCoverageLastVerifiedAt ? `Last known verification ${usDate(context.primaryCoverageLastVerifiedAt)}` : primary ? 'Never verified' : 'No coverage'}
            <span className="ad-muted"> · real-time check comes later</span>
          </dd>
          {context.authorizationRequired && (
            <>
              <dt>Authorization</dt>
              <dd>
                <span className="ad-tag vb-tag-warn">Authorization required</span> for this visit type
              </dd>
            </>
          )}
        </dl>
      ) : (
        <form
          className="vb-demo-form"
          aria-label="Edit demographics"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div ref={firstRef} className="vb-demo-grid">
            <FormTextField control={c} name="line1" label="Street" isRequired className="vb-span2" />
            <FormTextField control={c} name="line2" label="Address line 2" className="vb-span2" />
            <FormTextField control={c} name="city" label="City" isRequired />
            <FormSelectField control={c} name="state" label="State" isRequired options={US_STATES.map((s) => ({ value: s, label: s }))} />
            <FormTextField control={c} name="postalCode" label="ZIP code" isRequired />
            <FormTextField control={c} name="phone" label="Phone" />
            {primary && <FormTextField control={c} name="payerName" label="Primary payer" />}
            {primary && <FormTextField control={c} name="memberId" label="Member id" />}
          </div>
          <div className="ad-form-actions">
            <Button type="submit" size="small" variant="secondary" shortcut="Enter">
              Save changes
            </Button>
            <Button
              size="small"
              variant="quiet"
              onPress={() => {
                form.reset(editDefaults(patient));
                setEditing(false);
              }}
            >
              Discard
            </Button>
          </div>
        </form>
      )}
      <p className="ad-muted vb-hint">
        <KeyHint keys="Alt+E" /> edit in place · changes are saved to the patient record
      </p>
    </section>
  );
}
