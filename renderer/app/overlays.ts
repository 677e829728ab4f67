import { create } from 'zustand';

/** Which shell overlay is open: the command palette (Ctrl+K) or the help overlay (F1). */
export const useOverlays = create<{ palette: boolean; help: boolean; open(which: 'palette' | 'help'): void; close(): void }>((set) => ({
  palette: false,
  help: false,
  open: (which) => set({ palette: which === 'palette', help: which === 'help' }),
  close: () => set({ palette: false, help: false }),
}));
