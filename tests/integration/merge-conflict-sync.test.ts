/**
 * Merges made on two offline desks converge (issue 3): two supervisors merge conflicting pairs while their desks
 * cannot reach the hub; the hub takes the first merge it receives, refuses the other, publishes its links for every
 * record involved (hub-authored 'patient.links') and raises a 'merge-conflict' review item. Afterwards the hub and
 * both desks hold identical patients (documents and merged_into), nothing stays parked, the refused desk's outbox
 * row is marked rejected, and a supervisor can close the item. Real hub (PGlite or PostgreSQL), real desk stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalPatient } from '../support/patients.js';
import { converge, enrolledDesk, hubPatients, startTestHub, type SyncDesk, type TestHub } from '../support/hub.js';
import { PATIENT_LINKS_KIND, type Change, type ReviewItem } from '../../shared/sync/protocol.js';
import { HUB_AUTHOR_DESK_ID } from '../../shared/sync/hub-author.js';
import { newId } from '../../shared/ids.js';
import { applyPatientLinks } from '../../electron/patients/links-sync.js';
import { remoteActor } from '../../electron/sync/apply.js';

let hub: TestHub;
const desks: SyncDesk[] = [];
beforeAll(async () => {
  hub = await startTestHub();
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  await hub?.destroy();
});

let n = 0;
async function setup(names: string[]) {
  n++;
  const a = await enrolledDesk(hub, `Conflict A${n}`);
  const b = await enrolledDesk(hub, `Conflict B${n}`);
  desks.push(a, b);
  const ids: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    const p = (await a.call('patients.register', { patient: minimalPatient(name, `Linkerton${n}`, `19${50 + i}-0${(i % 8) + 1}-1${i % 9}`, 'female') })).patient;
    ids[name] = p.id;
  }
  await converge([a, b]);
  for (const d of [a, b]) expect(d.patients().filter((p) => Object.values(ids).includes(p.id))).toHaveLength(names.length);
  return { a, b, ids };
}

const merge = (d: SyncDesk, mergedId: string, survivorId: string) => d.call('patients.merge', { mergedId, survivorId, reason: `Same person (${d.label})` });

/** Every patient, documents and links, identical at the hub and on each desk; returns the hub's links. */
async function expectIdentical(...ds: SyncDesk[]): Promise<Map<string, string | null>> {
  const h = await hubPatients(hub);
  for (const d of ds) expect(d.patients()).toEqual(h);
  return new Map(h.map((p) => [p.id, p.mergedInto]));
}

async function mergeConflicts(d: SyncDesk, status: 'open' | 'all' = 'open') {
  return (await d.call('sync.reviewItems', { status })).items.filter((i): i is Extract<ReviewItem, { type: 'merge-conflict' }> => i.type === 'merge-conflict');
}

const parkedMerges = (d: SyncDesk) => d.count('sync_parked', `WHERE reason = 'merge-refused'`);
const rejectedOutbox = (d: SyncDesk) =>
  d.app.store.db.prepare(`SELECT kind, entity_id, rejected_reason FROM outbox WHERE rejected_reason IS NOT NULL ORDER BY desk_seq`).all() as { kind: string; entity_id: string; rejected_reason: string }[];

describe('two desks merge the same record into different survivors offline (X into Y on A, X into Z on B)', () => {
  for (const first of ['A', 'B'] as const) {
    it(`desk ${first} reaches the hub first: its merge stands, the other is refused, every desk ends with the hub's links and a review item is raised`, async () => {
      const { a, b, ids } = await setup(['X', 'Y', 'Z']);
      const { X, Y, Z } = ids as Record<'X' | 'Y' | 'Z', string>;
      await merge(a, X, Y);
      await merge(b, X, Z);
      const [winner, loser] = first === 'A' ? [a, b] : [b, a];
      const won = first === 'A' ? Y : Z;
      const lost = first === 'A' ? Z : Y;
      await winner.sync();
      await loser.sync();
      await converge([a, b]);

      const links = await expectIdentical(a, b);
      expect(links.get(X)).toBe(won);
      expect(links.get(won)).toBeNull();
      expect(links.get(lost)).toBeNull();
      // the refused desk knows its merge was refused; nothing is left parked on either desk
      expect(rejectedOutbox(loser)).toEqual([{ kind: 'patient.merged', entity_id: X, rejected_reason: 'data-error' }]);
      expect(rejectedOutbox(winner)).toEqual([]);
      expect(parkedMerges(a) + parkedMerges(b)).toBe(0);
      // both desks applied the hub's links (once each; on the winning desk it changed nothing)
      for (const d of [a, b]) {
        const rows = d.app.store.db.prepare(`SELECT detail FROM audit_log WHERE action = 'patient.links_synced' AND entity_id = ?`).all(X) as { detail: string }[];
        expect(rows).toHaveLength(1);
        const detail = JSON.parse(rows[0]!.detail) as { causeDeskId: string; changed: string[] };
        expect(detail.causeDeskId).toBe(loser.app.store.deskId);
        expect(detail.changed.length > 0).toBe(d === loser);
      }
      // the refused desk's record shows the hub's link, with its history
      const x = (await loser.call('patients.get', { id: X })).patient;
      expect(x.mergedInto).toBe(won);
      const hist = (await loser.call('patients.history', { id: X })).versions.map((v) => v.action);
      expect(hist.slice(0, 3)).toEqual(['merged-into', 'unmerged', 'merged-into']);

      const items = (await mergeConflicts(a)).filter((i) => i.mergedId === X);
      expect(items).toHaveLength(1);
      const item = items[0]!;
      expect(item).toMatchObject({ kind: 'patient.merged', deskId: loser.app.store.deskId, deskLabel: loser.label, survivorId: lost, status: 'open' });
      expect(item.message).toMatch(/already merged into another record/);
      expect(new Map(item.links.map((l) => [l.patientId, l.mergedInto]))).toEqual(new Map([[X, won], [won, null], [lost, null]]));

      // a supervisor closes it (kept); a second close changes nothing; it leaves the open list
      await b.call('sync.resolveReviewItem', { id: item.id, resolution: 'kept', note: 'The hub merge is right' });
      const closed = () => mergeConflicts(a, 'all').then((all) => all.find((i) => i.id === item.id));
      expect(await closed()).toMatchObject({ type: 'merge-conflict', status: 'resolved', resolution: { resolution: 'kept', note: 'The hub merge is right', deskId: b.app.store.deskId } });
      // a second close (another desk, another decision) keeps the first decision
      await a.call('sync.resolveReviewItem', { id: item.id, resolution: 'corrected', note: 'Other decision' });
      expect((await closed())?.resolution?.resolution).toBe('kept');
      expect((await mergeConflicts(a)).filter((i) => i.id === item.id)).toEqual([]);
      // a merge conflict is closed as kept or corrected only
      const bad = await a.raw('sync.resolveReviewItem', { id: (await openConflictFor(a, b)).id, resolution: 'not-duplicate', note: 'x' });
      expect(bad.ok).toBe(false);
    });
  }
});

/** Raises one more conflict (W into V on A, W into U on B) and returns its open item. */
async function openConflictFor(a: SyncDesk, b: SyncDesk) {
  const ps: string[] = [];
  const families = ['Abernathy', 'Quintero', 'Fitzwilliam', 'Okonkwo', 'Zelenski', 'Haverford', 'Mbeki', 'Lindqvist', 'Sorensen'];
  for (const [i, g] of ['Walt', 'Vera', 'Ursula'].entries()) {
    ps.push((await a.call('patients.register', { patient: minimalPatient(g, families[(n * 3 + i) % families.length]!, `193${i}-0${n % 9 || 1}-2${i}`, 'male') })).patient.id);
  }
  await converge([a, b]);
  await merge(a, ps[0]!, ps[1]!);
  await merge(b, ps[0]!, ps[2]!);
  await converge([a, b]);
  return (await mergeConflicts(a)).find((i) => i.mergedId === ps[0])!;
}

describe('a merge on one desk makes a chain with a merge on the other (A: X into Y; B: Y into W)', () => {
  for (const first of ['A', 'B'] as const) {
    it(`desk ${first} reaches the hub first: no chain anywhere, every desk holds the hub's links, a review item is raised`, async () => {
      const { a, b, ids } = await setup(['X', 'Y', 'W']);
      const { X, Y, W } = ids as Record<'X' | 'Y' | 'W', string>;
      await merge(a, X, Y);
      await merge(b, Y, W);
      const [winner, loser] = first === 'A' ? [a, b] : [b, a];
      await winner.sync();
      await loser.sync();
      await converge([a, b]);

      const links = await expectIdentical(a, b);
      if (first === 'A') {
        expect([links.get(X), links.get(Y), links.get(W)]).toEqual([Y, null, null]);
      } else {
        expect([links.get(X), links.get(Y), links.get(W)]).toEqual([null, W, null]);
      }
      // never a chain: no survivor is itself merged
      for (const [, into] of links) if (into) expect(links.get(into)).toBeNull();
      expect(rejectedOutbox(loser)).toHaveLength(1);
      expect(parkedMerges(a) + parkedMerges(b)).toBe(0);

      const item = (await mergeConflicts(b)).find((i) => i.deskId === loser.app.store.deskId && (i.mergedId === X || i.mergedId === Y));
      expect(item).toBeDefined();
      expect(item!.message).toMatch(first === 'A' ? /other records are merged into the merged record/ : /surviving record is itself merged/);
      expect(new Set(item!.links.map((l) => l.patientId))).toEqual(new Set([X, Y, W]));
      await a.call('sync.resolveReviewItem', { id: item!.id, resolution: 'corrected', note: 'Checked both records' });
      expect((await mergeConflicts(a, 'all')).find((i) => i.id === item!.id)).toMatchObject({ status: 'resolved', resolution: { resolution: 'corrected' } });
    });
  }
});

describe('the refused desk kept working on the same records before it could sync', () => {
  it('its later undo of the refused merge is refused too (the hub merge stays) and its later merge of another record stands: hub and desks equal', async () => {
    const { a, b, ids } = await setup(['X', 'Y', 'Z', 'M']);
    const { X, Y, Z, M } = ids as Record<'X' | 'Y' | 'Z' | 'M', string>;
    await merge(a, X, Y);
    await merge(b, X, Z);
    await b.call('patients.unmerge', { mergedId: X, reason: 'Undo my own merge' });
    await merge(b, Z, M);
    await a.sync();
    await b.sync();
    await converge([a, b]);
    const links = await expectIdentical(a, b);
    expect([links.get(X), links.get(Y), links.get(Z), links.get(M)]).toEqual([Y, null, M, null]);
    expect(rejectedOutbox(b).map((r) => r.kind)).toEqual(['patient.merged', 'patient.unmerged']);
    const items = (await mergeConflicts(a)).filter((i) => i.mergedId === X);
    expect(items.map((i) => i.kind).sort()).toEqual(['patient.merged', 'patient.unmerged']);
    expect(parkedMerges(a) + parkedMerges(b)).toBe(0);
  });

  it('a desk that pulls the same links twice (idempotent) changes nothing the second time', async () => {
    const { a, b, ids } = await setup(['X', 'Y', 'Z']);
    const { X, Y, Z } = ids as Record<'X' | 'Y' | 'Z', string>;
    await merge(a, X, Y);
    await merge(b, X, Z);
    await a.sync();
    const cursor = () => (b.app.store.db.prepare(`SELECT value FROM meta WHERE key = 'sync.cursor'`).get() as { value: string }).value;
    const from = cursor();
    await b.sync();
    await converge([a, b]);
    const before = b.count('patient_versions');
    const linkAudits = () => b.count('audit_log', `WHERE action = 'patient.links_synced' AND entity_id = '${X}'`);
    expect(linkAudits()).toBe(1);
    // pull A's merge, B's rejected echo and the hub's links again
    b.app.store.db.prepare(`UPDATE meta SET value = ? WHERE key = 'sync.cursor'`).run(from);
    await b.sync();
    expect(Number(cursor())).toBeGreaterThan(Number(from));
    expect(linkAudits()).toBe(2);
    expect(b.count('patient_versions')).toBe(before);
    await expectIdentical(a, b);
    expect((await b.call('patients.get', { id: X })).patient.mergedInto).toBe(Y);
    expect((await b.call('patients.get', { id: Z })).patient.mergedInto).toBeNull();
  });
});

describe('patient.links is the hub’s alone', () => {
  it('a desk parks a patient.links change that is not hub-authored, and one that does not parse; nothing changes', async () => {
    const { a, ids } = await setup(['X', 'Y']);
    const { X, Y } = ids as Record<'X' | 'Y', string>;
    const change = (deskId: string, payload: unknown): Change => ({
      serverSeq: 1, opId: newId(), deskId, epoch: 1, kind: PATIENT_LINKS_KIND, entityId: X, payload, hlc: '000000000000000-0000-hub', schemaVersion: 1,
    });
    const payload = { links: [{ patientId: X, mergedInto: Y }], seen: [], causeOpId: newId(), causeDeskId: newId(), reviewItemId: newId() };
    const before = a.count('patient_versions');
    const outcomes = a.app.store.remote((tx) => [
      applyPatientLinks(tx, change(a.app.store.deskId, payload), remoteActor('x')).outcome,
      applyPatientLinks(tx, change(HUB_AUTHOR_DESK_ID, { ...payload, links: 'all' }), remoteActor('hub')).outcome,
    ]);
    expect(outcomes).toEqual([{ parked: 'invalid-payload' }, { parked: 'invalid-payload' }]);
    expect(a.count('patient_versions')).toBe(before);
    expect((await a.call('patients.get', { id: X })).patient.mergedInto).toBeNull();
    // the same links from the hub apply
    const ok = a.app.store.remote((tx) => applyPatientLinks(tx, change(HUB_AUTHOR_DESK_ID, payload), remoteActor('hub')));
    expect(ok).toEqual({ outcome: 'applied', changed: [X, Y] });
    expect((await a.call('patients.get', { id: X })).patient.mergedInto).toBe(Y);
  });
});

describe('three desks, three conflicting merges made offline (A: X into Y, B: X into Z, C: Y into W), every push order', () => {
  const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] as const;
  for (const order of orders) {
    it(`pushes in order ${order.map((i) => 'ABC'[i]).join(', ')}: hub and all three desks hold the same links, no chain, nothing parked`, async () => {
      const { a, b, ids } = await setup(['X', 'Y', 'Z', 'W']);
      const c = await enrolledDesk(hub, `Conflict C${n}`);
      desks.push(c);
      await converge([a, b, c]);
      const { X, Y, Z, W } = ids as Record<'X' | 'Y' | 'Z' | 'W', string>;
      await merge(a, X, Y);
      await merge(b, X, Z);
      await merge(c, Y, W);
      const ds = [a, b, c];
      for (const i of order) await ds[i]!.sync();
      await converge(ds);
      const links = await expectIdentical(a, b, c);
      for (const [, into] of links) if (into) expect(links.get(into)).toBeNull();
      // the first desk's merge always stands
      const first = [[X, Y], [X, Z], [Y, W]][order[0]]!;
      expect(links.get(first[0]!)).toBe(first[1]);
      expect(parkedMerges(a) + parkedMerges(b) + parkedMerges(c)).toBe(0);
      const refused = ds.reduce((s, d) => s + rejectedOutbox(d).length, 0);
      const items = (await mergeConflicts(a)).filter((i) => [X, Y].includes(i.mergedId) && ds.some((d) => d.app.store.deskId === i.deskId));
      expect(items).toHaveLength(refused);
      expect(refused).toBeGreaterThanOrEqual(1);
    });
  }
});

describe('a merge and its undo on one desk, a conflicting merge of the same record made offline on another', () => {
  // Found by the fault suite's merges: B's pull of A's undo (patient.unmerged) named no survivor, so B undid its OWN
  // merge X into Z while the hub (which took B's merge after A's undo) kept it, and A's merge, parked on B as
  // 'merge-refused', was never settled. The undo now names its survivor (electron/patients/merge.ts applyMergeUnlink)
  // and settles the parked merge it undoes (electron/sync/apply.ts).
  it('A merges X into Y and undoes it, B merged X into Z offline: hub and desks hold X into Z, nothing parked', async () => {
    const { a, b, ids } = await setup(['X', 'Y', 'Z']);
    const { X, Y, Z } = ids as Record<'X' | 'Y' | 'Z', string>;
    await merge(a, X, Y);
    await a.call('patients.unmerge', { mergedId: X, reason: 'Not the same person' });
    await a.sync();
    await merge(b, X, Z);
    // B pushes its merge (the hub holds X unlinked again: it takes it), then pulls A's merge (parked: B holds X into
    // Z) and A's undo of X into Y, which must leave B's own X into Z alone
    await b.sync();
    await converge([a, b]);
    const links = await expectIdentical(a, b);
    expect([links.get(X), links.get(Y), links.get(Z)]).toEqual([Z, null, null]);
    expect(rejectedOutbox(a)).toEqual([]);
    expect(rejectedOutbox(b)).toEqual([]);
    expect(a.count('sync_parked') + b.count('sync_parked')).toBe(0);
  });
});
