import type Database from 'better-sqlite3';
import type { Role } from '../../shared/api/define.js';
import type { UserSummary, SiteSettings } from '../../shared/domain/user.js';
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
  };
}
