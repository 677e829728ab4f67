/**
 * Latest-write stamps of whole entities (site settings, users, directory entries, payment settings) on the desk:
 * a pulled change replaces an entity only if its (hlc, op id) wins over the stamp (shared/sync/patient-merge.ts
 * writeWins). One home for the table's reads and writes, used by the sync core and by the domains' appliers.
 */
import type Database from 'better-sqlite3';
import { stmt } from '../store/stmt-cache.js';
import { writeWins, type FieldStamp } from '../../shared/sync/patient-merge.js';

export function entityStamp(db: Database.Database, type: string, id: string): FieldStamp | undefined {
  const r = stmt<[string, string], { hlc: string; op_id: string }>(db, 'SELECT hlc, op_id FROM sync_entity_stamps WHERE entity_type = ? AND entity_id = ?').get(type, id);
  return r ? { hlc: r.hlc, opId: r.op_id } : undefined;
}

export function putEntityStamp(db: Database.Database, type: string, id: string, s: FieldStamp): void {
  stmt(
    db,
    `INSERT INTO sync_entity_stamps (entity_type, entity_id, hlc, op_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (entity_type, entity_id) DO UPDATE SET hlc = excluded.hlc, op_id = excluded.op_id`,
  ).run(type, id, s.hlc, s.opId);
}

/** Stamps the entity with `s` if `s` wins over its stamp; returns whether it won. */
export function stampEntityIfWins(db: Database.Database, type: string, id: string, s: FieldStamp): boolean {
  if (!writeWins(entityStamp(db, type, id), s)) return false;
  putEntityStamp(db, type, id, s);
  return true;
}
