/**
 * The appointment state machine (every action from every status), the reducer the desk and the hub share, the copay
 * rule, consents due and stale items.
 */
import { describe, expect, it } from 'vitest';
import { APPOINTMENT_STATUSES, type AppointmentStatus } from '../../shared/domain/visit.js';
import { EDITS, TRANSITIONS, isAllowed, nextStatus, refusal, type Action } from '../../shared/visits/state.js';
import { reduceAppointment } from '../../shared/visits/reduce.js';
import { arrivedPayload, bookedPayload, cancelledPayload, modifiedPayload, newAppointment, revertedPayload, roomedPayload, VISIT_OP_KINDS } from '../../shared/sync/visits.js';
import { copayDue } from '../../shared/visits/copay.js';
import { consentsDue, minusMonths, requiredConsentDue } from '../../shared/visits/consents.js';
import { addressStale, primaryCoverageStale, staleCoverages } from '../../shared/visits/stale.js';

/** The whole table: which action is legal from which status, and where each transition leads. */
const LEGAL: Record<Action, Partial<Record<AppointmentStatus, AppointmentStatus | 'same'>>> = {
  arrive: { scheduled: 'arrived' },
  room: { arrived: 'roomed' },
  'check-out': { arrived: 'checked-out', roomed: 'checked-out' },
  cancel: { scheduled: 'cancelled' },
  'no-show': { scheduled: 'no-show' },
  'undo-arrival': { arrived: 'scheduled' },
  'undo-rooming': { roomed: 'arrived' },
  'undo-check-out': { 'checked-out': 'roomed' },
  reinstate: { cancelled: 'scheduled', 'no-show': 'scheduled' },
  reschedule: { scheduled: 'same' },
  modify: { scheduled: 'same', arrived: 'same', roomed: 'same' },
  'link-payment': { scheduled: 'same', arrived: 'same', roomed: 'same', 'checked-out': 'same' },
};

const STAMP = { at: '2026-03-04T15:12:00.000Z', byUserName: 'Ann Lee', deskLabel: 'Desk 2' };

describe('state machine', () => {
  for (const a of [...TRANSITIONS, ...EDITS] as Action[]) {
    for (const s of APPOINTMENT_STATUSES) {
      const to = LEGAL[a][s];
      it(`${a} from ${s}: ${to ? 'allowed' : 'refused'}`, () => {
        expect(isAllowed(a, s)).toBe(!!to);
        if (to) {
          expect(refusal(a, s, STAMP, 'America/Chicago')).toBeNull();
          if (to !== 'same') expect(nextStatus(a as (typeof TRANSITIONS)[number], s)).toBe(to);
        } else {
          const msg = refusal(a, s, STAMP, 'America/Chicago')!;
          expect(msg).toMatch(/^Cannot .+this appointment.*: it .+\.$/);
          if (s !== 'scheduled') expect(msg).toContain('at 09:12 by Ann Lee at Desk 2');
          if (TRANSITIONS.includes(a as never)) expect(() => nextStatus(a as (typeof TRANSITIONS)[number], s)).toThrow(/illegal transition/);
        }
      });
    }
  }

  it('says what to do first', () => {
    expect(refusal('arrive', 'cancelled', STAMP, 'America/Chicago')).toBe('Cannot check in this appointment: it was cancelled at 09:12 by Ann Lee at Desk 2; reinstate it first.');
    expect(refusal('cancel', 'arrived', STAMP, 'America/Chicago')).toBe('Cannot cancel this appointment: it is checked in already at 09:12 by Ann Lee at Desk 2; undo the arrival first.');
    expect(refusal('room', 'scheduled', null)).toBe('Cannot mark this appointment roomed: it is scheduled (not checked in yet); check the patient in first.');
    expect(refusal('arrive', 'checked-out', STAMP, 'UTC')).toBe('Cannot check in this appointment: it was checked out at 15:12 by Ann Lee at Desk 2; undo the check-out first.');
    expect(nextStatus('undo-check-out', 'checked-out', false)).toBe('arrived');
  });
});

describe('reduceAppointment (desk and hub)', () => {
  const base = newAppointment({ id: '0190a6f0-0000-7000-8000-000000000001', patientId: '0190a6f0-0000-7000-8000-000000000002', departmentId: '0190a6f0-0000-7000-8000-000000000003', providerId: '0190a6f0-0000-7000-8000-000000000004', typeId: '0190a6f0-0000-7000-8000-000000000005', start: '2026-03-04T16:00:00.000Z', durationMin: 15, now: '2026-03-01T10:00:00.000Z' });
  const booked = reduceAppointment(null, VISIT_OP_KINDS.booked, bookedPayload(base, STAMP));

  it('books, arrives, rooms, undoes; time stamps kept and cleared', () => {
    expect(booked.kind).toBe('ok');
    const s0 = (booked as { state: typeof base }).state;
    const s1 = reduceAppointment(s0, VISIT_OP_KINDS.arrived, arrivedPayload(base.id, 'scheduled', null, STAMP));
    expect(s1).toMatchObject({ kind: 'ok', state: { status: 'arrived', arrivedAt: STAMP.at, lastStatus: STAMP } });
    const s2 = reduceAppointment((s1 as { state: typeof base }).state, VISIT_OP_KINDS.roomed, roomedPayload(base.id, 'arrived', { ...STAMP, at: '2026-03-04T15:30:00.000Z' }));
    expect(s2).toMatchObject({ kind: 'ok', state: { status: 'roomed', roomedAt: '2026-03-04T15:30:00.000Z', arrivedAt: STAMP.at } });
    const s3 = reduceAppointment((s2 as { state: typeof base }).state, VISIT_OP_KINDS.reverted, revertedPayload(base.id, 'roomed', 'undo-rooming', 'Room not ready', STAMP));
    expect(s3).toMatchObject({ kind: 'ok', state: { status: 'arrived', roomedAt: null } });
  });

  it('classifies refusals: broken op, unknown appointment, duplicate booking, illegal against this state', () => {
    const s0 = (booked as { state: typeof base }).state;
    expect(reduceAppointment(s0, VISIT_OP_KINDS.booked, bookedPayload(base, STAMP)).kind).toBe('exists');
    expect(reduceAppointment(null, VISIT_OP_KINDS.cancelled, cancelledPayload(base.id, 'scheduled', { code: 'weather', note: '' }, STAMP)).kind).toBe('unknown');
    expect(reduceAppointment(s0, VISIT_OP_KINDS.roomed, roomedPayload(base.id, 'scheduled', STAMP))).toEqual({ kind: 'invalid', message: 'appointment.roomed: "room" is not a legal transition from "scheduled"' });
    expect(reduceAppointment(s0, VISIT_OP_KINDS.modified, { id: base.id, from: 'scheduled', changes: {}, stamp: STAMP })).toMatchObject({ kind: 'invalid', message: expect.stringContaining('changes is empty') });
    expect(reduceAppointment(s0, 'appointment.exploded', {})).toMatchObject({ kind: 'invalid' });
    const cancelled = (reduceAppointment(s0, VISIT_OP_KINDS.cancelled, cancelledPayload(base.id, 'scheduled', { code: 'weather', note: '' }, STAMP)) as { state: typeof base }).state;
    // the desk saw "scheduled" (legal there); here it is cancelled: illegal, with the words the board shows
    expect(reduceAppointment(cancelled, VISIT_OP_KINDS.arrived, arrivedPayload(base.id, 'scheduled', null, STAMP), 'America/Chicago')).toEqual({
      kind: 'illegal',
      action: 'arrive',
      message: 'Cannot check in this appointment: it was cancelled at 09:12 by Ann Lee at Desk 2; reinstate it first.',
    });
    const re = reduceAppointment(cancelled, VISIT_OP_KINDS.reverted, revertedPayload(base.id, 'cancelled', 'reinstate', 'Called back', STAMP));
    expect(re).toMatchObject({ kind: 'ok', state: { status: 'scheduled', cancelReason: null } });
    const mod = reduceAppointment(s0, VISIT_OP_KINDS.modified, modifiedPayload(base.id, 'scheduled', { note: 'Bring x-rays', durationMin: 30 }, STAMP));
    expect(mod).toMatchObject({ kind: 'ok', state: { note: 'Bring x-rays', durationMin: 30, status: 'scheduled' } });
  });
});

describe('copay rule', () => {
  const cov = [{ rank: 1 as const, payerName: 'Aetna', payerId: '', planName: '', memberId: 'A1', groupNumber: '', subscriberRelationship: 'self' as const, subscriberGiven: '', subscriberFamily: '', subscriberBirthDate: '', effectiveFrom: '2025-01-01', effectiveTo: '', lastVerifiedAt: '' }];
  it('type default with primary coverage in effect; 0 for a no-copay type, self-pay, or coverage not in effect', () => {
    expect(copayDue({ copayCategory: 'specialist', defaultCopayCents: 4000 }, cov, '2026-03-04')).toEqual({ dueCents: 4000, source: 'type-default' });
    expect(copayDue({ copayCategory: 'none', defaultCopayCents: 4000 }, cov, '2026-03-04')).toEqual({ dueCents: 0, source: 'type-none' });
    expect(copayDue({ copayCategory: 'specialist', defaultCopayCents: 4000 }, [], '2026-03-04')).toEqual({ dueCents: 0, source: 'self-pay' });
    expect(copayDue({ copayCategory: 'specialist', defaultCopayCents: 4000 }, null, '2026-03-04')).toEqual({ dueCents: 0, source: 'self-pay' });
    expect(copayDue({ copayCategory: 'specialist', defaultCopayCents: 4000 }, [{ ...cov[0]!, effectiveTo: '2026-03-03' }], '2026-03-04').source).toBe('self-pay');
    expect(copayDue({ copayCategory: 'specialist', defaultCopayCents: 4000 }, [{ ...cov[0]!, effectiveFrom: '2026-03-05' }], '2026-03-04').source).toBe('self-pay');
    expect(copayDue({ copayCategory: 'specialist', defaultCopayCents: 4000 }, [{ ...cov[0]!, rank: 2 as const }], '2026-03-04').source).toBe('self-pay');
  });
});

describe('consents due and stale items', () => {
  const c = (type: 'treatment' | 'hipaa-notice' | 'financial-policy', version: string, signedOn: string) => ({ type, version, signedOn, signer: 'X', signerRelationship: 'self' });
  it('missing, expired after 12 months, older version; the privacy notice does not expire', () => {
    const due = consentsDue([c('treatment', '3.2', '2025-03-03'), c('hipaa-notice', '2024-1', '2019-01-01'), c('financial-policy', '3.1', '2026-01-01')], '2026-03-04');
    expect(due.map((d) => [d.type, d.reason])).toEqual([
      ['treatment', 'expired'],
      ['financial-policy', 'old-version'],
    ]);
    expect(consentsDue([c('treatment', '3.2', '2025-03-04'), c('hipaa-notice', '2024-1', '2019-01-01'), c('financial-policy', '3.2', '2025-03-04')], '2026-03-04')).toEqual([]);
    expect(consentsDue([], '2026-03-04').map((d) => d.reason)).toEqual(['missing', 'missing', 'missing']);
    expect(requiredConsentDue([], '2026-03-04')).toBe(true);
    // the newest of one type counts
    expect(consentsDue([c('treatment', '3.2', '2020-01-01'), c('treatment', '3.2', '2026-01-01'), c('hipaa-notice', '2024-1', '2020-01-01'), c('financial-policy', '3.2', '2026-01-01')], '2026-03-04')).toEqual([]);
  });

  it('months arithmetic clamps to month ends', () => {
    expect(minusMonths('2026-03-31', 1)).toBe('2026-02-28');
    expect(minusMonths('2026-03-04', 12)).toBe('2025-03-04');
    expect(minusMonths('2026-01-15', 13)).toBe('2024-12-15');
  });

  it('coverage never verified or verified over 12 months ago is stale; address needs a confirmation within 12 months', () => {
    const cov = (rank: 1 | 2, lastVerifiedAt: string) => ({ rank, payerName: 'P', payerId: '', planName: '', memberId: 'M', groupNumber: '', subscriberRelationship: 'self' as const, subscriberGiven: '', subscriberFamily: '', subscriberBirthDate: '', effectiveFrom: '', effectiveTo: '', lastVerifiedAt });
    expect(staleCoverages([cov(2, ''), cov(1, '2025-03-03')], '2026-03-04').map((s) => [s.rank, s.reason])).toEqual([
      [1, 'verified-long-ago'],
      [2, 'never-verified'],
    ]);
    expect(primaryCoverageStale([cov(1, '2025-03-04'), cov(2, '')], '2026-03-04')).toBe(false);
    const addr = [{ use: 'home' as const, line1: '1 A St', line2: '', city: 'X', state: 'IL' as const, postalCode: '62701', country: 'US' as const }];
    expect(addressStale([], '2026-01-01', '2026-03-04')).toEqual({ reason: 'no-address', confirmedOn: '2026-01-01' });
    expect(addressStale(addr, '', '2026-03-04')).toEqual({ reason: 'not-confirmed-recently', confirmedOn: '' });
    expect(addressStale(addr, '2025-03-03', '2026-03-04')).toEqual({ reason: 'not-confirmed-recently', confirmedOn: '2025-03-03' });
    expect(addressStale(addr, '2025-03-04', '2026-03-04')).toBeNull();
  });
});
