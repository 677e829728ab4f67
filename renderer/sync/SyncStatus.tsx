/**
 * The truth about sync, always on screen (issue 3, point 6):
 *  - SyncStatus (header): state with an icon AND a word (never colour alone), changes waiting, last successful sync,
 *    and "Sync now" (Alt+Y, also a global key and a palette command).
 *  - SyncBanners (under the nav): offline, refused (the hub's own message), clock skew over 2 minutes, changes the hub
 *    rejected (supervisors), and the result of Sync now. None of them blocks local work.
 */
import { useEffect, useState, type ReactElement } from 'react';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { shortcut } from '../app/shortcuts.js';
import { useSession } from '../app/session.js';
import { agoText, catchingUpText, skewText, useSync, useSyncFeed } from './store.js';
import type { SyncStatus as Status } from '../../shared/api/contract.js';
import './sync.css';

const STATE: Record<Status['state'], { icon: string; label: string }> = {
  online: { icon: '✓', label: 'Online' },
  offline: { icon: '⚠', label: 'Offline' },
  refused: { icon: '⛔', label: 'Refused by hub' },
  'not-enrolled': { icon: '○', label: 'Standalone' },
};

/** Re-renders every 30 s so "2 min ago" stays true between status updates. */
function useNow(periodMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), periodMs);
    return () => window.clearInterval(t);
  }, [periodMs]);
  return now;
}

/** Enrolled, and the first sync attempt of this run has not finished yet. */
function isConnecting(status: Status): boolean {
  return status.enrolled && status.state === 'offline' && status.lastAttemptAt === null;
}

export function waitingText(n: number): string {
  return `${n} ${n === 1 ? 'change' : 'changes'} waiting`;
}

export function SyncStatus() {
  useSyncFeed();
  const status = useSync((s) => s.status);
  const busy = useSync((s) => s.busy);
  const receivedAt = useSync((s) => s.receivedAt);
  const now = Math.max(useNow(), receivedAt);
  if (!status) {
    return (
      <div className="sy-status" role="group" aria-label="Sync status" data-testid="sync-status">
        <span className="sy-state">Sync: checking…</span>
      </div>
    );
  }
  // Just enrolled or just started: no attempt has finished yet, so "Offline" would not be the truth.
  const st = isConnecting(status) ? { icon: '…', label: 'Connecting' } : STATE[status.state];
  return (
    <div className="sy-status" role="group" aria-label="Sync status" data-testid="sync-status" data-state={status.state}>
      <span className={`sy-state sy-state--${isConnecting(status) ? 'connecting' : status.state}`} data-testid="sync-state">
        <span className="sy-icon" aria-hidden="true">
          {st.icon}
        </span>
        {st.label}
      </span>
      {status.enrolled && (
        <>
          <span className="sy-sep" aria-hidden="true">
            ·
          </span>
          <span data-testid="sync-pending">{waitingText(status.pending)}</span>
          <span className="sy-sep" aria-hidden="true">
            ·
          </span>
          <span data-testid="sync-last">last sync {agoText(status.lastSyncAt, now)}</span>
          {status.catchingUp && (
            <>
              <span className="sy-sep" aria-hidden="true">
                ·
              </span>
              <span data-testid="sync-catching-up">catching up: {catchingUpText(status.catchingUp)}</span>
            </>
          )}
        </>
      )}
      {status.enrolled && (
        <Button size="small" onPress={() => void useSync.getState().syncNow()} isPending={busy} shortcut={shortcut('sync-now').keys}>
          Sync now
        </Button>
      )}
    </div>
  );
}

export function SyncBanners() {
  const status = useSync((s) => s.status);
  const error = useSync((s) => s.error);
  const notice = useSync((s) => s.notice);
  const role = useSession((s) => s.user?.role);
  const isSupervisor = role === 'supervisor' || role === 'administrator';
  // The Sync now result fades after a while; the lasting states below stay as long as they are true.
  useEffect(() => {
    if (!notice) return;
    const t = window.setTimeout(() => useSync.setState({ notice: null }), 10_000);
    return () => window.clearTimeout(t);
  }, [notice]);
  // ... and never outlives the signed-in layout (lock, sign-out).
  useEffect(() => () => useSync.setState({ notice: null }), []);
  const skew = status?.enrolled ? skewText(status.clockSkewMs) : null;
  const items: ReactElement[] = [];
  if (error) items.push(<Banner key="err" tone="error" title="Sync status unknown:">{` ${error}`}</Banner>);
  if (status?.state === 'refused') {
    items.push(
      <Banner key="refused" tone="error" title="The hub refuses this desk:">
        {` ${status.refusal?.message ?? 'no reason given.'}`} Work on this desk continues; changes wait here.{' '}
        {role === 'administrator' ? 'Check the hub connection in Settings (Alt+T).' : 'Tell the administrator.'}
      </Banner>,
    );
  }
  if (status?.state === 'offline' && !isConnecting(status)) {
    items.push(
      <Banner key="offline" tone="warning" title="Offline:">
        {` The hub cannot be reached. Keep working: ${status.pending > 0 ? `${waitingText(status.pending)} ${status.pending === 1 ? 'is' : 'are'} kept on this desk and` : 'changes are kept on this desk and'} sent when the hub is back (retrying by itself).`}
      </Banner>,
    );
  }
  if (skew) {
    items.push(
      <Banner key="skew" tone="warning" title="Clock:">
        {` ${skew}. Work continues and sync stays in order; ask the administrator to correct this computer's clock.`}
      </Banner>,
    );
  }
  if (status && status.rejected > 0 && isSupervisor) {
    items.push(
      <Banner key="rejected" tone="warning" title="Refused changes:">
        {` The hub refused ${status.rejected} ${status.rejected === 1 ? 'change' : 'changes'} from this desk for good. They are kept here; contact support to review them.`}
      </Banner>,
    );
  }
  if (notice) {
    items.push(
      <Banner key="notice" tone="info" title="Sync now:">
        {` ${notice}`}
      </Banner>,
    );
  }
  return (
    <div className="sy-banners" data-testid="sync-banners">
      {items}
    </div>
  );
}
