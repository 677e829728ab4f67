import { useState } from 'react';
import { z } from 'zod';
import { api, ApiError } from '../api/client.js';
import { AppForm, FormPasswordField, FormTextField, useZodForm } from '../ui/form.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { useSession } from './session.js';

const signInSchema = z.object({
  username: z.string().trim().min(1, { error: 'Enter your user name' }).max(40),
  password: z.string().min(1, { error: 'Enter your password' }).max(256),
});

export function SignInScreen() {
  const status = useSession((s) => s.status);
  const notice = useSession((s) => s.notice);
  const form = useZodForm(signInSchema, { username: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = form.handleSubmit(async (v) => {
    setBusy(true);
    setError(null);
    try {
      const info = await api.call('session.signIn', v);
      await useSession.getState().signedIn(info);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Sign-in failed. Please try again.');
      // keep the user name, clear only the password and put the cursor there
      form.setValue('password', '');
      form.setFocus('password');
    } finally {
      setBusy(false);
    }
  });

  return (
    <main className="ad-center">
      <div className="ad-card ad-card--narrow">
        <h1>Sign in</h1>
        <p className="ad-lead">
          {status?.siteName ?? 'AccessDesk'} · {status?.deskLabel ?? ''}
        </p>
        <AppForm onSubmit={submit} label="Sign in">
          {notice && !error && <Banner tone="info">{notice}</Banner>}
          {error && <Banner tone="error">{error}</Banner>}
          <FormTextField control={form.control} name="username" label="User name" autoComplete="username" autoFocus />
          <FormPasswordField control={form.control} name="password" label="Password" autoComplete="current-password" />
          <div className="ad-form-actions">
            <Button type="submit" variant="primary" isPending={busy} shortcut="Enter">
              Sign in
            </Button>
          </div>
        </AppForm>
      </div>
    </main>
  );
}
