/**
 * Administrator: the audit log, newest first, paged ("Older" / "Newer"), in words: who (display name), what happened
 * (shared/audit/actions.ts), about whom or what (patient name and MRN, the visit, the receipt), and the detail as
 * "label: value" instead of JSON. Filters: patient (name or MRN), user, business dates (site time zone) and action;
 * Enter applies them. Alt+E exports the filtered entries as CSV (the export is itself audited). Verify the hash chain.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import type { AuditListEntry } from '../../shared/api/audit.js';
import { AUDIT_ACTION_LABELS, AUDIT_AREAS } from '../../shared/audit/actions.js';
import type { UserSummary } from '../../shared/domain/user.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { SelectField, TypedDateField } from '../ui/fields.js';
import { DataTable, type DataColumn } from '../ui/DataTable.js';
import { useSession } from '../app/session.js';
import { formatInstant } from '../app/timezones.js';
import { useScreenKeys } from '../patients/keys.js';
import { usDate } from '../patients/format.js';
import { parseIsoDate } from '../../shared/dates.js';
import { PatientFilter, type PickedPatient } from './PatientFilter.js';
import './audit.css';
import { downloadText } from '../ui/download.js';

const PAGE = 50;
const PATIENT_INPUT_ID = 'audit-patient-filter';

type Verify = { ok: boolean; count: number; firstBadSeq: number | null; checkedAt: string };

interface Filters {
  patient: PickedPatient | null;
  userId: string;
  from: string;
  to: string;
  /** '' any; 'area:<prefix>' an area; otherwise one action */
  action: string;
}
const NO_FILTERS: Filters = { patient: null, userId: '', from: '', to: '', action: '' };

/** Any action, then each area (all of it) followed by its actions, by label. */
const ACTION_OPTIONS: { value: string; label: string }[] = (() => {
  const out = [{ value: '', label: 'Any action' }];
  const actions = Object.entries(AUDIT_ACTION_LABELS);
  const used = new Set<string>();
  for (const a of AUDIT_AREAS) {
    out.push({ value: `area:${a.prefix}`, label: `${a.label} (all)` });
    for (const [action, label] of actions.filter(([k]) => k.startsWith(a.prefix)).sort((x, y) => x[1].localeCompare(y[1]))) {
      out.push({ value: action, label: `${a.label}: ${label}` });
      used.add(action);
    }
  }
  for (const [action, label] of actions.filter(([k]) => !used.has(k)).sort((x, y) => x[1].localeCompare(y[1]))) out.push({ value: action, label: `Other: ${label}` });
  return out;
})();

const isDate = (s: string) => s === '' || parseIsoDate(s) !== null;

function apiFilter(f: Filters) {
  return {
    patientId: f.patient?.id ?? '',
    userId: f.userId,
    from: f.from,
    to: f.to,
    action: f.action.startsWith('area:') ? f.action.slice(5) : '',
    actions: f.action && !f.action.startsWith('area:') ? [f.action] : [],
  };
}


export function AuditScreen() {
  const timeZone = useSession((s) => s.settings?.timeZone ?? 'UTC');
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [dateErrors, setDateErrors] = useState<{ from?: string; to?: string }>({});
  /** cursors of the pages before this one (for "Newer") and this page's cursor */
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [entries, setEntries] = useState<AuditListEntry[] | null>(null);
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [verify, setVerify] = useState<Verify | null>(null);
  const [busy, setBusy] = useState(false);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    api.call('users.list', {}).then(
      (r) => setUsers(r.users),
      () => setUsers([]),
    );
  }, []);

  const load = useCallback(async (beforeSeq: number | undefined, f: Filters) => {
    try {
      const r = await api.call('audit.list', { beforeSeq, limit: PAGE, ...apiFilter(f) });
      setEntries(r.entries);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not load the audit log.');
    }
  }, []);
  useEffect(() => {
    void load(cursor, applied);
  }, [cursor, applied, load]);

  const apply = () => {
    const errs: { from?: string; to?: string } = {};
    if (!isDate(draft.from)) errs.from = 'Type a date: MM/DD/YYYY';
    if (!isDate(draft.to)) errs.to = 'Type a date: MM/DD/YYYY';
    if (!errs.from && !errs.to && draft.from && draft.to && draft.to < draft.from) errs.to = 'The end date is before the start date';
    setDateErrors(errs);
    if (errs.from || errs.to) {
      document.querySelector<HTMLInputElement>(`input[name="${errs.from ? 'from' : 'to'}"]`)?.focus();
      return;
    }
    setCursors([undefined]);
    setApplied({ ...draft });
    setNotice(null);
  };

  const clear = () => {
    setDraft(NO_FILTERS);
    setDateErrors({});
    setCursors([undefined]);
    setApplied(NO_FILTERS);
    setNotice(null);
    document.getElementById(PATIENT_INPUT_ID)?.focus();
  };

  const exportCsv = async () => {
    setBusy(true);
    try {
      const r = await api.call('audit.export', apiFilter(applied));
      downloadText(r.fileName, r.csv);
      setNotice(`Saved ${r.fileName} (your downloads): ${r.rows} ${r.rows === 1 ? 'entry' : 'entries'}${r.truncated ? ' — the newest only; narrow the filters for the rest' : ''}. The export is in the audit log.`);
      setError(null);
      // the export is audited: show it when the unfiltered newest page is on screen
      if (cursors.length === 1) void load(undefined, applied);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The CSV could not be made.');
    } finally {
      setBusy(false);
    }
  };

  const runVerify = async () => {
    setBusy(true);
    try {
      setVerify(await api.call('audit.verify', {}));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not verify the chain.');
    } finally {
      setBusy(false);
    }
  };

  useScreenKeys({
    'Alt+E': () => void exportCsv(),
    'Alt+F': () => document.getElementById(PATIENT_INPUT_ID)?.focus(),
  });

  const userOptions = useMemo(
    () => [
      { value: '', label: 'Any user' },
      ...[...users].sort((a, b) => a.displayName.localeCompare(b.displayName)).map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` })),
      { value: 'system', label: 'AccessDesk itself (sync, start-up)' },
    ],
    [users],
  );

  const columns: DataColumn<AuditListEntry & { id: string }>[] = [
    { id: 'at', label: `Time (${timeZone})`, isRowHeader: true, render: (e) => <span style={{ whiteSpace: 'nowrap' }}>{formatInstant(e.at, timeZone)}</span> },
    { id: 'user', label: 'User', render: (e) => <span style={{ whiteSpace: 'nowrap' }}>{e.userId === 'system' ? <span className="ad-muted">AccessDesk</span> : e.userName}</span> },
    { id: 'action', label: 'Action', render: (e) => e.actionLabel },
    { id: 'subject', label: 'About', render: (e) => e.subject },
    {
      id: 'detail',
      label: 'Details',
      render: (e) => (
        <span className="au-details">
          {e.details.map((d, i) => (
            <span key={i} className="au-detail">
              <span className="ad-muted">{d.label}:</span> {d.value}
            </span>
          ))}
        </span>
      ),
    },
    { id: 'seq', label: 'No.', render: (e) => <span className="ad-muted">{e.seq}</span> },
  ];
  const last = entries?.[entries.length - 1];
  const hasOlder = Boolean(entries && entries.length === PAGE && last);

  const filterWords = [
    applied.patient && `about ${applied.patient.label}`,
    applied.userId && `by ${userOptions.find((o) => o.value === applied.userId)?.label ?? 'one user'}`,
    (applied.from || applied.to) && (applied.from && applied.to ? `from ${usDate(applied.from)} to ${usDate(applied.to)}` : applied.from ? `from ${usDate(applied.from)}` : `up to ${usDate(applied.to)}`),
    applied.action && ACTION_OPTIONS.find((o) => o.value === applied.action)?.label,
  ].filter(Boolean);

  return (
    <div className="ad-page au-page">
      <PageHeader title="Audit log" subtitle="newest first" focusOnMount>
        <Button shortcut="Alt+E" onPress={() => void exportCsv()} isPending={busy}>
          Export CSV
        </Button>
        <Button onPress={runVerify} isPending={busy}>
          Verify chain
        </Button>
      </PageHeader>
      {verify &&
        (verify.ok ? (
          <Banner tone="success" title="Chain OK:">
            {' '}
            all {verify.count} entries verified ({formatInstant(verify.checkedAt, timeZone)}).
          </Banner>
        ) : (
          <Banner tone="error" title="Chain BROKEN:">
            {' '}
            {verify.count} entries checked; the first bad entry is no. {verify.firstBadSeq}.
          </Banner>
        ))}
      {error && <Banner tone="error">{error}</Banner>}
      {notice && <Banner tone="success">{notice}</Banner>}
      <form
        className="au-filters"
        role="search"
        aria-label="Filter the audit log"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <PatientFilter inputId={PATIENT_INPUT_ID} value={draft.patient} onChange={(patient) => setDraft((d) => ({ ...d, patient }))} />
        <SelectField label="User" value={draft.userId} options={userOptions} onChange={(userId) => setDraft((d) => ({ ...d, userId }))} />
        <TypedDateField label="From date" name="from" value={draft.from} onChange={(from) => setDraft((d) => ({ ...d, from }))} errorMessage={dateErrors.from} description="Business date (site time)" />
        <TypedDateField label="To date" name="to" value={draft.to} onChange={(to) => setDraft((d) => ({ ...d, to }))} errorMessage={dateErrors.to} description="Last day, included" />
        <SelectField label="Action" value={draft.action} options={ACTION_OPTIONS} onChange={(action) => setDraft((d) => ({ ...d, action }))} className="au-action" />
        <div className="au-filter-actions">
          <Button type="submit" shortcut="Enter">
            Filter
          </Button>
          <Button variant="quiet" onPress={clear}>
            Clear filters
          </Button>
        </div>
      </form>
      <div className="au-pager">
        <p className="ad-desc" role="status">
          {entries
            ? entries.length
              ? `Entries ${entries[0]!.seq} to ${last!.seq}${filterWords.length ? `, ${filterWords.join(', ')}` : ''}.`
              : `No entries${filterWords.length ? ` ${filterWords.join(', ')}` : ''}.`
            : 'Loading…'}
        </p>
        <Button size="small" isDisabled={cursors.length <= 1} onPress={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </Button>
        <Button size="small" isDisabled={!hasOlder} onPress={() => last && setCursors((c) => [...c, last.seq])}>
          Older
        </Button>
      </div>
      {entries && <DataTable id="audit-table" label="Audit entries" columns={columns} rows={entries.map((e) => ({ ...e, id: String(e.seq) }))} empty="No entries match these filters." />}
    </div>
  );
}
