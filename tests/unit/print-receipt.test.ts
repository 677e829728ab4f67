/**
 * Receipts read back from the PDF: 80 mm roll width (page as long as the receipt) and Letter fallback; what a receipt
 * must show (number, site-time-zone date, clerk, patient, type/method/amount, tendered/change, card brand/last four/
 * auth/terminal ref, VOID/REFUND/REPRINT marks); and that nothing resembling a card number can be printed.
 */
import { describe, expect, it } from 'vitest';
import { renderReceipt, RECEIPT_ROLL_WIDTH, type ReceiptData, type DrawnText } from '../../electron/print/index.js';
import { containsCardNumber, luhnValid } from '../../shared/print/card-guard.js';
import { readPdf, runEnd } from './print-read.js';

const base: ReceiptData = {
  siteName: 'Riverside Clinic',
  siteLines: ['100 River Rd, Springfield IL 62701'],
  deskLabel: 'Front desk 2',
  receiptNumber: 'D2-000153',
  issuedAt: '2025-03-14T15:32:10.000Z',
  timeZone: 'America/Chicago',
  clerk: 'Carla Clerk',
  patient: { family: 'García-López', given: 'María', mrn: '00012345' },
  paymentType: 'copay',
  method: 'cash',
  amountCents: 2500,
  cash: { tenderedCents: 4000, changeCents: 1500 },
};
const card: ReceiptData = { ...base, method: 'card', amountCents: 12345, cash: undefined, card: { brand: 'VISA', lastFour: '4242', authCode: 'A1B2C3', terminalRef: 'T9-000981' } };

/** Any run of 13+ digits (spaces/dashes allowed) in the extracted text. */
const LONG_DIGITS = /\d(?:[ -]?\d){12,}/;

describe('receipt', () => {
  it('80 mm roll: 226.77 pt wide, as long as its content; cash receipt shows every required field', async () => {
    const texts: DrawnText[] = [];
    const out = await renderReceipt(base, { probe: { text: (t) => texts.push(t) } });
    expect(out.fileName).toBe('receipt-D2-000153.pdf');
    const pdf = await readPdf(out.pdf);
    expect(pdf.pages).toHaveLength(1);
    const p = pdf.pages[0]!;
    expect(p.width).toBeCloseTo(RECEIPT_ROLL_WIDTH, 2);
    expect(p.width).toBeCloseTo(226.77, 1);
    const lastLine = Math.max(...texts.map((t) => t.box.y + t.box.h));
    expect(p.height).toBeGreaterThan(lastLine);
    expect(p.height - lastLine).toBeLessThan(40); // no long blank tail of paper
    for (const needle of ['Riverside Clinic', 'D2-000153', '03/14/2025 10:32 AM CDT', 'Front desk 2', 'Carla Clerk', 'GARCÍA-LÓPEZ, María', '00012345', 'Copay', '$25.00', 'Cash', 'Tendered', '$40.00', 'Change', '$15.00', 'TOTAL PAID']) {
      expect(p.text).toContain(needle);
    }
    expect(p.text).not.toContain('REPRINT');
    expect(p.text).not.toContain('VOID');
    for (const it of p.items) {
      expect(it.x).toBeGreaterThanOrEqual(0);
      expect(runEnd(it).x).toBeLessThanOrEqual(p.width);
    }
  });

  it('card: brand, last four, auth code, terminal reference; never a card number; VOID and REPRINT marks', async () => {
    const out = await renderReceipt({
      ...card,
      kind: 'void',
      reversal: { ofReceiptNumber: 'D2-000150', reason: 'Wrong patient', approvedBy: 'Sam Supervisor' },
      reprint: { at: '2025-03-15T14:00:00.000Z', by: 'Carla Clerk' },
    });
    expect(out.fileName).toBe('receipt-D2-000153-reprint.pdf');
    const { text } = await readPdf(out.pdf);
    for (const needle of ['VISA ending 4242', 'A1B2C3', 'T9-000981', 'VOID', 'REPRINT', 'D2-000150', 'Wrong patient', 'Sam Supervisor', 'TOTAL VOIDED', '-$123.45', 'Reprinted 03/15/2025 09:00 AM CDT']) {
      expect(text).toContain(needle);
    }
    expect(text).not.toMatch(LONG_DIGITS);
  });

  it('refund mark; check number; Letter fallback is a Letter page', async () => {
    const refund = await readPdf((await renderReceipt({ ...card, kind: 'refund', reversal: { ofReceiptNumber: 'D1-000007', reason: '', approvedBy: '' } })).pdf);
    expect(refund.text).toContain('REFUND');
    expect(refund.text).toContain('Refunds receipt');
    expect(refund.text).toContain('-$123.45');
    const letter = await renderReceipt({ ...base, method: 'check', cash: undefined, check: { number: '1042' }, paper: 'letter' });
    const pdf = await readPdf(letter.pdf);
    expect(pdf.pages[0]!.width).toBeCloseTo(612, 3);
    expect(pdf.pages[0]!.height).toBeCloseTo(792, 3);
    expect(pdf.text).toContain('Check no.');
    expect(pdf.text).toContain('1042');
  });

  it('refuses a card number in any text field, and inconsistent cash or card data', async () => {
    const pans = ['4111111111111111', '4111 1111 1111 1111', '5500-0000-0000-0004', '378282246310005'];
    for (const pan of pans) {
      await expect(renderReceipt({ ...base, note: `paid with ${pan}` })).rejects.toThrow(/card number/);
      await expect(renderReceipt({ ...card, card: { ...card.card!, terminalRef: pan } })).rejects.toThrow(/card number/);
      await expect(renderReceipt({ ...card, card: { ...card.card!, authCode: pan.slice(0, 12) } })).resolves.toBeTruthy(); // 12 digits: not a PAN
      await expect(renderReceipt({ ...base, clerk: pan })).rejects.toThrow(/card number/);
    }
    await expect(renderReceipt({ ...card, card: { ...card.card!, lastFour: '42424' } })).rejects.toThrow(/Last four/);
    await expect(renderReceipt({ ...base, cash: { tenderedCents: 4000, changeCents: 1400 } })).rejects.toThrow(/Tendered minus change/);
    await expect(renderReceipt({ ...base, amountCents: 25.5 })).rejects.toThrow(/whole cents/);
    await expect(renderReceipt({ ...card, card: undefined })).rejects.toThrow(/brand and last four/);
  });

  it('card guard: Luhn-valid 13-19 digit runs only', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(containsCardNumber('card 4111-1111-1111-1111 ok')).toBe(true);
    expect(containsCardNumber('4111111111111112')).toBe(false); // fails Luhn
    expect(containsCardNumber('D2-000153')).toBe(false);
    expect(containsCardNumber('(217) 555-0100')).toBe(false);
    expect(containsCardNumber('12345678901234567890123')).toBe(false); // too long to be a PAN
    expect(containsCardNumber('MRN 00012345')).toBe(false);
  });
});
