/**
 * The drawing layer every printed document uses.
 *
 * PDF library: pdfkit (foliojs/pdfkit, maintained, MIT). It embeds and subsets TrueType fonts, measures text
 * (widthOfString) so a label can shrink/truncate a long name exactly, draws vector shapes (bars of a barcode, report
 * charts) and buffers pages (so "Page 3 of 7" can be written after the last page exists). pdf-lib was the other
 * candidate: it reads/edits PDFs well but has no text measurement/layout of its own and has not had a release
 * since 2021.
 *
 * Barcodes: bwip-js (a port of BWIPP, the reference barcode writer; maintained, MIT) encodes; we draw its bar/space
 * widths as vector rectangles, so the bars stay sharp at any printer resolution instead of a scaled bitmap.
 *
 * Everything happens in memory: a PDF is a Buffer handed back to the caller, never a file on disk.
 */
import PDFDocument from 'pdfkit';
import bwipjs from 'bwip-js';
import { printFonts } from './fonts.js';

export type Doc = PDFKit.PDFDocument;

export const PT_PER_IN = 72;
export const PT_PER_MM = 72 / 25.4;
/** Thermal label and wristband printers are 203 dpi: bar widths are whole printer dots so every bar prints alike. */
export const DOT_203 = PT_PER_IN / 203;
export const ELLIPSIS = '…';

/** What a test (or a preview) can learn about where things were drawn, in page coordinates (points, top-left origin). */
export interface DrawnText {
  text: string;
  /** the text it was asked to draw (before shrink/truncate) */
  requested: string;
  size: number;
  bold: boolean;
  page: number;
  box: Box;
  truncated: boolean;
}
export interface DrawnBarcode {
  symbology: 'code128';
  text: string;
  page: number;
  /** the bars only (no quiet zone) */
  box: Box;
  /** incl. the quiet zones (10 modules each side) */
  boxWithQuietZone: Box;
  moduleWidth: number;
  /** bar/space widths in modules, bar first (from bwip-js) */
  sbs: number[];
}
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Probe {
  text?(t: DrawnText): void;
  barcode?(b: DrawnBarcode): void;
}

export class PrintLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrintLayoutError';
  }
}

export interface NewDocOptions {
  /** page size in points */
  size: [number, number];
  title: string;
  /** margins pdfkit uses for flowing text (reports); labels position everything themselves */
  margin?: number;
  bufferPages?: boolean;
  /** document date (kept in the PDF info); defaults to now */
  createdAt?: Date;
}

/** A new document with the embedded fonts registered as 'R' and 'B'. The first page is added by the caller. */
export function newDoc(opts: NewDocOptions): Doc {
  const fonts = printFonts();
  const doc = new PDFDocument({
    size: opts.size,
    margin: opts.margin ?? 0,
    autoFirstPage: false,
    bufferPages: opts.bufferPages ?? false,
    // A Buffer works at run time (pdfkit passes it to fontkit); the typings only know file names.
    font: fonts.regular as unknown as string,
    info: { Title: opts.title, Author: 'AccessDesk', Creator: 'AccessDesk', Producer: 'AccessDesk', CreationDate: opts.createdAt ?? new Date() },
    pdfVersion: '1.7',
  });
  doc.registerFont('R', fonts.regular);
  doc.registerFont('B', fonts.bold);
  return doc;
}

/** Ends the document and collects it into one Buffer. */
export function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

export interface FitOptions {
  size: number;
  /** shrink down to this size before truncating (default: size, i.e. truncate only) */
  minSize?: number;
  bold?: boolean;
}

/** Measures `text` at a size with a font. */
export function textWidth(doc: Doc, text: string, size: number, bold = false): number {
  return doc.font(bold ? 'B' : 'R').fontSize(size).widthOfString(text);
}

/**
 * Fits one line into `maxWidth`: the largest size from `size` down to `minSize` (in 0.25 pt steps) at which the whole
 * text fits; if even `minSize` is too wide, the text is cut at `minSize` and ends with an ellipsis. Never wider than
 * `maxWidth`.
 */
export function fitLine(doc: Doc, text: string, maxWidth: number, o: FitOptions): { text: string; size: number; width: number; truncated: boolean } {
  const min = Math.min(o.minSize ?? o.size, o.size);
  const clean = text.replace(/[\t\n\r\u2028\u2029]+/g, ' ').trim();
  for (let s = o.size; s >= min - 1e-9; s -= 0.25) {
    const w = textWidth(doc, clean, s, o.bold);
    if (w <= maxWidth) return { text: clean, size: s, width: w, truncated: false };
  }
  // truncate at the minimum size: longest prefix (by code points) + ellipsis that fits
  const chars = Array.from(clean);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const t = chars.slice(0, mid).join('').trimEnd() + ELLIPSIS;
    if (textWidth(doc, t, min, o.bold) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  const t = lo > 0 ? chars.slice(0, lo).join('').trimEnd() + ELLIPSIS : textWidth(doc, ELLIPSIS, min, o.bold) <= maxWidth ? ELLIPSIS : '';
  return { text: t, size: min, width: textWidth(doc, t, min, o.bold), truncated: true };
}

/** Line height of the embedded font at a size. */
export function lineHeight(doc: Doc, size: number, bold = false): number {
  return doc.font(bold ? 'B' : 'R').fontSize(size).currentLineHeight(true);
}

/**
 * A drawing surface on the current page, optionally rotated 90° (wristbands: we lay out a long, low band and the
 * surface turns it onto a tall, narrow page). Reports drawn positions to a probe in page coordinates.
 */
export class Surface {
  page = 0;
  constructor(
    readonly doc: Doc,
    /** layout size (for a rotated surface: length x width of the band) */
    readonly width: number,
    readonly height: number,
    readonly rotated: boolean,
    readonly probe?: Probe,
  ) {}

  /** Starts a new page; for a rotated surface the page is height x width and the layout turned 90° clockwise. */
  addPage(): void {
    const pageSize: [number, number] = this.rotated ? [this.height, this.width] : [this.width, this.height];
    this.doc.addPage({ size: pageSize, margin: 0 });
    this.page++;
    if (this.rotated) {
      // layout (u, v) -> page (height - v, u): the band's text runs down the page, its top toward the right edge.
      this.doc.translate(this.height, 0).rotate(90);
    }
  }

  /** Layout box -> page box. */
  toPage(b: Box): Box {
    if (!this.rotated) return b;
    return { x: this.height - b.y - b.h, y: b.x, w: b.h, h: b.w };
  }

  /**
   * One line of text with its top-left at (x, y), fitted into maxWidth (shrink, then truncate with an ellipsis).
   * align 'right' puts its right edge at x + maxWidth, 'center' centres it. Returns the drawn width and height.
   */
  text(s: string, x: number, y: number, maxWidth: number, o: FitOptions & { align?: 'left' | 'right' | 'center'; color?: string }): { width: number; height: number; size: number } {
    const fit = fitLine(this.doc, s, maxWidth, o);
    const h = lineHeight(this.doc, fit.size, o.bold);
    if (!fit.text) return { width: 0, height: h, size: fit.size };
    const dx = o.align === 'right' ? maxWidth - fit.width : o.align === 'center' ? (maxWidth - fit.width) / 2 : 0;
    this.doc
      .font(o.bold ? 'B' : 'R')
      .fontSize(fit.size)
      .fillColor(o.color ?? '#000000')
      .text(fit.text, x + dx, y, { lineBreak: false });
    this.probe?.text?.({ text: fit.text, requested: s, size: fit.size, bold: Boolean(o.bold), page: this.page, box: this.toPage({ x: x + dx, y, w: fit.width, h }), truncated: fit.truncated });
    return { width: fit.width, height: h, size: fit.size };
  }

  rect(b: Box, color: string): void {
    this.doc.rect(b.x, b.y, b.w, b.h).fill(color);
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5, color = '#000000'): void {
    this.doc.moveTo(x1, y1).lineTo(x2, y2).lineWidth(width).strokeColor(color).stroke();
  }

  /**
   * A Code 128 barcode (bars `height` tall) centred in [x, x + maxWidth] including its quiet zones. The module width
   * is a whole number of 203-dpi printer dots: 3 dots (~0.37 mm) if it fits, else 2 (~0.25 mm, still above the
   * usual 7.5 mil minimum). Refuses (PrintLayoutError) rather than print a barcode too dense to scan.
   */
  code128(text: string, x: number, y: number, maxWidth: number, height: number): DrawnBarcode {
    const sbs = code128Bars(text);
    const modules = sbs.reduce((a, b) => a + b, 0);
    const quiet = 10;
    let mw = 0;
    for (const dots of [3, 2]) {
      if ((modules + 2 * quiet) * dots * DOT_203 <= maxWidth) {
        mw = dots * DOT_203;
        break;
      }
    }
    if (!mw) throw new PrintLayoutError('The barcode text is too long to print readably on this label.');
    const total = (modules + 2 * quiet) * mw;
    const x0 = x + (maxWidth - total) / 2 + quiet * mw;
    let cx = x0;
    sbs.forEach((w, i) => {
      if (i % 2 === 0) this.doc.rect(cx, y, w * mw, height);
      cx += w * mw;
    });
    this.doc.fill('#000000');
    const bars: DrawnBarcode = {
      symbology: 'code128',
      text,
      page: this.page,
      box: this.toPage({ x: x0, y, w: modules * mw, h: height }),
      boxWithQuietZone: this.toPage({ x: x0 - quiet * mw, y, w: total, h: height }),
      moduleWidth: mw,
      sbs,
    };
    this.probe?.barcode?.(bars);
    return bars;
  }
}

/** Bar/space widths (in modules, bar first) of `text` as Code 128, from bwip-js (it picks code sets A/B/C itself). */
export function code128Bars(text: string): number[] {
  const r = bwipjs.raw('code128', text, {}) as Array<{ sbs?: number[] }>;
  const sbs = r[0]?.sbs;
  if (!sbs || sbs.length === 0) throw new PrintLayoutError('The barcode could not be made.');
  return sbs;
}
