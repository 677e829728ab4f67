/**
 * board-load: 'visits.board' through the real dispatcher (session check, validation, the one indexed board query,
 * flags, output validation, the audit entry's fsync'd commit) for a business day of BENCH_BOARD_APPTS (default 2,000)
 * appointments, in a store that also holds BENCH_BOARD_OTHER_DAYS (default 10) other days of the same size and
 * BENCH_BOARD_PATIENTS (default 20,000) patients. A third of the day is checked in (check-in records, flags).
 * Baseline, measured in the same run on the same file: the naive way — scan every appointment, keep the day's, and
 * per row look up the patient (whole document), provider, department and type (N+1).
 * Figures: p50/p95 ms of each, ratio = baseline p50 / board p50. One JSON line.
 *
 * Run alone: npx tsx tests/bench/board.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDeskApp } from '../../electron/app.js';
import { bulkLoadPatients } from '../../electron/demo/generator.js';
import * as cmd from '../../electron/visits/commands.js';
import { putAppointment, siteInfo } from '../../electron/visits/repo.js';
import { waitMinutes } from '../../electron/visits/board.js';
import { newAppointment } from '../../shared/sync/visits.js';
import { newId } from '../../shared/ids.js';
import { businessDate } from '../../shared/dates.js';
import type { Appointment } from '../../shared/domain/visit.js';
import type { PatientInput } from '../../shared/domain/patient.js';
import { requiredConsentDue } from '../../shared/visits/consents.js';
import { primaryCoverageStale } from '../../shared/visits/stale.js';

type Emit = (o: Record<string, unknown>) => void;
type Progress = (msg: string) => void;

const envInt = (k: string, d: number) => {
  const v = process.env[k];
  const n = v === undefined || v === '' ? d : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${k} must be a positive whole number`);
  return n;
};
const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export async function benchBoard(emit: Emit, progress: Progress): Promise<void> {
  const APPTS = envInt('BENCH_BOARD_APPTS', 2000);
  const OTHER_DAYS = envInt('BENCH_BOARD_OTHER_DAYS', 10);
  const PATIENTS = envInt('BENCH_BOARD_PATIENTS', 20_000);
  const RUNS = envInt('BENCH_BOARD_RUNS', 40);
  const BASE_RUNS = envInt('BENCH_BOARD_BASELINE_RUNS', 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accessdesk-bench-board-'));
  const app = createDeskApp(dir);
  try {
    const s = 'bench:board';
    const call = async (m: string, i: unknown) => {
      const r = await app.dispatcher.call(s, m, i);
      if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
      return r.value as Record<string, unknown>;
    };
    await call('setup.initialize', { siteName: 'Bench Clinic', timeZone: 'America/Chicago', deskLabel: 'Bench desk', admin: { username: 'bench', displayName: 'Bench Admin', password: 'bench password 1' } });
    await call('session.signIn', { username: 'bench', password: 'bench password 1' });
    progress(`board: loading ${PATIENTS} patients`);
    bulkLoadPatients(app.store.db, PATIENTS, 7);
    const actor = { userId: 'bench', userName: 'Bench Admin' };
    const deps = Array.from({ length: 6 }, (_, i) => cmd.saveDirectory(app.store, actor, 'department', undefined, { name: `Department ${i}`, code: `D${i}`, active: true }));
    const provs = Array.from({ length: 40 }, (_, i) => cmd.saveDirectory(app.store, actor, 'provider', undefined, { displayName: `Dr. Provider ${i}`, code: `P${i}`, npi: '', departmentIds: [deps[i % deps.length]!.id], active: true }));
    const types = Array.from({ length: 6 }, (_, i) =>
      cmd.saveDirectory(app.store, actor, 'appointment_type', undefined, { name: `Type ${i}`, code: `T${i}`, durationMin: 15, copayCategory: i === 0 ? 'none' : 'specialist', defaultCopayCents: 2500, authorizationRequired: i === 5, active: true }),
    );
    const patientIds = (app.store.db.prepare('SELECT id FROM patients ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    const tz = siteInfo(app.store.db).timeZone;
    const day = businessDate(tz);
    const dayStart = Date.parse(`${day}T14:00:00.000Z`); // 08:00 in Chicago (CST) / 09:00 (CDT)

    progress(`board: ${OTHER_DAYS} other days x ${APPTS} appointments`);
    const now = new Date().toISOString();
    app.store.db.transaction(() => {
      for (let d = 1; d <= OTHER_DAYS; d++) {
        for (let i = 0; i < APPTS; i++) {
          const start = new Date(dayStart + (d % 2 ? d : -d) * 86_400_000 + (i % 40) * 15 * 60_000).toISOString();
          putAppointment(app.store.db, newAppointment({ id: newId(), patientId: patientIds[(d * APPTS + i) % patientIds.length]!, departmentId: deps[i % 6]!.id, providerId: provs[i % 40]!.id, typeId: types[i % 6]!.id, start, durationMin: 15, now }));
        }
      }
    })();
    progress(`board: booking ${APPTS} appointments for ${day} through the commands (a third checked in)`);
    const ids: string[] = [];
    for (let i = 0; i < APPTS; i++) {
      const start = new Date(dayStart + (i % 40) * 15 * 60_000).toISOString();
      ids.push(cmd.book(app.store, actor, { patientId: patientIds[i % patientIds.length]!, departmentId: deps[i % 6]!.id, providerId: provs[i % 40]!.id, typeId: types[i % 6]!.id, start }).appointment.id);
    }
    for (let i = 0; i < APPTS; i += 3) {
      cmd.checkIn(app.store, actor, ids[i]!, { identity: { dobReadBack: i % 2 === 0, photoIdSeen: false, notVerifiedReason: 'No ID' }, addressConfirmed: false, coverageVerifiedRanks: [], consentsCaptured: [], copay: { decision: 'not-collected', dueCents: 2500, reason: 'will-bill', note: '' } });
    }

    const board = async () => (await call('visits.board', { businessDate: day })).rows as unknown[];
    const rowsSeen = (await board()).length;
    if (rowsSeen !== APPTS) throw new Error(`board returned ${rowsSeen} rows, expected ${APPTS}`);
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await board();
      times.push(performance.now() - t);
    }

    // Baseline: scan + per-row look-ups (N+1), same rows and flags.
    const db = app.store.db;
    const all = db.prepare('SELECT doc FROM visit_appointments');
    const pat = db.prepare('SELECT family, given, birth_date, mrn, doc FROM patients WHERE id = ?');
    const dirQ = db.prepare('SELECT name, doc FROM visit_directory WHERE entity_type = ? AND id = ?');
    const naive = () => {
      const out: unknown[] = [];
      const nowMs = Date.now();
      for (const r of all.all() as { doc: string }[]) {
        const a = JSON.parse(r.doc) as Appointment;
        if (businessDate(tz, new Date(a.start)) !== day) continue;
        const p = a.patientId ? (pat.get(a.patientId) as { family: string; given: string; birth_date: string; mrn: string; doc: string }) : null;
        const doc = p ? (JSON.parse(p.doc) as PatientInput) : null;
        const prov = dirQ.get('provider', a.providerId) as { name: string } | undefined;
        const dep = dirQ.get('department', a.departmentId) as { name: string } | undefined;
        const typ = dirQ.get('appointment_type', a.typeId) as { name: string } | undefined;
        out.push({ a: a.id, name: p ? `${p.family}, ${p.given}` : '', prov: prov?.name, dep: dep?.name, typ: typ?.name, wait: waitMinutes(a, nowMs), c: doc ? requiredConsentDue(doc.consents, day) : false, cov: doc ? primaryCoverageStale(doc.coverages, day) : false });
      }
      out.sort();
      return out;
    };
    if (naive().length !== APPTS) throw new Error('baseline returned a different number of rows');
    const base: number[] = [];
    for (let r = 0; r < BASE_RUNS; r++) {
      const t = performance.now();
      naive();
      base.push(performance.now() - t);
    }
    const b = [...times].sort((x, y) => x - y);
    const n = [...base].sort((x, y) => x - y);
    emit({
      bench: 'board-load',
      appointments_on_day: APPTS,
      appointments_total: APPTS * (OTHER_DAYS + 1),
      patients: PATIENTS,
      runs: RUNS,
      p50_ms: round(pct(b, 50)),
      p95_ms: round(pct(b, 95)),
      baseline: 'scan of all appointments + per-row patient/provider/department/type look-ups (N+1), in-process, no audit',
      baseline_runs: BASE_RUNS,
      baseline_p50_ms: round(pct(n, 50)),
      baseline_p95_ms: round(pct(n, 95)),
      ratio: round(pct(n, 50) / pct(b, 50)),
    });
  } finally {
    app.close();
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  benchBoard(
    (o) => process.stdout.write(JSON.stringify(o) + '\n'),
    (m) => process.stderr.write(`[bench] ${m}\n`),
  ).catch((e) => {
    process.stderr.write(`[bench] failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
