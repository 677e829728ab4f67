/**
 * Review items are closed by a person, and merges sync: POST /review-items/:id/resolve (desk auth; who, which desk,
 * when; idempotent; the decision must fit the item; bad input 4xx writing nothing), and the hub applying
 * 'patient.merged' / 'patient.unmerged' (repeat = no-op, unknown ids and chains rejected without wedging the queue,
 * a real desk's merge outbox accepted).
 */
import { describe, expect, it } from 'vitest';
import { useTestHub } from './use-hub.js';
import { newId } from '../../shared/ids.js';
import { hubErrorSchema, outboxRowToOp, type OutboxRow, type ReviewItem, type SyncOp } from '../../shared/sync/protocol.js';
import { HubRequestError } from '../../shared/sync/hub-client.js';
import { TestDesk } from '../support/desk.js';
import { minimalPatient } from '../support/patients.js';
import { doc, enrollDesk, formatMrn, OpMaker, rejectedEchoes, type EnrolledDesk, type TestHub } from './support.js';

let hub!: TestHub;
useTestHub((h) => (hub = h));

let serial = 300_000;
const mrn = () => formatMrn(serial++);
const push = (d: EnrolledDesk, ops: SyncOp[]) => d.client.push({ deskId: d.deskId, epoch: 1, ops });
const SUP = { userId: newId(), userName: 'Sam Supervisor' };

async function mergedInto(id: string): Promise<string | null> {
  const r = await hub.db.query<{ merged_into: string | null }>('SELECT merged_into FROM patients WHERE id = $1', [id]);
  return r.rows[0]!.merged_into;
}
async function resolutionsCount(): Promise<number> {
  return hub.count('review_resolutions');
}

/** Two desks; desk A registers, desk B registers the same person (a possible-duplicate item) and both edit one name. */
async function scenario() {
  const a = await enrollDesk(hub, 'Front A');
  const b = await enrollDesk(hub, 'Front B');
  const ma = new OpMaker(a.deskId);
  const mb = new OpMaker(b.deskId, 1, 1, ma.wallMs + 3000);
  const family = `Oduya${serial}`;
  const pa = ma.register(doc({ name: { given: 'Katherine', family }, birthDate: '1991-07-04', phones: [{ use: 'mobile', number: '(773) 555-0142', smsConsent: false }] }), mrn());
  const pb = mb.register(doc({ name: { given: 'Kathy', family }, birthDate: '1991-07-04', phones: [{ use: 'mobile', number: '773-555-0142', smsConsent: false }] }), mrn());
  await push(a, [pa]);
  await push(b, [pb]);
  mb.receive(pa.hlc);
  const ea = ma.update(pa.entityId, 1, { 'name.given': 'Kate' });
  const eb = mb.update(pa.entityId, 1, { 'name.given': 'Katie' });
  await push(a, [ea]);
  await push(b, [eb]);
  const items = await a.client.reviewItems('all');
  const dup = items.find((i) => i.type === 'possible-duplicate' && i.patientIds.includes(pb.entityId));
  const conflict = items.find((i) => i.type === 'identity-conflict' && i.patientId === pa.entityId);
  if (!dup || !conflict) throw new Error(`scenario items missing: ${JSON.stringify(items.map((i) => i.type))}`);
  return { a, b, ma, mb, pa, pb, dup, conflict };
}

describe('POST /review-items/:id/resolve', () => {
  it('closes an item with the decision, the desk, the user and the time; it leaves the open list; a repeat changes nothing', async () => {
    const { a, b, dup } = await scenario();
    expect(dup.status).toBe('open');
    expect(dup.resolution).toBeNull();
    const t0 = Date.now();
    const r = await b.client.resolveReviewItem(dup.id, { resolution: 'not-duplicate', note: 'Mother and daughter, same name', resolvedBy: SUP });
    expect(r.alreadyResolved).toBe(false);
    expect(r.item).toMatchObject({ id: dup.id, type: 'possible-duplicate', status: 'resolved' });
    expect(r.item.resolution).toMatchObject({ resolution: 'not-duplicate', note: 'Mother and daughter, same name', deskId: b.deskId, deskLabel: 'Front B', userId: SUP.userId, userName: 'Sam Supervisor' });
    expect(Date.parse(r.item.resolution!.resolvedAt)).toBeGreaterThanOrEqual(t0 - 1000);

    expect((await a.client.reviewItems('open')).some((i) => i.id === dup.id)).toBe(false);
    const inAll = (await a.client.reviewItems('all')).find((i) => i.id === dup.id)!;
    expect(inAll).toEqual(r.item);

    // Retried (lost response) or decided differently at another desk later: the first decision stands, nothing written.
    const n = await resolutionsCount();
    const again = await a.client.resolveReviewItem(dup.id, { resolution: 'merged', note: 'merged them', resolvedBy: { userId: newId(), userName: 'Someone else' } });
    expect(again.alreadyResolved).toBe(true);
    expect(again.item).toEqual(r.item);
    expect(await resolutionsCount()).toBe(n);
  });

  it('an identity conflict is kept or corrected; a decision that does not fit the item is refused (400, nothing written)', async () => {
    const { a, conflict, dup } = await scenario();
    const n = await resolutionsCount();
    for (const [id, resolution] of [
      [conflict.id, 'merged'],
      [conflict.id, 'not-duplicate'],
      [dup.id, 'kept'],
      [dup.id, 'corrected'],
    ] as const) {
      const e = await a.client.resolveReviewItem(id, { resolution, note: 'x' }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e, `${resolution}`).toBeInstanceOf(HubRequestError);
      expect(e).toMatchObject({ status: 400, code: 'VALIDATION' });
    }
    expect(await resolutionsCount()).toBe(n);
    expect((await a.client.reviewItems('open')).map((i) => i.id)).toEqual(expect.arrayContaining([conflict.id, dup.id]));
    // Each value says which desk wrote it, by label.
    if (conflict.type !== 'identity-conflict') throw new Error('type');
    expect(conflict.values.map((v) => v.deskLabel).sort()).toEqual(['Front A', 'Front B']);
    // Without resolvedBy the desk is still recorded.
    const k = await a.client.resolveReviewItem(conflict.id, { resolution: 'kept', note: 'Kate is what she goes by' });
    expect(k.item.resolution).toMatchObject({ resolution: 'kept', deskId: a.deskId, userId: null, userName: null });
  });

  it('needs a desk credential (401, revoked 401 DESK_REVOKED), a known id (404), and a valid body (400) — nothing written on any refusal', async () => {
    const { a, dup } = await scenario();
    const n = await resolutionsCount();
    const path = `/review-items/${dup.id}/resolve`;
    const ok = { resolution: 'merged', note: 'same person' };
    const cases: { status: number; code: string; r: Promise<{ status: number; body: unknown }> }[] = [
      { status: 401, code: 'UNAUTHORIZED', r: hub.client().raw('POST', path, ok, 'none') },
      { status: 401, code: 'UNAUTHORIZED', r: hub.client('forged-credential-forged-credential').raw('POST', path, ok) },
      { status: 404, code: 'NOT_FOUND', r: a.client.raw('POST', `/review-items/${newId()}/resolve`, ok) },
      { status: 400, code: 'VALIDATION', r: a.client.raw('POST', '/review-items/%27%3B%20DROP/resolve', ok) },
      { status: 400, code: 'VALIDATION', r: a.client.raw('POST', path, { resolution: 'deleted', note: 'x' }) },
      { status: 400, code: 'VALIDATION', r: a.client.raw('POST', path, { resolution: 'merged' }) },
      { status: 400, code: 'VALIDATION', r: a.client.raw('POST', path, { resolution: 'merged', note: '   ' }) },
      { status: 400, code: 'VALIDATION', r: a.client.raw('POST', path, { resolution: 'merged', note: 'a\u0000b' }) },
      { status: 400, code: 'VALIDATION', r: a.client.raw('POST', path, { resolution: 'merged', note: 'x'.repeat(501) }) },
      { status: 400, code: 'VALIDATION', r: a.client.raw('POST', path, { resolution: 'merged', note: 'x', resolvedBy: { userId: 'not-a-uuid', userName: 'x' } }) },
      { status: 400, code: 'VALIDATION', r: a.client.raw('POST', path, ['merged']) },
      { status: 400, code: 'BAD_JSON', r: a.client.raw('POST', path, undefined, 'desk', '{"resolution":') },
    ];
    for (const c of cases) {
      const r = await c.r;
      expect(r.status, JSON.stringify(r.body)).toBe(c.status);
      const e = hubErrorSchema.parse(r.body);
      expect(e.error.code).toBe(c.code);
      expect(e.error.message.length).toBeGreaterThan(10);
    }
    expect(await resolutionsCount()).toBe(n);

    await hub.admin.raw('POST', `/admin/desks/${a.deskId}/revoke`, {}, 'admin');
    const revoked = await a.client.raw('POST', path, ok);
    expect(revoked.status).toBe(401);
    expect(hubErrorSchema.parse(revoked.body).error.code).toBe('DESK_REVOKED');
    expect(await resolutionsCount()).toBe(n);
  });
});

describe('patient.merged / patient.unmerged at the hub', () => {
  it('links and unlinks; the same merge from another desk is a no-op; pulls carry both ops', async () => {
    const { a, b, ma, mb, pa, pb } = await scenario();
    const cursor = (await a.client.pull(0, 1)).headSeq;
    const m1 = ma.op('patient.merged', pb.entityId, { survivorId: pa.entityId, mergedId: pb.entityId, reason: 'Same person' });
    expect(await push(a, [m1])).toMatchObject({ rejected: [] });
    expect(await mergedInto(pb.entityId)).toBe(pa.entityId);
    // Desk B made the same decision offline: accepted, still linked once.
    const m2 = mb.op('patient.merged', pb.entityId, { survivorId: pa.entityId, mergedId: pb.entityId, reason: 'Same person (B)' });
    expect(await push(b, [m2])).toMatchObject({ rejected: [] });
    expect(await mergedInto(pb.entityId)).toBe(pa.entityId);
    // A merged record is no longer offered as a duplicate of new registrations.
    const again = ma.register(doc({ name: { given: 'Kathy', family: `Oduya${serial - 2}` }, birthDate: '1991-07-04', phones: [{ use: 'mobile', number: '773-555-0142', smsConsent: false }] }), mrn());
    await push(b, [mb.register(doc({ name: { given: 'Zed', family: 'Filler' }, birthDate: '1930-01-01' }), mrn())]);
    await push(a, [again]);
    const dupOf = (await a.client.reviewItems('open')).filter((i) => i.type === 'possible-duplicate' && i.patientIds.includes(again.entityId));
    expect(dupOf.every((i) => i.type === 'possible-duplicate' && !i.patientIds.includes(pb.entityId))).toBe(true);

    const u = mb.op('patient.unmerged', pb.entityId, { mergedId: pb.entityId, reason: 'Different people' });
    const u2 = mb.op('patient.unmerged', pb.entityId, { mergedId: pb.entityId, reason: 'twice' });
    expect(await push(b, [u, u2])).toMatchObject({ rejected: [] });
    expect(await mergedInto(pb.entityId)).toBeNull();

    const page = await a.client.pull(cursor, 1000);
    const kinds = page.changes.filter((c) => c.entityId === pb.entityId).map((c) => [c.kind, c.opId]);
    expect(kinds).toEqual([
      ['patient.merged', m1.opId],
      ['patient.merged', m2.opId],
      ['patient.unmerged', u.opId],
      ['patient.unmerged', u2.opId],
    ]);
  });

  it('rejects (and skips) unknown ids, mismatched entity ids, self-merges, bad payloads and chains; later ops still apply', async () => {
    const { a, ma, pa, pb } = await scenario();
    const c = ma.register(doc({ name: { given: 'Cara', family: 'Third' }, birthDate: '1960-02-02' }), mrn());
    const d = ma.register(doc({ name: { given: 'Dora', family: 'Fourth' }, birthDate: '1961-03-03' }), mrn());
    await push(a, [c, d]);
    const merge = (survivorId: string, mergedId: string, entityId = mergedId, reason: unknown = 'same person') => ma.op('patient.merged', entityId, { survivorId, mergedId, reason });
    const ghost = newId();
    const ops = [
      merge(pa.entityId, ghost), // unknown merged
      merge(ghost, pb.entityId), // unknown survivor
      merge(pa.entityId, pb.entityId, pa.entityId), // entity id is not the merged record
      merge(pa.entityId, pa.entityId), // itself
      merge(pa.entityId, pb.entityId, pb.entityId, ''), // no reason
      ma.op('patient.unmerged', ghost, { mergedId: ghost, reason: 'x' }),
      merge(pa.entityId, pb.entityId), // fine: pb -> pa
      merge(c.entityId, pb.entityId), // pb already merged elsewhere
      merge(pb.entityId, d.entityId), // survivor is merged
      merge(c.entityId, pa.entityId), // pa has pb merged into it: chain
      merge(c.entityId, d.entityId), // fine: d -> c
    ];
    const r = await push(a, ops);
    expect(r.ackedSeq).toBe(ops.at(-1)!.seq);
    expect((await rejectedEchoes(hub, a, ops)).map((x) => [ops.findIndex((o) => o.opId === x.opId), x.reason])).toEqual([
      [0, 'unknown-entity'],
      [1, 'unknown-entity'],
      [2, 'entity-mismatch'],
      [3, 'invalid-payload'],
      [4, 'invalid-payload'],
      [5, 'unknown-entity'],
      [7, 'data-error'],
      [8, 'data-error'],
      [9, 'data-error'],
    ]);
    expect(await mergedInto(pb.entityId)).toBe(pa.entityId);
    expect(await mergedInto(d.entityId)).toBe(c.entityId);
    expect(await mergedInto(pa.entityId)).toBeNull();
    // Rejected ops are not in the changes feed (only their own desk sees them, as rejected echoes).
    const fed = (await a.client.pull(0, 1000)).changes.filter((x) => !x.rejected).map((x) => x.opId);
    expect(fed).toContain(ops[6]!.opId);
    expect(fed).not.toContain(ops[7]!.opId);
  });

  it("accepts a real desk's merge and undo outbox entries as the desk stores them", async () => {
    const td = new TestDesk();
    try {
      await td.setup();
      await td.call('users.create', { username: 'sup', displayName: 'Sup', role: 'supervisor', password: 'supervisor pass 1' });
      await td.call('session.signIn', { username: 'sup', password: 'supervisor pass 1' }, 'sup');
      const a = (await td.call('patients.register', { patient: minimalPatient('Olga', 'Petrov', '1977-07-07', 'female') })).patient;
      const b = (await td.call('patients.register', { patient: minimalPatient('Ivan', 'Sidorov', '1966-06-06', 'male') })).patient;
      await td.call('patients.merge', { survivorId: a.id, mergedId: b.id, reason: 'Test merge of a real outbox' }, 'sup');
      await td.call('patients.unmerge', { mergedId: b.id, reason: 'Undo it again' }, 'sup');
      await td.call('patients.merge', { survivorId: b.id, mergedId: a.id, reason: 'Other way round' }, 'sup');
      const desk = await enrollDesk(hub, 'Real desk', td.app.store.deskId);
      const rows = td.app.store.db.prepare('SELECT * FROM outbox ORDER BY desk_seq').all() as OutboxRow[];
      expect(rows.map((r) => r.kind).slice(-3)).toEqual(['patient.merged', 'patient.unmerged', 'patient.merged']);
      const res = await desk.client.push({ deskId: td.app.store.deskId, epoch: td.app.store.deskEpoch, ops: rows.map(outboxRowToOp) });
      expect(res).toMatchObject({ ackedSeq: rows.length, rejected: [] });
      expect(await mergedInto(a.id)).toBe(b.id);
      expect(await mergedInto(b.id)).toBeNull();
    } finally {
      td.destroy();
    }
  });
});

// Type guard use (keeps the ReviewItem import honest for readers of the test).
export type _Item = ReviewItem;
