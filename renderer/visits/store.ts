/**
 * The board's state (zustand): the day's rows as the desk returned them, the filters (remembered per desk in
 * localStorage: department/provider ids and the sort — never PHI), the type-to-filter text, the highlighted row and
 * the last action's message. The rows and the filter text are PHI: registered with the PHI registry (purged on lock).
 *
 * Live: 'visits.changed' (this desk or another one through sync) reloads the board; the highlighted row is kept by id,
 * so a row changing under the clerk never moves the highlight to another patient.
 */
import { create } from 'zustand';
import { api, ApiError } from '../api/client.js';
import type { BoardRow } from '../../shared/api/visits.js';
import type { AppointmentType, Department, Provider } from '../../shared/domain/visit.js';
import { parseTypedDate } from '../../shared/dates.js';
import { registerPhiStore } from '../app/phi.js';
import { useSession } from '../app/session.js';
import { siteToday } from '../patients/format.js';
import { STATUS_ORDER } from './format.js';
import { rowAfterChange } from './board-order.js';

export type BoardSort = 'time' | 'status' | 'wait';
export const SORT_LABELS: Record<BoardSort, string> = { time: 'Time', status: 'Status (waiting first)', wait: 'Wait since arrival' };

export interface BoardPrefs {
  departmentIds: string[];
  providerIds: string[];
  sort: BoardSort;
}

const DEFAULT_PREFS: BoardPrefs = { departmentIds: [], providerIds: [], sort: 'time' };

function prefsKey(): string {
  return `accessdesk.board.${useSession.getState().status?.deskId ?? 'desk'}`;
}

/** The board's filters of this desk (localStorage; ids and a sort key only). */
export function loadPrefs(): BoardPrefs {
  try {
    const raw = localStorage.getItem(prefsKey());
    if (!raw) return { ...DEFAULT_PREFS };
    const p = JSON.parse(raw) as Partial<BoardPrefs>;
    return {
      departmentIds: Array.isArray(p.departmentIds) ? p.departmentIds.filter((x) => typeof x === 'string') : [],
      providerIds: Array.isArray(p.providerIds) ? p.providerIds.filter((x) => typeof x === 'string') : [],
      sort: p.sort === 'status' || p.sort === 'wait' ? p.sort : 'time',
    };
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

function savePrefs(p: BoardPrefs): void {
  try {
    localStorage.setItem(prefsKey(), JSON.stringify(p));
  } catch {
    /* storage full or disabled: the filters still work for this session */
  }
}

interface BoardState {
  rows: BoardRow[];
  businessDate: string;
  generatedAt: string;
  status: 'idle' | 'loading' | 'done' | 'error';
  error: string | null;
  prefs: BoardPrefs;
  query: string;
  highlightedId: string | null;
  message: { tone: 'success' | 'info' | 'error'; text: string } | null;
  load(): Promise<void>;
  setPrefs(p: Partial<BoardPrefs>): void;
  setQuery(q: string): void;
  setHighlighted(id: string | null): void;
  /**
   * Highlight a row a dialog just made (a booking, a walk-in) once the board holds it, and keep the list's focus on it
   * for a moment: the closing dialog's focus restoration would otherwise put the highlight back on the old row.
   */
  pinHighlight(id: string): void;
  /** the pinned row and until when the pin holds (ms since epoch) */
  pinned: { id: string; until: number } | null;
  setMessage(m: BoardState['message']): void;
}

const PIN_MS = 1500;

let seq = 0;
/** the newest board load (load() resolves only once the newest rows are in) */
let latestLoad: Promise<void> | null = null;

export const useBoard = create<BoardState>((set, get) => ({
  rows: [],
  businessDate: '',
  generatedAt: '',
  status: 'idle',
  error: null,
  prefs: { ...DEFAULT_PREFS },
  query: '',
  highlightedId: null,
  message: null,
  load() {
    const mine = ++seq;
    const { prefs } = get();
    if (get().status === 'idle') set({ status: 'loading' });
    // eslint-disable-next-line prefer-const
    let run: Promise<void> | undefined;
    run = (async (): Promise<void> => {
      try {
        const r = await api.call('visits.board', { departmentIds: prefs.departmentIds, providerIds: prefs.providerIds, statuses: [] });
        // a newer load started meanwhile (a live reload): its rows win, and this call resolves once they are in, so
        // a caller that highlights a row it just made finds that row on the board
        if (mine !== seq) return latestLoad !== run ? (latestLoad ?? undefined) : undefined;
        set({ rows: r.rows, businessDate: r.businessDate, generatedAt: r.generatedAt, status: 'done', error: null });
      } catch (e) {
        if (mine !== seq) return latestLoad !== run ? (latestLoad ?? undefined) : undefined;
        set({ status: 'error', error: e instanceof ApiError ? e.message : 'The board did not load. Try again.' });
      }
    })();
    latestLoad = run;
    return run;
  },
  setPrefs(p) {
    const prefs = { ...get().prefs, ...p };
    set({ prefs });
    savePrefs(prefs);
    void get().load();
  },
  setQuery: (q) => set({ query: q }),
  setHighlighted: (id) => set({ highlightedId: id }),
  pinned: null,
  pinHighlight: (id) => set({ highlightedId: id, pinned: { id, until: Date.now() + PIN_MS } }),
  setMessage: (m) => set({ message: m }),
}));

registerPhiStore(() => {
  seq++;
  latestLoad = null;
  useBoard.setState({ rows: [], status: 'idle', query: '', highlightedId: null, pinned: null, message: null, error: null });
});

/** The directory (departments, providers, types): not PHI; reloaded on 'visits.directoryChanged'. */
interface DirectoryState {
  departments: Department[];
  providers: Provider[];
  types: AppointmentType[];
  loaded: boolean;
  load(): Promise<void>;
}

export const useDirectory = create<DirectoryState>((set) => ({
  departments: [],
  providers: [],
  types: [],
  loaded: false,
  async load() {
    try {
      const r = await api.call('visits.directory', {});
      set({ ...r, loaded: true });
    } catch {
      /* shown as empty filters; the board itself reports errors */
    }
  },
}));

// ---- filtering and sorting (pure) -----------------------------------------------------------------------------------

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}

/**
 * Type-to-filter: every word of the text must match the row's name ("lind ada", "lind,"), or the text is an MRN
 * (digits, prefix), or a date of birth typed in any accepted form.
 */
export function matchesQuery(row: BoardRow, query: string, today = siteToday()): boolean {
  const q = query.trim();
  if (!q) return true;
  const digits = q.replace(/\D/g, '');
  if (/^\d+$/.test(q) && row.mrn.startsWith(q)) return true;
  const iso = /\d/.test(q) ? parseTypedDate(q, today) : null;
  if (iso && row.birthDate === iso) return true;
  if (digits.length >= 4 && /^[\d/.\-\s]+$/.test(q)) return false;
  const name = fold(row.patientName);
  return fold(q)
    .split(/[\s,]+/)
    .filter(Boolean)
    .every((w) => name.split(/[\s,]+/).some((part) => part.startsWith(w)));
}

export function sortRows(rows: readonly BoardRow[], sort: BoardSort): BoardRow[] {
  const out = [...rows];
  const byTime = (a: BoardRow, b: BoardRow) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : 1);
  if (sort === 'time') return out.sort(byTime);
  if (sort === 'status') return out.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byTime(a, b));
  // wait: longest waiting (arrived, not roomed) first, then the others by time
  return out.sort((a, b) => {
    const wa = a.status === 'arrived' ? (a.waitMinutes ?? 0) : -1;
    const wb = b.status === 'arrived' ? (b.waitMinutes ?? 0) : -1;
    return wb - wa || byTime(a, b);
  });
}

/** The rows the board shows, in its order: the day's rows sorted by the chosen sort, filtered by the typed text. */
export function visibleRows(s: Pick<BoardState, 'rows' | 'prefs' | 'query'>): BoardRow[] {
  return sortRows(s.rows, s.prefs.sort).filter((r) => matchesQuery(r, s.query));
}

/**
 * After an action on the row `id` from a board dialog: reload the board, then pin the highlight (and the list's
 * focus, scrolled into view) on the row rowAfterChange picks. `before` = the ids the board listed when the action
 * started.
 */
export async function refocusAfterChange(before: readonly string[], id: string): Promise<void> {
  await useBoard.getState().load();
  const next = rowAfterChange(before, visibleRows(useBoard.getState()), id);
  if (next) useBoard.getState().pinHighlight(next);
}

/** The row to highlight when nothing is: the first scheduled one from 30 minutes ago on, else the first row. */
export function defaultHighlight(rows: readonly BoardRow[], nowMs = Date.now()): string | null {
  const from = nowMs - 30 * 60_000;
  const next = rows.find((r) => r.status === 'scheduled' && Date.parse(r.start) >= from) ?? rows.find((r) => r.status === 'scheduled') ?? rows[0];
  return next?.id ?? null;
}
