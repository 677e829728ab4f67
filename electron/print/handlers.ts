/**
 * Handlers of the printing API (shared/api/print.ts). 'print.patientLabel' renders in memory (never a file), audits the
 * print of the patient (docs/design.md: every print of a patient is audited; the detail holds the format and copies, no
 * PHI) and returns the PDF as base64. Nothing here logs patient data.
 */
import { ApiError } from '../../shared/api/errors.js';
import type { printMethods } from '../../shared/api/print.js';
import type { MethodName } from '../../shared/api/contract.js';
import type { DomainHandlers } from '../api/types.js';
import { requireUser } from '../api/types.js';
import { patientRow, toPatient } from '../patients/repo.js';
import { readSettings } from '../users/repo.js';
import { renderPatientLabels, renderWristband } from './labels.js';
import { PrintLayoutError } from './pdf.js';
import { osPrinter } from './os-print.js';
import type { PrintedPdf } from '../../shared/print/documents.js';

export type PrintMethodName = keyof typeof printMethods & MethodName;

export function toBase64(p: PrintedPdf): { fileName: string; pdfBase64: string; pageCount: number } {
  return { fileName: p.fileName, pdfBase64: Buffer.from(p.pdf).toString('base64'), pageCount: p.pageCount };
}

export function printHandlers(): DomainHandlers<PrintMethodName> {
  return {
    'print.patientLabel': async (input, ctx) => {
      const user = requireUser(ctx);
      const row = patientRow(ctx.store.db, input.patientId);
      if (!row) throw new ApiError('NOT_FOUND', 'This patient record does not exist on this desk.');
      const p = toPatient(row);
      if (p.mergedInto) {
        const survivor = patientRow(ctx.store.db, p.mergedInto);
        throw new ApiError('CONFLICT', `This record was merged${survivor ? ` into MRN ${survivor.mrn}` : ''}. Print from the surviving record.`);
      }
      const timeZone = readSettings(ctx.store.db)?.timeZone ?? 'UTC';
      const patient = { family: p.name.family, given: p.name.given, middle: p.name.middle, birthDate: p.birthDate, sex: p.sexAtBirth, mrn: p.mrn };
      let pdf: PrintedPdf;
      try {
        pdf =
          input.format === 'wristband'
            ? await renderWristband({ patient, visit: input.appointment, timeZone })
            : await renderPatientLabels({ patient, visit: input.appointment, timeZone }, input.copies);
      } catch (e) {
        if (e instanceof PrintLayoutError) throw new ApiError('VALIDATION', e.message);
        throw e;
      }
      ctx.store.audit(user, {
        action: 'patient.printed',
        entityType: 'patient',
        entityId: p.id,
        detail: { document: input.format, copies: input.format === 'wristband' ? 1 : input.copies, visit: Boolean(input.appointment), version: p.version },
      });
      return toBase64(pdf);
    },

    'print.osPrint': async (input, ctx) => {
      requireUser(ctx);
      const printer = osPrinter();
      const run = printer?.(ctx.sessionKey, { widthPt: input.widthPt, heightPt: input.heightPt, landscape: input.landscape });
      if (!run) return { outcome: 'browser' as const };
      return { outcome: await run };
    },
  };
}
