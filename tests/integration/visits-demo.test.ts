/** The demo clinic gets a real board: directory, today's appointments with statuses and time stamps, walk-ins. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { seedDemo, DEMO_USERS } from '../../electron/demo/seed.js';
import { zonedInstant } from '../../electron/demo/visits.js';

let desk: TestDesk;
beforeAll(async () => {
  desk = new TestDesk();
  await seedDemo(desk.app, { patients: 150 });
  const clerk = DEMO_USERS[2];
  await desk.call('session.signIn', { username: clerk.username, password: clerk.password });
}, 120_000);
afterAll(() => desk?.destroy());

describe('demo visits', () => {
  it('today’s board has the seeded appointments in time order, scheduled ones later today and two walk-ins', async () => {
    const dir = await desk.call('visits.directory', {});
    expect(dir.departments.map((d) => d.code).sort()).toEqual(['CARD', 'FM', 'PED']);
    expect(dir.providers).toHaveLength(6);
    const board = await desk.call('visits.board', {});
    expect(board.rows.length).toBe(62);
    const starts = board.rows.map((r) => r.start);
    expect([...starts].sort()).toEqual(starts);
    expect(board.rows.filter((r) => r.walkIn)).toHaveLength(2);
    const now = Date.now();
    for (const r of board.rows) {
      if (Date.parse(r.start) > now + 60_000 && !r.walkIn) expect(r.status).toBe('scheduled');
      if (r.arrivedAt) expect(Date.parse(r.arrivedAt)).toBeLessThanOrEqual(now);
      if (r.status === 'roomed' || r.status === 'checked-out') expect(r.waitMinutes).toBeGreaterThanOrEqual(8);
    }
    expect(board.rows.every((r) => r.patientName && r.providerName && r.departmentName && r.typeName)).toBe(true);
  });

  it('seeded three minutes after midnight, the two walk-ins are still on today’s board', async () => {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(new Date());
    const t0 = Date.now();
    const start = zonedInstant(day, 0, 3, 'America/Chicago').getTime();
    const early = new TestDesk(undefined, { clock: { now: () => new Date(start + (Date.now() - t0)) } });
    try {
      await seedDemo(early.app, { patients: 80 });
      await early.call('session.signIn', { username: DEMO_USERS[2].username, password: DEMO_USERS[2].password });
      const board = await early.call('visits.board', {});
      expect(board.businessDate).toBe(day);
      expect(board.rows.filter((r) => r.walkIn)).toHaveLength(2);
    } finally {
      early.destroy();
    }
  }, 120_000);

  it('zonedInstant turns a site wall-clock time into the right UTC instant (DST and standard time)', () => {
    expect(zonedInstant('2026-01-15', 8, 0, 'America/Chicago').toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(zonedInstant('2026-07-15', 8, 30, 'America/Chicago').toISOString()).toBe('2026-07-15T13:30:00.000Z');
  });
});
