/**
 * Duplicate prevention while registering: the live "Possible matches" panel (patients.findDuplicates, debounced, on
 * the identifying fields only) and the dialog shown when a save is refused with DUPLICATE_SUSPECTED, where the clerk
 * either opens the existing record (the happy path) or saves anyway with a reason (audited as an override).
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
import { TextField } from '../ui/fields.js';
import { Banner } from '../ui/Banner.js';
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

/**
 * Save refused with DUPLICATE_SUSPECTED: list the matches; "Open …" or "Save anyway" with a reason (≥ 10 characters,
 * checked with the shared override schema). Rendered outside the <form> in the React tree, so its keys and Enter do
 * not reach the patient form.
 */
export function DuplicateDialog({
  matches,
  message,
  busy,
  error,
  onOpen,
  onOverride,
  onClose,
}: {
  matches: DuplicateMatch[];
  message: string;
  busy: boolean;
  error: string | null;
  onOpen: (id: string) => void;
  onOverride: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const reasonRef = useRef<HTMLInputElement | null>(null);
  const check = (r: string) => {
    const res = duplicateOverrideSchema.shape.reason.safeParse(r);
    return res.success ? undefined : (res.error.issues[0]?.message ?? 'Say why');
  };
  const saveAnyway = () => {
    const err = check(reason);
    setReasonError(err);
    if (err) {
      reasonRef.current?.focus();
      return;
    }
    onOverride(reason.trim());
  };
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
      <div className="pt-override">
        <h3>Or save a new record anyway</h3>
        <p className="pt-muted">Only when you are sure this is a different person (e.g. twins, a parent and child with the same name). The reason goes into the audit log.</p>
        <TextField
          label="Reason for saving anyway"
          value={reason}
          onChange={(v) => {
            setReason(v);
            if (reasonError) setReasonError(check(v));
          }}
          onBlur={() => reason && setReasonError(check(reason))}
          errorMessage={reasonError}
          inputRef={reasonRef}
          isRequired
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              saveAnyway();
            }
          }}
          description="At least 10 characters"
        />
        {error && <Banner tone="error">{error}</Banner>}
        <div className="ad-form-actions">
          <Button variant="danger" onPress={saveAnyway} isDisabled={busy}>
            Save anyway
          </Button>
          <span className="ad-spacer" />
          <Button variant="quiet" onPress={onClose} shortcut="Esc">
            Back to the form
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
