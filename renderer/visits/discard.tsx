/**
 * "The clerk's typed input is never lost" for the visits dialogs: Esc (or Close / Cancel) on a dialog whose form has
 * typed input asks "Discard what you typed?" with Keep editing focused — the same question as the patient forms
 * (renderer/patients/FormScreens.tsx). A clean dialog closes at once.
 *
 *   const guard = useDiscardGuard(() => isDirty(), () => { clearDraft(key); close(); });
 *   <Dialog onClose={guard.requestClose} ...>...</Dialog>
 *   {guard.confirm}
 *
 * The board's form dialogs (book, reschedule, undo, cancel) are all the same frame — the guard, the error banner,
 * Ctrl+Enter from any field, the submit button and the Esc button that asks before discarding — so they use one
 * GuardedFormDialog around their fields:
 *
 *   <GuardedFormDialog title="…" label="Reschedule" isDirty={() => differs(form.getValues(), defaults)} onClose={close}
 *     onSubmit={submit} error={error} submitLabel="Reschedule" keepLabel="Keep it">{fields}</GuardedFormDialog>
 */
import { useState, type ReactNode } from 'react';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { AppForm } from '../ui/form.js';
import { ctrlEnterCapture } from './format.js';

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

export interface GuardedFormDialogProps {
  title: string;
  className?: string;
  /** the form's accessible name */
  label: string;
  /** whether closing would lose typed input (then Esc / the keep button asks first) */
  isDirty: () => boolean;
  onClose: () => void;
  onSubmit: () => Promise<void>;
  error: string | null;
  submitLabel: ReactNode;
  submitVariant?: 'primary' | 'danger';
  submitShortcut?: string;
  /** the Esc button, e.g. "Keep it" or "Cancel" */
  keepLabel: string;
  /** after the buttons, e.g. a hint */
  footerNote?: ReactNode;
  children: ReactNode;
}

export function GuardedFormDialog({ title, className, label, isDirty, onClose, onSubmit, error, submitLabel, submitVariant = 'primary', submitShortcut = 'Enter', keepLabel, footerNote, children }: GuardedFormDialogProps) {
  const guard = useDiscardGuard(isDirty, onClose);
  return (
    <>
      <Dialog isOpen onClose={guard.requestClose} title={title} className={className}>
        {error && <Banner tone="error">{error}</Banner>}
        <div onKeyDownCapture={ctrlEnterCapture(() => void onSubmit())}>
          <AppForm onSubmit={() => void onSubmit()} label={label}>
            {children}
            <div className="ad-form-actions">
              <Button type="submit" variant={submitVariant} shortcut={submitShortcut}>
                {submitLabel}
              </Button>
              <Button variant="quiet" shortcut="Esc" onPress={guard.requestClose}>
                {keepLabel}
              </Button>
              {footerNote}
            </div>
          </AppForm>
        </div>
      </Dialog>
      {guard.confirm}
    </>
  );
}
