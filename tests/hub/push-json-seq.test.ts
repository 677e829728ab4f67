/**
 * Protocol 2: a push as application/json-seq (RFC 7464) — the push without payloads, then each op's payload as its
 * own JSON text, as the desk's outbox stores it (shared/sync/protocol.ts pushBodySeq, hub/push-seq.ts, the hub
 * materialiser). Real hub (PGlite here, PostgreSQL in the hub-postgres pass), real HTTPS client.
 */
import { describe, expect, it } from 'vitest';
import { useTestHub } from './use-hub.js';
import { PROTOCOL_VERSION, PUSH_SEQ_CONTENT_TYPE, pushBodySeq, type SyncOp } from '../../shared/sync/protocol.js';
import { legacyOpContentHash } from '../../hub/op-hash.js';
import { readPushSeq } from '../../hub/push-seq.js';
import { doc, enrollDesk, formatMrn, OpMaker, rejectedEchoes, type EnrolledDesk, type TestHub } from './support.js';

let hub!: TestHub;
useTestHub((h) => (hub = h));

let mrnSerial = 5000;
const mrn = () => formatMrn(mrnSerial++);

/** Pushes as a protocol-2 desk does; `texts[i]` replaces ops[i]'s payload text (default JSON.stringify of it). */
function pushSeq(desk: EnrolledDesk, ops: SyncOp[], texts: (string | undefined)[] = []) {
  return desk.client.push({ deskId: desk.deskId, epoch: 1, ops, payloadTexts: ops.map((o, i) => texts[i] ?? JSON.stringify(o.payload)), jsonSeq: true });
}

function rawSeq(desk: EnrolledDesk, text: string) {
  return desk.client.raw('POST', '/sync/push', undefined, 'desk', { text, contentType: PUSH_SEQ_CONTENT_TYPE });
}

async function hubDoc(id: string): Promise<Record<string, unknown> | null> {
  const r = await hub.db.query<{ doc: string }>('SELECT doc FROM patients WHERE id = $1', [id]);
  return r.rows[0] ? (JSON.parse(r.rows[0].doc) as Record<string, unknown>) : null;
}

/** Nothing of these ops at the hub: not logged, not applied, no cursor for the desk. */
async function nothingWritten(desk: EnrolledDesk, ops: SyncOp[]): Promise<void> {
  const ids = ops.map((o) => o.opId);
  const n = await hub.service.db.query('SELECT op_id FROM ops WHERE op_id = ANY($1::text[]) UNION ALL SELECT op_id FROM inbox WHERE op_id = ANY($1::text[])', [ids]);
  expect(n.rows).toEqual([]);
  expect((await desk.client.status()).epochs).toEqual([]);
}

describe('push as application/json-seq (protocol 2)', () => {
  it('the hub says protocol 2; ops pushed as json-seq apply like JSON ones, each payload text stored byte for byte', async () => {
    const desk = await enrollDesk(hub);
    expect(PROTOCOL_VERSION).toBe(2);
    expect((await desk.client.status()).protocolVersion).toBe(2);
    const m = new OpMaker(desk.deskId);
    const reg = m.register(doc({ name: { given: 'Sequa', family: 'Payload' } }), mrn());
    const edit = m.update(reg.entityId, 1, { email: 'sequa@example.com' });
    // spacing as some desk might have stored it: kept as sent
    const regText = JSON.stringify(reg.payload, null, 1);
    expect(await pushSeq(desk, [reg, edit], [regText])).toMatchObject({ ackedSeq: 2, rejected: [] });
    expect(await rejectedEchoes(hub, desk)).toEqual([]);
    expect(await hubDoc(reg.entityId)).toMatchObject({ name: { given: 'Sequa', family: 'Payload' }, email: 'sequa@example.com' });
    const stored = await hub.db.query<{ payload: string }>('SELECT payload FROM ops WHERE op_id = $1', [reg.opId]);
    expect(stored.rows[0]!.payload).toBe(regText);
    // another desk pulls it as an ordinary payload value
    const other = await enrollDesk(hub, 'Other');
    const page = await other.client.pull(0, 1000);
    expect(page.changes.find((c) => c.opId === reg.opId)!.payload).toEqual(reg.payload);
  });

  it('a payload record that is not JSON is rejected when applied (invalid-payload) and never wedges the queue', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const good1 = m.register(doc(), mrn());
    const broken = m.register(doc(), mrn());
    const good2 = m.update(good1.entityId, 1, { preferredName: 'After' });
    const r = await pushSeq(desk, [good1, broken, good2], [undefined, '{"id": "unterminated']);
    expect(r).toMatchObject({ ackedSeq: 3, rejected: [] });
    const rejection = { opId: broken.opId, seq: broken.seq, reason: 'invalid-payload', message: 'patient.registered payload is not JSON text' };
    expect(await rejectedEchoes(hub, desk, [good1, broken, good2])).toEqual([rejection]);
    expect(await hubDoc(good1.entityId)).toMatchObject({ preferredName: 'After' });
    expect(await hubDoc(broken.entityId)).toBeNull();
    // the pull page around it stayed JSON (the client parsed it above); a resend gets the same rejection back
    expect((await pushSeq(desk, [broken], ['{"id": "unterminated'])).rejected).toEqual([rejection]);
  });

  it('an op pushed first as JSON and again as json-seq (a desk upgraded in between) is the same op: acknowledged, not applied twice', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const reg = m.register(doc(), mrn());
    const edit = m.update(reg.entityId, 1, { email: 'once@example.com' });
    await desk.client.push({ deskId: desk.deskId, epoch: 1, ops: [reg, edit] });
    await hub.service.settle();
    const changesBefore = (await hub.db.query('SELECT op_id FROM changes')).rows.length;
    expect(await pushSeq(desk, [reg, edit])).toMatchObject({ ackedSeq: 2, rejected: [] });
    await hub.service.settle();
    expect((await hub.db.query('SELECT op_id FROM changes')).rows.length).toBe(changesBefore);
    // different content under the same seq is still a protocol error
    await expect(pushSeq(desk, [edit], [JSON.stringify({ ...(edit.payload as object), version: 9 })])).rejects.toMatchObject({ status: 409, code: 'OP_MISMATCH' });
  });

  it('an op the hub logged before migration 7 (canonical hash) is recognised when resent as JSON or json-seq', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const reg = m.register(doc(), mrn());
    await desk.client.push({ deskId: desk.deskId, epoch: 1, ops: [reg] });
    await hub.service.settle();
    await hub.service.db.query('UPDATE ops SET content_hash = $2 WHERE op_id = $1', [reg.opId, legacyOpContentHash(reg)]);
    expect(await desk.client.push({ deskId: desk.deskId, epoch: 1, ops: [reg] })).toMatchObject({ ackedSeq: 1, rejected: [] });
    // its text as some older desk spelled it (other key order): the canonical hash still recognises it
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(reg.payload as Record<string, unknown>).reverse()));
    expect(await pushSeq(desk, [reg], [reordered])).toMatchObject({ ackedSeq: 1, rejected: [] });
    const p = reg.payload as { doc: object };
    await expect(pushSeq(desk, [reg], [JSON.stringify({ ...p, doc: { ...p.doc, email: 'other@example.com' } })])).rejects.toMatchObject({ code: 'OP_MISMATCH' });
    await expect(pushSeq(desk, [reg], ['{not json'])).rejects.toMatchObject({ code: 'OP_MISMATCH' });
  });

  it('refuses a malformed json-seq body with a clear 400 and writes nothing', async () => {
    const desk = await enrollDesk(hub);
    const m = new OpMaker(desk.deskId);
    const ops = [m.register(doc(), mrn()), m.register(doc(), mrn())];
    const good = pushBodySeq({ deskId: desk.deskId, epoch: 1, ops, payloadTexts: ops.map((o) => JSON.stringify(o.payload)) });
    const records = good.split('\u001e');
    const cases: [string, RegExp][] = [
      [good.slice(1), /record separator/],
      [good.slice(0, -1), /record 3 does not end with a line feed/],
      [records.slice(0, 3).join('\u001e'), /lists 2 ops but carries 1 payload records/],
      [`${good}\u001e{}\n`, /lists 2 ops but carries 3 payload records/],
      [good.replace('"epoch":1', '"epoch":1\u0000'), /NUL byte/],
      [`\u001e{"deskId":\n${records.slice(2).map((r) => `\u001e${r}`).join('')}`, /first record .* is not JSON/],
      [`\u001e[]\n`, /must be a JSON object/],
      [good.replace(/"payload":|"hlc":"[^"]*",/, ''), /hlc/],
    ];
    for (const [text, message] of cases) {
      const r = await rawSeq(desk, text);
      expect(r.status, text.slice(0, 80)).toBe(400);
      expect(JSON.stringify(r.body)).toMatch(message);
    }
    // bytes that are not UTF-8 (the client only sends strings, as UTF-8: checked on the reader itself)
    const notUtf8 = Buffer.concat([Buffer.from(good.slice(0, -3)), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    expect(() => readPushSeq(notUtf8)).toThrow(/not UTF-8/);
    expect(readPushSeq(Buffer.from(good)).payloadTexts).toEqual(ops.map((o) => JSON.stringify(o.payload)));
    await nothingWritten(desk, ops);
    // the same body, whole, is taken
    expect((await rawSeq(desk, good)).status).toBe(200);
  });
});
