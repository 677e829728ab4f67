/**
 * One patient, read-only: header (name, DOB/age, sex, MRN) and every section of the record. E edit, H history,
 * Esc back. Refreshes by itself when 'patients.changed' arrives for this patient (another desk or window saved).
 * The record is component state only: the idle lock unmounts the screen, so nothing of it outlives the lock.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api/client.js';
import type { DuplicateFlag, Patient } from '../../shared/domain/patient.js';
import { guarantorAddressLine } from '../../shared/domain/patient.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { useNav } from '../app/nav.js';
import { useScreenKeys } from './keys.js';
import { MergedBanner } from './MergedBanner.js';
import { DuplicateFlagBanner } from './DuplicateFlagBanner.js';
import { openPrint } from '../print/usePrint.js';
import { CollectPaymentDialog } from '../payments/CollectPaymentDialog.js';
import {
  ADDRESS_USE_LABELS,
  CONSENT_LABELS,
  ETHNICITY_LABELS,
  GENDER_LABELS,
  IDENTIFIER_LABELS,
  MARITAL_LABELS,
  PHONE_USE_LABELS,
  PRONOUN_LABELS,
  RACE_LABELS,
  RANK_LABELS,
  RELATIONSHIP_LABELS,
  SEX_LABELS,
  age,
  displayName,
  formatPhone,
  languageLabel,
  siteDateTime,
  siteToday,
  usDate,
} from './format.js';

export function usePatient(id: string): { patient: Patient | null; error: string | null; reload: () => Promise<Patient | null>; duplicateFlags: DuplicateFlag[] } {
  const [patient, setPatient] = useState<Patient | null>(null);
  const [duplicateFlags, setDuplicateFlags] = useState<DuplicateFlag[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const r = await api.call('patients.get', { id });
      setPatient(r.patient);
      setDuplicateFlags(r.duplicateFlags ?? []);
      setError(null);
      return r.patient;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not load this patient.');
      return null;
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { patient, error, reload, duplicateFlags };
}

export function PatientScreen({ id }: { id: string }) {
  const { patient, error, reload, duplicateFlags } = usePatient(id);
  const [refreshed, setRefreshed] = useState<number | null>(null);
  const go = useNav((s) => s.go);
  const [paying, setPaying] = useState(false);

  useEffect(
    () =>
      api.on('patients.changed', (p) => {
        if (p.id !== id) return;
        void reload().then((np) => {
          if (np) setRefreshed(np.version);
        });
      }),
    [id, reload],
  );

  const printLabel = (format: 'label' | 'wristband') =>
    openPrint({ title: format === 'label' ? 'Patient label' : 'Wristband', load: () => api.call('print.patientLabel', { patientId: id, format, copies: 1 }) });
  useScreenKeys({
    E: () => go({ name: 'edit', id }),
    H: () => go({ name: 'history', id }),
    L: () => printLabel('label'),
    B: () => printLabel('wristband'),
    P: () => setPaying(true),
  });

  if (!patient) {
    return (
      <div className="ad-page">
        <PageHeader title="Patient" focusOnMount />
        {error ? <Banner tone="error">{error}</Banner> : <p role="status">Loading…</p>}
      </div>
    );
  }
  const p = patient;
  const a = age(p.birthDate, siteToday());
  return (
    <div className="ad-page pt-patient">
      <PageHeader
        title={displayName({ ...p.name, preferredName: p.preferredName })}
        subtitle={
          <span className="pt-idline">
            <span>
              <span className="pt-k">DOB</span> {usDate(p.birthDate)} {a && <span className="pt-muted">({a})</span>}
            </span>
            <span>
              <span className="pt-k">Sex</span> {SEX_LABELS[p.sexAtBirth]}
            </span>
            <span>
              <span className="pt-k">MRN</span> <span className="pt-mono">{p.mrn}</span>
            </span>
          </span>
        }
        focusOnMount
        truncateTitle
      >
        <Button shortcut="E" onPress={() => go({ name: 'edit', id })}>
          Edit
        </Button>
        <Button shortcut="H" onPress={() => go({ name: 'history', id })}>
          History
        </Button>
        <Button shortcut="L" onPress={() => printLabel('label')}>
          Print label
        </Button>
        <Button shortcut="B" onPress={() => printLabel('wristband')}>
          Print wristband
        </Button>
        <Button shortcut="P" onPress={() => setPaying(true)}>
          Take payment
        </Button>
        <Button variant="quiet" shortcut="Esc" onPress={() => useNav.getState().back()}>
          Back
        </Button>
      </PageHeader>
      {error && <Banner tone="error">{error}</Banner>}
      {p.mergedInto && <MergedBanner patient={p} />}
      <DuplicateFlagBanner patientId={p.id} flags={duplicateFlags} />
      {refreshed !== null && (
        <Banner tone="info">This record was just changed elsewhere; you are seeing the new version {refreshed}.</Banner>
      )}
      <p className="pt-meta">
        Version {p.version} · registered {siteDateTime(p.createdAt)} · last changed {siteDateTime(p.updatedAt)}
      </p>
      <div className="pt-cards">
        <Card title="Contact" id="pt-c-contact">
          <Dl
            rows={[
              [
                'Phones',
                p.phones.length ? (
                  <ul className="pt-plain">
                    {p.phones.map((ph, i) => (
                      <li key={i}>
                        {formatPhone(ph.number)} <span className="pt-muted">{PHONE_USE_LABELS[ph.use]}</span>
                        {ph.smsConsent ? <span className="ad-tag ad-tag--ok pt-badge">Texts OK</span> : <span className="pt-muted"> · no texts</span>}
                      </li>
                    ))}
                  </ul>
                ) : null,
              ],
              ['Email', p.email || null],
              [
                'Addresses',
                p.addresses.length ? (
                  <ul className="pt-plain">
                    {p.addresses.map((ad, i) => (
                      <li key={i}>
                        <span className="pt-muted">{ADDRESS_USE_LABELS[ad.use]}: </span>
                        {ad.line1}
                        {ad.line2 ? `, ${ad.line2}` : ''}, {ad.city}, {ad.state} {ad.postalCode}
                      </li>
                    ))}
                  </ul>
                ) : null,
              ],
            ]}
          />
        </Card>
        <Card title="Demographics" id="pt-c-demo">
          <Dl
            rows={[
              ['Legal name', [p.name.prefix, p.name.given, p.name.middle, p.name.family, p.name.suffix].filter(Boolean).join(' ')],
              ['Preferred name', p.preferredName || null],
              ['Gender identity', p.genderIdentity ? GENDER_LABELS[p.genderIdentity] : null],
              ['Pronouns', p.pronouns ? PRONOUN_LABELS[p.pronouns] : null],
              ['Race', p.race.length ? p.race.map((r) => RACE_LABELS[r]).join(', ') : null],
              ['Ethnicity', p.ethnicity ? ETHNICITY_LABELS[p.ethnicity] : null],
              [
                'Language',
                <>
                  {languageLabel(p.preferredLanguage)}
                  {p.interpreterNeeded && <span className="ad-tag ad-tag--danger pt-badge">Interpreter needed</span>}
                </>,
              ],
              ['Marital status', p.maritalStatus ? MARITAL_LABELS[p.maritalStatus] : null],
              [
                'Previous names',
                p.previousNames.length
                  ? p.previousNames.map((n) => `${[n.given, n.family].filter(Boolean).join(' ')}${n.until ? ` (until ${usDate(n.until)})` : ''}`).join('; ')
                  : null,
              ],
            ]}
          />
        </Card>
        <Card title="Emergency contacts" id="pt-c-ec">
          {p.emergencyContacts.length ? (
            <ul className="pt-plain">
              {p.emergencyContacts.map((c, i) => (
                <li key={i}>
                  <strong>{c.name}</strong> <span className="pt-muted">({c.relationship})</span> {formatPhone(c.phone)}
                </li>
              ))}
            </ul>
          ) : (
            <NotRecorded />
          )}
        </Card>
        <Card title="Guarantor" id="pt-c-guar">
          {p.guarantor.type === 'self' ? (
            <p>Self (the patient)</p>
          ) : (
            <Dl
              rows={[
                ['Name', `${p.guarantor.given} ${p.guarantor.family}`],
                ['Relationship', p.guarantor.relationship],
                ['Date of birth', p.guarantor.birthDate ? usDate(p.guarantor.birthDate) : null],
                ['Phone', p.guarantor.phone ? formatPhone(p.guarantor.phone) : null],
                ['Address', guarantorAddressLine(p.guarantor.address) ? `${guarantorAddressLine(p.guarantor.address)}${p.guarantor.address.sameAsPatient ? ' (same as the patient)' : ''}` : null],
              ]}
            />
          )}
        </Card>
        <Card title="Insurance" id="pt-c-ins" wide>
          {p.coverages.length ? (
            <table className="pt-table">
              <thead>
                <tr>
                  <th scope="col">Rank</th>
                  <th scope="col">Payer</th>
                  <th scope="col">Plan</th>
                  <th scope="col">Member ID</th>
                  <th scope="col">Group</th>
                  <th scope="col">Subscriber</th>
                  <th scope="col">Effective</th>
                </tr>
              </thead>
              <tbody>
                {[...p.coverages]
                  .sort((x, y) => x.rank - y.rank)
                  .map((c, i) => (
                    <tr key={i}>
                      <th scope="row">{RANK_LABELS[c.rank]}</th>
                      <td>{c.payerName}</td>
                      <td>{c.planName || '—'}</td>
                      <td className="pt-mono">{c.memberId}</td>
                      <td className="pt-mono">{c.groupNumber || '—'}</td>
                      <td>
                        {c.subscriberRelationship === 'self'
                          ? 'Self'
                          : `${c.subscriberGiven} ${c.subscriberFamily} (${RELATIONSHIP_LABELS[c.subscriberRelationship]}${c.subscriberBirthDate ? `, born ${usDate(c.subscriberBirthDate)}` : ''})`}
                      </td>
                      <td className="pt-nowrap">
                        {c.effectiveFrom || c.effectiveTo ? `${usDate(c.effectiveFrom) || '…'} – ${usDate(c.effectiveTo) || 'open'}` : '—'}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          ) : (
            <p>No insurance on file (self-pay).</p>
          )}
        </Card>
        <Card title="Consents on file" id="pt-c-cons">
          {p.consents.length ? (
            <ul className="pt-plain">
              {p.consents.map((c, i) => (
                <li key={i}>
                  <strong>{CONSENT_LABELS[c.type]}</strong> v{c.version} · signed {usDate(c.signedOn)} by {c.signer}
                  {c.signerRelationship && c.signerRelationship !== 'self' ? ` (${c.signerRelationship})` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <NotRecorded text="No consents on file." />
          )}
        </Card>
        <Card title="Identifiers" id="pt-c-ids">
          {p.identifiers.length ? (
            <Dl rows={p.identifiers.map((x) => [IDENTIFIER_LABELS[x.type], <span className="pt-mono">{x.value}</span>] as [string, ReactNode])} />
          ) : (
            <NotRecorded />
          )}
        </Card>
      </div>
      <CollectPaymentDialog isOpen={paying} onClose={() => setPaying(false)} patientId={id} patientLabel={displayName(p.name)} />
    </div>
  );
}

/** A section of the record; focusable so Tab walks the record and scrolls it into view. */
function Card({ title, id, children, wide }: { title: string; id: string; children: ReactNode; wide?: boolean }) {
  return (
    <section className={`ad-section pt-card${wide ? ' pt-card--wide' : ''}`} aria-labelledby={id} tabIndex={0}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function NotRecorded({ text = 'None recorded.' }: { text?: string }) {
  return <p className="pt-muted">{text}</p>;
}

function Dl({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="pt-dl">
      {rows.map(([k, v], i) => (
        <div key={i} className="pt-dl__row">
          <dt>{k}</dt>
          <dd>{v === null || v === '' ? <span className="pt-muted">Not recorded</span> : v}</dd>
        </div>
      ))}
    </dl>
  );
}
