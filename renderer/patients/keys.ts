/**
 * Screen-local keys of the patient screens (listed in app/shortcuts.ts under their scope so F1 shows them).
 * One document listener while the screen is mounted; it never acts while the clerk types in a field (plain letters),
 * while a dialog is open, or on a key something else already handled.
 */
import { useEffect, useRef } from 'react';
import { isTypingTarget } from '../app/keyboard.js';
import { anyDialogOpen } from '../ui/Dialog.js';
import { matchesCombo } from '../app/shortcuts.js';

export type KeyMap = Record<string, (e: KeyboardEvent) => void>;

/**
 * `keys`: combo ("E", "H", "Alt+1") -> action. Plain-letter combos are ignored while typing.
 * `capture`: listen before anything else and keep the key to this screen (used for Ctrl+Enter = save: react-aria
 * buttons and selects stop the propagation of Enter, so a bubbling listener would miss it when one has focus).
 */
export function useScreenKeys(keys: KeyMap, opts: { capture?: boolean } = {}): void {
  const capture = opts.capture ?? false;
  const ref = useRef(keys);
  ref.current = keys;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing || e.repeat || anyDialogOpen()) return;
      for (const [combo, run] of Object.entries(ref.current)) {
        if (!matchesCombo(e, combo)) continue;
        const plain = !combo.includes('+');
        if (plain && isTypingTarget(e.target)) return;
        e.preventDefault();
        if (capture) e.stopPropagation();
        run(e);
        return;
      }
    };
    document.addEventListener('keydown', onKeyDown, { capture });
    return () => document.removeEventListener('keydown', onKeyDown, { capture });
  }, [capture]);
}
