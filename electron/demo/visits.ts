/**
 * Demo data of the visits domain: departments, providers, appointment types (by the administrator) and today's
 * appointments (default 60, 08:00-16:45 site time) made through the real commands, so `npm run web -- --demo` shows a
 * real board: the ones before "now" are mostly arrived / roomed / checked out with their time stamps (the store's
 * clock is set to each moment while its command runs), a few cancelled or no-show, two walk-ins.
 */
import type { DeskApp } from '../app.js';
import type { Actor, Clock } from '../store/store.js';
import * as cmd from '../visits/commands.js';
import { businessDate } from '../../shared/dates.js';
import type { AppointmentType, Department, Provider } from '../../shared/domain/visit.js';

/** The UTC instant of a wall-clock time on `day` in `tz` (two passes of offset correction cover DST days). */
export function zonedInstant(day: string, hh: number, mm: number, tz: string): Date {
  const want = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), hh, mm);
  let t = want;
  for (let i = 0; i < 2; i++) {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(t));
    const g = (k: string) => Number(parts.find((p) => p.type === k)?.value);
    const shown = Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'));
    t += want - shown;
  }
  return new Date(t);
}

export function seedDemoVisits(app: DeskApp, admin: Actor, clerk: Actor, opts: { appointments?: number; timeZone: string }): { appointments: number } {
  const store = app.store;
  const db = store.db;
  const dep = (name: string, code: string) => cmd.saveDirectory(store, admin, 'department', undefined, { name, code, active: true }) as Department;
  const deps = [dep('Family Medicine', 'FM'), dep('Pediatrics', 'PED'), dep('Cardiology', 'CARD')];
  const prov = (displayName: string, code: string, d: Department) => cmd.saveDirectory(store, admin, 'provider', undefined, { displayName, code, npi: '', departmentIds: [d.id], active: true }) as Provider;
  const provs = [
    prov('Dr. Maria Lopez', 'LOPEZ', deps[0]!),
    prov('Dr. James Okafor', 'OKAFOR', deps[0]!),
    prov('Jenna Park, NP', 'PARK', deps[0]!),
    prov('Dr. Priya Shah', 'SHAH', deps[1]!),
    prov('Dr. Tom Becker', 'BECKER', deps[1]!),
    prov('Dr. Elena Ruiz', 'RUIZ', deps[2]!),
  ];
  const type = (name: string, code: string, durationMin: number, copayCategory: AppointmentType['copayCategory'], defaultCopayCents: number, authorizationRequired = false) =>
    cmd.saveDirectory(store, admin, 'appointment_type', undefined, { name, code, durationMin, copayCategory, defaultCopayCents, authorizationRequired, active: true }) as AppointmentType;
  const types = [type('New patient', 'NEW', 30, 'primary-care', 3000), type('Follow-up', 'FU', 15, 'primary-care', 2500), type('Well child', 'WCC', 30, 'preventive', 0), type('Specialist consult', 'CONS', 30, 'specialist', 5000, true), type('Lab draw', 'LAB', 10, 'none', 0)];

  const count = opts.appointments ?? 60;
  const tz = opts.timeZone;
  const realClock = store.clock;
  const nowMs = realClock.now().getTime();
  const day = businessDate(tz, new Date(nowMs));
  const at = (ms: number): Clock => ({ now: () => new Date(ms) });
  const patients = (db.prepare(`SELECT id, birth_date FROM patients WHERE merged_into IS NULL ORDER BY mrn LIMIT ?`).all(count + 10) as { id: string; birth_date: string }[]);
  if (patients.length === 0) return { appointments: 0 };
  const minor = (b: string) => b > `${Number(day.slice(0, 4)) - 18}${day.slice(4)}`;
  let made = 0;
  try {
    for (let i = 0; i < count && i < patients.length; i++) {
      const p = patients[i]!;
      const slot = i % 36; // 08:00 .. 16:45 in 15-minute slots
      const startMs = zonedInstant(day, 8 + Math.floor(slot / 4), (slot % 4) * 15, tz).getTime();
      const d = minor(p.birth_date) ? deps[1]! : i % 7 === 6 ? deps[2]! : deps[0]!;
      const pv = d === deps[1] ? provs[3 + (i % 2)]! : d === deps[2] ? provs[5]! : provs[i % 3]!;
      const t = d === deps[1] ? types[2]! : d === deps[2] ? types[3]! : i % 9 === 0 ? types[4]! : i % 4 === 0 ? types[0]! : types[1]!;
      store.clock = at(Math.min(nowMs, startMs) - 3 * 86_400_000); // booked three days before
      const a = cmd.book(store, clerk, { patientId: p.id, departmentId: d.id, providerId: pv.id, typeId: t.id, start: new Date(startMs).toISOString() }).appointment;
      made++;
      if (startMs > nowMs - 5 * 60_000) continue; // later today: still scheduled
      if (i % 17 === 5) {
        store.clock = at(startMs - 2 * 3600_000);
        cmd.cancel(store, clerk, a.id, { code: 'patient-request', note: '' });
        continue;
      }
      if (i % 19 === 7) {
        store.clock = at(startMs + 20 * 60_000);
        cmd.noShow(store, clerk, a.id);
        continue;
      }
      const arrive = startMs - (5 + (i % 10)) * 60_000;
      store.clock = at(arrive);
      cmd.checkIn(store, clerk, a.id, {
        identity: { dobReadBack: true, photoIdSeen: i % 3 === 0, notVerifiedReason: '' },
        addressConfirmed: false,
        coverageVerifiedRanks: [],
        consentsCaptured: [],
        copay: t.defaultCopayCents > 0 && t.copayCategory !== 'none' ? { decision: 'not-collected', dueCents: t.defaultCopayCents, reason: i % 2 ? 'will-bill' : 'patient-declined', note: '' } : { decision: 'not-collected', dueCents: 0, reason: 'no-copay', note: '' },
      });
      const roomAt = arrive + (8 + (i % 15)) * 60_000;
      if (roomAt > nowMs) continue;
      store.clock = at(roomAt);
      cmd.room(store, clerk, a.id);
      const outAt = roomAt + t.durationMin * 60_000 + 10 * 60_000;
      if (outAt > nowMs) continue;
      store.clock = at(outAt);
      cmd.checkOut(store, clerk, a.id);
    }
    // two walk-ins that arrived a little while ago — today, even when the demo starts just after midnight
    const dayStartMs = zonedInstant(day, 0, 0, tz).getTime();
    for (let w = 0; w < 2 && count + w < patients.length; w++) {
      store.clock = at(Math.max(dayStartMs, nowMs - (12 - w * 7) * 60_000));
      cmd.walkIn(store, clerk, { patientId: patients[count + w]!.id, departmentId: deps[0]!.id, providerId: provs[2]!.id, typeId: types[1]!.id });
      made++;
    }
  } finally {
    store.clock = realClock;
  }
  return { appointments: made };
}
