/**
 * "The clerk's typed input is never lost" for the visits dialogs: Esc (or Close / Cancel) on a dialog whose form has
 * typed input asks "Discard what you typed?" with Keep editing focused — the same question as the patient forms
 * (renderer/patients/FormScreens.tsx). A clean dialog closes at once.
 *
 *   const guard = useDiscardGuard(() => isDirty(), () => { clearDraft(key); close(); });
 *   <Dialog onClose={guard.requestClose} ...>...</Dialog>
 *   {guard.confirm}
 */
import { useState, type ReactNode } from 'react';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';

/** Compared by value: react-hook-form's formState.isDirty is only tracked when read during render. */
export function differs(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

export function useDiscardGuard(isDirty: () => boolean, discard: () => void): { requestClose: () => void; confirm: ReactNode } {
  const [asking, setAsking] = useState(false);
  const requestClose = () => (isDirty() ? setAsking(true) : discard());
  const confirm = asking ? (
    <Dialog isOpen onClose={() => setAsking(false)} title="Discard what you typed?" role="alertdialog" hideClose>
      <p>What you typed here is not saved. Discarding it cannot be undone.</p>
      <div className="ad-form-actions">
        <Button variant="primary" autoFocus shortcut="Esc" onPress={() => setAsking(false)}>
          Keep editing
        </Button>
        <Button
          variant="danger"
          onPress={() => {
            setAsking(false);
            discard();
          }}
        >
          Discard
        </Button>
      </div>
    </Dialog>
  ) : null;
  return { requestClose, confirm };
}
