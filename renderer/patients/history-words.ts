/**
 * The change history in the form's words: a changed field's stored values (patients.history beforeValue/afterValue)
 * written with the option labels the form shows (format.ts: "Not Hispanic or Latino", "HIPAA privacy notice"), and
 * a list entry that changed (a coverage, a consent) as the parts of it that changed ("Primary coverage: Last
 * verified 01/01/2020 → 03/10/2026") rather than two summaries that read the same. A row whose before and after
 * read the same is never shown. Versions without stored values (merge links) use the stored text.
 */
import type { PatientVersion } from '../../shared/domain/patient.js';
import {
  ADDRESS_USE_LABELS,
  CONSENT_LABELS,
  ETHNICITY_LABELS,
  GENDER_LABELS,
  IDENTIFIER_LABELS,
  MARITAL_LABELS,
  PHONE_USE_LABELS,
  PRONOUN_LABELS,
  RACE_LABELS,
  RANK_LABELS,
  RELATIONSHIP_LABELS,
  SEX_LABELS,
  formatPhone,
  languageLabel,
  usDate,
} from './format.js';

export interface HistoryRow {
  key: string;
  label: string;
  before: string;
  after: string;
}

type Change = PatientVersion['changes'][number];
type Obj = Record<string, unknown>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const label = (labels: Record<string, string>, v: unknown) => (typeof v === 'string' ? (labels[v] ?? v) : '');

/** Scalar fields: how the form words their value. */
const SCALAR: Record<string, (v: unknown) => string> = {
  sexAtBirth: (v) => label(SEX_LABELS, v),
  genderIdentity: (v) => (v === '' ? '' : label(GENDER_LABELS, v)),
  pronouns: (v) => (v === '' ? '' : label(PRONOUN_LABELS, v)),
  ethnicity: (v) => (v === '' ? '' : label(ETHNICITY_LABELS, v)),
  maritalStatus: (v) => (v === '' ? '' : label(MARITAL_LABELS, v)),
  preferredLanguage: (v) => (typeof v === 'string' && v ? languageLabel(v) : ''),
  interpreterNeeded: (v) => (v === true ? 'Yes' : 'No'),
  race: (v) => (Array.isArray(v) ? v.map((r) => label(RACE_LABELS, r)).join(', ') : ''),
  birthDate: (v) => (typeof v === 'string' ? usDate(v) : ''),
};

/** Parts of list entries (and the guarantor): the form's field labels, and how their values read. */
const PART_LABEL: Record<string, string> = {
  payerName: 'Payer',
  payerId: 'Payer ID',
  planName: 'Plan',
  memberId: 'Member ID',
  groupNumber: 'Group number',
  subscriberRelationship: 'Subscriber is',
  subscriberGiven: 'Subscriber first name',
  subscriberFamily: 'Subscriber last name',
  subscriberBirthDate: 'Subscriber date of birth',
  effectiveFrom: 'Effective from',
  effectiveTo: 'Effective to',
  lastVerifiedAt: 'Last verified',
  type: 'Type',
  version: 'Form version',
  signedOn: 'Signed on',
  signer: 'Signed by',
  signerRelationship: 'Signer is',
  number: 'Number',
  use: 'Use',
  smsConsent: 'Texts OK',
  line1: 'Address',
  line2: 'Address line 2',
  city: 'City',
  state: 'State',
  postalCode: 'ZIP',
  name: 'Name',
  relationship: 'Relationship',
  phone: 'Phone',
  given: 'First name',
  family: 'Last name',
  birthDate: 'Date of birth',
  address: 'Address',
  value: 'Value',
  until: 'Until',
};

function partValue(list: string, key: string, v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (key === 'subscriberRelationship') return label(RELATIONSHIP_LABELS, v);
  if (key === 'type' && list === 'consents') return label(CONSENT_LABELS, v);
  if (key === 'type' && list === 'identifiers') return label(IDENTIFIER_LABELS, v);
  if (key === 'type' && list === 'guarantor') return v === 'self' ? 'Self' : 'Another person';
  if (key === 'use' && list === 'phones') return label(PHONE_USE_LABELS, v);
  if (key === 'use' && list === 'addresses') return label(ADDRESS_USE_LABELS, v);
  if (key === 'number' || key === 'phone') return formatPhone(String(v));
  if (key === 'rank') return RANK_LABELS[Number(v)] ?? String(v);
  if (typeof v === 'string' && ISO_DATE.test(v)) return usDate(v);
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

/** One entry of a list in a few words (an added or removed entry). */
function entrySummary(list: string, e: Obj): string {
  switch (list) {
    case 'coverages':
      return [`${RANK_LABELS[Number(e.rank)] ?? e.rank}:`, e.payerName, e.planName, e.memberId ? `member ${e.memberId}` : '', e.groupNumber ? `group ${e.groupNumber}` : ''].filter(Boolean).join(' ');
    case 'consents':
      return `${label(CONSENT_LABELS, e.type)} v${e.version} signed ${usDate(String(e.signedOn ?? ''))} by ${e.signer}`;
    case 'identifiers':
      return `${label(IDENTIFIER_LABELS, e.type)}: ${e.value}`;
    case 'phones':
      return `${formatPhone(String(e.number ?? ''))} (${label(PHONE_USE_LABELS, e.use)}${e.smsConsent ? ', texts OK' : ''})`;
    case 'addresses':
      return `${[e.line1, e.line2].filter(Boolean).join(', ')}, ${e.city}, ${e.state} ${e.postalCode} (${label(ADDRESS_USE_LABELS, e.use)})`;
    case 'emergencyContacts':
      return `${e.name} (${e.relationship}) ${formatPhone(String(e.phone ?? ''))}`;
    case 'previousNames':
      return [e.given, e.family].filter(Boolean).join(' ') + (e.until ? ` (until ${usDate(String(e.until))})` : '');
    default:
      return Object.values(e).filter((x) => typeof x === 'string' && x).join(' ');
  }
}

/** Which entry of the other version is "the same" entry: a coverage by rank, a consent or identifier by type. */
function entryKey(list: string, e: Obj, i: number): string {
  if (list === 'coverages') return `rank:${String(e.rank)}`;
  if (list === 'consents' || list === 'identifiers') return `type:${String(e.type)}`;
  return `#${i}`;
}

function entryName(list: string, fieldLabel: string, e: Obj, i: number): string {
  if (list === 'coverages') return `${RANK_LABELS[Number(e.rank)] ?? e.rank} coverage`;
  if (list === 'consents') return `${label(CONSENT_LABELS, e.type)} consent`;
  if (list === 'identifiers') return label(IDENTIFIER_LABELS, e.type);
  return `${ENTRY_WORD[list] ?? fieldLabel} ${i + 1}`;
}

/** One entry of a list field ("Phone 1"). */
const ENTRY_WORD: Record<string, string> = { phones: 'Phone', addresses: 'Address', emergencyContacts: 'Emergency contact', previousNames: 'Previous name' };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const isObj = (v: unknown): v is Obj => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** The parts of two versions of one entry that differ. */
function partRows(list: string, name: string, keyPrefix: string, a: Obj, b: Obj): HistoryRow[] {
  const out: HistoryRow[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (same(a[k], b[k])) continue;
    const before = partValue(list, k, a[k]);
    const after = partValue(list, k, b[k]);
    if (before === after) continue;
    out.push({ key: `${keyPrefix}.${k}`, label: `${name}: ${PART_LABEL[k] ?? k}`, before, after });
  }
  return out;
}

function listRows(field: string, fieldLabel: string, before: unknown, after: unknown): HistoryRow[] {
  const a = (Array.isArray(before) ? before : []).filter(isObj);
  const b = (Array.isArray(after) ? after : []).filter(isObj);
  const aBy = new Map(a.map((e, i) => [entryKey(field, e, i), { e, i }]));
  const bBy = new Map(b.map((e, i) => [entryKey(field, e, i), { e, i }]));
  const out: HistoryRow[] = [];
  for (const [k, { e, i }] of bBy) {
    const old = aBy.get(k);
    if (!old) out.push({ key: `${field}.${k}`, label: `${entryName(field, fieldLabel, e, i)} (added)`, before: '', after: entrySummary(field, e) });
    else if (!same(old.e, e)) out.push(...partRows(field, entryName(field, fieldLabel, e, i), `${field}.${k}`, old.e, e));
  }
  for (const [k, { e, i }] of aBy) {
    if (!bBy.has(k)) out.push({ key: `${field}.${k}`, label: `${entryName(field, fieldLabel, e, i)} (removed)`, before: entrySummary(field, e), after: '' });
  }
  return out;
}

/**
 * The rows of one change: a scalar field is one row; a list (or the guarantor) is a row per entry added or removed
 * and per part of an entry that changed. Rows whose two sides read the same are left out.
 */
export function historyRows(c: Change, fieldLabel: string, withBefore: boolean): HistoryRow[] {
  const hasValues = 'afterValue' in c;
  let rows: HistoryRow[];
  if (!hasValues) {
    rows = [{ key: c.field, label: fieldLabel, before: c.before, after: c.after }];
  } else if (Array.isArray(c.afterValue) && c.field !== 'race') {
    rows = withBefore ? listRows(c.field, fieldLabel, c.beforeValue, c.afterValue) : [{ key: c.field, label: fieldLabel, before: '', after: (c.afterValue as unknown[]).filter(isObj).map((e) => entrySummary(c.field, e)).join('; ') }];
  } else if (c.field === 'guarantor' && withBefore && isObj(c.beforeValue) && isObj(c.afterValue)) {
    rows = partRows('guarantor', 'Guarantor', 'guarantor', c.beforeValue, c.afterValue);
  } else if (c.field === 'guarantor') {
    const g = c.afterValue;
    rows = [{ key: c.field, label: fieldLabel, before: c.before, after: isObj(g) && g.type === 'self' ? 'Self' : c.after }];
  } else {
    const word = SCALAR[c.field];
    rows = [{ key: c.field, label: fieldLabel, before: word ? word(c.beforeValue) : c.before, after: word ? word(c.afterValue) : c.after }];
  }
  return withBefore ? rows.filter((r) => r.before !== r.after) : rows.filter((r) => r.after !== '');
}
