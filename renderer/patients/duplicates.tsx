/**
 * Duplicate prevention while registering: the live "Possible matches" panel (patients.findDuplicates, debounced, on
 * the identifying fields only) and the dialog shown when a save is refused with DUPLICATE_SUSPECTED, where the clerk
 * either opens the existing record (the happy path) or saves anyway with a reason (audited as an override; with a
 * supervisor's approval when the site requires it).
 */
import { useEffect, useRef, useState } from 'react';
import type { MethodInput } from '../../shared/api/contract.js';
import { useWatch } from 'react-hook-form';
import { api } from '../api/client.js';
import { parseIsoDate } from '../../shared/dates.js';
import { digits } from '../../shared/text.js';
import { duplicateOverrideSchema, type DuplicateMatch, type PatientFormValues, type PatientInput } from '../../shared/domain/patient.js';
import type { Control } from 'react-hook-form';
import { Button } from '../ui/Button.js';
import { Dialog } from '../ui/Dialog.js';
import { Banner } from '../ui/Banner.js';
import { AppForm, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { ApproverFields, approverFieldsSchema, approverInput, approverMissing, needsApproval, noApprover } from '../payments/ApproverFields.js';
import type { ApproverCredentials } from '../../shared/domain/drawer.js';
import { z } from 'zod';
import { age, displayName, siteToday, usDate, formatPhone, SEX_LABELS } from './format.js';

const DEBOUNCE_MS = 300;
export const MAX_MATCH_KEYS = 5;

/** What the duplicate check sends: the contract's own input type, less the record being edited. */
type DupInput = Omit<Required<MethodInput<'patients.findDuplicates'>>, 'excludeId'>;

/** Watches the identifying fields and returns the current matches ('idle' until enough is typed). */
export function useDuplicateCheck(control: Control<PatientFormValues, unknown, PatientInput>, excludeId?: string) {
  const [family, given, birthDate, sexAtBirth, phones, email, addresses, identifiers] = useWatch({
    control,
    name: ['name.family', 'name.given', 'birthDate', 'sexAtBirth', 'phones', 'email', 'addresses', 'identifiers'],
  });
  const input: DupInput = {
    family: (family ?? '').trim().slice(0, 80),
    given: (given ?? '').trim().slice(0, 60),
    birthDate: birthDate && parseIsoDate(birthDate) ? birthDate : '',
    sexAtBirth: sexAtBirth ?? '',
    phones: (phones ?? [])
      .map((p) => digits(p?.number ?? ''))
      .filter((d) => d.length === 10 || (d.length === 11 && d.startsWith('1')))
      .slice(0, 5),
    email: (email ?? '').trim().slice(0, 254),
    postalCode: (addresses?.[0]?.postalCode ?? '').trim().slice(0, 10),
    line1: (addresses?.[0]?.line1 ?? '').trim().slice(0, 100),
    identifiers: (identifiers ?? [])
      .filter((i) => i?.value?.trim())
      .map((i) => `${i.type}:${i.value.trim()}`.slice(0, 40))
      .slice(0, 10),
  };
  const enough = Boolean((input.family && input.given) || input.birthDate || input.phones.length);
  const key = enough ? JSON.stringify(input) : '';
  const [state, setState] = useState<{ status: 'idle' | 'checking' | 'done' | 'error'; matches: DuplicateMatch[] }>({ status: 'idle', matches: [] });
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    if (!key) {
      setState({ status: 'idle', matches: [] });
      return;
    }
    setState((s) => ({ ...s, status: 'checking' }));
    const t = window.setTimeout(() => {
      api
        .call('patients.findDuplicates', { ...(JSON.parse(key) as DupInput), ...(excludeId ? { excludeId } : {}) })
        .then((r) => {
          if (mine === seq.current) setState({ status: 'done', matches: r.matches });
        })
        .catch(() => {
          if (mine === seq.current) setState((s) => ({ ...s, status: 'error' }));
        });
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(t);
  }, [key, excludeId]);
  return state;
}

function LevelTag({ level }: { level: DuplicateMatch['level'] }) {
  return level === 'likely' ? <span className="ad-tag ad-tag--danger pt-badge">Likely match</span> : <span className="ad-tag pt-badge">Possible match</span>;
}

function MatchSummary({ m }: { m: DuplicateMatch }) {
  const h = m.patient;
  const a = age(h.birthDate, siteToday());
  return (
    <div className="pt-match__body">
      <div className="pt-match__name">{displayName(h)}</div>
      <div className="pt-match__ids">
        <span>
          DOB {usDate(h.birthDate)} {a && <span className="pt-muted">({a})</span>}
        </span>
        <span>{SEX_LABELS[h.sexAtBirth]}</span>
        <span>
          MRN <span className="pt-mono">{h.mrn}</span>
        </span>
        {h.phone && <span>{formatPhone(h.phone)}</span>}
      </div>
      <div className="pt-match__why">
        <LevelTag level={m.level} /> <span className="pt-muted">score {Math.round(m.score)}</span> · {m.reasons.join('; ')}
      </div>
    </div>
  );
}

/** The live panel beside the register form. Alt+1…Alt+5 (bound by the screen) open match 1…5. */
export function DuplicatePanel({ status, matches, onOpen }: { status: 'idle' | 'checking' | 'done' | 'error'; matches: DuplicateMatch[]; onOpen: (id: string) => void }) {
  const likely = matches.filter((m) => m.level === 'likely').length;
  return (
    <aside className={`pt-dups${matches.length ? ' pt-dups--found' : ''}`} aria-labelledby="pt-dups-h">
      <h2 id="pt-dups-h">Possible matches</h2>
      <p role="status" className="pt-dups__status">
        {status === 'idle' && 'Type last and first name, date of birth or a phone: existing records that match show here.'}
        {status === 'checking' && matches.length === 0 && 'Checking…'}
        {status === 'error' && 'The check did not answer; it runs again as you type.'}
        {(status === 'done' || (status === 'checking' && matches.length > 0)) &&
          (matches.length === 0
            ? 'No existing record matches so far.'
            : `${matches.length} existing ${matches.length === 1 ? 'record' : 'records'} may be this patient${likely ? ` (${likely} likely)` : ''}. Open it instead of registering again.`)}
      </p>
      {matches.length > 0 && (
        <ol className="pt-matches">
          {matches.map((m, i) => (
            <li key={m.patient.id} className={`pt-match pt-match--${m.level}`}>
              <MatchSummary m={m} />
              <Button size="small" shortcut={i < MAX_MATCH_KEYS ? `Alt+${i + 1}` : undefined} onPress={() => onOpen(m.patient.id)} aria-label={`Open ${displayName(m.patient)}, MRN ${m.patient.mrn}`}>
                Open
              </Button>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

/** The "save anyway" part of the dialog: the reason, and a supervisor's credentials when the site requires them. */
const overrideFormSchema = z.object({ reason: duplicateOverrideSchema.shape.reason, approver: approverFieldsSchema });

/**
 * Save refused with DUPLICATE_SUSPECTED: list the matches; "Open …" or "Save anyway" with a reason (≥ 10 characters,
 * checked with the shared override schema) and, when the site requires it (`approvalRequired`, or the API says so),
 * a supervisor's user name and password (the payments' ApproverFields). `onOverride` resolves to the API error when
 * the save was refused (its field errors go on the dialog's fields), or null. Rendered outside the patient <form> in
 * the React tree, so its keys and Enter do not reach the patient form.
 */
export function DuplicateDialog({
  matches,
  message,
  busy,
  error,
  approvalRequired,
  onOpen,
  onOverride,
  onClose,
}: {
  matches: DuplicateMatch[];
  message: string;
  busy: boolean;
  error: string | null;
  approvalRequired: boolean;
  onOpen: (id: string) => void;
  onOverride: (reason: string, approver: ApproverCredentials | undefined) => Promise<unknown>;
  onClose: () => void;
}) {
  const [forced, setForced] = useState(false);
  const approval = approvalRequired || forced;
  const form = useZodForm(overrideFormSchema, { reason: '', approver: noApprover() });
  const submit = form.handleSubmit(async (v) => {
    if (approverMissing(form.setError, approval, v.approver)) return;
    const err = await onOverride(v.reason.trim(), approval ? approverInput(v.approver) : undefined);
    if (!err) return;
    // the password is never kept after a refusal; the reason and the user name stay
    form.setValue('approver.password', '');
    if (needsApproval(err) && !approval) {
      setForced(true);
      requestAnimationFrame(() => form.setFocus('approver.username'));
      return;
    }
    applyServerErrors(form, err);
  });
  return (
    <Dialog isOpen onClose={onClose} title="This patient may already be registered" className="pt-dupdlg" role="alertdialog" hideClose>
      <Banner tone="warning">{message}</Banner>
      <ol className="pt-matches">
        {matches.map((m, i) => (
          <li key={m.patient.id} className={`pt-match pt-match--${m.level}`}>
            <MatchSummary m={m} />
            <Button size="small" variant={i === 0 ? 'primary' : 'secondary'} autoFocus={i === 0} onPress={() => onOpen(m.patient.id)}>
              Open {displayName(m.patient)}
            </Button>
          </li>
        ))}
      </ol>
      <AppForm onSubmit={submit} label="Save a new record anyway" className="pt-override">
        <h3>Or save a new record anyway</h3>
        <p className="pt-muted">
          Only when you are sure this is a different person (e.g. twins, a parent and child with the same name). The reason goes into the audit log, and the new record is
          flagged as a possible duplicate for a supervisor to review.
        </p>
        <FormTextField control={form.control} name="reason" label="Reason for saving anyway" isRequired description="At least 10 characters" autoComplete="off" />
        {approval && <ApproverFields control={form.control} why="This site requires a supervisor’s approval to save a likely duplicate." />}
        {error && <Banner tone="error">{error}</Banner>}
        <div className="ad-form-actions">
          <Button type="submit" variant="danger" isDisabled={busy}>
            {approval ? 'Save anyway with approval' : 'Save anyway'}
          </Button>
          <span className="ad-spacer" />
          <Button variant="quiet" onPress={onClose} shortcut="Esc">
            Back to the form
          </Button>
        </div>
      </AppForm>
    </Dialog>
  );
}
