/**
 * The search screen's state: the query, what the desk understood, the hits and the highlighted row. It lives in a
 * zustand store (not component state) so that going to a patient and back (Esc) shows the same list; it is PHI, so
 * it is registered with the PHI registry and the idle lock / sign-out wipe it.
 *
 * `prefill` carries a name/DOB parsed from the query to the register form (Alt+N from search); it is PHI too.
 */
import { create } from 'zustand';
import { api, ApiError } from '../api/client.js';
import type { PatientHit, PatientFormValues } from '../../shared/domain/patient.js';
import { parseTypedDate } from '../../shared/dates.js';
import { registerPhiStore } from '../app/phi.js';
import { siteToday } from './format.js';

export type SearchStatus = 'idle' | 'loading' | 'done' | 'error';

export interface RegisterPrefill {
  family?: string;
  given?: string;
  birthDate?: string;
}

interface SearchState {
  q: string;
  /** the query the shown hits belong to */
  shownQ: string;
  interpretations: string[];
  hits: PatientHit[];
  /** more patients matched than the hits show (the screen says so and how to narrow it) */
  truncated: boolean;
  status: SearchStatus;
  error: string | null;
  /** index of the highlighted hit (-1 = none) */
  active: number;
  prefill: RegisterPrefill | null;
  setQ(q: string): void;
  setActive(i: number): void;
  /** runs the search for the current query now (the screen debounces calls to this) */
  run(): Promise<void>;
  setPrefill(p: RegisterPrefill | null): void;
  takePrefill(): RegisterPrefill | null;
}

const initial = {
  q: '',
  shownQ: '',
  interpretations: [] as string[],
  hits: [] as PatientHit[],
  truncated: false,
  status: 'idle' as SearchStatus,
  error: null as string | null,
  active: -1,
  prefill: null as RegisterPrefill | null,
};

/** Hits the search screen asks for; `truncated` says when more matched. */
export const SEARCH_PAGE = 50;

/** Every search call gets a number; an answer that is not the newest one is dropped (typing outruns the desk). */
let seq = 0;

export const usePatientSearch = create<SearchState>((set, get) => ({
  ...initial,
  setQ: (q) => set({ q }),
  setActive: (i) => set({ active: i }),
  async run() {
    const q = get().q.trim();
    const mine = ++seq;
    if (!q) {
      set({ shownQ: '', hits: [], truncated: false, interpretations: [], status: 'idle', error: null, active: -1 });
      return;
    }
    set({ status: 'loading' });
    try {
      const res = await api.call('patients.search', { q, limit: SEARCH_PAGE });
      if (mine !== seq) return;
      set({ shownQ: q, hits: res.hits, truncated: res.truncated, interpretations: res.interpretations, status: 'done', error: null, active: res.hits.length ? 0 : -1 });
    } catch (e) {
      if (mine !== seq) return;
      set({ status: 'error', error: e instanceof ApiError ? e.message : 'The search did not answer. Try again.' });
    }
  },
  setPrefill: (p) => set({ prefill: p }),
  takePrefill() {
    const p = get().prefill;
    set({ prefill: null });
    return p;
  },
}));

registerPhiStore(() => {
  seq++; // an answer still in flight must not refill the store after the purge
  usePatientSearch.setState({ ...initial });
});

function titleCase(s: string): string {
  // only when typed all in lower case ("garcia" -> "Garcia"); "McDonald" or "DeLeon" stay as typed
  if (s !== s.toLowerCase()) return s;
  return s.replace(/(^|[\s\-'’])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/**
 * What the register form can take from a search query: "last, first", "first last" or one last name, and a typed
 * date of birth anywhere in it. Returns null when nothing name- or DOB-like was typed (an MRN or a phone).
 */
export function prefillFromQuery(raw: string, today = siteToday()): RegisterPrefill | null {
  const text = raw.trim();
  if (!text) return null;
  const out: RegisterPrefill = {};
  const tokens: string[] = [];
  const dateRe = /^(\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|\d{8})$/;
  const parts = text.split(',');
  const nameParts: string[][] = parts.map((p) =>
    p
      .trim()
      .split(/\s+/)
      .filter((t) => {
        if (!t) return false;
        if (dateRe.test(t)) {
          const iso = parseTypedDate(t, today);
          if (iso && iso <= today && !out.birthDate) out.birthDate = iso;
          return false;
        }
        if (/\d/.test(t)) return false;
        tokens.push(t);
        return true;
      }),
  );
  if (parts.length > 1) {
    const fam = nameParts[0]!.join(' ');
    const giv = nameParts.slice(1).flat()[0] ?? '';
    if (fam) out.family = titleCase(fam);
    if (giv) out.given = titleCase(giv);
  } else if (tokens.length === 1) {
    out.family = titleCase(tokens[0]!);
  } else if (tokens.length > 1) {
    out.given = titleCase(tokens[0]!);
    out.family = titleCase(tokens.slice(1).join(' '));
  }
  return out.family || out.given || out.birthDate ? out : null;
}

export function applyPrefill(v: PatientFormValues, p: RegisterPrefill | null): PatientFormValues {
  if (!p) return v;
  return {
    ...v,
    name: { ...v.name, family: p.family ?? v.name.family, given: p.given ?? v.name.given },
    birthDate: p.birthDate ?? v.birthDate,
  };
}
