/**
 * Field-level merge of patients, shared by the hub and (later) the desk's sync worker so both reach the same state
 * from the same ops in any order.
 *
 * A patient is a set of fields (PATIENT_SYNC_FIELDS: scalars such as 'name.given', and whole lists such as 'phones';
 * the same list as electron/patients/changes.ts PATIENT_FIELDS, checked by tests/hub/merge.test.ts). Each field
 * remembers the HLC of the write that set it. An incoming write wins a field iff its (hlc, opId) is greater than the
 * stored one: last-writer-wins by hybrid logical clock, never by a wall clock alone. A registration writes every
 * field at its HLC; an update writes only the fields in its patch.
 *
 * Losing writes are not lost: the hub keeps every op (a registration's field values are its op's payload) and every
 * update's field writes (patient_field_writes), and when two desks changed the same IDENTITY field from the same
 * base version to different values, records a review item.
 */
import type { z } from 'zod';
import { patientInputSchema, personNameSchema, type PatientInput } from '../domain/patient.js';
import type { DupCandidate } from '../patients/duplicate-score.js';
import { compareHlc } from './protocol.js';

export const PATIENT_SYNC_FIELDS = [
  'name.prefix',
  'name.given',
  'name.middle',
  'name.family',
  'name.suffix',
  'preferredName',
  'previousNames',
  'birthDate',
  'sexAtBirth',
  'genderIdentity',
  'pronouns',
  'race',
  'ethnicity',
  'preferredLanguage',
  'interpreterNeeded',
  'maritalStatus',
  'addresses',
  'phones',
  'email',
  'emergencyContacts',
  'guarantor',
  'coverages',
  'consents',
  'identifiers',
] as const;
export type PatientSyncField = (typeof PATIENT_SYNC_FIELDS)[number];

/** Fields that decide who the patient is (same set as electron/patients/changes.ts IDENTITY_FIELDS). */
export const IDENTITY_SYNC_FIELDS: ReadonlySet<string> = new Set<PatientSyncField>([
  'name.given',
  'name.middle',
  'name.family',
  'previousNames',
  'birthDate',
  'sexAtBirth',
  'identifiers',
]);

const FIELD_SET: ReadonlySet<string> = new Set(PATIENT_SYNC_FIELDS);
export function isPatientField(f: string): f is PatientSyncField {
  return FIELD_SET.has(f);
}

/** The zod schema of one field's value (a field of patientInputSchema, or of its `name` object). */
export function fieldSchema(field: PatientSyncField): z.ZodType {
  if (field.startsWith('name.')) {
    const k = field.slice(5) as keyof typeof personNameSchema.shape;
    return personNameSchema.shape[k];
  }
  return patientInputSchema.shape[field as Exclude<PatientSyncField, `name.${string}`>];
}

export function getField(doc: Record<string, unknown>, field: string): unknown {
  let cur: unknown = doc;
  for (const k of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Returns a copy of `doc` with `field` set to `value`. */
export function setField(doc: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const parts = field.split('.');
  const out: Record<string, unknown> = { ...doc };
  let cur = out;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    const next = cur[k];
    const copy = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    cur[k] = copy;
    cur = copy;
  }
  cur[parts[parts.length - 1]!] = value;
  return out;
}

/**
 * JSON with sorted object keys: equal values give equal strings whatever their key order. Byte-for-byte the output
 * of canonicalJsonReference (op content hashes stored at the hub depend on it), written as one recursive pass
 * because the hub hashes every pushed op with it: array-index-like keys first in numeric order (what
 * JSON.stringify does with the rebuilt object), then the other keys in code-unit order.
 */
export function canonicalJson(v: unknown): string {
  return canon(v, '') ?? 'null';
}

const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;
const isIndexKey = (k: string) => INDEX_KEY.test(k) && Number(k) < 4294967295;

function canon(v: unknown, key: string): string | undefined {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(v); // throws, as JSON.stringify does
    case 'object': {
      if (v === null) return 'null';
      if (v instanceof Number || v instanceof String || v instanceof Boolean) return JSON.stringify(v);
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (canon(v[i], String(i)) ?? 'null');
        return out + ']';
      }
      const o = v as Record<string, unknown>;
      let keys = Object.keys(o);
      let idx = false;
      for (const k of keys) {
        const c = k.charCodeAt(0);
        if (c >= 48 && c <= 57 && isIndexKey(k)) idx = true;
      }
      keys.sort(); // default order: UTF-16 code units, as the reference's comparator
      if (idx) keys = [...keys.filter(isIndexKey).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndexKey(k))];
      let out = '{';
      let first = true;
      for (const k of keys) {
        const s = canon(o[k], k);
        if (s === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + s;
        first = false;
      }
      return out + '}';
    }
    default:
      return undefined; // undefined, functions, symbols: left out (null inside arrays)
  }
}

/** The definition canonicalJson must match (kept for its property test). */
export function canonicalJsonReference(v: unknown): string {
  return (
    JSON.stringify(v, (_k, val: unknown) =>
      val && typeof val === 'object' && !Array.isArray(val)
        ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : val,
    ) ?? 'null'
  );
}

/** The field -> value writes an op makes: every field for a registration, the patch for an update. */
export function registrationWrites(doc: PatientInput): Record<PatientSyncField, unknown> {
  const out = {} as Record<PatientSyncField, unknown>;
  for (const f of PATIENT_SYNC_FIELDS) out[f] = getField(doc as unknown as Record<string, unknown>, f) ?? null;
  return out;
}

export interface FieldStamp {
  hlc: string;
  opId: string;
}

/** True when a write stamped `incoming` beats the field's current stamp (newer HLC; opId breaks exact ties). */
export function writeWins(current: FieldStamp | undefined, incoming: FieldStamp): boolean {
  if (!current) return true;
  const c = compareHlc(incoming.hlc, current.hlc);
  return c > 0 || (c === 0 && incoming.opId > current.opId);
}

/** The duplicate scorer's view of a patient document (as electron/patients/repo.ts toDupCandidate builds it). */
export function dupCandidateOf(p: PatientInput): DupCandidate {
  const addr = p.addresses.find((a) => a.use === 'home') ?? p.addresses[0];
  return {
    given: p.name.given,
    family: p.name.family,
    middle: p.name.middle,
    birthDate: p.birthDate,
    sexAtBirth: p.sexAtBirth,
    phones: p.phones.map((ph) => ph.number),
    email: p.email,
    postalCode: addr?.postalCode ?? '',
    line1: addr?.line1 ?? '',
    identifiers: p.identifiers.map((i) => `${i.type}:${i.value}`),
    previousFamilyNames: p.previousNames.map((n) => n.family),
  };
}
