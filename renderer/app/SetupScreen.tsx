import { useState } from 'react';
import { z } from 'zod';
import { contract } from '../../shared/api/contract.js';
import { api } from '../api/client.js';
import { AppForm, FormPasswordField, FormSelectField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { useSession } from './session.js';
import { localTimeZone, timeZoneOptions } from './timezones.js';

/** The contract's own input schema, plus the password confirmation (checked here, never sent). */
const setupFormSchema = contract['setup.initialize'].input
  .safeExtend({ confirm: z.string() })
  .superRefine((v, ctx) => {
    if (v.confirm !== v.admin.password) ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'The two passwords differ' });
  });

export function SetupScreen() {
  const tz = localTimeZone();
  const form = useZodForm(setupFormSchema, {
    siteName: '',
    timeZone: timeZoneOptions(tz).some((o) => o.value === tz) ? tz : 'America/New_York',
    deskLabel: '',
    admin: { username: '', displayName: '', password: '' },
    confirm: '',
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const c = form.control;

  const submit = form.handleSubmit(
    async (v) => {
      setBusy(true);
      setError(null);
      try {
        const { confirm: _confirm, ...input } = v;
        await api.call('setup.initialize', input);
        await useSession.getState().setupDone();
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
    <main className="ad-center">
      <div className="ad-card ad-card--wide">
        <h1>Set up this desk</h1>
        <p className="ad-lead">First run: name the site and this desk, and create the first administrator. Fields marked * are required.</p>
        <AppForm onSubmit={submit} label="First-run setup">
          {error && <Banner tone="error">{error}</Banner>}
          <fieldset className="ad-fieldset">
            <legend>Site and desk</legend>
            <div className="ad-grid" style={{ ['--cols' as string]: 3 }}>
              <FormTextField control={c} name="siteName" label="Site name" isRequired autoFocus autoComplete="organization" />
              <FormSelectField control={c} name="timeZone" label="Time zone" isRequired options={timeZoneOptions(tz)} />
              <FormTextField control={c} name="deskLabel" label="Desk name" isRequired description="e.g. Front desk 1" />
            </div>
          </fieldset>
          <fieldset className="ad-fieldset">
            <legend>First administrator</legend>
            <div className="ad-grid">
              <FormTextField control={c} name="admin.username" label="User name" isRequired autoComplete="username" description="Letters, digits, . _ -" />
              <FormTextField control={c} name="admin.displayName" label="Display name" isRequired autoComplete="name" />
              <FormPasswordField control={c} name="admin.password" label="Password" isRequired autoComplete="new-password" description="At least 12 characters" />
              <FormPasswordField control={c} name="confirm" label="Confirm password" isRequired autoComplete="new-password" />
            </div>
          </fieldset>
          <div className="ad-form-actions">
            <Button type="submit" variant="primary" isPending={busy} shortcut="Enter">
              Set up desk
            </Button>
          </div>
        </AppForm>
      </div>
    </main>
  );
}
