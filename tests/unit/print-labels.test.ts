/**
 * Labels and wristbands, read back from the PDF bytes with pdf.js: exact media sizes (no scaling), the identifying
 * text, the barcode (what it encodes per bwip-js, and that it sits inside the page with its quiet zones), long names
 * shrunk then truncated and never outside the label, fonts embedded.
 */
import { describe, expect, it } from 'vitest';
import { renderPatientLabels, renderWristband, LABEL_SIZE, WRISTBAND_SIZE } from '../../electron/print/index.js';
import { code128Bars, type DrawnBarcode, type DrawnText, type Box } from '../../electron/print/pdf.js';
import { WRISTBAND_PRINT_AREA } from '../../electron/print/labels.js';
import { readPdf, runEnd, type ReadPage } from './print-read.js';

const patient = { family: 'García-López', given: 'María', middle: 'José', birthDate: '1975-03-14', sex: 'female' as const, mrn: '00012345' };
const LONG = { ...patient, family: 'Wolfeschlegelsteinhausenbergerdorff-Montgomery-Smythe', given: 'Bartholomew-Alexander Maximilian' };

function probe() {
  const texts: DrawnText[] = [];
  const barcodes: DrawnBarcode[] = [];
  return { texts, barcodes, probe: { text: (t: DrawnText) => texts.push(t), barcode: (b: DrawnBarcode) => barcodes.push(b) } };
}

const EPS = 0.01;
function inside(b: Box, w: number, h: number) {
  expect(b.x).toBeGreaterThanOrEqual(-EPS);
  expect(b.y).toBeGreaterThanOrEqual(-EPS);
  expect(b.x + b.w).toBeLessThanOrEqual(w + EPS);
  expect(b.y + b.h).toBeLessThanOrEqual(h + EPS);
}
/** Every text run of the page, start and end, lies inside the page. */
function textInsidePage(p: ReadPage) {
  expect(p.items.length).toBeGreaterThan(0);
  for (const it of p.items) {
    const end = runEnd(it);
    for (const pt of [it, end]) {
      expect(pt.x).toBeGreaterThanOrEqual(-EPS);
      expect(pt.x).toBeLessThanOrEqual(p.width + EPS);
      expect(pt.y).toBeGreaterThanOrEqual(-EPS);
      expect(pt.y).toBeLessThanOrEqual(p.height + EPS);
    }
  }
}

describe('patient label (2.25" x 1.25")', () => {
  it('is N pages of exactly 162 x 90 pt with name LAST, First, DOB, sex, MRN and a Code 128 of the MRN', async () => {
    const pr = probe();
    const out = await renderPatientLabels({ patient, timeZone: 'America/Chicago' }, 3, { probe: pr.probe });
    expect(out.pageCount).toBe(3);
    expect(out.fileName).toBe('patient-label.pdf');
    const pdf = await readPdf(out.pdf);
    expect(pdf.pages).toHaveLength(3);
    for (const p of pdf.pages) {
      expect(p.width).toBeCloseTo(LABEL_SIZE.width, 3);
      expect(p.width).toBeCloseTo(162, 3);
      expect(p.height).toBeCloseTo(90, 3);
      expect(p.text).toContain('GARCÍA-LÓPEZ, María J');
      expect(p.text).toContain('DOB 03/14/1975');
      expect(p.text).toContain('Sex F');
      expect(p.text).toContain('MRN 00012345');
      textInsidePage(p);
    }
    expect(pr.barcodes).toHaveLength(3);
    for (const b of pr.barcodes) {
      expect(b.symbology).toBe('code128');
      expect(b.text).toBe('00012345');
      // the bars drawn are bwip-js's encoding of the MRN: start C, 00 01 23 45, check, stop = 79 modules
      expect(b.sbs).toEqual(code128Bars('00012345'));
      expect(b.sbs.reduce((a, c) => a + c, 0)).toBe(79);
      inside(b.boxWithQuietZone, 162, 90);
      expect(b.box.h).toBeGreaterThanOrEqual(20); // tall enough to scan with a hand scanner
      // module width is whole 203-dpi dots and at least 2 dots (~10 mil)
      expect(Math.round((b.moduleWidth * 203) / 72) * (72 / 203)).toBeCloseTo(b.moduleWidth, 6);
      expect(b.moduleWidth).toBeGreaterThanOrEqual((2 * 72) / 203 - EPS);
    }
    // the barcode does not overlap any text of its page
    for (const t of pr.texts.filter((x) => x.page === 1)) expect(t.box.y + t.box.h).toBeLessThanOrEqual(pr.barcodes[0]!.box.y + EPS);
  });

  it('a visit label adds date/time in the site time zone, provider, department, and encodes the visit number', async () => {
    const pr = probe();
    const out = await renderPatientLabels(
      { patient, visit: { at: '2025-03-14T15:30:00.000Z', provider: 'Dr. Priya Patel', department: 'Family Medicine', visitNumber: 'V-20250314-7' }, timeZone: 'America/Chicago' },
      1,
      { probe: pr.probe },
    );
    const pdf = await readPdf(out.pdf);
    expect(pdf.text).toContain('03/14/2025 10:30 AM'); // 15:30Z is 10:30 CDT
    expect(pdf.text).toContain('Dr. Priya Patel');
    expect(pdf.text).toContain('Family Medicine');
    expect(pdf.text).toContain('Visit V-20250314-7');
    expect(pr.barcodes[0]!.text).toBe('V-20250314-7');
    expect(pr.barcodes[0]!.sbs).toEqual(code128Bars('V-20250314-7'));
    inside(pr.barcodes[0]!.boxWithQuietZone, 162, 90);
    textInsidePage(pdf.pages[0]!);
  });

  it('a long name shrinks first, then is cut with an ellipsis, and stays inside the label', async () => {
    const medium = { ...patient, family: 'Montgomery-Fitzgerald', given: 'Alexandra' };
    const prM = probe();
    await renderPatientLabels({ patient: medium }, 1, { probe: prM.probe });
    const nameM = prM.texts.find((t) => t.requested.startsWith('MONTGOMERY'))!;
    expect(nameM.truncated).toBe(false);
    expect(nameM.size).toBeLessThan(11); // shrunk, not cut
    expect(nameM.text).toBe('MONTGOMERY-FITZGERALD, Alexandra J');

    const pr = probe();
    const out = await renderPatientLabels({ patient: LONG }, 1, { probe: pr.probe });
    const name = pr.texts.find((t) => t.requested.startsWith('WOLFESCHLEGEL'))!;
    expect(name.truncated).toBe(true);
    expect(name.size).toBe(7); // the minimum size for the name
    expect(name.text.endsWith('…')).toBe(true);
    for (const t of pr.texts) inside(t.box, 162, 90);
    const pdf = await readPdf(out.pdf);
    const run = pdf.pages[0]!.items.find((i) => i.str.startsWith('WOLFESCHLEGEL'))!;
    expect(run.str.endsWith('…')).toBe(true);
    expect(run.x + run.width).toBeLessThanOrEqual(162 - 6 + EPS); // inside the right margin
    textInsidePage(pdf.pages[0]!);
  });

  it('embeds its font (no dependency on fonts of the machine or printer) and keeps PHI out of the file name and metadata', async () => {
    const out = await renderPatientLabels({ patient }, 1);
    const raw = Buffer.from(out.pdf).toString('latin1');
    expect(raw).toMatch(/\/FontFile2/);
    expect(raw).toMatch(/DejaVuSansCondensed/);
    expect(raw).not.toMatch(/\/BaseFont \/Helvetica/);
    expect(out.fileName).not.toMatch(/garc|00012345/i);
    expect(raw).toContain('(Patient label)'); // document title, no name
  });

  it('refuses bad data with a schema error (no half-made PDF)', async () => {
    await expect(renderPatientLabels({ patient: { ...patient, birthDate: '1975-02-30' } })).rejects.toThrow(/Date of birth/);
    await expect(renderPatientLabels({ patient: { ...patient, mrn: 'has space' } })).rejects.toThrow(/MRN/);
  });
});

describe('wristband (1" x 11")', () => {
  it('is one 72 x 792 pt page, text turned 90°, name, DOB, sex, MRN, allergies placeholder, two MRN barcodes inside the band', async () => {
    const pr = probe();
    const out = await renderWristband({ patient, timeZone: 'America/Chicago' }, { probe: pr.probe });
    expect(out.fileName).toBe('wristband.pdf');
    const pdf = await readPdf(out.pdf);
    expect(pdf.pages).toHaveLength(1);
    const p = pdf.pages[0]!;
    expect(p.width).toBeCloseTo(WRISTBAND_SIZE.width, 3);
    expect(p.width).toBeCloseTo(72, 3);
    expect(p.height).toBeCloseTo(792, 3);
    expect(p.text).toContain('GARCÍA-LÓPEZ, María J');
    expect(p.text).toContain('DOB 03/14/1975');
    expect(p.text).toContain('MRN 00012345');
    expect(p.text).toContain('ALLERGIES: NOT RECORDED - SEE CHART');
    // printed rotated: every run goes down the page
    for (const it of p.items.filter((i) => i.str.trim())) expect(it.dir).toEqual([expect.closeTo(0, 6), expect.closeTo(1, 6)]);
    textInsidePage(p);
    expect(pr.barcodes).toHaveLength(2);
    for (const b of pr.barcodes) {
      expect(b.text).toBe('00012345');
      expect(b.sbs).toEqual(code128Bars('00012345'));
      inside(b.boxWithQuietZone, 72, 792);
      // bars run across the band: the symbol is longer (down the page) than wide
      expect(b.box.h).toBeGreaterThan(b.box.w);
      expect(b.boxWithQuietZone.y).toBeGreaterThanOrEqual(WRISTBAND_PRINT_AREA.from - EPS);
      expect(b.boxWithQuietZone.y + b.boxWithQuietZone.h).toBeLessThanOrEqual(WRISTBAND_PRINT_AREA.to + EPS);
    }
    for (const t of pr.texts) {
      inside(t.box, 72, 792);
      expect(t.box.y).toBeGreaterThanOrEqual(WRISTBAND_PRINT_AREA.from - EPS);
    }
  });

  it('a long name is shrunk then truncated inside the band; recorded allergies are printed', async () => {
    const pr = probe();
    const out = await renderWristband({ patient: LONG, allergies: 'Penicillin, latex' }, { probe: pr.probe });
    const name = pr.texts.find((t) => t.requested.startsWith('WOLFESCHLEGEL'))!;
    expect(name.truncated).toBe(true);
    expect(name.text.endsWith('…')).toBe(true);
    for (const t of pr.texts) inside(t.box, 72, 792);
    const pdf = await readPdf(out.pdf);
    expect(pdf.text).toContain('ALLERGIES: Penicillin, latex');
    textInsidePage(pdf.pages[0]!);
  });
});
