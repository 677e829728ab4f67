/**
 * Session state of this window: which screen phase we are in (setup / sign-in / locked / ready), who is signed in,
 * the idle-lock setting and the site's settings. The lock and sign-out live here because they must do things in
 * order: keep drafts, unmount the main layout, purge PHI stores, tell the main process.
 */
import { create } from 'zustand';
import { api, ApiError } from '../api/client.js';
import type { MethodOutput } from '../../shared/api/contract.js';
import type { UserSummary, SiteSettings } from '../../shared/domain/user.js';
import { purgePhi } from './phi.js';
import { captureDrafts, clearAllDrafts, setDraftOwner } from './drafts.js';
import { useNav } from './nav.js';

export type Phase = 'loading' | 'unavailable' | 'setup' | 'signin' | 'locked' | 'ready';
type AppStatus = MethodOutput<'app.status'>;
type SessionInfo = MethodOutput<'session.current'>;

interface SessionState {
  phase: Phase;
  status: AppStatus | null;
  user: UserSummary | null;
  locked: boolean;
  idleLockSeconds: number;
  settings: SiteSettings | null;
  /** a message for the sign-in or lock screen ("Your session ended") */
  notice: string | null;
  loadError: string | null;

  boot(): Promise<void>;
  /** after setup.initialize or setup.join; `notice`: what the sign-in screen says (default: sign in as the
   *  administrator just created) */
  setupDone(notice?: string): Promise<void>;
  /** after a successful session.signIn */
  signedIn(info: SessionInfo): Promise<void>;
  /** lock now: keep drafts, unmount the layout, purge PHI, then tell the main process (unless it locked us) */
  lock(opts?: { tellServer?: boolean; notice?: string }): void;
  /** after a successful session.unlock */
  unlocked(info: SessionInfo): void;
  signOut(): Promise<void>;
  /** drop everything and show sign-in (UNAUTHENTICATED from any call, or sign-out) */
  toSignIn(notice?: string | null): void;
  /** re-read app.status, session.current and settings (after a settings change or a session.changed event) */
  refresh(): Promise<void>;
  isAdmin(): boolean;
}

export const useSession = create<SessionState>((set, get) => ({
  phase: 'loading',
  status: null,
  user: null,
  locked: false,
  idleLockSeconds: 300,
  settings: null,
  notice: null,
  loadError: null,

  async boot() {
    try {
      const status = await api.call('app.status', {});
      set({ status, loadError: null });
      if (!status.setupDone) {
        set({ phase: 'setup' });
        return;
      }
      const info = await api.call('session.current', {});
      await applyInfo(info);
    } catch (e) {
      set({ phase: 'unavailable', loadError: e instanceof ApiError ? e.message : 'The desk service is not answering.' });
    }
  },

  async setupDone(notice = 'Setup is done. Sign in as the administrator you just created.') {
    const status = await api.call('app.status', {});
    set({ status, phase: 'signin', notice });
  },

  async signedIn(info) {
    set({ notice: null });
    await applyInfo(info);
  },

  lock(opts = {}) {
    const { phase } = get();
    if (phase !== 'ready') return;
    captureDrafts();
    set({ phase: 'locked', locked: true, notice: opts.notice ?? null });
    purgePhi();
    if (opts.tellServer !== false) {
      api.call('session.lock', {}).catch(() => {
        /* the main process locks idle sessions by itself as well */
      });
    }
  },

  unlocked(info) {
    if (info.user) setDraftOwner(info.user.id);
    set({ phase: 'ready', locked: false, user: info.user, idleLockSeconds: info.idleLockSeconds, notice: null });
  },

  async signOut() {
    try {
      await api.call('session.signOut', {});
    } catch {
      /* signed out either way */
    }
    get().toSignIn(null);
  },

  toSignIn(notice = null) {
    purgePhi();
    clearAllDrafts();
    useNav.getState().reset();
    set({ phase: 'signin', user: null, locked: false, settings: null, notice });
  },

  async refresh() {
    try {
      const status = await api.call('app.status', {});
      set({ status });
      if (!status.setupDone) return set({ phase: 'setup' });
      const info = await api.call('session.current', {});
      const { phase } = get();
      if (!info.user) {
        if (phase === 'ready' || phase === 'locked') get().toSignIn('You were signed out.');
        return;
      }
      if (info.locked && phase === 'ready') return get().lock({ tellServer: false });
      set({ idleLockSeconds: info.idleLockSeconds, user: info.user });
      if (phase === 'ready') set({ settings: await api.call('settings.get', {}) });
    } catch {
      /* errors reach onAuthError via the client */
    }
  },

  isAdmin() {
    return get().user?.role === 'administrator';
  },
}));

async function applyInfo(info: SessionInfo) {
  const set = useSession.setState;
  if (!info.user) {
    set({ phase: 'signin', user: null, locked: false });
    return;
  }
  setDraftOwner(info.user.id);
  set({ user: info.user, locked: info.locked, idleLockSeconds: info.idleLockSeconds });
  if (info.locked) {
    set({ phase: 'locked' });
    return;
  }
  try {
    const settings = await api.call('settings.get', {});
    set({ settings });
  } catch {
    /* settings are shown where available; auth errors are handled globally */
  }
  set({ phase: 'ready' });
}

/** Wires the client's error stream and the main process's session events to the store. Call once at start. */
export function connectSession(): () => void {
  const offError = api.onError((err, method) => {
    const s = useSession.getState();
    if (err.code === 'SESSION_LOCKED') {
      s.lock({ tellServer: false, notice: 'The screen locked after a period without activity.' });
    } else if (err.code === 'UNAUTHENTICATED' && method !== 'session.signIn') {
      if (s.phase === 'ready' || s.phase === 'locked') s.toSignIn('Your session ended. Please sign in again.');
    }
  });
  const offEvent = api.on('session.changed', () => {
    const { phase } = useSession.getState();
    if (phase === 'ready' || phase === 'locked') void useSession.getState().refresh();
  });
  return () => {
    offError();
    offEvent();
  };
}
