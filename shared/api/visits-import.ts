/**
 * API of the desk's CSV appointment import (administrator). Spread into the one contract (shared/api/contract.ts);
 * handlers in electron/visits/import/handlers.ts; column spec in shared/visits/feeds/csv.ts.
 *
 * Policy: ALL OR NOTHING. The preview lists every row with its errors; 'visits.importCsv' re-checks the same text in
 * the import's one transaction and refuses the whole import (VALIDATION, nothing written) while any row has an
 * error: the administrator fixes the file (or deletes the bad rows from it) and imports again. Rows already imported
 * (same external id, same details) are skipped, so importing the same file twice books nothing twice.
 */
import { z } from 'zod';
import { method } from './define.js';
import { CSV_COLUMNS, MAX_IMPORT_CHARS } from '../visits/feeds/csv-columns.js';

const csvText = z
  .string({ error: 'Paste or choose a CSV file' })
  .min(1, { error: 'Paste or choose a CSV file' })
  .max(MAX_IMPORT_CHARS, { error: `The file is larger than ${MAX_IMPORT_CHARS.toLocaleString('en-US')} characters: split it` });

export const importRowErrorSchema = z.object({ column: z.union([z.literal(''), z.enum(CSV_COLUMNS)]), message: z.string() });

export const importPatientSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('linked'), patientId: z.string(), name: z.string(), mrn: z.string(), via: z.enum(['mrn', 'score']) }),
  z.object({ kind: z.literal('pending'), name: z.string(), birthDate: z.string(), why: z.string() }),
  z.object({ kind: z.literal('none') }),
]);

export const importRowSchema = z.object({
  /** line in the file (header = 1) */
  line: z.number().int(),
  externalId: z.string(),
  /** UTC instant, null when the date/time are invalid */
  start: z.string().nullable(),
  /** "01/06/2026 14:00" in the site's time zone ('' when invalid) */
  when: z.string(),
  durationMin: z.number().int().nullable(),
  department: z.string(),
  provider: z.string(),
  type: z.string(),
  patient: importPatientSchema,
  status: z.enum(['new', 'already-imported', 'error']),
  errors: z.array(importRowErrorSchema),
});
export type ImportRow = z.infer<typeof importRowSchema>;

export const importPreviewSchema = z.object({
  fileErrors: z.array(z.string()),
  rows: z.array(importRowSchema),
  counts: z.object({ total: z.number().int(), new: z.number().int(), alreadyImported: z.number().int(), errors: z.number().int(), pendingPatients: z.number().int() }),
  timeZone: z.string(),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

export const visitImportMethods = {
  'visits.importPreview': method({
    access: 'administrator',
    summary: 'Check a CSV of appointments: every row with its errors and the patient it would be linked to (writes nothing).',
    input: z.object({ csv: csvText }).strict(),
    output: importPreviewSchema,
  }),
  'visits.importCsv': method({
    access: 'administrator',
    summary: 'Import a CSV of appointments: all new rows in one transaction, or nothing while any row has an error.',
    input: z.object({ csv: csvText }).strict(),
    output: z.object({ imported: z.number().int(), skipped: z.number().int(), appointmentIds: z.array(z.string()), businessDates: z.array(z.string()) }),
  }),
} as const;
