/**
 * Idle lock, renderer side: any key, pointer, wheel or touch input counts as activity. While active, the main
 * process is told at most every ~30 s (session.touch) so its own idle rule does not lock a busy clerk; after
 * idleLockSeconds without input the screen locks (session.lock) and the Lock screen replaces the layout.
 * Uses Date.now() and setInterval, so tests can fast-forward it with Playwright's page.clock.
 */
import { useEffect } from 'react';
import { api } from '../api/client.js';
import { useSession } from './session.js';

const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart', 'mousedown'] as const;
const MAX_TOUCH_INTERVAL_MS = 30_000;

export function useIdleLock(active: boolean, idleLockSeconds: number): void {
  useEffect(() => {
    if (!active) return;
    const idleMs = Math.max(1, idleLockSeconds) * 1000;
    // tell the main process often enough that its own idle rule (same setting) never fires first
    const touchEveryMs = Math.min(MAX_TOUCH_INTERVAL_MS, Math.floor(idleMs / 2));
    let last = Date.now();
    let lastTouch = Date.now();
    const onActivity = () => {
      last = Date.now();
      if (last - lastTouch >= touchEveryMs) {
        lastTouch = last;
        api.call('session.touch', {}).catch(() => {
          /* SESSION_LOCKED / UNAUTHENTICATED reach the session store via the client's error stream */
        });
      }
    };
    for (const ev of ACTIVITY_EVENTS) window.addEventListener(ev, onActivity, { capture: true, passive: true });
    const timer = window.setInterval(() => {
      if (Date.now() - last >= idleMs) useSession.getState().lock({ notice: 'The screen locked after a period without activity.' });
    }, 1000);
    return () => {
      for (const ev of ACTIVITY_EVENTS) window.removeEventListener(ev, onActivity, { capture: true });
      window.clearInterval(timer);
    };
  }, [active, idleLockSeconds]);
}
