import type { PatientFormValues } from '../../shared/domain/patient.js';

type Partial2<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

/** A complete, valid patient as a clerk would type it; override any field. */
export function patientInput(over: Partial2<PatientFormValues> = {}): PatientFormValues {
  const { name, ...rest } = over;
  return {
    name: { prefix: '', given: 'Maria', middle: 'Elena', family: 'Gonzalez', suffix: '', ...name },
    preferredName: '',
    previousNames: [],
    birthDate: '1984-03-12',
    sexAtBirth: 'female',
    genderIdentity: '',
    pronouns: '',
    race: [],
    ethnicity: 'hispanic-latino',
    preferredLanguage: 'es',
    interpreterNeeded: false,
    maritalStatus: 'M',
    addresses: [{ use: 'home', line1: '12 Oak Street', line2: '', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' }],
    phones: [{ use: 'mobile', number: '(217) 555-0101', smsConsent: true }],
    email: 'maria.gonzalez@example.com',
    emergencyContacts: [],
    guarantor: { type: 'self' },
    coverages: [],
    consents: [],
    identifiers: [],
    ...(rest as Partial<PatientFormValues>),
  };
}

/** A minimal valid patient (only the required fields). */
export function minimalPatient(given: string, family: string, birthDate: string, sexAtBirth: 'female' | 'male' | 'unknown' = 'unknown'): PatientFormValues {
  return { name: { given, family }, birthDate, sexAtBirth } as PatientFormValues;
}
