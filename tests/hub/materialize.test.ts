/**
 * Log first, materialise after (hub/materialize.ts, hub migration 7): a push is acknowledged once its ops are logged;
 * the hub applies them right after. What was acknowledged survives a hub stop before it was applied, is applied
 * exactly once when the hub starts again, and is what another desk's next pull sees. Real hub (PGlite, or PostgreSQL
 * with HUB_TEST_DATABASE_URL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RestartableHub } from '../support/hub.js';
import { doc, enrollDesk, formatMrn, OpMaker, startTestHub, type TestHub } from './support.js';

const count = async (db: TestHub['db'], sql: string, params: unknown[] = []) => Number((await db.query<{ n: unknown }>(sql, params)).rows[0]!.n);

describe('log first, materialise after', () => {
  let hub: TestHub | null = null;
  let restartable: RestartableHub | null = null;
  afterEach(async () => {
    await hub?.destroy();
    await restartable?.destroy();
    hub = null;
    restartable = null;
  });

  it('acknowledged but not yet applied: survives a hub stop, is applied once on the next start, and a resend changes nothing', async () => {
    restartable = await RestartableHub.start();
    const a = await enrollDesk(restartable.current, 'Desk A');
    const m = new OpMaker(a.deskId);
    const ops = [
      m.register(doc({ name: { given: 'Ada', family: 'Logged' } }), formatMrn(a.mrnBlock.start)),
      m.register(doc({ name: { given: 'Bo', family: 'Logged' }, birthDate: '1961-01-01' }), formatMrn(a.mrnBlock.start + 1)),
    ];
    const ids = ops.map((o) => o.opId);
    // `more`: another batch follows, so the hub holds its materialiser back (for up to 2 s) — the ops are only logged
    const r = await a.client.push({ deskId: a.deskId, epoch: 1, ops, more: true });
    expect(r).toMatchObject({ ackedSeq: 2, rejected: [] });
    const raw = restartable.current.service.db; // the hub's own handle: does not wait for the materialiser
    expect(await count(raw, 'SELECT COUNT(*) n FROM inbox WHERE op_id = ANY($1::text[])', [ids])).toBe(2);
    expect(await count(raw, 'SELECT COUNT(*) n FROM ops WHERE op_id = ANY($1::text[])', [ids])).toBe(0);

    await restartable.stop();
    await restartable.restart();

    const b = await enrollDesk(restartable.current, 'Desk B');
    const page = await b.client.pull(0, 1000);
    expect(page.changes.filter((c) => c.deskId === a.deskId && c.kind === 'patient.registered').map((c) => c.opId)).toEqual(ids);
    const db = restartable.db;
    expect(await count(db, 'SELECT COUNT(*) n FROM ops WHERE op_id = ANY($1::text[])', [ids])).toBe(2);
    expect(await count(db, 'SELECT COUNT(*) n FROM inbox')).toBe(0);
    expect(await count(db, `SELECT COUNT(*) n FROM patients WHERE doc LIKE '%Logged%'`)).toBe(2);

    // a lost acknowledgement: the desk sends the same batch again — acknowledged again, applied once
    const again = await a.client.push({ deskId: a.deskId, epoch: 1, ops });
    expect(again).toMatchObject({ ackedSeq: 2, rejected: [] });
    await new Promise((res) => setTimeout(res, 200));
    expect(await count(db, 'SELECT COUNT(*) n FROM ops WHERE op_id = ANY($1::text[])', [ids])).toBe(2);
    expect(await count(db, 'SELECT COUNT(*) n FROM changes c JOIN ops o USING (op_id) WHERE o.op_id = ANY($1::text[])', [ids])).toBe(2);
  });

  it('another desk’s pull right after an acknowledgement sees the ops (the pull applies what was logged first)', async () => {
    hub = await startTestHub();
    const a = await enrollDesk(hub, 'Desk A');
    const b = await enrollDesk(hub, 'Desk B');
    const m = new OpMaker(a.deskId);
    const reg = m.register(doc({ name: { given: 'Cy', family: 'Seen' } }), formatMrn(a.mrnBlock.start));
    const edit = m.update(reg.entityId, 1, { email: 'cy@example.org' });
    await a.client.push({ deskId: a.deskId, epoch: 1, ops: [reg, edit], more: true });
    expect(await count(hub.service.db, 'SELECT COUNT(*) n FROM inbox')).toBe(2);
    const page = await b.client.pull(0, 1000);
    expect(page.changes.filter((c) => c.deskId === a.deskId).map((c) => c.opId)).toEqual([reg.opId, edit.opId]);
    expect(page.changes.find((c) => c.opId === edit.opId)?.payload).toMatchObject({ changes: { email: 'cy@example.org' } });
  });

  it('an op the hub rejects after acknowledging it reaches only its own desk, as a rejected echo', async () => {
    hub = await startTestHub();
    const a = await enrollDesk(hub, 'Desk A');
    const b = await enrollDesk(hub, 'Desk B');
    const m = new OpMaker(a.deskId);
    const good = m.register(doc(), formatMrn(a.mrnBlock.start));
    const bad = m.update(good.entityId, 1, { birthDate: '1984-02-30' });
    const r = await a.client.push({ deskId: a.deskId, epoch: 1, ops: [good, bad] });
    expect(r).toMatchObject({ ackedSeq: 2, rejected: [] });
    const seenByB = await b.client.pull(0, 1000);
    expect(seenByB.changes.map((c) => c.opId)).toContain(good.opId);
    expect(seenByB.changes.map((c) => c.opId)).not.toContain(bad.opId);
    await hub.service.settle();
    const own = await a.client.pull(0, 1000, 'slim');
    const echo = own.changes.find((c) => c.opId === bad.opId);
    expect(echo?.rejected?.reason).toBe('invalid-payload');
    expect(echo?.payloadOmitted).toBe(true);
    // the resend reports it as rejected (the hub knows by now)
    const again = await a.client.push({ deskId: a.deskId, epoch: 1, ops: [good, bad] });
    expect(again.rejected.map((x) => [x.opId, x.reason])).toEqual([[bad.opId, 'invalid-payload']]);
  });
});
