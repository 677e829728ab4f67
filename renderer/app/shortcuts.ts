/**
 * Every global key, in one list: the keyboard layer binds these and the help overlay (F1) shows them.
 * Screen-local keys are listed by each screen in its own footer hint and registered here under `scope`.
 */
export interface Shortcut {
  id: string;
  /** as shown to the clerk, e.g. "Alt+S" */
  keys: string;
  label: string;
  scope: 'global' | 'search' | 'form' | 'patient' | 'list';
}

export const SHORTCUTS: Shortcut[] = [
  { id: 'search', keys: 'Alt+S', label: 'Find a patient (search box)', scope: 'global' },
  { id: 'search-slash', keys: '/', label: 'Find a patient (when not typing)', scope: 'global' },
  { id: 'register', keys: 'Alt+N', label: 'Register a new patient', scope: 'global' },
  { id: 'palette', keys: 'Ctrl+K', label: 'Command palette', scope: 'global' },
  { id: 'help', keys: 'F1', label: 'Show all keys', scope: 'global' },
  { id: 'lock', keys: 'Alt+L', label: 'Lock the screen', scope: 'global' },
  { id: 'back', keys: 'Esc', label: 'Back / close', scope: 'global' },
  { id: 'results', keys: '↑ ↓', label: 'Move through results', scope: 'search' },
  { id: 'open', keys: 'Enter', label: 'Open the highlighted patient', scope: 'search' },
  { id: 'save', keys: 'Ctrl+Enter', label: 'Save the form', scope: 'form' },
  { id: 'edit', keys: 'E', label: 'Edit this patient', scope: 'patient' },
  { id: 'history', keys: 'H', label: 'Change history of this patient', scope: 'patient' },
];
