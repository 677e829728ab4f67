/**
 * Crash suite (issue 3; reliability checklist D2/D3): a real desk process (tests/crash/desk-child.ts, bundled once
 * with esbuild so a start costs ~0.3 s instead of tsx's ~1 s) writes through the dispatcher and syncs with a real
 * HTTPS hub; the parent kills it with SIGKILL at seeded points — a random time after start, a few ms after a command
 * began (mid-transaction), or during a sync round (mid-push or mid-pull) — CRASH_ITERATIONS times (default 100).
 * A second desk keeps registering patients at the hub between runs, so the killed desk is often pulling when it dies.
 *
 * After every kill, on the store file: PRAGMA integrity_check = ok; every write the child acknowledged (reported
 * after its command returned) is there with its outbox ops; nothing is half-applied (every patient row has its
 * version row, every outbox op its entity); the audit hash chain verifies; and pulled pages are all-or-nothing with
 * the cursor: another desk's patient is on this desk iff its change is at or below the stored cursor.
 * At the end the desk syncs to quiescence and every acknowledged write is at the hub exactly once, and the hub, this
 * desk and the other desk hold identical data.
 *
 * Reproduce: CRASH_SEED=<seed> (printed on failure).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDeskApp, type DeskApp } from '../../electron/app.js';
import { DB_FILE } from '../../electron/store/db.js';
import { verifyAuditChain } from '../../electron/audit/chain.js';
import { Rng } from '../../electron/demo/generator.js';
import { PatientGenerator } from '../../electron/demo/generator.js';
import { createCode, startTestHub, tempDir, type TestHub } from '../hub/support.js';
import { deskDump, diffDumps, hubDump } from '../support/fault-dump.js';

const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 100);
const SEED = Number(process.env.CRASH_SEED ?? 7_340_033);
const ROOT = path.resolve(import.meta.dirname, '../..');
// inside the repository so the bundle's bare imports (better-sqlite3, zod, ...) resolve from node_modules
const BUNDLE_DIR = path.join(ROOT, 'node_modules', '.cache', 'accessdesk-crash');

interface Ack {
  k: 'register' | 'edit';
  id: string;
  version: number;
  opIds: string[];
  run: number;
}

let hub: TestHub;
let work: string;
let bundle: string;
let deskDir: string;
let other: DeskApp;
const SESSION = 'crash:admin';

async function setUpDesk(dir: string, label: string, username: string, opts: { keepOpen: boolean }): Promise<DeskApp> {
  const app = createDeskApp(dir, { sync: { mode: 'in-process', autoStart: false, engine: { reviewItemsEveryMs: 3_600_000 } } });
  const s = await app.dispatcher.call(SESSION, 'setup.initialize', {
    siteName: 'Riverside Clinic',
    timeZone: 'America/Chicago',
    deskLabel: label,
    admin: { username, displayName: label, password: 'correct horse battery' },
  });
  if (!s.ok) throw new Error(s.error.message);
  const signIn = await app.dispatcher.call(SESSION, 'session.signIn', { username, password: 'correct horse battery' });
  if (!signIn.ok) throw new Error(signIn.error.message);
  const e = await app.dispatcher.call(SESSION, 'sync.enroll', { hubUrl: hub.url, code: await createCode(hub), fingerprint: hub.fingerprint });
  if (!e.ok) throw new Error(`enroll: ${e.error.message}`);
  if (!opts.keepOpen) app.close();
  return app;
}

beforeAll(async () => {
  work = tempDir('accessdesk-crash-');
  fs.mkdirSync(BUNDLE_DIR, { recursive: true });
  bundle = path.join(BUNDLE_DIR, `desk-child-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(ROOT, 'tests/crash/desk-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // natives stay outside (resolved from node_modules); bundling the rest saves ~0.1 s of module loading per start
    external: ['better-sqlite3', '@node-rs/argon2'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    outfile: bundle,
    logLevel: 'warning',
  });
  hub = await startTestHub();
  deskDir = path.join(work, 'desk-a');
  await setUpDesk(deskDir, 'Front desk 1', 'admin1', { keepOpen: false });
  other = await setUpDesk(path.join(work, 'desk-b'), 'Front desk 2', 'admin2', { keepOpen: true });
}, 180_000);

afterAll(async () => {
  other?.close();
  await hub?.destroy();
  if (bundle) fs.rmSync(bundle, { force: true });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string[];
  /** resolves when a line matching `pred` has arrived (count-th time) */
  waitFor(pred: (l: string) => boolean, count?: number, timeoutMs?: number): Promise<boolean>;
}

function startChild(seed: number, mode: 'run' | 'final'): Run {
  const child = spawn(process.execPath, [bundle, deskDir, String(seed), mode], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ACCESSDESK_LOG_LEVEL: 'error' } });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: { pred: (l: string) => boolean; left: number; resolve: (v: boolean) => void }[] = [];
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pred(line) && --w.left === 0) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(true);
        }
      }
    }
  });
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => {
    for (const w of waiters.splice(0)) w.resolve(false);
  });
  return {
    child,
    lines,
    stderr,
    exited,
    waitFor(pred, count = 1, timeoutMs = 5000) {
      const seen = lines.filter(pred).length;
      if (seen >= count) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const w = { pred, left: count - seen, resolve };
        waiters.push(w);
        setTimeout(() => {
          const j = waiters.indexOf(w);
          if (j >= 0) {
            waiters.splice(j, 1);
            resolve(false);
          }
        }, timeoutMs).unref();
      });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Checks the killed desk's store file; returns the violations. */
function verifyStore(acks: Ack[], otherRegs: Map<string, number>): string[] {
  const bad: string[] = [];
  const db = new Database(path.join(deskDir, DB_FILE));
  try {
    const ic = db.pragma('integrity_check', { simple: true });
    if (ic !== 'ok') bad.push(`integrity_check: ${String(ic)}`);
    const hasVersion = db.prepare<[string, number], { n: number }>('SELECT COUNT(*) n FROM patient_versions WHERE patient_id = ? AND version = ?');
    const hasOp = db.prepare<[string], { n: number }>('SELECT COUNT(*) n FROM outbox WHERE op_id = ?');
    const hasPatient = db.prepare<[string], { n: number }>('SELECT COUNT(*) n FROM patients WHERE id = ?');
    for (const a of acks) {
      if (hasPatient.get(a.id)!.n !== 1) bad.push(`acknowledged ${a.k} of ${a.id} (run ${a.run}): patient missing`);
      else if (hasVersion.get(a.id, a.version)!.n !== 1) bad.push(`acknowledged ${a.k} of ${a.id} v${a.version} (run ${a.run}): version missing`);
      for (const op of a.opIds) if (hasOp.get(op)!.n !== 1) bad.push(`acknowledged ${a.k} of ${a.id} (run ${a.run}): outbox op ${op} missing`);
      if (a.opIds.length === 0) bad.push(`acknowledged ${a.k} of ${a.id} (run ${a.run}) wrote no outbox op`);
    }
    // nothing half-applied
    const orphans = db
      .prepare<[], { id: string }>('SELECT p.id FROM patients p WHERE NOT EXISTS (SELECT 1 FROM patient_versions v WHERE v.patient_id = p.id AND v.version = p.version)')
      .all();
    for (const o of orphans) bad.push(`patient ${o.id} has no row for its current version`);
    const lonelyOps = db.prepare<[], { op_id: string }>(`SELECT op_id FROM outbox o WHERE kind LIKE 'patient.%' AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.id = o.entity_id)`).all();
    for (const o of lonelyOps) bad.push(`outbox op ${o.op_id} names a patient that is not in the store`);
    const chain = verifyAuditChain(db);
    if (!chain.ok) bad.push(`audit chain broken at seq ${String((chain as { firstBadSeq?: number }).firstBadSeq)}`);
    // pages are applied with their cursor, all or nothing
    const cursor = Number(db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'sync.cursor'`).get()?.value ?? '0');
    for (const [id, seq] of otherRegs) {
      const here = hasPatient.get(id)!.n === 1;
      if (seq <= cursor && !here) bad.push(`the other desk's patient ${id} (change ${seq}) is below the cursor ${cursor} but not here`);
      if (seq > cursor && here) bad.push(`the other desk's patient ${id} (change ${seq}) is here but above the cursor ${cursor}`);
    }
  } finally {
    db.close();
  }
  return bad;
}

describe('desk killed with SIGKILL during writes and sync', () => {
  test(`${ITERATIONS} kills: acknowledged writes survive, store intact, then exactly once at the hub (seed ${SEED})`, async () => {
    const rng = new Rng(SEED);
    const gen = new PatientGenerator(SEED + 1, { duplicateRate: 0 });
    const acks: Ack[] = [];
    const otherRegs = new Map<string, number>(); // the other desk's patients -> their hub change seq
    const plans = { time: 0, write: 0, sync: 0 };
    let killedMidWrite = 0;
    let killedMidSync = 0;
    for (let run = 0; run < ITERATIONS; run++) {
      // the other desk adds a patient now and then, so the killed desk has pages to pull
      if (rng.chance(0.4)) {
        const r = await other.dispatcher.call(SESSION, 'patients.register', { patient: gen.next(), override: { reason: 'Different person, checked with the patient', matchIds: [] } });
        if (r.ok) {
          const id = (r.value as { patient: { id: string } }).patient.id;
          const sr = await other.sync.syncOnce();
          expect(sr.ok, `other desk sync: ${sr.error?.message}`).toBe(true);
          const q = await hub.db.query<{ s: unknown }>(`SELECT c.server_seq AS s FROM changes c JOIN ops o ON o.op_id = c.op_id WHERE o.entity_id = $1 AND o.kind = 'patient.registered'`, [id]);
          otherRegs.set(id, Number(q.rows[0]!.s));
        }
      }
      const tA = performance.now();
      const child = startChild(SEED * 1000 + run, 'run');
      const ready = await child.waitFor((l) => l === 'READY', 1, 15_000);
      if (!ready) throw new Error(`run ${run}: the child did not start: ${child.stderr.join('')}`);
      const tB = performance.now();
      const plan = rng.pick(['time', 'write', 'sync'] as const);
      plans[plan]++;
      if (plan === 'time') await sleep(rng.int(5, 300));
      else if (plan === 'write') {
        await child.waitFor((l) => l.startsWith('WRITE '), rng.int(1, 4), 1000);
        await sleep(rng.int(0, 2));
      } else {
        await child.waitFor((l) => l === 'SYNC', rng.int(1, 2), 1500);
        await sleep(rng.int(0, 30));
      }
      child.child.kill('SIGKILL');
      const ex = await child.exited;
      if (ex.signal !== 'SIGKILL') throw new Error(`run ${run}: the child ended on its own (${ex.code}): ${child.stderr.join('')}`);
      const last = child.lines[child.lines.length - 1] ?? '';
      if (last.startsWith('WRITE ')) killedMidWrite++;
      if (last === 'SYNC') killedMidSync++;
      for (const l of child.lines) if (l.startsWith('ACK ')) acks.push({ ...(JSON.parse(l.slice(4)) as Omit<Ack, 'run'>), run });
      const tC = performance.now();
      const bad = verifyStore(acks, otherRegs);
      if (process.env.CRASH_PROFILE) process.stderr.write(`[crash] run ${run} ${plan} start ${Math.round(tB - tA)} until kill ${Math.round(tC - tB)} verify ${Math.round(performance.now() - tC)} ms; ${child.lines.length} lines\n`);
      expect(bad, `run ${run} (CRASH_SEED=${SEED}, plan ${plan}, last line "${last}")`).toEqual([]);
    }
    process.stderr.write(`[crash] ${ITERATIONS} kills ${JSON.stringify(plans)}, killed mid-write ${killedMidWrite}, mid-sync ${killedMidSync}, acknowledged writes ${acks.length}\n`);
    expect(acks.length).toBeGreaterThan(ITERATIONS / 2);
    if (ITERATIONS >= 50) {
      expect(killedMidWrite).toBeGreaterThan(0);
      expect(killedMidSync).toBeGreaterThan(0);
    }

    // heal: sync to quiescence, then everything acknowledged is at the hub exactly once
    const fin = startChild(SEED, 'final');
    const done = await fin.waitFor((l) => l.startsWith('DONE '), 1, 60_000);
    await fin.exited;
    expect(done, `final sync: ${fin.stderr.join('')} ${fin.lines.slice(-5).join(' | ')}`).toBe(true);
    expect((await other.sync.syncOnce()).ok).toBe(true);

    const a = new Database(path.join(deskDir, DB_FILE));
    try {
      const deskId = a.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'desk_id'`).get()!.value;
      const outbox = a.prepare<[], { op_id: string }>('SELECT op_id FROM outbox').all().map((r) => r.op_id);
      const hubOps = (await hub.db.query<{ op_id: string; status: string; n: unknown }>(`SELECT o.op_id, o.status, (SELECT COUNT(*) FROM changes c WHERE c.op_id = o.op_id) AS n FROM ops o WHERE o.desk_id = $1`, [deskId])).rows;
      const byId = new Map(hubOps.map((r) => [r.op_id, r]));
      const bad: string[] = [];
      for (const ack of acks) {
        for (const op of ack.opIds) {
          const h = byId.get(op);
          if (!h) bad.push(`LOST at the hub: ${ack.k} of ${ack.id} (run ${ack.run}) op ${op}`);
          else if (h.status !== 'applied' || Number(h.n) !== 1) bad.push(`op ${op}: ${h.status}, ${String(h.n)} changes`);
        }
      }
      if (hubOps.length !== outbox.length) bad.push(`hub holds ${hubOps.length} ops of this desk, its outbox ${outbox.length}`);
      for (const op of outbox) if (!byId.has(op)) bad.push(`outbox op ${op} not at the hub`);
      const regs = new Set(acks.filter((x) => x.k === 'register').map((x) => x.id));
      const hubPatients = (await hub.db.query<{ id: string }>('SELECT id FROM patients WHERE registered_desk = $1', [deskId])).rows.map((r) => r.id);
      for (const id of regs) if (!hubPatients.includes(id)) bad.push(`registered patient ${id} not at the hub`);
      const hd = await hubDump(hub.db);
      bad.push(...diffDumps('hub', hd, 'killed desk', deskDump(a)), ...diffDumps('hub', hd, 'other desk', deskDump(other.store.db)));
      expect(bad.slice(0, 30), `CRASH_SEED=${SEED}`).toEqual([]);
    } finally {
      a.close();
    }
  }, 600_000);
});
