/**
 * Reads a generated PDF back for the print tests with pdf.js (the same library the preview uses): page sizes in
 * points and every text item with its position and width in page coordinates (top-left origin, y down, like pdfkit).
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface ReadItem {
  str: string;
  /** start of the text run (page coordinates, y down) */
  x: number;
  y: number;
  /** advance of the run along its baseline */
  width: number;
  /** unit vector of the baseline direction (1,0) = left-to-right, (0,1) = running down the page */
  dir: [number, number];
  fontSize: number;
}
export interface ReadPage {
  width: number;
  height: number;
  items: ReadItem[];
  text: string;
}

export async function readPdf(pdf: Uint8Array): Promise<{ pages: ReadPage[]; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  const pages: ReadPage[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const vp = page.getViewport({ scale: 1 });
    const [, , w, h] = page.view as [number, number, number, number];
    const tc = await page.getTextContent();
    const items: ReadItem[] = [];
    for (const it of tc.items) {
      if (!('str' in it) || it.str === '') continue;
      const [a, b, , , e, f] = it.transform as [number, number, number, number, number, number];
      const scale = Math.hypot(a, b);
      // PDF space (y up) -> page space (y down)
      items.push({ str: it.str, x: e, y: vp.height - f, width: it.width, dir: [a / scale, -b / scale], fontSize: scale });
    }
    pages.push({ width: w, height: h, items, text: items.map((x) => x.str).join(' ') });
  }
  await doc.destroy();
  return { pages, text: pages.map((p) => p.text).join('\n') };
}

/** The end point of a text run along its baseline. */
export function runEnd(it: ReadItem): { x: number; y: number } {
  return { x: it.x + it.dir[0] * it.width, y: it.y + it.dir[1] * it.width };
}
