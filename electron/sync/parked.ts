/**
 * Parked changes applied after an upgrade. A desk running an older AccessDesk parks pulled changes it cannot apply
 * (an op kind it does not know yet, a newer payload schema) in sync_parked instead of failing the page
 * (electron/sync/apply.ts). Once this desk runs a version that knows them, they are applied — in hub order
 * (server_seq), each exactly once (the row is deleted in the same transaction that applies it) — when the desk
 * opens, before the sync worker pulls anything newer. Changes parked for other reasons (a username taken on this
 * desk, an MRN this desk already uses) stay for a person to look at.
 */
import type { Store } from '../store/store.js';
import { SUPPORTED_SCHEMA_VERSIONS, changeSchema, type Change } from '../../shared/sync/protocol.js';
import { applyChange, type PageResult } from './apply.js';
import { domainFor } from './domains.js';

/** Reasons that an upgrade can cure. */
const UPGRADE_REASONS = ['unknown-kind', 'schema-unsupported'] as const;
/** Kinds the sync core applies itself (electron/sync/apply.ts); domains add theirs (electron/sync/domains.ts). */
const CORE_KINDS = new Set(['patient.registered', 'patient.updated', 'patient.merged', 'patient.unmerged', 'user.upserted', 'site.configured']);

export function knowsKind(kind: string): boolean {
  return CORE_KINDS.has(kind) || domainFor(kind) !== undefined;
}

export interface RetryResult {
  applied: number;
  /** still parked (now for the reason applying gave, or still unknown to this version) */
  parked: number;
  patients: PageResult['patients'];
  events: PageResult['events'];
}

export function retryParked(store: Store): RetryResult {
  const out: RetryResult = { applied: 0, parked: 0, patients: [], events: [] };
  const rows = store.db
    .prepare<[], { server_seq: number; change: string }>(
      `SELECT server_seq, change FROM sync_parked WHERE reason IN (${UPGRADE_REASONS.map((r) => `'${r}'`).join(', ')}) ORDER BY server_seq`,
    )
    .all();
  const candidates: Change[] = [];
  for (const r of rows) {
    let c: Change;
    try {
      c = changeSchema.parse(JSON.parse(r.change));
    } catch {
      continue; // a stored change that no longer parses stays parked for a person
    }
    if (knowsKind(c.kind) && SUPPORTED_SCHEMA_VERSIONS.includes(c.schemaVersion)) candidates.push(c);
  }
  if (candidates.length === 0) {
    out.parked = rows.length;
    return out;
  }
  const changed = new Map<string, number>();
  store.remote((tx) => {
    const del = tx.db.prepare('DELETE FROM sync_parked WHERE server_seq = ?');
    const repark = tx.db.prepare('UPDATE sync_parked SET reason = ?, parked_at = ? WHERE server_seq = ?');
    for (const c of candidates) {
      tx.receive(c.hlc);
      const outcome = applyChange(tx, c, changed, out.events);
      if (outcome === 'applied') {
        del.run(c.serverSeq);
        out.applied++;
      } else {
        repark.run(outcome.parked, tx.now, c.serverSeq);
      }
    }
  });
  out.parked = rows.length - out.applied;
  out.patients = [...changed].map(([id, version]) => ({ id, version }));
  return out;
}
