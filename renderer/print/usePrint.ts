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
  job: (PrintJob & { seq: number }) | null;
}

export const usePrintStore = create<PrintState>(() => ({ job: null }));
let seq = 0;

registerPhiStore(() => usePrintStore.setState({ job: null }, true));

export function openPrint(job: PrintJob): void {
  usePrintStore.setState({ job: { ...job, seq: ++seq } });
}

export function closePrint(): void {
  usePrintStore.setState({ job: null });
}

export function usePrint(): { open: (job: PrintJob) => void; close: () => void } {
  return { open: openPrint, close: closePrint };
}
