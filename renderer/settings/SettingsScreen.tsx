import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import { siteSettingsSchema, type SiteSettings } from '../../shared/domain/user.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { AppForm, FormCheckboxField, FormNumberField, FormSelectField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { useSession } from '../app/session.js';
import { timeZoneOptions } from '../app/timezones.js';
import { clearDraft, useFormDraft } from '../app/drafts.js';
import { HubEnrollSection } from '../sync/HubEnrollSection.js';
import { PaymentSettingsSection } from '../payments/PaymentSettingsSection.js';

/**
 * Administrator: site name, time zone, desk name, idle lock, sign-in lockout, duplicate-override approval. Every setting
 * but the desk name is the clinic's: it reaches the other desks through the hub.
 */
export function SettingsScreen() {
  const [loaded, setLoaded] = useState<SiteSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    api
      .call('settings.get', {})
      .then(setLoaded)
      .catch((e) => setLoadError(e instanceof ApiError ? e.message : 'Could not load the settings.'));
  }, []);
  return (
    <div className="ad-page">
      <PageHeader title="Site settings" focusOnMount />
      {loadError && <Banner tone="error">{loadError}</Banner>}
      {loaded && <SettingsForm initial={loaded} />}
      <PaymentSettingsSection />
      <HubEnrollSection />
    </div>
  );
}

function SettingsForm({ initial }: { initial: SiteSettings }) {
  const form = useZodForm(siteSettingsSchema, initial);
  // unsaved edits survive the idle lock (same user only)
  useFormDraft('settings', form);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const c = form.control;
  const submit = form.handleSubmit(
    async (v) => {
      setBusy(true);
      setError(null);
      setDone(null);
      try {
        const saved = await api.call('settings.update', v);
        form.reset(saved);
        clearDraft('settings');
        setDone('Settings saved.');
        await useSession.getState().refresh();
      } catch (e) {
        const r = applyServerErrors(form, e);
        setError(r.message);
      } finally {
        setBusy(false);
      }
    },
    () => setError('Some fields need attention. Nothing was saved.'),
  );
  return (
    <AppForm onSubmit={submit} label="Site settings">
      {error && <Banner tone="error">{error}</Banner>}
      {done && <Banner tone="success">{done}</Banner>}
      <section className="ad-section" aria-labelledby="settings-site">
        <h2 id="settings-site">Site and desk</h2>
        <div className="ad-grid" style={{ ['--cols' as string]: 3 }}>
          <FormTextField control={c} name="siteName" label="Site name" isRequired />
          <FormSelectField control={c} name="timeZone" label="Time zone" isRequired options={timeZoneOptions(initial.timeZone)} description="Business dates and times shown use this zone" />
          <FormTextField control={c} name="deskLabel" label="Desk name" isRequired />
        </div>
      </section>
      <section className="ad-section" aria-labelledby="settings-security">
        <h2 id="settings-security">Screen lock and sign-in</h2>
        <div className="ad-grid" style={{ ['--cols' as string]: 3 }}>
          <FormNumberField control={c} name="idleLockSeconds" label="Lock the screen after (seconds idle)" isRequired description="30 to 3600" />
          <FormNumberField control={c} name="lockoutThreshold" label="Failed sign-ins before lockout" isRequired description="3 to 20" />
          <FormNumberField control={c} name="lockoutMinutes" label="Lockout lasts (minutes)" isRequired description="1 to 1440" />
        </div>
      </section>
      <section className="ad-section" aria-labelledby="settings-dup">
        <h2 id="settings-dup">Likely duplicates</h2>
        <FormCheckboxField
          control={c}
          name="requireDuplicateApproval"
          label="Require a supervisor’s approval to save a likely duplicate"
          description="When on, a clerk who saves a patient anyway needs a supervisor to type their user name and password. The new record is flagged for review either way."
        />
      </section>
      <p className="ad-desc" data-testid="settings-scope">
        The desk name is this desk&apos;s own. Every other setting here is the clinic&apos;s and reaches the other desks through the hub.
      </p>
      <div className="ad-form-actions">
        <Button type="submit" variant="primary" isPending={busy} shortcut="Ctrl+Enter">
          Save settings
        </Button>
        <Button isPending={busy} onPress={() => { form.reset(initial); setError(null); setDone(null); }}>
          Undo changes
        </Button>
      </div>
    </AppForm>
  );
}
