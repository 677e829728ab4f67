import { ApiError } from '../../shared/api/errors.js';
import type { DomainHandlers } from '../api/types.js';

// PLACEHOLDER (the merge work replaces this in this session).
const notYet = () => {
  throw new ApiError('INTERNAL', 'Merging patients is not available yet.');
};
export function mergeHandlers(): DomainHandlers<'patients.merge' | 'patients.unmerge'> {
  return { 'patients.merge': notYet, 'patients.unmerge': notYet };
}
