/**
 * `npm run bench`: speed figures as JSON lines on stdout (one line per figure, nothing else); progress on stderr.
 *
 *   bulk-load            generated patients loaded into the store (setup for the search figure)
 *   patient-search       searchPatients over BENCH_PATIENTS (default 1,000,000) patients in a real SQLite file opened
 *                        as the app opens it (WAL, synchronous=FULL): a mix of every query form sampled from real
 *                        rows, p50/p95/p99, against a naive LIKE scan of the patients table answering the same
 *                        interpretations (fewer queries: it is slow); ratio = baseline p95 / search p95. The mix
 *                        includes the forgiving forms (a typing slip, a nickname, a 7-digit local number, a name
 *                        with the last 4 digits of the phone); `forgiving_p95_ms` is theirs alone, `exact_p95_ms`
 *                        the other forms'.
 *   registration-commit  patients.register through the real dispatcher (validation, duplicate check, MRN, rows,
 *                        search keys, outbox, audit, fsync'd commit) into a store preloaded with BENCH_REG_PRELOAD
 *                        (default 100,000) patients; baseline = a bare one-row INSERT committed the same way
 *                        (synchronous=FULL), i.e. the durable-commit floor of this disk; ratio = p50 / baseline p50.
 *
 *   outage-catch-up, pull-fresh-desk   sync with a real hub: see tests/bench/sync.ts
 *   board-load           'visits.board' for a 2,000-appointment day vs a naive N+1 board: see tests/bench/board.ts
 *   siu-burst            100 HL7 SIU messages over one MLLP connection into a real hub vs one per connection and
 *                        parse-only: see tests/bench/siu.ts
 *   eod-reconciliation   'eod.report' over 5,000 payments from 10 sessions vs unindexed N+1: see tests/bench/eod.ts
 *
 * Environment: BENCH_PATIENTS, BENCH_QUERIES (2000), BENCH_BASELINE_QUERIES (20), BENCH_REG_PRELOAD (100000),
 * BENCH_REGISTRATIONS (500), BENCH_KEEP=1 keeps the temp directories, BENCH_ONLY=search runs only the search figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../electron/store/db.js';
import { createDeskApp } from '../../electron/app.js';
import { bulkLoadPatients, PatientGenerator, Rng, DEFAULT_REFERENCE_DATE } from '../../electron/demo/generator.js';
import { searchPatients } from '../../electron/patients/search.js';
import { parseSearchQuery } from '../../shared/patients/search-query.js';
import { patientInputSchema, type PatientInput } from '../../shared/domain/patient.js';
import { fold, phoneDigits } from '../../shared/text.js';
import { nicknamesOf } from '../../shared/patients/nicknames.js';
import { formatMrn } from '../../shared/patients/mrn-format.js';
import { HUB_SPACE_START } from '../../electron/patients/mrn.js';
import { newId } from '../../shared/ids.js';
import { benchOutageCatchUp, benchPullFreshDesk } from './sync.js';
import { benchBoard } from './board.js';
import { benchSiu } from './siu.js';
import { benchEod } from './eod.js';

const env = (k: string, d: number) => {
  const v = process.env[k];
  const n = v === undefined || v === '' ? d : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${k} must be a positive whole number`);
  return n;
};
const PATIENTS = env('BENCH_PATIENTS', 1_000_000);
const QUERIES = env('BENCH_QUERIES', 2000);
const BASELINE_QUERIES = env('BENCH_BASELINE_QUERIES', 20);
const REG_PRELOAD = env('BENCH_REG_PRELOAD', 100_000);
const REGISTRATIONS = env('BENCH_REGISTRATIONS', 500);
const KEEP = process.env.BENCH_KEEP === '1';
const TODAY = DEFAULT_REFERENCE_DATE;
const LIMIT = 25;

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const emit = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify(o) + '\n');
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
function cleanup(dir: string) {
  if (!KEEP) fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------------
// Query mix

const stripMarks = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
const mdy = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
const mdyShort = (iso: string) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}/${iso.slice(2, 4)}`;
const mdyCompact = (iso: string) => `${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(0, 4)}`;

/** The query forms a clerk types, each made from one stored patient. */
const FORMS: { name: string; make: (p: PatientInput, mrn: string) => string | null }[] = [
  { name: 'last, first', make: (p) => `${p.name.family}, ${p.name.given}` },
  { name: 'first last', make: (p) => `${p.name.given} ${p.name.family}` },
  { name: 'prefix pair smi,joh', make: (p) => `${stripMarks(p.name.family).slice(0, 3)},${stripMarks(p.name.given).slice(0, 3)}` },
  { name: 'prefix pair smi, j', make: (p) => `${stripMarks(p.name.family).slice(0, 3)}, ${stripMarks(p.name.given).slice(0, 1)}` },
  { name: 'last name', make: (p) => p.name.family },
  { name: 'plain ascii lowercase', make: (p) => `${stripMarks(p.name.family).replace(/['\-. ]/g, '').toLowerCase()} ${stripMarks(p.name.given).toLowerCase()}` },
  { name: 'dob MM/DD/YYYY', make: (p) => mdy(p.birthDate) },
  { name: 'dob M/D/YY', make: (p) => mdyShort(p.birthDate) },
  { name: 'dob YYYY-MM-DD', make: (p) => p.birthDate },
  { name: 'dob MMDDYYYY', make: (p) => mdyCompact(p.birthDate) },
  { name: 'mrn', make: (_p, mrn) => mrn },
  { name: 'phone (555) 123-4567', make: (p) => (p.phones[0] ? phoneForm(p, 0) : null) },
  { name: 'phone 555.123.4567', make: (p) => (p.phones[0] ? phoneForm(p, 1) : null) },
  { name: 'phone 5551234567', make: (p) => (p.phones[0] ? phoneForm(p, 2) : null) },
  { name: 'phone +1 555 123 4567', make: (p) => (p.phones[0] ? phoneForm(p, 3) : null) },
  { name: 'name + dob', make: (p) => `${p.name.family} ${mdy(p.birthDate)}` },
  { name: 'last, first + dob', make: (p) => `${p.name.family}, ${p.name.given} ${mdyShort(p.birthDate)}` },
  // forgiving forms (issue 12): a typing slip, a nickname, a local number, a name with the phone's last 4 digits
  { name: 'typo swapped letters, first', make: (p) => `${swapSlip(stripMarks(p.name.family).toLowerCase())}, ${p.name.given}` },
  { name: 'typo last name alone', make: (p) => swapSlip(stripMarks(p.name.family).toLowerCase()) },
  { name: 'last, nickname', make: (p) => nicknameOf(p.name.given).map((n) => `${p.name.family}, ${n}`)[0] ?? `${p.name.family}, ${p.name.given}` },
  { name: 'phone 7 digits 555-0147', make: (p) => (p.phones[0] ? `${phoneDigits(p.phones[0].number).slice(3, 6)}-${phoneDigits(p.phones[0].number).slice(6)}` : null) },
  { name: 'last + phone last 4', make: (p) => (p.phones[0] ? `${p.name.family} ${phoneDigits(p.phones[0].number).slice(6)}` : null) },
];
/** Two neighbouring letters swapped in the middle ("smtih"), the slip a fast typist makes most. */
function swapSlip(s: string): string {
  const k = s.replace(/[^a-z]/g, '');
  if (k.length < 4) return k;
  const i = Math.floor(k.length / 2) - 1;
  return k.slice(0, i) + k[i + 1] + k[i] + k.slice(i + 2);
}
/** Another name of the first name's nickname group (Dave for David), if it has one. */
function nicknameOf(given: string): string[] {
  const f = fold(given);
  return nicknamesOf(f).filter((n) => n !== f);
}
function phoneForm(p: PatientInput, f: number): string {
  const d = phoneDigits(p.phones[0]!.number);
  const [a, b, c] = [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
  return [`(${a}) ${b}-${c}`, `${a}.${b}.${c}`, d, `+1 ${a} ${b} ${c}`][f]!;
}

interface Q {
  form: string;
  q: string;
  id: string;
}

function sampleQueries(db: Database.Database, n: number, seed: number): Q[] {
  const r = new Rng(seed);
  const max = (db.prepare('SELECT MAX(rowid) AS m FROM patients').get() as { m: number }).m;
  const get = db.prepare<[number], { id: string; mrn: string; doc: string }>('SELECT id, mrn, doc FROM patients WHERE rowid = ?');
  const out: Q[] = [];
  for (let i = 0; out.length < n; i++) {
    const row = get.get(r.int(1, max));
    if (!row) continue;
    const form = FORMS[out.length % FORMS.length]!;
    const q = form.make(JSON.parse(row.doc) as PatientInput, row.mrn);
    if (q) out.push({ form: form.name, q, id: row.id });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Naive baseline: what a straightforward implementation does: one LIKE scan of the patients table.

function naiveSearch(db: Database.Database, q: string): unknown[] {
  const parsed = parseSearchQuery(q, TODAY);
  const ors: string[] = [];
  const args: string[] = [];
  for (const n of parsed.names) {
    const parts: string[] = [];
    if (n.family) {
      parts.push('(family LIKE ? OR preferred_name LIKE ?)');
      args.push(`${n.family}%`, `${n.family}%`);
    }
    if (n.given) {
      parts.push('(given LIKE ? OR preferred_name LIKE ?)');
      args.push(`${n.given}%`, `${n.given}%`);
    }
    ors.push(`(${parts.join(' AND ')})`);
  }
  for (const d of parsed.birthDates) {
    ors.push('birth_date = ?');
    args.push(d);
  }
  if (parsed.mrn) {
    ors.push('mrn LIKE ?');
    args.push(parsed.mrn);
  }
  if (parsed.phone) {
    ors.push(`replace(replace(replace(replace(phone, '(', ''), ')', ''), ' ', ''), '-', '') LIKE ?`);
    args.push(`%${parsed.phone}%`);
  }
  const ending = parsed.phoneLocal ?? parsed.phoneLast4;
  if (ending) {
    ors.push(`replace(replace(replace(replace(phone, '(', ''), ')', ''), ' ', ''), '-', '') LIKE ?`);
    args.push(`%${ending}`);
  }
  if (ors.length === 0) return [];
  return db
    .prepare(`SELECT id, mrn, family, given, birth_date, phone FROM patients WHERE merged_into IS NULL AND (${ors.join(' OR ')}) ORDER BY family, given LIMIT ${LIMIT}`)
    .all(...args);
}

// ---------------------------------------------------------------------------------------------------------------

function benchSearch(): void {
  const dir = tmp('accessdesk-bench-search-');
  try {
    const db = openDatabase(dir);
    progress(`loading ${PATIENTS.toLocaleString('en-US')} patients into ${dir}`);
    const step = Math.max(50_000, Math.floor(PATIENTS / 10));
    let nextReport = step;
    const load = bulkLoadPatients(db, PATIENTS, 1, {
      deferIndexes: true,
      onProgress: (n) => {
        if (n >= nextReport || n === PATIENTS) {
          progress(`  ${n.toLocaleString('en-US')} loaded`);
          nextReport += step;
        }
      },
    });
    const counts = db.prepare(`SELECT (SELECT COUNT(*) FROM patient_names) AS names, (SELECT COUNT(*) FROM patient_phones) AS phones`).get() as { names: number; phones: number };
    db.pragma('wal_checkpoint(TRUNCATE)');
    if (db.pragma('synchronous', { simple: true }) !== 2 || db.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error('store is not WAL/FULL');
    const sizeMb = fs.readdirSync(dir).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0) / 1e6;
    emit({ bench: 'bulk-load', patients: PATIENTS, name_keys: counts.names, phone_keys: counts.phones, seconds: round(load.ms / 1000, 1), patients_per_s: Math.round(PATIENTS / (load.ms / 1000)), db_mb: Math.round(sizeMb) });

    const queries = sampleQueries(db, QUERIES, 99);
    progress(`warming up`);
    for (const x of sampleQueries(db, 200, 7)) searchPatients(db, x.q, LIMIT, TODAY);

    progress(`${queries.length} searches`);
    const times: number[] = [];
    const byForm = new Map<string, number[]>();
    let found = 0;
    let hits = 0;
    for (const x of queries) {
      const t0 = performance.now();
      const res = searchPatients(db, x.q, LIMIT, TODAY);
      const ms = performance.now() - t0;
      times.push(ms);
      (byForm.get(x.form) ?? byForm.set(x.form, []).get(x.form)!).push(ms);
      hits += res.hits.length;
      if (res.hits.some((h) => h.id === x.id)) found++;
    }
    const s = stats(times);
    const forgivingForms = new Set(FORMS.slice(FORMS.findIndex((f) => f.name.startsWith('typo'))).map((f) => f.name));
    const part = (forgiving: boolean) => stats([...byForm.entries()].filter(([f]) => forgivingForms.has(f) === forgiving).flatMap(([, t]) => t));
    const worstForm = [...byForm.entries()].map(([f, t]) => [f, stats(t).p95] as const).sort((a, b) => b[1] - a[1])[0]!;

    progress(`${Math.min(BASELINE_QUERIES, queries.length)} naive LIKE scans (slow)`);
    const baseQs = queries.filter((_, i) => i % Math.max(1, Math.floor(queries.length / BASELINE_QUERIES)) === 0).slice(0, BASELINE_QUERIES);
    const btimes: number[] = [];
    for (const x of baseQs) {
      const t0 = performance.now();
      naiveSearch(db, x.q);
      btimes.push(performance.now() - t0);
    }
    const b = stats(btimes);
    emit({
      bench: 'patient-search',
      patients: PATIENTS,
      queries: queries.length,
      forms: FORMS.length,
      limit: LIMIT,
      p50_ms: round(s.p50),
      p95_ms: round(s.p95),
      p99_ms: round(s.p99),
      mean_ms: round(s.mean),
      exact_p95_ms: round(part(false).p95),
      forgiving_p95_ms: round(part(true).p95),
      slowest_form: worstForm[0],
      slowest_form_p95_ms: round(worstForm[1]),
      sampled_patient_in_hits_pct: round((100 * found) / queries.length, 1),
      mean_hits: round(hits / queries.length, 1),
      baseline: 'like-scan',
      baseline_queries: btimes.length,
      baseline_p50_ms: round(b.p50, 1),
      baseline_p95_ms: round(b.p95, 1),
      ratio: Math.round(b.p95 / s.p95),
    });
    db.close();
  } finally {
    cleanup(dir);
  }
}

async function benchRegistration(): Promise<void> {
  const dir = tmp('accessdesk-bench-register-');
  const app = createDeskApp(dir);
  try {
    const key = 'bench:1';
    const call = async (m: string, input: unknown) => {
      const r = await app.dispatcher.call(key, m, input);
      if (!r.ok) throw new Error(`${m}: ${r.error.code} ${r.error.message}`);
      return r.value;
    };
    await call('setup.initialize', { siteName: 'Bench Clinic', timeZone: 'America/Chicago', deskLabel: 'Desk 1', admin: { username: 'admin', displayName: 'Bench Admin', password: 'bench-admin-password' } });
    await call('session.signIn', { username: 'admin', password: 'bench-admin-password' });
    const db = app.store.db;
    progress(`preloading ${REG_PRELOAD.toLocaleString('en-US')} patients for registration`);
    bulkLoadPatients(db, REG_PRELOAD, 2, { deferIndexes: true });
    if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('store is not synchronous=FULL');

    const gen = new PatientGenerator(3, { duplicateRate: 0 });
    const docs = Array.from({ length: REGISTRATIONS + 20 }, () => patientInputSchema.parse(gen.next()));
    const times: number[] = [];
    let refused = 0;
    progress(`${REGISTRATIONS} registrations through the dispatcher`);
    for (let i = 0; i < docs.length; i++) {
      const t0 = performance.now();
      const r = await app.dispatcher.call(key, 'patients.register', { patient: docs[i] });
      const ms = performance.now() - t0;
      if (!r.ok) {
        if (r.error.code !== 'DUPLICATE_SUSPECTED') throw new Error(`patients.register: ${r.error.code} ${r.error.message}`);
        refused++; // a chance likely-duplicate of a preloaded patient: not a commit, not timed
        continue;
      }
      if (i >= 20) times.push(ms); // the first 20 warm up statement caches
    }
    const s = stats(times);

    // Baseline: a bare INSERT of one patients row, its own transaction, same connection and durability.
    progress('bare INSERT baseline');
    const ins = db.prepare(
      `INSERT INTO patients (id, mrn, family, given, middle, suffix, preferred_name, birth_date, sex_at_birth, phone, email_key, doc, version, created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 'bench', ?, 'bench')`,
    );
    const btimes: number[] = [];
    const base = HUB_SPACE_START + REG_PRELOAD + 1000;
    for (let i = 0; i < REGISTRATIONS; i++) {
      const p = docs[i % docs.length]!;
      const now = new Date().toISOString();
      const t0 = performance.now();
      ins.run(newId(), formatMrn(base + i), p.name.family, p.name.given, p.name.middle, p.name.suffix, p.preferredName, p.birthDate, p.sexAtBirth, '', '', JSON.stringify(p), now, now);
      btimes.push(performance.now() - t0);
    }
    const b = stats(btimes);

    // The same registrations without fsync, to show what durability costs on this disk.
    db.pragma('synchronous = OFF');
    const gen2 = new PatientGenerator(4, { duplicateRate: 0 });
    const offTimes: number[] = [];
    for (let i = 0; i < Math.min(200, REGISTRATIONS); i++) {
      const doc = patientInputSchema.parse(gen2.next());
      const t0 = performance.now();
      const r = await app.dispatcher.call(key, 'patients.register', { patient: doc });
      if (r.ok) offTimes.push(performance.now() - t0);
    }
    db.pragma('synchronous = FULL');
    const off = stats(offTimes);

    emit({
      bench: 'registration-commit',
      preloaded: REG_PRELOAD,
      registrations: times.length,
      refused_as_duplicates: refused,
      synchronous: 'FULL',
      p50_ms: round(s.p50),
      p99_ms: round(s.p99),
      mean_ms: round(s.mean),
      baseline: 'bare-insert-sync-full',
      baseline_p50_ms: round(b.p50),
      baseline_p99_ms: round(b.p99),
      ratio: round(s.p50 / b.p50, 1),
      ratio_of: 'p50 / baseline_p50',
      sync_off_p50_ms: round(off.p50),
    });
  } finally {
    app.close();
    cleanup(dir);
  }
}

async function main() {
  const t0 = performance.now();
  benchSearch();
  if (process.env.BENCH_ONLY === 'search') return progress(`done in ${Math.round((performance.now() - t0) / 1000)} s`);
  await benchRegistration();
  // sync (issue 3): tests/bench/sync.ts; BENCH_SYNC_OPS (10000), BENCH_PULL_CHANGES (100000)
  await benchOutageCatchUp(emit, progress, env('BENCH_SYNC_OPS', 10_000));
  await benchPullFreshDesk(emit, progress, env('BENCH_PULL_CHANGES', 100_000));
  // visits (issue 4): tests/bench/board.ts; BENCH_BOARD_APPTS (2000), BENCH_BOARD_OTHER_DAYS (10), BENCH_BOARD_PATIENTS (20000)
  await benchBoard(emit, progress);
  // schedule feed (issue 4): tests/bench/siu.ts; BENCH_SIU_MESSAGES (100), BENCH_SIU_ROUNDS (3)
  await benchSiu(emit, progress);
  // payments (issue 5): tests/bench/eod.ts; BENCH_EOD_PAYMENTS (5000), BENCH_EOD_DAYS (6), BENCH_EOD_RUNS (40)
  await benchEod(emit, progress);
  progress(`done in ${Math.round((performance.now() - t0) / 1000)} s`);
}

main().catch((e) => {
  process.stderr.write(`[bench] failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
