/**
 * The shell: app.status decides first-run setup vs sign-in; then the main layout, or the lock screen which
 * replaces (unmounts) the whole layout. One global keyboard listener lives here (keyboard.ts).
 */
import { useEffect } from 'react';
import { useSession } from './session.js';
import { connectSession } from './session.js';
import { useGlobalKeys } from './keyboard.js';
import { SetupScreen } from './SetupScreen.js';
import { SignInScreen } from './SignInScreen.js';
import { LockScreen } from './LockScreen.js';
import { MainLayout } from './MainLayout.js';
import { Banner } from '../ui/Banner.js';
import { Button } from '../ui/Button.js';

export function App() {
  const phase = useSession((s) => s.phase);
  const loadError = useSession((s) => s.loadError);
  useGlobalKeys();
  useEffect(() => {
    const off = connectSession();
    void useSession.getState().boot();
    return off;
  }, []);

  useEffect(() => {
    const titles: Record<typeof phase, string> = {
      loading: 'AccessDesk',
      unavailable: 'AccessDesk – not available',
      setup: 'Set up – AccessDesk',
      signin: 'Sign in – AccessDesk',
      locked: 'Locked – AccessDesk',
      ready: 'AccessDesk',
    };
    document.title = titles[phase];
  }, [phase]);

  switch (phase) {
    case 'loading':
      return (
        <main className="ad-center" aria-busy="true">
          <p role="status">Starting AccessDesk…</p>
        </main>
      );
    case 'unavailable':
      return (
        <main className="ad-center">
          <div className="ad-card ad-card--narrow">
            <h1>AccessDesk is not available</h1>
            <Banner tone="error">{loadError ?? 'The desk service is not answering.'}</Banner>
            <div className="ad-form-actions">
              <Button variant="primary" autoFocus onPress={() => void useSession.getState().boot()}>
                Try again
              </Button>
            </div>
          </div>
        </main>
      );
    case 'setup':
      return <SetupScreen />;
    case 'signin':
      return <SignInScreen />;
    case 'locked':
      return <LockScreen />;
    case 'ready':
      return <MainLayout />;
  }
}
