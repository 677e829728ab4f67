/**
 * The global visit keys (app/commands.ts):
 *  - Alt+W: a walk-in for the patient in front of the clerk — the open patient record, the highlighted search hit, or
 *    the highlighted board row's patient. Opens the walk-in confirmation (remembered department/provider/type, the
 *    Create button focused): Enter creates the walk-in (scheduled "now"), then the normal check-in opens for it.
 *  - Alt+V: book an appointment for the patient in front of the clerk (on the board: chosen in the dialog).
 */
import { useNav } from '../app/nav.js';
import { usePatientSearch } from '../patients/store.js';
import { useBoard } from './store.js';
import { useVisitDialogs } from './dialogs.js';

/** The patient the clerk is looking at: the open record, the highlighted search hit, the highlighted board row's. */
export function patientInFront(): string | null {
  const route = useNav.getState().route;
  if (route.name === 'patient') return route.id;
  if (route.name === 'search') {
    const s = usePatientSearch.getState();
    return s.q.trim() && s.shownQ === s.q.trim() ? (s.hits[s.active]?.id ?? null) : null;
  }
  if (route.name === 'board') {
    const b = useBoard.getState();
    return b.rows.find((r) => r.id === b.highlightedId)?.patientId ?? null;
  }
  return null;
}

export function startWalkIn(): void {
  const id = patientInFront();
  if (id) {
    useVisitDialogs.getState().open({ kind: 'walkin', patientId: id });
    return;
  }
  // no patient in front of the clerk: find one first
  const nav = useNav.getState();
  if (nav.route.name !== 'search') nav.go({ name: 'search' });
  requestAnimationFrame(() => document.getElementById('patient-search-input')?.focus());
}

/** Alt+V. On the board the dialog starts with the patient search (the highlighted row is someone already booked). */
export function startBooking(): void {
  const route = useNav.getState().route;
  useVisitDialogs.getState().open({ kind: 'book', patientId: route.name === 'board' ? null : patientInFront() });
}
