/**
 * How the patient screens show things: names ("Last, First Middle Suffix "Preferred""), dates (MM/DD/YYYY), ages,
 * phones, and the labels of every coded value of the patient schema. Pure functions, no PHI kept anywhere.
 */
import { businessDate, formatUsDate, parseIsoDate } from '../../shared/dates.js';
import { phoneDigits } from '../../shared/text.js';
import {
  MARITAL_LABELS,
  type GENDER_IDENTITY,
  type PRONOUNS,
  type RACE,
  type ETHNICITY,
  type CONSENT_TYPES,
  type IDENTIFIER_TYPES,
  type SEX_AT_BIRTH,
  type PHONE_USE,
  type ADDRESS_USE,
  type SUBSCRIBER_RELATIONSHIP,
} from '../../shared/domain/patient.js';
import { useSession } from '../app/session.js';

export interface NameLike {
  family: string;
  given: string;
  middle?: string;
  suffix?: string;
  preferredName?: string;
}

/** "García-O'Brien, José M Jr" (no preferred name). */
export function legalName(n: NameLike): string {
  const rest = [n.given, n.middle, n.suffix].filter(Boolean).join(' ');
  return rest ? `${n.family}, ${rest}` : n.family;
}

/** "García-O'Brien, José M Jr “Pepe”" */
export function displayName(n: NameLike): string {
  return n.preferredName ? `${legalName(n)} “${n.preferredName}”` : legalName(n);
}

export function usDate(iso: string): string {
  return iso ? formatUsDate(iso) : '';
}

/** Whole years (or months under 2 years) between a birth date and `today` (both ISO). */
export function age(birthIso: string, today: string): string {
  const b = parseIsoDate(birthIso);
  const t = parseIsoDate(today);
  if (!b || !t) return '';
  let months = (t.y - b.y) * 12 + (t.m - b.m);
  if (t.d < b.d) months -= 1;
  if (months < 0) return '';
  if (months < 24) return `${months} mo`;
  return `${Math.floor(months / 12)} y`;
}

/** The site's business date (its time zone), falling back to the browser's. */
export function siteToday(): string {
  const tz = useSession.getState().settings?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return businessDate(tz);
}

export function siteTimeZone(): string {
  return useSession.getState().settings?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "(312) 555-0147" for 10 US digits; anything else as stored. */
export function formatPhone(s: string): string {
  const d = phoneDigits(s);
  return d.length === 10 ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` : s;
}

/** An instant in the site's time zone: "03/14/2025 2:05 PM CDT". */
export function siteDateTime(instant: string, timeZone = siteTimeZone()): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  })
    .format(d)
    .replace(',', '');
}

type Labels<T extends readonly string[]> = Record<T[number], string>;

export const SEX_LABELS: Labels<typeof SEX_AT_BIRTH> = { female: 'Female', male: 'Male', unknown: 'Unknown' };
export const GENDER_LABELS: Labels<typeof GENDER_IDENTITY> = {
  '': 'Not recorded',
  female: 'Female',
  male: 'Male',
  'non-binary': 'Non-binary',
  'transgender-female': 'Transgender female',
  'transgender-male': 'Transgender male',
  other: 'Other',
  'asked-declined': 'Asked, declined',
  unknown: 'Unknown',
};
export const PRONOUN_LABELS: Labels<typeof PRONOUNS> = {
  '': 'Not recorded',
  'she/her': 'she/her',
  'he/him': 'he/him',
  'they/them': 'they/them',
  other: 'Other',
  'asked-declined': 'Asked, declined',
};
export const RACE_LABELS: Labels<typeof RACE> = {
  'american-indian-alaska-native': 'American Indian or Alaska Native',
  asian: 'Asian',
  'black-african-american': 'Black or African American',
  'native-hawaiian-pacific-islander': 'Native Hawaiian or Other Pacific Islander',
  white: 'White',
  other: 'Other',
  'asked-declined': 'Asked, declined',
};
export const ETHNICITY_LABELS: Labels<typeof ETHNICITY> = {
  '': 'Not recorded',
  'hispanic-latino': 'Hispanic or Latino',
  'not-hispanic-latino': 'Not Hispanic or Latino',
  'asked-declined': 'Asked, declined',
  unknown: 'Unknown',
};
export { MARITAL_LABELS };
export const CONSENT_LABELS: Labels<typeof CONSENT_TYPES> = {
  treatment: 'Consent to treat',
  'hipaa-notice': 'HIPAA privacy notice',
  'financial-policy': 'Financial policy',
  sms: 'Text messages',
  'release-of-information': 'Release of information',
};
export const IDENTIFIER_LABELS: Labels<typeof IDENTIFIER_TYPES> = {
  'ssn-last4': 'SSN (last 4)',
  'drivers-license': "Driver's license",
  'state-id': 'State ID',
  passport: 'Passport',
  other: 'Other',
};
export const PHONE_USE_LABELS: Labels<typeof PHONE_USE> = { mobile: 'Mobile', home: 'Home', work: 'Work' };
export const ADDRESS_USE_LABELS: Labels<typeof ADDRESS_USE> = { home: 'Home', work: 'Work', temp: 'Temporary', old: 'Old' };
export const RELATIONSHIP_LABELS: Labels<typeof SUBSCRIBER_RELATIONSHIP> = { self: 'Self', spouse: 'Spouse', child: 'Child', other: 'Other' };
export const RANK_LABELS: Record<number, string> = { 1: 'Primary', 2: 'Secondary', 3: 'Tertiary' };

/** Preferred languages offered first (codes as stored: ISO 639-1 / BCP 47). */
export const LANGUAGES: { value: string; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Spanish (Español)' },
  { value: 'zh', label: 'Chinese (中文)' },
  { value: 'vi', label: 'Vietnamese (Tiếng Việt)' },
  { value: 'ko', label: 'Korean (한국어)' },
  { value: 'tl', label: 'Tagalog' },
  { value: 'ar', label: 'Arabic (العربية)' },
  { value: 'ru', label: 'Russian (Русский)' },
  { value: 'fr', label: 'French (Français)' },
  { value: 'ht', label: 'Haitian Creole (Kreyòl)' },
  { value: 'pt', label: 'Portuguese (Português)' },
  { value: 'de', label: 'German (Deutsch)' },
];

export function languageLabel(code: string): string {
  return LANGUAGES.find((l) => l.value === code)?.label ?? code;
}

/** What a search hit matched on, in words. */
export const MATCHED_ON_LABELS: Record<string, string> = {
  name: 'Name',
  dob: 'DOB',
  mrn: 'MRN',
  phone: 'Phone',
  'previous-name': 'Previous name',
  'preferred-name': 'Preferred name',
  'name-part': 'Part of name',
  // near (forgiving) matches, and what else a search can match on
  spelling: 'Similar spelling',
  'sounds-like': 'Sounds alike',
  nickname: 'Nickname',
  transliteration: 'ü = ue spelling',
  saint: 'St. = Saint',
  suffix: 'Suffix',
  'phone-ending': 'Phone ending',
  'phone-local': 'Local number',
};

export function matchedOnLabel(k: string): string {
  return MATCHED_ON_LABELS[k] ?? k.replace(/-/g, ' ');
}

export function options<T extends string>(labels: Record<T, string>): { value: T; label: string }[] {
  return (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
}
