/**
 * The hub's operations, independent of HTTP: enrollment, desk auth, push, pull, status, MRN blocks, review items.
 * Every write runs in one HubDb.write transaction (hub write lock held), so each call commits whole or not at all.
 */
import type { z } from 'zod';
import { newId } from '../shared/ids.js';
import {
  HUB_MRN_FIRST,
  HUB_MRN_LAST,
  MRN_BLOCK_SIZE,
  PROTOCOL_VERSION,
  SUPPORTED_SCHEMA_VERSIONS,
  compareHlc,
  type EnrollRequest,
  type EnrollResponse,
  type MrnBlockGrant,
  type PushRequest,
  type PushResponse,
  type RejectReason,
  type RejectedOp,
  type ResolveReviewItemResponse,
  type ReviewItem,
  type ReviewResolution,
  type resolveReviewItemRequestSchema,
  type StatusResponse,
  type SyncOp,
} from '../shared/sync/protocol.js';
import type { HubDb, Queryable } from './db.js';
import { HubError } from './errors.js';
import { Materializer, logFreshOps } from './materialize.js';
import { opContentHash, sameOp } from './op-hash.js';
import { clearAppointmentConflict } from './visits/apply.js';
import { hashCredential, hashEnrollmentCode, newEnrollmentCode, normalizeEnrollmentCode, randomToken } from './secrets.js';

export const ENROLLMENT_CODE_TTL_MS = 24 * 3600 * 1000;

export interface DeskIdentity {
  deskId: string;
  label: string;
}

export interface HubServiceOptions {
  db: HubDb;
  certPem: string;
  certFingerprint: string;
  /** Injectable clock (tests move it to expire codes). */
  now?: () => Date;
}

const num = (v: unknown) => Number(v);

/** An op the hub holds at a seq a push sends again: materialised (ops, with its hash) or still in the inbox. */
interface LoggedOp {
  seq: unknown;
  op_id: string;
  content_hash: string | null;
  status: string;
  reason: RejectReason | null;
  message: string | null;
  kind: string | null;
  entity_id: string | null;
  hlc: string | null;
  schema_version: unknown;
  payload: string | null;
}

/**
 * Is `op` (payload as `text`; `sent` as text, i.e. an application/json-seq push) the very op the hub holds in `r`?
 * Materialised: by content hash (hub/op-hash.ts); still in the inbox: by its logged fields and payload text.
 */
function sameAsLogged(r: LoggedOp, op: SyncOp, text: string, sent: boolean): boolean {
  if (r.content_hash !== null) return sameOp(r.content_hash, opContentHash(op, text), op, sent ? text : undefined);
  return r.kind === op.kind && r.entity_id === op.entityId && r.hlc === op.hlc && num(r.schema_version) === op.schemaVersion && r.payload === text;
}
type ResolveReviewItemRequestParsed = z.output<typeof resolveReviewItemRequestSchema>;

export { opContentHash } from './op-hash.js';

export class HubService {
  readonly db: HubDb;
  readonly certPem: string;
  readonly certFingerprint: string;
  now: () => Date;
  /** Applies logged pushes in receive order (hub/materialize.ts). */
  readonly materializer: Materializer;
  private hubIdCache: string | null = null;

  constructor(opts: HubServiceOptions) {
    this.db = opts.db;
    this.certPem = opts.certPem;
    this.certFingerprint = opts.certFingerprint;
    this.now = opts.now ?? (() => new Date());
    this.materializer = new Materializer(this.db, () => this.nowIso());
  }

  /**
   * Waits until every op acknowledged before this call is materialised (`exceptDesk`: not counting that desk's own
   * ops, and what they wait on). Reads that promise "everything other desks had acknowledged" call it first.
   */
  settle(exceptDesk?: string): Promise<void> {
    return this.materializer.settle(exceptDesk);
  }

  private nowIso(): string {
    return this.now().toISOString();
  }

  /** The hub's stable id (made on first start). */
  async hubId(): Promise<string> {
    if (this.hubIdCache) return this.hubIdCache;
    const id = await this.db.write(async (tx) => {
      const r = await tx.query<{ value: string }>(`SELECT value FROM hub_meta WHERE key = 'hub_id'`);
      if (r.rows[0]) return r.rows[0].value;
      const v = newId();
      await tx.query(`INSERT INTO hub_meta (key, value) VALUES ('hub_id', $1)`, [v]);
      return v;
    });
    this.hubIdCache = id;
    return id;
  }

  // ---- enrollment and auth --------------------------------------------------------------------------------------

  async createEnrollmentCode(deskLabel: string | null): Promise<{ code: string; expiresAt: string; deskLabel: string | null }> {
    const code = newEnrollmentCode();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + ENROLLMENT_CODE_TTL_MS).toISOString();
    await this.db.write((tx) =>
      tx.query('INSERT INTO enrollment_codes (code_hash, desk_label, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
        hashEnrollmentCode(normalizeEnrollmentCode(code)!),
        deskLabel,
        now.toISOString(),
        expiresAt,
      ]),
    );
    return { code, expiresAt, deskLabel };
  }

  async enroll(req: EnrollRequest): Promise<EnrollResponse> {
    const norm = normalizeEnrollmentCode(req.code);
    if (!norm) throw new HubError(400, 'CODE_INVALID', 'This is not an enrollment code: it has 8 letters and digits, like K7QM-3XWD.');
    const hubId = await this.hubId();
    return this.db.write(async (tx) => {
      const now = this.now();
      const c = await tx.query<{ desk_label: string | null; expires_at: Date | string; used_at: unknown }>(
        'SELECT desk_label, expires_at, used_at FROM enrollment_codes WHERE code_hash = $1',
        [hashEnrollmentCode(norm)],
      );
      const code = c.rows[0];
      if (!code) throw new HubError(400, 'CODE_INVALID', 'This enrollment code is not known to the hub. Check it, or ask the hub administrator for a new one.');
      if (code.used_at) throw new HubError(400, 'CODE_INVALID', 'This enrollment code was already used. Ask the hub administrator for a new one.');
      if (new Date(code.expires_at).getTime() <= now.getTime()) throw new HubError(400, 'CODE_INVALID', 'This enrollment code has expired (codes last 24 hours). Ask the hub administrator for a new one.');

      const existing = await tx.query<{ revoked_at: unknown }>('SELECT revoked_at FROM desks WHERE desk_id = $1', [req.deskId]);
      if (existing.rows[0]?.revoked_at) {
        throw new HubError(403, 'FORBIDDEN', 'This desk was revoked at the hub and cannot enroll again under the same identity. Reinstall the desk to enroll it as a new desk.');
      }
      const used = await tx.query('UPDATE enrollment_codes SET used_at = $2, used_by_desk = $3 WHERE code_hash = $1 AND used_at IS NULL', [
        hashEnrollmentCode(norm),
        now.toISOString(),
        req.deskId,
      ]);
      if (used.rowCount !== 1) throw new HubError(400, 'CODE_INVALID', 'This enrollment code was already used. Ask the hub administrator for a new one.');

      const credential = randomToken(32);
      const label = code.desk_label ?? req.deskLabel;
      // An active desk enrolling again (lost its credential) gets a new credential; the old one stops working.
      await tx.query(
        `INSERT INTO desks (desk_id, label, credential_hash, enrolled_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (desk_id) DO UPDATE SET label = EXCLUDED.label, credential_hash = EXCLUDED.credential_hash, enrolled_at = EXCLUDED.enrolled_at`,
        [req.deskId, label, hashCredential(credential), now.toISOString()],
      );
      const mrnBlock = await this.grantBlock(tx, req.deskId, null);
      return {
        deskId: req.deskId,
        deskCredential: credential,
        hubId,
        certFingerprint: this.certFingerprint,
        certPem: this.certPem,
        mrnBlock,
        serverTime: now.toISOString(),
      };
    });
  }

  /** The desk a bearer credential belongs to. 401 when missing, unknown or revoked. */
  async authenticate(authorization: string | undefined): Promise<DeskIdentity> {
    const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '');
    if (!m) throw new HubError(401, 'UNAUTHORIZED', 'This request needs the desk credential (Authorization: Bearer …). Enroll the desk at the hub first.');
    const r = await this.db.query<{ desk_id: string; label: string; revoked_at: unknown }>('SELECT desk_id, label, revoked_at FROM desks WHERE credential_hash = $1', [
      hashCredential(m[1]!),
    ]);
    const d = r.rows[0];
    if (!d) throw new HubError(401, 'UNAUTHORIZED', 'The hub does not recognise this desk credential. Enroll the desk again with a new code.');
    if (d.revoked_at) throw new HubError(401, 'DESK_REVOKED', "This desk's access to the hub was revoked by the hub administrator.");
    return { deskId: d.desk_id, label: d.label };
  }

  async revokeDesk(deskId: string): Promise<{ deskId: string; revokedAt: string }> {
    return this.db.write(async (tx) => {
      const r = await tx.query<{ revoked_at: Date | string | null }>('SELECT revoked_at FROM desks WHERE desk_id = $1', [deskId]);
      const d = r.rows[0];
      if (!d) throw new HubError(404, 'NOT_FOUND', 'No desk with this id is enrolled at the hub.');
      if (d.revoked_at) return { deskId, revokedAt: new Date(d.revoked_at).toISOString() };
      const at = this.nowIso();
      await tx.query('UPDATE desks SET revoked_at = $2 WHERE desk_id = $1', [deskId, at]);
      return { deskId, revokedAt: at };
    });
  }

  async listDesks(): Promise<{ deskId: string; label: string; enrolledAt: string; revokedAt: string | null; lastPushAt: string | null }[]> {
    const r = await this.db.query<{ desk_id: string; label: string; enrolled_at: Date | string; revoked_at: Date | string | null; last_push_at: Date | string | null }>(
      'SELECT desk_id, label, enrolled_at, revoked_at, last_push_at FROM desks ORDER BY enrolled_at',
    );
    const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);
    return r.rows.map((d) => ({ deskId: d.desk_id, label: d.label, enrolledAt: iso(d.enrolled_at)!, revokedAt: iso(d.revoked_at), lastPushAt: iso(d.last_push_at) }));
  }

  // ---- MRN blocks -------------------------------------------------------------------------------------------------

  /** Grants the next block of the hub MRN range (one clinic-wide counter under the write lock: never overlapping). */
  async grantBlock(tx: Queryable, deskId: string, requestId: string | null): Promise<MrnBlockGrant> {
    if (requestId) {
      const prior = await tx.query<{ block_start: unknown; block_end: unknown; desk_id: string }>('SELECT block_start, block_end, desk_id FROM mrn_blocks_granted WHERE request_id = $1', [requestId]);
      const p = prior.rows[0];
      if (p) {
        if (p.desk_id !== deskId) throw new HubError(409, 'OP_MISMATCH', 'This requestId was used by another desk; use a new UUID per request.');
        return { start: num(p.block_start), end: num(p.block_end) };
      }
    }
    const c = await tx.query<{ value: unknown }>(`SELECT value FROM hub_counters WHERE name = 'mrn_next'`);
    const start = Math.max(HUB_MRN_FIRST, num(c.rows[0]?.value ?? HUB_MRN_FIRST));
    if (start > HUB_MRN_LAST) throw new HubError(409, 'MRN_EXHAUSTED', 'The hub has granted every medical record number of its range. Contact support.');
    const end = Math.min(HUB_MRN_LAST, start + MRN_BLOCK_SIZE - 1);
    await tx.query(`UPDATE hub_counters SET value = $1 WHERE name = 'mrn_next'`, [end + 1]);
    await tx.query('INSERT INTO mrn_blocks_granted (block_start, block_end, desk_id, request_id, granted_at) VALUES ($1, $2, $3, $4, $5)', [
      start,
      end,
      deskId,
      requestId,
      this.nowIso(),
    ]);
    return { start, end };
  }

  async requestMrnBlock(desk: DeskIdentity, requestId: string): Promise<MrnBlockGrant> {
    return this.db.write(async (tx) => {
      await this.assertActive(tx, desk.deskId);
      return this.grantBlock(tx, desk.deskId, requestId);
    });
  }

  private async assertActive(tx: Queryable, deskId: string): Promise<void> {
    // Re-checked inside the write lock: a revocation that committed after the request was authenticated still wins.
    const r = await tx.query<{ revoked_at: unknown }>('SELECT revoked_at FROM desks WHERE desk_id = $1', [deskId]);
    if (!r.rows[0] || r.rows[0].revoked_at) throw new HubError(401, 'DESK_REVOKED', "This desk's access to the hub was revoked by the hub administrator.");
  }

  // ---- push ---------------------------------------------------------------------------------------------------------

  /**
   * `payloadTexts`: the ops' payloads as the JSON texts the desk sent (an application/json-seq push; `op.payload` is
   * then not read), logged as they are. Without it, each payload value is serialised once here.
   */
  async push(desk: DeskIdentity, body: PushRequest, payloadTexts?: string[]): Promise<PushResponse> {
    if (body.deskId !== desk.deskId) throw new HubError(403, 'FORBIDDEN', 'A desk may push only its own ops: deskId is not the desk this credential belongs to.');
    for (const op of body.ops) {
      if (!SUPPORTED_SCHEMA_VERSIONS.includes(op.schemaVersion)) {
        throw new HubError(409, 'SCHEMA_UNSUPPORTED', `Op seq ${op.seq} has payload schema version ${op.schemaVersion}, newer than this hub understands. Update the hub; the desk keeps the op and retries.`);
      }
    }
    // each payload's text (as sent, or serialised once) for the inbox
    const texts = new Map(body.ops.map((op, i) => [op.opId, payloadTexts?.[i] ?? JSON.stringify(op.payload)]));
    this.materializer.pushStarted();
    return this.db.write(async (tx) => {
      const now = this.nowIso();
      await this.assertActive(tx, desk.deskId);
      const cur = await tx.query<{ start_seq: unknown; last_seq: unknown }>('SELECT start_seq, last_seq FROM desk_cursors WHERE desk_id = $1 AND epoch = $2', [desk.deskId, body.epoch]);
      let startSeq: number;
      let last: number;
      if (cur.rows[0]) {
        startSeq = num(cur.rows[0].start_seq);
        last = num(cur.rows[0].last_seq);
        if (body.epochStartSeq !== undefined && body.epochStartSeq !== startSeq) {
          throw new HubError(409, 'OP_MISMATCH', `Epoch ${body.epoch} of this desk started at seq ${startSeq} at the hub, not ${body.epochStartSeq}.`);
        }
      } else {
        startSeq = body.epochStartSeq ?? 1;
        last = startSeq - 1;
        if (body.ops.length === 0) return { ackedSeq: last, rejected: [], serverTime: now };
        await tx.query('INSERT INTO desk_cursors (desk_id, epoch, start_seq, last_seq, updated_at) VALUES ($1, $2, $3, $4, $5)', [desk.deskId, body.epoch, startSeq, last, now]);
      }

      const rejected: RejectedOp[] = [];
      // Already at the hub: must be the very same ops (same id, same content) — acknowledged again, not re-applied.
      const old = body.ops.filter((o) => o.seq <= last);
      if (old.length > 0) {
        // in ops (materialised) or still in the inbox (logged, not yet materialised)
        // (an op still in the inbox has no hash yet: its logged fields and payload text are compared instead)
        const rows = await tx.query<LoggedOp>(
          `SELECT o.seq, o.op_id, o.content_hash, o.status, r.reason, r.message, NULL AS kind, NULL AS entity_id, NULL AS hlc, NULL AS schema_version, NULL AS payload
           FROM ops o LEFT JOIN rejected_ops r ON r.op_id = o.op_id
           WHERE o.desk_id = $1 AND o.epoch = $2 AND o.seq >= $3 AND o.seq <= $4
           UNION ALL
           SELECT i.seq, i.op_id, NULL, 'received', NULL, NULL, i.kind, i.entity_id, i.hlc, i.schema_version, i.payload FROM inbox i
           WHERE i.desk_id = $1 AND i.epoch = $2 AND i.seq >= $3 AND i.seq <= $4`,
          [desk.deskId, body.epoch, old[0]!.seq, old[old.length - 1]!.seq],
        );
        const bySeq = new Map(rows.rows.map((r) => [num(r.seq), r]));
        for (const op of old) {
          const r = bySeq.get(op.seq);
          if (!r) throw new HubError(409, 'OP_MISMATCH', `Seq ${op.seq} is before the first seq (${startSeq}) of epoch ${body.epoch} at the hub.`);
          if (r.op_id !== op.opId || !sameAsLogged(r, op, texts.get(op.opId)!, payloadTexts !== undefined)) {
            throw new HubError(409, 'OP_MISMATCH', `The hub already holds a different op at seq ${op.seq} of epoch ${body.epoch}. A desk restored from a backup must start a new epoch.`);
          }
          if (r.status === 'rejected') rejected.push({ opId: op.opId, seq: op.seq, reason: r.reason ?? 'data-error', message: r.message ?? '' });
        }
      }
      const fresh = body.ops.filter((o) => o.seq > last);
      if (fresh.length > 0) {
        if (fresh[0]!.seq !== last + 1) {
          throw new HubError(409, 'SEQ_GAP', `The hub needs seq ${last + 1} of epoch ${body.epoch} next; this batch starts at ${fresh[0]!.seq}. Send from seq ${last + 1}.`, { expectedSeq: last + 1 });
        }
        const ids = fresh.map((o) => o.opId);
        const dup = await tx.query<{ op_id: string }>(
          'SELECT op_id FROM ops WHERE op_id = ANY($1::text[]) UNION ALL SELECT op_id FROM inbox WHERE op_id = ANY($1::text[]) LIMIT 1',
          [ids],
        );
        if (dup.rows[0]) throw new HubError(409, 'OP_MISMATCH', `Op ${dup.rows[0].op_id} is already at the hub under another desk, epoch or seq.`);
      }

      // New ops are logged in the inbox (one multi-row insert) and acknowledged; the materialiser (hub/materialize.ts)
      // applies them in receive order right after this commit. An op it rejects reaches its desk as a rejected echo.
      if (fresh.length > 0) {
        await logFreshOps(tx, fresh, texts, now);
        last = fresh[fresh.length - 1]!.seq;
      }
      await tx.query('UPDATE desk_cursors SET last_seq = $3, updated_at = $4 WHERE desk_id = $1 AND epoch = $2', [desk.deskId, body.epoch, last, now]);
      await tx.query('UPDATE desks SET last_push_at = $2 WHERE desk_id = $1', [desk.deskId, now]);
      return { ackedSeq: last, rejected, serverTime: now, logged: fresh.length };
    }).then(
      ({ logged, ...res }) => {
        this.materializer.pushEnded();
        if (logged) this.materializer.kick(body.more === true);
        return res;
      },
      (e: unknown) => {
        this.materializer.pushEnded();
        throw e;
      },
    );
  }

  // ---- pull and status ----------------------------------------------------------------------------------------------

  async headSeq(q: Queryable = this.db): Promise<number> {
    const r = await q.query<{ value: unknown }>(`SELECT value FROM hub_counters WHERE name = 'server_seq'`);
    return num(r.rows[0]?.value ?? 0);
  }

  /**
   * One page of the change feed as `deskId` sees it — every applied change, plus this desk's own rejected ops (as
   * rejected echoes); `slim`: this desk's own changes without payload (echoes=slim) — as PullResponse JSON text.
   * Payloads are stored as the JSON text JSON.stringify made of them at push, so they are spliced in as they are
   * instead of being parsed and serialised again for every change.
   *
   * First waits until every op other desks had acknowledged before this call is materialised (settle): a desk that
   * pulls after another desk's push was acknowledged sees it, as if the push had applied it. Its own logged ops are
   * not waited for (it holds them already).
   */
  async pullJson(cursor: number, limit: number, deskId: string, slim = false): Promise<string> {
    await this.settle(deskId);
    const head = await this.headSeq();
    if (cursor > head) {
      throw new HubError(409, 'CURSOR_AHEAD', `This desk has read up to change ${cursor}, but the hub holds only ${head}. Was the hub restored from a backup? Contact support; do not reset the desk.`, { headSeq: head });
    }
    // The page is `limit` changes of the feed taken by server_seq first (the changes primary key), then joined to
    // their ops: a plan that stays one index range plus `limit` lookups however long the feed grows and whatever
    // the planner knows (an embedded PGlite hub never runs ANALYZE; a join-then-limit query there hashed the whole
    // ops table for every page). Other desks' rejected ops among them are skipped (never shown to this desk), so a
    // page may hold fewer than `limit` changes; `hasMore` and the cursor follow the feed, not what is shown.
    const r = await this.db.query<{
      server_seq: unknown; op_id: string; desk_id: string; epoch: unknown; kind: string; entity_id: string; payload: string | null; hlc: string; schema_version: unknown;
      shown: boolean; reason: string | null; message: string | null;
    }>(
      `WITH page AS MATERIALIZED (SELECT server_seq, op_id FROM changes WHERE server_seq > $1 ORDER BY server_seq LIMIT $2)
       SELECT p.server_seq, o.op_id, o.desk_id, o.epoch, o.kind, o.entity_id, CASE WHEN o.desk_id = $3 AND $4 THEN NULL ELSE o.payload END AS payload, o.hlc, o.schema_version,
              (o.status = 'applied' OR o.desk_id = $3) AS shown, r.reason, r.message
       FROM page p JOIN ops o ON o.op_id = p.op_id LEFT JOIN rejected_ops r ON o.status = 'rejected' AND r.op_id = o.op_id
       ORDER BY p.server_seq`,
      [cursor, limit + 1, deskId, slim],
    );
    const hasMore = r.rows.length > limit;
    const taken = r.rows.slice(0, limit);
    const page = taken.filter((c) => c.shown);
    const str = JSON.stringify;
    const parts = page.map(
      (c) =>
        `{"serverSeq":${num(c.server_seq)},"opId":${str(c.op_id)},"deskId":${str(c.desk_id)},"epoch":${num(c.epoch)},"kind":${str(c.kind)},"entityId":${str(c.entity_id)},` +
        `"payload":${c.payload ?? 'null'},"hlc":${str(c.hlc)},"schemaVersion":${num(c.schema_version)}${c.payload === null ? ',"payloadOmitted":true' : ''}` +
        `${c.reason !== null ? `,"rejected":{"reason":${str(c.reason)},"message":${str(c.message ?? '')}}` : ''}}`,
    );
    // Past the end, the cursor moves to the head read before the query: everything up to it was committed before
    // the query began, and what was read is all there is.
    const next = taken.length ? num(taken[taken.length - 1]!.server_seq) : cursor;
    const cursorOut = hasMore ? next : Math.max(next, head);
    return `{"changes":[${parts.join(',')}],"cursor":${cursorOut},"hasMore":${hasMore},"headSeq":${Math.max(head, cursorOut)},"serverTime":${str(this.nowIso())}}`;
  }

  async status(desk: DeskIdentity): Promise<StatusResponse> {
    const [cursors, rejected, blocks, head, hubId] = await Promise.all([
      this.db.query<{ epoch: unknown; start_seq: unknown; last_seq: unknown }>('SELECT epoch, start_seq, last_seq FROM desk_cursors WHERE desk_id = $1 ORDER BY epoch', [desk.deskId]),
      this.db.query<{ n: unknown }>(`SELECT COUNT(*) n FROM ops WHERE desk_id = $1 AND status = 'rejected'`, [desk.deskId]),
      this.db.query<{ block_start: unknown; block_end: unknown }>('SELECT block_start, block_end FROM mrn_blocks_granted WHERE desk_id = $1 ORDER BY block_start', [desk.deskId]),
      this.headSeq(),
      this.hubId(),
    ]);
    return {
      hubId,
      deskId: desk.deskId,
      deskLabel: desk.label,
      epochs: cursors.rows.map((c) => ({ epoch: num(c.epoch), startSeq: num(c.start_seq), lastSeq: num(c.last_seq) })),
      rejectedCount: num(rejected.rows[0]?.n ?? 0),
      headSeq: head,
      mrnBlocks: blocks.rows.map((b) => ({ start: num(b.block_start), end: num(b.block_end) })),
      serverTime: this.nowIso(),
      protocolVersion: PROTOCOL_VERSION,
    };
  }

  // ---- review items -------------------------------------------------------------------------------------------------

  async reviewItems(status: 'open' | 'all' = 'open', onlyId?: string, q: Queryable = this.db): Promise<ReviewItem[]> {
    // items come from materialising pushes: list them once every acknowledged push is applied (not inside a write)
    if (q === this.db) await this.settle();
    const conds: string[] = [];
    const params: unknown[] = [];
    if (status === 'open') conds.push(`c.status = 'open'`);
    if (onlyId !== undefined) {
      params.push(onlyId);
      conds.push(`c.id = $${params.length}`);
    }
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    // Who closed an item, how and when (review_resolutions, migration 2).
    const resolutionCols = `r.resolution r_resolution, r.note r_note, r.resolved_at r_resolved_at, r.desk_id r_desk_id, d.label r_desk_label, r.user_id r_user_id, r.user_name r_user_name`;
    const resolutionJoin = `LEFT JOIN review_resolutions r ON r.item_id = c.id LEFT JOIN desks d ON d.desk_id = r.desk_id`;
    type ResolutionCols = {
      r_resolution: ReviewResolution['resolution'] | null; r_note: string | null; r_resolved_at: Date | string | null; r_desk_id: string | null;
      r_desk_label: string | null; r_user_id: string | null; r_user_name: string | null;
    };
    const resolutionOf = (r: ResolutionCols): ReviewResolution | null =>
      r.r_resolution
        ? {
            resolution: r.r_resolution,
            note: r.r_note ?? '',
            resolvedAt: new Date(r.r_resolved_at!).toISOString(),
            deskId: r.r_desk_id ?? '',
            deskLabel: r.r_desk_label ?? '',
            userId: r.r_user_id,
            userName: r.r_user_name,
          }
        : null;
    const conflicts = await q.query<
      {
        id: string; patient_id: string; field: string; base_version: unknown; status: 'open' | 'resolved'; created_at: Date | string;
        op_a: string; desk_a: string; hlc_a: string; value_a: string; op_b: string; desk_b: string; hlc_b: string; value_b: string;
        label_a: string | null; label_b: string | null;
      } & ResolutionCols
    >(
      `SELECT c.id, c.patient_id, c.field, c.base_version, c.status, c.created_at,
              a.op_id op_a, a.desk_id desk_a, a.hlc hlc_a, a.value value_a, b.op_id op_b, b.desk_id desk_b, b.hlc hlc_b, b.value value_b,
              da.label label_a, db.label label_b, ${resolutionCols}
       FROM patient_conflicts c
       JOIN patient_field_writes a ON a.op_id = c.op_a AND a.field = c.field
       JOIN patient_field_writes b ON b.op_id = c.op_b AND b.field = c.field
       LEFT JOIN desks da ON da.desk_id = a.desk_id
       LEFT JOIN desks db ON db.desk_id = b.desk_id
       ${resolutionJoin}
       ${where} ORDER BY c.created_at, c.id`,
      params,
    );
    const merges = await q.query<
      { id: string; type: 'possible-duplicate' | 'mrn-collision'; patient_a: string; patient_b: string; score: unknown; reasons: string; mrn: string | null; status: 'open' | 'resolved'; created_at: Date | string } & ResolutionCols
    >(
      `SELECT c.id, c.type, c.patient_a, c.patient_b, c.score, c.reasons, c.mrn, c.status, c.created_at, ${resolutionCols}
       FROM merge_items c ${resolutionJoin} ${where} ORDER BY c.created_at, c.id`,
      params,
    );
    // Appointment changes a desk made that lost to another desk's (hub/visits/apply.ts records them).
    const visitConflicts = await q.query<
      { id: string; appointment_id: string; desk_id: string; kind: string; message: string; status: 'open' | 'resolved'; created_at: Date | string; doc: string; conflict_desk_label: string | null } & ResolutionCols
    >(
      `SELECT c.id, c.appointment_id, c.desk_id, c.kind, c.message, c.status, c.created_at, a.doc, dd.label conflict_desk_label, ${resolutionCols}
       FROM visit_conflicts c JOIN visit_appointments a ON a.id = c.appointment_id LEFT JOIN desks dd ON dd.desk_id = c.desk_id
       ${resolutionJoin} ${where} ORDER BY c.created_at, c.id`,
      params,
    );
    // Merges/undos the hub refused because the records were linked otherwise there (hub/apply.ts refuseLinkConflict),
    // with every involved record's link as the hub holds it now.
    const mergeConflicts = await q.query<
      { id: string; desk_id: string; kind: string; merged_id: string; survivor_id: string | null; message: string; patient_ids: string; status: 'open' | 'resolved'; created_at: Date | string; conflict_desk_label: string | null } & ResolutionCols
    >(
      `SELECT c.id, c.desk_id, c.kind, c.merged_id, c.survivor_id, c.message, c.patient_ids, c.status, c.created_at, dd.label conflict_desk_label, ${resolutionCols}
       FROM merge_conflicts c LEFT JOIN desks dd ON dd.desk_id = c.desk_id
       ${resolutionJoin} ${where} ORDER BY c.created_at, c.id`,
      params,
    );
    const involvedIds = [...new Set(mergeConflicts.rows.flatMap((m) => JSON.parse(m.patient_ids) as string[]))];
    const linkNow = new Map<string, string | null>();
    if (involvedIds.length) {
      const r = await q.query<{ id: string; merged_into: string | null }>('SELECT id, merged_into FROM patients WHERE id = ANY($1::text[])', [involvedIds]);
      for (const x of r.rows) linkNow.set(x.id, x.merged_into ?? null);
    }
    const items: ReviewItem[] = [];
    for (const c of conflicts.rows) {
      const a = { opId: c.op_a, deskId: c.desk_a, hlc: c.hlc_a, value: JSON.parse(c.value_a) as unknown, deskLabel: c.label_a ?? '' };
      const b = { opId: c.op_b, deskId: c.desk_b, hlc: c.hlc_b, value: JSON.parse(c.value_b) as unknown, deskLabel: c.label_b ?? '' };
      const cmp = compareHlc(a.hlc, b.hlc);
      const winner = cmp > 0 || (cmp === 0 && a.opId > b.opId) ? a : b;
      items.push({
        type: 'identity-conflict',
        id: c.id,
        status: c.status,
        createdAt: new Date(c.created_at).toISOString(),
        resolution: resolutionOf(c),
        patientId: c.patient_id,
        field: c.field,
        baseVersion: num(c.base_version),
        values: [a, b],
        winnerOpId: winner.opId,
      });
    }
    for (const m of merges.rows) {
      const base = { id: m.id, status: m.status, createdAt: new Date(m.created_at).toISOString(), resolution: resolutionOf(m), patientIds: [m.patient_a, m.patient_b] as [string, string] };
      if (m.type === 'possible-duplicate') items.push({ type: 'possible-duplicate', ...base, score: num(m.score), reasons: JSON.parse(m.reasons) as string[] });
      else items.push({ type: 'mrn-collision', ...base, mrn: m.mrn ?? '' });
    }
    for (const v of visitConflicts.rows) {
      const a = JSON.parse(v.doc) as { patientId?: string | null; start?: string; status?: string };
      items.push({
        type: 'appointment-conflict',
        id: v.id,
        status: v.status,
        createdAt: new Date(v.created_at).toISOString(),
        resolution: resolutionOf(v),
        appointmentId: v.appointment_id,
        patientId: a.patientId ?? null,
        start: a.start ?? '',
        appointmentStatus: a.status ?? '',
        kind: v.kind,
        deskId: v.desk_id,
        deskLabel: v.conflict_desk_label ?? '',
        message: v.message,
      });
    }
    for (const m of mergeConflicts.rows) {
      items.push({
        type: 'merge-conflict',
        id: m.id,
        status: m.status,
        createdAt: new Date(m.created_at).toISOString(),
        resolution: resolutionOf(m),
        kind: m.kind,
        deskId: m.desk_id,
        deskLabel: m.conflict_desk_label ?? '',
        mergedId: m.merged_id,
        survivorId: m.survivor_id,
        message: m.message,
        links: (JSON.parse(m.patient_ids) as string[]).map((id) => ({ patientId: id, mergedInto: linkNow.get(id) ?? null })),
      });
    }
    return items;
  }

  /**
   * Closes a review item with a decision (POST /review-items/:id/resolve). Records which desk (from its credential),
   * which user (as the desk names them), when and the note. Idempotent: an item already closed is returned as it was
   * closed the first time (`alreadyResolved`), whatever this call asked, so a retried request cannot overwrite a
   * supervisor's decision.
   */
  async resolveReviewItem(desk: DeskIdentity, id: string, body: ResolveReviewItemRequestParsed): Promise<ResolveReviewItemResponse> {
    await this.settle();
    return this.db.write(async (tx) => {
      await this.assertActive(tx, desk.deskId);
      const found = await tx.query<{ type: ReviewItem['type']; tbl: 'patient_conflicts' | 'merge_items' | 'visit_conflicts' | 'merge_conflicts' }>(
        `SELECT 'identity-conflict' AS type, 'patient_conflicts' AS tbl FROM patient_conflicts WHERE id = $1
         UNION ALL SELECT type, 'merge_items' AS tbl FROM merge_items WHERE id = $1
         UNION ALL SELECT 'appointment-conflict' AS type, 'visit_conflicts' AS tbl FROM visit_conflicts WHERE id = $1
         UNION ALL SELECT 'merge-conflict' AS type, 'merge_conflicts' AS tbl FROM merge_conflicts WHERE id = $1`,
        [id],
      );
      const f = found.rows[0];
      if (!f) throw new HubError(404, 'NOT_FOUND', 'No review item with this id at the hub.');
      const prior = await tx.query('SELECT 1 FROM review_resolutions WHERE item_id = $1', [id]);
      if (prior.rows.length > 0) return { item: (await this.reviewItems('all', id, tx))[0]!, alreadyResolved: true };
      const allowed = RESOLUTIONS_BY_TYPE[f.type];
      if (!allowed.includes(body.resolution)) {
        throw new HubError(400, 'VALIDATION', `A ${f.type.replace('-', ' ')} is resolved as ${allowed.join(' or ')}, not ${body.resolution}.`, {
          fields: { resolution: `one of ${allowed.join(', ')}` },
        });
      }
      const at = this.nowIso();
      await tx.query(
        'INSERT INTO review_resolutions (item_id, item_type, resolution, note, desk_id, user_id, user_name, resolved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [id, f.type, body.resolution, body.note, desk.deskId, body.resolvedBy?.userId ?? null, body.resolvedBy?.userName ?? null, at],
      );
      await tx.query(`UPDATE ${f.tbl} SET status = 'resolved' WHERE id = $1`, [id]);
      // The refusal note leaves every board: the hub publishes the appointment without it.
      if (f.tbl === 'visit_conflicts') await clearAppointmentConflict(tx, id, new Date(at));
      return { item: (await this.reviewItems('all', id, tx))[0]!, alreadyResolved: false };
    });
  }
}

/** Which decisions close which kind of item (a conflict is kept or corrected; a duplicate merged or declared different). */
export const RESOLUTIONS_BY_TYPE: Record<ReviewItem['type'], readonly ReviewResolution['resolution'][]> = {
  'identity-conflict': ['kept', 'corrected'],
  'possible-duplicate': ['merged', 'not-duplicate'],
  'mrn-collision': ['merged', 'corrected'],
  // the hub's state stands (kept), or the supervisor fixed the appointment by hand (corrected)
  'appointment-conflict': ['kept', 'corrected'],
  // the hub's links stand (kept), or the supervisor merged / undid by hand afterwards (corrected)
  'merge-conflict': ['kept', 'corrected'],
};

