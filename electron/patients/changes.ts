/**
 * Field-level view of a patient document: which fields changed between two versions, as display strings for the
 * change history, and as a {path: newValue} patch for the sync outbox (the hub merges patients field by field).
 *
 * A "field" is a scalar (e.g. 'name.given', 'birthDate') or a whole list ('phones', 'addresses', 'coverages'):
 * lists are replaced as a unit, so a merge never interleaves two desks' phone lists item by item.
 */
import type { PatientInput } from '../../shared/domain/patient.js';
import { MARITAL_LABELS, guarantorAddressLine } from '../../shared/domain/patient.js';
import { formatUsDate } from '../../shared/dates.js';
import { phoneDigits } from '../../shared/text.js';
import { IDENTITY_SYNC_FIELDS, PATIENT_SYNC_FIELDS, type PatientSyncField } from '../../shared/sync/patient-merge.js';

/**
 * Every field of a patient document, in form order. The one list lives in shared/sync/patient-merge.ts (the hub and
 * the desk's sync merge by the same fields); the change history and the outbox patch use it from there.
 */
export const PATIENT_FIELDS = PATIENT_SYNC_FIELDS;
export type PatientField = PatientSyncField;

/** Fields that decide who the patient is: changing one re-runs the duplicate check, and the hub reviews conflicts on them. */
export const IDENTITY_FIELDS: ReadonlySet<PatientField> = IDENTITY_SYNC_FIELDS as ReadonlySet<PatientField>;

export interface FieldChange {
  field: PatientField;
  before: string;
  after: string;
}

export function fieldValue(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** JSON with sorted keys, so two equal values compare equal whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val,
  ) ?? '';
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0);
}

export function formatPhone(s: string): string {
  const d = phoneDigits(s);
  return d.length === 10 ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` : s;
}

const SEX_LABEL: Record<string, string> = { female: 'Female', male: 'Male', unknown: 'Unknown' };
const RANK_LABEL: Record<number, string> = { 1: 'Primary', 2: 'Secondary', 3: 'Tertiary' };

const join = (parts: (string | undefined)[], sep = ' ') => parts.filter((p) => p !== undefined && p !== '').join(sep);

type P = PatientInput;
const list = <T>(items: T[] | undefined, f: (t: T) => string) => (items ?? []).map(f).join('; ');

/** Display string of a field's value, as the change history shows it. */
export function displayField(field: PatientField, v: unknown): string {
  if (v === undefined || v === null) return '';
  switch (field) {
    case 'birthDate':
      return formatUsDate(String(v));
    case 'sexAtBirth':
      return SEX_LABEL[String(v)] ?? String(v);
    case 'interpreterNeeded':
      return v === true ? 'Yes' : 'No';
    case 'maritalStatus':
      return v === '' ? '' : (MARITAL_LABELS[v as P['maritalStatus']] ?? String(v));
    case 'race':
      return (v as string[]).join(', ');
    case 'previousNames':
      return list(v as P['previousNames'], (n) => join([n.given, n.family]) + (n.until ? ` (until ${formatUsDate(n.until)})` : ''));
    case 'addresses':
      return list(v as P['addresses'], (a) => `${join([a.line1, a.line2], ', ')}, ${a.city}, ${a.state} ${a.postalCode} (${a.use})`);
    case 'phones':
      return list(v as P['phones'], (p) => `${formatPhone(p.number)} (${p.use}${p.smsConsent ? ', texts OK' : ''})`);
    case 'emergencyContacts':
      return list(v as P['emergencyContacts'], (c) => `${c.name} (${c.relationship}) ${formatPhone(c.phone)}`);
    case 'guarantor': {
      const g = v as P['guarantor'];
      return g.type === 'self' ? 'Self' : join([g.given, g.family, `(${g.relationship})`, g.birthDate ? formatUsDate(g.birthDate) : '', g.phone ? formatPhone(g.phone) : '', guarantorAddressLine(g.address)]);
    }
    case 'coverages':
      return list(v as P['coverages'], (c) =>
        join([`${RANK_LABEL[c.rank] ?? c.rank}:`, c.payerName, c.planName, `member ${c.memberId}`, c.groupNumber ? `group ${c.groupNumber}` : '']),
      );
    case 'consents':
      return list(v as P['consents'], (c) => `${c.type} v${c.version} signed ${formatUsDate(c.signedOn)} by ${c.signer}`);
    case 'identifiers':
      return list(v as P['identifiers'], (i) => `${i.type}: ${i.value}`);
    default:
      return typeof v === 'string' ? v : canonical(v);
  }
}

/** Fields whose value differs between two documents (`before` null = a new patient: every non-empty field). */
export function diffPatient(before: unknown | null, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of PATIENT_FIELDS) {
    const a = before === null ? undefined : fieldValue(before, field);
    const b = fieldValue(after, field);
    if (before === null ? isEmpty(b) : canonical(a) === canonical(b)) continue;
    // A field that went from "absent" (an older document) to its empty default is not a change a person made.
    if (isEmpty(a) && isEmpty(b)) continue;
    out.push({ field, before: displayField(field, a), after: displayField(field, b) });
  }
  return out;
}

/** The outbox patch: changed field path -> new value (lists as a whole). */
export function patchOf(changes: FieldChange[], after: unknown): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const c of changes) patch[c.field] = fieldValue(after, c.field) ?? null;
  return patch;
}
