/** The domains whose op kinds the desk's sync apply hands over (see domain-kinds.ts). */
import type { DomainSyncApplier } from './domain-kinds.js';
import { visitSync } from '../visits/sync.js';
import { paymentSync } from '../payments/sync.js';
import { patientLinksSync } from '../patients/links-sync.js';

export const DOMAIN_SYNC: readonly DomainSyncApplier[] = [visitSync, paymentSync, patientLinksSync];

const byKind = new Map<string, DomainSyncApplier>();
for (const d of DOMAIN_SYNC) {
  for (const k of d.kinds) {
    if (byKind.has(k)) throw new Error(`op kind ${k} is claimed by two domains`);
    byKind.set(k, d);
  }
}

export function domainFor(kind: string): DomainSyncApplier | undefined {
  return byKind.get(kind);
}
