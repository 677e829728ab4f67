import { z } from 'zod';
import { text, requiredText, isoDateField, optionalIsoDate, uuidSchema, instantSchema } from './common.js';
import { digits } from '../text.js';
import { approverCredentialsSchema } from './drawer.js';

export const SEX_AT_BIRTH = ['female', 'male', 'unknown'] as const;
export const GENDER_IDENTITY = ['', 'female', 'male', 'non-binary', 'transgender-female', 'transgender-male', 'other', 'asked-declined', 'unknown'] as const;
export const PRONOUNS = ['', 'she/her', 'he/him', 'they/them', 'other', 'asked-declined'] as const;
/** OMB race categories (US Core ombCategory) plus declined. */
export const RACE = ['american-indian-alaska-native', 'asian', 'black-african-american', 'native-hawaiian-pacific-islander', 'white', 'other', 'asked-declined'] as const;
export const ETHNICITY = ['', 'hispanic-latino', 'not-hispanic-latino', 'asked-declined', 'unknown'] as const;
/** HL7 v3 MaritalStatus codes. */
export const MARITAL_STATUS = ['', 'S', 'M', 'D', 'W', 'L', 'T', 'A', 'U'] as const;
export const MARITAL_LABELS: Record<(typeof MARITAL_STATUS)[number], string> = {
  '': 'Not recorded', S: 'Never married', M: 'Married', D: 'Divorced', W: 'Widowed', L: 'Legally separated', T: 'Domestic partner', A: 'Annulled', U: 'Unknown',
};
export const ADDRESS_USE = ['home', 'work', 'temp', 'old'] as const;
export const PHONE_USE = ['mobile', 'home', 'work'] as const;
export const SUBSCRIBER_RELATIONSHIP = ['self', 'spouse', 'child', 'other'] as const;
export const CONSENT_TYPES = ['treatment', 'hipaa-notice', 'financial-policy', 'sms', 'release-of-information'] as const;
export const IDENTIFIER_TYPES = ['ssn-last4', 'drivers-license', 'state-id', 'passport', 'other'] as const;
export const US_STATES = ['AL','AK','AZ','AR','CA','CO','CT','DE','DC','FL','GA','HI','ID','IL','IN','IA','KS','KY','LA','ME','MD','MA','MI','MN','MS','MO','MT','NE','NV','NH','NJ','NM','NY','NC','ND','OH','OK','OR','PA','RI','SC','SD','TN','TX','UT','VT','VA','WA','WV','WI','WY','PR','GU','VI','AS','MP'] as const;

const today = () => new Date().toISOString().slice(0, 10);

export const birthDateSchema = isoDateField('Date of birth').refine((s) => s <= today(), { error: 'Date of birth is in the future' });

export const personNameSchema = z.object({
  prefix: text(20, 'Prefix').default(''),
  given: requiredText(60, 'First name'),
  middle: text(60, 'Middle name').default(''),
  family: requiredText(80, 'Last name'),
  suffix: text(20, 'Suffix').default(''),
});

export const previousNameSchema = z.object({
  given: text(60, 'First name').default(''),
  family: requiredText(80, 'Previous last name'),
  until: optionalIsoDate('Used until').default(''),
});

/** 10-digit US phone number, typed in any format. */
export const phoneNumberSchema = z
  .string()
  .max(30, { error: 'Phone number is too long' })
  .refine((s) => {
    const d = digits(s);
    return d.length === 10 || (d.length === 11 && d.startsWith('1'));
  }, { error: 'Phone number needs 10 digits' })
  .refine((s) => /^[\d\s()+.\-]*$/.test(s), { error: 'Phone number may contain only digits, spaces and ( ) - . +' });

export const addressSchema = z.object({
  use: z.enum(ADDRESS_USE).default('home'),
  line1: requiredText(100, 'Street'),
  line2: text(100, 'Address line 2').default(''),
  city: requiredText(60, 'City'),
  state: z.enum(US_STATES, { error: 'Choose a state' }),
  postalCode: z.string().regex(/^\d{5}(-?\d{4})?$/, { error: 'ZIP code is 5 or 9 digits' }),
  country: z.literal('US').default('US'),
});

export const phoneSchema = z.object({
  use: z.enum(PHONE_USE).default('mobile'),
  number: phoneNumberSchema,
  smsConsent: z.boolean().default(false),
});

export const emergencyContactSchema = z.object({
  name: requiredText(120, 'Contact name'),
  relationship: requiredText(40, 'Relationship'),
  phone: phoneNumberSchema,
});

/**
 * The guarantor's address: street, line 2, city, state, ZIP (each optional: the guarantor's address is not required),
 * and whether it is the patient's (the form then copies the patient's first address into it, so the stored address is
 * always complete in itself). Records saved before it was structured hold one free-text line: read as `line1` (see
 * `guarantorAddressOf`), so both shapes are accepted everywhere (form, API, sync).
 */
export const guarantorAddressSchema = z.object({
  sameAsPatient: z.boolean().default(false),
  line1: text(200, 'Guarantor street').default(''),
  line2: text(100, 'Guarantor address line 2').default(''),
  city: text(60, 'Guarantor city').default(''),
  state: z.union([z.literal(''), z.enum(US_STATES)], { error: 'Choose a state' }).default(''),
  postalCode: z.union([z.literal(''), z.string().regex(/^\d{5}(-?\d{4})?$/, { error: 'ZIP code is 5 or 9 digits' })]).default(''),
});
export type GuarantorAddress = z.output<typeof guarantorAddressSchema>;

export function emptyGuarantorAddress(): GuarantorAddress {
  return { sameAsPatient: false, line1: '', line2: '', city: '', state: '', postalCode: '' };
}

/** A stored guarantor address in either shape (the old free-text line, or the structured object) as the object. */
export function guarantorAddressOf(v: unknown): unknown {
  if (v === undefined || v === null) return emptyGuarantorAddress();
  if (typeof v === 'string') return { ...emptyGuarantorAddress(), line1: v };
  return v;
}

/** A patient document with its guarantor address in the structured shape (for documents stored before it was). */
export function normalizeGuarantor<T extends { guarantor?: unknown }>(doc: T): T {
  const g = doc.guarantor as { type?: string; address?: unknown } | undefined;
  if (!g || g.type !== 'person' || (typeof g.address === 'object' && g.address !== null)) return doc;
  return { ...doc, guarantor: { ...g, address: guarantorAddressOf(g.address) } };
}

/** One line for a guarantor address ("2417 W Division St, Apt 3B, Chicago, IL 60622"). */
export function guarantorAddressLine(v: unknown): string {
  const a = guarantorAddressOf(v) as Partial<GuarantorAddress>;
  const cityLine = [a.city, [a.state, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [a.line1, a.line2, cityLine].filter(Boolean).join(', ');
}

export const guarantorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('self') }),
  z.object({
    type: z.literal('person'),
    given: requiredText(60, 'Guarantor first name'),
    family: requiredText(80, 'Guarantor last name'),
    relationship: requiredText(40, 'Relationship to patient'),
    birthDate: optionalIsoDate('Guarantor date of birth').default(''),
    phone: z.union([z.literal(''), phoneNumberSchema]).default(''),
    address: z.preprocess(guarantorAddressOf, guarantorAddressSchema),
  }),
]);

export const coverageSchema = z
  .object({
    rank: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'Rank is primary, secondary or tertiary' }),
    payerName: requiredText(100, 'Payer'),
    payerId: text(20, 'Payer id').default(''),
    planName: text(100, 'Plan').default(''),
    memberId: requiredText(40, 'Member id').refine((s) => /^[A-Za-z0-9\-]+$/.test(s), { error: 'Member id may contain letters, digits and -' }),
    groupNumber: text(40, 'Group number').default(''),
    subscriberRelationship: z.enum(SUBSCRIBER_RELATIONSHIP).default('self'),
    subscriberGiven: text(60, 'Subscriber first name').default(''),
    subscriberFamily: text(80, 'Subscriber last name').default(''),
    subscriberBirthDate: optionalIsoDate('Subscriber date of birth').default(''),
    effectiveFrom: optionalIsoDate('Effective from').default(''),
    effectiveTo: optionalIsoDate('Effective to').default(''),
    lastVerifiedAt: optionalIsoDate('Last verified').default(''),
  })
  .superRefine((c, ctx) => {
    if (c.subscriberRelationship !== 'self') {
      if (!c.subscriberGiven) ctx.addIssue({ code: 'custom', path: ['subscriberGiven'], message: 'Subscriber first name is required when the patient is not the subscriber' });
      if (!c.subscriberFamily) ctx.addIssue({ code: 'custom', path: ['subscriberFamily'], message: 'Subscriber last name is required when the patient is not the subscriber' });
    }
    if (c.effectiveFrom && c.effectiveTo && c.effectiveTo < c.effectiveFrom) {
      ctx.addIssue({ code: 'custom', path: ['effectiveTo'], message: 'Coverage ends before it starts' });
    }
  });

export const consentSchema = z.object({
  type: z.enum(CONSENT_TYPES),
  version: requiredText(20, 'Consent version'),
  signedOn: isoDateField('Signed on').refine((s) => s <= today(), { error: 'Signed date is in the future' }),
  signer: requiredText(120, 'Signer'),
  signerRelationship: text(40, 'Signer relationship').default('self'),
});

export const identifierSchema = z
  .object({ type: z.enum(IDENTIFIER_TYPES), value: requiredText(40, 'Identifier') })
  .superRefine((i, ctx) => {
    if (i.type === 'ssn-last4' && !/^\d{4}$/.test(i.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'SSN: enter the last 4 digits only' });
  });

/** What a clerk registers or edits. */
export const patientInputSchema = z
  .object({
    name: personNameSchema,
    preferredName: text(60, 'Preferred name').default(''),
    previousNames: z.array(previousNameSchema).max(10).default([]),
    birthDate: birthDateSchema,
    sexAtBirth: z.enum(SEX_AT_BIRTH, { error: 'Choose sex assigned at birth' }),
    genderIdentity: z.enum(GENDER_IDENTITY).default(''),
    pronouns: z.enum(PRONOUNS).default(''),
    race: z.array(z.enum(RACE)).max(RACE.length).default([]),
    ethnicity: z.enum(ETHNICITY).default(''),
    preferredLanguage: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'Language code like en or es' }).default('en'),
    interpreterNeeded: z.boolean().default(false),
    maritalStatus: z.enum(MARITAL_STATUS).default(''),
    addresses: z.array(addressSchema).max(5).default([]),
    phones: z.array(phoneSchema).max(5).default([]),
    email: z.union([z.literal(''), z.string().max(254).email({ error: 'Not a valid email address' })]).default(''),
    emergencyContacts: z.array(emergencyContactSchema).max(5).default([]),
    guarantor: guarantorSchema.default({ type: 'self' }),
    coverages: z.array(coverageSchema).max(3).default([]),
    consents: z.array(consentSchema).max(20).default([]),
    identifiers: z.array(identifierSchema).max(10).default([]),
  })
  .superRefine((p, ctx) => {
    const ranks = new Set<number>();
    p.coverages.forEach((c, i) => {
      if (ranks.has(c.rank)) ctx.addIssue({ code: 'custom', path: ['coverages', i, 'rank'], message: 'Two coverages have the same rank' });
      ranks.add(c.rank);
    });
    if (p.coverages.length > 0 && !ranks.has(1)) ctx.addIssue({ code: 'custom', path: ['coverages', 0, 'rank'], message: 'Coverages need a primary' });
    if (p.guarantor.type === 'person' && p.guarantor.address.sameAsPatient && p.addresses.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['guarantor', 'address', 'sameAsPatient'], message: 'The patient has no address yet: add it under Contact, or type the guarantor’s' });
    }
  });

export type PatientInput = z.infer<typeof patientInputSchema>;
/** The guarantor as the form holds it: the address always in the structured shape (the schema also takes the old line). */
type GuarantorFormValues =
  | { type: 'self' }
  | (Omit<Extract<z.input<typeof guarantorSchema>, { type: 'person' }>, 'address'> & { address: z.input<typeof guarantorAddressSchema> });
export type PatientFormValues = Omit<z.input<typeof patientInputSchema>, 'guarantor'> & { guarantor?: GuarantorFormValues };

export const patientSchema = patientInputSchema.safeExtend({
  id: uuidSchema,
  mrn: z.string(),
  version: z.number().int().positive(),
  createdAt: instantSchema,
  updatedAt: instantSchema,
  /** Set when this record was merged into another one (link-and-survivor): the surviving patient's id. */
  mergedInto: z.string().nullable().default(null),
});
export type Patient = z.infer<typeof patientSchema>;

/** One search result row: just enough to pick the right patient. */
export const patientHitSchema = z.object({
  id: uuidSchema,
  mrn: z.string(),
  family: z.string(),
  given: z.string(),
  middle: z.string(),
  suffix: z.string(),
  preferredName: z.string(),
  birthDate: z.string(),
  sexAtBirth: z.enum(SEX_AT_BIRTH),
  phone: z.string(),
  /** why it matched: 'name' | 'dob' | 'mrn' | 'phone' | 'previous-name' ... */
  matchedOn: z.array(z.string()),
  score: z.number(),
  /** search only: found by a forgiving reading (spelling, nickname, sounds-like...), not by what was typed exactly */
  near: z.boolean().optional(),
});
export type PatientHit = z.infer<typeof patientHitSchema>;

export const duplicateMatchSchema = z.object({
  patient: patientHitSchema,
  score: z.number(),
  level: z.enum(['likely', 'possible']),
  reasons: z.array(z.string()),
});
export type DuplicateMatch = z.infer<typeof duplicateMatchSchema>;

export const duplicateOverrideSchema = z.object({
  reason: requiredText(500, 'Override reason').refine((s) => s.length >= 10, { error: 'Say why in at least 10 characters' }),
  matchIds: z.array(uuidSchema).max(50),
  /** a supervisor's user name and password, when the site requires approval (site setting requireDuplicateApproval) */
  approver: approverCredentialsSchema.optional(),
});

/**
 * A record saved anyway as a likely duplicate of another (one flag per likely match): shown on both records and
 * listed in the review queue until a supervisor merges the pair or decides they are different people.
 */
export const duplicateFlagSchema = z.object({
  id: z.string(),
  /** the record that was saved anyway */
  patientId: z.string(),
  /** the existing record it likely duplicates */
  matchId: z.string(),
  matchMrn: z.string(),
  patientMrn: z.string(),
  score: z.number(),
  reasons: z.array(z.string()),
  reason: z.string(),
  savedBy: z.object({ userId: z.string(), userName: z.string() }),
  approvedBy: z.object({ userId: z.string(), userName: z.string() }).nullable(),
  createdAt: z.string(),
  status: z.enum(['open', 'resolved']),
  resolution: z
    .object({ resolution: z.enum(['merged', 'not-duplicate']), note: z.string(), resolvedAt: z.string(), userId: z.string(), userName: z.string() })
    .nullable(),
});
export type DuplicateFlag = z.infer<typeof duplicateFlagSchema>;

export const patientVersionSchema = z.object({
  version: z.number().int(),
  changedAt: instantSchema,
  changedBy: z.string(),
  changedByName: z.string(),
  /** merged-into: this record was merged into another; merged: another record was merged into this one; unmerged: a merge was undone;
   *  synced: another desk's change arrived through the clinic hub */
  action: z.enum(['registered', 'edited', 'merged-into', 'merged', 'unmerged', 'synced']),
  changes: z.array(
    z.object({
      field: z.string(),
      before: z.string(),
      after: z.string(),
      /** the stored values (null: none / not known), for the screen to word with the form's labels */
      beforeValue: z.unknown().optional(),
      afterValue: z.unknown().optional(),
    }),
  ),
});
export type PatientVersion = z.infer<typeof patientVersionSchema>;

export function emptyPatientForm(): PatientFormValues {
  return {
    name: { prefix: '', given: '', middle: '', family: '', suffix: '' },
    preferredName: '',
    previousNames: [],
    birthDate: '',
    sexAtBirth: undefined as unknown as 'unknown',
    genderIdentity: '',
    pronouns: '',
    race: [],
    ethnicity: '',
    preferredLanguage: 'en',
    interpreterNeeded: false,
    maritalStatus: '',
    addresses: [],
    phones: [],
    email: '',
    emergencyContacts: [],
    guarantor: { type: 'self' },
    coverages: [],
    consents: [],
    identifiers: [],
  };
}
