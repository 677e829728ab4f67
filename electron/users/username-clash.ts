/**
 * The same user name made separately on two desks (each set up on its own before enrolling): two accounts, one name.
 *
 * THE RULE. An account is its id, never its name: two ids are two accounts, whatever their names say (the hub keeps
 * both; it has no way to say they are one person). Of two accounts with the same user name (case-insensitive), the one
 * created FIRST keeps the name on every desk — ids are UUIDv7, so the smaller id is the earlier account, and every desk
 * decides the same way whatever order the changes arrive in. The LATER account is kept on every desk too (its history
 * and audit entries point at its id) but HELD: inactive (it cannot sign in) under a provisional sign-in name,
 * `<name>.<last characters of its id>`, and listed to administrators in the Users screen. An administrator then
 * either makes it Active — it then signs in under the provisional name on every desk (the name is pushed with the
 * account) — or leaves it inactive when it is the same person as the account that kept the name.
 *
 * WHERE. The sync core (electron/sync/apply.ts) parks a pulled `user.upserted` whose name another account holds on this
 * desk (reason 'username-taken'). This module applies those parked changes with the rule right after the page that
 * parked them commits (a Store commit listener, and once when the desk opens), in hub order, each in the same
 * transaction that deletes its parked row — so nothing stays parked. `applyUserUpsert` is written so the sync core
 * could call it in place of parking (see the report of this change).
 */
import type Database from 'better-sqlite3';
import type { Actor, RemoteTx, Store } from '../store/store.js';
import { changeSchema, userPayloadSchema, type Change } from '../../shared/sync/protocol.js';
import { writeWins, type FieldStamp } from '../../shared/sync/patient-merge.js';
import { stmt } from '../store/stmt-cache.js';
import { log } from '../log.js';
import type { UserRow } from './repo.js';

export const HELD_ACTION = 'user.username_held';
const HOLD_KEY = (id: string) => `users.held.${id}`;
const MAX_USERNAME = 40;

type UserPayload = ReturnType<typeof userPayloadSchema.parse>;

export interface UsernameHold {
  /** the name the account was made with */
  wanted: string;
  /** the name it has on this desk while held */
  provisional: string;
  /** the account that kept the name */
  keptBy: string;
  keptByName: string;
  /** whether the account is active where it was made (it stays inactive here until an administrator decides) */
  activeAtSource: boolean;
}

function actorFor(deskId: string): Actor {
  return { userId: `sync:${deskId}`, userName: 'Another desk (sync)' };
}

function userRow(db: Database.Database, id: string): UserRow | undefined {
  return stmt<[string], UserRow>(db, 'SELECT * FROM users WHERE id = ?').get(id);
}

function holderOf(db: Database.Database, username: string, exceptId: string): UserRow | undefined {
  return stmt<[string, string], UserRow>(db, 'SELECT * FROM users WHERE username = ? AND id <> ?').get(username, exceptId);
}

/** `<name>.<tail of id>`: valid as a user name everywhere (letters, digits, . _ -; at most 40), free on this desk. */
export function provisionalUsername(db: Database.Database, wanted: string, id: string): string {
  const hex = id.replace(/-/g, '').toLowerCase();
  for (const len of [4, 6, 8, 12, 32]) {
    const tail = hex.slice(-len);
    const name = `${wanted.slice(0, MAX_USERNAME - tail.length - 1)}.${tail}`;
    if (!holderOf(db, name, id)) return name;
  }
  return `u.${hex}`.slice(0, MAX_USERNAME);
}

export function readHold(db: Database.Database, id: string): UsernameHold | null {
  const v = stmt<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(HOLD_KEY(id))?.value;
  if (!v) return null;
  try {
    return JSON.parse(v) as UsernameHold;
  } catch {
    return null;
  }
}

function writeHold(db: Database.Database, id: string, h: UsernameHold): void {
  stmt(db, 'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(HOLD_KEY(id), JSON.stringify(h));
}

export function clearHold(db: Database.Database, id: string): void {
  stmt(db, 'DELETE FROM meta WHERE key = ?').run(HOLD_KEY(id));
}

/** Holds whose account is still held here (inactive, under its provisional name). */
export function currentHolds(db: Database.Database): ({ userId: string } & UsernameHold)[] {
  const rows = db.prepare<[], { key: string; value: string }>("SELECT key, value FROM meta WHERE key LIKE 'users.held.%'").all();
  const out: ({ userId: string } & UsernameHold)[] = [];
  for (const r of rows) {
    const id = r.key.slice('users.held.'.length);
    const h = readHold(db, id);
    const u = userRow(db, id);
    if (h && u && u.active === 0 && u.username === h.provisional) out.push({ userId: id, ...h });
  }
  return out;
}

/** Holds `row` (another account keeps its name): provisional name, inactive, audited. */
function hold(tx: RemoteTx, actor: Actor, row: { id: string; username: string; activeAtSource: boolean }, keptBy: { id: string; displayName: string }, detail: Record<string, unknown>): UsernameHold {
  const prior = readHold(tx.db, row.id);
  const wanted = prior?.wanted ?? row.username;
  const provisional = prior && userRow(tx.db, row.id)?.username === prior.provisional ? prior.provisional : provisionalUsername(tx.db, wanted, row.id);
  const h: UsernameHold = { wanted, provisional, keptBy: keptBy.id, keptByName: keptBy.displayName, activeAtSource: row.activeAtSource };
  writeHold(tx.db, row.id, h);
  tx.audit(actor, { action: HELD_ACTION, entityType: 'user', entityId: row.id, detail: { ...detail, wanted, provisional, keptBy: keptBy.id, keptByName: keptBy.displayName } });
  return h;
}

function putStamp(db: Database.Database, id: string, s: FieldStamp): void {
  stmt(db,
    `INSERT INTO sync_entity_stamps (entity_type, entity_id, hlc, op_id) VALUES ('user', ?, ?, ?)
     ON CONFLICT (entity_type, entity_id) DO UPDATE SET hlc = excluded.hlc, op_id = excluded.op_id`,
  ).run(id, s.hlc, s.opId);
}

function stampOf(db: Database.Database, id: string): FieldStamp | undefined {
  const r = stmt<[string], { hlc: string; op_id: string }>(db, "SELECT hlc, op_id FROM sync_entity_stamps WHERE entity_type = 'user' AND entity_id = ?").get(id);
  return r ? { hlc: r.hlc, opId: r.op_id } : undefined;
}

function upsertRow(tx: RemoteTx, u: UserPayload, username: string, active: boolean): void {
  if (userRow(tx.db, u.id)) {
    stmt(tx.db, 'UPDATE users SET username = ?, display_name = ?, role = ?, password_hash = ?, active = ?, updated_at = ? WHERE id = ?')
      .run(username, u.displayName, u.role, u.passwordHash, active ? 1 : 0, tx.now, u.id);
  } else {
    stmt(tx.db, 'INSERT INTO users (id, username, display_name, role, password_hash, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(u.id, username, u.displayName, u.role, u.passwordHash, active ? 1 : 0, tx.now, tx.now);
  }
}

/**
 * Applies a pulled `user.upserted` with the rule above (latest by HLC per account, like the sync core). Returns the
 * ids of accounts that became held on this desk.
 */
export function applyUserUpsert(tx: RemoteTx, c: Change, u: UserPayload): { heldIds: string[] } {
  const stamp = { hlc: c.hlc, opId: c.opId };
  if (!writeWins(stampOf(tx.db, u.id), stamp)) return { heldIds: [] }; // an older write of this account
  const actor = actorFor(c.deskId);
  const heldIds: string[] = [];
  const other = holderOf(tx.db, u.username, u.id);
  if (!other) {
    upsertRow(tx, u, u.username, u.active);
    clearHold(tx.db, u.id);
  } else if (u.id < other.id) {
    // The pulled account is the earlier one: it keeps the name; the account here that had it is held.
    const h = hold(tx, actor, { id: other.id, username: other.username, activeAtSource: other.active === 1 || (readHold(tx.db, other.id)?.activeAtSource ?? false) }, { id: u.id, displayName: u.displayName }, { fromDesk: c.deskId, opId: c.opId, reason: 'earlier-account-arrived' });
    stmt(tx.db, 'UPDATE users SET username = ?, active = 0, updated_at = ? WHERE id = ?').run(h.provisional, tx.now, other.id);
    heldIds.push(other.id);
    upsertRow(tx, u, u.username, u.active);
    clearHold(tx.db, u.id);
  } else {
    // The pulled account is the later one: kept, held.
    const h = hold(tx, actor, { id: u.id, username: u.username, activeAtSource: u.active }, { id: other.id, displayName: other.display_name }, { fromDesk: c.deskId, opId: c.opId, reason: 'later-account' });
    upsertRow(tx, u, h.provisional, false);
    heldIds.push(u.id);
  }
  putStamp(tx.db, u.id, stamp);
  tx.audit(actor, { action: 'user.synced', entityType: 'user', entityId: u.id, detail: { fromDesk: c.deskId, opId: c.opId, role: u.role, active: u.active, held: heldIds.includes(u.id) } });
  return { heldIds };
}

export interface ClashResult {
  applied: number;
  heldIds: string[];
}

const PARKED_SQL = "SELECT server_seq, change FROM sync_parked WHERE reason = 'username-taken' ORDER BY server_seq";

/** Applies every change parked because of a taken user name, in hub order; each row deleted as it is applied. */
export function resolveUsernameClashes(store: Store): ClashResult {
  const out: ClashResult = { applied: 0, heldIds: [] };
  const rows = store.db.prepare<[], { server_seq: number; change: string }>(PARKED_SQL).all();
  if (rows.length === 0) return out;
  store.remote((tx) => {
    const del = tx.db.prepare('DELETE FROM sync_parked WHERE server_seq = ?');
    for (const r of rows) {
      let c: Change;
      try {
        c = changeSchema.parse(JSON.parse(r.change));
      } catch {
        continue; // stays parked for a person
      }
      const p = userPayloadSchema.safeParse(c.payload);
      if (c.kind !== 'user.upserted' || !p.success || p.data.id !== c.entityId) continue;
      tx.receive(c.hlc);
      out.heldIds.push(...applyUserUpsert(tx, c, p.data).heldIds);
      del.run(r.server_seq);
      out.applied++;
    }
  });
  if (out.heldIds.length) log.warn('users: accounts held because another account has their user name', { held: out.heldIds.length });
  return out;
}

/**
 * Resolves parked user-name clashes now and after every commit that may have parked one (pulled pages write no
 * outbox rows). A held account's open session is not ended (the person was signed in legitimately, perhaps in the
 * middle of a registration); it cannot sign in or unlock again. Returns an unsubscribe.
 */
export function watchUsernameClashes(store: Store): () => void {
  let running = false;
  const has = () => store.db.open && !!store.db.prepare("SELECT 1 FROM sync_parked WHERE reason = 'username-taken' LIMIT 1").get();
  const run = () => {
    if (running || !has()) return;
    running = true;
    try {
      resolveUsernameClashes(store);
    } finally {
      running = false;
    }
  };
  run();
  return store.onCommit(({ outboxWrites }) => {
    if (outboxWrites === 0) run();
  });
}
