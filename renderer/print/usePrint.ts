/**
 * Open the print preview from any screen:
 *
 *   const print = usePrint();
 *   print.open({ title: 'Patient label', load: () => api.call('print.patientLabel', { patientId, format: 'label', copies: 1 }) });
 *
 * `load` returns { fileName, pdfBase64 } (any API method whose output is printedPdfSchema). The preview dialog is
 * rendered once by <PrintHost /> (in the main layout). The PDF is PHI: it lives in this store only while the dialog
 * is open and is purged on lock/sign-out.
 */
import { create } from 'zustand';
import { registerPhiStore } from '../app/phi.js';

export interface PrintJob {
  title: string;
  load: () => Promise<{ fileName: string; pdfBase64: string }>;
}

interface PrintState {
  /** `opener`: what had the focus when the preview was asked for (the focus goes back there when it closes) */
  job: (PrintJob & { seq: number; opener: HTMLElement | null }) | null;
}

export const usePrintStore = create<PrintState>(() => ({ job: null }));
let seq = 0;

registerPhiStore(() => usePrintStore.setState({ job: null }, true));

export function openPrint(job: PrintJob): void {
  const active = document.activeElement;
  const opener = active instanceof HTMLElement && active !== document.body ? active : null;
  usePrintStore.setState({ job: { ...job, seq: ++seq, opener } });
}

/**
 * Closes the preview; the focus goes back to what opened it. When that is gone (a payment dialog that closed itself
 * to show its receipt, a visit's details), it goes to the screen's focus home (`[data-focus-home]` in main, else its
 * heading), never to the page body.
 */
export function closePrint(): void {
  const opener = usePrintStore.getState().job?.opener ?? null;
  usePrintStore.setState({ job: null });
  // after the dialog's own focus restoration (react-aria's FocusScope restores on the next frame)
  requestAnimationFrame(() => requestAnimationFrame(() => restoreFocus(opener)));
}

function restoreFocus(opener: HTMLElement | null): void {
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) return;
  const candidates = [opener, document.querySelector<HTMLElement>('main [data-focus-home]'), document.querySelector<HTMLElement>('main h1[tabindex]'), document.querySelector<HTMLElement>('main h1')];
  for (const el of candidates) {
    if (!el || !el.isConnected || el.closest('[inert]')) continue;
    if (!el.hasAttribute('tabindex') && el.tabIndex < 0) el.setAttribute('tabindex', '-1');
    el.focus();
    if (document.activeElement === el) return;
  }
}

export function usePrint(): { open: (job: PrintJob) => void; close: () => void } {
  return { open: openPrint, close: closePrint };
}
