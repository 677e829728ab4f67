/**
 * Visits commands through the real dispatcher on a real SQLite file: directory (administrator only), book, reschedule,
 * modify, cancel, no-show, walk-in, check-in with its record (patient changes in the same command), room, check-out,
 * undo transitions, payment link, board and check-in context; illegal transitions and bad input refused with clear
 * messages and nothing written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk, middayClock } from '../support/desk.js';
import { COVERAGE, bookSoon, checkInInput, dayOf, patientFor, visitDirectory } from '../support/visits.js';
import { verifyAuditChain } from '../../electron/audit/chain.js';
import { businessDate } from '../../shared/dates.js';

let desk: TestDesk;
// "a few minutes from now" must be today whatever the hour the test runs: the desk's clock reads midday
const clock = middayClock();
let dir: Awaited<ReturnType<typeof visitDirectory>>;
const events: { event: string; payload: unknown }[] = [];

beforeEach(async () => {
  desk = new TestDesk(undefined, { clock });
  await desk.setup();
  dir = await visitDirectory(desk);
  events.length = 0;
  desk.app.dispatcher.onEvent((event, payload) => events.push({ event, payload }));
});
afterEach(() => desk.destroy());

function outboxKinds(): string[] {
  return (desk.app.store.db.prepare('SELECT kind FROM outbox ORDER BY desk_seq').all() as { kind: string }[]).map((r) => r.kind);
}

/** Row counts of the tables a visits command writes (to prove "nothing written"). */
function counts() {
  return ['visit_appointments', 'outbox', 'audit_log', 'patient_versions', 'visit_address_confirmations', 'visit_directory'].map((t) => desk.count(t));
}

describe('directory', () => {
  it('administrator creates and deactivates; a clerk may read but not manage; codes are unique; inactive entries cannot be booked', async () => {
    const all = await desk.call('visits.directory', {});
    expect(all.departments.map((d) => d.code)).toEqual(['FM']);
    expect(all.types.map((t) => t.code).sort()).toEqual(['FU', 'LAB']);
    expect(outboxKinds().filter((k) => k.endsWith('.upserted') && !k.startsWith('user'))).toEqual(['department.upserted', 'provider.upserted', 'appointment_type.upserted', 'appointment_type.upserted']);

    const dup = await desk.raw('visits.saveDepartment', { department: { name: 'Other', code: 'fm', active: true } });
    expect(dup).toMatchObject({ ok: false, error: { code: 'CONFLICT', fields: { code: 'Code already in use' } } });

    await desk.call('users.create', { username: 'clerk1', displayName: 'Cleo Clerk', role: 'clerk', password: 'clerk password 1' });
    await desk.call('session.signIn', { username: 'clerk1', password: 'clerk password 1' }, 'clerk');
    expect((await desk.call('visits.directory', {}, 'clerk')).providers).toHaveLength(1);
    const before = counts();
    const r = await desk.raw('visits.saveDepartment', { department: { name: 'Cardiology', code: 'CARD', active: true } }, 'clerk');
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(counts()).toEqual(before);

    const { provider } = await desk.call('visits.saveProvider', { id: dir.provider.id, provider: { displayName: 'Dr. Maria Lopez', code: 'LOPEZ', npi: '', departmentIds: [], active: false } });
    expect(provider.active).toBe(false);
    const p = await patientFor(desk);
    const refused = await desk.raw('visits.book', { patientId: p.id, departmentId: dir.department.id, providerId: dir.provider.id, typeId: dir.followUp.id, start: new Date(clock.nowMs()).toISOString() });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'This provider is no longer active.', fields: { providerId: 'This provider is no longer active' } } });
    expect(events.some((e) => e.event === 'visits.directoryChanged')).toBe(true);
  });
});

describe('appointments', () => {
  it('book -> board row with flags; check-in with coverage verified, consent captured, address confirmed in ONE command; room; check out', async () => {
    const p = await patientFor(desk, { coverages: [COVERAGE] });
    const a = await bookSoon(desk, dir, p.id, 60, undefined, clock.nowMs());
    expect(a).toMatchObject({ status: 'scheduled', durationMin: 15, source: 'desk', walkIn: false, patientId: p.id });
    expect(events).toContainEqual({ event: 'visits.changed', payload: { ids: [a.id], businessDates: [dayOf(a.start)] } });

    const board = await desk.call('visits.board', { businessDate: dayOf(a.start) });
    expect(board.rows).toHaveLength(1);
    expect(board.rows[0]).toMatchObject({
      id: a.id,
      patientName: 'Gonzalez, Maria',
      birthDate: '1984-03-12',
      mrn: p.mrn,
      providerName: 'Dr. Maria Lopez',
      departmentName: 'Family Medicine',
      typeName: 'Follow-up',
      status: 'scheduled',
      waitMinutes: null,
      flags: { identityNotVerified: false, consentMissing: true, coverageStale: true, copay: 'due', copayDueCents: 2500, syncConflict: null },
    });

    const got = await desk.call('visits.get', { id: a.id });
    expect(got.context.copay).toEqual({ dueCents: 2500, source: 'type-default' });
    expect(got.context.consentsDue.map((c) => [c.type, c.reason])).toEqual([
      ['treatment', 'missing'],
      ['hipaa-notice', 'missing'],
      ['financial-policy', 'missing'],
    ]);
    expect(got.context.staleCoverages).toEqual([{ rank: 1, payerName: 'Blue Cross', lastVerifiedAt: '2020-01-01', reason: 'verified-long-ago' }]);
    expect(got.context.primaryCoverageLastVerifiedAt).toBe('2020-01-01');

    const out = await desk.call('visits.checkIn', {
      id: a.id,
      checkIn: checkInInput({
        addressConfirmed: true,
        coverageVerifiedRanks: [1],
        consentsCaptured: [
          { type: 'treatment', version: '3.2', signer: 'Maria Gonzalez', signerRelationship: 'self' },
          { type: 'hipaa-notice', version: '2024-1', signer: 'Maria Gonzalez', signerRelationship: 'self' },
          { type: 'financial-policy', version: '3.2', signer: 'Maria Gonzalez', signerRelationship: 'self' },
        ],
        copay: { decision: 'collect', dueCents: 2500 },
      }),
    });
    expect(out.appointment.status).toBe('arrived');
    expect(out.appointment.arrivedAt).toBeTruthy();
    expect(out.appointment.checkIn).toMatchObject({ identity: { verified: true, dobReadBack: true }, copay: { decision: 'collect', dueCents: 2500 }, byUserName: 'Ada Admin', deskLabel: 'Front desk 1' });
    expect(out.patientVersion).toBe(2);
    const today = businessDate('America/Chicago');
    const patient = (await desk.call('patients.get', { id: p.id })).patient;
    expect(patient.coverages[0]!.lastVerifiedAt).toBe(today);
    expect(patient.consents.map((c) => [c.type, c.signedOn])).toEqual([
      ['treatment', today],
      ['hipaa-notice', today],
      ['financial-policy', today],
    ]);
    // one command: the patient change and the arrival, in this order, in the outbox
    expect(outboxKinds().slice(-2)).toEqual(['patient.updated', 'appointment.arrived']);
    expect(events).toContainEqual({ event: 'patients.changed', payload: { id: p.id, version: 2 } });

    const after = await desk.call('visits.get', { id: a.id });
    expect(after.context.consentsDue).toEqual([]);
    expect(after.context.staleCoverages).toEqual([]);
    expect(after.context.address).toEqual({ stale: false, reason: null, confirmedOn: today });
    const row = (await desk.call('visits.board', { businessDate: dayOf(a.start) })).rows[0]!;
    expect(row.flags).toMatchObject({ consentMissing: false, coverageStale: false, copay: 'collect', identityNotVerified: false });
    expect(row.waitMinutes).toBe(0);

    await desk.call('visits.linkPayment', { id: a.id, paymentId: 'pay-1' });
    expect((await desk.call('visits.board', { businessDate: dayOf(a.start) })).rows[0]!.flags.copay).toBe('collected');

    const roomed = await desk.call('visits.room', { id: a.id });
    expect(roomed.appointment).toMatchObject({ status: 'roomed' });
    const done = await desk.call('visits.checkOut', { id: a.id });
    expect(done.appointment.status).toBe('checked-out');
    expect(done.appointment.roomedAt && done.appointment.checkedOutAt && done.appointment.arrivedAt).toBeTruthy();
    expect(verifyAuditChain(desk.app.store.db).ok).toBe(true);
  });

  it('identity not verified needs a reason; refused input writes nothing; with a reason the board flags it', async () => {
    const p = await patientFor(desk);
    const a = await bookSoon(desk, dir, p.id, 60, undefined, clock.nowMs());
    const before = counts();
    const r = await desk.raw('visits.checkIn', { id: a.id, checkIn: checkInInput({ identity: { dobReadBack: false, photoIdSeen: false, notVerifiedReason: '' } }) });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { 'checkIn.identity.notVerifiedReason': 'Identity not verified: say why (or confirm DOB / photo ID)' } } });
    expect(counts()).toEqual(before);
    // a coverage the patient does not have: refused whole (no patient change, no arrival)
    const r2 = await desk.raw('visits.checkIn', { id: a.id, checkIn: checkInInput({ coverageVerifiedRanks: [1] }) });
    expect(r2).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'The patient has no primary coverage to verify.' } });
    expect(counts()).toEqual(before);
    await desk.call('visits.checkIn', { id: a.id, checkIn: checkInInput({ identity: { dobReadBack: false, photoIdSeen: false, notVerifiedReason: 'Patient has no ID today' } }) });
    const row = (await desk.call('visits.board', { businessDate: dayOf(a.start) })).rows[0]!;
    expect(row.flags.identityNotVerified).toBe(true);
    // no patient change: the check-in wrote only the arrival
    expect(outboxKinds().at(-1)).toBe('appointment.arrived');
    expect(desk.count('patient_versions')).toBe(1);
  });

  it('cancel needs a reason; a cancelled appointment cannot be checked in (clear message) until reinstated; undo rules', async () => {
    const p = await patientFor(desk);
    const a = await bookSoon(desk, dir, p.id, 60, undefined, clock.nowMs());
    const before = counts();
    const noReason = await desk.raw('visits.cancel', { id: a.id, reason: { code: 'other', note: '' } });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { 'reason.note': 'Say why the appointment is cancelled' } } });
    expect(counts()).toEqual(before);

    const c = await desk.call('visits.cancel', { id: a.id, reason: { code: 'patient-request', note: '' } });
    expect(c.appointment).toMatchObject({ status: 'cancelled', cancelReason: { code: 'patient-request' } });
    const refused = await desk.raw('visits.checkIn', { id: a.id, checkIn: checkInInput() });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('CONFLICT');
      expect(refused.error.message).toMatch(/^Cannot check in this appointment: it was cancelled at \d\d:\d\d by Ada Admin at Front desk 1; reinstate it first\.$/);
    }
    expect(await desk.raw('visits.room', { id: a.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const re = await desk.call('visits.undo', { id: a.id, undo: 'reinstate', reason: 'Patient called back' });
    expect(re.appointment).toMatchObject({ status: 'scheduled', cancelReason: null });
    await desk.call('visits.checkIn', { id: a.id, checkIn: checkInInput() });
    expect(await desk.raw('visits.cancel', { id: a.id, reason: { code: 'patient-request', note: '' } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('undo the arrival first') },
    });
    expect(await desk.raw('visits.reschedule', { id: a.id, start: new Date(clock.nowMs()).toISOString() })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const undone = await desk.call('visits.undo', { id: a.id, undo: 'undo-arrival', reason: 'Checked in the wrong patient' });
    expect(undone.appointment).toMatchObject({ status: 'scheduled', arrivedAt: null, checkIn: null });
    expect(await desk.raw('visits.undo', { id: a.id, undo: 'undo-rooming', reason: 'x' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    await desk.call('visits.checkIn', { id: a.id, checkIn: checkInInput() });
    await desk.call('visits.checkOut', { id: a.id }); // arrived -> checked-out (never roomed)
    const back = await desk.call('visits.undo', { id: a.id, undo: 'undo-check-out', reason: 'Still with the nurse' });
    expect(back.appointment).toMatchObject({ status: 'arrived', checkedOutAt: null });
    const audit = desk.app.store.db.prepare(`SELECT action FROM audit_log WHERE entity_id = ? ORDER BY seq`).all(a.id) as { action: string }[];
    expect(audit.map((x) => x.action)).toEqual([
      'appointment.booked',
      'appointment.cancelled',
      'appointment.reinstate',
      'appointment.arrived',
      'appointment.undo_arrival',
      'appointment.arrived',
      'appointment.checked_out',
      'appointment.undo_check_out',
    ]);
  });

  it('no-show, reschedule, modify; walk-in is booked and arrived in one command', async () => {
    const p = await patientFor(desk);
    const a = await bookSoon(desk, dir, p.id, 30, undefined, clock.nowMs());
    const later = new Date(Date.parse(a.start) + 3600_000).toISOString();
    const moved = await desk.call('visits.reschedule', { id: a.id, start: later, durationMin: 30 });
    expect(moved.appointment).toMatchObject({ start: later, durationMin: 30 });
    const mod = await desk.call('visits.modify', { id: a.id, typeId: dir.lab.id, note: 'Fasting' });
    expect(mod.appointment).toMatchObject({ typeId: dir.lab.id, note: 'Fasting' });
    expect(await desk.raw('visits.modify', { id: a.id, note: 'Fasting' })).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'Nothing to change: the appointment already looks like this.' } });
    const ns = await desk.call('visits.noShow', { id: a.id });
    expect(ns.appointment).toMatchObject({ status: 'no-show', noShow: true });
    expect(await desk.raw('visits.modify', { id: a.id, note: 'x' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('reinstate it first') } });

    const n = desk.count('outbox');
    const w = await desk.call('visits.walkIn', { patientId: p.id, departmentId: dir.department.id, providerId: dir.provider.id, typeId: dir.followUp.id });
    expect(w.appointment).toMatchObject({ status: 'arrived', walkIn: true, checkIn: null });
    expect(desk.count('outbox') - n).toBe(2);
    expect(outboxKinds().slice(-2)).toEqual(['appointment.booked', 'appointment.arrived']);
    const forPatient = await desk.call('visits.forPatient', { patientId: p.id });
    expect(forPatient.appointments.map((x) => x.id).sort()).toEqual([a.id, w.appointment.id].sort());

    // arriveNow false (the desk's Alt+W): the walk-in is created scheduled "now" (one booked op), then the normal
    // check-in arrives it with its record
    const n2 = desk.count('outbox');
    const w2 = await desk.call('visits.walkIn', { patientId: p.id, departmentId: dir.department.id, providerId: dir.provider.id, typeId: dir.followUp.id, arriveNow: false });
    expect(w2.appointment).toMatchObject({ status: 'scheduled', walkIn: true, arrivedAt: null, checkIn: null });
    expect(Math.abs(Date.parse(w2.appointment.start) - clock.nowMs())).toBeLessThan(60_000);
    expect(desk.count('outbox') - n2).toBe(1);
    expect(outboxKinds().slice(-1)).toEqual(['appointment.booked']);
    const arrived = await desk.call('visits.checkIn', {
      id: w2.appointment.id,
      checkIn: { identity: { dobReadBack: true, photoIdSeen: false, notVerifiedReason: '' }, addressConfirmed: false, coverageVerifiedRanks: [], consentsCaptured: [], copay: { decision: 'not-collected', dueCents: 0, reason: 'no-copay', note: '' } },
    });
    expect(arrived.appointment).toMatchObject({ status: 'arrived', walkIn: true });
    expect(arrived.appointment.checkIn?.identity.verified).toBe(true);
    // a check-in record without the arrival is refused, nothing written
    const n3 = desk.count('outbox');
    const bad = await desk.raw('visits.walkIn', {
      patientId: p.id,
      departmentId: dir.department.id,
      providerId: dir.provider.id,
      typeId: dir.followUp.id,
      arriveNow: false,
      checkIn: { identity: { dobReadBack: true, photoIdSeen: false, notVerifiedReason: '' }, copay: { decision: 'not-collected', dueCents: 0, reason: 'no-copay', note: '' } },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(desk.count('outbox')).toBe(n3);
  });

  it('board filters by department, provider and status and sorts by time', async () => {
    const p = await patientFor(desk);
    const { department: dep2 } = await desk.call('visits.saveDepartment', { department: { name: 'Pediatrics', code: 'PED', active: true } });
    const now = clock.nowMs();
    const a1 = await bookSoon(desk, dir, p.id, 90, undefined, now);
    const a2 = await bookSoon(desk, dir, p.id, 30, undefined, now);
    const { appointment: a3 } = await desk.call('visits.book', { patientId: p.id, departmentId: dep2.id, providerId: dir.provider.id, typeId: dir.followUp.id, start: new Date(now + 60 * 60_000).toISOString() });
    const days = new Set([a1, a2, a3].map((a) => dayOf(a.start)));
    expect(days.size).toBe(1);
    const day = dayOf(a1.start);
    expect((await desk.call('visits.board', { businessDate: day })).rows.map((r) => r.id)).toEqual([a2.id, a3.id, a1.id]);
    expect((await desk.call('visits.board', { businessDate: day, departmentIds: [dep2.id] })).rows.map((r) => r.id)).toEqual([a3.id]);
    await desk.call('visits.checkIn', { id: a1.id, checkIn: checkInInput() });
    expect((await desk.call('visits.board', { businessDate: day, statuses: ['arrived'] })).rows.map((r) => r.id)).toEqual([a1.id]);
    expect((await desk.call('visits.board', { businessDate: day, providerIds: [dir.department.id] })).rows).toEqual([]);
  });
});
