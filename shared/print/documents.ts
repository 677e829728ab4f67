/**
 * What AccessDesk prints, as data: patient/visit labels, wristbands, payment receipts and report documents.
 * Domain-neutral: the callers (patients, visits, payments, EOD) fill these in from their own records and hand them to
 * the renderers in electron/print/ (see electron/print/index.ts). Everything is validated with these schemas before a
 * PDF is made, so a bad value is a clear VALIDATION error, never a broken page.
 *
 * Rules carried by the schemas:
 *  - money is integer cents;
 *  - instants are UTC ("2025-03-14T15:04:05.000Z") and are printed in the site's time zone (`timeZone`);
 *  - no field of a receipt or report may hold anything that looks like a card number (a Luhn-valid run of 13-19
 *    digits): card payments print brand, last four, auth code and the terminal's reference only.
 */
import { z } from 'zod';
import { isValidTimeZone } from '../dates.js';
import { isoDateField, instantSchema } from '../domain/common.js';
import { CONTROL_CHARS } from '../text.js';
import { containsCardNumber } from './card-guard.js';

/** Printable text: bounded, no control characters, never a card number. */
export function printText(max: number, label = 'Text') {
  return z
    .string({ error: `${label} must be text` })
    .max(max, { error: `${label} is too long (at most ${max} characters)` })
    .refine((s) => !CONTROL_CHARS.test(s), { error: `${label} contains control characters` })
    .refine((s) => !containsCardNumber(s), { error: `${label} looks like it holds a card number; card numbers are never printed` });
}
function requiredPrintText(max: number, label: string) {
  return printText(max, label).refine((s) => s.trim().length > 0, { error: `${label} is required` });
}

export const timeZoneSchema = z.string().max(64).refine(isValidTimeZone, { error: 'Unknown time zone' });
export const centsSchema = z.number({ error: 'Amount must be a number of cents' }).int({ error: 'Amount must be whole cents' }).min(-1e11).max(1e11);

// ---- labels and wristbands -----------------------------------------------------------------------------------------

export const PRINT_SEX = ['female', 'male', 'unknown'] as const;

/** The patient as printed on a label or band. */
export const printPatientSchema = z.object({
  family: requiredPrintText(80, 'Last name'),
  given: requiredPrintText(60, 'First name'),
  middle: printText(60, 'Middle name').default(''),
  birthDate: isoDateField('Date of birth'),
  sex: z.enum(PRINT_SEX),
  /** the medical record number (8 digits today; up to 20 printable ASCII characters accepted) */
  mrn: z.string().regex(/^[\x21-\x7e]{1,20}$/, { error: 'MRN must be 1-20 letters or digits' }),
});
export type PrintPatient = z.output<typeof printPatientSchema>;

/** Optional visit information a caller (check-in, the board) passes in for a visit label. */
export const printVisitSchema = z.object({
  /** when the visit is (appointment start, or arrival for a walk-in) */
  at: instantSchema,
  provider: printText(80, 'Provider').default(''),
  department: printText(80, 'Department').default(''),
  /** visit/encounter number; when given the label's barcode encodes it instead of the MRN */
  visitNumber: z.string().regex(/^[\x21-\x7e]{0,20}$/, { error: 'Visit number must be up to 20 letters or digits' }).default(''),
});
export type PrintVisit = z.output<typeof printVisitSchema>;

export const labelDataSchema = z.object({
  patient: printPatientSchema,
  visit: printVisitSchema.optional(),
  /** the site's time zone (visit date/time is printed in it) */
  timeZone: timeZoneSchema.default('UTC'),
});
export type LabelData = z.input<typeof labelDataSchema>;
export type LabelDataParsed = z.output<typeof labelDataSchema>;

export const wristbandDataSchema = z.object({
  patient: printPatientSchema,
  /**
   * Allergies as recorded. AccessDesk keeps no allergy list yet: '' prints "ALLERGIES: NOT RECORDED - SEE CHART",
   * never "none" (an empty field must not read as "no known allergies").
   */
  allergies: printText(120, 'Allergies').default(''),
  visit: printVisitSchema.optional(),
  timeZone: timeZoneSchema.default('UTC'),
});
export type WristbandData = z.input<typeof wristbandDataSchema>;
export type WristbandDataParsed = z.output<typeof wristbandDataSchema>;

// ---- receipts ------------------------------------------------------------------------------------------------------

export const RECEIPT_METHODS = ['cash', 'check', 'card', 'other'] as const;
export const RECEIPT_KINDS = ['payment', 'void', 'refund'] as const;
export const RECEIPT_PAPER = ['80mm', 'letter'] as const;

export const receiptDataSchema = z
  .object({
    paper: z.enum(RECEIPT_PAPER).default('80mm'),
    siteName: requiredPrintText(100, 'Site name'),
    /** address / phone lines under the site name */
    siteLines: z.array(printText(100, 'Site line')).max(4).default([]),
    deskLabel: printText(40, 'Desk').default(''),
    /** the human receipt number, unique across desks, e.g. "D2-000153" */
    receiptNumber: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9\-]{0,29}$/, { error: 'Receipt number must be letters, digits and -' }),
    /** when the payment (or void/refund) was committed */
    issuedAt: instantSchema,
    timeZone: timeZoneSchema,
    clerk: requiredPrintText(80, 'Clerk'),
    patient: z.object({ family: requiredPrintText(80, 'Last name'), given: requiredPrintText(60, 'First name'), mrn: printText(20, 'MRN') }),
    /** payment type as a code ('copay', 'prior-balance', 'deposit', 'prepayment') or any label; codes get their label */
    paymentType: requiredPrintText(40, 'Payment type'),
    method: z.enum(RECEIPT_METHODS),
    /** amount of this receipt in cents; positive (a void/refund receipt also prints a positive amount, marked as such) */
    amountCents: centsSchema.refine((n) => n > 0, { error: 'Amount must be more than zero' }),
    cash: z.object({ tenderedCents: centsSchema.refine((n) => n >= 0, { error: 'Tendered cannot be negative' }), changeCents: centsSchema.refine((n) => n >= 0, { error: 'Change cannot be negative' }) }).optional(),
    check: z.object({ number: requiredPrintText(20, 'Check number') }).optional(),
    card: z
      .object({
        brand: requiredPrintText(20, 'Card brand'),
        lastFour: z.string().regex(/^\d{4}$/, { error: 'Last four must be exactly 4 digits' }),
        authCode: printText(12, 'Auth code').default(''),
        terminalRef: printText(40, 'Terminal reference').default(''),
      })
      .optional(),
    otherMethod: printText(40, 'Method').default(''),
    kind: z.enum(RECEIPT_KINDS).default('payment'),
    /** void/refund: what it reverses, why, who approved */
    reversal: z
      .object({
        ofReceiptNumber: printText(30, 'Original receipt'),
        reason: printText(200, 'Reason').default(''),
        approvedBy: printText(80, 'Approved by').default(''),
      })
      .optional(),
    /** printed again later: the page carries a REPRINT mark and when it was reprinted */
    reprint: z.object({ at: instantSchema, by: printText(80, 'Reprinted by').default('') }).optional(),
    /** e.g. "Visit 03/14/2025 10:30 · Family Medicine" */
    note: printText(200, 'Note').default(''),
    footer: printText(200, 'Footer').default('Thank you.'),
  })
  .superRefine((r, ctx) => {
    if (r.method === 'cash' && r.cash && r.kind === 'payment' && r.cash.tenderedCents - r.cash.changeCents !== r.amountCents) {
      ctx.addIssue({ code: 'custom', path: ['cash', 'changeCents'], message: 'Tendered minus change must equal the amount' });
    }
    if (r.method === 'card' && !r.card) ctx.addIssue({ code: 'custom', path: ['card'], message: 'A card receipt needs brand and last four' });
    if (r.method === 'check' && !r.check) ctx.addIssue({ code: 'custom', path: ['check'], message: 'A check receipt needs the check number' });
    if (r.kind !== 'payment' && !r.reversal) ctx.addIssue({ code: 'custom', path: ['reversal'], message: 'A void or refund receipt names the receipt it reverses' });
  });
export type ReceiptData = z.input<typeof receiptDataSchema>;
export type ReceiptDataParsed = z.output<typeof receiptDataSchema>;

// ---- reports -------------------------------------------------------------------------------------------------------

/** How a value is shown: money = integer cents; int = whole number with separators; percent = a number like 87.5. */
export const VALUE_FORMATS = ['text', 'money', 'int', 'percent'] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

export const cellSchema = z.union([printText(200, 'Cell'), z.number().finite(), z.null()]);
export type Cell = z.infer<typeof cellSchema>;

export const reportColumnSchema = z.object({
  key: z.string().min(1).max(40),
  header: printText(60, 'Column header'),
  align: z.enum(['left', 'right', 'center']).optional(),
  format: z.enum(VALUE_FORMATS).default('text'),
  /** relative width (default 1) */
  width: z.number().positive().max(20).default(1),
});

export const reportSectionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('figures'),
    title: printText(120, 'Section title').default(''),
    items: z.array(z.object({ label: printText(80, 'Label'), value: cellSchema, format: z.enum(VALUE_FORMATS).default('text'), note: printText(120, 'Note').default('') })).max(40),
  }),
  z.object({
    kind: z.literal('table'),
    title: printText(120, 'Section title').default(''),
    columns: z.array(reportColumnSchema).min(1).max(12),
    rows: z.array(z.record(z.string(), cellSchema)).max(20000),
    /** a bold totals row under the table (same keys as rows) */
    totals: z.record(z.string(), cellSchema).optional(),
    /** shown instead of an empty table */
    emptyText: printText(200, 'Empty text').default('None.'),
  }),
  z.object({
    kind: z.literal('bar-chart'),
    title: printText(120, 'Chart title'),
    format: z.enum(VALUE_FORMATS).default('int'),
    bars: z.array(z.object({ label: printText(24, 'Bar label'), value: z.number().finite().min(0) })).min(1).max(48),
  }),
  z.object({ kind: z.literal('text'), title: printText(120, 'Section title').default(''), paragraphs: z.array(printText(2000, 'Paragraph')).max(50) }),
  z.object({ kind: z.literal('page-break') }),
]);
export type ReportSection = z.input<typeof reportSectionSchema>;

export const reportDocumentSchema = z.object({
  title: requiredPrintText(120, 'Title'),
  subtitle: printText(200, 'Subtitle').default(''),
  siteName: printText(100, 'Site name').default(''),
  generatedAt: instantSchema,
  timeZone: timeZoneSchema,
  orientation: z.enum(['portrait', 'landscape']).default('portrait'),
  sections: z.array(reportSectionSchema).max(200),
  /** file name stem, e.g. "eod-2025-03-14" (letters, digits, - and _) */
  fileStem: z.string().regex(/^[A-Za-z0-9_\-]{1,60}$/).default('report'),
});
export type ReportDocument = z.input<typeof reportDocumentSchema>;
export type ReportDocumentParsed = z.output<typeof reportDocumentSchema>;

/** A finished PDF. */
export interface PrintedPdf {
  /** no PHI: print queues and download folders show it */
  fileName: string;
  pdf: Uint8Array;
  pageCount: number;
}
