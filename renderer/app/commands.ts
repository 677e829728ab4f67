/**
 * What each global shortcut does. The keyboard layer and the command palette both run commands from here, so a
 * key, its palette entry and its help line can never disagree (keys and labels come from SHORTCUTS).
 */
import { SHORTCUTS, keysLabel, type Shortcut } from './shortcuts.js';
import { useNav, type Route } from './nav.js';
import { useSession } from './session.js';
import { useOverlays } from './overlays.js';
import { useSync } from '../sync/store.js';
import { startWalkIn, startBooking } from '../visits/walkin-command.js';

/** The search screen's input has this id: Alt+S and "/" focus it. */
export const SEARCH_INPUT_ID = 'patient-search-input';

export interface Command {
  id: string;
  label: string;
  /** key label shown next to the command ('' when it has no key) */
  keys: string;
  adminOnly?: boolean;
  supervisorOnly?: boolean;
  run(): void;
}

function focusSearchSoon() {
  // after the search screen has rendered
  let tries = 0;
  const attempt = () => {
    const el = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
    if (el) {
      el.focus();
      el.select?.();
    } else if (tries++ < 20) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

function goTo(route: Route) {
  const nav = useNav.getState();
  if (nav.route.name !== route.name) nav.go(route);
}

const ACTIONS: Record<string, () => void> = {
  search: () => {
    goTo({ name: 'search' });
    focusSearchSoon();
  },
  'search-slash': () => {
    goTo({ name: 'search' });
    focusSearchSoon();
  },
  register: () => goTo({ name: 'register' }),
  users: () => goTo({ name: 'users' }),
  audit: () => goTo({ name: 'audit' }),
  settings: () => goTo({ name: 'settings' }),
  'import-appointments': () => goTo({ name: 'import-appointments' }),
  review: () => goTo({ name: 'review' }),
  board: () => goTo({ name: 'board' }),
  'walk-in': () => startWalkIn(),
  book: () => startBooking(),
  'visits-admin': () => goTo({ name: 'visits-admin' }),
  drawer: () => goTo({ name: 'drawer' }),
  eod: () => goTo({ name: 'eod' }),
  'sync-now': () => void useSync.getState().syncNow(),
  palette: () => useOverlays.getState().open('palette'),
  help: () => useOverlays.getState().open('help'),
  lock: () => useSession.getState().lock(),
  back: () => useNav.getState().back(),
};

/** The global shortcuts that have an action. */
export function globalBindings(): { shortcut: Shortcut; run: () => void }[] {
  return SHORTCUTS.filter((s) => s.scope === 'global' && ACTIONS[s.id]).map((s) => ({ shortcut: s, run: ACTIONS[s.id]! }));
}

/** Every command for the palette (the current user's role decides the admin and supervisor ones). */
export function paletteCommands(isAdmin: boolean, isSupervisor = isAdmin): Command[] {
  const fromKeys: Command[] = SHORTCUTS.filter((s) => s.scope === 'global' && ACTIONS[s.id] && s.id !== 'palette' && s.id !== 'search-slash' && s.id !== 'back').map((s) => ({
    id: s.id,
    label: s.label,
    keys: keysLabel(s),
    adminOnly: s.adminOnly,
    supervisorOnly: s.supervisorOnly,
    run: ACTIONS[s.id]!,
  }));
  const extra: Command[] = [
    { id: 'back', label: 'Back to the previous screen', keys: 'Esc', run: ACTIONS.back! },
    { id: 'sign-out', label: 'Sign out', keys: '', run: () => void useSession.getState().signOut() },
  ];
  return [...fromKeys, ...extra].filter((c) => (isAdmin || !c.adminOnly) && (isSupervisor || !c.supervisorOnly));
}
