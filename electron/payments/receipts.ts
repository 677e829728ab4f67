/** Receipt data for a payment row (printing: electron/print renders it; the data never holds a card number). */
import type Database from 'better-sqlite3';
import type { Payment, Receipt } from '../../shared/domain/payment.js';
import { PAYMENT_TYPE_LABELS } from '../../shared/domain/payment.js';
import { formatCents } from '../../shared/payments/money.js';
import { cardBrandLabel } from '../../shared/payments/card-brand.js';
import { readPaymentSettings } from './repo.js';
import { readSettings } from '../users/repo.js';
import { stmt } from '../store/stmt-cache.js';
import { paymentRow, sessionRow } from './repo.js';
import { renderReceipt, toBase64, type ReceiptData } from '../print/index.js';

export function methodText(p: Payment): string {
  switch (p.method) {
    case 'cash':
      return 'Cash';
    case 'check':
      return `Check #${p.check?.number ?? ''}`;
    case 'card':
      return `${p.card ? cardBrandLabel(p.card.brand) : 'Card'} ending ${p.card?.lastFour ?? ''} (auth ${p.card?.authCode ?? ''})`;
    case 'other':
      return `Other: ${p.otherRef}`;
  }
}

/** The clinic's address (its lines) and phone under the name on every receipt (Settings → Payments and receipts). */
export function clinicLines(db: Database.Database): string[] {
  const s = readPaymentSettings(db);
  const lines = s.clinicAddress.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (s.clinicPhone.trim()) lines.push(`Phone ${s.clinicPhone.trim()}`);
  return lines;
}

export function buildReceipt(db: Database.Database, p: Payment, printedAt: string, reprint: number): Receipt {
  const site = readSettings(db);
  const session = sessionRow(db, p.sessionId);
  const patient = stmt<[string], { id: string; family: string; given: string; mrn: string }>(db, 'SELECT id, family, given, mrn FROM patients WHERE id = ?').get(p.patientId);
  const original = p.reversesId ? paymentRow(db, p.reversesId) : undefined;
  const kindText = p.kind === 'void' ? 'VOID of ' : p.kind === 'refund' ? 'REFUND of ' : '';
  return {
    receiptNo: p.receiptNo,
    siteName: site?.siteName ?? '',
    siteLines: clinicLines(db),
    deskLabel: session?.desk_label ?? '',
    payment: p,
    originalReceiptNo: original?.receipt_no ?? null,
    patient: patient ? { id: patient.id, name: `${patient.family}, ${patient.given}`, mrn: patient.mrn } : null,
    amountText: formatCents(p.amountCents),
    tenderedText: formatCents(p.tenderedCents),
    changeText: formatCents(p.changeCents),
    methodText: methodText(p),
    typeText: `${kindText}${PAYMENT_TYPE_LABELS[p.type]}`,
    printedAt,
    reprint,
  };
}

/** The receipt as a PDF through the print layer's renderer (electron/print). */
export async function receiptPdf(db: Database.Database, p: Payment, paper: '80mm' | 'letter', reprint: { at: string; by: string } | undefined) {
  const site = readSettings(db);
  const session = sessionRow(db, p.sessionId);
  const patient = stmt<[string], { family: string; given: string; mrn: string }>(db, 'SELECT family, given, mrn FROM patients WHERE id = ?').get(p.patientId);
  const original = p.reversesId ? paymentRow(db, p.reversesId) : undefined;
  const data: ReceiptData = {
    paper,
    siteName: site?.siteName || 'AccessDesk',
    siteLines: clinicLines(db),
    deskLabel: session?.desk_label ?? '',
    receiptNumber: p.receiptNo,
    issuedAt: p.recordedAt,
    timeZone: site?.timeZone ?? 'UTC',
    clerk: p.recordedBy.userName,
    patient: { family: patient?.family || 'Unknown', given: patient?.given || '-', mrn: patient?.mrn ?? '' },
    paymentType: PAYMENT_TYPE_LABELS[p.type],
    method: p.method,
    amountCents: Math.abs(p.amountCents),
    cash: p.method === 'cash' && p.kind === 'payment' ? { tenderedCents: p.tenderedCents, changeCents: p.changeCents } : undefined,
    check: p.check ? { number: p.check.number } : undefined,
    card: p.card ? { brand: cardBrandLabel(p.card.brand), lastFour: p.card.lastFour, authCode: p.card.authCode, terminalRef: p.card.terminalRef } : undefined,
    otherMethod: p.method === 'other' ? p.otherRef.slice(0, 40) : '',
    kind: p.kind,
    reversal: p.kind !== 'payment' ? { ofReceiptNumber: original?.receipt_no ?? '', reason: p.reason, approvedBy: p.approvedBy?.userName ?? '' } : undefined,
    reprint,
  };
  return toBase64(await renderReceipt(data));
}
