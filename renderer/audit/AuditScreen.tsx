import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import type { AuditEntry } from '../../shared/domain/user.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { TextField } from '../ui/fields.js';
import { DataTable, type DataColumn } from '../ui/DataTable.js';
import { useSession } from '../app/session.js';
import { formatInstant } from '../app/timezones.js';

const PAGE = 50;

type Verify = { ok: boolean; count: number; firstBadSeq: number | null; checkedAt: string };

/** Administrator: the audit log, newest first, paged ("Older"), filtered by action prefix; verify the hash chain. */
export function AuditScreen() {
  const timeZone = useSession((s) => s.settings?.timeZone ?? 'UTC');
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  /** cursors of the pages before this one (for "Newer") and this page's cursor */
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<Verify | null>(null);
  const [busy, setBusy] = useState(false);
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async (beforeSeq: number | undefined, action: string) => {
    try {
      const r = await api.call('audit.list', { beforeSeq, limit: PAGE, action });
      setEntries(r.entries);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not load the audit log.');
    }
  }, []);
  useEffect(() => {
    void load(cursor, applied);
  }, [cursor, applied, load]);

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

  const columns: DataColumn<AuditEntry & { id: string }>[] = [
    { id: 'at', label: `Time (${timeZone})`, isRowHeader: true, render: (e) => <span style={{ whiteSpace: 'nowrap' }}>{formatInstant(e.at, timeZone)}</span> },
    { id: 'user', label: 'User', render: (e) => e.userName || <span className="ad-muted">system</span> },
    { id: 'action', label: 'Action', render: (e) => <span className="ad-mono">{e.action}</span> },
    { id: 'entity', label: 'Entity', render: (e) => <span className="ad-mono">{e.entityType}{e.entityId ? ` ${e.entityId.slice(0, 13)}` : ''}</span> },
    { id: 'detail', label: 'Detail', render: (e) => <span className="ad-mono" style={{ wordBreak: 'break-word' }}>{e.detail === '{}' ? '' : e.detail}</span> },
    { id: 'seq', label: 'No.', render: (e) => <span className="ad-muted">{e.seq}</span> },
  ];
  const last = entries?.[entries.length - 1];
  const hasOlder = Boolean(entries && entries.length === PAGE && last);

  return (
    <div className="ad-page">
      <PageHeader title="Audit log" subtitle="newest first" focusOnMount>
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
      <form
        className="ad-toolbar"
        role="search"
        aria-label="Filter the audit log"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([undefined]);
          setApplied(filter.trim());
        }}
      >
        <TextField label="Action starts with" value={filter} onChange={setFilter} placeholder="e.g. session. or patient." className="ad-filter" />
        <Button type="submit" shortcut="Enter">
          Filter
        </Button>
        <span style={{ flex: 1 }} />
        <Button isDisabled={cursors.length <= 1} onPress={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </Button>
        <Button isDisabled={!hasOlder} onPress={() => last && setCursors((c) => [...c, last.seq])}>
          Older
        </Button>
      </form>
      <p className="ad-desc" role="status">
        {entries ? (entries.length ? `Entries ${entries[0]!.seq} to ${last!.seq}${applied ? ` with actions starting "${applied}"` : ''}.` : 'No entries.') : 'Loading…'}
      </p>
      {entries && <DataTable id="audit-table" label="Audit entries" columns={columns} rows={entries.map((e) => ({ ...e, id: String(e.seq) }))} empty="No entries match." />}
    </div>
  );
}
