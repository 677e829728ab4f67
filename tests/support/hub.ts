/**
 * Sync test support: a real hub (tests/hub/support.ts: the real service + HTTPS server on 127.0.0.1, PGlite from a
 * cached migrated template) and real desks (createDeskApp on a temp data dir, real dispatcher) enrolled with it
 * through the API ('sync.enroll' with the hub's fingerprint).
 *
 * Desks default to the in-process engine with autoStart off, so a test decides exactly when each desk syncs
 * (`desk.sync()`); pass `mode: 'worker', autoStart: true` to run the app's real worker thread and schedule.
 */
import fs from 'node:fs';
import { createDeskApp, type DeskApp, type DeskAppOptions } from '../../electron/app.js';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api/contract.js';
import type { ApiResult } from '../../shared/api/errors.js';
import { canonicalJson } from '../../shared/sync/patient-merge.js';
import type { SyncRoundResult } from '../../electron/sync/engine.js';
import type { Clock } from '../../electron/store/store.js';
import { LogSink, createCode, settlingDb, startTestHub, tempDir, type TestHub } from '../hub/support.js';
import { startHub, type RunningHub } from '../../hub/hub.js';

export { createCode, startTestHub, type TestHub };

export const PASSWORD = 'correct horse battery';

export interface SyncDeskOptions {
  dir?: string;
  clock?: Clock;
  sync?: DeskAppOptions['sync'];
}

export class SyncDesk {
  app: DeskApp;
  readonly dir: string;
  readonly session = 'test:1';
  constructor(
    readonly label: string,
    readonly opts: SyncDeskOptions = {},
  ) {
    this.dir = opts.dir ?? tempDir('accessdesk-syncdesk-');
    this.app = this.open();
  }

  private open(): DeskApp {
    return createDeskApp(this.dir, { clock: this.opts.clock, sync: { mode: 'in-process', autoStart: false, allowInsecureHub: true, engine: { reviewItemsEveryMs: 0 }, ...this.opts.sync } });
  }

  /** Closes and opens the same data directory again (a restart). */
  async reopen(): Promise<void> {
    this.app.close();
    this.app = this.open();
    await this.call('session.signIn', { username: this.username, password: PASSWORD });
  }

  get username(): string {
    return `admin-${this.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }

  raw(method: string, input: unknown): Promise<ApiResult<unknown>> {
    return this.app.dispatcher.call(this.session, method, input);
  }

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const r = await this.app.dispatcher.call(this.session, method, input);
    if (!r.ok) throw new Error(`${this.label} ${method} failed: ${r.error.code} ${r.error.message} ${JSON.stringify(r.error.fields ?? {})}`);
    return r.value as MethodOutput<M>;
  }

  async setup(): Promise<void> {
    await this.call('setup.initialize', { siteName: 'Riverside Clinic', timeZone: 'America/Chicago', deskLabel: this.label, admin: { username: this.username, displayName: `Admin ${this.label}`, password: PASSWORD } });
    await this.call('session.signIn', { username: this.username, password: PASSWORD });
  }

  async enroll(hub: TestHub): Promise<void> {
    const code = await createCode(hub, this.label);
    const https = hub.url.startsWith('https:');
    await this.call('sync.enroll', { hubUrl: hub.url, code, fingerprint: https ? hub.fingerprint : '' });
  }

  /** One sync round; throws when it did not complete. */
  async sync(): Promise<SyncRoundResult> {
    const r = await this.app.sync.syncOnce();
    if (!r.ok) throw new Error(`${this.label} sync failed: ${JSON.stringify(r.error)}`);
    return r;
  }

  count(table: string, where = ''): number {
    return (this.app.store.db.prepare(`SELECT COUNT(*) n FROM ${table} ${where}`).get() as { n: number }).n;
  }

  /** Every patient as (id, mrn, canonical document), sorted: equal arrays = equal patient data. */
  patients(): { id: string; mrn: string; doc: string; mergedInto: string | null }[] {
    return (this.app.store.db.prepare('SELECT id, mrn, doc, merged_into FROM patients ORDER BY id').all() as { id: string; mrn: string; doc: string; merged_into: string | null }[]).map((r) => ({
      id: r.id,
      mrn: r.mrn,
      doc: canonicalJson(JSON.parse(r.doc)),
      mergedInto: r.merged_into,
    }));
  }

  close(): void {
    this.app.close();
  }

  destroy(): void {
    this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A set up and enrolled desk. */
export async function enrolledDesk(hub: TestHub, label: string, opts: SyncDeskOptions = {}): Promise<SyncDesk> {
  const d = new SyncDesk(label, opts);
  await d.setup();
  await d.enroll(hub);
  return d;
}

/** Syncs every desk in turn, twice (the second pass brings everyone what the others pushed in the first). */
export async function converge(desks: SyncDesk[]): Promise<void> {
  for (let pass = 0; pass < 2; pass++) for (const d of desks) await d.sync();
}

/** The hub's patients as (id, mrn, canonical document), sorted like SyncDesk.patients(). */
export async function hubPatients(hub: Pick<TestHub, 'db'>): Promise<{ id: string; mrn: string; doc: string; mergedInto: string | null }[]> {
  const r = await hub.db.query<{ id: string; mrn: string; doc: string; merged_into: string | null }>('SELECT id, mrn, doc, merged_into FROM patients ORDER BY id');
  return r.rows.map((x) => ({ id: x.id, mrn: x.mrn, doc: canonicalJson(JSON.parse(x.doc)), mergedInto: x.merged_into ?? null }));
}

/** A clock that can be moved (and set hours apart from another desk's). */
export class TestClock implements Clock {
  constructor(public offsetMs = 0) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/**
 * A hub that can be stopped and started again on the same data directory and port (an outage): desks keep their
 * pinned address and certificate.
 */
export class RestartableHub {
  private constructor(
    public current: TestHub,
    private running: RunningHub | null,
  ) {}
  static async start(): Promise<RestartableHub> {
    const t = await startTestHub();
    return new RestartableHub(t, null);
  }
  get url(): string {
    return this.current.url;
  }
  /** Settles first, like TestHub's (tests/hub/support.ts settlingDb), before and after a restart. */
  get db(): RunningHub['db'] {
    return this.running ? settlingDb(this.running) : this.current.db;
  }
  get service(): RunningHub['service'] {
    return (this.running ?? this.current).service;
  }
  async count(table: string): Promise<number> {
    const r = await this.db.query<{ n: unknown }>(`SELECT COUNT(*) n FROM ${table}`);
    return Number(r.rows[0]?.n ?? 0);
  }
  async stop(): Promise<void> {
    // close() stops the server, the materialiser (what it had not applied stays logged for the next start) and the db
    if (this.running) await this.running.close();
    else await this.current.close();
    this.running = null;
    this.stopped = true;
  }
  private stopped = false;
  async restart(): Promise<void> {
    if (!this.stopped) throw new Error('stop the hub first');
    // Same database as before the outage: PGlite in the data dir, or the same PostgreSQL schema when the suite
    // runs against a server (HUB_TEST_DATABASE_URL) — a restart onto an empty database would forget every desk.
    this.running = await startHub({ dataDir: this.current.dataDir, ...this.current.database, host: '127.0.0.1', port: this.current.port, log: new LogSink() });
    this.stopped = false;
  }
  async destroy(): Promise<void> {
    if (!this.stopped) {
      if (this.running) await this.running.close();
      else await this.current.close();
    }
    this.current.admin.close();
    fs.rmSync(this.current.dataDir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns true (bounded). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
