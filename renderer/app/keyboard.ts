/**
 * The global keyboard layer: ONE keydown listener on the document, reading SHORTCUTS (via commands.ts).
 * - Keys with modifiers (Alt+S, Ctrl+K, F1) work everywhere, also while typing in a field.
 * - Printable keys ("/", "?") act only when the focus is not in a text field.
 * - While a dialog is open the layer steps aside (the dialog owns Esc, Tab and its own keys).
 * - Esc goes back (nav.back) unless a screen registered an escape guard that handles it
 *   (e.g. a form with unsaved input asking first).
 */
import { useEffect } from 'react';
import { globalBindings } from './commands.js';
import { matchesShortcut } from './shortcuts.js';
import { anyDialogOpen } from '../ui/Dialog.js';
import { useSession } from './session.js';

const escapeGuards = new Set<() => boolean>();

/** A guard returns true when it handled Esc itself (then the layer does not go back). */
export function registerEscapeGuard(guard: () => boolean): () => void {
  escapeGuards.add(guard);
  return () => escapeGuards.delete(guard);
}

export function isTypingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  if (t instanceof HTMLTextAreaElement) return true;
  if (t instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(t.type);
  return t.getAttribute('role') === 'combobox' || t.getAttribute('role') === 'textbox';
}

/** Mount once, at the app root. Only the main layout (phase 'ready') has global commands; F1 help works always. */
export function useGlobalKeys(): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const phase = useSession.getState().phase;
      if (anyDialogOpen()) return;
      for (const { shortcut, run } of globalBindings()) {
        if (!matchesShortcut(e, shortcut)) continue;
        if (phase !== 'ready' && shortcut.id !== 'help') return;
        if (shortcut.notWhileTyping && isTypingTarget(e.target)) return;
        if (shortcut.id === 'help' && e.key === '?' && isTypingTarget(e.target)) return;
        if (shortcut.adminOnly && !useSession.getState().isAdmin()) return;
        if (shortcut.supervisorOnly && !['supervisor', 'administrator'].includes(useSession.getState().user?.role ?? '')) return;
        if (shortcut.id === 'back') {
          for (const g of escapeGuards) if (g()) return e.preventDefault();
        }
        e.preventDefault();
        run();
        return;
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
