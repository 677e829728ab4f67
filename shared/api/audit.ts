/**
 * The audit log's filters and its entries as the administrator reads them (names and plain words next to the stored
 * fields), and the CSV export. audit.list is declared in the contract with these schemas; audit.export is spread into
 * it. Handlers: electron/audit/handlers.ts.
 */
import { z } from 'zod';
import { method } from './define.js';
import { optionalIsoDate, text, uuidSchema } from '../domain/common.js';
import { auditEntrySchema } from '../domain/user.js';

/** Filters every field of which narrows (empty = any). Dates are the site's business dates, both included. */
export const auditFilterFields = {
  /** action prefix (an area like "patient.", or the old free-text prefix) */
  action: text(60).default(''),
  /** exactly these actions (the screen's action filter) */
  actions: z.array(text(60)).max(50).default([]),
  /** entries about this patient: the record itself, its appointments and payments, entries that name it */
  patientId: z.union([z.literal(''), uuidSchema]).default(''),
  /** entries written by this user ('system' for AccessDesk itself) */
  userId: text(60).default(''),
  from: optionalIsoDate('From date').default(''),
  to: optionalIsoDate('To date').default(''),
};

/** The date range reads forwards. */
export function refineAuditDates(f: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (f.from && f.to && f.to < f.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date is before the start date' });
}

export const auditFilterSchema = z.object(auditFilterFields).strict().superRefine(refineAuditDates);
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** An entry with what it means in words: who (display name), about what (patient name and MRN, ...), what happened. */
export const auditListEntrySchema = auditEntrySchema.extend({
  actionLabel: z.string(),
  /** the entity in words: "Varga, Ottoline (MRN 0000123)", "Ada Admin (admin)", "Visit 12/08/2026 9:00 AM: …" */
  subject: z.string(),
  details: z.array(z.object({ label: z.string(), value: z.string() })),
});
export type AuditListEntry = z.infer<typeof auditListEntrySchema>;

/** The most rows one export holds; more is said (truncated), never cut silently. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

export const auditMethods = {
  'audit.export': method({
    access: 'administrator',
    summary: 'The filtered audit log as CSV, newest first, in plain words (formula-safe cells). The export is itself audited.',
    input: auditFilterSchema,
    output: z.object({ fileName: z.string(), csv: z.string(), rows: z.number().int(), truncated: z.boolean() }),
  }),
} as const;
