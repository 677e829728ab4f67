/**
 * Registry of renderer state that holds patient data (PHI). Every zustand store (or module cache) that keeps PHI
 * registers its reset here; the lock and sign-out call purgePhi() so no patient data stays in renderer memory.
 *
 *   const usePatientStore = create(...);
 *   registerPhiStore(() => usePatientStore.setState(initialState, true));
 */
const resets = new Set<() => void>();

/** Registers a reset; returns a function that unregisters it. */
export function registerPhiStore(reset: () => void): () => void {
  resets.add(reset);
  return () => resets.delete(reset);
}

/** Clears every registered PHI store. Never throws (one failing reset does not stop the others). */
export function purgePhi(): void {
  for (const r of resets) {
    try {
      r();
    } catch {
      /* keep purging the rest */
    }
  }
}

export function phiStoreCount(): number {
  return resets.size;
}
