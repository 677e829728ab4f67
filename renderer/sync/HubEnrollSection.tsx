/**
 * Settings → Clinic hub (administrator): connect this desk to the clinic's hub with the hub address, the one-time
 * enrollment code and the certificate fingerprint the hub printed when it started. After enrolling it shows the hub
 * address and the connection state. Its own form (next to the site settings form, not inside it).
 */
import { useState } from 'react';
import { api } from '../api/client.js';
import { contract } from '../../shared/api/contract.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { useWatch, type Control, type FieldValues, type Path } from 'react-hook-form';
import { HUB_ADDRESS_EXAMPLE, HUB_DEFAULT_PORT, normalizeHubAddress } from '../../shared/sync/hub-address.js';
import { AppForm, FormTextField, useFormSubmit, useZodForm } from '../ui/form.js';
import { agoText, useSync } from './store.js';
import { waitingText } from './SyncStatus.js';

const enrollSchema = contract['sync.enroll'].input;

const STATE_TEXT = { online: 'Online', offline: 'Offline (retrying)', refused: 'Refused by the hub', 'not-enrolled': 'Not connected (standalone desk)' } as const;

export function HubEnrollSection() {
  const status = useSync((s) => s.status);
  const [again, setAgain] = useState(false);
  const enrolled = status?.enrolled ?? false;
  return (
    <section className="ad-section" aria-labelledby="settings-hub" data-testid="hub-section">
      <h2 id="settings-hub">Clinic hub (sync between desks)</h2>
      {status && enrolled && (
        <dl className="pt-dl" data-testid="hub-enrolled">
          <div className="pt-dl__row">
            <dt>Hub address</dt>
            <dd className="pt-mono">{status.hubUrl}</dd>
          </div>
          <div className="pt-dl__row">
            <dt>State</dt>
            <dd>{STATE_TEXT[status.state]}</dd>
          </div>
          <div className="pt-dl__row">
            <dt>Waiting</dt>
            <dd>{waitingText(status.pending)}</dd>
          </div>
          <div className="pt-dl__row">
            <dt>Last sync</dt>
            <dd>{agoText(status.lastSyncAt, Date.now())}</dd>
          </div>
          {status.refusal && (
            <div className="pt-dl__row">
              <dt>Refusal</dt>
              <dd>{status.refusal.message}</dd>
            </div>
          )}
        </dl>
      )}
      {status && !enrolled && <p>This desk works on its own. Connect it to the clinic hub so that every desk holds the same patients.</p>}
      {enrolled && !again ? (
        <Button onPress={() => setAgain(true)}>Enroll again (new code)…</Button>
      ) : (
        <EnrollForm onDone={() => setAgain(false)} />
      )}
    </section>
  );
}

/**
 * Hub address, enrollment code and fingerprint: the fields of enrolling a desk (here, and on a desk joining a clinic
 * at its first run).
 */
export function HubAddressFields<T extends FieldValues & { hubUrl: string; code: string; fingerprint?: string }>({ control }: { control: Control<T, unknown, unknown> }) {
  return (
    <>
      <FormTextField control={control} name={'hubUrl' as Path<T>} label="Hub address" isRequired description={<HubAddressHint control={control} />} autoComplete="off" />
      <FormTextField control={control} name={'code' as Path<T>} label="Enrollment code" isRequired description="One-time code from the hub administrator, like K7QM-3XWD" />
      <FormTextField control={control} name={'fingerprint' as Path<T>} label="Hub fingerprint" description="SHA-256 shown by the hub at its start (AB:CD:…); checked before trusting it" />
    </>
  );
}

/** Under the hub address: what to type, and once it reads as an address, the address the desk will use. */
function HubAddressHint<T extends FieldValues & { hubUrl: string }>({ control }: { control: Control<T, unknown, unknown> }) {
  const typed = useWatch({ control, name: 'hubUrl' as Path<T> }) as string | undefined;
  const r = typed?.trim() ? normalizeHubAddress(typed) : null;
  if (r?.ok && r.url !== typed) return <>= {r.url}</>;
  return <>As the hub shows it, like {HUB_ADDRESS_EXAMPLE}; a host alone means port {HUB_DEFAULT_PORT}</>;
}

function EnrollForm({ onDone }: { onDone: () => void }) {
  const form = useZodForm(enrollSchema, { hubUrl: '', code: '', fingerprint: '' });
  const [done, setDone] = useState<string | null>(null);
  const { submit, busy, error } = useFormSubmit(
    form,
    async (v) => {
      setDone(null);
      const s = await api.call('sync.enroll', v);
      useSync.getState().set(s);
      form.reset({ hubUrl: v.hubUrl, code: '', fingerprint: '' });
      setDone(`This desk is enrolled with ${s.hubUrl}. State: ${STATE_TEXT[s.state]}.`);
      onDone();
    },
    'Some fields need attention. The desk was not enrolled.',
  );
  return (
    <AppForm onSubmit={submit} label="Enroll this desk with the hub">
      {error && <Banner tone="error">{` ${error}`}</Banner>}
      {done && <Banner tone="success">{` ${done}`}</Banner>}
      <div className="ad-grid" style={{ ['--cols' as string]: 3 }}>
        <HubAddressFields control={form.control} />
      </div>
      <div className="ad-form-actions">
        <Button type="submit" variant="primary" isPending={busy} shortcut="Ctrl+Enter">
          Enroll this desk
        </Button>
      </div>
    </AppForm>
  );
}
