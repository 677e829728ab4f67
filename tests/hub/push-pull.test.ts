import { describe, expect, it } from 'vitest';
import { useTestHub } from './use-hub.js';
import { newId } from '../../shared/ids.js';
import { outboxRowToOp, type Change, type OutboxRow, type SyncOp } from '../../shared/sync/protocol.js';
import { TestDesk } from '../support/desk.js';
import { patientInput } from '../support/patients.js';
import { doc, enrollDesk, formatMrn, OpMaker, type EnrolledDesk, type TestHub } from './support.js';

let hub!: TestHub;
useTestHub((h) => (hub = h));

let mrnSerial = 1000;
const mrn = () => formatMrn(mrnSerial++);

async function hubState(h: TestHub) {
  const q = async (sql: string) => (await h.db.query(sql)).rows;
  return {
    ops: await q('SELECT op_id, status FROM ops ORDER BY op_id'),
    changes: await q('SELECT server_seq, op_id FROM changes ORDER BY server_seq'),
    patients: await q('SELECT id, doc, hub_version FROM patients ORDER BY id'),
    cursors: await q('SELECT desk_id, epoch, last_seq FROM desk_cursors ORDER BY desk_id, epoch'),
  };
}

function push(desk: EnrolledDesk, ops: SyncOp[], epoch = 1, epochStartSeq?: number) {
  return desk.client.push({ deskId: desk.deskId, epoch, ops, ...(epochStartSeq ? { epochStartSeq } : {}) });
}

describe('push', () => {
  it('is idempotent: the same batch twice gives the same state and the same ack', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const p = m.register(doc(), mrn());
    const ops = [p, m.update(p.entityId, 1, { email: 'new@example.com' }), m.op('site.configured', 'site', { siteName: 'Riverside', timeZone: 'America/Chicago' })];
    const first = await push(desk, ops);
    expect(first).toMatchObject({ ackedSeq: 3, rejected: [] });
    const state = await hubState(hub);
    const second = await push(desk, ops);
    expect(second).toMatchObject({ ackedSeq: 3, rejected: [] });
    expect(await hubState(hub)).toEqual(state);
    // A partial overlap (already-acked prefix + new ops) applies only the new ones.
    const more = [ops[2]!, m.update(p.entityId, 2, { preferredName: 'Mari' })];
    expect(await push(desk, more)).toMatchObject({ ackedSeq: 4 });
    const pat = await hub.db.query<{ hub_version: number }>('SELECT hub_version FROM patients WHERE id = $1', [p.entityId]);
    expect(Number(pat.rows[0]!.hub_version)).toBe(3);
  });

  it('refuses a gap with the expected seq and writes nothing', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    await push(desk, [m.register(doc(), mrn())]);
    m.op('user.upserted', newId(), {}); // seq 2 is "lost" on the way
    const later = [m.register(doc(), mrn()), m.register(doc(), mrn())]; // seq 3, 4
    const before = await hubState(hub);
    await expect(push(desk, later)).rejects.toMatchObject({ status: 409, code: 'SEQ_GAP', body: { expectedSeq: 2 } });
    expect(await hubState(hub)).toEqual(before);
    // A new epoch that does not start at 1 (nor where it said) is a gap too.
    await expect(push(desk, [new OpMaker(desk.deskId, 2, 5).register(doc(), mrn())], 2)).rejects.toMatchObject({ code: 'SEQ_GAP', body: { expectedSeq: 1 } });
  });

  it('records a poison op as rejected and skips it; later ops in the batch apply and the queue moves on', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const good1 = m.register(doc({ name: { given: 'Good', family: 'One' } }), mrn());
    const badPayload = m.op('patient.registered', newId(), { id: 'not-a-uuid', doc: {} });
    const unknownKind = m.op('drawer.exploded', 'x', { anything: true });
    const unknownPatient = m.update(newId(), 1, { email: 'a@b.co' });
    const badDate = m.update(good1.entityId, 1, { birthDate: '1984-02-30' });
    const nul = m.op('site.configured', 'site', { siteName: 'A\u0000B', timeZone: 'UTC' });
    const good2 = m.update(good1.entityId, 1, { preferredName: 'Goody' });
    const r = await push(desk, [good1, badPayload, unknownKind, unknownPatient, badDate, nul, good2]);
    // acknowledged once logged; the hub applies the batch right after and cannot know the rejections yet
    expect(r.ackedSeq).toBe(7);
    expect(r.rejected).toEqual([]);
    // they reach the desk as rejected echoes in its pull (this pull waits for nothing: they are its own ops)
    await hub.service.settle();
    const own = await desk.client.pull(0, 1000);
    const seqOf = new Map([good1, badPayload, unknownKind, unknownPatient, badDate, nul, good2].map((o) => [o.opId, o.seq]));
    expect(own.changes.filter((c) => c.rejected).map((c) => [seqOf.get(c.opId), c.rejected!.reason])).toEqual([
      [2, 'invalid-payload'],
      [3, 'unknown-kind'],
      [4, 'unknown-entity'],
      [5, 'invalid-payload'],
      [6, 'invalid-payload'],
    ]);
    expect(own.changes.find((c) => c.opId === unknownKind.opId)!.rejected!.message).toMatch(/drawer\.exploded/);
    const d = await hub.db.query<{ doc: string }>('SELECT doc FROM patients WHERE id = $1', [good1.entityId]);
    expect(JSON.parse(d.rows[0]!.doc)).toMatchObject({ preferredName: 'Goody', birthDate: '1984-03-12' });
    expect(Number((await hub.db.query<{ n: number }>('SELECT COUNT(*) n FROM rejected_ops r JOIN ops o USING (op_id) WHERE o.desk_id = $1', [desk.deskId])).rows[0]!.n)).toBe(5);
    // Re-sending the batch reports the same rejections and changes nothing.
    const again = await push(desk, [good1, badPayload, unknownKind, unknownPatient, badDate, nul, good2]);
    expect(again.rejected.map((x) => x.seq)).toEqual([2, 3, 4, 5, 6]);
    expect((await desk.client.status()).rejectedCount).toBe(5);
    // Rejected ops never reach other desks, and their cursor still reaches the head.
    const other = await enrollDesk(hub, 'Other desk');
    const page = await other.client.pull(0, 1000);
    const ids = new Set(page.changes.map((c) => c.opId));
    expect(ids.has(good2.opId)).toBe(true);
    for (const x of [badPayload, unknownKind, unknownPatient, badDate, nul]) expect(ids.has(x.opId)).toBe(false);
    expect(page.changes.some((c) => c.rejected)).toBe(false);
    expect(page.cursor).toBe(page.headSeq);
    expect(page.hasMore).toBe(false);
    // In small pages: a page is `limit` changes of the feed, so one holding only rejected ops of the first desk
    // comes back with fewer (or no) changes, hasMore and a cursor past them; paging on gives the same changes.
    const pages: { n: number; hasMore: boolean }[] = [];
    const seen: string[] = [];
    for (let cursor = 0; ; ) {
      const p = await other.client.pull(cursor, 2);
      pages.push({ n: p.changes.length, hasMore: p.hasMore });
      seen.push(...p.changes.map((c) => c.opId));
      expect(p.changes.length).toBeLessThanOrEqual(2);
      expect(p.cursor).toBeGreaterThan(cursor);
      if (!p.hasMore) {
        expect(p.cursor).toBe(p.headSeq);
        break;
      }
      cursor = p.cursor;
    }
    expect(seen).toEqual(page.changes.map((c) => c.opId));
    expect(pages.some((p) => p.hasMore && p.n < 2)).toBe(true);
  });

  it('a resent seq with different content (or a reused op id) is a protocol error; nothing written', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const a = m.register(doc(), mrn());
    await push(desk, [a]);
    const before = await hubState(hub);
    await expect(push(desk, [{ ...a, payload: { ...(a.payload as object), mrn: mrn() } }])).rejects.toMatchObject({ status: 409, code: 'OP_MISMATCH' });
    await expect(push(desk, [{ ...a, opId: newId() }])).rejects.toMatchObject({ code: 'OP_MISMATCH' });
    await expect(push(desk, [{ ...m.register(doc(), mrn()), opId: a.opId }])).rejects.toMatchObject({ code: 'OP_MISMATCH' });
    expect(await hubState(hub)).toEqual(before);
  });

  it('a new epoch (restored or reinstalled desk) starts a new seq series; old epochs stay acknowledged', async () => {
    const desk = await enrollDesk(hub);
    const e1 = new OpMaker(desk.deskId, 1);
    const ops1 = [e1.register(doc(), mrn()), e1.register(doc(), mrn()), e1.register(doc(), mrn())];
    expect((await push(desk, ops1)).ackedSeq).toBe(3);
    // Restored from a backup taken after seq 2: the desk keeps numbering its outbox (desk_seq 3, 4, …) in epoch 2.
    const e2 = new OpMaker(desk.deskId, 2, 3);
    const ops2 = [e2.register(doc(), mrn()), e2.register(doc(), mrn())];
    expect(await push(desk, [], 2, 3)).toMatchObject({ ackedSeq: 2 }); // handshake: nothing there yet
    expect((await push(desk, ops2, 2, 3)).ackedSeq).toBe(4);
    await expect(push(desk, ops2, 2, 1)).rejects.toMatchObject({ code: 'OP_MISMATCH' });
    // The backup's un-acked epoch-1 op (seq 2) is still acknowledged as before.
    expect((await push(desk, [ops1[1]!], 1)).ackedSeq).toBe(3);
    const st = await desk.client.status();
    expect(st.epochs).toEqual([
      { epoch: 1, startSeq: 1, lastSeq: 3 },
      { epoch: 2, startSeq: 3, lastSeq: 4 },
    ]);
    expect(await hub.count('patients')).toBeGreaterThanOrEqual(5);
  });

  it('refuses a payload schema version newer than the hub understands (the desk keeps it and retries after an upgrade)', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    await expect(push(desk, [{ ...m.register(doc(), mrn()), schemaVersion: 2 }])).rejects.toMatchObject({ status: 409, code: 'SCHEMA_UNSUPPORTED' });
    expect((await desk.client.status()).epochs).toEqual([]);
  });

  it("accepts a real desk's outbox as the desk stores it (setup, users, registration, edit)", async () => {
    const td = new TestDesk();
    try {
      await td.setup();
      const reg = await td.call('patients.register', { patient: patientInput({ name: { given: 'Olga', family: 'Petrov' } }) });
      await td.call('patients.update', { id: reg.patient.id, baseVersion: 1, patient: patientInput({ name: { given: 'Olga', family: 'Petrova' } }) });
      const desk = await enrollDesk(hub, 'Real desk', td.app.store.deskId);
      const rows = td.app.store.db.prepare('SELECT * FROM outbox ORDER BY desk_seq').all() as OutboxRow[];
      expect(rows.map((r) => r.kind)).toEqual(['site.configured', 'user.upserted', 'patient.registered', 'patient.updated']);
      const res = await desk.client.push({ deskId: td.app.store.deskId, epoch: td.app.store.deskEpoch, ops: rows.map(outboxRowToOp) });
      expect(res).toMatchObject({ ackedSeq: 4, rejected: [] });
      const d = await hub.db.query<{ doc: string; mrn: string }>('SELECT doc, mrn FROM patients WHERE id = $1', [reg.patient.id]);
      expect(d.rows[0]!.mrn).toBe(reg.patient.mrn);
      expect(JSON.parse(d.rows[0]!.doc)).toMatchObject({ name: { given: 'Olga', family: 'Petrova' } });
      const users = await hub.db.query<{ doc: string }>(`SELECT doc FROM directory_entities WHERE entity_type = 'user'`);
      expect(users.rows.map((u) => JSON.parse(u.doc) as { username: string }).some((u) => u.username === 'admin')).toBe(true);
    } finally {
      td.destroy();
    }
  });
});

describe('pull', () => {
  it('pages by cursor: every accepted change exactly once, in hub order, including concurrent pushes', async () => {
    const start = (await (await enrollDesk(hub)).client.pull(0, 1)).headSeq;
    const desks = await Promise.all([enrollDesk(hub, 'P1'), enrollDesk(hub, 'P2'), enrollDesk(hub, 'P3')]);
    const sent = new Set<string>();
    // Three desks push concurrently, in several batches each.
    await Promise.all(
      desks.map(async (d) => {
        const m = new OpMaker(d.deskId);
        for (let b = 0; b < 4; b++) {
          const ops = Array.from({ length: 15 }, () => m.op('site.configured', 'site', { siteName: `S${b}`, timeZone: 'UTC' }));
          ops.forEach((o) => sent.add(o.opId));
          await push(d, ops);
        }
      }),
    );
    const reader = desks[0]!;
    const got: Change[] = [];
    let cursor = start;
    let pages = 0;
    for (;;) {
      const page = await reader.client.pull(cursor, 7);
      got.push(...page.changes);
      expect(page.cursor).toBe(page.changes.length ? page.changes[page.changes.length - 1]!.serverSeq : cursor);
      cursor = page.cursor;
      pages++;
      if (!page.hasMore) break;
    }
    expect(pages).toBeGreaterThan(5);
    const ids = got.map((c) => c.opId);
    expect(new Set(ids).size).toBe(ids.length); // nothing twice
    for (const id of sent) expect(ids).toContain(id); // nothing missed (own ops included, by design)
    const seqs = got.map((c) => c.serverSeq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => start + 1 + i)); // dense: no holes
    // Per desk, hub order follows the desk's seq order.
    for (const d of desks) {
      const mine = got.filter((c) => c.deskId === d.deskId).map((c) => c.opId);
      expect(mine).toHaveLength(60);
    }
    const end = await reader.client.pull(cursor, 10);
    expect(end).toMatchObject({ changes: [], cursor, hasMore: false });
  });

  it('a reader pulling while desks push concurrently never skips or repeats a change', async () => {
    const reader = await enrollDesk(hub, 'Reader');
    let cursor = (await reader.client.pull(0, 1)).headSeq;
    const desks = await Promise.all([enrollDesk(hub, 'W1'), enrollDesk(hub, 'W2'), enrollDesk(hub, 'W3')]);
    const sent = new Set<string>();
    let done = false;
    const writers = Promise.all(
      desks.map(async (d) => {
        const m = new OpMaker(d.deskId);
        for (let b = 0; b < 6; b++) {
          const ops = Array.from({ length: 10 }, () => m.op('site.configured', 'site', { siteName: `W${b}`, timeZone: 'UTC' }));
          ops.forEach((o) => sent.add(o.opId));
          await push(d, ops);
        }
      }),
    ).finally(() => {
      done = true;
    });
    const seen: string[] = [];
    for (;;) {
      const finished = done; // read before pulling: after the writers finished, one more full drain
      for (;;) {
        const page = await reader.client.pull(cursor, 13);
        expect(page.cursor).toBeGreaterThanOrEqual(cursor);
        seen.push(...page.changes.map((c) => c.opId));
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      if (finished) break;
    }
    await writers;
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of sent) expect(seen).toContain(id);
  });

  it('echoes=slim: the caller\'s own changes come without payload, every other desk\'s change whole, same cursor and order', async () => {
    const a = await enrollDesk(hub, 'Slim A');
    const b = await enrollDesk(hub, 'Slim B');
    const start = (await a.client.pull(0, 1)).headSeq;
    const ma = new OpMaker(a.deskId);
    const mb = new OpMaker(b.deskId);
    const ra = ma.register(doc(), mrn());
    const rb = mb.register(doc({ name: { given: 'Bea', family: 'Okafor' } }), mrn());
    await push(a, [ra]);
    await push(b, [rb]);
    await push(a, [ma.update(ra.entityId, 1, { email: 'slim@example.com' })]);
    const full = await a.client.pull(start, 1000);
    const slim = await a.client.pull(start, 1000, 'slim');
    expect(slim.changes.map((c) => c.serverSeq)).toEqual(full.changes.map((c) => c.serverSeq));
    expect(slim.cursor).toBe(full.cursor);
    for (const [i, c] of slim.changes.entries()) {
      const f = full.changes[i]!;
      if (c.deskId === a.deskId) {
        expect(c).toEqual({ ...f, payload: null, payloadOmitted: true });
      } else {
        expect(c).toEqual(f);
        expect(c.payloadOmitted).toBeUndefined();
      }
    }
    expect(slim.changes.filter((c) => c.payloadOmitted).length).toBe(2);
    expect(slim.changes.find((c) => c.opId === rb.opId)!.payload).toEqual(rb.payload);
    // the payload as pushed comes back unchanged (the page is spliced around the stored JSON text)
    expect(full.changes.find((c) => c.opId === ra.opId)!.payload).toEqual(ra.payload);
  });

  it('a cursor beyond the hub head is refused (a hub restored from an older backup), with the head', async () => {
    const d = await enrollDesk(hub);
    const head = (await d.client.pull(0, 1)).headSeq;
    await expect(d.client.pull(head + 100)).rejects.toMatchObject({ status: 409, code: 'CURSOR_AHEAD', body: { headSeq: head } });
  });
});
