import type { Handlers } from './types.js';
import type { SessionTable } from '../users/sessions.js';
import { userHandlers } from '../users/handlers.js';
import { patientHandlers } from '../patients/handlers.js';
import { auditHandlers } from '../audit/handlers.js';
import { syncHandlers } from '../sync/handlers.js';
import { mergeHandlers } from '../patients/merge.js';
import { visitHandlers } from '../visits/handlers.js';
import { visitImportHandlers } from '../visits/import/handlers.js';
import { paymentHandlers } from '../payments/handlers.js';
import { printHandlers } from '../print/handlers.js';

/** The one handler table, composed from the domains. `satisfies Handlers` makes a missing or extra method a type error. */
export function createHandlers(deps: { sessions: SessionTable }): Handlers {
  return {
    ...userHandlers(deps.sessions),
    ...patientHandlers(),
    ...auditHandlers(),
    ...syncHandlers(),
    ...mergeHandlers(),
    ...visitHandlers(),
    ...visitImportHandlers(),
    ...paymentHandlers(),
    ...printHandlers(),
  } satisfies Handlers;
}
