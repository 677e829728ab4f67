import { ApiError } from '../../shared/api/errors.js';
import type { DomainHandlers } from '../api/types.js';

// PLACEHOLDER (being replaced in this session by the patients service): every method refuses.
type PatientMethods = 'patients.search' | 'patients.get' | 'patients.findDuplicates' | 'patients.register' | 'patients.update' | 'patients.history';
const notYet = () => {
  throw new ApiError('INTERNAL', 'Patients are not available yet.');
};
export function patientHandlers(): DomainHandlers<PatientMethods> {
  return {
    'patients.search': notYet,
    'patients.get': notYet,
    'patients.findDuplicates': notYet,
    'patients.register': notYet,
    'patients.update': notYet,
    'patients.history': notYet,
  };
}
