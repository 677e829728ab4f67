/**
 * Every key, in one list: the global keyboard layer (keyboard.ts) binds the 'global' ones, the help overlay (F1)
 * and the command palette (Ctrl+K) show them all. Screen-local keys are listed here under their `scope` and bound by
 * the screen itself (and shown in that screen's footer/buttons).
 */
export type ShortcutScope = 'global' | 'search' | 'form' | 'patient' | 'list' | 'dialog' | 'review' | 'drawer' | 'eod' | 'board' | 'import';

export interface Shortcut {
  id: string;
  /** as shown to the clerk, e.g. "Alt+S" */
  keys: string;
  /** further keys doing the same thing, e.g. ["Shift+?"] for help */
  altKeys?: string[];
  label: string;
  scope: ShortcutScope;
  /** only offered to administrators */
  adminOnly?: boolean;
  /** only offered to supervisors and administrators */
  supervisorOnly?: boolean;
  /** a printable key ("/", "?") that only acts when the focus is not in a text field */
  notWhileTyping?: boolean;
}

export const SCOPE_LABELS: Record<ShortcutScope, string> = {
  global: 'Anywhere',
  search: 'Patient search',
  form: 'Forms',
  patient: 'Patient record',
  list: 'Lists and tables',
  dialog: 'Dialogs',
  review: 'Review queue (supervisors)',
  board: 'Today’s board',
  drawer: 'Cash drawer',
  eod: 'End of day (supervisors)',
  import: 'Import appointments (administrators)',
};

export const SHORTCUTS: Shortcut[] = [
  { id: 'search', keys: 'Alt+S', label: 'Find a patient (search box)', scope: 'global' },
  { id: 'search-slash', keys: '/', label: 'Find a patient (when not typing)', scope: 'global', notWhileTyping: true },
  { id: 'register', keys: 'Alt+N', label: 'Register a new patient', scope: 'global' },
  { id: 'users', keys: 'Alt+U', label: 'Users', scope: 'global', adminOnly: true },
  { id: 'audit', keys: 'Alt+A', label: 'Audit log', scope: 'global', adminOnly: true },
  { id: 'settings', keys: 'Alt+T', label: 'Site settings', scope: 'global', adminOnly: true },
  { id: 'review', keys: 'Alt+R', label: 'Review queue (conflicts and likely duplicates, from the hub and this desk)', scope: 'global', supervisorOnly: true },
  { id: 'drawer', keys: 'Alt+D', label: 'Cash drawer (open, paid in/out, payments, close)', scope: 'global' },
  { id: 'eod', keys: 'Alt+J', label: 'End of day report (all desks)', scope: 'global', supervisorOnly: true },
  { id: 'board', keys: 'Alt+B', altKeys: ['F2'], label: 'Today’s board (appointments, check-in)', scope: 'global' },
  { id: 'walk-in', keys: 'Alt+W', label: 'Walk-in now for the open / highlighted patient (then check in)', scope: 'global' },
  { id: 'book', keys: 'Alt+V', label: 'Book an appointment (for the open / highlighted patient; on the board: choose one)', scope: 'global' },
  { id: 'visits-admin', keys: 'Alt+C', label: 'Clinic setup: departments, providers, appointment types', scope: 'global', adminOnly: true },
  { id: 'sync-now', keys: 'Alt+Y', label: 'Sync with the hub now', scope: 'global' },
  { id: 'palette', keys: 'Ctrl+K', label: 'Command palette', scope: 'global' },
  { id: 'help', keys: 'F1', altKeys: ['Shift+?'], label: 'Show all keys', scope: 'global' },
  { id: 'lock', keys: 'Alt+L', label: 'Lock the screen', scope: 'global' },
  { id: 'back', keys: 'Esc', label: 'Back / close', scope: 'global' },
  { id: 'import-appointments', keys: 'Alt+I', label: 'Import appointments from a CSV file', scope: 'global', adminOnly: true },
  { id: 'import-file', keys: 'Alt+O', label: 'Choose a CSV file', scope: 'import', adminOnly: true },
  { id: 'import-check', keys: 'Alt+K', label: 'Check the rows (preview; writes nothing)', scope: 'import', adminOnly: true },
  { id: 'import-run', keys: 'Alt+M', label: 'Import the checked appointments (all or nothing)', scope: 'import', adminOnly: true },
  { id: 'results', keys: '↑ ↓', label: 'Move through results', scope: 'search' },
  { id: 'open', keys: 'Enter', label: 'Open the highlighted patient', scope: 'search' },
  { id: 'search-new', keys: 'Alt+N', label: 'Register a new patient (with the name / DOB typed in the search box when it found nobody)', scope: 'search' },
  { id: 'search-clear', keys: 'Esc', label: 'Clear the search box', scope: 'search' },
  { id: 'save', keys: 'Ctrl+Enter', label: 'Save the form', scope: 'form' },
  { id: 'submit', keys: 'Enter', label: 'Submit (from a text field)', scope: 'form' },
  { id: 'next-field', keys: 'Tab / Shift+Tab', label: 'Next / previous field', scope: 'form' },
  { id: 'select-open', keys: 'Alt+↓', label: 'Open a drop-down list', scope: 'form' },
  { id: 'form-cancel', keys: 'Esc', label: 'Cancel (asks first when something was typed)', scope: 'form' },
  { id: 'open-match', keys: 'Alt+1 … Alt+5', label: 'Registering: open possible match 1–5 instead', scope: 'form' },
  { id: 'edit', keys: 'E', label: 'Edit this patient', scope: 'patient' },
  { id: 'history', keys: 'H', label: 'Change history of this patient', scope: 'patient' },
  { id: 'patient-back', keys: 'Esc', label: 'Back (to the search results)', scope: 'patient' },
  { id: 'print-label', keys: 'L', label: 'Print a patient label (preview first)', scope: 'patient', notWhileTyping: true },
  { id: 'print-wristband', keys: 'B', label: 'Print a wristband (preview first)', scope: 'patient', notWhileTyping: true },
  { id: 'take-payment', keys: 'P', label: 'Take a payment from this patient', scope: 'patient', notWhileTyping: true },
  { id: 'merged-open', keys: 'Enter', label: 'Merged record: open the surviving record', scope: 'patient' },
  { id: 'merged-undo', keys: 'U', label: 'Merged record: undo the merge (supervisors)', scope: 'patient', supervisorOnly: true },
  { id: 'review-show', keys: 'Enter', label: 'Show the highlighted item', scope: 'review', supervisorOnly: true },
  { id: 'review-open', keys: '1 / 2', label: 'Open record 1 / record 2 (the patient)', scope: 'review', supervisorOnly: true },
  { id: 'review-merge', keys: 'M', label: 'Merge into… (choose the record to keep, give a reason)', scope: 'review', supervisorOnly: true },
  { id: 'review-different', keys: 'N', label: 'Not the same person (close with a note)', scope: 'review', supervisorOnly: true },
  { id: 'review-keep', keys: 'K', label: 'Conflict: keep the value the record holds now', scope: 'review', supervisorOnly: true },
  { id: 'review-correct', keys: 'C', label: 'Conflict: correct it in the record (edit screen)', scope: 'review', supervisorOnly: true },
  { id: 'review-corrected', keys: 'D', label: 'Mark corrected (close with a note)', scope: 'review', supervisorOnly: true },
  { id: 'drawer-count', keys: '↑ ↓ / digits', label: 'Counting by denomination: move between denominations / type the count', scope: 'drawer' },
  { id: 'drawer-paid-in', keys: 'I', label: 'Paid in (cash into the drawer, with a reason)', scope: 'drawer', notWhileTyping: true },
  { id: 'drawer-paid-out', keys: 'O', label: 'Paid out (cash out of the drawer, with a reason)', scope: 'drawer', notWhileTyping: true },
  { id: 'drawer-close', keys: 'C', label: 'Close the drawer (blind count first)', scope: 'drawer', notWhileTyping: true },
  { id: 'drawer-refund', keys: 'R', label: 'Refund an earlier payment (find it by its receipt number)', scope: 'drawer', notWhileTyping: true },
  { id: 'drawer-row', keys: 'Enter', label: 'On a payment: reprint the receipt, void or refund it', scope: 'drawer' },
  { id: 'eod-csv', keys: 'C', label: 'Export the report as CSV', scope: 'eod', notWhileTyping: true, supervisorOnly: true },
  { id: 'eod-pdf', keys: 'P', label: 'The report as PDF (preview, print, save)', scope: 'eod', notWhileTyping: true, supervisorOnly: true },
  { id: 'eod-refresh', keys: 'R', label: 'Refresh the report', scope: 'eod', notWhileTyping: true, supervisorOnly: true },
  { id: 'board-move', keys: '↑ ↓', label: 'Move between appointments (the highlighted one is acted on)', scope: 'board' },
  { id: 'board-checkin', keys: 'Enter', label: 'Check in the highlighted appointment', scope: 'board' },
  { id: 'board-filter', keys: 'Alt+F', label: 'Filter box (or just type on the list): name, MRN, date of birth', scope: 'board' },
  { id: 'board-reschedule', keys: 'Alt+H', label: 'Reschedule (new date / time, provider)', scope: 'board' },
  { id: 'board-undo', keys: 'Alt+Z', label: 'Undo the last step / reinstate a cancelled or no-show appointment (with a reason)', scope: 'board' },
  { id: 'board-noshow', keys: 'Alt+O', label: 'Mark no-show', scope: 'board' },
  { id: 'board-cancel', keys: 'Alt+X', label: 'Cancel (with a reason)', scope: 'board' },
  { id: 'board-room', keys: 'Alt+M', label: 'Roomed', scope: 'board' },
  { id: 'board-checkout', keys: 'Alt+E', label: 'Checked out', scope: 'board' },
  { id: 'board-label', keys: 'Alt+P', label: 'Print a visit label (preview first)', scope: 'board' },
  { id: 'board-sort', keys: 'Alt+G', label: 'Sort by time / status / wait', scope: 'board' },
  { id: 'checkin-arrived', keys: 'Ctrl+Enter', label: 'Check-in: Arrived (saves the record)', scope: 'board' },
  { id: 'checkin-edit', keys: 'Alt+E', label: 'Check-in: edit demographics in place', scope: 'board' },
  { id: 'visits-admin-add', keys: 'N', label: 'Clinic setup: add a department / provider / appointment type (the list shown)', scope: 'list', adminOnly: true, notWhileTyping: true },
  { id: 'audit-export', keys: 'Alt+E', label: 'Audit log: export the filtered entries as CSV (audited)', scope: 'list', adminOnly: true },
  { id: 'audit-filter', keys: 'Alt+F', label: 'Audit log: to the filters (patient name or MRN, user, dates, action; Enter applies)', scope: 'list', adminOnly: true },
  { id: 'list-move', keys: '↑ ↓', label: 'Move between rows', scope: 'list' },
  { id: 'list-open', keys: 'Enter', label: 'Open the row', scope: 'list' },
  { id: 'list-ends', keys: 'Home / End', label: 'First / last row', scope: 'list' },
  { id: 'print-print', keys: 'Enter', altKeys: ['Ctrl+P'], label: 'Print preview: print', scope: 'dialog' },
  { id: 'print-save', keys: 'Ctrl+S', label: 'Print preview: save the PDF', scope: 'dialog' },
  { id: 'dialog-close', keys: 'Esc', label: 'Close the dialog (nothing is saved)', scope: 'dialog' },
];

export function shortcut(id: string): Shortcut {
  const s = SHORTCUTS.find((x) => x.id === id);
  if (!s) throw new Error(`unknown shortcut ${id}`);
  return s;
}

/** All key labels of a shortcut, for display: "F1 / Shift+?". */
export function keysLabel(s: Shortcut): string {
  return [s.keys, ...(s.altKeys ?? [])].join(' / ');
}

interface Combo {
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  /** KeyboardEvent.code for letters/digits (layout- and Alt-proof), else KeyboardEvent.key */
  code?: string;
  key?: string;
}

const KEY_NAMES: Record<string, string> = { Esc: 'Escape' };

/** "Alt+S" -> {alt, code:'KeyS'}; "Shift+?" -> {key:'?'} (shift is implied by the character); "F1" -> {key:'F1'}. */
export function parseCombo(keys: string): Combo {
  const parts = keys.split('+');
  const last = parts.pop() ?? '';
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  const c: Combo = { ctrl: mods.has('ctrl'), alt: mods.has('alt'), shift: mods.has('shift') };
  if (/^[A-Z]$/.test(last)) c.code = `Key${last}`;
  else if (/^[0-9]$/.test(last)) c.code = `Digit${last}`;
  else c.key = KEY_NAMES[last] ?? last;
  return c;
}

export function matchesCombo(e: KeyboardEvent, keys: string): boolean {
  const c = parseCombo(keys);
  if (e.ctrlKey !== c.ctrl || e.altKey !== c.alt || e.metaKey) return false;
  if (c.code) return e.code === c.code && e.shiftKey === c.shift;
  // printable characters already carry Shift (e.g. "?"); named keys (F1, Escape) must match Shift exactly
  if (c.key && c.key.length === 1) return e.key === c.key;
  return e.key === c.key && e.shiftKey === c.shift;
}

export function matchesShortcut(e: KeyboardEvent, s: Shortcut): boolean {
  return [s.keys, ...(s.altKeys ?? [])].some((k) => matchesCombo(e, k));
}
