/**
 * The demo clinic (`npm run web -- --demo`): first-run setup, three users with printed demo passwords, and a few
 * thousand synthetic patients registered the way a clerk registers them.
 *
 * Every patient goes through registerPatient (electron/patients/handlers.ts), the code `patients.register` runs:
 * duplicate check, MRN from the desk's allocator, patients row + version + search keys + outbox + audit. The
 * generator's deliberate near-duplicates are refused like at the desk (DUPLICATE_SUSPECTED) and saved with an
 * override reason, as a clerk would, so the duplicate review has something to show.
 *
 * Speed: each registration is its own command (its own savepoint, outbox entry and audit entries), and a batch of
 * them shares one durable commit (better-sqlite3 turns a command inside an open transaction into a savepoint), so
 * 5,000 patients take seconds instead of 5,000 fsyncs.
 */
import type { DeskApp } from '../app.js';
import { ApiError } from '../../shared/api/errors.js';
import { patientInputSchema, type DuplicateMatch } from '../../shared/domain/patient.js';
import { businessDate } from '../../shared/dates.js';
import { readSettings, userByName } from '../users/repo.js';
import { registerPatient } from '../patients/handlers.js';
import { PatientGenerator } from './generator.js';
import type { Actor } from '../store/store.js';
import { seedDemoVisits } from './visits.js';

export const DEMO_SITE = { siteName: 'Riverside Family Clinic', timeZone: 'America/Chicago', deskLabel: 'Front Desk 1' } as const;

/** Demo sign-ins (printed by the CLI; a demo store is never a clinic's store). */
export const DEMO_USERS = [
  { username: 'admin', displayName: 'Avery Admin', role: 'administrator', password: 'riverside-admin-demo' },
  { username: 'supervisor', displayName: 'Sam Supervisor', role: 'supervisor', password: 'riverside-super-demo' },
  { username: 'clerk', displayName: 'Casey Clerk', role: 'clerk', password: 'riverside-clerk-demo' },
] as const;

export const DEMO_SEED = 20250630;
const DEFAULT_PATIENTS = 5000;
const BATCH = 250;
const OVERRIDE_REASON = 'Demo data: deliberate near-duplicate kept for the duplicate review demo.';

export interface SeedResult {
  seeded: boolean;
  patients: number;
  users: { username: string; password: string; role: string }[];
}

async function call(app: DeskApp, key: string, method: string, input: unknown): Promise<unknown> {
  const r = await app.dispatcher.call(key, method, input);
  if (!r.ok) throw new Error(`Demo setup: ${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

export async function seedDemo(app: DeskApp, opts: { patients?: number } = {}): Promise<SeedResult> {
  const db = app.store.db;
  const count = opts.patients ?? DEFAULT_PATIENTS;
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000) throw new Error('--demo-patients must be a whole number from 0 to 1,000,000');
  const existing = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM patients').get()!.n;
  if (existing > 0) return { seeded: false, patients: 0, users: [] };

  const users: SeedResult['users'] = [];
  const key = `demo-seed:${process.pid}`;
  if (!readSettings(db)) {
    const admin = DEMO_USERS[0];
    await call(app, key, 'setup.initialize', { ...DEMO_SITE, admin: { username: admin.username, displayName: admin.displayName, password: admin.password } });
    await call(app, key, 'session.signIn', { username: admin.username, password: admin.password });
    users.push({ username: admin.username, password: admin.password, role: admin.role });
    for (const u of DEMO_USERS.slice(1)) {
      await call(app, key, 'users.create', { username: u.username, displayName: u.displayName, role: u.role, password: u.password });
      users.push({ username: u.username, password: u.password, role: u.role });
    }
    await call(app, key, 'session.signOut', {});
  }

  // Patients are registered by the clerk when there is one, else by the first administrator.
  const clerk = userByName(db, 'clerk') ?? db.prepare<[], { id: string; display_name: string }>(`SELECT id, display_name FROM users WHERE role = 'administrator' ORDER BY created_at LIMIT 1`).get();
  if (!clerk) throw new Error('Demo setup: the store has no user to register patients as.');
  const actor: Actor = { userId: clerk.id, userName: clerk.display_name };

  const tz = readSettings(db)?.timeZone ?? DEMO_SITE.timeZone;
  const gen = new PatientGenerator(DEMO_SEED, { referenceDate: businessDate(tz, app.store.clock.now()) });
  let done = 0;
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) {
      const doc = patientInputSchema.parse(gen.next());
      try {
        registerPatient(app.store, actor, doc);
      } catch (e) {
        if (!(e instanceof ApiError) || e.code !== 'DUPLICATE_SUSPECTED') throw e;
        const matches = ((e.data as { matches?: DuplicateMatch[] } | undefined)?.matches ?? []).filter((m) => m.level === 'likely');
        registerPatient(app.store, actor, doc, { override: { reason: OVERRIDE_REASON, matchIds: matches.map((m) => m.patient.id) } });
      }
    }
  });
  while (done < count) {
    const n = Math.min(BATCH, count - done);
    batch.immediate(n);
    done += n;
  }
  // Visits (issue 4): directory by the administrator, today's appointments by the clerk (electron/demo/visits.ts).
  const adminRow = db.prepare<[], { id: string; display_name: string }>(`SELECT id, display_name FROM users WHERE role = 'administrator' ORDER BY created_at LIMIT 1`).get();
  if (adminRow && done > 0) db.transaction(() => seedDemoVisits(app, { userId: adminRow.id, userName: adminRow.display_name }, actor, { timeZone: tz }))();
  return { seeded: true, patients: done, users };
}
