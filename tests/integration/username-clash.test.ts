/**
 * The same user name made separately on two desks, each set up on its own before enrolling, then synced through a
 * real hub: nothing stays parked, both accounts are kept on every desk, the earlier account keeps the name, the later
 * one is held (inactive, provisional name, listed for administrators) until an administrator makes it active.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, SyncDesk, converge, enrolledDesk, startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
const desks: SyncDesk[] = [];
beforeAll(async () => {
  hub = await startTestHub();
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  await hub?.server.close();
  await hub?.db.close();
  hub?.admin.close();
  if (hub) fs.rmSync(hub.dataDir, { recursive: true, force: true });
});

const MARIA_A = { username: 'maria', displayName: 'Maria Alvarez', role: 'clerk' as const, password: 'maria on desk A 123' };
const MARIA_B = { username: 'Maria', displayName: 'Maria Bell', role: 'supervisor' as const, password: 'maria on desk B 456' };

interface Row {
  id: string;
  username: string;
  active: number;
  display_name: string;
}
function user(d: SyncDesk, id: string): Row {
  return d.app.store.db.prepare('SELECT id, username, active, display_name FROM users WHERE id = ?').get(id) as Row;
}

async function standalone(label: string): Promise<SyncDesk> {
  const d = new SyncDesk(label);
  desks.push(d);
  await d.setup();
  return d;
}

describe('the same user name on two desks', () => {
  it('both accounts kept everywhere; the earlier keeps the name, the later is held for an administrator; whatever the sync order', async () => {
    const a = await standalone('Clash A');
    const b = await standalone('Clash B');
    const ma = (await a.call('users.create', MARIA_A)).user;
    const mb = (await b.call('users.create', MARIA_B)).user;
    expect(ma.id < mb.id).toBe(true); // UUIDv7: made first = smaller id
    // Maria B is signed in on desk B while it is still on its own.
    await b.app.dispatcher.call('maria-b', 'session.signIn', { username: 'maria', password: MARIA_B.password });
    expect((await b.app.dispatcher.call('maria-b', 'session.current', {})).ok).toBe(true);

    // Desk B enrolls and pushes first (its later account reaches the hub first), then desk A.
    await b.enroll(hub);
    await b.sync();
    await a.enroll(hub);
    await converge([a, b]);

    for (const d of [a, b]) {
      expect(d.count('sync_parked')).toBe(0);
      expect(user(d, ma.id)).toMatchObject({ username: 'maria', active: 1 });
      const held = user(d, mb.id);
      expect(held.active).toBe(0);
      expect(held.username).toMatch(/^Maria\.[0-9a-f]{4,}$/);
      expect(held.display_name).toBe('Maria Bell');
    }
    // Every desk gives the held account the same provisional name.
    const provisional = user(a, mb.id).username;
    expect(user(b, mb.id).username).toBe(provisional);
    // Listed for administrators (the Users screen reads these audit entries)
    for (const d of [a, b]) {
      const audits = (await d.call('audit.list', { action: 'user.username_held', limit: 50 })).entries.filter((e) => e.entityId === mb.id);
      expect(audits.length).toBeGreaterThan(0);
      expect(JSON.parse(audits[0]!.detail)).toMatchObject({ wanted: 'Maria', provisional, keptBy: ma.id, keptByName: 'Maria Alvarez' });
    }
    // On desk B the held account's open session goes on (it was signed in legitimately), but it cannot unlock or sign
    // in again: "maria" now signs in as desk A's Maria only.
    const cur = await b.app.dispatcher.call('maria-b', 'session.current', {});
    expect(cur.ok && (cur.value as { user: { id: string } | null }).user?.id).toBe(mb.id);
    await b.app.dispatcher.call('maria-b', 'session.lock', {});
    expect((await b.app.dispatcher.call('maria-b', 'session.unlock', { password: MARIA_B.password })).ok).toBe(false);
    expect((await b.app.dispatcher.call('x', 'session.signIn', { username: 'maria', password: MARIA_B.password })).ok).toBe(false);
    const signedA = await b.app.dispatcher.call('x', 'session.signIn', { username: 'maria', password: MARIA_A.password });
    expect(signedA.ok && (signedA.value as { user: { displayName: string } }).user.displayName).toBe('Maria Alvarez');

    // A third desk that joins later ends up with the same accounts.
    const c = await enrolledDesk(hub, 'Clash C');
    desks.push(c);
    await c.sync();
    await c.sync();
    expect(c.count('sync_parked')).toBe(0);
    expect(user(c, ma.id)).toMatchObject({ username: 'maria', active: 1 });
    expect(user(c, mb.id)).toMatchObject({ username: provisional, active: 0 });

    // An administrator on desk A decides it is another person: makes it active; it signs in under the provisional
    // name on every desk, with its own password.
    await a.call('users.update', { id: mb.id, displayName: 'Maria Bell', role: 'supervisor', active: true });
    expect(a.count('audit_log', "WHERE action = 'user.username_renamed'")).toBe(1);
    await converge([a, b, c]);
    for (const d of [a, b, c]) {
      expect(d.count('sync_parked')).toBe(0);
      expect(user(d, mb.id)).toMatchObject({ username: provisional, active: 1 });
      expect(user(d, ma.id)).toMatchObject({ username: 'maria', active: 1 });
    }
    const signedB = await b.app.dispatcher.call('y', 'session.signIn', { username: provisional, password: MARIA_B.password });
    expect(signedB.ok).toBe(true);
    const signedOnC = await c.app.dispatcher.call('y', 'session.signIn', { username: provisional, password: MARIA_B.password });
    expect(signedOnC.ok).toBe(true);
    await a.call('session.signIn', { username: a.username, password: PASSWORD });
  }, 90_000);
});
