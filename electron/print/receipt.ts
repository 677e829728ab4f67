/**
 * Payment receipts: an 80 mm roll (page 80 mm wide, as long as the receipt; 72 mm printable, the usual for 80 mm
 * thermal printers) or a Letter page as the fallback for desks with only an office printer.
 *
 * Prints: site, receipt number, date/time in the site's time zone, desk, clerk, patient name + MRN, payment type and
 * method, amount, tendered/change for cash, check number, card brand + last four + auth code + terminal reference
 * (never a card number: the schema refuses anything that looks like one, in any field), VOID/REFUND marks with what
 * they reverse and who approved, and a REPRINT mark on reprints.
 */
import { receiptDataSchema, type ReceiptData, type ReceiptDataParsed, type PrintedPdf } from '../../shared/print/documents.js';
import { formatCents, PAYMENT_TYPE_LABELS, siteDateTime } from '../../shared/print/format.js';
import { finish, newDoc, PT_PER_IN, PT_PER_MM, Surface, type Probe } from './pdf.js';

export const RECEIPT_ROLL_WIDTH = 80 * PT_PER_MM; // 226.77 pt
const ROLL_MARGIN = 4 * PT_PER_MM; // 72 mm printable
const LETTER: [number, number] = [8.5 * PT_PER_IN, 11 * PT_PER_IN];

const METHOD_LABELS = { cash: 'Cash', check: 'Check', card: 'Card', other: 'Other' } as const;

interface Geometry {
  pageW: number;
  left: number;
  width: number;
  /** base font size */
  fs: number;
}

/** Draws the receipt from y = top; returns the y after the last line. */
function drawReceipt(s: Surface, r: ReceiptDataParsed, g: Geometry, top: number): number {
  const { left: x, width: w, fs } = g;
  let y = top;
  const gap = (n = 3) => {
    y += n;
  };
  const rule = () => {
    gap(2);
    s.line(x, y, x + w, y, 0.6);
    gap(4);
  };
  const center = (t: string, size = fs, bold = false) => {
    y += s.text(t, x, y, w, { size, minSize: Math.min(size, 6), bold, align: 'center' }).height;
  };
  const kv = (k: string, v: string, o: { bold?: boolean; size?: number } = {}) => {
    const size = o.size ?? fs;
    const kw = Math.min(w * 0.42, s.text(k, x, y, w * 0.42, { size, minSize: 6, bold: o.bold }).width + 6);
    y += s.text(v, x + kw, y, w - kw, { size, minSize: 6, bold: o.bold, align: 'right' }).height;
  };
  const mark = (t: string) => {
    gap(2);
    const size = fs * 1.6;
    const h = s.text(t, x, y + 3, w, { size, bold: true, align: 'center' }).height;
    s.doc.rect(x + 0.5, y + 0.5, w - 1, h + 5).lineWidth(1.2).strokeColor('#000000').stroke();
    y += h + 8;
  };

  center(r.siteName, fs * 1.3, true);
  for (const l of r.siteLines) center(l, fs * 0.95);
  rule();
  if (r.reprint) mark('REPRINT');
  if (r.kind === 'void') mark('VOID');
  if (r.kind === 'refund') mark('REFUND');
  kv('Receipt', r.receiptNumber, { bold: true });
  kv('Date', siteDateTime(r.issuedAt, r.timeZone, { withZone: true }));
  if (r.deskLabel) kv('Desk', r.deskLabel);
  kv('Clerk', r.clerk);
  rule();
  kv('Patient', `${r.patient.family.toLocaleUpperCase('en-US')}, ${r.patient.given}`);
  if (r.patient.mrn) kv('MRN', r.patient.mrn);
  if (r.note) {
    y += s.text(r.note, x, y, w, { size: fs * 0.9, minSize: 6 }).height;
  }
  rule();
  const typeLabel = PAYMENT_TYPE_LABELS[r.paymentType] ?? r.paymentType;
  kv(typeLabel, formatCents(r.amountCents));
  kv('Method', r.method === 'other' && r.otherMethod ? r.otherMethod : METHOD_LABELS[r.method]);
  if (r.method === 'cash' && r.cash) {
    kv('Tendered', formatCents(r.cash.tenderedCents));
    kv('Change', formatCents(r.cash.changeCents));
  }
  if (r.method === 'check' && r.check) kv('Check no.', r.check.number);
  if (r.method === 'card' && r.card) {
    kv('Card', `${r.card.brand} ending ${r.card.lastFour}`);
    if (r.card.authCode) kv('Auth code', r.card.authCode);
    if (r.card.terminalRef) kv('Terminal ref.', r.card.terminalRef);
  }
  if (r.reversal) {
    gap(2);
    kv(r.kind === 'void' ? 'Voids receipt' : 'Refunds receipt', r.reversal.ofReceiptNumber);
    if (r.reversal.reason) kv('Reason', r.reversal.reason);
    if (r.reversal.approvedBy) kv('Approved by', r.reversal.approvedBy);
  }
  rule();
  const totalLabel = r.kind === 'void' ? 'TOTAL VOIDED' : r.kind === 'refund' ? 'TOTAL REFUNDED' : 'TOTAL PAID';
  kv(totalLabel, r.kind === 'payment' ? formatCents(r.amountCents) : `-${formatCents(r.amountCents)}`, { bold: true, size: fs * 1.25 });
  gap(6);
  if (r.footer) center(r.footer, fs * 0.95);
  if (r.reprint) {
    gap(2);
    center(`Reprinted ${siteDateTime(r.reprint.at, r.timeZone, { withZone: true })}${r.reprint.by ? ` by ${r.reprint.by}` : ''}`, fs * 0.85);
  }
  return y;
}

/**
 * A receipt as a PDF. 80 mm roll: the page is exactly as long as the receipt (measured in a first pass), so the
 * printer cuts right under it. Letter: the receipt in a 4"-wide column at the top of the page.
 */
export async function renderReceipt(data: ReceiptData, opts: { probe?: Probe } = {}): Promise<PrintedPdf> {
  const r = receiptDataSchema.parse(data);
  const title = `Receipt ${r.receiptNumber}`;
  const fileName = `receipt-${r.receiptNumber}${r.reprint ? '-reprint' : ''}.pdf`;
  if (r.paper === 'letter') {
    const g: Geometry = { pageW: LETTER[0], left: PT_PER_IN, width: 4 * PT_PER_IN, fs: 10 };
    const doc = newDoc({ size: LETTER, title, createdAt: new Date(r.issuedAt) });
    const s = new Surface(doc, LETTER[0], LETTER[1], false, opts.probe);
    s.addPage();
    drawReceipt(s, r, g, PT_PER_IN * 0.75);
    return { fileName, pdf: await finish(doc), pageCount: 1 };
  }
  const g: Geometry = { pageW: RECEIPT_ROLL_WIDTH, left: ROLL_MARGIN, width: RECEIPT_ROLL_WIDTH - 2 * ROLL_MARGIN, fs: 8.5 };
  // pass 1: measure on a scratch page
  const scratch = newDoc({ size: [RECEIPT_ROLL_WIDTH, 5000], title });
  const ms = new Surface(scratch, RECEIPT_ROLL_WIDTH, 5000, false);
  ms.addPage();
  const height = Math.ceil(drawReceipt(ms, r, g, ROLL_MARGIN) + ROLL_MARGIN * 2);
  scratch.end();
  // pass 2: the real page
  const doc = newDoc({ size: [RECEIPT_ROLL_WIDTH, height], title, createdAt: new Date(r.issuedAt) });
  const s = new Surface(doc, RECEIPT_ROLL_WIDTH, height, false, opts.probe);
  s.addPage();
  drawReceipt(s, r, g, ROLL_MARGIN);
  return { fileName, pdf: await finish(doc), pageCount: 1 };
}
