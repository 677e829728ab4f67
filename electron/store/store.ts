import type Database from 'better-sqlite3';
import { openDatabase, getMeta, setMeta } from './db.js';
import { auditHash, GENESIS_HASH } from '../audit/chain.js';
import { newId } from '../../shared/ids.js';
import { encodeHlc, decodeHlc, tickHlc, receiveHlc, type Hlc } from '../../shared/hlc.js';

/** Schema version of outbox payloads (bumped when a payload shape changes). */
export const PAYLOAD_SCHEMA_VERSION = 1;

/** Who is acting: every write and every audit entry is attributed. */
export interface Actor {
  userId: string;
  userName: string;
}

export const SYSTEM_ACTOR: Actor = { userId: 'system', userName: 'AccessDesk' };

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  /** short, structured; may name patient ids, never free-typed PHI beyond what the action needs */
  detail?: Record<string, unknown>;
}

export interface OutboxInput {
  kind: string;
  entityId: string;
  payload: unknown;
}

/** Handed to a command: the database inside the transaction, plus outbox and audit writers. */
export interface CommandTx {
  db: Database.Database;
  now: string;
  actor: Actor;
  outbox(e: OutboxInput): void;
  audit(e: AuditInput): void;
}

export interface Clock {
  now(): Date;
}

/** Handed to `Store.remote`: applying changes that came from elsewhere (sync pull). No outbox: they are not ours. */
export interface RemoteTx {
  db: Database.Database;
  now: string;
  /** Merges a remote HLC into the desk's clock, so later local writes order after everything this desk has seen. */
  receive(hlc: string): void;
  /** Audit entry attributed to whoever made the change elsewhere (e.g. another desk). */
  audit(actor: Actor, e: AuditInput): void;
}

/**
 * A CommandTx over a RemoteTx, for domain row writers shared by local commands and pulled changes (e.g. the merge
 * module): audit entries go to `actor`; writing the outbox throws — a pulled change is not this desk's.
 */
export function commandTxForRemote(tx: RemoteTx, actor: Actor): CommandTx {
  return {
    db: tx.db,
    now: tx.now,
    actor,
    outbox: () => {
      throw new Error('a pulled change must not write the outbox');
    },
    audit: (e) => tx.audit(actor, e),
  };
}

/** Told after a transaction committed (`outboxWrites` > 0: new outbox rows wait to be pushed). */
export type CommitListener = (info: { outboxWrites: number }) => void;
export const systemClock: Clock = { now: () => new Date() };

/**
 * The desk's store: the one writer connection, plus the rule that every state change is one command —
 * domain rows + outbox entry + audit entry in one IMMEDIATE transaction, or nothing.
 */
export class Store {
  readonly db: Database.Database;
  readonly deskId: string;
  readonly dataDir: string;
  clock: Clock;
  private epoch: number;
  private lastHlc: Hlc | null;
  private readonly commitListeners = new Set<CommitListener>();
  private readonly stmts;

  constructor(dataDir: string, opts: { clock?: Clock; quickCheck?: boolean } = {}) {
    this.dataDir = dataDir;
    this.db = openDatabase(dataDir, { quickCheck: opts.quickCheck });
    this.clock = opts.clock ?? systemClock;
    this.deskId = getMeta(this.db, 'desk_id')!;
    this.epoch = Number(getMeta(this.db, 'desk_epoch'));
    const h = getMeta(this.db, 'hlc');
    this.lastHlc = h ? decodeHlc(h) : null;
    this.stmts = {
      lastAudit: this.db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insertAudit: this.db.prepare(
        `INSERT INTO audit_log (seq, id, at, user_id, user_name, action, entity_type, entity_id, detail, prev_hash, hash)
         VALUES (@seq, @id, @at, @user_id, @user_name, @action, @entity_type, @entity_id, @detail, @prev_hash, @hash)`,
      ),
      lastOutbox: this.db.prepare<[], { desk_seq: number }>('SELECT desk_seq FROM outbox ORDER BY desk_seq DESC LIMIT 1'),
      insertOutbox: this.db.prepare(
        `INSERT INTO outbox (desk_seq, op_id, desk_id, desk_epoch, kind, entity_id, payload, hlc, schema_version, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /** The desk epoch new outbox rows get (a restored or reinstalled desk moves to a new one: electron/sync). */
  get deskEpoch(): number {
    return this.epoch;
  }

  /** Re-reads the desk epoch from meta (after sync started a new epoch). */
  refreshIdentity(): void {
    this.epoch = Number(getMeta(this.db, 'desk_epoch'));
  }

  /** Listens for committed transactions (the sync worker pushes soon after a local write). Returns an unsubscribe. */
  onCommit(l: CommitListener): () => void {
    this.commitListeners.add(l);
    return () => this.commitListeners.delete(l);
  }

  private notifyCommit(outboxWrites: number): void {
    for (const l of this.commitListeners) {
      try {
        l({ outboxWrites });
      } catch {
        /* a listener never fails a committed write */
      }
    }
  }

  /**
   * Applies changes that came from elsewhere (a page pulled from the sync hub): one IMMEDIATE transaction, no outbox
   * rows (they are not this desk's changes), audit entries attributed to the remote author, HLC merged on receive.
   */
  remote<T>(fn: (tx: RemoteTx) => T): T {
    const run = this.db.transaction(() => {
      const now = this.clock.now().toISOString();
      let hlc = this.lastHlc;
      const tx: RemoteTx = {
        db: this.db,
        now,
        receive: (remote) => {
          hlc = receiveHlc(hlc, decodeHlc(remote), this.clock.now().getTime(), this.deskId);
        },
        audit: (actor, e) => this.appendAudit(actor, now, e),
      };
      const result = fn(tx);
      if (hlc !== this.lastHlc && hlc) setMeta(this.db, 'hlc', encodeHlc(hlc));
      return { result, hlc };
    });
    const { result, hlc } = run.immediate();
    this.lastHlc = hlc;
    this.notifyCommit(0);
    return result;
  }

  /**
   * Runs one domain command. `fn` writes domain rows through `tx.db` and declares its outbox and audit entries;
   * everything commits together (BEGIN IMMEDIATE) or rolls back together. A command must audit at least once.
   */
  command<T>(actor: Actor, fn: (tx: CommandTx) => T): T {
    const run = this.db.transaction(() => {
      const now = this.clock.now().toISOString();
      let audited = 0;
      let outboxWrites = 0;
      let hlc = this.lastHlc;
      const tx: CommandTx = {
        db: this.db,
        now,
        actor,
        outbox: (e) => {
          hlc = tickHlc(hlc, this.clock.now().getTime(), this.deskId);
          const seq = (this.stmts.lastOutbox.get()?.desk_seq ?? 0) + 1;
          this.stmts.insertOutbox.run(seq, newId(), this.deskId, this.epoch, e.kind, e.entityId, JSON.stringify(e.payload), encodeHlc(hlc), PAYLOAD_SCHEMA_VERSION, now);
          outboxWrites++;
        },
        audit: (e) => {
          this.appendAudit(actor, now, e);
          audited++;
        },
      };
      const result = fn(tx);
      if (audited === 0) throw new Error('A command must write an audit entry');
      if (hlc !== this.lastHlc && hlc) setMeta(this.db, 'hlc', encodeHlc(hlc));
      return { result, hlc, outboxWrites };
    });
    const { result, hlc, outboxWrites } = run.immediate();
    this.lastHlc = hlc; // only after commit
    this.notifyCommit(outboxWrites);
    return result;
  }

  /** Audit-only command (views, searches, sign-ins): no domain rows, no outbox. */
  audit(actor: Actor, e: AuditInput): void {
    this.command(actor, (tx) => tx.audit(e));
  }

  private appendAudit(actor: Actor, at: string, e: AuditInput): void {
    const last = this.stmts.lastAudit.get();
    const row = {
      seq: (last?.seq ?? 0) + 1,
      id: newId(),
      at,
      user_id: actor.userId,
      user_name: actor.userName,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      detail: JSON.stringify(e.detail ?? {}),
    };
    const prev = last?.hash ?? GENESIS_HASH;
    this.stmts.insertAudit.run({ ...row, prev_hash: prev, hash: auditHash(prev, row) });
  }

  close(): void {
    if (this.db.open) {
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        /* closing anyway */
      }
      this.db.close();
    }
  }
}
