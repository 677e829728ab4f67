/**
 * Helpers for the visits specs (board, check-in, clinic setup): API arrangement of the directory and of today's
 * appointments on a real desk, a keystroke-counting keyboard, and reads of what the desk's SQLite file holds.
 */
import type { Page } from '@playwright/test';
import type { E2EDesk } from './desk.js';
import type { Appointment, AppointmentType, Department, Provider } from '../../../shared/domain/visit.js';
import type { Patient } from '../../../shared/domain/patient.js';
import { localToInstant } from '../../../shared/visits/feeds/time.js';

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
  await desk.setupViaApi(); // a spec's test run alone (-g) finds the desk set up too
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

/** The site's time zone in the e2e desks (tests/e2e/support/desk.ts SITE). */
export const SITE_TZ = 'America/Chicago';
/** Bookings stay inside 00:30–23:30 of the business date: never on the next or previous day, whatever the clock says. */
export const FIRST_MINUTE = 30;
export const LAST_MINUTE = 23 * 60 + 30;

/**
 * The instant of `minuteOfDay` (clamped to 00:30–23:30) on `day` (default: today's business date in the site's zone).
 * Fixed times of the business date computed in the site's zone: a spec run near midnight cannot book on the wrong day.
 */
export function siteMinuteInstant(minuteOfDay: number, day = chicagoToday()): string {
  const m = Math.min(LAST_MINUTE, Math.max(FIRST_MINUTE, Math.round(minuteOfDay)));
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const at = localToInstant({ y, m: mo, d, hh: Math.floor(m / 60), mi: m % 60, ss: 0 }, SITE_TZ);
  if (!at) throw new Error(`no such local time ${day} ${m}`);
  return at;
}

/** Books an appointment at `minuteOfDay` (site time, clamped to 00:30–23:30) of today's business date. */
export async function bookAtMinute(desk: E2EDesk, patient: Patient, dir: Directory, type: AppointmentType, minuteOfDay: number, day = chicagoToday()): Promise<Appointment> {
  await desk.adminSession();
  const start = siteMinuteInstant(minuteOfDay, day);
  return (await desk.call('visits.book', { patientId: patient.id, departmentId: dir.dep.id, providerId: dir.prov.id, typeId: type.id, start, note: '' })).appointment;
}

/**
 * Books an appointment today about `offsetMin` from now: the minute of the site's day now + offset, clamped to
 * 00:30–23:30 of today's business date (so the board of "today" always shows it; near midnight several bookings may
 * share the clamped minute — order among them is by creation).
 */
export async function bookToday(desk: E2EDesk, patient: Patient, dir: Directory, type: AppointmentType, offsetMin = 0): Promise<Appointment> {
  return bookAtMinute(desk, patient, dir, type, chicagoMinuteOfDay() + offsetMin);
}

/** Minutes since midnight in the site's time zone (America/Chicago), now. */
export function chicagoMinuteOfDay(now = new Date()): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: SITE_TZ, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
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
