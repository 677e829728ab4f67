/**
 * The content hash the hub keeps per op (ops.content_hash, inbox.content_hash): a desk that sends an op again (a lost
 * acknowledgement) must send the very same op, and the hub compares hashes instead of payloads.
 *
 * Hashed: the envelope fields and the payload as JSON text (JSON.stringify of the payload as the hub received it).
 * A desk resends an op from the same outbox row, so the payload text is the same — no canonical re-serialisation of
 * every payload on the push path. Hubs before migration 7 stored a hash of the canonical JSON; `sameOp` accepts
 * either, so an op pushed before an upgrade is still recognised when it comes again.
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../shared/sync/patient-merge.js';
import type { SyncOp } from '../shared/sync/protocol.js';

export function opContentHash(op: SyncOp, payloadText: string = JSON.stringify(op.payload)): string {
  const envelope = JSON.stringify([op.opId, op.deskId, op.epoch, op.seq, op.kind, op.entityId, op.hlc, op.schemaVersion]);
  return crypto.createHash('sha256').update(envelope, 'utf8').update('\n', 'utf8').update(payloadText, 'utf8').digest('hex');
}

/** The hash hubs stored before migration 7 (canonical JSON of the whole op). */
export function legacyOpContentHash(op: SyncOp): string {
  const body = canonicalJson([op.opId, op.deskId, op.epoch, op.seq, op.kind, op.entityId, op.payload, op.hlc, op.schemaVersion]);
  return crypto.createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * Is `op` (with the payload text `hash` was made from) the op stored under `storedHash`? `sentText`: the payload came
 * as that text (an application/json-seq push), op.payload is not set — parsed here only for the legacy hash.
 */
export function sameOp(storedHash: string, hash: string, op: SyncOp, sentText?: string): boolean {
  if (storedHash === hash) return true;
  if (sentText === undefined) return storedHash === legacyOpContentHash(op);
  try {
    return storedHash === legacyOpContentHash({ ...op, payload: JSON.parse(sentText) as unknown });
  } catch {
    return false; // not JSON: not the op the hub logged
  }
}
