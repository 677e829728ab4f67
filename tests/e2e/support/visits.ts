/**
 * Helpers for the visits specs (board, check-in, clinic setup): API arrangement of the directory and of today's
 * appointments on a real desk, a keystroke-counting keyboard, and reads of what the desk's SQLite file holds.
 */
import type { Page } from '@playwright/test';
import type { E2EDesk } from './desk.js';
import type { Appointment, AppointmentType, Department, Provider } from '../../../shared/domain/visit.js';
import type { Patient } from '../../../shared/domain/patient.js';

export interface Directory {
  dep: Department;
  prov: Provider;
  /** copay category 'none': nothing due */
  followUp: AppointmentType;
  /** $25.00 default copay */
  sick: AppointmentType;
  walkIn: AppointmentType;
}

/** One department, one provider, three types (as an administrator would set them up); reused when the desk has them. */
export async function setupDirectory(desk: E2EDesk): Promise<Directory> {
  await desk.adminSession();
  const have = await desk.call('visits.directory', {});
  const byCode = <T extends { code: string }>(xs: T[], code: string) => xs.find((x) => x.code === code);
  const [d0, p0, fu, sk, wi] = [byCode(have.departments, 'FM'), byCode(have.providers, 'LOPEZ'), byCode(have.types, 'FU'), byCode(have.types, 'SICK'), byCode(have.types, 'WALKIN')];
  if (d0 && p0 && fu && sk && wi) return { dep: d0, prov: p0, followUp: fu, sick: sk, walkIn: wi };
  const dep = (await desk.call('visits.saveDepartment', { department: { name: 'Family Medicine', code: 'FM', active: true } })).department;
  const prov = (await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Maria Lopez', code: 'LOPEZ', npi: '', departmentIds: [dep.id], active: true } })).provider;
  const type = async (name: string, code: string, copayCategory: AppointmentType['copayCategory'], cents: number) =>
    (await desk.call('visits.saveAppointmentType', { appointmentType: { name, code, durationMin: 15, copayCategory, defaultCopayCents: cents, authorizationRequired: false, active: true } }))
      .appointmentType;
  return {
    dep,
    prov,
    followUp: await type('Follow-up (no copay)', 'FU', 'none', 0),
    sick: await type('Sick visit', 'SICK', 'primary-care', 2500),
    walkIn: await type('Walk-in', 'WALKIN', 'urgent-care', 0),
  };
}

/** Books an appointment today, `offsetMin` from now (kept inside today's business date). */
export async function bookToday(desk: E2EDesk, patient: Patient, dir: Directory, type: AppointmentType, offsetMin = 0): Promise<Appointment> {
  await desk.adminSession();
  const start = new Date(Date.now() + offsetMin * 60_000).toISOString();
  return (await desk.call('visits.book', { patientId: patient.id, departmentId: dir.dep.id, providerId: dir.prov.id, typeId: type.id, start, note: '' })).appointment;
}

/** Minutes since midnight in the site's time zone (America/Chicago), now. */
export function chicagoMinuteOfDay(now = new Date()): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** An offset from now (minutes) that lands at `minuteOfDay` of today's business date. */
export function offsetToMinuteOfDay(minuteOfDay: number): number {
  return minuteOfDay - chicagoMinuteOfDay();
}

/** The appointment as the desk's SQLite file holds it. */
export function storedAppointment(desk: E2EDesk, id: string): Appointment {
  const row = desk.app.store.db.prepare('SELECT doc FROM visit_appointments WHERE id = ?').get(id) as { doc: string } | undefined;
  if (!row) throw new Error(`appointment ${id} not stored`);
  return JSON.parse(row.doc) as Appointment;
}

export function appointmentsOf(desk: E2EDesk, patientId: string): Appointment[] {
  return (desk.app.store.db.prepare('SELECT doc FROM visit_appointments WHERE patient_id = ? ORDER BY start').all(patientId) as { doc: string }[]).map((r) => JSON.parse(r.doc) as Appointment);
}

/** A keyboard that counts what the clerk presses: one press = one keystroke, one typed character = one keystroke. */
export function countingKeyboard(page: Page) {
  let n = 0;
  const log: string[] = [];
  return {
    async press(key: string) {
      n++;
      log.push(key);
      await page.keyboard.press(key);
    },
    async type(text: string) {
      n += text.length;
      log.push(JSON.stringify(text));
      await page.keyboard.type(text);
    },
    get count() {
      return n;
    },
    get log() {
      return log.join(' ');
    },
  };
}

/** Consents the site policy wants (shared/visits/consents.ts CONSENT_POLICY), signed recently: nothing due. */
export function currentConsents(today: string, signer: string) {
  return [
    { type: 'treatment' as const, version: '3.2', signedOn: today, signer, signerRelationship: 'self' },
    { type: 'hipaa-notice' as const, version: '2024-1', signedOn: today, signer, signerRelationship: 'self' },
    { type: 'financial-policy' as const, version: '3.2', signedOn: today, signer, signerRelationship: 'self' },
  ];
}

/** Today in the site's time zone (tests/e2e/support/desk.ts SITE: America/Chicago). */
export function chicagoToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
