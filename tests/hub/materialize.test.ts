/**
 * Log first, materialise after (hub/materialize.ts, hub migration 7): a push is acknowledged once its ops are logged;
 * the hub applies them right after. What was acknowledged survives a hub stop before it was applied, is applied
 * exactly once when the hub starts again, and is what another desk's next pull sees. Real hub (PGlite, or PostgreSQL
 * with HUB_TEST_DATABASE_URL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RestartableHub, waitFor } from '../support/hub.js';
import { opContentHash } from '../../hub/op-hash.js';
import { Materializer } from '../../hub/materialize.js';
import type { HubDb } from '../../hub/db.js';
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
    // the materialiser is held back (as while pushes keep coming), however slow this machine is: the ops are only logged
    restartable.current.service.materializer.hold();
    const r = await a.client.push({ deskId: a.deskId, epoch: 1, ops, more: true });
    expect(r).toMatchObject({ ackedSeq: 2, rejected: [] });
    const raw = restartable.current.service.db; // the hub's own handle: does not wait for the materialiser
    expect(await count(raw, 'SELECT COUNT(*) n FROM inbox WHERE op_id = ANY($1::text[])', [ids])).toBe(2);
    expect(await count(raw, 'SELECT COUNT(*) n FROM ops WHERE op_id = ANY($1::text[])', [ids])).toBe(0);
    // resent while only logged (the ack was lost): compared with the logged fields and text, acknowledged again
    expect(await a.client.push({ deskId: a.deskId, epoch: 1, ops, more: true })).toMatchObject({ ackedSeq: 2, rejected: [] });
    expect(await a.client.push({ deskId: a.deskId, epoch: 1, ops, more: true, jsonSeq: true, payloadTexts: ops.map((o) => JSON.stringify(o.payload)) })).toMatchObject({ ackedSeq: 2 });
    const changed = [{ ...ops[0]!, hlc: ops[1]!.hlc }, { ...ops[0]!, payload: { ...(ops[0]!.payload as object), mrn: formatMrn(a.mrnBlock.start + 2) } }];
    for (const c of changed) await expect(a.client.push({ deskId: a.deskId, epoch: 1, ops: [c], more: true })).rejects.toMatchObject({ status: 409, code: 'OP_MISMATCH' });
    expect(await count(raw, 'SELECT COUNT(*) n FROM inbox WHERE op_id = ANY($1::text[])', [ids])).toBe(2);

    await restartable.stop();
    await restartable.restart();

    const b = await enrollDesk(restartable.current, 'Desk B');
    const page = await b.client.pull(0, 1000);
    expect(page.changes.filter((c) => c.deskId === a.deskId && c.kind === 'patient.registered').map((c) => c.opId)).toEqual(ids);
    const db = restartable.db;
    expect(await count(db, 'SELECT COUNT(*) n FROM ops WHERE op_id = ANY($1::text[])', [ids])).toBe(2);
    expect(await count(db, 'SELECT COUNT(*) n FROM inbox')).toBe(0);
    expect(await count(db, `SELECT COUNT(*) n FROM patients WHERE doc LIKE '%Logged%'`)).toBe(2);
    // the materialiser stored each op's content hash (over the logged payload text)
    const hashes = await db.query<{ op_id: string; content_hash: string }>('SELECT op_id, content_hash FROM ops WHERE op_id = ANY($1::text[]) ORDER BY seq', [ids]);
    expect(hashes.rows.map((h) => h.content_hash)).toEqual(ops.map((o) => opContentHash(o)));

    // a lost acknowledgement: the desk sends the same batch again — acknowledged again, applied once
    const again = await a.client.push({ deskId: a.deskId, epoch: 1, ops });
    expect(again).toMatchObject({ ackedSeq: 2, rejected: [] });
    await new Promise((res) => setTimeout(res, 200));
    expect(await count(db, 'SELECT COUNT(*) n FROM ops WHERE op_id = ANY($1::text[])', [ids])).toBe(2);
    expect(await count(db, 'SELECT COUNT(*) n FROM changes c JOIN ops o USING (op_id) WHERE o.op_id = ANY($1::text[])', [ids])).toBe(2);
  });

  it('a held materialiser applies nothing in the background until released, then drains the inbox by itself', async () => {
    hub = await startTestHub();
    const a = await enrollDesk(hub, 'Desk A');
    const m = new OpMaker(a.deskId);
    const release = hub.service.materializer.hold();
    await a.client.push({ deskId: a.deskId, epoch: 1, ops: [m.register(doc({ name: { given: 'Held', family: 'Back' } }), formatMrn(a.mrnBlock.start))] });
    await new Promise((res) => setTimeout(res, 300)); // several idle periods (IDLE_MS): the loop saw the hold
    expect(await count(hub.service.db, 'SELECT COUNT(*) n FROM inbox')).toBe(1);
    release();
    await waitFor(async () => (await count(hub!.service.db, 'SELECT COUNT(*) n FROM inbox')) === 0, 15_000, 'the inbox drained after the release');
    expect(await count(hub.service.db, `SELECT COUNT(*) n FROM patients WHERE doc LIKE '%Held%'`)).toBe(1);
  });

  it('a background batch that waited for the write lock gives way to a hold that started meanwhile (takes nothing)', async () => {
    hub = await startTestHub();
    const a = await enrollDesk(hub, 'Desk A');
    hub.service.materializer.hold(); // the hub's own loop stays out of this
    await a.client.push({ deskId: a.deskId, epoch: 1, ops: [new OpMaker(a.deskId).register(doc(), formatMrn(a.mrnBlock.start))] });
    // a second materialiser over the same database whose write transactions wait at a gate (the lock held elsewhere)
    const raw = hub.service.db;
    let requested!: () => void;
    const writeRequested = new Promise<void>((res) => (requested = res));
    let openGate!: () => void;
    const gate = new Promise<void>((res) => (openGate = res));
    const writes: Promise<unknown>[] = [];
    const gated: HubDb = {
      kind: raw.kind,
      query: (sql, params) => raw.query(sql, params),
      write: (fn) => {
        requested();
        const w = gate.then(() => raw.write(fn));
        writes.push(w);
        return w;
      },
      close: async () => undefined,
    };
    const m = new Materializer(gated, () => new Date().toISOString());
    try {
      m.kick();
      await writeRequested; // its loop saw no hold and asked for the lock
      const release = m.hold();
      openGate();
      await Promise.all(writes);
      expect(await count(raw, 'SELECT COUNT(*) n FROM inbox')).toBe(1);
      expect(await count(raw, 'SELECT COUNT(*) n FROM ops')).toBe(0);
      release();
      await waitFor(async () => (await count(raw, 'SELECT COUNT(*) n FROM inbox')) === 0, 15_000, 'the inbox drained after the release');
    } finally {
      await m.close();
    }
  });

  it('another desk’s pull right after an acknowledgement sees the ops (the pull applies what was logged first)', async () => {
    hub = await startTestHub();
    const a = await enrollDesk(hub, 'Desk A');
    const b = await enrollDesk(hub, 'Desk B');
    const m = new OpMaker(a.deskId);
    const reg = m.register(doc({ name: { given: 'Cy', family: 'Seen' } }), formatMrn(a.mrnBlock.start));
    const edit = m.update(reg.entityId, 1, { email: 'cy@example.org' });
    hub.service.materializer.hold(); // only the pull's settle can apply them
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
  it('the inbox holds no foreign key (migration 9): a revoked desk still logs nothing, and a push that races its revocation neither', async () => {
    hub = await startTestHub();
    const fks = await hub.service.db.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'inbox'::regclass AND contype = 'f'`);
    expect(fks.rows).toEqual([]);
    const a = await enrollDesk(hub, 'Desk A');
    const m = new OpMaker(a.deskId);
    const op = m.register(doc(), formatMrn(a.mrnBlock.start));
    // authenticated before the revocation committed, logged after it: the write lock's re-check refuses it
    const identity = await hub.service.authenticate(`Bearer ${a.deskCredential}`);
    await hub.service.revokeDesk(a.deskId);
    await expect(hub.service.push(identity, { deskId: a.deskId, epoch: 1, ops: [op] })).rejects.toMatchObject({ status: 401, code: 'DESK_REVOKED' });
    await expect(a.client.push({ deskId: a.deskId, epoch: 1, ops: [op], jsonSeq: true, payloadTexts: [JSON.stringify(op.payload)] })).rejects.toMatchObject({ status: 401 });
    expect(await count(hub.service.db, 'SELECT COUNT(*) n FROM inbox WHERE desk_id = $1', [a.deskId])).toBe(0);
  });
});
