/**
 * Copay due at check-in, in integer cents.
 * The patient document's coverages carry no copay amount (shared/domain/patient.ts coverageSchema), so the rule is:
 *   - appointment type's copay category 'none'               -> 0 (source 'type-none')
 *   - no coverage in effect on the visit date (self-pay)     -> 0 (source 'self-pay': the visit is billed, not a copay)
 *   - otherwise                                              -> the appointment type's default copay (source 'type-default')
 * When coverages get a copay field, it takes precedence here (one place to change).
 */
import type { PatientInput } from '../domain/patient.js';
import type { AppointmentType } from '../domain/visit.js';

export type CopaySource = 'type-none' | 'self-pay' | 'type-default';

export interface CopayDue {
  dueCents: number;
  source: CopaySource;
}

/** The primary coverage in effect on `visitDate` (effectiveFrom/To are inclusive; '' = open). */
export function primaryCoverageInEffect(coverages: PatientInput['coverages'], visitDate: string): PatientInput['coverages'][number] | null {
  const c = coverages.find((x) => x.rank === 1);
  if (!c) return null;
  if (c.effectiveFrom && c.effectiveFrom > visitDate) return null;
  if (c.effectiveTo && c.effectiveTo < visitDate) return null;
  return c;
}

export function copayDue(type: Pick<AppointmentType, 'copayCategory' | 'defaultCopayCents'>, coverages: PatientInput['coverages'] | null, visitDate: string): CopayDue {
  if (type.copayCategory === 'none') return { dueCents: 0, source: 'type-none' };
  if (!coverages || !primaryCoverageInEffect(coverages, visitDate)) return { dueCents: 0, source: 'self-pay' };
  return { dueCents: type.defaultCopayCents, source: 'type-default' };
}
