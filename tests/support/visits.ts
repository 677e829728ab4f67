/** Test fixtures of the visits domain (departments, providers, types, a patient, appointments) through the real API. */
import type { TestDesk } from './desk.js';
import { patientInput } from './patients.js';
import { businessDate } from '../../shared/dates.js';
import type { MethodInput } from '../../shared/api/contract.js';

type Caller = Pick<TestDesk, 'call'>;

export async function visitDirectory(desk: Caller, sessionKey?: string) {
  const { department } = await desk.call('visits.saveDepartment', { department: { name: 'Family Medicine', code: 'FM', active: true } }, sessionKey);
  const { provider } = await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Maria Lopez', code: 'LOPEZ', npi: '', departmentIds: [department.id], active: true } }, sessionKey);
  const { appointmentType: followUp } = await desk.call(
    'visits.saveAppointmentType',
    { appointmentType: { name: 'Follow-up', code: 'FU', durationMin: 15, copayCategory: 'primary-care', defaultCopayCents: 2500, authorizationRequired: false, active: true } },
    sessionKey,
  );
  const { appointmentType: lab } = await desk.call(
    'visits.saveAppointmentType',
    { appointmentType: { name: 'Lab draw', code: 'LAB', durationMin: 10, copayCategory: 'none', defaultCopayCents: 0, authorizationRequired: false, active: true } },
    sessionKey,
  );
  return { department, provider, followUp, lab };
}

export const COVERAGE = { rank: 1 as const, payerName: 'Blue Cross', memberId: 'XYZ123', lastVerifiedAt: '2020-01-01' };

export async function patientFor(desk: Caller, over: Parameters<typeof patientInput>[0] = {}, sessionKey?: string) {
  const { patient } = await desk.call('patients.register', { patient: patientInput(over) }, sessionKey);
  return patient;
}

/** Books at `minutesFromNow` (default 60) with the directory's follow-up type. */
export async function bookSoon(desk: Caller, dir: Awaited<ReturnType<typeof visitDirectory>>, patientId: string, minutesFromNow = 60, sessionKey?: string, nowMs = Date.now()) {
  const start = new Date(nowMs + minutesFromNow * 60_000).toISOString();
  const { appointment } = await desk.call('visits.book', { patientId, departmentId: dir.department.id, providerId: dir.provider.id, typeId: dir.followUp.id, start }, sessionKey);
  return appointment;
}

export const dayOf = (iso: string, tz = 'America/Chicago') => businessDate(tz, new Date(iso));

export function checkInInput(over: Partial<MethodInput<'visits.checkIn'>['checkIn']> = {}): MethodInput<'visits.checkIn'>['checkIn'] {
  return {
    identity: { dobReadBack: true, photoIdSeen: false, notVerifiedReason: '' },
    addressConfirmed: false,
    coverageVerifiedRanks: [],
    consentsCaptured: [],
    copay: { decision: 'not-collected', dueCents: 0, reason: 'no-copay', note: '' },
    ...over,
  };
}
