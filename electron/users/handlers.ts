import { ApiError } from '../../shared/api/errors.js';
import { newId } from '../../shared/ids.js';
import type { DomainHandlers, HandlerContext } from '../api/types.js';
import { requireUser } from '../api/types.js';
import { LATEST_SCHEMA_VERSION } from '../store/migrations.js';
import type { SessionTable } from './sessions.js';
import { hashPassword, verifyPassword, dummyHash } from './passwords.js';
import { countFailedPassword, isLockedOut } from './lockout.js';
import { readSettings, toSummary, userById, userByName, writeSiteWide, type UserRow } from './repo.js';
import { SYSTEM_ACTOR } from '../store/store.js';
import { clearHold, readHold } from './username-clash.js';
import { siteWidePayload } from '../../shared/domain/user.js';

export const APP_VERSION = '0.1.0';

type UserMethods =
  | 'app.status'
  | 'setup.initialize'
  | 'session.current'
  | 'session.signIn'
  | 'session.signOut'
  | 'session.lock'
  | 'session.unlock'
  | 'session.touch'
  | 'users.list'
  | 'users.create'
  | 'users.update'
  | 'users.setPassword'
  | 'users.unlock'
  | 'settings.get'
  | 'settings.update';

function settingsOrThrow(ctx: HandlerContext) {
  const s = readSettings(ctx.store.db);
  if (!s) throw new ApiError('SETUP_REQUIRED', 'This desk has not been set up yet.');
  return s;
}

function sessionInfo(ctx: HandlerContext, sessions: SessionTable) {
  const settings = readSettings(ctx.store.db);
  const idle = settings?.idleLockSeconds ?? 300;
  const s = sessions.refresh(ctx.sessionKey, idle);
  const row = s ? userById(ctx.store.db, s.userId) : undefined;
  return {
    user: row ? toSummary(row, ctx.store.clock.now().toISOString()) : null,
    locked: s?.locked ?? false,
    idleLockSeconds: idle,
  };
}

function publicUserPayload(r: UserRow) {
  // Synced to the hub and other desks later (staff are hub-authoritative); the hash lets a user sign in anywhere.
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, active: r.active === 1, passwordHash: r.password_hash };
}

export function userHandlers(sessions: SessionTable): DomainHandlers<UserMethods> {
  return {
    'app.status': (_i, ctx) => {
      const s = readSettings(ctx.store.db);
      return {
        setupDone: s !== null,
        siteName: s?.siteName ?? '',
        deskLabel: s?.deskLabel ?? '',
        deskId: ctx.store.deskId,
        appVersion: APP_VERSION,
        schemaVersion: LATEST_SCHEMA_VERSION,
      };
    },

    'setup.initialize': async (input, ctx) => {
      if (readSettings(ctx.store.db)) throw new ApiError('ALREADY_SET_UP', 'This desk is already set up.');
      const pw = await hashPassword(input.admin.password);
      const id = newId();
      ctx.store.command({ userId: id, userName: input.admin.displayName }, (tx) => {
        // Checked again inside the write transaction: two first-run windows cannot both win.
        if (tx.db.prepare('SELECT 1 FROM site WHERE id = 1').get()) throw new ApiError('ALREADY_SET_UP', 'This desk is already set up.');
        tx.db
          .prepare('INSERT INTO site (id, name, time_zone, desk_label, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?)')
          .run(input.siteName, input.timeZone, input.deskLabel, tx.now, tx.now);
        tx.db
          .prepare(`INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'administrator', ?, ?, ?)`)
          .run(id, input.admin.username, input.admin.displayName, pw, tx.now, tx.now);
        tx.outbox({ kind: 'site.configured', entityId: 'site', payload: siteWidePayload(readSettings(tx.db)!) });
        tx.outbox({ kind: 'user.upserted', entityId: id, payload: publicUserPayload(userById(tx.db, id)!) });
        tx.audit({ action: 'setup.initialized', entityType: 'site', entityId: 'site', detail: { deskLabel: input.deskLabel } });
        tx.audit({ action: 'user.created', entityType: 'user', entityId: id, detail: { username: input.admin.username, role: 'administrator' } });
      });
      return { ok: true as const };
    },

    'session.current': (_i, ctx) => sessionInfo(ctx, sessions),

    'session.signIn': async (input, ctx) => {
      const settings = settingsOrThrow(ctx);
      const row = userByName(ctx.store.db, input.username.trim());
      const nowIso = () => ctx.store.clock.now().toISOString();
      if (!row || row.active !== 1) {
        await verifyPassword(await dummyHash(), input.password);
        ctx.store.audit(SYSTEM_ACTOR, { action: 'session.sign_in_failed', entityType: 'user', entityId: row?.id ?? 'unknown', detail: { reason: row ? 'inactive' : 'unknown-user' } });
        throw new ApiError('BAD_CREDENTIALS', 'User name or password is not right.');
      }
      if (isLockedOut(row, nowIso())) {
        ctx.store.audit(SYSTEM_ACTOR, { action: 'session.sign_in_refused', entityType: 'user', entityId: row.id, detail: { reason: 'locked-out' } });
        throw new ApiError('ACCOUNT_LOCKED', `This account is locked after too many failed sign-ins. Try again after ${new Date(row.locked_until).toLocaleTimeString('en-US', { timeZone: settings.timeZone, hour: 'numeric', minute: '2-digit' })} or ask an administrator.`);
      }
      const good = await verifyPassword(row.password_hash, input.password);
      if (!good) {
        const locked = ctx.store.command(SYSTEM_ACTOR, (tx) => countFailedPassword(tx, row.id, settings, ctx.store.clock, { failedAction: 'session.sign_in_failed' })!.locked);
        if (locked) throw new ApiError('ACCOUNT_LOCKED', `Too many failed sign-ins: this account is locked for ${settings.lockoutMinutes} minutes.`);
        throw new ApiError('BAD_CREDENTIALS', 'User name or password is not right.');
      }
      ctx.store.command({ userId: row.id, userName: row.display_name }, (tx) => {
        tx.db.prepare('UPDATE users SET failed_count = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(tx.now, row.id);
        tx.audit({ action: 'session.signed_in', entityType: 'user', entityId: row.id });
      });
      sessions.start(ctx.sessionKey, { userId: row.id, userName: row.display_name, role: row.role });
      ctx.emit('session.changed', { locked: false, signedIn: true });
      return sessionInfo(ctx, sessions);
    },

    'session.signOut': (_i, ctx) => {
      const user = requireUser(ctx);
      sessions.end(ctx.sessionKey);
      ctx.store.audit(user, { action: 'session.signed_out', entityType: 'user', entityId: user.userId });
      return { ok: true as const };
    },

    'session.lock': (_i, ctx) => {
      const user = requireUser(ctx);
      const s = sessions.get(ctx.sessionKey);
      if (s && !s.locked) {
        sessions.lock(ctx.sessionKey);
        ctx.store.audit(user, { action: 'session.locked', entityType: 'user', entityId: user.userId });
      }
      return { ok: true as const };
    },

    'session.unlock': async (input, ctx) => {
      const user = requireUser(ctx);
      const row = userById(ctx.store.db, user.userId);
      if (!row || row.active !== 1) {
        sessions.end(ctx.sessionKey);
        throw new ApiError('UNAUTHENTICATED', 'Please sign in.');
      }
      const good = await verifyPassword(row.password_hash, input.password);
      if (!good) {
        ctx.store.audit(user, { action: 'session.unlock_failed', entityType: 'user', entityId: user.userId });
        throw new ApiError('BAD_CREDENTIALS', 'That password is not right.', { fields: { password: 'That password is not right.' } });
      }
      sessions.unlock(ctx.sessionKey);
      ctx.store.audit(user, { action: 'session.unlocked', entityType: 'user', entityId: user.userId });
      return sessionInfo(ctx, sessions);
    },

    'session.touch': () => ({ ok: true as const }),

    'users.list': (_i, ctx) => {
      const now = ctx.store.clock.now().toISOString();
      const rows = ctx.store.db.prepare<[], UserRow>('SELECT * FROM users ORDER BY display_name COLLATE NOCASE').all();
      return { users: rows.map((r) => toSummary(r, now)) };
    },

    'users.create': async (input, ctx) => {
      const actor = requireUser(ctx);
      if (userByName(ctx.store.db, input.username)) {
        throw new ApiError('CONFLICT', 'That user name is taken.', { fields: { username: 'That user name is taken.' } });
      }
      const pw = await hashPassword(input.password);
      const id = newId();
      const row = ctx.store.command(actor, (tx) => {
        tx.db
          .prepare('INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(id, input.username, input.displayName, input.role, pw, tx.now, tx.now);
        const r = userById(tx.db, id)!;
        tx.outbox({ kind: 'user.upserted', entityId: id, payload: publicUserPayload(r) });
        tx.audit({ action: 'user.created', entityType: 'user', entityId: id, detail: { username: input.username, role: input.role } });
        return r;
      });
      return { user: toSummary(row, ctx.store.clock.now().toISOString()) };
    },

    'users.update': (input, ctx) => {
      const actor = requireUser(ctx);
      const before = userById(ctx.store.db, input.id);
      if (!before) throw new ApiError('NOT_FOUND', 'No such user.');
      if (input.id === actor.userId && (input.role !== 'administrator' || !input.active)) {
        throw new ApiError('CONFLICT', 'You cannot remove your own administrator role or deactivate yourself.', { fields: { role: 'You cannot demote yourself.' } });
      }
      const row = ctx.store.command(actor, (tx) => {
        if (before.role === 'administrator' && (input.role !== 'administrator' || !input.active)) {
          const admins = tx.db.prepare<[], { n: number }>(`SELECT COUNT(*) n FROM users WHERE role = 'administrator' AND active = 1`).get()!.n;
          if (admins <= 1) throw new ApiError('CONFLICT', 'The site needs at least one active administrator.');
        }
        tx.db.prepare('UPDATE users SET display_name = ?, role = ?, active = ?, updated_at = ? WHERE id = ?').run(input.displayName, input.role, input.active ? 1 : 0, tx.now, input.id);
        const r = userById(tx.db, input.id)!;
        // An account held because another account has its user name (electron/users/username-clash.ts): making it
        // active is the administrator's decision that it is another person; its provisional name becomes its user
        // name on every desk (pushed below with the account).
        const held = readHold(tx.db, input.id);
        if (held && input.active && r.username === held.provisional) {
          clearHold(tx.db, input.id);
          tx.audit({ action: 'user.username_renamed', entityType: 'user', entityId: input.id, detail: { from: held.wanted, to: held.provisional, keptBy: held.keptBy } });
        }
        tx.outbox({ kind: 'user.upserted', entityId: input.id, payload: publicUserPayload(r) });
        tx.audit({ action: 'user.updated', entityType: 'user', entityId: input.id, detail: { role: input.role, active: input.active, roleBefore: before.role, activeBefore: before.active === 1 } });
        return r;
      });
      if (!input.active) sessions.endUser(input.id);
      else sessions.updateUser(input.id, { userName: input.displayName, role: input.role });
      return { user: toSummary(row, ctx.store.clock.now().toISOString()) };
    },

    'users.setPassword': async (input, ctx) => {
      const actor = requireUser(ctx);
      if (!userById(ctx.store.db, input.id)) throw new ApiError('NOT_FOUND', 'No such user.');
      const pw = await hashPassword(input.password);
      ctx.store.command(actor, (tx) => {
        tx.db.prepare('UPDATE users SET password_hash = ?, failed_count = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(pw, tx.now, input.id);
        tx.outbox({ kind: 'user.upserted', entityId: input.id, payload: publicUserPayload(userById(tx.db, input.id)!) });
        tx.audit({ action: 'user.password_set', entityType: 'user', entityId: input.id });
      });
      if (input.id !== actor.userId) sessions.endUser(input.id);
      return { ok: true as const };
    },

    'users.unlock': (input, ctx) => {
      const actor = requireUser(ctx);
      if (!userById(ctx.store.db, input.id)) throw new ApiError('NOT_FOUND', 'No such user.');
      ctx.store.command(actor, (tx) => {
        tx.db.prepare('UPDATE users SET failed_count = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(tx.now, input.id);
        tx.audit({ action: 'user.unlocked', entityType: 'user', entityId: input.id });
      });
      return { ok: true as const };
    },

    'settings.get': (_i, ctx) => settingsOrThrow(ctx),

    'settings.update': (input, ctx) => {
      const actor = requireUser(ctx);
      const before = settingsOrThrow(ctx);
      ctx.store.command(actor, (tx) => {
        tx.db.prepare('UPDATE site SET desk_label = ?, updated_at = ? WHERE id = 1').run(input.deskLabel, tx.now);
        writeSiteWide(tx.db, siteWidePayload(input), tx.now);
        // every site-wide setting travels to the other desks; the desk name stays here
        tx.outbox({ kind: 'site.configured', entityId: 'site', payload: siteWidePayload(input) });
        const changed = (Object.keys(input) as (keyof typeof input)[]).filter((k) => input[k] !== before[k]);
        tx.audit({ action: 'settings.updated', entityType: 'site', entityId: 'site', detail: { changed } });
      });
      return settingsOrThrow(ctx);
    },
  };
}
