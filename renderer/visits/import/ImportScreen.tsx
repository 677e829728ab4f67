/**
 * Import appointments from a CSV file (administrator; Alt+I or the palette). Choose a file or paste the text, check
 * it (the preview lists every row with its errors per column and the patient it would be linked to or kept pending),
 * then import: all new rows in one transaction, or nothing while any row has an error (shared/api/visits-import.ts).
 *
 * Keys (app/shortcuts.ts scope 'import'): Alt+O choose a file, Alt+C check, Alt+M import; the preview table is a
 * react-aria grid (arrow keys). The preview holds patient names: a PHI store, purged on lock and sign-out.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { create } from 'zustand';
import { FileTrigger, Label, Text, TextArea, TextField as AriaTextField } from 'react-aria-components';
import { api, ApiError } from '../../api/client.js';
import { registerPhiStore } from '../../app/phi.js';
import { matchesShortcut, shortcut } from '../../app/shortcuts.js';
import { Banner } from '../../ui/Banner.js';
import { Button } from '../../ui/Button.js';
import { DataTable, type DataColumn } from '../../ui/DataTable.js';
import { KeyHint } from '../../ui/KeyHint.js';
import { PageHeader } from '../../ui/PageHeader.js';
import type { ImportPreview, ImportRow } from '../../../shared/api/visits-import.js';
import { CSV_COLUMNS, MAX_IMPORT_CHARS, REQUIRED_COLUMNS } from '../../../shared/visits/feeds/csv-columns.js';
import { useDirectory } from '../store.js';
import './import.css';

/** The demo clinic's codes (electron/demo/visits.ts): the example when the directory is not loaded yet. */
const DEMO_CODES = { department: 'FM', provider: 'LOPEZ', type: 'FU' };

/**
 * The placeholder's example row, with this desk's own codes (Clinic setup): the department most providers work in, a
 * provider of it and an appointment type (a follow-up when there is one), so the example imports as it stands on this desk (on the demo: FM, LOPEZ, ...).
 */
function exampleCodes(dir: ReturnType<typeof useDirectory.getState>): { department: string; provider: string; type: string } {
  // the department most providers work in (the clinic's main one), then a provider of it
  const staff = (id: string) => dir.providers.filter((p) => p.active && p.departmentIds.includes(id)).length;
  const dep = dir.departments.filter((d) => d.active).reduce<(typeof dir.departments)[number] | undefined>((best, d) => (!best || staff(d.id) > staff(best.id) ? d : best), undefined);
  if (!dep) return DEMO_CODES;
  const prov = dir.providers.find((p) => p.active && p.departmentIds.includes(dep.id)) ?? dir.providers.find((p) => p.active);
  const type = dir.types.find((t) => t.active && t.code === 'FU') ?? dir.types.find((t) => t.active && !/walk/i.test(`${t.code} ${t.name}`)) ?? dir.types.find((t) => t.active);
  return { department: dep.code, provider: prov?.code ?? DEMO_CODES.provider, type: type?.code ?? DEMO_CODES.type };
}

/** "FM, PED, CARD" (at most 8, then "…") */
function codeList(xs: { code: string; active: boolean }[]): string {
  const codes = xs.filter((x) => x.active).map((x) => x.code);
  return codes.length ? `${codes.slice(0, 8).join(', ')}${codes.length > 8 ? ', …' : ''}` : 'none yet';
}

interface ImportState {
  csv: string;
  fileName: string;
  /** the preview of exactly `checkedCsv` */
  preview: ImportPreview | null;
  checkedCsv: string;
  busy: boolean;
  error: string | null;
  done: string | null;
  set(p: Partial<Omit<ImportState, 'set' | 'reset'>>): void;
  reset(): void;
}

const initial = { csv: '', fileName: '', preview: null, checkedCsv: '', busy: false, error: null, done: null };

export const useImport = create<ImportState>((set) => ({
  ...initial,
  set: (p) => set(p),
  reset: () => set(initial),
}));
registerPhiStore(() => useImport.getState().reset());

const CSV_INPUT_ID = 'import-csv-text';

async function check(): Promise<void> {
  const s = useImport.getState();
  if (!s.csv.trim()) {
    s.set({ error: 'Paste the CSV text or choose a file first.', done: null });
    document.getElementById(CSV_INPUT_ID)?.focus();
    return;
  }
  s.set({ busy: true, error: null, done: null });
  try {
    const preview = await api.call('visits.importPreview', { csv: s.csv });
    useImport.getState().set({ preview, checkedCsv: s.csv, busy: false });
    requestAnimationFrame(() => document.getElementById('import-summary')?.focus());
  } catch (e) {
    useImport.getState().set({ busy: false, preview: null, error: e instanceof ApiError ? e.message : 'The file could not be checked.' });
  }
}

async function runImport(): Promise<void> {
  const s = useImport.getState();
  if (!s.preview || s.checkedCsv !== s.csv || s.preview.counts.errors > 0 || s.preview.counts.new === 0 || s.preview.fileErrors.length > 0) return;
  s.set({ busy: true, error: null, done: null });
  try {
    const r = await api.call('visits.importCsv', { csv: s.csv });
    useImport.getState().set({
      ...initial,
      done: `Imported ${r.imported} appointment${r.imported === 1 ? '' : 's'}${r.skipped ? `; ${r.skipped} already imported before were skipped` : ''}. They are on the board and sync to the other desks.`,
    });
    requestAnimationFrame(() => document.getElementById('import-done')?.focus());
  } catch (e) {
    // the file changed under us (another desk imported, a code was deactivated): show the fresh preview
    const data = e instanceof ApiError ? (e.data as ImportPreview | undefined) : undefined;
    useImport.getState().set({ busy: false, error: e instanceof ApiError ? e.message : 'The import failed; nothing was imported.', preview: data && 'rows' in data ? data : useImport.getState().preview });
  }
}

function PatientCell({ p }: { p: ImportRow['patient'] }) {
  if (p.kind === 'linked') {
    return (
      <span>
        {p.name} <span className="ad-mono">{p.mrn}</span>
        <span className="ad-desc"> · matched by {p.via === 'mrn' ? 'MRN' : 'name and date of birth'}</span>
      </span>
    );
  }
  if (p.kind === 'pending') {
    return (
      <span>
        {p.name}
        <span className="ad-desc"> · pending: check in resolves it</span>
      </span>
    );
  }
  return <span className="ad-desc">—</span>;
}

function StatusCell({ r }: { r: ImportRow }) {
  if (r.status === 'already-imported') return <span>Already imported (skipped)</span>;
  if (r.status === 'new') return <span>New</span>;
  return (
    <ul className="ad-import-errors" aria-label={`Errors on line ${r.line}`}>
      {r.errors.map((e, i) => (
        <li key={i}>
          <span aria-hidden="true">⚠ </span>
          <strong>{e.column ? `${e.column}: ` : 'Row: '}</strong>
          {e.message}
        </li>
      ))}
    </ul>
  );
}

const columns: DataColumn<ImportRow & { id: string }>[] = [
  { id: 'line', label: 'Line', render: (r) => r.line, width: '3.5rem' },
  { id: 'ext', label: 'Appointment id', isRowHeader: true, render: (r) => <span className="ad-mono">{r.externalId || '(none)'}</span>, width: '10rem' },
  { id: 'when', label: 'When', render: (r) => (r.when ? `${r.when}${r.durationMin ? ` · ${r.durationMin} min` : ''}` : '—'), width: '10.5rem' },
  { id: 'where', label: 'Department · provider · type', render: (r) => [r.department, r.provider, r.type].filter(Boolean).join(' · '), width: '22%' },
  { id: 'patient', label: 'Patient', render: (r) => <PatientCell p={r.patient} />, width: '24%' },
  { id: 'status', label: 'Status', render: (r) => <StatusCell r={r} /> },
];

export function ImportScreen() {
  const s = useImport();
  const fileButton = useRef<HTMLButtonElement>(null);
  const dir = useDirectory();
  const example = exampleCodes(dir);
  useEffect(() => {
    document.getElementById(CSV_INPUT_ID)?.focus();
    void useDirectory.getState().load();
  }, []);

  const stale = s.preview !== null && s.checkedCsv !== s.csv;
  const p = s.preview;
  const canImport = p !== null && !stale && p.fileErrors.length === 0 && p.counts.errors === 0 && p.counts.new > 0 && !s.busy;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const native = e.nativeEvent;
    if (matchesShortcut(native, shortcut('import-check'))) {
      e.preventDefault();
      void check();
    } else if (matchesShortcut(native, shortcut('import-run'))) {
      e.preventDefault();
      void runImport();
    } else if (matchesShortcut(native, shortcut('import-file'))) {
      e.preventDefault();
      fileButton.current?.click();
    }
  };

  const readFile = async (files: FileList | null) => {
    const f = files?.[0];
    if (!f) return;
    if (f.size > MAX_IMPORT_CHARS * 2) {
      s.set({ error: `${f.name} is too large: split it into files of at most ${MAX_IMPORT_CHARS.toLocaleString('en-US')} characters.` });
      return;
    }
    const text = await f.text();
    useImport.getState().set({ csv: text, fileName: f.name, preview: null, error: null, done: null });
    void check();
  };

  return (
    <div className="ad-page ad-import" onKeyDown={onKeyDown}>
      <PageHeader title="Import appointments" subtitle="CSV from the scheduling system · checked row by row · nothing is imported while any row has an error" />
      {s.done && (
        <div id="import-done" tabIndex={-1}>
          <Banner tone="success">{s.done}</Banner>
        </div>
      )}
      {s.error && <Banner tone="error">{s.error}</Banner>}
      <div className="ad-import-input">
        <AriaTextField className="ad-field ad-import-text" value={s.csv} onChange={(v) => s.set({ csv: v, fileName: '' })} aria-describedby="import-columns">
          <Label className="ad-label">CSV text {s.fileName && <span className="ad-desc">(from {s.fileName})</span>}</Label>
          <TextArea
            id={CSV_INPUT_ID}
            className="ad-input ad-mono"
            rows={6}
            spellCheck={false}
            placeholder={`${REQUIRED_COLUMNS.join(',')}\nA-1001,2026-01-06,09:00,${example.department},${example.provider},${example.type}`}
          />
          <Text slot="description" className="ad-desc" id="import-columns">
            Header row first. Required: {REQUIRED_COLUMNS.join(', ')}. Optional: {CSV_COLUMNS.filter((c) => !REQUIRED_COLUMNS.includes(c)).join(', ')}. Dates YYYY-MM-DD or MM/DD/YYYY,
            times 14:30 or 2:30 PM ({p?.timeZone ?? 'site time'}); department, provider and type codes as set up in Clinic setup (<KeyHint keys="Alt+C" />). A patient is linked only by MRN or a certain match; otherwise the appointment
            keeps the name for check-in. No patient is registered by an import.
            {dir.loaded && (
              <span className="ad-import-codes" data-testid="import-codes">
                {' '}
                Codes here: departments {codeList(dir.departments)} · providers {codeList(dir.providers)} · types {codeList(dir.types)}.
              </span>
            )}
          </Text>
        </AriaTextField>
        <div className="ad-import-actions">
          <FileTrigger acceptedFileTypes={['.csv', 'text/csv', 'text/plain']} onSelect={(f) => void readFile(f)}>
            <Button ref={fileButton} shortcut={shortcut('import-file').keys}>
              Choose file…
            </Button>
          </FileTrigger>
          <Button onPress={() => void check()} isDisabled={s.busy} shortcut={shortcut('import-check').keys}>
            Check rows
          </Button>
          <Button variant="primary" onPress={() => void runImport()} isDisabled={!canImport} shortcut={shortcut('import-run').keys}>
            {p && !stale && p.counts.new > 0 ? `Import ${p.counts.new} appointment${p.counts.new === 1 ? '' : 's'}` : 'Import'}
          </Button>
        </div>
      </div>
      {p && (
        <section aria-labelledby="import-summary" className="ad-import-preview">
          <h2 id="import-summary" tabIndex={-1} className="ad-import-summary">
            {p.fileErrors.length
              ? 'The file cannot be imported'
              : `${p.counts.total} row${p.counts.total === 1 ? '' : 's'}: ${p.counts.new} new, ${p.counts.alreadyImported} already imported, ${p.counts.errors} with errors, ${p.counts.pendingPatients} with a pending patient`}
          </h2>
          {stale && <Banner tone="warning">The text changed since it was checked: check it again ({shortcut('import-check').keys}) before importing.</Banner>}
          {p.fileErrors.map((e, i) => (
            <Banner key={i} tone="error">
              {e}
            </Banner>
          ))}
          {p.counts.errors > 0 && (
            <Banner tone="error">
              {p.counts.errors} row{p.counts.errors === 1 ? ' has' : 's have'} errors: nothing can be imported until the file is fixed (or the bad rows are removed from it).
            </Banner>
          )}
          {p.fileErrors.length === 0 && p.counts.errors === 0 && p.counts.new === 0 && <Banner tone="info">Every row was imported before: nothing new to import.</Banner>}
          {p.rows.length > 0 && <DataTable label="Rows of the file" columns={columns} rows={p.rows.map((r) => ({ ...r, id: String(r.line) }))} />}
        </section>
      )}
      <footer className="ad-import-keys" aria-label="Keys on this screen">
        <KeyHint keys={shortcut('import-file').keys} /> choose file · <KeyHint keys={shortcut('import-check').keys} /> check rows · <KeyHint keys={shortcut('import-run').keys} /> import ·{' '}
        <KeyHint keys="Esc" /> back
      </footer>
    </div>
  );
}
