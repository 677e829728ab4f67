/**
 * The printing layer: domain-neutral PDF renderers (in memory, never written to disk) + the print API.
 *
 * HOW ANOTHER DOMAIN PRINTS (payments: receipts; EOD: the reconciliation report)
 * ------------------------------------------------------------------------------
 * 1. Declare your own API method in your domain's api file, with `printedPdfSchema` as (part of) its output:
 *
 *      import { printedPdfSchema } from './print.js';          // shared/api/print.ts
 *      'payments.receiptPdf': method({ access: 'session', summary: '…',
 *        input: z.object({ paymentId: uuidSchema, paper: z.enum(['80mm', 'letter']).default('80mm'),
 *                          reprint: z.boolean().default(false) }).strict(),
 *        output: printedPdfSchema }),
 *
 * 2. In its handler, fill the document from your own rows and render it:
 *
 *      import { renderReceipt, toBase64, type ReceiptData } from '../print/index.js';
 *      const data: ReceiptData = { siteName, receiptNumber: 'D2-000153', issuedAt, timeZone, clerk,
 *        patient: { family, given, mrn }, paymentType: 'copay', method: 'cash', amountCents: 2500,
 *        cash: { tenderedCents: 4000, changeCents: 1500 }, reprint: isReprint ? { at: now, by: userName } : undefined };
 *      const out = toBase64(await renderReceipt(data));   // { fileName, pdfBase64, pageCount }
 *      ctx.store.audit(user, { action: 'payment.receipt_printed', entityType: 'payment', entityId, detail: { reprint } });
 *      return out;
 *
 *    The renderers validate their input with the zod schemas of shared/print/documents.ts and throw a ZodError
 *    (bad data from the caller: a bug, not user input) or PrintLayoutError (text that cannot be printed readably,
 *    e.g. a barcode too long for the label); map PrintLayoutError to ApiError('VALIDATION', e.message).
 *    Receipts and reports refuse any text that looks like a card number (Luhn-valid 13-19 digits).
 *
 * 3. In the renderer, show it: `const print = usePrint(); print.open(() => api.call('payments.receiptPdf', {...}),
 *    { title: 'Receipt D2-000153' })` (renderer/print/usePrint.ts): the preview dialog with Print (Enter / Ctrl+P),
 *    Save PDF and Esc.
 *
 * EXPORTED RENDERERS (all async, all return PrintedPdf = { fileName, pdf: Uint8Array, pageCount }):
 *   renderPatientLabels(data: LabelData, copies = 1)  2.25" x 1.25" pages (162 x 90 pt), one label per page
 *   renderWristband(data: WristbandData)              one 1" x 11" page (72 x 792 pt), content turned 90°
 *   renderReceipt(data: ReceiptData)                  80 mm roll (page as long as the receipt) or Letter
 *   renderReport(doc: ReportDocument)                 Letter report: figures, tables, bar charts, text, page numbers
 * Each also takes `{ probe }` (tests: where text and barcodes were drawn, in page coordinates).
 */
export { renderPatientLabels, renderWristband, LABEL_SIZE, WRISTBAND_SIZE, MAX_COPIES } from './labels.js';
export { renderReceipt, RECEIPT_ROLL_WIDTH } from './receipt.js';
export { renderReport } from './report.js';
export { PrintLayoutError, type Probe, type DrawnText, type DrawnBarcode } from './pdf.js';
export { toBase64, printHandlers } from './handlers.js';
export { setOsPrinter, ptToMicrons, type OsPrinter } from './os-print.js';
export type {
  LabelData,
  WristbandData,
  ReceiptData,
  ReportDocument,
  ReportSection,
  PrintedPdf,
} from '../../shared/print/documents.js';
