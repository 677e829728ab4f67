import { describe, expect, it } from 'vitest';
import { useTestHub } from './use-hub.js';
import { recordHubOp } from '../../hub/hub-ops.js';
import { HUB_AUTHOR_DESK_ID } from '../../shared/sync/hub-author.js';
import { compareHlc } from '../../shared/sync/protocol.js';
import { doc, enrollDesk, formatMrn, OpMaker, type TestHub } from './support.js';

let hub!: TestHub;
useTestHub((h) => (hub = h));

describe('hub-authored ops', () => {
  it('enter the change feed in server order under the reserved desk id, with consecutive seq and an HLC after the cause', async () => {
    const desk = await enrollDesk(hub, 'Desk A');
    const m = new OpMaker(desk.deskId);
    const reg = m.register(doc(), formatMrn(1234));
    await desk.client.push({ deskId: desk.deskId, epoch: 1, ops: [reg] });

    const future = reg.hlc.replace(/^\d{15}/, (w) => String(Number(w) + 3_600_000).padStart(15, '0'));
    const a = await hub.db.write((tx) => recordHubOp(tx, { kind: 'test.noted', entityId: 'e-1', payload: { n: 1 } }));
    const b = await hub.db.write((tx) => recordHubOp(tx, { kind: 'test.noted', entityId: 'e-2', payload: { n: 2 }, after: future }));
    expect(b.serverSeq).toBe(a.serverSeq + 1);
    expect(b.op.seq).toBe(a.op.seq + 1);
    expect(compareHlc(b.op.hlc, future)).toBe(1);
    expect(compareHlc(b.op.hlc, a.op.hlc)).toBe(1);

    const page = await desk.client.pull(0, 1000);
    const mine = page.changes.filter((c) => c.deskId === HUB_AUTHOR_DESK_ID);
    expect(mine.map((c) => [c.kind, c.entityId, c.payload])).toEqual([
      ['test.noted', 'e-1', { n: 1 }],
      ['test.noted', 'e-2', { n: 2 }],
    ]);
    expect(page.changes.map((c) => c.opId)).toEqual([reg.opId, a.op.opId, b.op.opId]);
  });

  it('the reserved desk can never authenticate: it is revoked from birth', async () => {
    const r = await hub.db.query<{ revoked_at: unknown }>('SELECT revoked_at FROM desks WHERE desk_id = $1', [HUB_AUTHOR_DESK_ID]);
    expect(r.rows[0]?.revoked_at).toBeTruthy();
  });
});
