/**
 * A real hub for tests: the real service and HTTPS server on 127.0.0.1, on PGlite (default) or on a real PostgreSQL
 * server when HUB_TEST_DATABASE_URL is set (each hub then gets its own schema).
 *
 * Creating a PGlite database (initdb in WebAssembly) takes ~20 s; opening an existing one ~1 s. So a migrated
 * template database is built once per machine (cached in the temp directory, keyed by the migrations' source) and
 * each test hub starts on a copy of it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openHubDb, type HubDb } from '../../hub/db.js';
import { migrateHub } from '../../hub/migrations.js';
import { PGLITE_SUBDIR, startHub, type RunningHub } from '../../hub/hub.js';
import { HubClient } from '../../shared/sync/hub-client.js';
import { newId } from '../../shared/ids.js';
import { decodeHlc, encodeHlc, receiveHlc, tickHlc, type Hlc } from '../../shared/hlc.js';
import { patientInputSchema, type PatientInput } from '../../shared/domain/patient.js';
import { enrollResponseSchema, type EnrollResponse, type RejectedOp, type SyncOp } from '../../shared/sync/protocol.js';
import { patientInput } from '../support/patients.js';

export const PG_URL = process.env.HUB_TEST_DATABASE_URL || undefined;
const PG_URL_ENV = PG_URL;

export function tempDir(prefix = 'accessdesk-hub-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function pgliteTemplate(): Promise<string> {
  // keyed by every hub migration source (core + each domain's hub/<domain>/migrations.ts)
  const hubDir = new URL('../../hub/', import.meta.url);
  const files = ['migrations.ts', ...fs.readdirSync(hubDir, { withFileTypes: true }).filter((d) => d.isDirectory() && fs.existsSync(new URL(`${d.name}/migrations.ts`, hubDir))).map((d) => `${d.name}/migrations.ts`)].sort();
  const src = files.map((f) => fs.readFileSync(new URL(f, hubDir), 'utf8')).join('\n');
  const key = crypto.createHash('sha256').update(src).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `accessdesk-hub-template-${key}`);
  if (fs.existsSync(path.join(dir, 'READY'))) return dir;
  const build = tempDir('accessdesk-hub-template-build-');
  const db = await openHubDb({ pgliteDir: path.join(build, PGLITE_SUBDIR) });
  await migrateHub(db);
  await db.close();
  fs.writeFileSync(path.join(build, 'READY'), '');
  try {
    fs.renameSync(build, dir);
  } catch {
    fs.rmSync(build, { recursive: true, force: true }); // another test process won the race: use its template
  }
  return dir;
}

/** Collects the hub's log lines (JSON) for assertions. */
export class LogSink extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
}

export interface TestHub extends RunningHub {
  logs: LogSink;
  admin: HubClient;
  /** A client with no credential (or a given one). */
  client(credential?: string): HubClient;
  count(table: string): Promise<number>;
  destroy(): Promise<void>;
  /** Where its database lives, so a restart reopens the same one: PostgreSQL (url + schema) or PGlite in dataDir. */
  database: { databaseUrl?: string; schema?: string };
}

/**
 * Tests read (and write) the hub's tables as they are once every acknowledged push is materialised (a push is
 * acknowledged when logged; hub/materialize.ts applies it right after): this `db` settles first. The hub itself keeps
 * its own handle (hub.service.db), so nothing inside the hub waits on this.
 */
export function settlingDb(hub: Pick<RunningHub, 'db' | 'service'>): HubDb {
  return {
    kind: hub.db.kind,
    async query(sql, params) {
      await hub.service.settle();
      return hub.db.query(sql, params);
    },
    async write(fn) {
      await hub.service.settle();
      return hub.db.write(fn);
    },
    close: () => hub.db.close(),
  };
}

/**
 * `databaseUrl`: a PostgreSQL server for this hub (default HUB_TEST_DATABASE_URL); null = embedded PGlite.
 * `now`: the hub's clock (tests put it hours or minutes away from the desks' clocks).
 */
export async function startTestHub(opts: { insecureHttp?: boolean; dataDir?: string; databaseUrl?: string | null; now?: () => Date } = {}): Promise<TestHub> {
  const PG_URL = opts.databaseUrl === undefined ? PG_URL_ENV : opts.databaseUrl ?? undefined;
  const dataDir = opts.dataDir ?? tempDir();
  if (!PG_URL && !fs.existsSync(path.join(dataDir, PGLITE_SUBDIR))) {
    fs.cpSync(path.join(await pgliteTemplate(), PGLITE_SUBDIR), path.join(dataDir, PGLITE_SUBDIR), { recursive: true });
  }
  const logs = new LogSink();
  const schema = PG_URL ? `hub_t_${crypto.randomBytes(6).toString('hex')}` : undefined;
  const hub = await startHub({ dataDir, databaseUrl: PG_URL, schema, host: '127.0.0.1', port: 0, insecureHttp: opts.insecureHttp, log: logs, now: opts.now });
  const mk = (extra: { credential?: string; adminToken?: string }) =>
    new HubClient({ baseUrl: hub.url, certPem: hub.url.startsWith('https:') ? hub.certPem : undefined, ...extra });
  const clients: HubClient[] = [];
  const admin = mk({ adminToken: hub.adminToken });
  clients.push(admin);
  const db = settlingDb(hub);
  return {
    ...hub,
    db,
    logs,
    admin,
    database: { databaseUrl: PG_URL, schema },
    client(credential?: string) {
      const c = mk({ credential });
      clients.push(c);
      return c;
    },
    async count(table: string) {
      const r = await db.query<{ n: unknown }>(`SELECT COUNT(*) n FROM ${table}`);
      return Number(r.rows[0]?.n ?? 0);
    },
    async destroy() {
      for (const c of clients) c.close();
      await hub.close();
      if (schema && PG_URL) {
        const { default: pg } = await import('pg');
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface EnrolledDesk extends EnrollResponse {
  client: HubClient;
}

export async function createCode(hub: TestHub, deskLabel?: string): Promise<string> {
  const r = await hub.admin.raw('POST', '/admin/enrollment-codes', deskLabel ? { deskLabel } : {}, 'admin');
  if (r.status !== 200) throw new Error(`code: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { code: string }).code;
}

export async function enrollDesk(hub: TestHub, label = 'Front desk', deskId = newId()): Promise<EnrolledDesk> {
  const code = await createCode(hub);
  const res = enrollResponseSchema.parse((await hub.client().raw('POST', '/enroll', { code, deskId, deskLabel: label }, 'none')).body);
  return { ...res, client: hub.client(res.deskCredential) };
}

/**
 * The desk's own ops the hub rejected, as the desk learns them: rejected echoes in its pull (a push is acknowledged
 * once logged, then materialised). `among`: only these ops, in their order.
 */
export async function rejectedEchoes(hub: TestHub, desk: EnrolledDesk, among?: { opId: string; seq: number }[]): Promise<RejectedOp[]> {
  await hub.service.settle();
  const out: RejectedOp[] = [];
  for (let cursor = 0; ; ) {
    const page = await desk.client.pull(cursor, 1000);
    for (const c of page.changes) {
      if (c.rejected && c.deskId === desk.deskId) out.push({ opId: c.opId, seq: among?.find((o) => o.opId === c.opId)?.seq ?? -1, reason: c.rejected.reason, message: c.rejected.message });
    }
    if (!page.hasMore) break;
    cursor = page.cursor;
  }
  return among ? out.filter((x) => among.some((o) => o.opId === x.opId)) : out;
}

/**
 * Makes ops as a desk's outbox would: consecutive seq per epoch, HLC ticked from a settable wall clock
 * (`wallMs`, so two desks can run hours apart), with `receive` to merge a remote HLC as a desk does on pull.
 */
export class OpMaker {
  seq: number;
  wallMs: number;
  private hlc: Hlc | null = null;
  constructor(
    readonly deskId: string,
    readonly epoch = 1,
    startSeq = 1,
    wallMs = Date.UTC(2026, 0, 5, 9, 0, 0),
  ) {
    this.seq = startSeq;
    this.wallMs = wallMs;
  }
  /** Merge a remote HLC (as the desk does when it applies a pulled change). */
  receive(encoded: string): void {
    this.hlc = receiveHlc(this.hlc, decodeHlc(encoded), this.wallMs, this.deskId);
  }
  op(kind: string, entityId: string, payload: unknown, opId = newId()): SyncOp {
    this.hlc = tickHlc(this.hlc, this.wallMs, this.deskId);
    this.wallMs += 1000;
    return { opId, deskId: this.deskId, epoch: this.epoch, seq: this.seq++, kind, entityId, payload, hlc: encodeHlc(this.hlc), schemaVersion: 1 };
  }
  register(doc: PatientInput, mrn: string, id = newId()): SyncOp {
    return this.op('patient.registered', id, { id, mrn, version: 1, doc });
  }
  update(id: string, baseVersion: number, changes: Record<string, unknown>): SyncOp {
    return this.op('patient.updated', id, { id, baseVersion, version: baseVersion + 1, changes });
  }
}

export function doc(over: Parameters<typeof patientInput>[0] = {}): PatientInput {
  return patientInputSchema.parse(patientInput(over));
}

/** Local-slot MRNs (serial < 4,000,000) for tests: formatted with the real check digit. */
export { formatMrn } from '../../shared/patients/mrn-format.js';
