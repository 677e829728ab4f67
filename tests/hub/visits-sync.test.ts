/**
 * Visits sync with a real hub (PGlite, or PostgreSQL with HUB_TEST_DATABASE_URL) and real desks (real SQLite, real
 * dispatcher): directory and appointments reach other desks; the state machine is validated at the hub (a broken
 * transition pushed raw is refused with a clear message); concurrent offline transitions on two desks converge to the
 * SAME state on the hub and every desk, in both push orders, with the refused clerk action visible on every board;
 * appointments authored by the hub (schedule feeds) reach a desk's board.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncDesk, converge, enrolledDesk, startTestHub, type TestHub } from '../support/hub.js';
import { COVERAGE, checkInInput, dayOf, patientFor, visitDirectory } from '../support/visits.js';
import { enrollDesk, OpMaker, rejectedEchoes } from './support.js';
import { canonicalJson } from '../../shared/sync/patient-merge.js';
import { authorAppointmentOp, hubAppointmentByExternalId, hubDirectoryByCode } from '../../hub/visits/apply.js';
import { bookedPayload, cancelledPayload, feedStamp, newAppointment, VISIT_OP_KINDS } from '../../shared/sync/visits.js';
import { newId } from '../../shared/ids.js';
import { RejectOp } from '../../hub/errors.js';
import { ChangeNotifier, onChangesCommitted } from '../../hub/notify.js';
import type { Department, Provider, AppointmentType } from '../../shared/domain/visit.js';

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
/** A patient with a name of its own (the hub is shared by the tests: same-name patients would be likely duplicates). */
const unique = (over: Parameters<typeof patientFor>[1] = {}) => {
  n++;
  const fam = ['Abernathy', 'Blackwood', 'Castellanos', 'Delacroix', 'Everhart', 'Fairweather'][n % 6]!;
  return { name: { given: `Ines${'abcdefgh'[n % 8]}`, family: `${fam}${'xyzw'[n % 4]}` }, birthDate: `19${60 + n}-0${1 + (n % 8)}-1${n % 9}`, phones: [], email: '', ...over };
};

async function twoDesks(a: string, b: string) {
  const A = await enrolledDesk(hub, a);
  const B = await enrolledDesk(hub, b);
  desks.push(A, B);
  const dir = await visitDirectory(A);
  await converge([A, B]);
  return { A, B, dir };
}

function deskDoc(d: SyncDesk, id: string): string {
  const r = d.app.store.db.prepare('SELECT doc FROM visit_appointments WHERE id = ?').get(id) as { doc: string } | undefined;
  return r ? canonicalJson(JSON.parse(r.doc)) : 'missing';
}

async function hubDoc(id: string): Promise<string> {
  const r = await hub.db.query<{ doc: string }>('SELECT doc FROM visit_appointments WHERE id = $1', [id]);
  return r.rows[0] ? canonicalJson(JSON.parse(r.rows[0].doc)) : 'missing';
}

async function bookOn(d: SyncDesk, dir: Awaited<ReturnType<typeof visitDirectory>>, patientId: string) {
  const start = new Date(Date.now() + 3600_000).toISOString();
  return (await d.call('visits.book', { patientId, departmentId: dir.department.id, providerId: dir.provider.id, typeId: dir.followUp.id, start })).appointment;
}

describe('visits sync', () => {
  it('directory and a booking made on desk A appear on desk B’s board; hub holds the same state', async () => {
    const { A, B, dir } = await twoDesks('Visits A1', 'Visits B1');
    const dirB = await B.call('visits.directory', {});
    expect(dirB.providers.map((p) => p.displayName)).toEqual(['Dr. Maria Lopez']);
    expect(await hubDirectoryByCode<Provider>(hub.db, 'provider', 'lopez')).toMatchObject({ id: dir.provider.id });

    const p = await patientFor(A, unique());
    const appt = await bookOn(A, dir, p.id);
    await A.call('visits.checkIn', { id: appt.id, checkIn: checkInInput() });
    const seen: unknown[] = [];
    B.app.dispatcher.onEvent((e, p) => void (e === 'visits.changed' && seen.push(p)));
    await converge([A, B]);
    // B's board refreshes live: the sync pull emitted visits.changed for the appointment
    expect(seen).toContainEqual({ ids: [appt.id], businessDates: [dayOf(appt.start)] });
    const board = await B.call('visits.board', { businessDate: dayOf(appt.start) });
    expect(board.rows.map((r) => [r.id, r.status, r.patientName])).toEqual([[appt.id, 'arrived', `${p.name.family}, ${p.name.given}`]]);
    expect(deskDoc(B, appt.id)).toBe(deskDoc(A, appt.id));
    expect(await hubDoc(appt.id)).toBe(deskDoc(A, appt.id));

    // an administrator deactivates a provider on B: latest by HLC on A
    await B.call('visits.saveProvider', { id: dir.provider.id, provider: { displayName: 'Dr. Maria Lopez', code: 'LOPEZ', npi: '', departmentIds: [], active: false } });
    await converge([A, B]);
    expect((await A.call('visits.directory', {})).providers[0]!.active).toBe(false);
  });

  for (const first of ['cancel', 'check-in'] as const) {
    it(`desk A cancels while offline desk B checks the same appointment in (${first} reaches the hub first): everyone ends with the same state, the refused action is on every board, B's consent is kept`, async () => {
      const { A, B, dir } = await twoDesks(`Cxl A ${first}`, `Chk B ${first}`);
      const p = await patientFor(A, unique({ coverages: [COVERAGE] }));
      const appt = await bookOn(A, dir, p.id);
      await converge([A, B]);

      // both offline (no sync): A cancels, B checks in with a consent captured
      await A.call('visits.cancel', { id: appt.id, reason: { code: 'patient-request', note: '' } });
      await B.call('visits.checkIn', {
        id: appt.id,
        checkIn: checkInInput({ consentsCaptured: [{ type: 'treatment', version: '3.2', signer: 'Ines Castellanos', signerRelationship: 'self' }] }),
      });
      const order = first === 'cancel' ? [A, B] : [B, A];
      for (const d of order) await d.sync();
      await converge([A, B]);

      const h = await hubDoc(appt.id);
      expect(deskDoc(A, appt.id)).toBe(h);
      expect(deskDoc(B, appt.id)).toBe(h);
      const state = JSON.parse(h) as { status: string; syncConflict: { message: string; deskLabel: string } | null };
      const [winner, loser] = first === 'cancel' ? ['cancelled', B.label] : ['arrived', A.label];
      expect(state.status).toBe(winner);
      expect(state.syncConflict?.deskLabel).toBe(loser);
      const expected =
        first === 'cancel'
          ? new RegExp(`^${B.label}: check-in refused by the hub\\. Cannot check in this appointment: it was cancelled at \\d\\d:\\d\\d by Admin ${A.label} at ${A.label}; reinstate it first\\.$`)
          : new RegExp(`^${A.label}: cancellation refused by the hub\\. Cannot cancel this appointment: it is checked in already at \\d\\d:\\d\\d by Admin ${B.label} at ${B.label}; undo the arrival first\\.$`);
      expect(state.syncConflict?.message).toMatch(expected);
      for (const d of [A, B]) {
        const row = (await d.call('visits.board', { businessDate: dayOf(appt.start) })).rows.find((r) => r.id === appt.id)!;
        expect(row.status).toBe(winner);
        expect(row.flags.syncConflict).toMatch(expected);
      }
      const conflicts = await hub.db.query<{ kind: string; status: string }>('SELECT kind, status FROM visit_conflicts WHERE appointment_id = $1', [appt.id]);
      expect(conflicts.rows).toEqual([{ kind: first === 'cancel' ? 'appointment.arrived' : 'appointment.cancelled', status: 'open' }]);
      // nothing the clerk did is silently lost: B's consent (a patient change) synced everywhere
      for (const d of [A, B]) expect((await d.call('patients.get', { id: p.id })).patient.consents.map((c) => c.type)).toEqual(['treatment']);
      // the desk whose action was refused has it on its audit trail
      const refusedOn = first === 'cancel' ? B : A;
      expect(refusedOn.count('audit_log', `WHERE action = 'appointment.sync_refused' AND entity_id = '${appt.id}'`)).toBe(1);
      // nothing parked, nothing rejected
      for (const d of [A, B]) {
        expect(d.count('sync_parked')).toBe(0);
        expect(d.count('outbox', 'WHERE rejected_reason IS NOT NULL')).toBe(0);
      }

      // a supervisor sees it in the review queue (any desk), keeps the hub's state, and the note leaves every board
      const items = (await A.call('sync.reviewItems', { status: 'open' })).items.filter((i) => i.type === 'appointment-conflict' && i.appointmentId === appt.id);
      expect(items).toHaveLength(1);
      const item = items[0]!;
      if (item.type !== 'appointment-conflict') throw new Error('unreachable');
      expect(item).toMatchObject({ patientId: p.id, appointmentStatus: winner, deskLabel: loser, start: appt.start });
      expect(item.message).toMatch(expected);
      // a duplicate's resolution does not fit this item: refused, naming the ones that do
      await expect(A.call('sync.resolveReviewItem', { id: item.id, resolution: 'merged', note: 'x' })).rejects.toThrow(/kept or corrected/);
      // closing it publishes a hub-authored snapshot: a desk waiting for changes is woken by the server's event
      // (a notifier that polls once an hour: only the event can answer)
      await hub.service.settle();
      const headBefore = await hub.service.headSeq();
      const notifier = new ChangeNotifier({ headSeq: () => hub.service.headSeq(), pollMs: 3_600_000 });
      const off = onChangesCommitted(hub.service.db, () => notifier.changed());
      const woken = notifier.wait('desk-waiting', headBefore, 60_000);
      await A.call('sync.resolveReviewItem', { id: item.id, resolution: 'kept', note: 'The hub state is right' });
      try {
        expect(await woken).toBeGreaterThan(headBefore);
      } finally {
        off();
        notifier.close();
      }
      await converge([A, B]);
      const after = await hubDoc(appt.id);
      expect((JSON.parse(after) as { syncConflict: unknown; status: string })).toMatchObject({ syncConflict: null, status: winner });
      for (const d of [A, B]) {
        expect(deskDoc(d, appt.id)).toBe(after);
        const row = (await d.call('visits.board', { businessDate: dayOf(appt.start) })).rows.find((r) => r.id === appt.id)!;
        expect(row.flags.syncConflict ?? null).toBeNull();
      }
      expect((await hub.db.query<{ status: string }>('SELECT status FROM visit_conflicts WHERE appointment_id = $1', [appt.id])).rows).toEqual([{ status: 'resolved' }]);
      // the decision is on record for every desk
      const again = await B.call('sync.reviewItems', { status: 'all' });
      expect(again.items.find((i) => i.id === item.id)?.resolution?.resolution).toBe('kept');
    });
  }

  it('concurrent compatible changes both survive (A changes the note and provider, B checks in and rooms); a desk’s own unseen ops stay visible over older snapshots', async () => {
    const { A, B, dir } = await twoDesks('Mix A', 'Mix B');
    const { provider: p2 } = await A.call('visits.saveProvider', { provider: { displayName: 'Dr. Sam Chen', code: 'CHEN', npi: '', departmentIds: [], active: true } });
    const p = await patientFor(A, unique());
    const appt = await bookOn(A, dir, p.id);
    await converge([A, B]);
    await A.call('visits.modify', { id: appt.id, note: 'Interpreter: Spanish', providerId: p2.id });
    await B.call('visits.checkIn', { id: appt.id, checkIn: checkInInput() });
    await B.call('visits.room', { id: appt.id });
    await A.sync();
    await B.sync(); // pushes arrival + rooming, then pulls A's change and its snapshot (which has not seen B's ops)
    const mid = JSON.parse(deskDoc(B, appt.id)) as { status: string; note: string };
    expect(mid).toMatchObject({ status: 'roomed', note: 'Interpreter: Spanish' });
    await converge([A, B]);
    const h = await hubDoc(appt.id);
    expect(JSON.parse(h)).toMatchObject({ status: 'roomed', note: 'Interpreter: Spanish', providerId: p2.id, syncConflict: null });
    expect(deskDoc(A, appt.id)).toBe(h);
    expect(deskDoc(B, appt.id)).toBe(h);
  });

  it('the hub validates the state machine: a broken transition pushed raw is refused with a clear message; desks cannot push snapshots', async () => {
    const d = await enrollDesk(hub, 'Raw desk');
    const m = new OpMaker(d.deskId);
    const dep = newId();
    const a = newAppointment({ id: newId(), patientId: newId(), departmentId: dep, providerId: newId(), typeId: newId(), start: '2026-01-05T15:00:00.000Z', durationMin: 15, now: '2026-01-05T09:00:00.000Z' });
    const stamp = { at: '2026-01-05T09:00:00.000Z', byUserName: 'Raw', deskLabel: 'Raw desk' };
    const booked = m.op(VISIT_OP_KINDS.booked, a.id, bookedPayload(a, stamp));
    const forged = m.op(VISIT_OP_KINDS.checkedOut, a.id, { id: a.id, from: 'scheduled', at: stamp.at, stamp });
    const unknown = m.op(VISIT_OP_KINDS.roomed, newId(), { id: 'x', from: 'arrived', at: stamp.at, stamp });
    const ghost = newId();
    const unknownAppt = m.op(VISIT_OP_KINDS.noShow, ghost, { id: ghost, from: 'scheduled', stamp });
    const snap = m.op(VISIT_OP_KINDS.state, a.id, { appointment: a, seen: {}, conflict: null, causeOpId: booked.opId });
    const again = m.op(VISIT_OP_KINDS.booked, a.id, bookedPayload(a, stamp));
    const r = await d.client.push({ deskId: d.deskId, epoch: 1, ops: [booked, forged, unknown, unknownAppt, snap, again] });
    expect(r.ackedSeq).toBe(again.seq);
    expect(r.rejected).toEqual([]); // acknowledged once logged: the rejections come back as rejected echoes
    expect((await rejectedEchoes(hub, d, [booked, forged, unknown, unknownAppt, snap, again])).map((x) => [x.opId, x.reason, x.message])).toEqual([
      [forged.opId, 'invalid-payload', 'appointment.checked_out: "check-out" is not a legal transition from "scheduled"'],
      [unknown.opId, 'invalid-payload', 'appointment.roomed payload: id: id must be a UUID'],
      [unknownAppt.opId, 'unknown-entity', 'appointment.no_show for an appointment the hub does not hold'],
      [snap.opId, 'invalid-payload', 'appointment.state is written by the hub only'],
      [again.opId, 'foreign-entity', 'An appointment with this id is already at the hub'],
    ]);
    // the accepted booking is followed by the hub's snapshot in the feed
    const page = await d.client.pull(0, 1000);
    const mine = page.changes.filter((c) => c.entityId === a.id && !c.rejected).map((c) => c.kind);
    expect(mine).toEqual([VISIT_OP_KINDS.booked, VISIT_OP_KINDS.state]);
  });

  it('an appointment authored by the hub (schedule feed, pending patient) reaches a desk’s board; an illegal feed change is refused and writes nothing', async () => {
    const { A, dir } = await twoDesks('Feed A', 'Feed B');
    const dep = await hubDirectoryByCode<Department>(hub.db, 'department', 'FM');
    const typ = await hubDirectoryByCode<AppointmentType>(hub.db, 'appointment_type', 'FU');
    expect(dep?.id).toBe(dir.department.id);
    const start = new Date(Date.now() + 2 * 3600_000).toISOString();
    const a = newAppointment({
      id: newId(),
      patientId: null,
      pendingPatient: { given: 'Ana', family: 'Feedwell', birthDate: '1990-02-03', externalPatientId: 'EPIC123' },
      departmentId: dep!.id,
      providerId: dir.provider.id,
      typeId: typ!.id,
      start,
      durationMin: 15,
      source: 'hl7',
      externalId: 'SCH-42',
      now: new Date().toISOString(),
    });
    await hub.db.write((tx) => authorAppointmentOp(tx, { kind: VISIT_OP_KINDS.booked, entityId: a.id, payload: bookedPayload(a, feedStamp('HL7 feed')) }));
    expect((await hubAppointmentByExternalId(hub.db, 'hl7', 'SCH-42'))?.id).toBe(a.id);
    await A.sync();
    const row = (await A.call('visits.board', { businessDate: dayOf(start) })).rows.find((r) => r.id === a.id)!;
    expect(row).toMatchObject({ patientName: 'Feedwell, Ana', pendingPatient: true, source: 'hl7', status: 'scheduled', birthDate: '1990-02-03' });

    // the desk marks it no-show; the feed then tries to cancel it: refused (RejectOp), nothing recorded
    await A.call('visits.noShow', { id: a.id });
    await A.sync();
    const head = await hub.db.query<{ n: unknown }>('SELECT COUNT(*) n FROM changes');
    const err = await hub.db
      .write((tx) => authorAppointmentOp(tx, { kind: VISIT_OP_KINDS.cancelled, entityId: a.id, payload: cancelledPayload(a.id, 'scheduled', { code: 'feed', note: '' }, feedStamp('HL7 feed')) }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectOp);
    expect((err as RejectOp).message).toMatch(/^Cannot cancel this appointment: it was marked as a no-show at \d\d:\d\d by Admin Feed A at Feed A; reinstate it first\.$/);
    const head2 = await hub.db.query<{ n: unknown }>('SELECT COUNT(*) n FROM changes');
    expect(Number(head2.rows[0]!.n)).toBe(Number(head.rows[0]!.n));
  });
});
