/**
 * Hub-authored ops: a change the hub itself puts into the change feed (an appointment from a schedule feed, a
 * snapshot that makes desks converge after the hub refused a desk's transition). It is stored exactly like a desk's
 * op (ops + changes rows, status 'applied'), under the reserved desk id HUB_AUTHOR_DESK_ID (a desks row that is
 * revoked from birth, so no credential ever authenticates as it), epoch 1, its own consecutive seq.
 *
 * Call it inside a hub write transaction (db.write / the push transaction); it takes the server_seq counter row lock
 * like a push does, so the change's serverSeq orders after everything committed before it.
 */
import crypto from 'node:crypto';
import type { Queryable } from './db.js';
import { newId } from '../shared/ids.js';
import { decodeHlc, encodeHlc, receiveHlc } from '../shared/hlc.js';
import { opContentHash } from './op-hash.js';
import { HUB_AUTHOR_DESK_ID, HUB_AUTHOR_NODE } from '../shared/sync/hub-author.js';
import type { SyncOp } from '../shared/sync/protocol.js';

export interface HubOpInput {
  kind: string;
  entityId: string;
  payload: unknown;
  /** the new op's HLC orders after this one (e.g. the desk op that caused it); default: the hub's clock only */
  after?: string;
  schemaVersion?: number;
}

export interface HubOpRecorded {
  op: SyncOp;
  serverSeq: number;
}

export async function recordHubOp(tx: Queryable, input: HubOpInput, now: Date = new Date()): Promise<HubOpRecorded> {
  const at = now.toISOString();
  await tx.query(
    `INSERT INTO desks (desk_id, label, credential_hash, enrolled_at, revoked_at) VALUES ($1, 'Hub (feeds and corrections)', $2, $3, $3)
     ON CONFLICT (desk_id) DO NOTHING`,
    [HUB_AUTHOR_DESK_ID, `hub-author-never-authenticates-${crypto.randomBytes(16).toString('hex')}`, at],
  );
  const seqRow = await tx.query<{ value: unknown }>(
    `INSERT INTO hub_counters (name, value) VALUES ('hub_author_seq', 1)
     ON CONFLICT (name) DO UPDATE SET value = hub_counters.value + 1 RETURNING value`,
  );
  const seq = Number(seqRow.rows[0]!.value);
  const lastRow = await tx.query<{ value: string }>(`SELECT value FROM hub_meta WHERE key = 'hub_author_hlc'`);
  const last = lastRow.rows[0] ? decodeHlc(lastRow.rows[0].value) : null;
  let h = receiveHlc(last, last ?? { wall: 0, counter: 0, node: HUB_AUTHOR_NODE }, now.getTime(), HUB_AUTHOR_NODE);
  if (input.after) h = receiveHlc(h, decodeHlc(input.after), now.getTime(), HUB_AUTHOR_NODE);
  const hlc = encodeHlc(h);
  await tx.query(`INSERT INTO hub_meta (key, value) VALUES ('hub_author_hlc', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [hlc]);

  const op: SyncOp = {
    opId: newId(),
    deskId: HUB_AUTHOR_DESK_ID,
    epoch: 1,
    seq,
    kind: input.kind,
    entityId: input.entityId,
    payload: input.payload,
    hlc,
    schemaVersion: input.schemaVersion ?? 1,
  };
  const r = await tx.query<{ server_seq: unknown }>(
    `WITH o AS (
       INSERT INTO ops (op_id, desk_id, epoch, seq, kind, entity_id, payload, hlc, schema_version, content_hash, status, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'applied', $11) RETURNING op_id
     ), s AS (
       UPDATE hub_counters SET value = value + 1 WHERE name = 'server_seq' RETURNING value
     )
     INSERT INTO changes (server_seq, op_id) SELECT s.value, o.op_id FROM s, o RETURNING server_seq`,
    [op.opId, op.deskId, op.epoch, op.seq, op.kind, op.entityId, JSON.stringify(op.payload), op.hlc, op.schemaVersion, opContentHash(op), at],
  );
  return { op, serverSeq: Number(r.rows[0]!.server_seq) };
}
