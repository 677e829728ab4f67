/**
 * GET /sync/wait (hub/notify.ts) on a real hub: answers at once when the head is past the cursor, is woken by another
 * desk's push once it is applied (materialised), times out with the same head, keeps one wait per desk, is bounded
 * overall, is woken by the internal poll for a commit that sent no in-process event (another hub process), and a hub
 * stop answers every open wait so the server closes at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeNotifier, WaitersFull, onChangesCommitted } from '../../hub/notify.js';
import { recordHubOp } from '../../hub/hub-ops.js';
import type { SyncOp } from '../../shared/sync/protocol.js';
import { startHub } from '../../hub/hub.js';
import { buildHubServer } from '../../hub/server.js';
import { HubClient } from '../../shared/sync/hub-client.js';
import { waitFor } from '../support/hub.js';
import { PG_URL, doc, enrollDesk, formatMrn, OpMaker, startTestHub, type EnrolledDesk, type TestHub } from './support.js';

let hub: TestHub;
let a: EnrolledDesk;
let b: EnrolledDesk;
let ma: OpMaker;
beforeAll(async () => {
  hub = await startTestHub();
  a = await enrollDesk(hub, 'Wait A');
  b = await enrollDesk(hub, 'Wait B');
  ma = new OpMaker(a.deskId);
}, 120_000);
afterAll(async () => {
  await hub?.destroy();
});

let serial = 5000;
function push(ops: SyncOp[]) {
  return a.client.push({ deskId: a.deskId, epoch: 1, ops });
}
async function head(): Promise<number> {
  return (await b.client.pull(0, 1)).headSeq; // a pull settles first: every acknowledged op is applied
}

describe('GET /sync/wait', () => {
  it('answers at once when the head is past the cursor, and after the timeout with the same head when nothing is new', async () => {
    await push([ma.register(doc(), formatMrn(serial++))]);
    const h = await head();
    expect(h).toBeGreaterThan(0);
    expect(await b.client.wait(h - 1, 60_000)).toEqual({ headSeq: h });
    expect(await b.client.wait(h, 150)).toEqual({ headSeq: h });
    expect(await b.client.wait(h, 0)).toEqual({ headSeq: h });
  });

  it("is woken by another desk's push once the hub has applied it", async () => {
    const h = await head();
    // a long timeout: only a wake-up answers with a newer head in time (a timeout answers with h)
    const waiting = b.client.wait(h, 60_000);
    const p = ma.register(doc(), formatMrn(serial++));
    await push([p]);
    const r = await waiting;
    expect(r.headSeq).toBeGreaterThan(h);
    // what woke it is there to pull
    const page = await b.client.pull(h, 100);
    expect(page.changes.map((c) => c.opId)).toContain(p.opId);
  });

  it('the in-process event after the materialising commit wakes a waiter without the poll', async () => {
    const h = await head();
    // poll once an hour: only the event can answer in time
    const n = new ChangeNotifier({ headSeq: () => hub.service.headSeq(), pollMs: 3_600_000 });
    const off = onChangesCommitted(hub.service.db, () => n.changed());
    try {
      const waiting = n.wait('desk-event', h, 60_000);
      await push([ma.register(doc(), formatMrn(serial++))]);
      expect(await waiting).toBeGreaterThan(h);
    } finally {
      off();
      n.close();
    }
  });

  it('keeps one wait per desk: a newer wait answers the older one at once with nothing new', async () => {
    const h = await head();
    const first = b.client.wait(h, 60_000);
    await waitFor(() => hub.server.openWaits() === 1, 15_000, 'the first wait open at the hub');
    const second = b.client.wait(h, 60_000);
    expect(await first).toEqual({ headSeq: h });
    await push([ma.register(doc(), formatMrn(serial++))]);
    expect((await second).headSeq).toBeGreaterThan(h);
  });

  it('is woken by the internal poll for a commit no in-process event announced (another hub process)', async () => {
    const h = await head();
    const waiting = b.client.wait(h, 60_000);
    await waitFor(() => hub.server.openWaits() === 1, 15_000, 'the wait open at the hub');
    // a hub-authored change written straight through the database: nothing calls changesCommitted
    await hub.service.db.write((tx) => recordHubOp(tx, { kind: 'site.configured', entityId: 'site', payload: { siteName: 'Riverside Clinic', timeZone: 'America/Chicago' } }));
    expect((await waiting).headSeq).toBe(h + 1);
  });

  // PostgreSQL only (PGlite is one process): the hub-postgres pass of the suite runs it
  it.skipIf(!PG_URL)('two hub processes on one PostgreSQL database: a desk waiting at one is woken by a push applied by the other', async () => {
    const second = await startHub({ dataDir: hub.dataDir, ...hub.database, host: '127.0.0.1', port: 0, log: false });
    const viaSecond = new HubClient({ baseUrl: second.url, certPem: second.certPem, credential: a.deskCredential });
    try {
      const h = await head();
      const waiting = b.client.wait(h, 60_000); // at the first hub
      await waitFor(() => hub.server.openWaits() === 1, 15_000, 'the wait open at the first hub');
      const p = ma.register(doc(), formatMrn(serial++));
      await viaSecond.push({ deskId: a.deskId, epoch: 1, ops: [p] }); // logged and applied by the second hub
      expect((await waiting).headSeq).toBeGreaterThan(h);
      expect((await b.client.pull(h, 100)).changes.map((c) => c.opId)).toContain(p.opId);
    } finally {
      viaSecond.close();
      await second.close();
    }
  });

  it('is bounded overall: beyond the limit a wait is refused (503 HUB_BUSY at the endpoint), the others keep waiting', async () => {
    const h = await hub.service.headSeq();
    const n = new ChangeNotifier({ headSeq: () => hub.service.headSeq(), maxWaiters: 2 });
    const w1 = n.wait('desk-1', h, 60_000);
    const w2 = n.wait('desk-2', h, 60_000);
    await expect(n.wait('desk-3', h, 60_000)).rejects.toBeInstanceOf(WaitersFull);
    expect(n.size).toBe(2);
    n.close();
    expect(await Promise.all([w1, w2])).toEqual([h, h]);
    expect(n.size).toBe(0);
  });

  it('at the overall limit the endpoint answers 503 HUB_BUSY (retry-after) and the open waits stay', async () => {
    // the same hub service behind a second server whose limit is one open wait (plain HTTP on loopback)
    const app = await buildHubServer({ service: hub.service, adminToken: hub.adminToken, log: false, wait: { maxWaiters: 1 } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const ca = new HubClient({ baseUrl: url, credential: a.deskCredential });
    const cb = new HubClient({ baseUrl: url, credential: b.deskCredential });
    try {
      const h = await head();
      const first = ca.wait(h, 60_000);
      await waitFor(() => app.openWaits() === 1, 15_000, 'the first wait open');
      const r = await cb.raw('GET', `/sync/wait?cursor=${h}&timeoutMs=60000`);
      expect(r).toMatchObject({ status: 503, body: { error: { code: 'HUB_BUSY' } } });
      await push([ma.register(doc(), formatMrn(serial++))]);
      expect((await first).headSeq).toBeGreaterThan(h);
    } finally {
      ca.close();
      cb.close();
      await app.close();
    }
  });

  it('a hub stop answers every open wait, so the server closes without waiting for them', async () => {
    const h2 = await startTestHub();
    try {
      const d = await enrollDesk(h2, 'Stop desk');
      const other = await enrollDesk(h2, 'Stop desk 2');
      const cur = (await d.client.pull(0, 1)).headSeq;
      const waits = [d.client.wait(cur, 60_000), other.client.wait(cur, 60_000)];
      await waitFor(() => h2.server.openWaits() === 2, 15_000, 'both waits open');
      // (if close sat out the 60 s waits, this test would hit its 30 s timeout)
      await h2.server.close();
      // answered (not cut off) with the head it had
      expect(await Promise.all(waits)).toEqual([{ headSeq: cur }, { headSeq: cur }]);
    } finally {
      await h2.destroy().catch(() => undefined);
    }
  });

  it('logs the wait like any request: route, status, desk id, never the query string', async () => {
    const h = await head();
    await b.client.wait(h, 10);
    const lines = hub.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.route === '/sync/wait');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatchObject({ status: 200, deskId: b.deskId });
    expect(hub.logs.lines.join('\n')).not.toContain('cursor=');
  });
});
