/**
 * Which consents are due at check-in (shared by the desk's check-in context and the board flags).
 * A consent type in CONSENT_POLICY is due when the patient has none of that type, when the newest one was signed more
 * than `maxAgeMonths` before the visit date, or when it is an older version than the site's current one.
 * The site's current versions live here for now (a site setting later; the demo data signs these versions).
 */
import type { PatientInput } from '../domain/patient.js';
import { CONSENT_TYPES } from '../domain/patient.js';

export type ConsentType = (typeof CONSENT_TYPES)[number];

export interface ConsentRule {
  type: ConsentType;
  label: string;
  currentVersion: string;
  /** null: valid until a new version */
  maxAgeMonths: number | null;
  /** asked at every check-in when due; optional ones are shown but never flag the board */
  required: boolean;
}

export const CONSENT_POLICY: readonly ConsentRule[] = [
  { type: 'treatment', label: 'Consent to treatment', currentVersion: '3.2', maxAgeMonths: 12, required: true },
  { type: 'hipaa-notice', label: 'Notice of privacy practices', currentVersion: '2024-1', maxAgeMonths: null, required: true },
  { type: 'financial-policy', label: 'Financial policy', currentVersion: '3.2', maxAgeMonths: 12, required: true },
];

export type ConsentDueReason = 'missing' | 'expired' | 'old-version';

export interface ConsentDue {
  type: ConsentType;
  label: string;
  currentVersion: string;
  reason: ConsentDueReason;
  /** the newest one on file, if any */
  signedOn: string | null;
  version: string | null;
}

/** 'YYYY-MM-DD' minus n months (clamped to the month's last day). */
export function minusMonths(isoDate: string, n: number): string {
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7)) - 1 - n;
  const d = Number(isoDate.slice(8, 10));
  const yy = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(yy, mm + 1, 0)).getUTCDate();
  return `${String(yy).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Consents due on `visitDate` (business date), in policy order. */
export function consentsDue(consents: PatientInput['consents'], visitDate: string, policy: readonly ConsentRule[] = CONSENT_POLICY): ConsentDue[] {
  const out: ConsentDue[] = [];
  for (const rule of policy) {
    const mine = consents.filter((c) => c.type === rule.type).sort((a, b) => (a.signedOn < b.signedOn ? 1 : a.signedOn > b.signedOn ? -1 : 0));
    const newest = mine[0];
    const base = { type: rule.type, label: rule.label, currentVersion: rule.currentVersion, signedOn: newest?.signedOn ?? null, version: newest?.version ?? null };
    if (!newest) out.push({ ...base, reason: 'missing' });
    else if (newest.version !== rule.currentVersion) out.push({ ...base, reason: 'old-version' });
    else if (rule.maxAgeMonths !== null && newest.signedOn < minusMonths(visitDate, rule.maxAgeMonths)) out.push({ ...base, reason: 'expired' });
  }
  return out;
}

/** True when a required consent is due (board flag "consent missing"). */
export function requiredConsentDue(consents: PatientInput['consents'], visitDate: string): boolean {
  return consentsDue(consents, visitDate).some((c) => CONSENT_POLICY.find((r) => r.type === c.type)?.required);
}
