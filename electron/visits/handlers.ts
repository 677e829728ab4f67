import type { DomainHandlers } from '../api/types.js';
import type { MethodName } from '../../shared/api/contract.js';
import { visitMethods } from '../../shared/api/visits.js';
import { ApiError } from '../../shared/api/errors.js';

export type VisitMethodName = keyof typeof visitMethods & MethodName;

/** Handlers of the visits domain (shared/api/visits.ts). INTERIM: the API is committed first; handlers follow. */
export function visitHandlers(): DomainHandlers<VisitMethodName> {
  const out = {} as Record<string, () => never>;
  for (const m of Object.keys(visitMethods)) out[m] = () => { throw new ApiError('INTERNAL', 'Appointments are being built: not available yet.'); };
  return out as unknown as DomainHandlers<VisitMethodName>;
}
