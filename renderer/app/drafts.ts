/**
 * Keeps a clerk's typed, unsaved form input across the idle lock, in memory only.
 *
 * While a form is on screen it registers a getter (useFormDraft). When the screen locks, captureDrafts() copies
 * every live form's values into a module-level Map, then the main layout unmounts and PHI stores are purged.
 * Drafts are never rendered while locked. After an unlock BY THE SAME USER the form (remounted on the same route)
 * takes its draft back. A different user signing in, or a sign-out, discards all drafts.
 */
import { useEffect } from 'react';
import type { FieldValues, UseFormReturn } from 'react-hook-form';

const drafts = new Map<string, unknown>();
const live = new Map<string, () => unknown>();
let owner: string | null = null;

/** Call on sign-in/unlock with the signed-in user's id: a different user discards the drafts. */
export function setDraftOwner(userId: string | null): void {
  if (owner !== userId) drafts.clear();
  owner = userId;
}

export function clearAllDrafts(): void {
  drafts.clear();
  owner = null;
}

export function saveDraft(key: string, values: unknown): void {
  drafts.set(key, structuredClone(values));
}

/** Returns and removes a draft. */
export function takeDraft<T>(key: string): T | undefined {
  const d = drafts.get(key) as T | undefined;
  drafts.delete(key);
  return d;
}

export function hasDraft(key: string): boolean {
  return drafts.has(key);
}

export function clearDraft(key: string): void {
  drafts.delete(key);
}

/** Copies every live form's values into the draft map (called by the lock before unmounting the layout). */
export function captureDrafts(): void {
  for (const [key, get] of live) {
    try {
      const v = get();
      if (v !== undefined) saveDraft(key, v);
    } catch {
      /* a broken getter must not stop the lock */
    }
  }
}

export function draftCount(): number {
  return drafts.size;
}

/**
 * Binds a react-hook-form form to the draft keeper under `key` (e.g. `register` or `edit:<patientId>`):
 * restores a draft on mount (after an unlock), and offers its values to captureDrafts() while mounted. Call clearDraft(key) after a successful save.
 */
export function useFormDraft<T extends FieldValues>(key: string, form: Pick<UseFormReturn<T, unknown, unknown>, 'getValues' | 'reset'>): void {
  useEffect(() => {
    const d = takeDraft<T>(key);
    if (d !== undefined) {
      form.reset(d, { keepDefaultValues: true });
    }
    live.set(key, () => form.getValues());
    return () => {
      live.delete(key);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}
