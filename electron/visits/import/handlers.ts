import type { DomainHandlers } from '../../api/types.js';
import { requireUser } from '../../api/types.js';
import type { MethodName } from '../../../shared/api/contract.js';
import type { visitImportMethods } from '../../../shared/api/visits-import.js';
import { importCsv, previewImport } from './import.js';

export type VisitImportMethodName = keyof typeof visitImportMethods & MethodName;

/** Handlers of the CSV appointment import (shared/api/visits-import.ts). */
export function visitImportHandlers(): DomainHandlers<VisitImportMethodName> {
  return {
    'visits.importPreview': (i, ctx) => previewImport(ctx.store, requireUser(ctx), i.csv),
    'visits.importCsv': (i, ctx) => {
      const r = importCsv(ctx.store, requireUser(ctx), i.csv);
      if (r.imported > 0) ctx.emit('visits.changed', { ids: r.appointmentIds, businessDates: r.businessDates });
      return r;
    },
  };
}
