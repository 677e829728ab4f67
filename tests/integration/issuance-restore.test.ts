/**
 * A desk whose store file is restored from an older backup never hands out an MRN or a receipt number its original
 * already handed out, even BEFORE its first sync: the issuance witness outside the store file
 * (electron/store/witness.ts, electron/store/issuance.ts). Real SQLite files in real data folders, a real hub on
 * PGlite (tests/support/hub.ts), the real dispatcher.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../electron/store/db.js';
import { readWitness, WITNESS_FILE, WITNESS_STEP } from '../../electron/store/witness.js';
import { patientInput } from '../support/patients.js';
import { tempDir } from '../hub/support.js';
import { PASSWORD, SyncDesk, enrolledDesk, startTestHub, type TestHub } from '../support/hub.js';
import { FLOAT } from '../support/payments.js';
import type { PatientFormValues } from '../../shared/domain/patient.js';

let hub: TestHub;
const desks: SyncDesk[] = [];
const dirs: string[] = [];
beforeAll(async () => {
  hub = await startTestHub();
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  await hub?.server.close();
  await hub?.db.close();
  hub?.admin.close();
  if (hub) fs.rmSync(hub.dataDir, { recursive: true, force: true });
});

function track(d: SyncDesk): SyncDesk {
  desks.push(d);
  return d;
}

let n = 0;
function person(): PatientFormValues {
  n++;
  const names = ['Abernathy', 'Blackwood', 'Castellanos', 'Delacroix', 'Everhart', 'Fairweather', 'Galloway', 'Hargreaves', 'Isherwood', 'Jorgensen', 'Kowalczyk', 'Lindqvist'];
  return patientInput({ name: { given: `Wit${String.fromCharCode(65 + (n % 26))}${n}x`, family: `${names[n % names.length]}${n}q` }, birthDate: `19${40 + ((n * 7) % 50)}-0${1 + (n % 9)}-2${n % 8}`, phones: [], email: '' });
}

async function register(d: SyncDesk): Promise<string> {
  return (await d.call('patients.register', { patient: person() })).patient.mrn;
}

async function pay(d: SyncDesk): Promise<string> {
  const pid = (d.app.store.db.prepare('SELECT id FROM patients ORDER BY created_at LIMIT 1').get() as { id: string }).id;
  return (await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 2500, patientId: pid })).payment.receiptNo;
}

/** The store file only (the app is closed: its WAL was checkpointed into the file). */
function backupStore(dir: string): string {
  const b = tempDir('accessdesk-storebackup-');
  dirs.push(b);
  expect(fs.existsSync(path.join(dir, `${DB_FILE}-wal`)) ? fs.statSync(path.join(dir, `${DB_FILE}-wal`)).size : 0).toBe(0);
  fs.copyFileSync(path.join(dir, DB_FILE), path.join(b, DB_FILE));
  return path.join(b, DB_FILE);
}

function restoreStore(backupFile: string, dir: string): void {
  for (const f of [`${DB_FILE}-wal`, `${DB_FILE}-shm`]) fs.rmSync(path.join(dir, f), { force: true });
  fs.copyFileSync(backupFile, path.join(dir, DB_FILE));
}

async function openAgain(label: string, dir: string): Promise<SyncDesk> {
  const d = track(new SyncDesk(label, { dir }));
  await d.call('session.signIn', { username: d.username, password: PASSWORD });
  return d;
}

function audits(d: SyncDesk, action: string): Record<string, unknown>[] {
  return (d.app.store.db.prepare('SELECT detail FROM audit_log WHERE action = ? ORDER BY seq').all(action) as { detail: string }[]).map((r) => JSON.parse(r.detail) as Record<string, unknown>);
}

async function hubMrnCollisions(): Promise<number> {
  const r = await hub.db.query<{ n: unknown }>("SELECT COUNT(*) n FROM merge_items WHERE type = 'mrn-collision'");
  return Number(r.rows[0]!.n);
}

/**
 * The original works on after the backup: registers and takes payments, pushes them, closes. Returns what it handed
 * out before and after the backup, and the backup file.
 */
async function originalWithBackup(label: string) {
  const orig = track(await enrolledDesk(hub, label));
  await orig.sync(); // a hub MRN block
  const before = { mrns: [await register(orig)], receipts: [] as string[] };
  await orig.call('drawer.open', { float: FLOAT });
  before.receipts.push(await pay(orig));
  await orig.sync();
  await orig.sync(); // a second block, so the desk holds one beyond the one in use
  orig.close();
  const backup = backupStore(orig.dir);

  await orig.reopen();
  const after = { mrns: [await register(orig), await register(orig)], receipts: [await pay(orig), await pay(orig)] };
  await orig.sync();
  orig.close();
  return { orig, backup, issued: { mrns: [...before.mrns, ...after.mrns], receipts: [...before.receipts, ...after.receipts] } };
}

describe('a store restored from an older backup', () => {
  it('with its witness: registrations and payments before the first sync reuse no number; the sync raises no mrn-collision', async () => {
    const collisions0 = await hubMrnCollisions();
    const { orig, backup, issued } = await originalWithBackup('Witness A');
    const w = readWitness(orig.dir)!;
    expect(w.deskId).toBe(orig.app.store.deskId);

    restoreStore(backup, orig.dir); // the machine's store is put back from the backup; the data folder keeps its witness
    const restored = await openAgain('Witness A', orig.dir);
    const detected = audits(restored, 'issuance.restore_detected');
    expect(detected).toHaveLength(1);
    expect((detected[0]!.skippedMrns as unknown[]).length).toBeGreaterThan(0);
    expect((detected[0]!.raisedReceipts as unknown[]).length).toBe(1);

    // Offline (no sync yet): new numbers are past everything the original handed out.
    const mine = { mrns: [await register(restored), await register(restored)], receipts: [await pay(restored), await pay(restored)] };
    for (const m of mine.mrns) expect(issued.mrns).not.toContain(m);
    for (const r of mine.receipts) expect(issued.receipts).not.toContain(r);
    // same series, past the original's last number (only the unused reserve skipped)
    const lastOrig = Number(issued.receipts.at(-1)!.split('-')[1]);
    const firstMine = Number(mine.receipts[0]!.split('-')[1]);
    expect(mine.receipts[0]!.split('-')[0]).toBe(issued.receipts.at(-1)!.split('-')[0]);
    expect(firstMine).toBeGreaterThan(lastOrig);
    expect(firstMine).toBeLessThanOrEqual(lastOrig + WITNESS_STEP + 1);

    await restored.sync();
    await restored.sync();
    expect(await hubMrnCollisions()).toBe(collisions0);
    expect(restored.count('sync_parked')).toBe(0);
    const items = (await restored.call('sync.reviewItems', { status: 'open' })).items;
    expect(items.filter((i) => i.type === 'mrn-collision')).toHaveLength(0);
    // everything the original pushed came back; every MRN on the desk is one patient's
    const all = restored.app.store.db.prepare('SELECT mrn, COUNT(*) n FROM patients GROUP BY mrn HAVING n > 1').all();
    expect(all).toEqual([]);
    for (const m of issued.mrns) expect(restored.count('patients', `WHERE mrn = '${m}'`)).toBe(1);
    const receipts = restored.app.store.db.prepare('SELECT receipt_no, COUNT(*) n FROM payments GROUP BY receipt_no HAVING n > 1').all();
    expect(receipts).toEqual([]);
    // and after the sync, still nothing repeated
    const later = [await register(restored)];
    const laterReceipt = await pay(restored);
    expect([...issued.mrns, ...mine.mrns]).not.toContain(later[0]);
    expect([...issued.receipts, ...mine.receipts]).not.toContain(laterReceipt);
  }, 60_000);

  it('with its witness gone too: the block in use is given up and receipts start a new code; nothing reused; no mrn-collision', async () => {
    const collisions0 = await hubMrnCollisions();
    const { orig, backup, issued } = await originalWithBackup('Witness B');
    restoreStore(backup, orig.dir);
    fs.rmSync(path.join(orig.dir, WITNESS_FILE)); // e.g. the store restored onto a fresh data folder

    const restored = await openAgain('Witness B', orig.dir);
    const missing = audits(restored, 'issuance.witness_missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.newReceiptCode).toBe(true);
    expect(readWitness(orig.dir)?.deskId).toBe(restored.app.store.deskId); // created again

    const mine = { mrns: [await register(restored)], receipts: [await pay(restored)] };
    expect(issued.mrns).not.toContain(mine.mrns[0]);
    expect(issued.receipts).not.toContain(mine.receipts[0]);
    expect(mine.receipts[0]!.split('-')[0]).not.toBe(issued.receipts[0]!.split('-')[0]);

    await restored.sync();
    await restored.sync();
    expect(await hubMrnCollisions()).toBe(collisions0);
    expect(restored.count('sync_parked')).toBe(0);
    for (const m of issued.mrns) expect(restored.count('patients', `WHERE mrn = '${m}'`)).toBe(1);
    expect(restored.app.store.db.prepare('SELECT receipt_no FROM payments GROUP BY receipt_no HAVING COUNT(*) > 1').all()).toEqual([]);
  }, 60_000);

  it('restored with the whole data folder (witness as old as the store): the first sync pulls its own lost tail and moves the MRN cursor past it', async () => {
    const orig = track(await enrolledDesk(hub, 'Witness C'));
    await orig.sync();
    const first = await register(orig);
    await orig.sync();
    orig.close();
    const folder = tempDir('accessdesk-folder-');
    dirs.push(folder);
    fs.cpSync(orig.dir, folder, { recursive: true }); // store, witness and credential, all from backup time
    await orig.reopen();
    const tail = [await register(orig), await register(orig), await register(orig)];
    await orig.sync();
    orig.close();

    const restored = await openAgain('Witness C', folder);
    // store and witness agree: nothing to detect before the sync (the documented limit of a whole-folder restore)
    expect(audits(restored, 'issuance.restore_detected')).toHaveLength(0);
    await restored.sync();
    await restored.sync();
    for (const m of [first, ...tail]) expect(restored.count('patients', `WHERE mrn = '${m}'`)).toBe(1);
    const next = await register(restored);
    expect([first, ...tail]).not.toContain(next);
    expect(Number(next.slice(0, 7))).toBeGreaterThan(Math.max(...tail.map((m) => Number(m.slice(0, 7)))));
    expect(restored.count('sync_parked')).toBe(0);
    restored.close();
    expect(readWitness(folder)!.mrn.hub).toBeGreaterThan(Number(next.slice(0, 7)));
  }, 60_000);
});

describe('the witness in normal use', () => {
  it('a clean close and reopen skips nothing; an unclean stop skips at most the reserve; one durable write per reserve', async () => {
    const d = track(await enrolledDesk(hub, 'Witness D'));
    await d.sync();
    const m1 = await register(d);
    await d.reopen();
    const m2 = await register(d);
    expect(Number(m2.slice(0, 7))).toBe(Number(m1.slice(0, 7)) + 1);
    expect(audits(d, 'issuance.restore_detected')).toHaveLength(0);

    const witness = (await import('../../electron/store/witness.js')).witnessFor(d.app.store.db)!;
    const writes0 = witness.writes;
    const ms = [];
    for (let i = 0; i < WITNESS_STEP * 2; i++) ms.push(await register(d));
    expect(witness.writes - writes0).toBeLessThanOrEqual(3);
    expect(witness.writes - writes0).toBeGreaterThanOrEqual(2);
    const last = Number(ms.at(-1)!.slice(0, 7));
    expect(witness.current.mrn.hub).toBeGreaterThan(last);

    // An unclean stop (no settle): the store is closed without the app's close.
    d.app.sync.close();
    d.app.store.close();
    const again = await openAgain('Witness D', d.dir);
    const next = Number((await register(again)).slice(0, 7));
    expect(next).toBeGreaterThan(last);
    expect(next).toBeLessThanOrEqual(last + WITNESS_STEP + 1);
  }, 60_000);
});
