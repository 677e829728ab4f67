import { describe, expect, it } from 'vitest';
import { useTestHub } from './use-hub.js';
import { newId } from '../../shared/ids.js';
import { IDENTITY_FIELDS, PATIENT_FIELDS } from '../../electron/patients/changes.js';
import { HUB_SPACE_START } from '../../electron/patients/mrn.js';
import { toDupCandidate } from '../../electron/patients/repo.js';
import { HUB_MRN_FIRST, HUB_MRN_LAST, type SyncOp } from '../../shared/sync/protocol.js';
import { IDENTITY_SYNC_FIELDS, PATIENT_SYNC_FIELDS, dupCandidateOf } from '../../shared/sync/patient-merge.js';
import { doc, enrollDesk, formatMrn, OpMaker, rejectedEchoes, type EnrolledDesk, type TestHub } from './support.js';

let hub!: TestHub;
useTestHub((h) => (hub = h));

let serial = 200_000;
const mrn = () => formatMrn(serial++);
const SIX_HOURS = 6 * 3600 * 1000;

const push = (d: EnrolledDesk, ops: SyncOp[]) => d.client.push({ deskId: d.deskId, epoch: 1, ops });
async function patient(id: string): Promise<Record<string, any>> {
  const r = await hub.db.query<{ doc: string }>('SELECT doc FROM patients WHERE id = $1', [id]);
  return JSON.parse(r.rows[0]!.doc) as Record<string, any>;
}

describe('shared definitions match the desk', () => {
  it('field list, identity fields, MRN hub range and duplicate candidate are the desk’s', () => {
    expect([...PATIENT_SYNC_FIELDS]).toEqual([...PATIENT_FIELDS]);
    expect([...IDENTITY_SYNC_FIELDS].sort()).toEqual([...IDENTITY_FIELDS].sort());
    expect(HUB_MRN_FIRST).toBe(HUB_SPACE_START);
    expect(HUB_MRN_LAST).toBe(9_999_999);
    const d = doc({ previousNames: [{ given: '', family: 'Smith', until: '' }], identifiers: [{ type: 'ssn-last4', value: '1234' }] });
    expect(dupCandidateOf(d)).toEqual(toDupCandidate(d));
  });
});

describe('field-level merge by HLC', () => {
  it('concurrent edits of different fields both survive, in either arrival order', async () => {
    const a = await enrollDesk(hub, 'A');
    const b = await enrollDesk(hub, 'B');
    const ma = new OpMaker(a.deskId);
    const mb = new OpMaker(b.deskId);
    const reg = ma.register(doc(), mrn());
    await push(a, [reg]);
    mb.receive(reg.hlc);
    const ea = ma.update(reg.entityId, 1, { email: 'a@example.com' });
    const eb = mb.update(reg.entityId, 1, { preferredName: 'Mari' });
    await push(b, [eb]);
    await push(a, [ea]);
    expect(await patient(reg.entityId)).toMatchObject({ email: 'a@example.com', preferredName: 'Mari' });
  });

  it('two desks six hours apart: order follows the HLC, not the wrong wall clock, and nothing is lost', async () => {
    const ahead = await enrollDesk(hub, 'Clock ahead');
    const behind = await enrollDesk(hub, 'Clock behind');
    const t0 = Date.UTC(2026, 2, 1, 14, 0, 0);
    const ma = new OpMaker(ahead.deskId, 1, 1, t0 + SIX_HOURS); // this desk's clock is six hours fast
    const mb = new OpMaker(behind.deskId, 1, 1, t0);
    const reg = ma.register(doc({ name: { given: 'Tomas', family: 'Reyes' } }), mrn());
    const edit1 = ma.update(reg.entityId, 1, { email: 'first@example.com', 'name.middle': 'Luis' });
    await push(ahead, [reg, edit1]);

    // Desk "behind" pulls those changes (its clock merges their HLC), then — really later — edits the same fields.
    const page = await behind.client.pull(0, 1000);
    for (const c of page.changes) if (c.entityId === reg.entityId) mb.receive(c.hlc);
    mb.wallMs = t0 + 60_000; // one minute after, by its own (slow) wall clock: still "before" by wall time
    const edit2 = mb.update(reg.entityId, 2, { email: 'second@example.com', 'name.middle': 'L.' });
    expect(edit2.hlc > edit1.hlc).toBe(true);
    await push(behind, [edit2]);
    // The causally later edit wins although its wall clock reads six hours earlier.
    expect(await patient(reg.entityId)).toMatchObject({ email: 'second@example.com', name: { middle: 'L.' } });

    // A concurrent edit the fast desk makes without having seen edit2 wins by HLC; the slow desk's value is kept.
    const edit3 = ma.update(reg.entityId, 2, { email: 'third@example.com' });
    await push(ahead, [edit3]);
    expect((await patient(reg.entityId)).email).toBe('third@example.com');
    // Nothing lost: every update's write is in patient_field_writes; the registration's value is its op's payload.
    const writes = await hub.db.query<{ value: string; op_id: string }>(`SELECT value, op_id FROM patient_field_writes WHERE patient_id = $1 AND field = 'email' ORDER BY hlc`, [reg.entityId]);
    expect(writes.rows.map((w) => JSON.parse(w.value))).toEqual(['first@example.com', 'second@example.com', 'third@example.com']);
    const regOp = await hub.db.query<{ payload: string }>('SELECT payload FROM ops WHERE op_id = $1', [reg.opId]);
    expect((JSON.parse(regOp.rows[0]!.payload) as { doc: { email: string } }).doc.email).toBe('maria.gonzalez@example.com');
    // The stamps the hub keeps: email and name.middle by their last winning writes, every other field by the registration.
    const st = await hub.db.query<{ field_stamps: string }>('SELECT field_stamps FROM patients WHERE id = $1', [reg.entityId]);
    expect(JSON.parse(st.rows[0]!.field_stamps)).toEqual({ email: [edit3.hlc, edit3.opId], 'name.middle': [edit2.hlc, edit2.opId] });

    // Same result when the ops arrive in the other order at a fresh hub state: replay into a second patient.
    const ma2 = new OpMaker(ahead.deskId, 1, ma.seq, ma.wallMs);
    const reg2 = ma2.register(doc({ name: { given: 'Tomas', family: 'Reyes' } }), mrn());
    await push(ahead, [reg2]);
    const mb2 = new OpMaker(behind.deskId, 1, mb.seq, t0 + 120_000);
    mb2.receive(reg2.hlc);
    const late = mb2.update(reg2.entityId, 1, { email: 'slow-desk@example.com' }); // causally after reg2
    const early = ma2.update(reg2.entityId, 1, { email: 'fast-desk@example.com' }); // concurrent, higher HLC
    await push(behind, [late]);
    await push(ahead, [early]);
    const expected = early.hlc > late.hlc ? 'fast-desk@example.com' : 'slow-desk@example.com';
    expect((await patient(reg2.entityId)).email).toBe(expected);
  });
});

describe('review items', () => {
  it('two desks change an identity field from the same base version: a review item with both values', async () => {
    const a = await enrollDesk(hub, 'A');
    const b = await enrollDesk(hub, 'B');
    const ma = new OpMaker(a.deskId);
    const mb = new OpMaker(b.deskId, 1, 1, ma.wallMs + 5000);
    const reg = ma.register(doc({ name: { given: 'Jon', family: 'Smyth' }, birthDate: '1970-01-01' }), mrn());
    await push(a, [reg]);
    mb.receive(reg.hlc);
    const ea = ma.update(reg.entityId, 1, { 'name.family': 'Smith', email: 'x@example.com' });
    const eb = mb.update(reg.entityId, 1, { 'name.family': 'Smythe' });
    const same = mb.update(reg.entityId, 1, { birthDate: '1970-01-01' }); // identical value: no conflict
    await push(a, [ea]);
    await push(b, [eb, same]);
    const items = (await a.client.reviewItems()).filter((i) => i.type === 'identity-conflict' && i.patientId === reg.entityId);
    expect(items).toHaveLength(1);
    const item = items[0]!;
    if (item.type !== 'identity-conflict') throw new Error('type');
    expect(item.field).toBe('name.family');
    expect(item.baseVersion).toBe(1);
    expect(item.values.map((v) => v.value).sort()).toEqual(['Smith', 'Smythe']);
    const winner = item.values.find((v) => v.opId === item.winnerOpId)!;
    expect((await patient(reg.entityId)).name.family).toBe(winner.value);
    expect((await patient(reg.entityId)).email).toBe('x@example.com'); // non-identity field merged without a review
    // Pushing the same ops again does not duplicate the item.
    await push(b, [eb, same]);
    expect((await a.client.reviewItems()).filter((i) => i.type === 'identity-conflict' && i.patientId === reg.entityId)).toHaveLength(1);
  });

  it('the same person registered at two desks during an outage becomes a merge work item (never merged)', async () => {
    const a = await enrollDesk(hub, 'A');
    const b = await enrollDesk(hub, 'B');
    const ma = new OpMaker(a.deskId);
    const mb = new OpMaker(b.deskId);
    const pa = ma.register(doc({ name: { given: 'Katherine', family: 'Oduya' }, birthDate: '1991-07-04', phones: [{ use: 'mobile', number: '(773) 555-0142', smsConsent: false }] }), mrn());
    const pb = mb.register(doc({ name: { given: 'Kathy', family: 'Oduya' }, birthDate: '1991-07-04', phones: [{ use: 'mobile', number: '773-555-0142', smsConsent: false }] }), mrn());
    // Twins / relatives are not flagged: different first name with the same DOB and address.
    const twin = mb.register(doc({ name: { given: 'Samuel', family: 'Oduya' }, birthDate: '1991-07-04', sexAtBirth: 'male' }), mrn());
    await push(a, [pa]);
    await push(b, [pb, twin]);
    const items = (await b.client.reviewItems()).filter((i) => i.type === 'possible-duplicate' && i.patientIds.includes(pb.entityId));
    expect(items).toHaveLength(1);
    const it0 = items[0]!;
    if (it0.type !== 'possible-duplicate') throw new Error('type');
    expect(it0.patientIds).toEqual([pa.entityId, pb.entityId]);
    expect(it0.score).toBeGreaterThanOrEqual(12);
    expect(it0.reasons.join(' ')).toMatch(/nickname/i);
    expect((await b.client.reviewItems()).some((i) => i.type === 'possible-duplicate' && i.patientIds.includes(twin.entityId))).toBe(false);
    // Both records are still there, unmerged.
    const both = await hub.db.query<{ merged_into: string | null }>('SELECT merged_into FROM patients WHERE id IN ($1, $2)', [pa.entityId, pb.entityId]);
    expect(both.rows.map((r) => r.merged_into)).toEqual([null, null]);
  });

  it('an MRN already held by another patient becomes a review item; a hub-range MRN not granted to the desk is rejected', async () => {
    const a = await enrollDesk(hub, 'A');
    const b = await enrollDesk(hub, 'B');
    const shared = mrn();
    const pa = new OpMaker(a.deskId).register(doc({ name: { given: 'Ada', family: 'One' } }), shared);
    const pb = new OpMaker(b.deskId).register(doc({ name: { given: 'Bea', family: 'Two' }, birthDate: '1950-05-05' }), shared);
    await push(a, [pa]);
    await push(b, [pb]);
    const items = await a.client.reviewItems();
    expect(items.some((i) => i.type === 'mrn-collision' && i.mrn === shared && i.patientIds.includes(pb.entityId))).toBe(true);

    const mb = new OpMaker(b.deskId, 1, 2);
    const own = mb.register(doc(), formatMrn(b.mrnBlock.start));
    const foreign = mb.register(doc(), formatMrn(a.mrnBlock.start));
    await push(b, [own, foreign]);
    expect(await rejectedEchoes(hub, b, [own, foreign])).toEqual([expect.objectContaining({ opId: foreign.opId, reason: 'foreign-mrn' })]);
  });
});

describe('MRN blocks', () => {
  it('grants never overlap (enrollment and concurrent requests), stay in the hub range, and a retried request gets the same block', async () => {
    const desks = await Promise.all(Array.from({ length: 4 }, (_, i) => enrollDesk(hub, `M${i}`)));
    const grants = [...desks.map((d) => d.mrnBlock)];
    const more = await Promise.all(desks.flatMap((d) => [d.client.mrnBlock(newId()), d.client.mrnBlock(newId())]));
    grants.push(...more);
    const rid = newId();
    const once = await desks[0]!.client.mrnBlock(rid);
    const twice = await desks[0]!.client.mrnBlock(rid);
    expect(twice).toEqual(once);
    grants.push(once);
    await expect(desks[1]!.client.mrnBlock(rid)).rejects.toMatchObject({ status: 409 });
    const all = (await hub.db.query<{ block_start: unknown; block_end: unknown }>('SELECT block_start, block_end FROM mrn_blocks_granted ORDER BY block_start')).rows.map((r) => [Number(r.block_start), Number(r.block_end)] as const);
    for (let i = 0; i < all.length; i++) {
      const [s, e] = all[i]!;
      expect(s).toBeGreaterThanOrEqual(4_000_000);
      expect(e).toBeLessThanOrEqual(9_999_999);
      expect(e).toBeGreaterThanOrEqual(s);
      if (i > 0) expect(s).toBeGreaterThan(all[i - 1]![1]);
    }
    for (const g of grants) expect(all).toContainEqual([g.start, g.end]);
    const st = await desks[0]!.client.status();
    expect(st.mrnBlocks).toHaveLength(4); // enrollment, two requests, one idempotent request
  });
});
