/**
 * The desk's sync status as the renderer knows it: pushed by the main process ('sync.changed') and polled every
 * 15 s as a fallback (an event lost while the WebSocket reconnects must not leave a stale "online" on screen).
 * No PHI here: counts, times and the hub's refusal message only.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import { api, ApiError } from '../api/client.js';
import type { SyncStatus } from '../../shared/api/contract.js';

export const SYNC_POLL_MS = 15_000;
/** Clock skew shown to the clerk above this (2 minutes). */
export const SKEW_WARN_MS = 2 * 60_000;

interface SyncState {
  status: SyncStatus | null;
  /** the desk service itself did not answer sync.status */
  error: string | null;
  /** Sync now is running */
  busy: boolean;
  /** a message after Sync now (success or why not) */
  notice: string | null;
  /** wall time of the last status received (re-renders "2 min ago") */
  receivedAt: number;
  set(s: SyncStatus): void;
  refresh(): Promise<void>;
  syncNow(): Promise<void>;
}

export const useSync = create<SyncState>((set, get) => ({
  status: null,
  error: null,
  busy: false,
  notice: null,
  receivedAt: 0,
  set: (s) => set({ status: s, error: null, receivedAt: Date.now() }),
  async refresh() {
    try {
      get().set(await api.call('sync.status', {}));
    } catch (e) {
      // Signed out or locked: the shell handles it; anything else is shown next to the status.
      if (e instanceof ApiError && (e.code === 'UNAUTHENTICATED' || e.code === 'SESSION_LOCKED')) return;
      set({ error: e instanceof ApiError ? e.message : 'Could not read the sync status.' });
    }
  },
  async syncNow() {
    if (get().busy) return;
    set({ busy: true, notice: null });
    try {
      const s = await api.call('sync.now', {});
      get().set(s);
      set({ notice: noticeAfterSync(s) });
    } catch (e) {
      set({ notice: e instanceof ApiError ? e.message : 'Sync did not run. Try again.' });
    } finally {
      set({ busy: false });
    }
  },
}));

function noticeAfterSync(s: SyncStatus): string {
  switch (s.state) {
    case 'not-enrolled':
      return 'This desk is not connected to a hub (standalone).';
    case 'online':
      return s.pending === 0 ? 'Synced: nothing is waiting.' : `Sync ran: ${s.pending} ${s.pending === 1 ? 'change is' : 'changes are'} still waiting.`;
    case 'offline':
      return 'The hub cannot be reached. Changes stay on this desk and are sent when it is back.';
    case 'refused':
      return `The hub refused this desk: ${s.refusal?.message ?? 'ask the administrator.'}`;
  }
}

/** Mount once while signed in: subscribes to 'sync.changed', reads the status now and every 15 s. */
export function useSyncFeed(): void {
  useEffect(() => {
    const off = api.on('sync.changed', (s) => useSync.getState().set(s));
    void useSync.getState().refresh();
    const t = window.setInterval(() => void useSync.getState().refresh(), SYNC_POLL_MS);
    return () => {
      off();
      window.clearInterval(t);
    };
  }, []);
}

/** "12,000 of 100,000 changes": a long pull (after an outage, or a desk joining the clinic) */
export function catchingUpText(c: { done: number; of: number }): string {
  return `${c.done.toLocaleString('en-US')} of ${c.of.toLocaleString('en-US')} changes`;
}

/** "just now", "2 min ago", "3 h ago", "on 03/14 at 09:05" — relative to `now`. */
export function agoText(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return 'unknown';
  if (ms < 45_000) return 'just now';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(ms / 3_600_000);
  if (h < 24) return `${h} h ago`;
  const d = new Date(iso);
  return `on ${String(d.getMonth() + 1).padStart(2, '0')}/${String(d.getDate()).padStart(2, '0')} at ${d.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit' })}`;
}

/** "12 min ahead of the hub" / "3 h 5 min behind the hub" (null when within the tolerance or unknown). */
export function skewText(skewMs: number | null): string | null {
  if (skewMs === null || Math.abs(skewMs) <= SKEW_WARN_MS) return null;
  const total = Math.round(Math.abs(skewMs) / 60_000);
  const h = Math.floor(total / 60);
  const m = total % 60;
  const amount = h > 0 ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
  return `This desk's clock is ${amount} ${skewMs > 0 ? 'ahead of' : 'behind'} the hub`;
}
