/**
 * Issue 12 item 6: every site-wide setting (site name, time zone, idle lock, lockout threshold and length, the
 * duplicate-override approval) travels desk A -> hub -> desk B in the 'site.configured' op; the desk name stays on its
 * desk; an older desk's op (name and time zone only) still applies and leaves the other settings as they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, SyncDesk, converge, enrolledDesk, startTestHub, waitFor, type TestHub } from '../support/hub.js';
import { createCode } from '../hub/support.js';
import { OpMaker, enrollDesk } from '../hub/support.js';

let hub: TestHub;
const desks: SyncDesk[] = [];
beforeAll(async () => {
  hub = await startTestHub();
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  await hub?.destroy();
});

describe('site settings sync', () => {
  it('every site-wide setting changed on desk A reaches desk B through the hub; each desk keeps its own desk name', async () => {
    const a = await enrolledDesk(hub, 'Site A');
    const b = await enrolledDesk(hub, 'Site B');
    desks.push(a, b);
    await converge([a, b]);
    const before = await b.call('settings.get', {});
    expect(before).toMatchObject({ idleLockSeconds: 300, lockoutThreshold: 5, lockoutMinutes: 15, requireDuplicateApproval: false, deskLabel: 'Site B' });

    const mine = await a.call('settings.get', {});
    await a.call('settings.update', { ...mine, siteName: 'Riverside Health', timeZone: 'America/Denver', deskLabel: 'Front A renamed', idleLockSeconds: 120, lockoutThreshold: 3, lockoutMinutes: 45, requireDuplicateApproval: true });
    // the op carries the site-wide settings and not the desk name
    const op = a.app.store.db.prepare(`SELECT payload FROM outbox WHERE kind = 'site.configured' ORDER BY desk_seq DESC LIMIT 1`).get() as { payload: string };
    expect(JSON.parse(op.payload)).toEqual({ siteName: 'Riverside Health', timeZone: 'America/Denver', idleLockSeconds: 120, lockoutThreshold: 3, lockoutMinutes: 45, requireDuplicateApproval: true });
    await converge([a, b]);

    expect(await b.call('settings.get', {})).toEqual({
      siteName: 'Riverside Health',
      timeZone: 'America/Denver',
      deskLabel: 'Site B',
      idleLockSeconds: 120,
      lockoutThreshold: 3,
      lockoutMinutes: 45,
      requireDuplicateApproval: true,
    });
    // the columns and the meta row themselves, as B's SQLite file holds them
    expect(b.app.store.db.prepare('SELECT name, time_zone, desk_label, idle_lock_seconds, lockout_threshold, lockout_minutes FROM site').get()).toEqual({
      name: 'Riverside Health',
      time_zone: 'America/Denver',
      desk_label: 'Site B',
      idle_lock_seconds: 120,
      lockout_threshold: 3,
      lockout_minutes: 45,
    });
    // the hub's directory holds the same
    const dir = await hub.db.query<{ doc: string }>(`SELECT doc FROM directory_entities WHERE entity_type = 'site' AND entity_id = 'site'`);
    expect(JSON.parse(dir.rows[0]!.doc)).toMatchObject({ idleLockSeconds: 120, lockoutThreshold: 3, lockoutMinutes: 45, requireDuplicateApproval: true });
    // A's desk name is its own
    expect((await a.call('settings.get', {})).deskLabel).toBe('Front A renamed');

    // B's lockout now follows the synced threshold: 3 wrong passwords lock the account
    await b.call('users.create', { username: 'clerk.b', displayName: 'Cleo Clerk', role: 'clerk', password: 'a long enough password' });
    for (let i = 0; i < 2; i++) expect((await b.app.dispatcher.call('test:other', 'session.signIn', { username: 'clerk.b', password: 'wrong password!!' })).ok).toBe(false);
    const third = await b.app.dispatcher.call('test:other', 'session.signIn', { username: 'clerk.b', password: 'wrong password!!' });
    expect(third.ok ? null : third.error.code).toBe('ACCOUNT_LOCKED');
    expect(third.ok ? '' : third.error.message).toContain('45 minutes');
  });

  it('a desk joining the clinic (setup.join) takes every site-wide setting, under its own desk name', async () => {
    const a = desks[0]!;
    const j = new SyncDesk('Site J');
    desks.push(j);
    await j.call('setup.join', { deskLabel: 'Joined desk', hubUrl: hub.url, code: await createCode(hub, 'Joined desk'), fingerprint: hub.fingerprint });
    await j.call('session.signIn', { username: a.username, password: PASSWORD });
    const mine = await a.call('settings.get', {});
    expect(await j.call('settings.get', {})).toEqual({ ...mine, deskLabel: 'Joined desk' });
    expect(mine).toMatchObject({ idleLockSeconds: 120, lockoutThreshold: 3, lockoutMinutes: 45, requireDuplicateApproval: true });
  });

  it('an older desk’s site.configured (name and time zone only) still applies and leaves the other settings as they are', async () => {
    const b = await enrolledDesk(hub, 'Site C');
    desks.push(b);
    await b.sync();
    const cur = await b.call('settings.get', {});
    await b.call('settings.update', { ...cur, idleLockSeconds: 600, lockoutMinutes: 30 });
    await b.sync();
    // an older desk pushes the old shape, with a later clock than anything so far
    const old = await enrollDesk(hub, 'Old desk');
    const m = new OpMaker(old.deskId, 1, 1, Date.now() + 60_000);
    const r = await old.client.push({ deskId: old.deskId, epoch: 1, ops: [m.op('site.configured', 'site', { siteName: 'Old Name Clinic', timeZone: 'America/New_York' })] });
    expect(r).toMatchObject({ ackedSeq: 1, rejected: [] });
    await waitFor(async () => {
      await b.sync();
      return (await b.call('settings.get', {})).siteName === 'Old Name Clinic';
    }, 15_000, 'old-shape op on desk C');
    expect(await b.call('settings.get', {})).toMatchObject({ siteName: 'Old Name Clinic', timeZone: 'America/New_York', deskLabel: 'Site C', idleLockSeconds: 600, lockoutMinutes: 30 });
    expect(b.count('sync_parked')).toBe(0);
  });
});
