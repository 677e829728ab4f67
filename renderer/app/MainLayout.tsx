import type { ReactNode } from 'react';
import { useNav, type Route } from './nav.js';
import { useSession } from './session.js';
import { useIdleLock } from './idle.js';
import { Button } from '../ui/Button.js';
import { KeyHint } from '../ui/KeyHint.js';
import { shortcut } from './shortcuts.js';
import { Palette } from './Palette.js';
import { HelpOverlay } from './HelpOverlay.js';
import { useOverlays } from './overlays.js';
import { SEARCH_INPUT_ID } from './commands.js';
import { SearchScreen, PatientScreen, RegisterScreen, EditScreen, HistoryScreen } from '../patients/index.js';
import { UsersScreen } from '../users/UsersScreen.js';
import { SettingsScreen } from '../settings/SettingsScreen.js';
import { ImportScreen } from '../visits/import/ImportScreen.js';
import { AuditScreen } from '../audit/AuditScreen.js';
import { SyncStatus, SyncBanners } from '../sync/SyncStatus.js';
import { ReviewQueueScreen } from '../sync/ReviewQueueScreen.js';
import { useSync } from '../sync/store.js';
import { PrintHost } from '../print/PrintPreview.js';
import { BoardScreen } from '../visits/BoardScreen.js';
import { VisitsAdminScreen } from '../visits/AdminScreen.js';
import { VisitDialogsHost } from '../visits/ActionDialogs.js';
import { DrawerScreen } from '../drawer/DrawerScreen.js';
import { EodScreen } from '../eod/EodScreen.js';

const ROLE_LABEL = { clerk: 'Clerk', supervisor: 'Supervisor', administrator: 'Administrator' } as const;

interface NavItem {
  route: Route;
  shortcutId: string;
  label: string;
  adminOnly?: boolean;
  supervisorOnly?: boolean;
}

const NAV: NavItem[] = [
  { route: { name: 'search' }, shortcutId: 'search', label: 'Search' },
  { route: { name: 'register' }, shortcutId: 'register', label: 'New patient' },
  { route: { name: 'board' }, shortcutId: 'board', label: 'Board' },
  { route: { name: 'drawer' }, shortcutId: 'drawer', label: 'Drawer' },
  { route: { name: 'eod' }, shortcutId: 'eod', label: 'End of day', supervisorOnly: true },
  { route: { name: 'review' }, shortcutId: 'review', label: 'Review queue', supervisorOnly: true },
  { route: { name: 'users' }, shortcutId: 'users', label: 'Users', adminOnly: true },
  { route: { name: 'audit' }, shortcutId: 'audit', label: 'Audit log', adminOnly: true },
  { route: { name: 'settings' }, shortcutId: 'settings', label: 'Settings', adminOnly: true },
  { route: { name: 'visits-admin' }, shortcutId: 'visits-admin', label: 'Clinic setup', adminOnly: true },
  { route: { name: 'import-appointments' }, shortcutId: 'import-appointments', label: 'Import', adminOnly: true },
];

const ADMIN_ROUTES = new Set<Route['name']>(['users', 'audit', 'settings', 'visits-admin', 'import-appointments']);
const SUPERVISOR_ROUTES = new Set<Route['name']>(['review', 'eod']);

/** The screen for a route. Patient screens get only the id. Keyed by route so a screen remounts on navigation. */
function Screen({ route, isAdmin, isSupervisor }: { route: Route; isAdmin: boolean; isSupervisor: boolean }): ReactNode {
  if (SUPERVISOR_ROUTES.has(route.name) && !isSupervisor) {
    return (
      <div className="ad-page">
        <h1>Not available</h1>
        <p>This screen is for supervisors.</p>
      </div>
    );
  }
  if (ADMIN_ROUTES.has(route.name) && !isAdmin) {
    return (
      <div className="ad-page">
        <h1>Not available</h1>
        <p>This screen is for administrators.</p>
      </div>
    );
  }
  switch (route.name) {
    case 'search':
      return <SearchScreen />;
    case 'patient':
      return <PatientScreen id={route.id} />;
    case 'register':
      return <RegisterScreen />;
    case 'edit':
      return <EditScreen id={route.id} />;
    case 'history':
      return <HistoryScreen id={route.id} />;
    case 'users':
      return <UsersScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'import-appointments':
      return <ImportScreen />;
    case 'review':
      return <ReviewQueueScreen />;
    case 'board':
      return <BoardScreen />;
    case 'visits-admin':
      return <VisitsAdminScreen />;
    case 'drawer':
      return <DrawerScreen />;
    case 'eod':
      return <EodScreen />;
  }
}

function routeKey(r: Route): string {
  return 'id' in r ? `${r.name}:${r.id}` : r.name;
}

/** The signed-in, unlocked desk: header (site · desk, user, Lock), nav (one key per screen), main, key footer. */
export function MainLayout() {
  const route = useNav((s) => s.route);
  const go = useNav((s) => s.go);
  const user = useSession((s) => s.user);
  const status = useSession((s) => s.status);
  const settings = useSession((s) => s.settings);
  const idleLockSeconds = useSession((s) => s.idleLockSeconds);
  const isAdmin = user?.role === 'administrator';
  const isSupervisor = isAdmin || user?.role === 'supervisor';
  const openReview = useSync((s) => s.status?.openReviewItems ?? 0);
  useIdleLock(true, idleLockSeconds);

  return (
    <div className="ad-app">
      <header className="ad-header">
        <span className="ad-brand">AccessDesk</span>
        <span className="ad-where" title={`${settings?.siteName ?? status?.siteName ?? ''} · ${settings?.deskLabel ?? status?.deskLabel ?? ''}`}>
          {settings?.siteName ?? status?.siteName} · {settings?.deskLabel ?? status?.deskLabel}
        </span>
        <span className="ad-spacer" />
        <SyncStatus />
        <span className="ad-user" data-testid="current-user" title={user ? `${user.displayName} (${ROLE_LABEL[user.role]})` : undefined}>
          {user?.displayName}
          <span className="ad-role">({user ? ROLE_LABEL[user.role] : ''})</span>
        </span>
        <Button size="small" onPress={() => useSession.getState().lock()} shortcut={shortcut('lock').keys}>
          Lock
        </Button>
        <Button size="small" onPress={() => void useSession.getState().signOut()}>
          Sign out
        </Button>
      </header>
      <nav className="ad-nav" aria-label="Screens">
        {NAV.filter((n) => (isAdmin || !n.adminOnly) && (isSupervisor || !n.supervisorOnly)).map((n) => (
          <Button
            key={n.route.name}
            variant="quiet"
            aria-current={route.name === n.route.name ? 'page' : undefined}
            shortcut={shortcut(n.shortcutId).keys}
            onPress={() => {
              if (route.name !== n.route.name) go(n.route);
              if (n.route.name === 'search') requestAnimationFrame(() => document.getElementById(SEARCH_INPUT_ID)?.focus());
            }}
          >
            {n.label}
            {n.route.name === 'review' && openReview > 0 ? ` (${openReview})` : ''}
          </Button>
        ))}
      </nav>
      <SyncBanners />
      <main className="ad-main" id="main">
        <Screen key={routeKey(route)} route={route} isAdmin={isAdmin} isSupervisor={isSupervisor} />
      </main>
      <footer className="ad-footer" aria-label="Keys">
        <span>
          <KeyHint keys="Ctrl+K" /> Commands
        </span>
        <span>
          <KeyHint keys="F1" /> All keys
        </span>
        <span>
          <KeyHint keys="/" /> Search
        </span>
        <span>
          <KeyHint keys="Esc" /> Back
        </span>
        {(route.name === 'patient' || route.name === 'search') && (
          <span>
            <KeyHint keys="Alt+W" /> Walk-in for this patient
          </span>
        )}
        {(route.name === 'patient' || route.name === 'search') && (
          <span>
            <KeyHint keys="Alt+V" /> Book an appointment
          </span>
        )}
        <span className="ad-spacer" style={{ flex: 1 }} />
        <Button variant="quiet" size="small" onPress={() => useOverlays.getState().open('help')}>
          Help
        </Button>
      </footer>
      <Palette />
      <HelpOverlay />
      <PrintHost />
      <VisitDialogsHost />
    </div>
  );
}
