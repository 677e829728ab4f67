/**
 * Canonical dumps of what a desk and the hub hold, for convergence checks in the fault and crash suites: patients
 * (id, MRN, every field value of the document, merge link), users (public fields) and the site. Sorted by id, docs as
 * canonical JSON (sorted keys), so two stores with the same data give byte-equal dumps whatever the order of writes.
 */
import type Database from 'better-sqlite3';
import type { HubDb } from '../../hub/db.js';
import { canonicalJson } from '../../shared/sync/patient-merge.js';

export interface PatientDump {
  id: string;
  mrn: string;
  doc: string;
  mergedInto: string | null;
}
export interface UserDump {
  id: string;
  username: string;
  displayName: string;
  role: string;
  active: boolean;
}
export interface StoreDump {
  patients: PatientDump[];
  users: UserDump[];
  site: { siteName: string; timeZone: string } | null;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function deskDump(db: Database.Database): StoreDump {
  const patients = db
    .prepare<[], { id: string; mrn: string; doc: string; merged_into: string | null }>('SELECT id, mrn, doc, merged_into FROM patients')
    .all()
    .map((r) => ({ id: r.id, mrn: r.mrn, doc: canonicalJson(JSON.parse(r.doc)), mergedInto: r.merged_into }))
    .sort(byId);
  const users = db
    .prepare<[], { id: string; username: string; display_name: string; role: string; active: number }>('SELECT id, username, display_name, role, active FROM users')
    .all()
    .map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role, active: r.active === 1 }))
    .sort(byId);
  const s = db.prepare<[], { name: string; time_zone: string }>('SELECT name, time_zone FROM site WHERE id = 1').get();
  return { patients, users, site: s ? { siteName: s.name, timeZone: s.time_zone } : null };
}

/** The hub's data; `deskIds` limits it to what those desks registered/wrote (a hub shared by several schedules). */
export async function hubDump(db: HubDb, deskIds?: readonly string[]): Promise<StoreDump> {
  const deskFilter = deskIds ? ' WHERE registered_desk = ANY($1)' : '';
  const pr = await db.query<{ id: string; mrn: string; doc: string; merged_into: string | null }>(
    `SELECT id, mrn, doc, merged_into FROM patients${deskFilter}`,
    deskIds ? [deskIds] : [],
  );
  const patients = pr.rows.map((r) => ({ id: r.id, mrn: r.mrn, doc: canonicalJson(JSON.parse(r.doc)), mergedInto: r.merged_into })).sort(byId);
  const ur = await db.query<{ doc: string }>(
    `SELECT d.doc FROM directory_entities d${deskIds ? ' JOIN ops o ON o.op_id = d.op_id WHERE d.entity_type = $1 AND o.desk_id = ANY($2)' : ' WHERE d.entity_type = $1'}`,
    deskIds ? ['user', deskIds] : ['user'],
  );
  const users = ur.rows
    .map((r) => JSON.parse(r.doc) as { id: string; username: string; displayName: string; role: string; active: boolean })
    .map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, active: u.active }))
    .sort(byId);
  const sr = await db.query<{ doc: string }>(`SELECT doc FROM directory_entities WHERE entity_type = 'site' AND entity_id = 'site'`);
  const sd = sr.rows[0] ? (JSON.parse(sr.rows[0].doc) as { siteName: string; timeZone: string }) : null;
  return { patients, users, site: sd ? { siteName: sd.siteName, timeZone: sd.timeZone } : null };
}

/** Human-readable differences between two dumps (empty when equal); at most `max` lines. */
export function diffDumps(aName: string, a: StoreDump, bName: string, b: StoreDump, max = 20): string[] {
  const out: string[] = [];
  const cmp = <T extends { id: string }>(what: string, xs: T[], ys: T[]) => {
    const mx = new Map(xs.map((x) => [x.id, x]));
    const my = new Map(ys.map((y) => [y.id, y]));
    for (const [id, x] of mx) {
      const y = my.get(id);
      if (!y) out.push(`${what} ${id}: on ${aName}, missing on ${bName}`);
      else if (canonicalJson(x) !== canonicalJson(y)) out.push(`${what} ${id} differs:\n  ${aName}: ${canonicalJson(x)}\n  ${bName}: ${canonicalJson(y)}`);
    }
    for (const id of my.keys()) if (!mx.has(id)) out.push(`${what} ${id}: on ${bName}, missing on ${aName}`);
  };
  cmp('patient', a.patients, b.patients);
  cmp('user', a.users, b.users);
  if (canonicalJson(a.site) !== canonicalJson(b.site)) out.push(`site differs: ${aName} ${canonicalJson(a.site)} / ${bName} ${canonicalJson(b.site)}`);
  return out.slice(0, max);
}
