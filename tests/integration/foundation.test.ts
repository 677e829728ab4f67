import { afterEach, describe, expect, it } from 'vitest';
import { TestDesk, ADMIN, tempDir } from '../support/desk.js';
import { verifyAuditChain } from '../../electron/audit/chain.js';
import { StoreOpenError } from '../../electron/store/db.js';
import fs from 'node:fs';
import path from 'node:path';

let desk: TestDesk | null = null;
afterEach(() => {
  desk?.destroy();
  desk = null;
});

describe('store', () => {
  it('opens in WAL with synchronous=FULL and foreign keys, at the latest schema', () => {
    desk = new TestDesk();
    const db = desk.app.store.db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
  });

  it('refuses a data directory that is a file, with a clear message', () => {
    const dir = tempDir();
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    expect(() => new TestDesk(file)).toThrow(StoreOpenError);
    expect(() => new TestDesk(file)).toThrow(/is a file, not a directory/);
  });

  it('refuses a store that is not a database without changing it', () => {
    const dir = tempDir();
    const f = path.join(dir, 'accessdesk.sqlite');
    fs.writeFileSync(f, 'this is not sqlite '.repeat(100));
    const before = fs.readFileSync(f);
    expect(() => new TestDesk(dir)).toThrow(/damaged or not an AccessDesk store/);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
  });

  it('refuses a store written by a newer schema', () => {
    desk = new TestDesk();
    const dir = desk.dir;
    desk.app.store.db.pragma('user_version = 999');
    desk.close();
    expect(() => new TestDesk(dir)).toThrow(/newer AccessDesk/);
    fs.rmSync(dir, { recursive: true, force: true });
    desk = null;
  });

  it('a command writes domain rows, outbox and audit together, or nothing', () => {
    desk = new TestDesk();
    const store = desk.app.store;
    const actor = { userId: 'u1', userName: 'Test' };
    expect(() =>
      store.command(actor, (tx) => {
        tx.db.prepare(`INSERT INTO meta(key, value) VALUES ('k1', 'v')`).run();
        tx.outbox({ kind: 'test.thing', entityId: 'e1', payload: { a: 1 } });
        tx.audit({ action: 'test.did', entityType: 'test', entityId: 'e1' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(desk.count('outbox')).toBe(0);
    expect(desk.count('audit_log')).toBe(0);
    expect(store.db.prepare(`SELECT * FROM meta WHERE key='k1'`).get()).toBeUndefined();

    store.command(actor, (tx) => {
      tx.db.prepare(`INSERT INTO meta(key, value) VALUES ('k1', 'v')`).run();
      tx.outbox({ kind: 'test.thing', entityId: 'e1', payload: { a: 1 } });
      tx.outbox({ kind: 'test.thing', entityId: 'e2', payload: { a: 2 } });
      tx.audit({ action: 'test.did', entityType: 'test', entityId: 'e1' });
    });
    const rows = store.db.prepare('SELECT * FROM outbox ORDER BY desk_seq').all() as { desk_seq: number; desk_id: string; desk_epoch: number; hlc: string; op_id: string; schema_version: number }[];
    expect(rows.map((r) => r.desk_seq)).toEqual([1, 2]);
    expect(rows[0]!.desk_id).toBe(store.deskId);
    expect(rows[0]!.desk_epoch).toBe(1);
    expect(rows[1]!.hlc > rows[0]!.hlc).toBe(true);
    expect(rows[0]!.op_id).not.toBe(rows[1]!.op_id);
    expect(desk.count('audit_log')).toBe(1);
  });

  it('refuses a command without an audit entry', () => {
    desk = new TestDesk();
    expect(() => desk!.app.store.command({ userId: 'u', userName: 'u' }, (tx) => tx.outbox({ kind: 'k', entityId: 'e', payload: {} }))).toThrow(/audit/);
    expect(desk.count('outbox')).toBe(0);
  });
});

describe('audit log', () => {
  it('is append-only in the database and hash-chained', async () => {
    desk = new TestDesk();
    await desk.setup();
    const db = desk.app.store.db;
    expect(desk.count('audit_log')).toBeGreaterThanOrEqual(3);
    expect(() => db.prepare(`UPDATE audit_log SET action = 'x'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM audit_log`).run()).toThrow(/append-only/);
    expect(verifyAuditChain(db).ok).toBe(true);

    // Tamper below the triggers (as an attacker with the file would) and the chain breaks at that row.
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare(`UPDATE audit_log SET user_name = 'Mallory' WHERE seq = 2`).run();
    const res = verifyAuditChain(db);
    expect(res.ok).toBe(false);
    expect(res.firstBadSeq).toBe(2);
  });

  it('audit.verify is for administrators and reports the chain', async () => {
    desk = new TestDesk();
    await desk.setup();
    const res = await desk.call('audit.verify', {});
    expect(res.ok).toBe(true);
    expect(res.count).toBeGreaterThan(0);
    const list = await desk.call('audit.list', { limit: 5 });
    expect(list.entries[0]!.action).toBe('audit.verified');
  });
});

describe('first run, sign-in and sessions', () => {
  it('setup creates the site and first administrator once', async () => {
    desk = new TestDesk();
    expect((await desk.call('app.status', {})).setupDone).toBe(false);
    await desk.setup();
    expect((await desk.call('app.status', {})).setupDone).toBe(true);
    const again = await desk.raw('setup.initialize', { siteName: 'X', timeZone: 'UTC', deskLabel: 'D', admin: ADMIN });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('ALREADY_SET_UP');
    const hash = (desk.app.store.db.prepare('SELECT password_hash FROM users').get() as { password_hash: string }).password_hash;
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses methods without sign-in and by role', async () => {
    desk = new TestDesk();
    await desk.setup();
    const anon = await desk.raw('users.list', {}, 'other-window');
    expect(!anon.ok && anon.error.code).toBe('UNAUTHENTICATED');
    await desk.call('users.create', { username: 'clara', displayName: 'Clara Clerk', role: 'clerk', password: 'clerk password 1' });
    await desk.call('session.signIn', { username: 'clara', password: 'clerk password 1' }, 'clerk-window');
    const forbidden = await desk.raw('users.list', {}, 'clerk-window');
    expect(!forbidden.ok && forbidden.error.code).toBe('FORBIDDEN');
    const audit = await desk.raw('audit.list', {}, 'clerk-window');
    expect(!audit.ok && audit.error.code).toBe('FORBIDDEN');
  });

  it('locks an account after repeated failures, and an admin can unlock it', async () => {
    desk = new TestDesk();
    await desk.setup();
    const { user } = await desk.call('users.create', { username: 'bob', displayName: 'Bob', role: 'clerk', password: 'bob password 12' });
    for (let i = 0; i < 4; i++) {
      const r = await desk.raw('session.signIn', { username: 'bob', password: 'wrong password' }, 'w2');
      expect(!r.ok && r.error.code).toBe('BAD_CREDENTIALS');
    }
    const fifth = await desk.raw('session.signIn', { username: 'bob', password: 'wrong password' }, 'w2');
    expect(!fifth.ok && fifth.error.code).toBe('ACCOUNT_LOCKED');
    const right = await desk.raw('session.signIn', { username: 'bob', password: 'bob password 12' }, 'w2');
    expect(!right.ok && right.error.code).toBe('ACCOUNT_LOCKED');
    await desk.call('users.unlock', { id: user.id });
    const ok = await desk.raw('session.signIn', { username: 'bob', password: 'bob password 12' }, 'w2');
    expect(ok.ok).toBe(true);
    const actions = (desk.app.store.db.prepare('SELECT action FROM audit_log').all() as { action: string }[]).map((r) => r.action);
    expect(actions).toContain('user.locked_out');
    expect(actions).toContain('user.unlocked');
  });

  it('idle lock refuses data calls until the password is entered again', async () => {
    desk = new TestDesk();
    let now = Date.now();
    desk.app.store.clock = { now: () => new Date(now) };
    await desk.setup();
    expect((await desk.raw('users.list', {})).ok).toBe(true);
    now += 301_000; // default idle lock 300 s
    const locked = await desk.raw('users.list', {});
    expect(!locked.ok && locked.error.code).toBe('SESSION_LOCKED');
    const cur = await desk.call('session.current', {});
    expect(cur.locked).toBe(true);
    const bad = await desk.raw('session.unlock', { password: 'nope' });
    expect(!bad.ok && bad.error.code).toBe('BAD_CREDENTIALS');
    await desk.call('session.unlock', { password: ADMIN.password });
    expect((await desk.raw('users.list', {})).ok).toBe(true);
  });

  it('bad input is a typed VALIDATION error with fields, and writes nothing', async () => {
    desk = new TestDesk();
    const before = desk.count('audit_log');
    const r = await desk.raw('setup.initialize', { siteName: '', timeZone: 'Mars/Base', deskLabel: 'x', admin: { username: 'a b', displayName: 'A', password: 'short' } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION');
      expect(Object.keys(r.error.fields ?? {})).toEqual(expect.arrayContaining(['siteName', 'timeZone', 'admin.username', 'admin.password']));
    }
    expect(desk.count('audit_log')).toBe(before);
    expect(desk.count('users')).toBe(0);
  });
});
