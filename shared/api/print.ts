/**
 * API methods of the printing layer (labels, wristbands; receipts and reports are rendered by the payments/EOD
 * methods that own their data, with the renderers in electron/print/). Spread into the one contract
 * (shared/api/contract.ts); handlers in electron/print/handlers.ts.
 */
import { z } from 'zod';
import { method } from './define.js';
import { uuidSchema, instantSchema, text } from '../domain/common.js';

/** A PDF made in memory, base64 for the transports. `fileName` holds no PHI (print queues and download folders show it). */
export const printedPdfSchema = z.object({
  fileName: z.string(),
  pdfBase64: z.string(),
  pageCount: z.number().int(),
});
export type PrintedPdfOutput = z.infer<typeof printedPdfSchema>;

export const printMethods = {
  'print.patientLabel': method({
    access: 'session',
    summary: 'A patient/visit label sheet (2.25" x 1.25", N copies) or an adult wristband (1" x 11") as a PDF; recorded as a print of the patient in the audit log.',
    input: z
      .object({
        patientId: uuidSchema,
        format: z.enum(['label', 'wristband']),
        copies: z.number().int().min(1, { error: 'At least one copy' }).max(50, { error: 'At most 50 copies at once' }).default(1),
        /** optional visit information passed in by the caller (check-in, the board) */
        appointment: z
          .object({
            at: instantSchema,
            provider: text(80, 'Provider').default(''),
            department: text(80, 'Department').default(''),
            visitNumber: z.string().regex(/^[\x21-\x7e]{0,20}$/, { error: 'Visit number must be up to 20 letters or digits' }).default(''),
          })
          .strict()
          .optional(),
      })
      .strict(),
    output: printedPdfSchema,
  }),
  'print.osPrint': method({
    access: 'session',
    summary: 'Electron: open the OS print dialog for the print view the window is showing, at the exact media size. The web host answers "browser" (the page prints itself).',
    input: z
      .object({
        widthPt: z.number().positive().max(5000),
        heightPt: z.number().positive().max(20000),
        landscape: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ outcome: z.enum(['printed', 'cancelled', 'browser', 'failed']) }),
  }),
} as const;
