/**
 * A clinic for the fault suite: one real hub, N real desks (real SQLite files, real dispatcher, real sync engine
 * in-process), a seeded workload of clerk commands recorded in a History, and the end-of-run checks.
 *
 * Cost control (the suite runs hundreds of schedules on one PGlite hub):
 *   - desks are copies of template stores set up once (setup.initialize hashes a password with argon2: ~0.2 s each);
 *     a copy keeps the template's desk id, so the hub is reset (TRUNCATE, ~60 ms) before each schedule instead of
 *     being started anew (a PGlite start costs ~1 s);
 *   - the clerk's session is started on the desk's session table (as a successful sign-in does) instead of checking
 *     the password again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createDeskApp, type DeskApp } from '../../electron/app.js';
import type { Clock } from '../../electron/store/store.js';
import type { DeskSyncLocal } from '../../electron/sync/local.js';
import { createHttpTransport, type HubTransport, type SyncEngine, type SyncEngineOptions } from '../../electron/sync/engine.js';
import { PatientGenerator, Rng } from '../../electron/demo/generator.js';
import type { PatientInput } from '../../shared/domain/patient.js';
import type { HubDb } from '../../hub/db.js';
import { createCode, tempDir, type TestHub } from '../hub/support.js';
import { History, lastSeq, readOutbox, checkHistory, type OpType } from './fault-history.js';
import { deskDump, diffDumps, hubDump } from './fault-dump.js';

export class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const SESSION = 'fault:clerk';

/** Set-up desk stores to copy (each: site + its own administrator `admin<i>`), made once per process. */
export async function makeDeskTemplates(n: number, baseDir = tempDir('accessdesk-fault-templates-')): Promise<string[]> {
  const dirs: string[] = [];
  for (let i = 0; i < n; i++) {
    const dir = path.join(baseDir, `desk${i}`);
    const app = createDeskApp(dir);
    const r = await app.dispatcher.call('setup', 'setup.initialize', {
      siteName: 'Riverside Clinic',
      timeZone: 'America/Chicago',
      deskLabel: `Front desk ${i + 1}`,
      admin: { username: `admin${i + 1}`, displayName: `Admin ${i + 1}`, password: 'correct horse battery' },
    });
    if (!r.ok) throw new Error(`template setup: ${r.error.message}`);
    app.close(); // checkpoints the WAL into the file
    dirs.push(dir);
  }
  return dirs;
}

/** Empties every hub table except its identity and migrations: a fresh clinic on the running hub. */
export async function resetHub(db: HubDb): Promise<void> {
  const tables = (await db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)).rows
    .map((r) => r.tablename)
    .filter((t) => !['schema_migrations', 'hub_meta', 'hub_counters'].includes(t));
  await db.write(async (tx) => {
    await tx.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
    await tx.query(`UPDATE hub_counters SET value = CASE name WHEN 'server_seq' THEN 0 WHEN 'mrn_next' THEN 4000000 ELSE value END`);
  });
}

export interface ClusterDesk {
  index: number;
  dir: string;
  app: DeskApp;
  clock: ManualClock;
  local: DeskSyncLocal;
  engine: SyncEngine;
  deskId: string;
  round: Promise<unknown> | null;
}

export interface ClusterOptions {
  hub: TestHub;
  /** URL the desks use (the hub itself, or a fault proxy in front of it) */
  hubUrl: string;
  certPem?: string;
  templates: string[];
  /** wraps each desk's real transport (fault injection) */
  wrap?: (desk: number, t: HubTransport) => HubTransport;
  /** per desk clock offset from the real time (ms) */
  skewMs?: number[];
  engine?: SyncEngineOptions;
  timeoutMs?: number;
}

export class Cluster {
  readonly desks: ClusterDesk[] = [];
  readonly history = new History();
  /** after check(): merges/undos the hub refused as link conflicts (rejected outbox rows, all desks) */
  linkRefusals = 0;
  private gen!: PatientGenerator;
  private userN = 0;
  constructor(
    readonly opts: ClusterOptions,
    readonly rng: Rng,
  ) {}

  async open(workDir: string): Promise<void> {
    this.gen = new PatientGenerator(this.rng.int(1, 2 ** 30), { duplicateRate: 0.05 });
    for (let i = 0; i < this.opts.templates.length; i++) {
      const dir = path.join(workDir, `desk${i}`);
      fs.cpSync(this.opts.templates[i]!, dir, { recursive: true });
      const clock = new ManualClock(Date.now() + (this.opts.skewMs?.[i] ?? 0));
      const timeoutMs = this.opts.timeoutMs ?? 10_000;
      const app = createDeskApp(dir, {
        clock,
        sync: {
          mode: 'in-process',
          autoStart: false,
          allowInsecureHub: true,
          engine: { reviewItemsEveryMs: 3_600_000, random: () => 0.5, ...this.opts.engine },
          transportFactory: (c) => {
            const real = createHttpTransport({ ...c, timeoutMs });
            return this.opts.wrap ? this.opts.wrap(i, real) : real;
          },
        },
      });
      const admin = app.store.db.prepare<[], { id: string; display_name: string }>(`SELECT id, display_name FROM users WHERE role = 'administrator' ORDER BY created_at LIMIT 1`).get()!;
      app.sessions.start(SESSION, { userId: admin.id, userName: admin.display_name, role: 'administrator' });
      // enrollment as an administrator does it at the desk: hub address, one-time code, the hub's fingerprint
      const code = await createCode(this.opts.hub);
      const fingerprint = this.opts.hubUrl.startsWith('https:') ? this.opts.hub.fingerprint : '';
      const en = await app.dispatcher.call(SESSION, 'sync.enroll', { hubUrl: this.opts.hubUrl, code, fingerprint });
      if (!en.ok) throw new Error(`enroll desk ${i}: ${en.error.code} ${en.error.message}`);
      const engine = app.sync.engine;
      if (!engine) throw new Error('the desk has no in-process sync engine after enrollment');
      const local = app.sync.local;
      this.desks.push({ index: i, dir, app, clock, local, engine, deskId: app.store.deskId, round: null });
    }
  }

  async close(): Promise<void> {
    for (const d of this.desks) {
      await d.app.sync.stop();
      d.app.close();
    }
  }

  /** Starts a sync round on desk `i` unless one is running. */
  startRound(i: number): void {
    const d = this.desks[i]!;
    if (d.round) return;
    d.round = d.app.sync.syncOnce().finally(() => {
      d.round = null;
    });
  }

  async settleRounds(): Promise<void> {
    await Promise.all(this.desks.map((d) => d.round).filter(Boolean));
  }

  // ---- clerk commands ---------------------------------------------------------------------------------------------

  private async command(i: number, f: OpType, method: string, input: unknown, entityOf: (v: unknown) => string, entityHint: string | null = null): Promise<{ ok: boolean; code?: string; data?: unknown }> {
    const d = this.desks[i]!;
    d.clock.advance(this.rng.int(1, 3000));
    const op = this.history.invoke(i, f, entityHint);
    const before = lastSeq(d.app.store.db);
    const r = await d.app.dispatcher.call(SESSION, method, input);
    const wrote = d.app.store.db.prepare<[number], { op_id: string }>('SELECT op_id FROM outbox WHERE desk_seq > ? ORDER BY desk_seq').all(before).map((x) => x.op_id);
    if (r.ok) {
      this.history.ok(op, entityOf(r.value), wrote);
      return { ok: true };
    }
    this.history.fail(op, r.error.code, wrote);
    return { ok: false, code: r.error.code, data: (r.error as { data?: unknown }).data };
  }

  async register(i: number): Promise<void> {
    const patient = this.gen.next();
    const r = await this.command(i, 'register', 'patients.register', { patient }, (v) => (v as { patient: { id: string } }).patient.id);
    if (!r.ok && r.code === 'DUPLICATE_SUSPECTED') {
      const matches = ((r.data as { matches?: { patient: { id: string } }[] })?.matches ?? []).map((m) => m.patient.id);
      await this.command(i, 'register', 'patients.register', { patient, override: { reason: 'Different person, checked with the patient', matchIds: matches } }, (v) => (v as { patient: { id: string } }).patient.id);
    }
  }

  /** Edits a patient this desk holds (its own or synced from another desk): a non-identity or an identity field. */
  async edit(i: number): Promise<void> {
    const db = this.desks[i]!.app.store.db;
    const ids = db.prepare<[], { id: string }>('SELECT id FROM patients WHERE merged_into IS NULL ORDER BY id').all();
    if (ids.length === 0) return this.register(i);
    const id = this.rng.pick(ids).id;
    const row = db.prepare<[string], { doc: string; version: number }>('SELECT doc, version FROM patients WHERE id = ?').get(id)!;
    const before = JSON.parse(row.doc) as PatientInput;
    let doc = before;
    // a clerk's save that changes nothing writes nothing: always change something
    for (let k = 0; k < 20 && JSON.stringify(doc) === row.doc; k++) doc = this.mutate(before);
    const res = await this.command(i, 'edit', 'patients.update', { id, baseVersion: row.version, patient: doc }, () => id, id);
    if (!res.ok && res.code === 'DUPLICATE_SUSPECTED') {
      const matches = ((res.data as { matches?: { patient: { id: string } }[] })?.matches ?? []).map((m) => m.patient.id);
      await this.command(i, 'edit', 'patients.update', { id, baseVersion: row.version, patient: doc, override: { reason: 'Different person, checked with the patient', matchIds: matches } }, () => id, id);
    }
  }

  private mutate(before: PatientInput): PatientInput {
    const doc = structuredClone(before);
    const r = this.rng;
    const n = r.int(1000, 9999);
    switch (r.int(0, 5)) {
      case 0:
        doc.phones = [{ use: 'mobile', number: `(217) 555-${n}`, smsConsent: r.chance(0.5) }];
        break;
      case 1:
        doc.email = `p${n}@example.org`;
        break;
      case 2:
        doc.addresses = [{ use: 'home', line1: `${n} Elm Street`, line2: '', city: 'Springfield', state: 'IL', postalCode: '62704', country: 'US' }];
        break;
      case 3:
        doc.preferredName = r.pick(['Liz', 'Bob', 'Kate', 'Tom', 'Ana', '']);
        break;
      case 4:
        doc.name = { ...doc.name, middle: r.pick(['Ann', 'Lee', 'Marie', 'J', '']) }; // identity field
        break;
      default:
        doc.maritalStatus = r.pick(['S', 'M', 'D', 'W']);
    }
    return doc;
  }

  async createUser(i: number): Promise<void> {
    const k = ++this.userN;
    await this.command(
      i,
      'user.create',
      'users.create',
      { username: `clerk${i + 1}x${k}`, displayName: `Clerk ${k}`, role: 'clerk', password: 'correct horse battery' },
      (v) => (v as { user: { id: string } }).user.id,
    );
  }

  async updateUser(i: number): Promise<void> {
    const db = this.desks[i]!.app.store.db;
    const users = db.prepare<[], { id: string; role: string; active: number }>(`SELECT id, role, active FROM users WHERE role <> 'administrator' ORDER BY id`).all();
    if (users.length === 0) return;
    const u = this.rng.pick(users);
    await this.command(i, 'user.update', 'users.update', { id: u.id, displayName: `Clerk ${this.rng.int(100, 999)}-${++this.userN}`, role: u.role, active: u.active === 1 }, () => u.id, u.id);
  }

  /**
   * A supervisor merges two live records this desk holds (the session is the desk's administrator, which has the
   * supervisor's rights): the duplicate is one no other record is merged into (else the desk refuses it as a chain),
   * the survivor another live record. Both are picked among the oldest records (ids are UUIDv7: by registration
   * time), the ones every desk holds, so that desks merge the same records differently while partitioned; the hub
   * then refuses the later merge (a link conflict, settled by the hub's 'patient.links'): checkHistory knows that
   * outcome. Half the time a supervisor at another desk works the same duplicate at the same moment (before any
   * sync) and merges it into another survivor: a conflict the hub must settle whatever the network does.
   */
  async merge(i: number, rival = true): Promise<void> {
    const db = this.desks[i]!.app.store.db;
    const live = db.prepare<[], { id: string }>('SELECT id FROM patients WHERE merged_into IS NULL ORDER BY id').all();
    const free = db
      .prepare<[], { id: string }>('SELECT id FROM patients p WHERE merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM patients q WHERE q.merged_into = p.id) ORDER BY id')
      .all();
    if (live.length < 2 || free.length === 0) return this.register(i);
    // a duplicate another desk holds unlinked too, when there is one: the one a rival supervisor can merge as well
    const holders = (id: string) => this.desks.filter((d) => d.index !== i && d.app.store.db.prepare<[string], { n: number }>('SELECT COUNT(*) n FROM patients WHERE id = ? AND merged_into IS NULL').get(id)!.n > 0);
    const shared = free.filter((r) => holders(r.id).length > 0);
    const mergedId = this.rng.pick((shared.length > 0 ? shared : free).slice(0, 3)).id;
    const survivors = live.filter((r) => r.id !== mergedId);
    const survivorId = this.rng.pick(survivors.slice(0, 4)).id;
    await this.command(i, 'merge', 'patients.merge', { survivorId, mergedId, reason: 'Same person (fault suite)' }, () => mergedId, mergedId);
    const rivals = holders(mergedId);
    if (!rival || rivals.length === 0 || !this.rng.chance(0.5)) return;
    const j = this.rng.pick(rivals).index;
    const dbj = this.desks[j]!.app.store.db;
    const others = dbj.prepare<[string, string], { id: string }>('SELECT id FROM patients WHERE merged_into IS NULL AND id NOT IN (?, ?) ORDER BY id LIMIT 4').all(mergedId, survivorId);
    if (others.length === 0) return;
    const otherSurvivor = this.rng.pick(others).id;
    await this.command(j, 'merge', 'patients.merge', { survivorId: otherSurvivor, mergedId, reason: 'Same person (fault suite, other desk)' }, () => mergedId, mergedId);
  }

  /** A supervisor undoes a merge this desk holds (a merge made here or pulled from another desk). */
  async unmerge(i: number): Promise<void> {
    const db = this.desks[i]!.app.store.db;
    const merged = db.prepare<[], { id: string }>('SELECT id FROM patients WHERE merged_into IS NOT NULL ORDER BY id').all();
    if (merged.length === 0) return this.merge(i, false);
    const mergedId = this.rng.pick(merged).id;
    await this.command(i, 'unmerge', 'patients.unmerge', { mergedId, reason: 'Not the same person (fault suite)' }, () => mergedId, mergedId);
  }

  /**
   * One random clerk action at desk `i`. `linkRate`: the share of actions that are a supervisor's merge or undo
   * (60 % merges, 40 % undos); 0 draws nothing extra, so a schedule without merges is the one it always was.
   */
  async randomWrite(i: number, userOps = true, linkRate = 0): Promise<void> {
    if (linkRate > 0 && this.rng.chance(linkRate)) return this.rng.chance(0.6) ? this.merge(i) : this.unmerge(i);
    const x = this.rng.float();
    if (x < 0.45) return this.register(i);
    if (x < 0.9 || !userOps) return this.edit(i);
    if (x < 0.93) return this.createUser(i);
    return this.updateUser(i);
  }

  // ---- the end ------------------------------------------------------------------------------------------------------

  /** Rounds on every desk, in turn, until every outbox is acknowledged and every desk has pulled up to the hub's head. */
  async quiesce(maxPasses = 12): Promise<string[]> {
    await this.settleRounds();
    let lastErr: string[] = [];
    for (let pass = 0; pass < maxPasses; pass++) {
      lastErr = [];
      for (const d of this.desks) {
        const r = await d.app.sync.syncOnce();
        if (!r.ok) lastErr.push(`desk ${d.index}: ${r.error?.code} ${r.error?.message}`);
      }
      const head = await this.hubHead();
      const pending = this.desks.reduce((n, d) => n + d.local.counts().pending, 0);
      if (pending === 0 && lastErr.length === 0 && this.desks.every((d) => d.local.cursor() === head)) return [];
    }
    return [`no quiescence after ${maxPasses} passes`, ...lastErr];
  }

  async hubHead(): Promise<number> {
    return Number((await this.opts.hub.db.query<{ n: unknown }>('SELECT COALESCE(MAX(server_seq), 0) AS n FROM changes')).rows[0]?.n ?? 0);
  }

  /** Everything the suite asserts after quiescence; returns the violations (empty = all good). */
  async check(): Promise<string[]> {
    const bad: string[] = [];
    const hub = this.opts.hub;
    const head = await this.hubHead();
    const hd = await hubDump(hub.db);
    for (const d of this.desks) {
      bad.push(...diffDumps('hub', hd, `desk ${d.index}`, deskDump(d.app.store.db)));
      // merges/undos the hub refused as link conflicts are legitimate (checkHistory holds them to the whole refusal)
      const rejected = d.app.store.db
        .prepare<[], { n: number }>(`SELECT COUNT(*) n FROM outbox WHERE rejected_reason IS NOT NULL AND NOT (kind IN ('patient.merged', 'patient.unmerged') AND rejected_reason = 'data-error')`)
        .get()!.n;
      if (rejected > 0) bad.push(`desk ${d.index}: ${rejected} ops rejected by the hub`);
      this.linkRefusals += d.app.store.db.prepare<[], { n: number }>(`SELECT COUNT(*) n FROM outbox WHERE rejected_reason IS NOT NULL`).get()!.n - rejected;
      if (d.local.cursor() !== head) bad.push(`desk ${d.index}: cursor ${d.local.cursor()}, hub head ${head}`);
      const parked = (d.app.store.db.prepare('SELECT COUNT(*) n FROM sync_parked').get() as { n: number }).n;
      if (parked > 0) bad.push(`desk ${d.index}: ${parked} pulled changes parked`);
      const st = d.engine.status();
      if (st.state === 'refused') bad.push(`desk ${d.index}: refused by the hub: ${st.refusal?.code} ${st.refusal?.message}`);
      const ic = d.app.store.db.pragma('integrity_check', { simple: true });
      if (ic !== 'ok') bad.push(`desk ${d.index}: integrity_check ${String(ic)}`);
    }
    bad.push(...(await checkHistory({ history: this.history, hub: hub.db, desks: this.desks.map((d) => ({ deskId: d.deskId, outbox: readOutbox(d.app.store.db) })) })));
    if (this.history.acknowledged.length === 0) bad.push('the schedule acknowledged no operation (a run that tests nothing)');
    return bad;
  }
}

export { Rng };
