import type { DomainHandlers } from '../api/types.js';
import type { MethodName } from '../../shared/api/contract.js';
import type { visitMethods } from '../../shared/api/visits.js';

export type VisitMethodName = keyof typeof visitMethods & MethodName;

/** Handlers of the visits domain (shared/api/visits.ts). */
export function visitHandlers(): DomainHandlers<VisitMethodName> {
  return {};
}
