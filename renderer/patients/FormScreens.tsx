/**
 * Register and Edit: the one PatientForm with save (Ctrl+Enter anywhere, or the Save button), Esc that asks before
 * discarding typed input, drafts kept across the idle lock, server errors put on their fields, duplicate handling
 * (live panel + dialog with override) and, for edits, a clear CONFLICT when someone else saved first.
 * Nothing typed is ever cleared by an error.
 */
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import type { DuplicateMatch, Patient, PatientFormValues, PatientInput } from '../../shared/domain/patient.js';
import { AppForm, applyServerErrors } from '../ui/form.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { Dialog } from '../ui/Dialog.js';
import { useNav } from '../app/nav.js';
import { registerEscapeGuard } from '../app/keyboard.js';
import { clearDraft, useFormDraft } from '../app/drafts.js';
import { PatientFormFields, usePatientForm, newPatientForm, formValuesOf, type PatientFormApi } from './PatientForm.js';
import { DuplicateDialog, DuplicatePanel, useDuplicateCheck, MAX_MATCH_KEYS } from './duplicates.js';
import { usePatientSearch, applyPrefill } from './store.js';
import { usePatient } from './PatientScreen.js';
import { useScreenKeys } from './keys.js';
import { displayName, formatPhone, usDate } from './format.js';
import type { ApproverCredentials } from '../../shared/domain/drawer.js';

type Override = { reason: string; matchIds: string[]; approver?: ApproverCredentials };

/** Replaces the current route (a saved form should not be one Esc away). */
function replaceRoute(route: { name: 'patient'; id: string }) {
  useNav.setState({ route });
}

function countErrors(errors: object): number {
  let n = 0;
  const walk = (o: unknown) => {
    if (!o || typeof o !== 'object') return;
    if ('message' in o && typeof (o as { message: unknown }).message === 'string' && 'type' in o) {
      n++;
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(errors);
  return n;
}

/** Esc on a dirty form asks first; on a clean one it goes back. */
function useDiscardGuard(form: PatientFormApi, ask: () => void) {
  const dirty = form.formState.isDirty; // read during render: subscribes to dirtiness
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(
    () =>
      registerEscapeGuard(() => {
        if (!dirtyRef.current) return false;
        ask();
        return true;
      }),
    [ask],
  );
  return dirtyRef;
}

function DiscardDialog({ isOpen, onKeep, onDiscard }: { isOpen: boolean; onKeep: () => void; onDiscard: () => void }) {
  return (
    <Dialog isOpen={isOpen} onClose={onKeep} title="Discard what you typed?" role="alertdialog">
      <p>The form has changes that are not saved. Discarding them cannot be undone.</p>
      <div className="ad-form-actions">
        <Button variant="primary" autoFocus onPress={onKeep}>
          Keep editing
        </Button>
        <Button variant="danger" onPress={onDiscard}>
          Discard changes
        </Button>
      </div>
    </Dialog>
  );
}

interface DupState {
  matches: DuplicateMatch[];
  message: string;
  values: PatientInput;
  error: string | null;
  /** the site requires a supervisor's approval for this user's override */
  approvalRequired: boolean;
}

function dupMatchesOf(e: ApiError): DuplicateMatch[] {
  const d = e.data as { matches?: DuplicateMatch[] } | undefined;
  return d?.matches ?? [];
}

function approvalRequiredOf(e: ApiError): boolean {
  return Boolean((e.data as { approvalRequired?: boolean } | undefined)?.approvalRequired);
}

/** The shared save/duplicate/discard machinery of both screens. */
function useFormScreen(form: PatientFormApi, draftKey: string, send: (values: PatientInput, override?: Override) => Promise<Patient>, after: (p: Patient) => void) {
  const [banner, setBanner] = useState<{ tone: 'error' | 'warning'; text: string; conflict?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [dup, setDup] = useState<DupState | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const askRef = useRef(() => setConfirmDiscard(true));
  const dirtyRef = useDiscardGuard(form, askRef.current);
  const cancel = () => (dirtyRef.current ? setConfirmDiscard(true) : useNav.getState().back());

  /** Resolves to the error of a refused override (for the duplicate dialog's fields), else null. */
  const save = async (values: PatientInput, override?: Override): Promise<unknown> => {
    setBusy(true);
    setBanner(null);
    try {
      const p = await send(values, override);
      clearDraft(draftKey);
      setDup(null);
      form.reset(form.getValues()); // clean: leaving must not ask
      after(p);
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'DUPLICATE_SUSPECTED') {
        setDup({ matches: dupMatchesOf(e), message: e.message, values, error: null, approvalRequired: approvalRequiredOf(e) });
        return override ? e : null;
      }
      if (dup && override) {
        setDup({ ...dup, error: e instanceof ApiError ? e.message : 'Not saved; please try again.' });
        return e;
      }
      if (e instanceof ApiError && e.code === 'CONFLICT') {
        setBanner({ tone: 'error', text: e.message, conflict: true });
        return;
      }
      const r = applyServerErrors(form, e);
      setBanner({ tone: 'error', text: r.unmatched.length ? `${r.message} ${r.unmatched.join('; ')}` : r.message });
      return null;
    } finally {
      setBusy(false);
    }
  };

  const submit = form.handleSubmit(
    (v) => save(v),
    (errors) => {
      const n = countErrors(errors);
      setBanner({ tone: 'error', text: `${n === 1 ? 'One field needs' : `${n} fields need`} attention (marked below). Nothing was saved.` });
    },
  );
  useScreenKeys({ 'Ctrl+Enter': () => void submit() }, { capture: true });

  const dialogs = (onOpen: (id: string) => void) => (
    <>
      {dup && (
        <DuplicateDialog
          matches={dup.matches}
          message={dup.message}
          busy={busy}
          error={dup.error}
          onOpen={onOpen}
          onClose={() => setDup(null)}
          approvalRequired={dup.approvalRequired}
          onOverride={(reason, approver) =>
            save(dup.values, { reason, matchIds: dup.matches.filter((m) => m.level === 'likely').map((m) => m.patient.id), ...(approver ? { approver } : {}) })
          }
        />
      )}
      <DiscardDialog
        isOpen={confirmDiscard}
        onKeep={() => setConfirmDiscard(false)}
        onDiscard={() => {
          setConfirmDiscard(false);
          clearDraft(draftKey);
          form.reset();
          useNav.getState().back();
        }}
      />
    </>
  );
  return { banner, setBanner, busy, submit, dialogs, cancel };
}

function FormBanner({ banner, extra }: { banner: { tone: 'error' | 'warning'; text: string } | null; extra?: React.ReactNode }) {
  if (!banner) return null;
  return (
    <Banner tone={banner.tone}>
      {banner.text}
      {extra}
    </Banner>
  );
}

function Actions({ busy, onSave, onCancel, label }: { busy: boolean; onSave: () => void; onCancel: () => void; label: string }) {
  return (
    <>
      <Button variant="primary" onPress={onSave} isDisabled={busy} shortcut="Ctrl+Enter">
        {busy ? 'Saving…' : label}
      </Button>
      <Button variant="quiet" onPress={onCancel} shortcut="Esc">
        Cancel
      </Button>
    </>
  );
}

// ---- register ------------------------------------------------------------------------------------

export function RegisterScreen() {
  // the name/DOB typed into search (Alt+N there); peeked here, cleared after mount (StrictMode-safe)
  const [prefill] = useState(() => usePatientSearch.getState().prefill);
  const [defaults] = useState<PatientFormValues>(() => applyPrefill(newPatientForm(), prefill));
  const form = usePatientForm(defaults);
  useFormDraft('register', form);
  const dups = useDuplicateCheck(form.control);

  useEffect(() => {
    usePatientSearch.getState().setPrefill(null);
    // start at the first identifying field still empty (prefilled from a search that found nobody, or a kept draft)
    const v = form.getValues();
    const first = !v.name.family ? 'name.family' : !v.name.given ? 'name.given' : !v.birthDate ? 'birthDate' : 'sexAtBirth';
    if (first !== 'name.family') requestAnimationFrame(() => form.setFocus(first));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const openExisting = (id: string) => {
    clearDraft('register');
    replaceRoute({ name: 'patient', id });
  };
  const screen = useFormScreen(
    form,
    'register',
    async (patient, override) => (await api.call('patients.register', { patient, ...(override ? { override } : {}) })).patient,
    (p) => replaceRoute({ name: 'patient', id: p.id }),
  );

  const keys: Record<string, () => void> = {};
  for (let i = 0; i < MAX_MATCH_KEYS; i++) keys[`Alt+${i + 1}`] = () => dups.matches[i] && openExisting(dups.matches[i]!.patient.id);
  useScreenKeys(keys);

  return (
    <div className="ad-page pt-formpage">
      <PageHeader title="Register a new patient">
        <Actions busy={screen.busy} onSave={() => void screen.submit()} onCancel={screen.cancel} label="Save patient" />
      </PageHeader>
      <div className="pt-formlayout">
        <div className="pt-formcol">
          <FormBanner banner={screen.banner} />
          <AppForm onSubmit={() => void screen.submit()} label="New patient" id="pt-form">
            <PatientFormFields form={form} />
            <div className="ad-form-actions pt-form-foot">
              <Button type="submit" variant="primary" isDisabled={screen.busy} shortcut="Ctrl+Enter">
                Save patient
              </Button>
              <span className="pt-muted">Fields marked * are required.</span>
            </div>
          </AppForm>
        </div>
        <DuplicatePanel status={dups.status} matches={dups.matches} onOpen={openExisting} />
      </div>
      {screen.dialogs(openExisting)}
    </div>
  );
}

// ---- edit ----------------------------------------------------------------------------------------

/** What the clerk had typed when a save hit CONFLICT, kept on screen after reloading the current record. */
interface Mine {
  values: PatientFormValues;
}

export function EditScreen({ id }: { id: string }) {
  const { patient, error, reload } = usePatient(id);
  const [mine, setMine] = useState<Mine | null>(null);
  if (!patient) {
    return (
      <div className="ad-page">
        <PageHeader title="Edit patient" focusOnMount />
        {error ? <Banner tone="error">{error}</Banner> : <p role="status">Loading…</p>}
      </div>
    );
  }
  return (
    <EditForm
      key={patient.version}
      patient={patient}
      mine={mine}
      onReload={async (values) => {
        setMine({ values });
        await reload();
      }}
      onDismissMine={() => setMine(null)}
    />
  );
}

function EditForm({ patient, mine, onReload, onDismissMine }: { patient: Patient; mine: Mine | null; onReload: (values: PatientFormValues) => Promise<void>; onDismissMine: () => void }) {
  const [defaults] = useState(() => formValuesOf(patient));
  const form = usePatientForm(defaults);
  const draftKey = `edit:${patient.id}`;
  useFormDraft(draftKey, form);
  const screen = useFormScreen(
    form,
    draftKey,
    async (doc, override) => (await api.call('patients.update', { id: patient.id, baseVersion: patient.version, patient: doc, ...(override ? { override } : {}) })).patient,
    (p) => {
      const nav = useNav.getState();
      const prev = nav.stack[nav.stack.length - 1];
      if (prev && prev.name === 'patient' && prev.id === p.id) nav.back();
      else replaceRoute({ name: 'patient', id: p.id });
    },
  );
  const mineRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (mine) mineRef.current?.focus();
  }, [mine]);
  const diffs = mine ? differences(mine.values, defaults) : [];

  return (
    <div className="ad-page pt-formpage">
      <PageHeader title={`Edit ${displayName({ ...patient.name, preferredName: patient.preferredName })}`} subtitle={`MRN ${patient.mrn} · version ${patient.version}`}>
        <Actions busy={screen.busy} onSave={() => void screen.submit()} onCancel={screen.cancel} label="Save changes" />
      </PageHeader>
      <div className="pt-formlayout">
        <div className="pt-formcol">
          <FormBanner
            banner={screen.banner}
            extra={
              screen.banner?.conflict ? (
                <div className="pt-mt">
                  <Button variant="primary" size="small" autoFocus onPress={() => void onReload(form.getValues())}>
                    Reload the current record (your entries stay listed)
                  </Button>
                </div>
              ) : null
            }
          />
          {mine && (
            <section className="pt-mine" aria-labelledby="pt-mine-h" tabIndex={-1} ref={mineRef}>
              <h2 id="pt-mine-h">Your entries that were not saved</h2>
              {diffs.length === 0 ? (
                <p>The current record already has everything you typed.</p>
              ) : (
                <>
                  <p>The form now shows the current record (version {patient.version}). Re-enter what still applies:</p>
                  <table className="pt-table">
                    <thead>
                      <tr>
                        <th scope="col">Field</th>
                        <th scope="col">You typed</th>
                        <th scope="col">On record now</th>
                      </tr>
                    </thead>
                    <tbody>
                      {diffs.map((d) => (
                        <tr key={d.field}>
                          <th scope="row">{d.label}</th>
                          <td>{d.mine || '—'}</td>
                          <td>{d.now || '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
              <div className="ad-form-actions">
                {diffs.length > 0 && (
                  <Button
                    size="small"
                    onPress={() => {
                      for (const d of diffs) form.setValue(d.field as never, structuredClone(d.value) as never, { shouldDirty: true, shouldValidate: true });
                    }}
                  >
                    Put my entries back into the form
                  </Button>
                )}
                <Button size="small" variant="quiet" onPress={onDismissMine}>
                  Dismiss
                </Button>
              </div>
            </section>
          )}
          <AppForm onSubmit={() => void screen.submit()} label="Edit patient" id="pt-form">
            <PatientFormFields form={form} />
            <div className="ad-form-actions pt-form-foot">
              <Button type="submit" variant="primary" isDisabled={screen.busy} shortcut="Ctrl+Enter">
                Save changes
              </Button>
              <span className="pt-muted">Fields marked * are required.</span>
            </div>
          </AppForm>
        </div>
      </div>
      {screen.dialogs((id) => replaceRoute({ name: 'patient', id }))}
    </div>
  );
}

// ---- "your entries" after a conflict -------------------------------------------------------------------

const FIELD_LABELS: [string, string][] = [
  ['name.family', 'Last name'],
  ['name.given', 'First name'],
  ['name.middle', 'Middle name'],
  ['name.suffix', 'Suffix'],
  ['name.prefix', 'Prefix'],
  ['preferredName', 'Preferred name'],
  ['previousNames', 'Previous names'],
  ['birthDate', 'Date of birth'],
  ['sexAtBirth', 'Sex at birth'],
  ['genderIdentity', 'Gender identity'],
  ['pronouns', 'Pronouns'],
  ['phones', 'Phones'],
  ['email', 'Email'],
  ['addresses', 'Addresses'],
  ['race', 'Race'],
  ['ethnicity', 'Ethnicity'],
  ['preferredLanguage', 'Preferred language'],
  ['interpreterNeeded', 'Interpreter needed'],
  ['maritalStatus', 'Marital status'],
  ['emergencyContacts', 'Emergency contacts'],
  ['guarantor', 'Guarantor'],
  ['coverages', 'Insurance coverages'],
  ['consents', 'Consents'],
  ['identifiers', 'Identifiers'],
];

export const FIELD_LABEL = new Map(FIELD_LABELS);

function at(v: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);
}

/** Short text of any form value, for the "your entries" table. */
export function summarize(field: string, v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (field === 'birthDate') return usDate(String(v));
  if (field === 'phones' && Array.isArray(v)) return v.map((p: { number: string; use: string }) => `${formatPhone(p.number)} (${p.use})`).join('; ');
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' ? Object.values(x).filter((y) => typeof y === 'string' && y).join(' ') : String(x))).join('; ');
  if (typeof v === 'object') return Object.values(v).filter((y) => typeof y === 'string' && y).join(' ');
  return String(v);
}

function differences(mine: PatientFormValues, now: PatientFormValues) {
  const out: { field: string; label: string; mine: string; now: string; value: unknown }[] = [];
  for (const [field, label] of FIELD_LABELS) {
    const a = at(mine, field);
    const b = at(now, field);
    if (JSON.stringify(a ?? '') === JSON.stringify(b ?? '')) continue;
    out.push({ field, label, mine: summarize(field, a), now: summarize(field, b), value: a });
  }
  return out;
}
