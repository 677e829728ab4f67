/**
 * Alt+W (global): a walk-in for the patient in front of the clerk — the open patient record, the highlighted search
 * hit, or the highlighted board row's patient. Opens the walk-in check-in (defaults: last used here); the walk-in is
 * created and arrived together with its check-in record in one command when the clerk presses Arrived.
 */
import { useNav } from '../app/nav.js';
import { usePatientSearch } from '../patients/store.js';
import { useBoard } from './store.js';
import { useVisitDialogs } from './dialogs.js';

export function walkInPatientId(): string | null {
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
  const id = walkInPatientId();
  if (id) {
    useVisitDialogs.getState().open({ kind: 'walkin', patientId: id });
    return;
  }
  // no patient in front of the clerk: find one first
  const nav = useNav.getState();
  if (nav.route.name !== 'search') nav.go({ name: 'search' });
  requestAnimationFrame(() => document.getElementById('patient-search-input')?.focus());
}
