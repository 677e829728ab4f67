/** The domains whose op kinds the hub's push apply hands over (see domain-kinds.ts). */
import type { HubDomainApplier } from './domain-kinds.js';
import { visitHubApply } from './visits/apply.js';
import { paymentHubApply } from './payments/apply.js';

export const HUB_DOMAINS: readonly HubDomainApplier[] = [visitHubApply, paymentHubApply];

const byKind = new Map<string, HubDomainApplier>();
for (const d of HUB_DOMAINS) {
  for (const k of d.kinds) {
    if (byKind.has(k)) throw new Error(`op kind ${k} is claimed by two hub domains`);
    byKind.set(k, d);
  }
}

export function hubDomainFor(kind: string): HubDomainApplier | undefined {
  return byKind.get(kind);
}
