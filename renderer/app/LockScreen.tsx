import { useState } from 'react';
import { z } from 'zod';
import { api, ApiError } from '../api/client.js';
import { AppForm, FormPasswordField, applyServerErrors, useZodForm } from '../ui/form.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { useSession } from './session.js';

const unlockSchema = z.object({ password: z.string().min(1, { error: 'Enter your password' }).max(256) });

/**
 * Shown instead of the whole main layout: no patient data is on screen or in the PHI stores while this shows.
 * Unlock returns to the same screen (the route survives the lock; the screen reloads its data).
 */
export function LockScreen() {
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  const notice = useSession((s) => s.notice);
  const form = useZodForm(unlockSchema, { password: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = form.handleSubmit(async (v) => {
    setBusy(true);
    setError(null);
    try {
      const info = await api.call('session.unlock', v);
      useSession.getState().unlocked(info);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return; // the session store shows sign-in
      const r = applyServerErrors(form, e);
      if (r.applied.length === 0) setError(r.message);
      form.setValue('password', '');
      form.setFocus('password');
    } finally {
      setBusy(false);
    }
  });

  return (
    <main className="ad-center" aria-labelledby="lock-title">
      <div className="ad-card ad-card--narrow">
        <h1 id="lock-title">Screen locked</h1>
        <p className="ad-lead">
          {status?.siteName ?? 'AccessDesk'} · {status?.deskLabel ?? ''}. Signed in as <strong>{user?.displayName ?? ''}</strong>.
        </p>
        <AppForm onSubmit={submit} label="Unlock">
          {notice && !error && <Banner tone="info">{notice}</Banner>}
          {error && <Banner tone="error">{error}</Banner>}
          <FormPasswordField control={form.control} name="password" label="Password" autoComplete="current-password" autoFocus />
          <div className="ad-form-actions">
            <Button type="submit" variant="primary" isPending={busy} shortcut="Enter">
              Unlock
            </Button>
            <span className="ad-spacer" />
            <Button variant="quiet" onPress={() => void useSession.getState().signOut()}>
              Sign out / switch user
            </Button>
          </div>
        </AppForm>
      </div>
    </main>
  );
}
