import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** The fields a hash covers, in a fixed order (canonical form). */
export interface AuditRowCore {
  seq: number;
  id: string;
  at: string;
  user_id: string;
  user_name: string;
  action: string;
  entity_type: string;
  entity_id: string;
  detail: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** h_n = SHA-256(h_{n-1} || canonical JSON of row n). */
export function auditHash(prevHash: string, r: AuditRowCore): string {
  const canonical = JSON.stringify([r.seq, r.id, r.at, r.user_id, r.user_name, r.action, r.entity_type, r.entity_id, r.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export interface AuditVerifyResult {
  ok: boolean;
  count: number;
  firstBadSeq: number | null;
}

/** Recomputes the whole chain; any edited, inserted or removed row breaks it from that point. */
export function verifyAuditChain(db: Database.Database): AuditVerifyResult {
  let prev = GENESIS_HASH;
  let count = 0;
  let expectedSeq: number | null = null;
  const rows = db.prepare<[], AuditRowCore & { prev_hash: string; hash: string }>('SELECT * FROM audit_log ORDER BY seq').iterate();
  for (const r of rows) {
    count++;
    if (expectedSeq !== null && r.seq !== expectedSeq) return { ok: false, count, firstBadSeq: r.seq };
    if (r.prev_hash !== prev || auditHash(prev, r) !== r.hash) return { ok: false, count, firstBadSeq: r.seq };
    prev = r.hash;
    expectedSeq = r.seq + 1;
  }
  return { ok: true, count, firstBadSeq: null };
}
