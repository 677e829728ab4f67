/**
 * Sync figures for `npm run bench` (issue 3), as JSON lines:
 *
 *   outage-catch-up  A desk enrolled with a real HTTPS hub (PGlite, loopback) works through an outage: BENCH_SYNC_OPS
 *                    (default 10,000) real operations through the dispatcher — half registrations, half edits of
 *                    those patients — all queued in the outbox (no sync round runs meanwhile; MRN blocks were granted
 *                    by the hub before the outage). Then one sync round: every op pushed and acknowledged (the
 *                    round also pulls its own echoes back and tops up MRNs). seconds = the whole round;
 *                    push_seconds = the time spent in push requests; hub_ms_per_op from the push time.
 *                    Baseline in the same run: the same ops (same ids and payload JSON) as BENCH_SYNC_OPS documents
 *                    in a PouchDB database (leveldb) replicated to a PouchDB server (express-pouchdb on leveldb,
 *                    loopback, batch_size 500 like our push batches). ratio = baseline seconds / our seconds.
 *                    Both sides run BENCH_SYNC_ROUNDS times (default 3; fresh hub, desk and PouchDB databases each
 *                    time) and the figure is the median of each. The push is acknowledged once the hub logged it
 *                    (hub/materialize.ts); hub_applied_seconds = until the hub had applied all of them too.
 *                    The hub runs on embedded PGlite (its default). With BENCH_SYNC_POSTGRES_URL (or
 *                    HUB_TEST_DATABASE_URL) set, the same figure is measured again with the hub on that PostgreSQL
 *                    server: a second line, outage-catch-up-postgres, against the same PouchDB baseline (one run).
 *   pull-fresh-desk  BENCH_PULL_CHANGES (default 100,000) changes in the hub's change feed (70 % registrations,
 *                    30 % edits, written straight into the hub's ops/changes tables as a desk's pushes would have
 *                    left them — pushing them through the hub would take far longer than the figure measured) pulled
 *                    by a freshly enrolled desk in one round: pages of 500 applied with their cursor. Also
 *                    pull-fresh-desk-postgres when a PostgreSQL URL is set (as above).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createDeskApp, type DeskApp } from '../../electron/app.js';
import { createHttpTransport, type HubTransport } from '../../electron/sync/engine.js';
import { storeGrantedBlock } from '../../electron/patients/mrn.js';
import { PatientGenerator } from '../../electron/demo/generator.js';
import { FileCredentialStore } from '../../electron/sync/credentials.js';
import { HubClient } from '../../shared/sync/hub-client.js';
import { newId } from '../../shared/ids.js';
import { formatMrn } from '../../shared/patients/mrn-format.js';
import { opContentHash } from '../../hub/service.js';
import { OpMaker, createCode, startTestHub, tempDir, type TestHub } from '../hub/support.js';

type Emit = (o: Record<string, unknown>) => void;
type Progress = (msg: string) => void;

const SESSION = 'bench:admin';
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function newDesk(hub: TestHub, dir: string, label: string, wrap?: (t: HubTransport) => HubTransport): Promise<DeskApp> {
  const app = createDeskApp(dir, {
    sync: { mode: 'in-process', autoStart: false, engine: { reviewItemsEveryMs: 3_600_000 }, transportFactory: (c) => (wrap ? wrap(createHttpTransport(c)) : createHttpTransport(c)) },
  });
  const username = `admin${label.replace(/\W/g, '').toLowerCase()}`;
  const s = await app.dispatcher.call(SESSION, 'setup.initialize', {
    siteName: 'Riverside Clinic',
    timeZone: 'America/Chicago',
    deskLabel: label,
    admin: { username, displayName: label, password: 'correct horse battery' },
  });
  if (!s.ok) throw new Error(s.error.message);
  const si = await app.dispatcher.call(SESSION, 'session.signIn', { username, password: 'correct horse battery' });
  if (!si.ok) throw new Error(si.error.message);
  const e = await app.dispatcher.call(SESSION, 'sync.enroll', { hubUrl: hub.url, code: await createCode(hub), fingerprint: hub.fingerprint });
  if (!e.ok) throw new Error(`enroll: ${e.error.message}`);
  return app;
}

/** MRN blocks for `n` registrations, granted by the hub to this desk (as the sync worker asks for them). */
async function grantBlocks(hub: TestHub, app: DeskApp, n: number): Promise<void> {
  const credential = new FileCredentialStore(app.store.dataDir).load()!;
  const client = new HubClient({ baseUrl: hub.url, certPem: hub.certPem, credential });
  try {
    for (let k = 0; k < Math.ceil(n / 1000) + 1; k++) {
      const b = await client.mrnBlock(newId());
      app.store.remote((tx) => {
        storeGrantedBlock(tx.db, { start: b.start, end: b.end, source: 'hub' });
        tx.audit({ userId: 'system', userName: 'bench' }, { action: 'sync.mrn_block_granted', entityType: 'mrn_block', entityId: String(b.start) });
      });
    }
  } finally {
    client.close();
  }
}

async function pouchBaseline(docs: { _id: string; kind: string; entityId: string; payload: string; hlc: string }[], progress: Progress): Promise<{ seconds: number; written: number }> {
  // express-pouchdb serves a PouchDB constructor over CouchDB's HTTP API; both sides on leveldb (pouchdb-node's default)
  const { default: PouchDB } = await import('pouchdb-node');
  const { default: expressPouchdb } = await import('express-pouchdb');
  const dir = tempDir('accessdesk-bench-pouch-');
  const Server = PouchDB.defaults({ prefix: path.join(dir, 'server') + path.sep });
  fs.mkdirSync(path.join(dir, 'server'), { recursive: true });
  const app = expressPouchdb(Server, { mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: path.join(dir, 'log.txt') });
  const srv = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const port = (srv.address() as AddressInfo).port;
    const local = new PouchDB(path.join(dir, 'desk'));
    for (let i = 0; i < docs.length; i += 500) await local.bulkDocs(docs.slice(i, i + 500));
    progress(`pouchdb: ${docs.length} docs written locally; replicating`);
    const t0 = performance.now();
    const r = await local.replicate.to(`http://127.0.0.1:${port}/hub`, { batch_size: 500 });
    const seconds = (performance.now() - t0) / 1000;
    await local.close();
    return { seconds, written: r.docs_written };
  } finally {
    await new Promise((r) => srv.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** BENCH_SYNC_PROFILE=<file> / BENCH_PULL_PROFILE=<file>: a CPU profile of the catch-up round / the fresh desk's pull alone (desk and PGlite hub share this process). */
async function startProfile(): Promise<{ stop: (file: string) => Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** PostgreSQL for the second figure of each sync bench (none: PGlite only). */
const POSTGRES_URL = process.env.BENCH_SYNC_POSTGRES_URL || process.env.HUB_TEST_DATABASE_URL || null;

/** Rounds of each side of outage-catch-up (BENCH_SYNC_ROUNDS): both vary by seconds on a shared 2-core machine. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_SYNC_ROUNDS ?? 3));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

export async function benchOutageCatchUp(emit: Emit, progress: Progress, ops: number): Promise<void> {
  // each round: a fresh hub and desk, the same generated ops (same seed); the figure is the median round
  const lite: Awaited<ReturnType<typeof outageCatchUp>>[] = [];
  for (let k = 0; k < ROUNDS; k++) lite.push(await outageCatchUp(progress, ops, null));
  const pg = POSTGRES_URL ? await outageCatchUp(progress, ops, POSTGRES_URL) : null;
  // the baseline: the same ops (ids and payload JSON) as PouchDB documents, replicated ROUNDS times in this run
  const pouch: Awaited<ReturnType<typeof pouchBaseline>>[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    progress(`outage-catch-up: PouchDB baseline ${k + 1}/${ROUNDS}`);
    pouch.push(await pouchBaseline(lite[0]!.docs, progress));
  }
  const baselineSeconds = median(pouch.map((p) => p.seconds));
  const mid = lite.find((r) => r.seconds === median(lite.map((x) => x.seconds)))!;
  for (const [name, r, samples] of [['outage-catch-up', mid, lite.map((x) => x.seconds)], ['outage-catch-up-postgres', pg, pg ? [pg.seconds] : []]] as const) {
    if (!r) continue;
    emit({
      bench: name,
      ...r.figure,
      rounds: samples.length,
      seconds_each: samples.map((x) => round(x, 2)),
      baseline: 'pouchdb-replicate',
      baseline_docs: pouch[0]!.written,
      baseline_seconds: round(baselineSeconds, 2),
      baseline_seconds_each: pouch.map((p) => round(p.seconds, 2)),
      ratio: round(baselineSeconds / r.seconds, 2),
      ratio_of: 'median baseline_seconds / median seconds (goal: seconds <= 5 and ratio >= 5)',
    });
  }
}

async function outageCatchUp(
  progress: Progress,
  ops: number,
  databaseUrl: string | null,
): Promise<{ seconds: number; figure: Record<string, unknown>; docs: { _id: string; kind: string; entityId: string; payload: string; hlc: string }[] }> {
  const hub = await startTestHub({ databaseUrl });
  const db = databaseUrl ? 'postgresql' : 'pglite';
  const dir = tempDir('accessdesk-bench-sync-');
  let pushMs = 0;
  let pushes = 0;
  let otherMs = 0;
  const timed = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    const t0 = performance.now();
    try {
      return await f(...a);
    } finally {
      otherMs += performance.now() - t0;
    }
  };
  const timing = (t: HubTransport): HubTransport => ({
    ...t,
    pull: timed(t.pull.bind(t)),
    status: timed(t.status.bind(t)),
    mrnBlock: timed(t.mrnBlock.bind(t)),
    reviewItems: timed(t.reviewItems.bind(t)),
    push: async (req) => {
      const t0 = performance.now();
      try {
        return await t.push(req);
      } finally {
        pushMs += performance.now() - t0;
        pushes++;
      }
    },
  });
  const app = await newDesk(hub, path.join(dir, 'desk'), 'Desk A', timing);
  try {
    const registrations = Math.ceil(ops / 2);
    await grantBlocks(hub, app, registrations);
    const first = await app.sync.syncOnce(); // online before the outage: setup ops pushed
    if (!first.ok) throw new Error(`first sync: ${first.error?.message}`);
    const base = (app.store.db.prepare('SELECT MAX(desk_seq) s FROM outbox').get() as { s: number }).s;

    progress(`outage-catch-up (${db}): ${ops} operations through the dispatcher while the hub is not reached`);
    const gen = new PatientGenerator(4242, { duplicateRate: 0 });
    const ids: string[] = [];
    const tw = performance.now();
    for (let k = 0; k < registrations; k++) {
      const r = await app.dispatcher.call(SESSION, 'patients.register', { patient: gen.next(), override: { reason: 'Bench: generated person', matchIds: [] } });
      if (!r.ok) throw new Error(`register: ${r.error.code} ${r.error.message}`);
      ids.push((r.value as { patient: { id: string } }).patient.id);
    }
    for (let k = 0; k < ops - registrations; k++) {
      const id = ids[k % ids.length]!;
      const row = app.store.db.prepare<[string], { doc: string; version: number }>('SELECT doc, version FROM patients WHERE id = ?').get(id)!;
      const doc = JSON.parse(row.doc) as { email: string; phones: unknown[] };
      doc.email = `bench${k}@example.org`;
      const r = await app.dispatcher.call(SESSION, 'patients.update', { id, baseVersion: row.version, patient: doc, override: { reason: 'Bench: generated person', matchIds: [] } });
      if (!r.ok) throw new Error(`edit: ${r.error.code} ${r.error.message}`);
    }
    const writeSeconds = (performance.now() - tw) / 1000;
    const queued = app.sync.local.counts().pending;
    const rows = app.store.db
      .prepare<[number], { op_id: string; kind: string; entity_id: string; payload: string; hlc: string }>('SELECT op_id, kind, entity_id, payload, hlc FROM outbox WHERE desk_seq > ? ORDER BY desk_seq')
      .all(base);
    progress(`outage-catch-up: ${queued} queued (written in ${round(writeSeconds, 1)} s); hub back: one sync round`);

    const prof = process.env.BENCH_SYNC_PROFILE ? await startProfile() : null;
    const t0 = performance.now();
    const r = await app.sync.syncOnce();
    const seconds = (performance.now() - t0) / 1000;
    if (prof) await prof.stop(process.env.BENCH_SYNC_PROFILE!);
    if (!r.ok) throw new Error(`catch-up round failed: ${r.error?.code} ${r.error?.message}`);
    const left = app.sync.local.counts().pending;
    // acknowledged = logged at the hub; the hub materialises in the background (hub/materialize.ts): until done
    await hub.service.settle();
    const appliedSeconds = (performance.now() - t0) / 1000;
    const atHub = Number((await hub.db.query<{ n: unknown }>('SELECT COUNT(*) n FROM ops WHERE desk_id = $1', [app.store.deskId])).rows[0]!.n);

    progress(`outage-catch-up (${db}): ${r.pushed} acknowledged in ${round(seconds, 1)} s`);
    const docs = rows.map((x) => ({ _id: x.op_id, kind: x.kind, entityId: x.entity_id, payload: x.payload, hlc: x.hlc }));
    const figure = {
      ops: rows.length,
      registrations,
      edits: ops - registrations,
      acknowledged: r.pushed,
      pending_after: left,
      ops_at_hub: atHub,
      seconds: round(seconds, 2),
      ops_per_s: Math.round(rows.length / seconds),
      push_seconds: round(pushMs / 1000, 2),
      push_requests: pushes,
      other_request_seconds: round(otherMs / 1000, 2),
      hub_applied_seconds: round(appliedSeconds, 2),
      hub_ms_per_op: round(pushMs / Math.max(1, r.pushed), 2),
      hub_db: db,
    };
    return { seconds, figure, docs };
  } finally {
    app.close();
    await hub.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchPullFreshDesk(emit: Emit, progress: Progress, changes: number): Promise<void> {
  await pullFreshDesk(emit, progress, changes, null);
  if (POSTGRES_URL) await pullFreshDesk(emit, progress, changes, POSTGRES_URL);
}

async function pullFreshDesk(emit: Emit, progress: Progress, changes: number, databaseUrl: string | null): Promise<void> {
  const hub = await startTestHub({ databaseUrl });
  const dir = tempDir('accessdesk-bench-pull-');
  try {
    // a real enrolled desk to own the seeded ops
    const seeder = await newDesk(hub, path.join(dir, 'seeder'), 'Desk S');
    const deskId = seeder.store.deskId;
    seeder.close();
    progress(`pull-fresh-desk: seeding ${changes} changes in the hub's feed`);
    const maker = new OpMaker(deskId, 1, 1);
    const gen = new PatientGenerator(777, { duplicateRate: 0 });
    const regs = Math.ceil(changes * 0.7);
    const ids: string[] = [];
    const now = new Date().toISOString();
    const head0 = Number((await hub.db.query<{ value: unknown }>(`SELECT value FROM hub_counters WHERE name = 'server_seq'`)).rows[0]!.value);
    let seq = head0;
    for (let done = 0; done < changes; ) {
      const n = Math.min(5000, changes - done);
      const cols: string[][] = [[], [], [], [], [], [], [], [], []];
      for (let k = 0; k < n; k++) {
        const i = done + k;
        let op;
        if (i < regs) {
          const id = newId();
          ids.push(id);
          op = maker.register(gen.next(), formatMrn(5_000_000 + i), id);
        } else {
          const id = ids[(i - regs) % ids.length]!;
          op = maker.update(id, 1, { email: `pull${i}@example.org` });
        }
        const row = [op.opId, op.seq, op.kind, op.entityId, JSON.stringify(op.payload), op.hlc, opContentHash(op), String(++seq)];
        row.forEach((v, j) => cols[j]!.push(String(v)));
      }
      await hub.db.write(async (tx) => {
        await tx.query(
          `INSERT INTO ops (op_id, desk_id, epoch, seq, kind, entity_id, payload, hlc, schema_version, content_hash, status, received_at)
           SELECT u.op_id, $9, 1, u.seq::bigint, u.kind, u.entity_id, u.payload, u.hlc, 1, u.h, 'applied', $10
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(op_id, seq, kind, entity_id, payload, hlc, h, s)`,
          [...cols.slice(0, 8), deskId, now],
        );
        await tx.query(`INSERT INTO changes (server_seq, op_id) SELECT s::bigint, op_id FROM unnest($1::text[], $2::text[]) AS u(op_id, s)`, [cols[0], cols[7]]);
        await tx.query(`UPDATE hub_counters SET value = $1 WHERE name = 'server_seq'`, [seq]);
      });
      done += n;
    }
    let pullMs = 0;
    const fresh = await newDesk(hub, path.join(dir, 'fresh'), 'Desk F', (t) => ({
      ...t,
      pull: async (cursor, limit) => {
        const t0 = performance.now();
        try {
          return await t.pull(cursor, limit);
        } finally {
          pullMs += performance.now() - t0;
        }
      },
    }));
    try {
      progress(`pull-fresh-desk: a fresh desk pulls ${changes} changes`);
      const prof = process.env.BENCH_PULL_PROFILE ? await startProfile() : null;
      const t0 = performance.now();
      const r = await fresh.sync.syncOnce();
      const seconds = (performance.now() - t0) / 1000;
      if (prof) await prof.stop(process.env.BENCH_PULL_PROFILE!);
      if (!r.ok) throw new Error(`pull round failed: ${r.error?.code} ${r.error?.message}`);
      const patients = (fresh.store.db.prepare('SELECT COUNT(*) n FROM patients').get() as { n: number }).n;
      emit({
        bench: databaseUrl ? 'pull-fresh-desk-postgres' : 'pull-fresh-desk',
        changes,
        registrations: regs,
        edits: changes - regs,
        applied: r.pulled,
        pages: r.pages,
        patients_on_desk: patients,
        seconds: round(seconds, 2),
        changes_per_s: Math.round(changes / seconds),
        pull_request_seconds: round(pullMs / 1000, 2),
        desk_apply_seconds: round(seconds - pullMs / 1000, 2),
        hub_db: databaseUrl ? 'postgresql' : 'pglite',
      });
    } finally {
      fresh.close();
    }
  } finally {
    await hub.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx tests/bench/sync.ts`: only the sync figures (npm run bench runs them after the others)
if (import.meta.url === `file://${process.argv[1]}`) {
  const num = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
  const emit: Emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  const progress: Progress = (m) => process.stderr.write(`[bench] ${m}\n`);
  // 0 skips that figure (e.g. BENCH_SYNC_OPS=0 to profile the pull alone)
  if (num('BENCH_SYNC_OPS', 10_000) > 0) await benchOutageCatchUp(emit, progress, num('BENCH_SYNC_OPS', 10_000));
  if (num('BENCH_PULL_CHANGES', 100_000) > 0) await benchPullFreshDesk(emit, progress, num('BENCH_PULL_CHANGES', 100_000));
}
