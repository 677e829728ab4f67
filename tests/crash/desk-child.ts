/**
 * The desk process the crash suite kills (tests/crash/desk-crash.test.ts). Opens an enrolled desk store exactly as the
 * app does (createDeskApp: integrity check, migrations, a new epoch for this run, the sync engine in-process), then
 * loops: clerk commands through the real dispatcher (registrations, edits) and sync rounds with the real hub, until
 * it is killed. Protocol on stdout, one line per event, written synchronously (fs.writeSync) so the parent has every
 * line the moment the child gets past it:
 *   READY
 *   WRITE {"k":"register"|"edit"}          a command is about to start
 *   ACK {"k":..,"id":..,"version":..,"opIds":[..]}   the command returned (the clerk was told it is saved)
 *   SYNC                                   a sync round is about to start
 *   SYNCED {"ok":..,"pushed":..,"pulled":..}
 *   DONE {"pending":0}                     (mode "final": synced until nothing is pending)
 *
 * argv: <dataDir> <seed> <mode: run|final>
 */
import fs from 'node:fs';
import { createDeskApp } from '../../electron/app.js';
import { PatientGenerator, Rng } from '../../electron/demo/generator.js';
import type { PatientInput } from '../../shared/domain/patient.js';

const [dataDir, seedArg, mode] = process.argv.slice(2);
if (!dataDir || !seedArg || !mode) {
  process.stderr.write('usage: desk-child <dataDir> <seed> <run|final>\n');
  process.exit(2);
}
const seed = Number(seedArg);
const say = (line: string) => fs.writeSync(1, line + '\n');

const app = createDeskApp(dataDir, { sync: { mode: 'in-process', autoStart: false, allowInsecureHub: true, engine: { reviewItemsEveryMs: 3_600_000 } } });
const admin = app.store.db.prepare<[], { id: string; display_name: string }>(`SELECT id, display_name FROM users WHERE role = 'administrator' ORDER BY created_at LIMIT 1`).get()!;
const SESSION = 'crash:clerk';
app.sessions.start(SESSION, { userId: admin.id, userName: admin.display_name, role: 'administrator' });
const rng = new Rng(seed);
const gen = new PatientGenerator(seed, { duplicateRate: 0 });
const lastSeq = () => app.store.db.prepare<[], { s: number | null }>('SELECT MAX(desk_seq) s FROM outbox').get()?.s ?? 0;
const opIdsAfter = (seq: number) => app.store.db.prepare<[number], { op_id: string }>('SELECT op_id FROM outbox WHERE desk_seq > ? ORDER BY desk_seq').all(seq).map((r) => r.op_id);

async function register(): Promise<void> {
  say('WRITE {"k":"register"}');
  const before = lastSeq();
  const patient = gen.next();
  let r = await app.dispatcher.call(SESSION, 'patients.register', { patient });
  if (!r.ok && r.error.code === 'DUPLICATE_SUSPECTED') {
    const ids = ((r.error as { data?: { matches?: { patient: { id: string } }[] } }).data?.matches ?? []).map((m) => m.patient.id);
    r = await app.dispatcher.call(SESSION, 'patients.register', { patient, override: { reason: 'Different person, checked with the patient', matchIds: ids } });
  }
  if (!r.ok) throw new Error(`register: ${r.error.code}`);
  const p = (r.value as { patient: { id: string; version: number } }).patient;
  say(`ACK ${JSON.stringify({ k: 'register', id: p.id, version: p.version, opIds: opIdsAfter(before) })}`);
}

async function edit(): Promise<void> {
  const rows = app.store.db.prepare<[], { id: string; doc: string; version: number }>('SELECT id, doc, version FROM patients WHERE merged_into IS NULL ORDER BY id').all();
  if (rows.length === 0) return register();
  const row = rng.pick(rows);
  const doc = JSON.parse(row.doc) as PatientInput;
  doc.phones = [{ use: 'mobile', number: `(217) 555-${String(rng.int(1000, 9999))}`, smsConsent: rng.chance(0.5) }];
  doc.email = `crash${rng.int(10000, 99999)}@example.org`;
  say('WRITE {"k":"edit"}');
  const before = lastSeq();
  let r = await app.dispatcher.call(SESSION, 'patients.update', { id: row.id, baseVersion: row.version, patient: doc });
  if (!r.ok && r.error.code === 'DUPLICATE_SUSPECTED') {
    const ids = ((r.error as { data?: { matches?: { patient: { id: string } }[] } }).data?.matches ?? []).map((m) => m.patient.id);
    r = await app.dispatcher.call(SESSION, 'patients.update', { id: row.id, baseVersion: row.version, patient: doc, override: { reason: 'Different person, checked with the patient', matchIds: ids } });
  }
  if (!r.ok) throw new Error(`edit: ${r.error.code}`);
  const p = (r.value as { patient: { id: string; version: number } }).patient;
  say(`ACK ${JSON.stringify({ k: 'edit', id: p.id, version: p.version, opIds: opIdsAfter(before) })}`);
}

async function sync(): Promise<boolean> {
  say('SYNC');
  const r = await app.sync.syncOnce();
  say(`SYNCED ${JSON.stringify({ ok: r.ok, pushed: r.pushed, pulled: r.pulled, error: r.error?.code ?? null })}`);
  return r.ok;
}

async function main(): Promise<void> {
  say('READY');
  if (mode === 'final') {
    for (let k = 0; k < 50; k++) {
      const ok = await sync();
      if (ok && app.sync.local.counts().pending === 0) {
        say(`DONE ${JSON.stringify({ pending: 0 })}`);
        app.close();
        return;
      }
    }
    throw new Error('could not sync everything');
  }
  for (;;) {
    const x = rng.float();
    if (x < 0.45) await register();
    else if (x < 0.8) await edit();
    else await sync();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`desk-child failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
