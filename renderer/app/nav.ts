import { create } from 'zustand';

/** Screens of the desk app. Patient screens take the patient's id; nothing else about a patient goes in a route. */
export type Route =
  | { name: 'search' }
  | { name: 'patient'; id: string }
  | { name: 'register' }
  | { name: 'edit'; id: string }
  | { name: 'history'; id: string }
  | { name: 'users' }
  | { name: 'audit' }
  | { name: 'settings' }
  | { name: 'import-appointments' }
  | { name: 'review' }
  | { name: 'board' }
  | { name: 'visits-admin' }
  | { name: 'drawer' }
  | { name: 'eod' };

interface NavState {
  route: Route;
  stack: Route[];
  go(r: Route): void;
  /** Esc: back to the previous screen (search is the root). */
  back(): void;
  reset(): void;
}

export const useNav = create<NavState>((set, get) => ({
  route: { name: 'search' },
  stack: [],
  go: (r) => set({ route: r, stack: [...get().stack, get().route].slice(-20) }),
  back: () => {
    const stack = [...get().stack];
    const prev = stack.pop() ?? { name: 'search' };
    set({ route: prev, stack });
  },
  reset: () => set({ route: { name: 'search' }, stack: [] }),
}));
