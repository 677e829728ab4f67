/**
 * Sends a PDF to a printer from the renderer. The pages are drawn at printer resolution (pdf.js), put in a print-only
 * element with an @page rule of exactly the media size and no margins, and then:
 *  - in Electron, main prints this window with webContents.print at that page size ('print.osPrint': the OS dialog);
 *  - in a browser (the web host), window.print() opens the browser's print dialog.
 * The print element and its images are removed right after; nothing is written to disk.
 */
import { api } from '../api/client.js';
import type { PdfHandle } from './pdf-pages.js';

const ROOT_ID = 'ad-print-root';
const STYLE_ID = 'ad-print-style';

/** Dots per point: 300 dpi for labels/bands/receipts, 200 dpi for Letter pages (memory). */
function pxPerPt(h: PdfHandle): number {
  return (h.widthPt > 4 * 72 && h.heightPt > 4 * 72 ? 200 : 300) / 72;
}

export function cleanupPrintView(): void {
  const root = document.getElementById(ROOT_ID);
  root?.querySelectorAll('img').forEach((img) => URL.revokeObjectURL(img.src));
  root?.remove();
  document.getElementById(STYLE_ID)?.remove();
}

/** Builds the print-only view of every page; resolves when the images are decoded. Exported for the e2e test. */
export async function buildPrintView(h: PdfHandle): Promise<HTMLElement> {
  cleanupPrintView();
  const w = h.widthPt;
  const ht = h.heightPt;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent =
    `@page { size: ${w}pt ${ht}pt; margin: 0; }\n` +
    `#${ROOT_ID} { display: none; }\n` +
    `@media print {\n` +
    `  body > *:not(#${ROOT_ID}) { display: none !important; }\n` +
    `  html, body { margin: 0 !important; padding: 0 !important; background: #fff !important; }\n` +
    `  #${ROOT_ID} { display: block; }\n` +
    `  #${ROOT_ID} img { display: block; width: ${w}pt; height: ${ht}pt; break-after: page; }\n` +
    `  #${ROOT_ID} img:last-child { break-after: auto; }\n` +
    `}\n`;
  document.head.appendChild(style);
  const root = document.createElement('div');
  root.id = ROOT_ID;
  root.setAttribute('aria-hidden', 'true');
  document.body.appendChild(root);
  const scale = pxPerPt(h);
  for (let n = 1; n <= h.pageCount; n++) {
    const canvas = await h.render(n, scale);
    const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas'))), 'image/png'));
    const img = document.createElement('img');
    img.alt = '';
    img.dataset.widthPt = String(w);
    img.dataset.heightPt = String(ht);
    img.src = URL.createObjectURL(blob);
    root.appendChild(img);
    await img.decode();
  }
  return root;
}

/** Prints the document; returns what happened ('browser' = the browser's own print dialog was used). */
export async function printPdf(h: PdfHandle): Promise<'printed' | 'cancelled' | 'browser' | 'failed'> {
  await buildPrintView(h);
  try {
    const { outcome } = await api.call('print.osPrint', { widthPt: h.widthPt, heightPt: h.heightPt, landscape: false });
    if (outcome === 'browser') window.print();
    return outcome;
  } finally {
    // window.print() blocks until its dialog closes (Chromium); the Electron call resolves after the job is spooled
    cleanupPrintView();
  }
}

/** "Save PDF": an explicit download of the bytes the clerk is looking at. */
export function savePdf(bytes: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/pdf' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
