/**
 * Draws PDF pages onto canvases with pdf.js (Mozilla's PDF renderer). Used for the preview and for printing.
 * Why not an <iframe>/<object> with the browser's PDF viewer: the app's CSP has frame-src/object-src 'none', the
 * Electron window has no PDF plugin, and headless Chromium (the e2e tests) has no viewer either; a canvas works in
 * all three. pdf.js runs in its own worker (worker-src 'self'), without eval, and draws our embedded fonts as paths
 * (no @font-face, which the CSP would refuse).
 */
import * as pdfjs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

export interface PdfHandle {
  pageCount: number;
  /** page size in points (first page; our documents use one size throughout) */
  widthPt: number;
  heightPt: number;
  /** draws page `n` (1-based) at `pxPerPt` onto a new canvas */
  render(n: number, pxPerPt: number): Promise<HTMLCanvasElement>;
  destroy(): Promise<void>;
}

export async function openPdf(bytes: Uint8Array): Promise<PdfHandle> {
  // pdf.js takes ownership of (transfers) the buffer it gets: hand it a copy
  const doc = await pdfjs.getDocument({ data: bytes.slice(), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  const first = await doc.getPage(1);
  const vp = first.getViewport({ scale: 1 });
  return {
    pageCount: doc.numPages,
    widthPt: vp.width,
    heightPt: vp.height,
    async render(n, pxPerPt) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: pxPerPt });
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(viewport.width);
      canvas.height = Math.ceil(viewport.height);
      await page.render({ canvas, viewport, background: '#ffffff' }).promise;
      return canvas;
    },
    destroy: () => doc.destroy(),
  };
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
