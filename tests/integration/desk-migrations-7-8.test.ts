/**
 * Desk migrations 7 (likely-duplicate flags, electron/patients/migrations.ts) and 8 (audit indexes): a real store file
 * at the previous version, with patients, audit entries and outbox rows in it, migrates to the new version with its
 * data intact, and the new table keeps its rules (a closed flag is kept as it was; flags are never deleted).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../electron/store/migrations.js';
import { migrate } from '../../electron/store/db.js';
import { TestDesk, tempDir } from '../support/desk.js';
import { patientInput } from '../support/patients.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A real desk used for a while (patients, audit, outbox), then its file cut back to schema `version`. */
async function storeUsedAtVersion(version: number): Promise<{ file: string; counts: Record<string, number> }> {
  const desk = new TestDesk();
  await desk.setup();
  await desk.call('patients.register', { patient: patientInput({ name: { given: 'Ada', family: 'Lindqvist' } }) });
  await desk.call('patients.register', { patient: patientInput({ name: { given: 'Bob', family: 'Lindberg' }, birthDate: '1980-01-02' }) });
  const dir = tempDir();
  dirs.push(dir);
  const file = path.join(dir, 'old.sqlite');
  await desk.app.store.db.backup(file);
  desk.destroy();
  const db = new Database(file);
  // what the later migrations made, undone, so the file is what the older version wrote
  if (version < 8) db.exec('DROP INDEX audit_at; DROP INDEX audit_user; DROP INDEX audit_entity;');
  if (version < 7) db.exec('DROP TABLE patient_duplicate_flags;');
  db.pragma(`user_version = ${version}`);
  const counts = Object.fromEntries(['patients', 'audit_log', 'outbox', 'users'].map((t) => [t, (db.prepare(`SELECT COUNT(*) n FROM ${t}`).get() as { n: number }).n]));
  db.close();
  return { file, counts };
}

function countsOf(db: Database.Database, tables: string[]) {
  return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT COUNT(*) n FROM ${t}`).get() as { n: number }).n]));
}

describe('desk migration 7: likely-duplicate flags', () => {
  it('a store at schema 6 with data migrates; the data stays; the flags table takes flags and keeps a closed one as it was', async () => {
    expect(migrations.find((m) => m.version === 7)?.name).toMatch(/duplicate flags/);
    const { file, counts } = await storeUsedAtVersion(6);
    const db = new Database(file);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'patient_duplicate_flags'`).get()).toBeUndefined();
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    expect(countsOf(db, Object.keys(counts))).toEqual(counts);
    const [a, b] = db.prepare('SELECT id FROM patients ORDER BY family').all() as { id: string }[];
    db.prepare(
      `INSERT INTO patient_duplicate_flags (id, patient_id, match_id, score, reasons, reason, saved_by_id, saved_by_name, created_at, status)
       VALUES ('f1', ?, ?, 0.9, '["name"]', 'checked the card', 'u1', 'Cleo', '2026-12-01T00:00:00.000Z', 'open')`,
    ).run(a!.id, b!.id);
    // a flag names patients this desk holds
    expect(() =>
      db.prepare(`INSERT INTO patient_duplicate_flags (id, patient_id, match_id, score, reasons, reason, saved_by_id, saved_by_name, created_at, status) VALUES ('f2', 'nobody', ?, 1, '[]', 'x', 'u', 'U', 'now', 'open')`).run(b!.id),
    ).toThrow(/FOREIGN KEY/);
    // open -> resolved once, with its resolution; then kept as it was, and never deleted
    expect(() => db.prepare(`UPDATE patient_duplicate_flags SET status = 'resolved' WHERE id = 'f1'`).run()).toThrow(/CHECK/);
    db.prepare(`UPDATE patient_duplicate_flags SET status = 'resolved', resolution = 'not-duplicate', resolution_note = '', resolved_at = 'now', resolved_by_id = 'u2', resolved_by_name = 'Sam' WHERE id = 'f1'`).run();
    expect(() => db.prepare(`UPDATE patient_duplicate_flags SET resolution = 'merged' WHERE id = 'f1'`).run()).toThrow(/kept as it was/);
    expect(() => db.prepare(`DELETE FROM patient_duplicate_flags`).run()).toThrow(/never deleted/);
    db.close();
  });
});

describe('desk migration 8: audit indexes', () => {
  it('a store at schema 7 with audit entries migrates; entries and the chain stay; the filters use the indexes', async () => {
    const { file, counts } = await storeUsedAtVersion(7);
    const db = new Database(file);
    const before = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq').all();
    expect(before.length).toBeGreaterThan(3);
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    expect(countsOf(db, Object.keys(counts))).toEqual(counts);
    expect(db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq').all()).toEqual(before);
    const plan = (sql: string, ...p: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...p) as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan('SELECT * FROM audit_log WHERE at >= ? AND at < ?', 'a', 'b')).toMatch(/audit_at/);
    expect(plan('SELECT * FROM audit_log WHERE user_id = ? ORDER BY seq DESC', 'u')).toMatch(/audit_user/);
    expect(plan("SELECT * FROM audit_log WHERE entity_type = 'patient' AND entity_id = ?", 'p')).toMatch(/audit_entity/);
    db.close();
  });
});
