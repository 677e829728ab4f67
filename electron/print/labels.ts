/**
 * Patient/visit labels (2.25" x 1.25") and adult wristbands (1" x 11"). The page IS the media: one label per page,
 * page size = label size, nothing scaled, so a label printer's driver maps page -> label 1:1 (print with "actual
 * size"). N copies = N pages.
 *
 * Barcode: Code 128 for both. It is what every desk scanner reads out of the box, and our payloads are short (the
 * 8-digit MRN packs into code set C: 79 modules, ~1.1" with quiet zones at 3 dots/module), so a 2D symbology would
 * add nothing but a scanner requirement. On a label it encodes the visit number when the caller gives one, else
 * the MRN. On the band it encodes the MRN and is printed twice, so one copy faces the scanner however the band sits
 * on the wrist; the bars run across the band (picket fence), each barcode ~1.5" long so it stays on the flat part
 * of the wrist.
 */
import { labelDataSchema, wristbandDataSchema, type LabelData, type WristbandData, type PrintedPdf, type LabelDataParsed, type PrintVisit } from '../../shared/print/documents.js';
import { nameLastFirst, SEX_SHORT, siteDateTime, usDate } from '../../shared/print/format.js';
import { finish, newDoc, PT_PER_IN, Surface, type Probe } from './pdf.js';

export const LABEL_SIZE = { width: 2.25 * PT_PER_IN, height: 1.25 * PT_PER_IN } as const; // 162 x 90 pt
export const WRISTBAND_SIZE = { width: 1 * PT_PER_IN, length: 11 * PT_PER_IN } as const; // 72 x 792 pt
/**
 * Printable stretch of an adult band, from its leading (clasp) end: the first inch holds the clasp/snap, the last
 * 2.5" are the tail with the adjustment holes that gets cut or tucked in.
 */
export const WRISTBAND_PRINT_AREA = { from: 1 * PT_PER_IN, to: 8.5 * PT_PER_IN } as const;
export const MAX_COPIES = 50;

function visitLine(v: PrintVisit, tz: string): string {
  return [siteDateTime(v.at, tz), v.provider, v.department].filter(Boolean).join(' · ');
}

function drawLabel(s: Surface, d: LabelDataParsed): void {
  const W = LABEL_SIZE.width;
  const H = LABEL_SIZE.height;
  const m = 6; // ~0.08": inside the printable area of common 2.25" label printers
  const w = W - 2 * m;
  const p = d.patient;
  let y = m - 1;
  y += s.text(nameLastFirst(p), m, y, w, { size: 11, minSize: 7, bold: true }).height;
  const half = w * 0.56;
  s.text(`DOB ${usDate(p.birthDate)}  Sex ${SEX_SHORT[p.sex]}`, m, y, half, { size: 8, minSize: 6 });
  y += s.text(`MRN ${p.mrn}`, m + half, y, w - half, { size: 8, minSize: 6, bold: true, align: 'right' }).height;
  if (d.visit) {
    const v = d.visit;
    y += s.text(visitLine(v, d.timeZone), m, y, w, { size: 7, minSize: 5.5 }).height;
    if (v.visitNumber) y += s.text(`Visit ${v.visitNumber}`, m, y, w, { size: 7, minSize: 5.5 }).height;
  }
  const barTop = y + 2;
  const barH = Math.min(44, H - m + 2 - barTop);
  s.code128(d.visit?.visitNumber || p.mrn, m, barTop, w, barH);
}

/**
 * Patient or visit labels: `copies` pages of 2.25" x 1.25" (162 x 90 pt). Name "LAST, First M", DOB, sex, MRN, the
 * visit's date/time (site time zone) + provider + department when a visit is given, and a Code 128 barcode.
 */
export async function renderPatientLabels(data: LabelData, copies = 1, opts: { probe?: Probe } = {}): Promise<PrintedPdf> {
  const d = labelDataSchema.parse(data);
  const n = Math.max(1, Math.min(MAX_COPIES, Math.floor(copies)));
  const doc = newDoc({ size: [LABEL_SIZE.width, LABEL_SIZE.height], title: d.visit ? 'Visit label' : 'Patient label' });
  const s = new Surface(doc, LABEL_SIZE.width, LABEL_SIZE.height, false, opts.probe);
  for (let i = 0; i < n; i++) {
    s.addPage();
    drawLabel(s, d);
  }
  return { fileName: d.visit ? 'visit-label.pdf' : 'patient-label.pdf', pdf: await finish(doc), pageCount: n };
}

/**
 * An adult wristband: one 1" x 11" page (72 x 792 pt), laid out along the band and turned 90° onto the page as
 * wristband printers feed it (the band's leading/clasp end at the top of the page). Name, DOB, sex, MRN, allergies,
 * visit, and the MRN as Code 128 twice.
 */
export async function renderWristband(data: WristbandData, opts: { probe?: Probe } = {}): Promise<PrintedPdf> {
  const d = wristbandDataSchema.parse(data);
  const doc = newDoc({ size: [WRISTBAND_SIZE.width, WRISTBAND_SIZE.length], title: 'Wristband' });
  // layout space: u along the band (0..792), v across it (0..72)
  const s = new Surface(doc, WRISTBAND_SIZE.length, WRISTBAND_SIZE.width, true, opts.probe);
  s.addPage();
  const p = d.patient;
  const m = 5;
  const u0 = WRISTBAND_PRINT_AREA.from;
  const textW = 3.6 * PT_PER_IN;
  let v = m;
  v += s.text(nameLastFirst(p), u0, v, textW, { size: 14, minSize: 8, bold: true }).height;
  v += s.text(`DOB ${usDate(p.birthDate)}   Sex ${SEX_SHORT[p.sex]}   MRN ${p.mrn}`, u0, v, textW, { size: 9, minSize: 6.5 }).height;
  const allergies = d.allergies.trim() ? `ALLERGIES: ${d.allergies.trim()}` : 'ALLERGIES: NOT RECORDED - SEE CHART';
  v += s.text(allergies, u0, v, textW, { size: 8, minSize: 6, bold: true }).height;
  if (d.visit) s.text(visitLine(d.visit, d.timeZone), u0, v, textW, { size: 7, minSize: 5.5 });
  const slot = (WRISTBAND_PRINT_AREA.to - (u0 + textW)) / 2;
  const barH = WRISTBAND_SIZE.width - 2 * m - 12;
  for (let i = 0; i < 2; i++) {
    const x = u0 + textW + i * slot;
    s.code128(p.mrn, x, m + 2, slot, barH);
    s.text(p.mrn, x, m + 2 + barH + 1, slot, { size: 7, align: 'center' });
  }
  return { fileName: 'wristband.pdf', pdf: await finish(doc), pageCount: 1 };
}
