/**
 * Change history of one patient: every version, newest first, with when (site time zone), who, what action, and a
 * compact field / before / after table. Each version is a focusable region so Tab walks (and scrolls) the list.
 */
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import type { PatientVersion } from '../../shared/domain/patient.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Banner } from '../ui/Banner.js';
import { Button } from '../ui/Button.js';
import { useNav } from '../app/nav.js';
import { usePatient } from './PatientScreen.js';
import { displayName, siteDateTime, siteTimeZone, usDate } from './format.js';
import { FIELD_LABEL } from './FormScreens.js';
import { historyRows } from './history-words.js';

const ACTION_LABEL: Record<PatientVersion['action'], string> = {
  registered: 'Registered',
  edited: 'Edited',
  'merged-into': 'Merged into another record',
  merged: 'Record merged into this one',
  unmerged: 'Merge undone',
  synced: 'Changed at another desk',
};
/** The link fields of merge / undo rows (not fields of the patient form). */
const LINK_FIELD_LABEL: Record<string, string> = { mergedInto: 'Merged into', mergedRecord: 'Merged record' };

export function HistoryScreen({ id }: { id: string }) {
  const { patient } = usePatient(id);
  const [versions, setVersions] = useState<PatientVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .call('patients.history', { id })
      .then((r) => setVersions(r.versions))
      .catch((e) => setError(e instanceof ApiError ? e.message : 'Could not load the history.'));
  }, [id]);
  const tz = siteTimeZone();
  const withBefore = (a: PatientVersion['action']) => a !== 'registered';
  /** in the form's words; a list entry as the parts that changed; never a row whose two sides read the same */
  const rowsOf = (v: PatientVersion) => v.changes.flatMap((c) => historyRows(c, FIELD_LABEL.get(c.field) ?? LINK_FIELD_LABEL[c.field] ?? c.field, withBefore(v.action)));
  const title = patient ? `History of ${displayName({ ...patient.name, preferredName: patient.preferredName })}` : 'Change history';
  return (
    <div className="ad-page pt-history">
      <PageHeader title={title} subtitle={patient ? `DOB ${usDate(patient.birthDate)} · MRN ${patient.mrn} · times in ${tz}` : undefined} focusOnMount>
        <Button variant="quiet" shortcut="Esc" onPress={() => useNav.getState().back()}>
          Back
        </Button>
      </PageHeader>
      {error && <Banner tone="error">{error}</Banner>}
      {!versions && !error && <p role="status">Loading…</p>}
      {versions && (
        <ol className="pt-versions" aria-label="Versions, newest first">
          {versions.map((v) => (
            <li key={v.version}>
              <section className="ad-section pt-version" aria-labelledby={`pt-v-${v.version}`} tabIndex={0}>
                <h2 id={`pt-v-${v.version}`} className="pt-version__head">
                  <span>Version {v.version}</span>
                  <span className={`ad-tag${v.action === 'registered' ? ' ad-tag--ok' : ''}`}>{ACTION_LABEL[v.action]}</span>
                  <span className="pt-version__meta">
                    {siteDateTime(v.changedAt, tz)} · by {v.changedByName || v.changedBy}
                  </span>
                </h2>
                {rowsOf(v).length === 0 ? (
                  <p className="pt-muted">No field changes recorded.</p>
                ) : (
                  <table className="pt-table pt-changes">
                    <thead>
                      <tr>
                        <th scope="col">Field</th>
                        {withBefore(v.action) && <th scope="col">Before</th>}
                        <th scope="col">{withBefore(v.action) ? 'After' : 'Value'}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rowsOf(v).map((c) => (
                        <tr key={c.key}>
                          <th scope="row">{c.label}</th>
                          {withBefore(v.action) && <td className="pt-before">{c.before || <span className="pt-muted">(empty)</span>}</td>}
                          <td>{c.after || <span className="pt-muted">(empty)</span>}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
