/**
 * Field-level merge across desks through a real hub: the desk applies the same (hlc, opId) last-writer-wins rule as
 * the hub, so every desk ends with the hub's values; identity conflicts reach the review queue; clocks hours apart
 * do not decide the order (HLC does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientInput } from '../support/patients.js';
import { TestClock, converge, enrolledDesk, hubPatients, startTestHub, type SyncDesk, type TestHub } from '../support/hub.js';
import type { PatientFormValues } from '../../shared/domain/patient.js';

let hub: TestHub;
const desks: SyncDesk[] = [];
beforeAll(async () => {
  hub = await startTestHub();
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  await hub?.destroy();
});

async function pair(labels: [string, string], clocks: [TestClock?, TestClock?] = []): Promise<[SyncDesk, SyncDesk]> {
  const a = await enrolledDesk(hub, labels[0], { clock: clocks[0] });
  const b = await enrolledDesk(hub, labels[1], { clock: clocks[1] });
  desks.push(a, b);
  return [a, b];
}

async function sharedPatient(a: SyncDesk, b: SyncDesk, over: Parameters<typeof patientInput>[0] = {}) {
  const doc = patientInput(over);
  const p = (await a.call('patients.register', { patient: doc })).patient;
  await converge([a, b]);
  return { p, doc };
}

async function edit(d: SyncDesk, id: string, change: (doc: PatientFormValues) => PatientFormValues) {
  const cur = (await d.call('patients.get', { id })).patient;
  const { id: _i, mrn: _m, version, createdAt: _c, updatedAt: _u, mergedInto: _mi, ...doc } = cur;
  return (await d.call('patients.update', { id, baseVersion: version, patient: change(doc as PatientFormValues) })).patient;
}

async function expectConverged(a: SyncDesk, b: SyncDesk, id: string) {
  const h = (await hubPatients(hub)).find((x) => x.id === id)!;
  expect(h).toBeDefined();
  expect(a.patients().find((x) => x.id === id)).toEqual(h);
  expect(b.patients().find((x) => x.id === id)).toEqual(h);
  return JSON.parse(h.doc) as PatientFormValues;
}

describe('field-level merge', () => {
  it('edits of different fields on two desks (made offline from the same version) both survive everywhere', async () => {
    const [a, b] = await pair(['Merge A', 'Merge B']);
    const { p } = await sharedPatient(a, b, { name: { given: 'Henrietta', family: 'Quill' }, birthDate: '1962-05-04' });
    await edit(a, p.id, (d) => ({ ...d, email: 'hq@example.com' }));
    await edit(b, p.id, (d) => ({ ...d, preferredName: 'Hettie', phones: [{ use: 'home', number: '217-555-0199', smsConsent: false }] }));
    await converge([a, b]);
    const doc = await expectConverged(a, b, p.id);
    expect(doc.email).toBe('hq@example.com');
    expect(doc.preferredName).toBe('Hettie');
    expect(doc.phones).toEqual([{ use: 'home', number: '217-555-0199', smsConsent: false }]);
    // The desks' histories show the other desk's change as 'synced'.
    const hist = await a.call('patients.history', { id: p.id });
    expect(hist.versions.map((v) => v.action)).toEqual(['synced', 'edited', 'registered']);
    expect(hist.versions[0]!.changes.map((c) => c.field).sort()).toEqual(['phones', 'preferredName']);
    // The phone search key moved with the synced phone.
    expect((await a.call('patients.search', { q: '217-555-0199' })).hits.map((h) => h.id)).toContain(p.id);
  });

  it('the same identity field changed from the same version on both desks: both converge on one value and the hub has a review item', async () => {
    const [a, b] = await pair(['Ident A', 'Ident B']);
    const { p } = await sharedPatient(a, b, { name: { given: 'Bartholomew', family: 'Ostrander' }, birthDate: '1955-01-20' });
    await edit(a, p.id, (d) => ({ ...d, name: { ...d.name, family: 'Ostrandr' } }));
    await edit(b, p.id, (d) => ({ ...d, name: { ...d.name, family: 'Ostrander-Lee' } }));
    await converge([a, b]);
    const doc = await expectConverged(a, b, p.id);
    expect(['Ostrandr', 'Ostrander-Lee']).toContain(doc.name.family);

    const items = (await b.call('sync.reviewItems', { status: 'open' })).items.filter((i) => i.type === 'identity-conflict' && i.patientId === p.id);
    expect(items).toHaveLength(1);
    const item = items[0]!;
    if (item.type !== 'identity-conflict') throw new Error('type');
    expect(item.field).toBe('name.family');
    expect(item.values.map((v) => v.value).sort()).toEqual(['Ostrander-Lee', 'Ostrandr']);
    // The merge kept the winner's value on every desk.
    expect(item.values.find((v) => v.opId === item.winnerOpId)!.value).toBe(doc.name.family);
    expect((await b.call('sync.status', {})).openReviewItems).toBeGreaterThanOrEqual(1);

    // A supervisor closes it from the desk; the hub records it and it leaves the open queue.
    await b.call('sync.resolveReviewItem', { id: item.id, resolution: 'corrected', note: 'Checked the ID card; kept the hyphenated name.' });
    const open = (await b.call('sync.reviewItems', { status: 'open' })).items.map((i) => i.id);
    expect(open).not.toContain(item.id);
    expect(b.count('audit_log', `WHERE action = 'sync.review_item_resolved' AND entity_id = '${item.id}'`)).toBe(1);
    const unknown = await b.raw('sync.resolveReviewItem', { id: 'no-such-item', resolution: 'kept', note: 'x' });
    expect(unknown.ok).toBe(false);
  });

  it('an older remote write never overwrites a newer local one (desk applies the hub rule against its own stamps)', async () => {
    const [a, b] = await pair(['Order A', 'Order B']);
    const { p } = await sharedPatient(a, b, { name: { given: 'Cordelia', family: 'Vantongeren' }, birthDate: '1990-12-01' });
    await edit(a, p.id, (d) => ({ ...d, email: 'older@example.com' })); // earlier HLC
    await new Promise((r) => setTimeout(r, 5));
    await edit(b, p.id, (d) => ({ ...d, email: 'newer@example.com' })); // later HLC
    await b.sync(); // the newer write reaches the hub first
    await a.sync(); // A pushes its older write, then pulls B's newer one
    await b.sync(); // B pulls A's older write: must not overwrite its own newer value
    expect((await b.call('patients.get', { id: p.id })).patient.email).toBe('newer@example.com');
    expect((await a.call('patients.get', { id: p.id })).patient.email).toBe('newer@example.com');
    await expectConverged(a, b, p.id);
  });
});

describe('clock skew', () => {
  it('two desks six hours apart edit the same patient: the result follows the HLC, not the wrong wall clock, and nothing is lost', async () => {
    const SIX_HOURS = 6 * 3600 * 1000;
    const ahead = new TestClock(SIX_HOURS);
    const [a, b] = await pair(['Skew A', 'Skew B'], [ahead, new TestClock(0)]);
    const { p } = await sharedPatient(a, b, { name: { given: 'Evangeline', family: 'Marchetti' }, birthDate: '1948-07-15' });

    // A (clock 6 h fast) edits; B sees it, then edits the same field later in real time. B's wall clock says its edit
    // is 6 h OLDER than A's; the HLC (merged on receive) says it came after. B must win everywhere.
    await edit(a, p.id, (d) => ({ ...d, email: 'first@example.com', preferredName: 'Eva' }));
    await converge([a, b]);
    expect((await b.call('patients.get', { id: p.id })).patient.email).toBe('first@example.com');
    await edit(b, p.id, (d) => ({ ...d, email: 'second@example.com' }));
    await converge([b, a]);
    const doc = await expectConverged(a, b, p.id);
    expect(doc.email).toBe('second@example.com');
    expect(doc.preferredName).toBe('Eva'); // A's other field is kept

    // Nothing lost: the hub keeps every field write, including the overwritten one.
    const writes = await hub.db.query<{ value: string }>(`SELECT value FROM patient_field_writes WHERE patient_id = $1 AND field = 'email' ORDER BY hlc`, [p.id]);
    expect(writes.rows.map((r) => JSON.parse(r.value) as string)).toEqual(expect.arrayContaining(['first@example.com', 'second@example.com']));
    // The status shows the skew (desk clock minus hub clock).
    const sa = await a.call('sync.status', {});
    expect(sa.clockSkewMs).toBeGreaterThan(SIX_HOURS - 60_000);
    expect(sa.clockSkewMs).toBeLessThan(SIX_HOURS + 60_000);
    expect(Math.abs((await b.call('sync.status', {})).clockSkewMs!)).toBeLessThan(60_000);
  });
});
