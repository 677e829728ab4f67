/**
 * The desk's acknowledgement watermark (desk migration 6, meta sync.acked_seq; electron/sync/local.ts): what the hub
 * acknowledged is one number, not a stamp on every outbox row. Real SQLite files: a store written before migration 6
 * keeps every acknowledged op acknowledged and sends nothing it must not skip; acks move the watermark forward only.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../electron/store/migrations.js';
import { migrate, getMeta } from '../../electron/store/db.js';
import { DeskSyncLocal, ackedSeq, pendingOps } from '../../electron/sync/local.js';
import { TestDesk, tempDir } from '../support/desk.js';
import { newId } from '../../shared/ids.js';

const dirs: string[] = [];
let desk: TestDesk | null = null;
afterEach(() => {
  desk?.destroy();
  desk = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A store file at schema 5 (before the watermark) with outbox rows acknowledged as `acked` says (true: acked_at set). */
function storeAtSchema5(acked: boolean[]): Database.Database {
  const dir = tempDir();
  dirs.push(dir);
  const db = new Database(path.join(dir, 'old.sqlite'));
  for (const m of migrations.filter((x) => x.version <= 5)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  const ins = db.prepare(
    `INSERT INTO outbox (desk_seq, op_id, desk_id, desk_epoch, kind, entity_id, payload, hlc, schema_version, created_at, acked_at)
     VALUES (?, ?, 'desk-1', 1, 'patient.updated', 'p-1', '{}', '0', 1, '2026-11-01T00:00:00.000Z', ?)`,
  );
  acked.forEach((a, i) => ins.run(i + 1, newId(), a ? '2026-11-01T00:00:01.000Z' : null));
  return db;
}

describe('acknowledgement watermark', () => {
  it('migration 6 carries acked_at over as the watermark, up to the first unacknowledged op', () => {
    const db = storeAtSchema5([true, true, true, false, true, false]);
    migrate(db);
    expect(getMeta(db, 'sync.acked_seq')).toBe('3');
    // seq 5 was stamped, but it comes after an unacknowledged op: sent again (the hub acknowledges a resend without
    // applying it twice), never skipped
    expect(pendingOps(db)).toBe(3);
    const cols = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('outbox')`).all().map((c) => c.name);
    expect(cols).not.toContain('acked_at');
    expect(db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'outbox_unacked'`).get()).toBeUndefined();
    db.close();
  });

  it('migration 6 on a fully acknowledged outbox, and on an empty one', () => {
    const all = storeAtSchema5([true, true]);
    migrate(all);
    expect(ackedSeq(all)).toBe(2);
    expect(pendingOps(all)).toBe(0);
    all.close();
    const none = storeAtSchema5([]);
    migrate(none);
    expect(ackedSeq(none)).toBe(0);
    expect(pendingOps(none)).toBe(0);
    none.close();
  });

  it('an ack moves the watermark to the last op of that epoch the desk holds, never back; rejections are marked', async () => {
    desk = new TestDesk();
    await desk.setup();
    const db = desk.app.store.db;
    const epoch = Number(getMeta(db, 'desk_epoch'));
    const first = (db.prepare('SELECT MAX(desk_seq) s FROM outbox').get() as { s: number | null }).s ?? 0;
    for (let i = 0; i < 4; i++) {
      db.prepare(
        `INSERT INTO outbox (desk_seq, op_id, desk_id, desk_epoch, kind, entity_id, payload, hlc, schema_version, created_at)
         VALUES (?, ?, ?, ?, 'patient.updated', 'p-1', '{}', '0', 1, '2026-11-01T00:00:00.000Z')`,
      ).run(first + i + 1, newId(), desk.app.store.deskId, epoch);
    }
    const local = new DeskSyncLocal(desk.app.store);
    const before = pendingOps(db);
    const rejectedOp = db.prepare<[number], { op_id: string }>('SELECT op_id FROM outbox WHERE desk_seq = ?').get(first + 2)!.op_id;
    expect(local.ack(epoch, first + 2, [{ opId: rejectedOp, seq: first + 2, reason: 'data-error', message: 'bad field' }])).toEqual({ acked: before - 2 });
    expect(ackedSeq(db)).toBe(first + 2);
    expect(pendingOps(db)).toBe(2);
    expect(db.prepare('SELECT rejected_reason r FROM outbox WHERE desk_seq = ?').get(first + 2)).toEqual({ r: 'data-error' });
    // the hub acknowledges past what this desk holds (its cursor): only the ops held here count
    expect(local.ack(epoch, first + 100, [])).toEqual({ acked: 2 });
    expect(ackedSeq(db)).toBe(first + 4);
    // a hub restored from a backup acknowledges older ops again: the watermark stays
    expect(local.ack(epoch, first + 1, [])).toEqual({ acked: 0 });
    expect(ackedSeq(db)).toBe(first + 4);
    expect(local.nextBatch(10)).toBeNull();
    // another epoch's acknowledgement cannot move it over ops of this one
    expect(local.ack(epoch + 5, first + 100, [])).toEqual({ acked: 0 });
    expect(ackedSeq(db)).toBe(first + 4);
  });
});
