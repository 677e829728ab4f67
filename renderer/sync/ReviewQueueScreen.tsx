/**
 * Review queue (supervisors, Alt+R): the hub's work items that need a person.
 *  - identity conflict: two desks changed an identity field of one patient from the same version; both values, which
 *    desk wrote each, when, and which one the record holds now. Keep (K), correct in the record (C, then D to close).
 *  - possible duplicate / MRN collision: both records side by side (read with patients.get), score and reasons.
 *    Merge into… (M: choose the survivor, reason, confirm; then the item is closed as merged), not the same person (N).
 * 1 / 2 open either patient. Everything by keyboard; the list is a grid (arrows, Enter shows an item).
 * Offline: the queue comes from the hub, so the screen says so and offers Try again; nothing else breaks.
 * This desk's own items (likely duplicates saved anyway here, ids "local:…") are listed too, also on a desk without a
 * hub, where they are the whole queue; Merge into… and Not the same person close them on this desk.
 * Patient data lives in component state only (the idle lock unmounts this screen).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import type { Patient } from '../../shared/domain/patient.js';
import type { ReviewItem } from '../../shared/sync/protocol.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { DataTable } from '../ui/DataTable.js';
import { KeyHint } from '../ui/KeyHint.js';
import { useNav } from '../app/nav.js';
import { useSession } from '../app/session.js';
import { useScreenKeys } from '../patients/keys.js';
import { FIELD_LABEL } from '../patients/FormScreens.js';
import { IDENTIFIER_LABELS, SEX_LABELS, displayName, formatPhone, siteDateTime, usDate } from '../patients/format.js';
import { MergeDialog, NoteDialog } from './dialogs.js';
import { useSync } from './store.js';
import './sync.css';

type Loaded = { state: 'ok'; patient: Patient } | { state: 'missing'; message: string };
type Resolution = 'merged' | 'corrected' | 'not-duplicate' | 'kept';
type DialogKind = null | 'merge' | 'close-merged' | 'not-duplicate' | 'kept' | 'corrected';

const TYPE_LABEL: Record<ReviewItem['type'], string> = {
  'identity-conflict': 'Identity conflict',
  'possible-duplicate': 'Possible duplicate',
  'mrn-collision': 'Same MRN twice',
  'appointment-conflict': 'Refused appointment change',
  'merge-conflict': 'Refused merge',
};

function patientIdsOf(item: ReviewItem): string[] {
  if (item.type === 'identity-conflict') return [item.patientId];
  if (item.type === 'appointment-conflict') return item.patientId ? [item.patientId] : [];
  if (item.type === 'merge-conflict') return mergeConflictIds(item);
  return [...item.patientIds];
}

type MergeConflictItem = Extract<ReviewItem, { type: 'merge-conflict' }>;

/** A refused merge's records: the two it asked about first, then the others its links involve. */
function mergeConflictIds(item: MergeConflictItem): string[] {
  const first = [item.mergedId, ...(item.survivorId ? [item.survivorId] : [])];
  return [...new Set([...first, ...item.links.map((l) => l.patientId)])];
}

/** "MRN 10000017 (Gonzalez, Maria)", or a neutral name while the record is not on this desk. */
function recordName(rec: Loaded | undefined): string {
  if (!rec || rec.state !== 'ok') return 'a record not on this desk yet';
  return `MRN ${rec.patient.mrn} (${rec.patient.name.family}, ${rec.patient.name.given})`;
}

/** What a refused merge asked for, in words. */
export function mergeConflictRequest(item: MergeConflictItem, name: (id: string) => string): string {
  if (item.kind === 'patient.unmerged') return `Undo the merge of ${name(item.mergedId)}${item.survivorId ? ` into ${name(item.survivorId)}` : ''}`;
  return `Merge ${name(item.mergedId)} into ${name(item.survivorId ?? '')}`;
}

/** The hub's reason without its technical prefix ("patient.merged: at the hub …" -> "At the hub …"). */
export function mergeConflictReason(message: string): string {
  const m = message.replace(/^patient\.(un)?merged:\s*/, '');
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
}

/** A conflicting value as the clerk would read it. */
export function formatFieldValue(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (field === 'birthDate' && typeof v === 'string') return usDate(v);
  if (field === 'sexAtBirth' && typeof v === 'string') return SEX_LABELS[v as keyof typeof SEX_LABELS] ?? v;
  if (field === 'identifiers' && Array.isArray(v)) {
    return v.map((i: { type?: string; value?: string }) => `${IDENTIFIER_LABELS[i.type as keyof typeof IDENTIFIER_LABELS] ?? i.type}: ${i.value}`).join('; ') || '(none)';
  }
  if (field === 'previousNames' && Array.isArray(v)) {
    return v.map((n: { given?: string; family?: string; until?: string }) => `${[n.given, n.family].filter(Boolean).join(' ')}${n.until ? ` (until ${usDate(n.until)})` : ''}`).join('; ') || '(none)';
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The wall-clock time of an encoded HLC (15-digit ms prefix). */
function hlcTime(hlc: string): string {
  const ms = Number(hlc.slice(0, 15));
  return Number.isFinite(ms) ? siteDateTime(new Date(ms).toISOString()) : '';
}

export function ReviewQueueScreen() {
  const syncState = useSync((s) => s.status?.state);
  const deskId = useSession((s) => s.status?.deskId);
  const go = useNav((s) => s.go);
  const [items, setItems] = useState<ReviewItem[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [patients, setPatients] = useState<Record<string, Loaded>>({});
  const [dialog, setDialog] = useState<DialogKind>(null);
  const [notice, setNotice] = useState<{ tone: 'success' | 'warning'; text: string } | null>(null);
  const detailRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api.call('sync.reviewItems', { status: 'open' });
      setItems(r.items);
      setLoadError(null);
      setSelectedId((cur) => (cur && r.items.some((i) => i.id === cur) ? cur : (r.items[0]?.id ?? null)));
    } catch (e) {
      setLoadError(e instanceof ApiError ? e.message : 'The review queue could not be read.');
    } finally {
      setLoading(false);
    }
  }, []);

  // a desk without a hub still has its own items (likely duplicates saved anyway here)
  useEffect(() => {
    void load();
  }, [load, syncState]);

  const fetchPatient = useCallback(async (id: string) => {
    try {
      const r = await api.call('patients.get', { id });
      setPatients((m) => ({ ...m, [id]: { state: 'ok', patient: r.patient } }));
    } catch (e) {
      const message =
        e instanceof ApiError && e.code === 'NOT_FOUND' ? 'This record has not reached this desk yet (it arrives with the next sync).' : e instanceof ApiError ? e.message : 'Could not load this record.';
      setPatients((m) => ({ ...m, [id]: { state: 'missing', message } }));
    }
  }, []);

  // Both records of the items on screen, each read once (each read is a recorded view, as anywhere else).
  const requested = useRef(new Set<string>());
  useEffect(() => {
    if (!items) return;
    for (const id of new Set(items.slice(0, 50).flatMap(patientIdsOf))) {
      if (requested.current.has(id)) continue;
      requested.current.add(id);
      void fetchPatient(id);
    }
  }, [items, fetchPatient]);

  // A record on screen changed (merged, edited, pulled from another desk): read it again.
  useEffect(
    () =>
      api.on('patients.changed', (p) => {
        if (requested.current.has(p.id)) void fetchPatient(p.id);
      }),
    [fetchPatient],
  );

  const item = items?.find((i) => i.id === selectedId) ?? null;
  const recs = item ? patientIdsOf(item).map((id) => patients[id]) : [];
  const okRecs = recs.filter((r): r is { state: 'ok'; patient: Patient } => r?.state === 'ok').map((r) => r.patient);
  const isConflict = item?.type === 'identity-conflict';
  const isAppt = item?.type === 'appointment-conflict';
  const isMergeConflict = item?.type === 'merge-conflict';
  const isPair = item !== null && !isConflict && !isAppt && !isMergeConflict;
  const pair = item && isPair && okRecs.length === 2 ? (okRecs as [Patient, Patient]) : null;
  const alreadyMerged = pair ? pair[0].mergedInto === pair[1].id || pair[1].mergedInto === pair[0].id : false;

  /** After closing an item: its successor's detail, or the screen's heading once nothing is left (never the page body). */
  const focusDetail = () => requestAnimationFrame(() => (detailRef.current ?? document.querySelector<HTMLElement>('.ad-page-header h1'))?.focus());

  const resolve = async (resolution: Resolution, note: string) => {
    if (!item) return;
    await api.call('sync.resolveReviewItem', { id: item.id, resolution, note });
    setDialog(null);
    setNotice({ tone: 'success', text: `Closed: ${TYPE_LABEL[item.type].toLowerCase()} (${resolutionText(resolution)}).` });
    await load();
    focusDetail();
  };

  const onMerged = async (r: { survivorId: string; mergedId: string; reason: string }) => {
    if (!item) return;
    const survivor = okRecs.find((p) => p.id === r.survivorId);
    setDialog(null);
    void fetchPatient(r.mergedId);
    void fetchPatient(r.survivorId);
    try {
      await api.call('sync.resolveReviewItem', { id: item.id, resolution: 'merged', note: r.reason });
      setNotice({ tone: 'success', text: `Merged into MRN ${survivor?.mrn ?? ''}; the item is closed.` });
      await load();
    } catch (e) {
      setNotice({
        tone: 'warning',
        text: `Merged into MRN ${survivor?.mrn ?? ''} on this desk (it syncs by itself), but the hub could not be told to close this item: ${e instanceof ApiError ? e.message : 'no answer'} Press M again to close it when the hub is reachable.`,
      });
    }
    focusDetail();
  };

  const openPatient = (n: number) => {
    if (!item) return;
    const id = patientIdsOf(item)[n];
    if (id && patients[id]?.state === 'ok') go({ name: 'patient', id });
  };

  useScreenKeys({
    '1': () => openPatient(0),
    '2': () => openPatient(1),
    M: () => isPair && pair && setDialog(alreadyMerged ? 'close-merged' : 'merge'),
    N: () => isPair && setDialog('not-duplicate'),
    K: () => (isConflict || isAppt || isMergeConflict) && setDialog('kept'),
    C: () => isConflict && item && go({ name: 'edit', id: item.patientId }),
    D: () => item && (isConflict || isAppt || isMergeConflict || item.type === 'mrn-collision') && setDialog('corrected'),
  });

  const deskName = (id: string, label?: string) => (id === deskId ? `${label || 'This desk'} (this desk)` : label || `Desk ${id.slice(0, 8)}`);

  return (
    <div className="ad-page">
      <PageHeader title="Review queue" subtitle={syncState === 'not-enrolled' ? 'Likely duplicates saved on this desk, for a supervisor' : 'Items from the hub and this desk that need a supervisor'} focusOnMount>
        <Button onPress={() => void load()} isPending={loading}>
          Refresh
        </Button>
        <Button variant="quiet" shortcut="Esc" onPress={() => useNav.getState().back()}>
          Back
        </Button>
      </PageHeader>
      {syncState === 'not-enrolled' && (
        <Banner tone="info">{' This desk is not connected to a clinic hub: the queue lists the likely duplicates saved anyway on this desk. Conflicts between desks appear once an administrator connects it in Settings.'}</Banner>
      )}
      {loadError && (
        <Banner tone="error" title="Review queue unavailable:">
          {` ${loadError} Work on this desk continues.`}{' '}
          <Button size="small" onPress={() => void load()}>
            Try again
          </Button>
        </Banner>
      )}
      {notice && <Banner tone={notice.tone}>{` ${notice.text}`}</Banner>}
      {items && items.length === 0 && <p role="status">{syncState === 'not-enrolled' ? 'Nothing to review. Every likely duplicate saved on this desk is closed.' : 'Nothing to review. Every item from the hub is closed.'}</p>}
      {items && items.length > 0 && (
        <div className="sy-review">
          <div className="sy-review__list">
            <DataTable
              label="Open review items"
              rows={items}
              onRowAction={(id) => {
                setSelectedId(id);
                setNotice(null);
                requestAnimationFrame(() => detailRef.current?.focus());
              }}
              columns={[
                { id: 'type', label: 'Item', isRowHeader: true, render: (i) => `${i.id === selectedId ? '▶ ' : ''}${TYPE_LABEL[i.type]}` },
                {
                  id: 'who',
                  label: 'Patients',
                  render: (i) => patientIdsOf(i).map((id) => shortName(patients[id])).join(' / ') || (i.type === 'appointment-conflict' ? '(patient pending)' : ''),
                },
                { id: 'when', label: 'Raised', render: (i) => siteDateTime(i.createdAt) },
              ]}
            />
            <p className="sy-muted">
              <KeyHint keys="↑ ↓" /> move · <KeyHint keys="Enter" /> show the item
            </p>
          </div>
          {item && (
            <section className="sy-detail" aria-labelledby="sy-detail-h" data-testid="review-detail">
              <h2 id="sy-detail-h" ref={detailRef} tabIndex={-1}>
                {TYPE_LABEL[item.type]}
                {item.type === 'identity-conflict' && `: ${FIELD_LABEL.get(item.field) ?? item.field}`}
                {item.type === 'mrn-collision' && `: MRN ${item.mrn}`}
              </h2>
              {item.type === 'identity-conflict' && (
                <>
                  <p>
                    Two desks changed this from the same version of the record to different values. The record now holds the newer one; decide whether it is right.
                  </p>
                  <table className="sy-values" aria-label="Conflicting values">
                    <thead>
                      <tr>
                        <th scope="col">Value</th>
                        <th scope="col">Written at</th>
                        <th scope="col">When</th>
                        <th scope="col">In the record now</th>
                      </tr>
                    </thead>
                    <tbody>
                      {item.values.map((v) => (
                        <tr key={v.opId}>
                          <th scope="row">{formatFieldValue(item.field, v.value)}</th>
                          <td>{deskName(v.deskId, v.deskLabel)}</td>
                          <td>{hlcTime(v.hlc)}</td>
                          <td>{v.opId === item.winnerOpId ? '✓ Yes (kept by the merge)' : 'No'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <RecordCard n={1} rec={recs[0]} />
                </>
              )}
              {item.type === 'appointment-conflict' && (
                <>
                  <p data-testid="review-appointment-message">{item.message}</p>
                  <dl className="sy-facts">
                    <dt>Refused at</dt>
                    <dd>{deskName(item.deskId, item.deskLabel)}</dd>
                    <dt>Appointment</dt>
                    <dd>{item.start ? siteDateTime(item.start) : '—'}</dd>
                    <dt>Status at the hub</dt>
                    <dd>{item.appointmentStatus ? item.appointmentStatus.replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase()) : '—'}</dd>
                  </dl>
                  <p>
                    Every board shows this note until the item is closed. Keep (K) if the hub&apos;s state is right; fix the appointment on the board (Alt+B)
                    and then Mark corrected (D) if it is not.
                  </p>
                  {item.patientId && <RecordCard n={1} rec={recs[0]} />}
                </>
              )}
              {item.type === 'merge-conflict' && (
                <>
                  <p data-testid="review-merge-message">
                    {deskName(item.deskId, item.deskLabel)} made a {item.kind === 'patient.unmerged' ? 'merge undo' : 'merge'} while it could not see the hub. The hub had
                    already linked these records differently, so it refused it and sent its own links to every desk.
                  </p>
                  <dl className="sy-facts">
                    <dt>Refused at</dt>
                    <dd>{deskName(item.deskId, item.deskLabel)}</dd>
                    <dt>Asked for</dt>
                    <dd>{mergeConflictRequest(item, (id) => recordName(patients[id]))}</dd>
                    <dt>Why</dt>
                    <dd>{mergeConflictReason(item.message)}</dd>
                  </dl>
                  <table className="sy-values" aria-label="Links at the hub now">
                    <thead>
                      <tr>
                        <th scope="col">Record</th>
                        <th scope="col">At the hub now</th>
                      </tr>
                    </thead>
                    <tbody>
                      {item.links.map((l) => (
                        <tr key={l.patientId}>
                          <th scope="row">{recordName(patients[l.patientId])}</th>
                          <td>{l.mergedInto ? `Merged into ${recordName(patients[l.mergedInto])}` : 'Not merged'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <p>
                    Every desk now holds these links. Keep (K) if they are right; otherwise merge or undo on the record (1 opens it) and then Mark corrected (D).
                  </p>
                </>
              )}
              {(item.type === 'possible-duplicate' || item.type === 'mrn-collision') && (
                <>
                  {item.type === 'possible-duplicate' && (
                    <div>
                      {item.savedAnyway ? (
                        <p data-testid="review-saved-anyway">
                          Record 2 was saved anyway at {item.savedAnyway.deskLabel || 'this desk'} by {item.savedAnyway.savedBy}
                          {item.savedAnyway.approvedBy && item.savedAnyway.approvedBy !== item.savedAnyway.savedBy ? `, approved by ${item.savedAnyway.approvedBy}` : ''}: “
                          {item.savedAnyway.reason}”. Match score <strong>{Math.round(item.score)}</strong>:
                        </p>
                      ) : (
                        <p>
                          Registered at two desks while they could not see each other. Match score <strong>{item.score}</strong>:
                        </p>
                      )}
                      <ul className="sy-reasons">
                        {item.reasons.map((r, i) => (
                          <li key={i}>{r}</li>
                        ))}
                      </ul>
                    </div>
                  )}
                  {item.type === 'mrn-collision' && <p>Two records carry the same medical record number. If they are the same person, merge them; otherwise correct one and close the item.</p>}
                  <div className="sy-pair">
                    <RecordCard n={1} rec={recs[0]} />
                    <RecordCard n={2} rec={recs[1]} />
                  </div>
                  {alreadyMerged && <Banner tone="info">{' These records are already merged on this desk. Press M to close the item as merged.'}</Banner>}
                </>
              )}
              <div className="sy-actions" role="group" aria-label="Actions">
                <Button shortcut="1" onPress={() => openPatient(0)} isDisabled={recs[0]?.state !== 'ok'}>
                  {isPair ? 'Open record 1' : 'Open patient'}
                </Button>
                {isPair && (
                  <Button shortcut="2" onPress={() => openPatient(1)} isDisabled={recs[1]?.state !== 'ok'}>
                    Open record 2
                  </Button>
                )}
                {isPair && (
                  <Button variant="primary" shortcut="M" onPress={() => setDialog(alreadyMerged ? 'close-merged' : 'merge')} isDisabled={!pair}>
                    {alreadyMerged ? 'Close as merged' : 'Merge into…'}
                  </Button>
                )}
                {isPair && (
                  <Button shortcut="N" onPress={() => setDialog('not-duplicate')}>
                    Not the same person
                  </Button>
                )}
                {(isConflict || isAppt || isMergeConflict) && (
                  <Button variant="primary" shortcut="K" onPress={() => setDialog('kept')}>
                    Keep
                  </Button>
                )}
                {isConflict && item.type === 'identity-conflict' && (
                  <Button shortcut="C" onPress={() => go({ name: 'edit', id: item.patientId })} isDisabled={recs[0]?.state !== 'ok'}>
                    Correct in the record
                  </Button>
                )}
                {(isConflict || isAppt || isMergeConflict || item.type === 'mrn-collision') && (
                  <Button shortcut="D" onPress={() => setDialog('corrected')}>
                    Mark corrected
                  </Button>
                )}
              </div>
            </section>
          )}
        </div>
      )}
      {pair && dialog === 'merge' && <MergeDialog isOpen records={pair} onClose={() => setDialog(null)} onMerged={onMerged} />}
      {item && dialog === 'close-merged' && (
        <NoteDialog isOpen title="Close as merged" label="Note" confirm="Close the item" onClose={() => setDialog(null)} action={(n) => resolve('merged', n)}>
          <p>The records are merged on this desk. Close the hub's item as merged.</p>
        </NoteDialog>
      )}
      {item && dialog === 'not-duplicate' && (
        <NoteDialog isOpen title="Not the same person" label="Why they are different people" confirm="Close: different people" onClose={() => setDialog(null)} action={(n) => resolve('not-duplicate', n)}>
          <p>Both records stay as they are. The item is closed with your note.</p>
        </NoteDialog>
      )}
      {item && dialog === 'kept' && (
        <NoteDialog
          isOpen
          title={isAppt ? 'Keep the appointment as the hub holds it' : isMergeConflict ? 'Keep the links as the hub holds them' : 'Keep the record as it is'}
          label="Note"
          confirm="Close: keep"
          onClose={() => setDialog(null)}
          action={(n) => resolve('kept', n)}
        >
          <p>
            {isAppt ? 'The appointment stays as it is; the note leaves every board.' : isMergeConflict ? 'The records stay linked as the hub holds them.' : 'The record keeps the value it holds now.'} The
            item is closed with your note.
          </p>
        </NoteDialog>
      )}
      {item && dialog === 'corrected' && (
        <NoteDialog isOpen title="Mark corrected" label="What was corrected" confirm="Close: corrected" onClose={() => setDialog(null)} action={(n) => resolve('corrected', n)}>
          <p>
            {isAppt
              ? 'Close the item once the appointment has been fixed on the board.'
              : isMergeConflict
                ? 'Close the item once the records have been merged or undone as they should be.'
                : 'Close the item once the record has been corrected (C opens the edit screen).'}
          </p>
        </NoteDialog>
      )}
    </div>
  );
}

function resolutionText(r: Resolution): string {
  return { merged: 'merged', corrected: 'corrected', 'not-duplicate': 'not the same person', kept: 'kept' }[r];
}

function shortName(rec: Loaded | undefined): string {
  if (!rec) return '…';
  if (rec.state !== 'ok') return '(not on this desk yet)';
  const p = rec.patient;
  return `${p.name.family}, ${p.name.given} (MRN ${p.mrn})`;
}

function RecordCard({ n, rec }: { n: number; rec: Loaded | undefined }) {
  if (!rec) return <div className="sy-card">Loading record {n}…</div>;
  if (rec.state !== 'ok') {
    return (
      <div className="sy-card">
        <h3>Record {n}</h3>
        <p className="sy-muted">{rec.message}</p>
      </div>
    );
  }
  const p = rec.patient;
  const addr = p.addresses[0];
  return (
    <section className="sy-card" aria-label={`Record ${n}`} data-testid={`review-record-${n}`}>
      <h3>
        {n}. {displayName({ ...p.name, preferredName: p.preferredName })}
      </h3>
      <dl>
        <dt>MRN</dt>
        <dd className="pt-mono">{p.mrn}</dd>
        <dt>Born</dt>
        <dd>{usDate(p.birthDate)}</dd>
        <dt>Sex</dt>
        <dd>{SEX_LABELS[p.sexAtBirth]}</dd>
        <dt>Phone</dt>
        <dd>{p.phones[0] ? formatPhone(p.phones[0].number) : '—'}</dd>
        <dt>Address</dt>
        <dd>{addr ? `${addr.line1}, ${addr.city} ${addr.state} ${addr.postalCode}` : '—'}</dd>
        <dt>Registered</dt>
        <dd>{siteDateTime(p.createdAt)}</dd>
        {p.mergedInto && (
          <>
            <dt>Status</dt>
            <dd>Merged into another record</dd>
          </>
        )}
      </dl>
    </section>
  );
}
