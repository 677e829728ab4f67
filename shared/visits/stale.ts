/**
 * Stale items shown at check-in (issue 4: "address or insurance not verified in 12 months").
 *   coverage: a coverage whose lastVerifiedAt is empty or older than STALE_MONTHS before the visit date;
 *   address: the patient's newest "address confirmed on" (visits-owned: visit_address_confirmations, set at check-in;
 *            the registration date counts as a confirmation) older than STALE_MONTHS, or no address at all.
 */
import type { PatientInput } from '../domain/patient.js';
import { minusMonths } from './consents.js';

export const STALE_MONTHS = 12;

export interface CoverageStale {
  rank: number;
  payerName: string;
  lastVerifiedAt: string;
  reason: 'never-verified' | 'verified-long-ago';
}

export function staleCoverages(coverages: PatientInput['coverages'], visitDate: string): CoverageStale[] {
  const limit = minusMonths(visitDate, STALE_MONTHS);
  const out: CoverageStale[] = [];
  for (const c of [...coverages].sort((a, b) => a.rank - b.rank)) {
    if (!c.lastVerifiedAt) out.push({ rank: c.rank, payerName: c.payerName, lastVerifiedAt: '', reason: 'never-verified' });
    else if (c.lastVerifiedAt < limit) out.push({ rank: c.rank, payerName: c.payerName, lastVerifiedAt: c.lastVerifiedAt, reason: 'verified-long-ago' });
  }
  return out;
}

/** Primary coverage stale (board flag "coverage stale"). */
export function primaryCoverageStale(coverages: PatientInput['coverages'], visitDate: string): boolean {
  return staleCoverages(coverages, visitDate).some((c) => c.rank === 1);
}

export type AddressStale = null | { reason: 'no-address' | 'not-confirmed-recently'; confirmedOn: string };

/** `confirmedOn`: newest confirmation date ('' when never). */
export function addressStale(addresses: PatientInput['addresses'], confirmedOn: string, visitDate: string): AddressStale {
  if (addresses.length === 0) return { reason: 'no-address', confirmedOn };
  if (!confirmedOn || confirmedOn < minusMonths(visitDate, STALE_MONTHS)) return { reason: 'not-confirmed-recently', confirmedOn };
  return null;
}
