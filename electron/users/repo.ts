import type Database from 'better-sqlite3';
import type { Role } from '../../shared/api/define.js';
import type { UserSummary, SiteSettings, SiteWideSettings } from '../../shared/domain/user.js';
import { isLockedOut } from './lockout.js';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  active: number;
  failed_count: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export function toSummary(r: UserRow, nowIso: string): UserSummary {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    active: r.active === 1,
    locked: isLockedOut(r, nowIso),
    createdAt: r.created_at,
  };
}

export function userById(db: Database.Database, id: string): UserRow | undefined {
  return db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
}

export function userByName(db: Database.Database, username: string): UserRow | undefined {
  return db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ? COLLATE NOCASE').get(username);
}

interface SiteRow {
  name: string;
  time_zone: string;
  desk_label: string;
  idle_lock_seconds: number;
  lockout_threshold: number;
  lockout_minutes: number;
}

export function readSettings(db: Database.Database): SiteSettings | null {
  const r = db.prepare<[], SiteRow>('SELECT * FROM site WHERE id = 1').get();
  if (!r) return null;
  return {
    siteName: r.name,
    timeZone: r.time_zone,
    deskLabel: r.desk_label,
    idleLockSeconds: r.idle_lock_seconds,
    lockoutThreshold: r.lockout_threshold,
    lockoutMinutes: r.lockout_minutes,
    requireDuplicateApproval: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(SITE_META.requireDuplicateApproval)?.value === '1',
  };
}

/** Site-wide settings that have no column in the site table: kept in the meta key/value table. */
export const SITE_META = { requireDuplicateApproval: 'site.require_duplicate_approval' } as const;

/**
 * Writes the site-wide settings present in `s` (a setting left out is left as it is: a 'site.configured' op from an
 * older desk carries only the name and the time zone). The desk name is not here: it is this desk's own.
 */
export function writeSiteWide(db: Database.Database, s: Partial<SiteWideSettings>, now: string): void {
  db.prepare(
    `UPDATE site SET name = COALESCE(?, name), time_zone = COALESCE(?, time_zone), idle_lock_seconds = COALESCE(?, idle_lock_seconds),
       lockout_threshold = COALESCE(?, lockout_threshold), lockout_minutes = COALESCE(?, lockout_minutes), updated_at = ? WHERE id = 1`,
  ).run(s.siteName ?? null, s.timeZone ?? null, s.idleLockSeconds ?? null, s.lockoutThreshold ?? null, s.lockoutMinutes ?? null, now);
  if (s.requireDuplicateApproval !== undefined) {
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(SITE_META.requireDuplicateApproval, s.requireDuplicateApproval ? '1' : '0');
  }
}
