/**
 * First run: set the desk up as a new clinic (site, time zone, desk name, first administrator), or join a clinic that
 * has a hub (desk name, hub address, one-time code, fingerprint): the site settings, staff accounts and records then
 * come from the hub and staff sign in with the accounts they have. Tabs (←/→); each form keeps what was typed.
 */
import { useEffect, useState } from 'react';
import { Tab, TabList, TabPanel, Tabs, type Key } from 'react-aria-components';
import { z } from 'zod';
import { contract } from '../../shared/api/contract.js';
import { ApiError, api } from '../api/client.js';
import { AppForm, FormPasswordField, FormSelectField, FormTextField, useFormSubmit, useZodForm } from '../ui/form.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { useSession } from './session.js';
import { localTimeZone, timeZoneOptions } from './timezones.js';
import { catchingUpText } from '../sync/store.js';
import { HubAddressFields } from '../sync/HubEnrollSection.js';

/** The contract's own input schema, plus the password confirmation (checked here, never sent). */
const setupFormSchema = contract['setup.initialize'].input
  .safeExtend({ confirm: z.string() })
  .superRefine((v, ctx) => {
    if (v.confirm !== v.admin.password) ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'The two passwords differ' });
  });

const joinSchema = contract['setup.join'].input;

type Mode = 'new' | 'join';

function newClinicDefaults() {
  const tz = localTimeZone();
  return {
    siteName: '',
    timeZone: timeZoneOptions(tz).some((o) => o.value === tz) ? tz : 'America/New_York',
    deskLabel: '',
    admin: { username: '', displayName: '', password: '' },
    confirm: '',
  };
}

export function SetupScreen() {
  const [mode, setMode] = useState<Mode>('new');
  // the site name has the focus when the screen opens; not when the clerk arrows back to the tab (focus stays there)
  const [switched, setSwitched] = useState(false);
  // both forms live here, so switching tabs (which unmounts the other panel) keeps every typed value
  const newForm = useZodForm(setupFormSchema, newClinicDefaults());
  const joinForm = useZodForm(joinSchema, { deskLabel: '', hubUrl: '', code: '', fingerprint: '' });
  const [joinPending, setJoinPending] = useState(false);
  return (
    <main className="ad-center">
      <div className="ad-card ad-card--wide">
        <h1>Set up this desk</h1>
        <Tabs className="ad-tabs" selectedKey={mode} onSelectionChange={(k: Key) => (setMode(k as Mode), setSwitched(true))}>
          <TabList aria-label="How to set up this desk" className="ad-tablist">
            <Tab id="new" className="ad-tab">
              New clinic
            </Tab>
            <Tab id="join" className="ad-tab">
              Join a clinic hub
            </Tab>
          </TabList>
          <TabPanel id="new" className="ad-tabpanel">
            <NewClinicForm form={newForm} autoFocus={!switched} />
          </TabPanel>
          <TabPanel id="join" className="ad-tabpanel">
            <JoinForm form={joinForm} pending={joinPending} setPending={setJoinPending} />
          </TabPanel>
        </Tabs>
      </div>
    </main>
  );
}

function NewClinicForm({ form, autoFocus }: { form: ReturnType<typeof useZodForm<typeof setupFormSchema>>; autoFocus: boolean }) {
  const tz = localTimeZone();
  const c = form.control;
  const { submit, busy, error } = useFormSubmit(
    form,
    async ({ confirm: _confirm, ...input }) => {
      await api.call('setup.initialize', input);
      await useSession.getState().setupDone();
    },
    'Some fields need attention. Nothing was saved.',
  );

  return (
    <>
      <p className="ad-lead">The first desk of a clinic: name the site and this desk, and create the first administrator. Another desk of a clinic that has a hub: the Join a clinic hub tab (Shift+Tab, then →). Fields marked * are required.</p>
      <AppForm onSubmit={submit} label="First-run setup">
        {error && <Banner tone="error">{error}</Banner>}
        <fieldset className="ad-fieldset">
          <legend>Site and desk</legend>
          <div className="ad-grid" style={{ ['--cols' as string]: 3 }}>
            <FormTextField control={c} name="siteName" label="Site name" isRequired autoFocus={autoFocus} autoComplete="organization" />
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
    </>
  );
}

function JoinForm({ form, pending, setPending }: { form: ReturnType<typeof useZodForm<typeof joinSchema>>; pending: boolean; setPending: (p: boolean) => void }) {
  const { submit, busy, error } = useFormSubmit(
    form,
    async (v) => {
      const r = await api.call('setup.join', v);
      const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
      await useSession.getState().setupDone(`This desk has joined ${r.siteName} (${n(r.users, 'staff account')}, ${n(r.patients, 'patient')}). Sign in with your clinic account.`);
    },
    'Some fields need attention. The desk has not joined.',
    // enrolled, but taking the clinic's records stopped: its sync worker goes on
    (e) => e instanceof ApiError && e.code === 'HUB_UNAVAILABLE' && (e.data as { enrolled?: boolean } | undefined)?.enrolled && setPending(true),
  );
  // pending: move on once the clinic's settings have arrived
  useEffect(() => {
    if (!pending) return;
    const t = setInterval(() => {
      void api.call('app.status', {}).then(
        (st) => {
          if (st.setupDone) void useSession.getState().setupDone('This desk has joined the clinic. Sign in with your clinic account.');
        },
        () => undefined,
      );
    }, 3000);
    return () => clearInterval(t);
  }, [pending]);
  // while the join runs: how many of the clinic's changes this desk has taken (a big clinic takes a while)
  const [progress, setProgress] = useState<{ done: number; of: number } | null>(null);
  useEffect(() => {
    if (!busy) return setProgress(null);
    const t = setInterval(() => {
      void api.call('setup.joinProgress', {}).then(
        (p) => setProgress(p.joining && p.of > 0 ? { done: p.done, of: p.of } : null),
        () => undefined,
      );
    }, 1000);
    return () => clearInterval(t);
  }, [busy]);
  const c = form.control;
  return (
    <>
      <p className="ad-lead">
        Another desk of a clinic that has a hub: the site settings, staff accounts and patients come from the hub, and staff sign in with the accounts they have. Ask the hub administrator for a one-time code
        (npm run hub -- enroll-code) and the fingerprint the hub shows.
      </p>
      <AppForm onSubmit={submit} label="Join a clinic hub">
        {error && <Banner tone="error">{error}</Banner>}
        <div className="ad-grid">
          <FormTextField control={c} name="deskLabel" label="Desk name" isRequired description="e.g. Front desk 2" />
          <HubAddressFields control={c} />
        </div>
        <div className="ad-form-actions">
          <Button type="submit" variant="primary" isPending={busy} shortcut="Enter">
            Join clinic
          </Button>
          <span role="status" data-testid="join-progress">
            {busy && (progress ? `Taking the clinic’s records: ${catchingUpText(progress)}…` : 'Connecting to the hub…')}
          </span>
        </div>
      </AppForm>
    </>
  );
}
