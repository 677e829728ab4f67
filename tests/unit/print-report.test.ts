/**
 * Report PDFs read back: Letter pages, title block, key figures, money formatting, tables that break across pages
 * with their header row repeated, right-aligned money columns, vector bar charts (no images), "Page i of n".
 */
import { describe, expect, it } from 'vitest';
import { renderReport, type ReportDocument, type DrawnText } from '../../electron/print/index.js';
import { formatCents, formatCell, usDate, siteDateTime } from '../../shared/print/format.js';
import { niceMax, wrapLines } from '../../electron/print/report.js';
import { newDoc } from '../../electron/print/pdf.js';
import { readPdf, runEnd } from './print-read.js';

const rows = Array.from({ length: 90 }, (_, i) => ({ receipt: `D${1 + (i % 3)}-${String(100 + i).padStart(6, '0')}`, clerk: ['Carla Clerk', 'Dan Desk', 'Eve Evans'][i % 3]!, method: ['Cash', 'Card', 'Check'][i % 3]!, amount: 1500 + i * 137 }));
const total = rows.reduce((a, r) => a + r.amount, 0);

const doc: ReportDocument = {
  title: 'End-of-day reconciliation',
  subtitle: 'Business date 03/14/2025',
  siteName: 'Riverside Clinic',
  generatedAt: '2025-03-15T00:10:00.000Z',
  timeZone: 'America/Chicago',
  fileStem: 'eod-2025-03-14',
  sections: [
    { kind: 'figures', title: 'Totals', items: [{ label: 'Collected', value: total, format: 'money' }, { label: 'Rate', value: 87.5, format: 'percent' }, { label: 'Variance', value: -300, format: 'money' }] },
    { kind: 'bar-chart', title: 'Collections by method', format: 'money', bars: [{ label: 'Cash', value: 412300 }, { label: 'Card', value: 700000 }, { label: 'Check', value: 0 }] },
    { kind: 'table', title: 'Payments', columns: [{ key: 'receipt', header: 'Receipt' }, { key: 'clerk', header: 'Clerk', width: 2 }, { key: 'method', header: 'Method' }, { key: 'amount', header: 'Amount', format: 'money' }], rows, totals: { receipt: 'Total', amount: total } },
    { kind: 'text', title: 'Notes', paragraphs: ['Desk 3 has not synced since 4:12 PM; payments it took after that may be missing.'] },
  ],
};

describe('report PDF', () => {
  it('Letter pages with title block, figures, money formatting, page numbers, and a table broken across pages with its header repeated', async () => {
    const texts: DrawnText[] = [];
    const out = await renderReport(doc, { probe: { text: (t) => texts.push(t) } });
    expect(out.fileName).toBe('eod-2025-03-14.pdf');
    const pdf = await readPdf(out.pdf);
    const n = pdf.pages.length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(out.pageCount).toBe(n);
    pdf.pages.forEach((p, i) => {
      expect(p.width).toBeCloseTo(612, 3);
      expect(p.height).toBeCloseTo(792, 3);
      expect(p.text).toContain(`Page ${i + 1} of ${n}`);
      for (const it of p.items) {
        expect(it.x).toBeGreaterThanOrEqual(0);
        expect(runEnd(it).x).toBeLessThanOrEqual(612);
        expect(it.y).toBeLessThanOrEqual(792);
      }
    });
    const first = pdf.pages[0]!;
    expect(first.text).toContain('End-of-day reconciliation');
    expect(first.text).toContain('Generated 03/14/2025 07:10 PM CDT');
    expect(first.text).toContain(formatCents(total));
    expect(first.text).toContain('87.5%');
    expect(first.text).toContain('-$3.00');
    // every page that holds payment rows starts them under a repeated header row
    const pagesWithRows = pdf.pages.filter((p) => p.items.some((it) => /^D\d-\d{6}$/.test(it.str)));
    expect(pagesWithRows.length).toBeGreaterThanOrEqual(2);
    for (const p of pagesWithRows) {
      const header = p.items.find((it) => it.str === 'Amount')!;
      expect(header).toBeTruthy();
      const firstRow = p.items.filter((it) => /^D\d-\d{6}$/.test(it.str)).sort((a, b) => a.y - b.y)[0]!;
      expect(header.y).toBeLessThan(firstRow.y);
    }
    // all 90 rows are there exactly once
    const receipts = pdf.pages.flatMap((p) => p.items.filter((it) => /^D\d-\d{6}$/.test(it.str)).map((it) => it.str));
    expect(receipts.sort()).toEqual(rows.map((r) => r.receipt).sort());
    // the money column is right-aligned: every amount ends at the same x
    const amountEnds = pdf.pages.flatMap((p) => {
      const rowYs = p.items.filter((it) => /^D\d-\d{6}$/.test(it.str)).map((it) => it.y);
      return p.items.filter((it) => /^\$[\d,]+\.\d\d$/.test(it.str) && rowYs.some((y) => Math.abs(y - it.y) < 0.5)).map((it) => runEnd(it).x);
    });
    expect(amountEnds).toHaveLength(90);
    for (const x of amountEnds) expect(x).toBeCloseTo(amountEnds[0]!, 1);
    expect(pdf.text).toContain('Total');
    expect(pdf.text).toContain('Desk 3 has not synced since 4:12 PM');
  });

  it('charts are vector shapes (no images) with axis and value labels', async () => {
    const out = await renderReport(doc);
    const raw = Buffer.from(out.pdf).toString('latin1');
    expect(raw).not.toMatch(/\/Subtype\s*\/Image/);
    const { pages } = await readPdf(out.pdf);
    const t = pages[0]!.text;
    expect(t).toContain('Collections by method');
    expect(t).toContain('$4,123.00'); // value label of the Cash bar
    expect(t).toContain('$10,000'); // axis max (nice number above $7,000.00)
  });

  it('formatting and layout helpers', () => {
    expect(formatCents(0)).toBe('$0.00');
    expect(formatCents(5)).toBe('$0.05');
    expect(formatCents(123456789)).toBe('$1,234,567.89');
    expect(formatCents(-1999)).toBe('-$19.99');
    expect(() => formatCents(1.5)).toThrow();
    expect(formatCell(1234, 'int')).toBe('1,234');
    expect(formatCell(null, 'money')).toBe('');
    expect(usDate('1975-03-14')).toBe('03/14/1975');
    expect(siteDateTime('2025-07-04T16:05:00.000Z', 'America/New_York', { withZone: true })).toBe('07/04/2025 12:05 PM EDT');
    expect(niceMax(7000)).toBe(10000);
    expect(niceMax(412300)).toBe(500000);
    expect(niceMax(0)).toBe(1);
    const d = newDoc({ size: [200, 200], title: 't' });
    const lines = wrapLines(d, 'one two three four five six seven eight nine ten', 60, 9);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe('one two three four five six seven eight nine ten');
    d.end();
  });
});
