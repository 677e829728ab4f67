/**
 * A generic report PDF (the EOD reconciliation and any later report): title block, sections of key figures, tables
 * (column alignment, money formatting, totals row, page breaks with the header row repeated), simple vertical bar
 * charts drawn as vector shapes, text paragraphs, explicit page breaks; a running header on continuation pages and
 * "Page i of n" on every page. Letter, portrait or landscape.
 */
import { reportDocumentSchema, type ReportDocument, type ReportDocumentParsed, type PrintedPdf, type ValueFormat, type Cell } from '../../shared/print/documents.js';
import { formatCell, formatCents, formatInt, siteDateTime } from '../../shared/print/format.js';
import { finish, fitLine, lineHeight, newDoc, PT_PER_IN, Surface, textWidth, type Doc, type Probe } from './pdf.js';

type Parsed<K extends ReportDocumentParsed['sections'][number]['kind']> = Extract<ReportDocumentParsed['sections'][number], { kind: K }>;

const MARGIN = 0.6 * PT_PER_IN;
const FOOTER_H = 18;
const BODY = 8.5;
const INK = '#000000';
const MUTED = '#555555';
const RULE = '#888888';
const SHADE = '#eeeeee';
const BAR = '#35598f';

/** Greedy word wrap with the embedded font (long words are broken). */
export function wrapLines(doc: Doc, text: string, width: number, size: number, bold = false): string[] {
  const out: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const cand = line ? `${line} ${word}` : word;
      if (textWidth(doc, cand, size, bold) <= width) {
        line = cand;
        continue;
      }
      if (line) out.push(line);
      line = word;
      while (textWidth(doc, line, size, bold) > width && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && textWidth(doc, line.slice(0, cut), size, bold) > width) cut--;
        out.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    out.push(line);
  }
  return out;
}

/** A round number >= v for a chart's axis (1, 2, 2.5, 5 x 10^n). */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function axisLabel(v: number, format: ValueFormat): string {
  if (format === 'money') return formatCents(Math.round(v)).replace(/\.00$/, '');
  if (format === 'percent') return `${Math.round(v)}%`;
  return formatInt(v);
}

class ReportWriter {
  readonly s: Surface;
  y = 0;
  readonly left = MARGIN;
  readonly right: number;
  readonly bottom: number;
  readonly width: number;
  constructor(
    readonly doc: Doc,
    readonly r: ReportDocumentParsed,
    readonly pageW: number,
    readonly pageH: number,
    probe?: Probe,
  ) {
    this.s = new Surface(doc, pageW, pageH, false, probe);
    this.right = pageW - MARGIN;
    this.bottom = pageH - MARGIN - FOOTER_H;
    this.width = this.right - this.left;
  }

  newPage(first = false): void {
    this.s.addPage();
    this.y = MARGIN;
    if (first) {
      if (this.r.siteName) this.y += this.s.text(this.r.siteName, this.left, this.y, this.width, { size: 9, color: MUTED }).height;
      this.y += this.s.text(this.r.title, this.left, this.y, this.width, { size: 16, minSize: 11, bold: true }).height;
      if (this.r.subtitle) this.y += this.s.text(this.r.subtitle, this.left, this.y, this.width, { size: 10, minSize: 7 }).height;
      this.y += this.s.text(`Generated ${siteDateTime(this.r.generatedAt, this.r.timeZone, { withZone: true })}`, this.left, this.y, this.width, { size: 8, color: MUTED }).height;
      this.y += 4;
      this.s.line(this.left, this.y, this.right, this.y, 1);
      this.y += 10;
    } else {
      this.y += this.s.text(`${this.r.title}${this.r.subtitle ? ` · ${this.r.subtitle}` : ''} (continued)`, this.left, this.y, this.width, { size: 8, color: MUTED }).height;
      this.y += 6;
    }
  }

  /** Room for `h` more points on this page, else a new page. Returns true when a page was added. */
  ensure(h: number): boolean {
    if (this.y + h <= this.bottom) return false;
    this.newPage();
    return true;
  }

  sectionTitle(t: string): void {
    if (!t) return;
    const h = lineHeight(this.doc, 11, true);
    this.ensure(h + 30); // keep a title with at least a little of its content
    this.y += this.s.text(t, this.left, this.y, this.width, { size: 11, minSize: 8, bold: true }).height + 3;
  }

  figures(sec: Parsed<'figures'>): void {
    this.sectionTitle(sec.title);
    const perRow = Math.max(1, Math.min(4, sec.items.length));
    const gapX = 8;
    const tileW = (this.width - gapX * (perRow - 1)) / perRow;
    const tileH = 42;
    for (let i = 0; i < sec.items.length; i += perRow) {
      this.ensure(tileH + 6);
      sec.items.slice(i, i + perRow).forEach((it, j) => {
        const x = this.left + j * (tileW + gapX);
        this.doc.rect(x, this.y, tileW, tileH).fill(SHADE);
        this.s.text(it.label, x + 6, this.y + 4, tileW - 12, { size: 7.5, minSize: 6, color: MUTED });
        this.s.text(formatCell(it.value, it.format), x + 6, this.y + 14, tileW - 12, { size: 13, minSize: 8, bold: true });
        if (it.note) this.s.text(it.note, x + 6, this.y + 30, tileW - 12, { size: 6.5, minSize: 5.5, color: MUTED });
      });
      this.y += tileH + 6;
    }
    this.y += 8;
  }

  table(sec: Parsed<'table'>): void {
    this.sectionTitle(sec.title);
    const cols = sec.columns;
    const totalW = cols.reduce((a, c) => a + c.width, 0);
    const widths = cols.map((c) => (c.width / totalW) * this.width);
    const pad = 3;
    const rowH = lineHeight(this.doc, BODY) + 4;
    const alignOf = (c: (typeof cols)[number]) => c.align ?? (c.format === 'text' ? 'left' : 'right');
    const header = () => {
      this.doc.rect(this.left, this.y, this.width, rowH).fill(SHADE);
      let x = this.left;
      cols.forEach((c, i) => {
        const w = widths[i]!;
        this.s.text(c.header, x + pad, this.y + 2, w - 2 * pad, { size: BODY - 0.5, minSize: 6, bold: true, align: alignOf(c) });
        x += w;
      });
      this.y += rowH;
      this.s.line(this.left, this.y, this.right, this.y, 0.8, INK);
    };
    const row = (cells: Record<string, Cell>, bold: boolean) => {
      let x = this.left;
      cols.forEach((c, i) => {
        const w = widths[i]!;
        this.s.text(formatCell(cells[c.key], c.format), x + pad, this.y + 2, w - 2 * pad, { size: BODY, minSize: 6.5, bold, align: alignOf(c) });
        x += w;
      });
      this.y += rowH;
    };
    this.ensure(rowH * 3);
    header();
    if (sec.rows.length === 0) {
      this.y += this.s.text(sec.emptyText, this.left + pad, this.y + 2, this.width, { size: BODY, color: MUTED }).height + 4;
    }
    sec.rows.forEach((cells, i) => {
      if (this.ensure(rowH)) {
        if (sec.title) this.y += this.s.text(`${sec.title} (continued)`, this.left, this.y, this.width, { size: 9, bold: true }).height + 2;
        header();
      }
      if (i % 2 === 1) this.doc.rect(this.left, this.y, this.width, rowH).fill('#f7f7f7');
      row(cells, false);
      this.s.line(this.left, this.y, this.right, this.y, 0.25, '#cccccc');
    });
    if (sec.totals) {
      if (this.ensure(rowH + 2)) header();
      this.s.line(this.left, this.y, this.right, this.y, 0.8, INK);
      this.y += 1;
      row(sec.totals, true);
    }
    this.y += 12;
  }

  chart(sec: Parsed<'bar-chart'>): void {
    const chartH = 150;
    this.sectionTitle(sec.title);
    this.ensure(chartH + 10);
    const axisW = 54;
    const labelH = 12;
    const plotX = this.left + axisW;
    const plotW = this.width - axisW;
    const plotTop = this.y + 10;
    const plotH = chartH - labelH - 10;
    const base = plotTop + plotH;
    const max = niceMax(Math.max(...sec.bars.map((b) => b.value)));
    for (let k = 0; k <= 4; k++) {
      const v = (max * k) / 4;
      const gy = base - (plotH * k) / 4;
      this.s.line(plotX, gy, plotX + plotW, gy, k === 0 ? 0.8 : 0.3, k === 0 ? INK : '#bbbbbb');
      this.s.text(axisLabel(v, sec.format), this.left, gy - 4.5, axisW - 5, { size: 6.5, minSize: 5, align: 'right', color: MUTED });
    }
    const slot = plotW / sec.bars.length;
    const barW = Math.max(1, slot * 0.7);
    sec.bars.forEach((b, i) => {
      const h = max > 0 ? (b.value / max) * plotH : 0;
      const x = plotX + i * slot + (slot - barW) / 2;
      if (h > 0) this.doc.rect(x, base - h, barW, h).fill(BAR);
      const val = formatCell(b.value, sec.format);
      const fit = fitLine(this.doc, val, slot - 1, { size: 6.5, minSize: 5 });
      if (b.value > 0 && !fit.truncated) this.s.text(val, plotX + i * slot, base - h - 9, slot, { size: fit.size, align: 'center' });
      this.s.text(b.label, plotX + i * slot, base + 2, slot, { size: 6.5, minSize: 5, align: 'center', color: MUTED });
    });
    this.y += chartH + 12;
  }

  paragraphs(sec: Parsed<'text'>): void {
    this.sectionTitle(sec.title);
    const lh = lineHeight(this.doc, BODY);
    for (const p of sec.paragraphs) {
      for (const line of wrapLines(this.doc, p, this.width, BODY)) {
        this.ensure(lh);
        this.y += this.s.text(line, this.left, this.y, this.width, { size: BODY }).height;
      }
      this.y += 4;
    }
    this.y += 8;
  }

  footers(): number {
    const range = this.doc.bufferedPageRange();
    const n = range.count;
    const title = this.r.title;
    for (let i = 0; i < n; i++) {
      this.doc.switchToPage(range.start + i);
      this.s.page = i + 1;
      const fy = this.pageH - MARGIN - 9;
      this.s.line(this.left, fy - 3, this.right, fy - 3, 0.4, RULE);
      this.s.text(`${this.r.siteName ? `${this.r.siteName} · ` : ''}${title}`, this.left, fy, this.width * 0.7, { size: 7, minSize: 6, color: MUTED });
      this.s.text(`Page ${i + 1} of ${n}`, this.left + this.width * 0.7, fy, this.width * 0.3, { size: 7, align: 'right', color: MUTED });
    }
    return n;
  }
}

/** A report document as a PDF (Letter). */
export async function renderReport(input: ReportDocument, opts: { probe?: Probe } = {}): Promise<PrintedPdf> {
  const r = reportDocumentSchema.parse(input);
  const [pageW, pageH] = r.orientation === 'landscape' ? [11 * PT_PER_IN, 8.5 * PT_PER_IN] : [8.5 * PT_PER_IN, 11 * PT_PER_IN];
  const doc = newDoc({ size: [pageW, pageH], title: r.title, bufferPages: true, createdAt: new Date(r.generatedAt) });
  const w = new ReportWriter(doc, r, pageW, pageH, opts.probe);
  w.newPage(true);
  for (const sec of r.sections) {
    switch (sec.kind) {
      case 'figures':
        w.figures(sec);
        break;
      case 'table':
        w.table(sec);
        break;
      case 'bar-chart':
        w.chart(sec);
        break;
      case 'text':
        w.paragraphs(sec);
        break;
      case 'page-break':
        w.newPage();
        break;
    }
  }
  const pageCount = w.footers();
  return { fileName: `${r.fileStem}.pdf`, pdf: await finish(doc), pageCount };
}
