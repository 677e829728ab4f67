/**
 * The offline promise with a real hub: an outage with writes on both desks and automatic catch-up (no new local
 * write needed), a revoked desk, a desk restored from a backup (new epoch, nothing lost), pages applied atomically
 * with their cursor, and the real worker thread.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeta } from '../../electron/store/db.js';
import { createHttpTransport, type HubTransport } from '../../electron/sync/engine.js';
import { HubRequestError } from '../../shared/sync/hub-client.js';
import { patientInput } from '../support/patients.js';
import { tempDir } from '../hub/support.js';
import { RestartableHub, SyncDesk, converge, enrolledDesk, hubPatients, waitFor, type TestHub } from '../support/hub.js';
import type { PatientFormValues } from '../../shared/domain/patient.js';

const FAST = { pullIntervalMs: 150, pushDelayMs: 20, backoffBaseMs: 60, backoffMaxMs: 300, reviewItemsEveryMs: 0 };

let rhub: RestartableHub;
let hub: TestHub;
const desks: SyncDesk[] = [];
beforeAll(async () => {
  rhub = await RestartableHub.start();
  hub = rhub.current;
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  await rhub?.destroy();
});

function track(d: SyncDesk): SyncDesk {
  desks.push(d);
  return d;
}

let n = 0;
function person(): PatientFormValues {
  n++;
  const names = ['Abernathy', 'Blackwood', 'Castellanos', 'Delacroix', 'Everhart', 'Fairweather', 'Galloway', 'Hargreaves', 'Isherwood', 'Jorgensen'];
  return patientInput({ name: { given: `Given${String.fromCharCode(65 + (n % 26))}${n}`, family: `${names[n % names.length]}${n}` }, birthDate: `19${50 + (n % 40)}-0${1 + (n % 9)}-1${n % 9}`, phones: [], email: '' });
}

async function edit(d: SyncDesk, id: string, change: (doc: PatientFormValues) => PatientFormValues) {
  const cur = (await d.call('patients.get', { id })).patient;
  const { id: _i, mrn: _m, version, createdAt: _c, updatedAt: _u, mergedInto: _mi, ...doc } = cur;
  return (await d.call('patients.update', { id, baseVersion: version, patient: change(doc as PatientFormValues) })).patient;
}

async function hubOpsOf(deskId: string): Promise<number> {
  const r = await rhub.db.query<{ n: unknown }>('SELECT COUNT(*) n FROM ops WHERE desk_id = $1', [deskId]);
  return Number(r.rows[0]!.n);
}

describe('outage', () => {
  it('hub down while both desks write; retries continue by themselves; after the restart both converge with nothing lost or doubled', async () => {
    const a = track(await enrolledDesk(hub, 'Out A', { sync: { autoStart: true, engine: FAST } }));
    const b = track(await enrolledDesk(hub, 'Out B', { sync: { autoStart: true, engine: FAST } }));
    const p0 = (await a.call('patients.register', { patient: person() })).patient;
    await waitFor(() => b.count('patients', `WHERE id = '${p0.id}'`) === 1, 15_000, 'p0 on desk B');

    await rhub.stop();
    const p1 = (await a.call('patients.register', { patient: person() })).patient;
    const p2 = (await b.call('patients.register', { patient: person() })).patient;
    await edit(a, p0.id, (d) => ({ ...d, email: 'outage-a@example.com' }));
    await edit(b, p0.id, (d) => ({ ...d, preferredName: 'Outage B' }));
    // Local writes worked; both desks report offline and keep retrying with no further local write.
    await waitFor(() => a.app.sync.status().state === 'offline' && b.app.sync.status().state === 'offline', 10_000, 'offline');
    const tries = a.app.sync.engine!.status().consecutiveFailures;
    await waitFor(() => a.app.sync.engine!.status().consecutiveFailures >= tries + 2, 10_000, 'more retries');
    const sa = await a.call('sync.status', {});
    expect(sa).toMatchObject({ state: 'offline', pending: 2 });
    expect(sa.nextAttemptAt).not.toBeNull();

    await rhub.restart();
    await waitFor(async () => {
      const [x, y] = [a.app.sync.status(), b.app.sync.status()];
      return x.state === 'online' && y.state === 'online' && x.pending === 0 && y.pending === 0 && a.count('patients') === 3 && b.count('patients') === 3;
    }, 20_000, 'convergence after the outage');
    // One more round each so each has pulled the other's last push.
    await waitFor(async () => {
      const h = await hubPatients(rhub);
      const sameA = JSON.stringify(a.patients()) === JSON.stringify(h);
      const sameB = JSON.stringify(b.patients()) === JSON.stringify(h);
      return sameA && sameB;
    }, 20_000, 'identical patient data on both desks and the hub');

    const h = await hubPatients(rhub);
    expect(h.map((x) => x.id)).toEqual(expect.arrayContaining([p0.id, p1.id, p2.id]));
    const doc = JSON.parse(h.find((x) => x.id === p0.id)!.doc) as PatientFormValues;
    expect(doc.email).toBe('outage-a@example.com');
    expect(doc.preferredName).toBe('Outage B');
    // Exactly once: every outbox row of each desk is one op at the hub; each patient one registered version per desk.
    expect(await hubOpsOf(a.app.store.deskId)).toBe(a.count('outbox'));
    expect(await hubOpsOf(b.app.store.deskId)).toBe(b.count('outbox'));
    for (const d of [a, b]) {
      expect(d.count('patient_versions', `WHERE action = 'registered'`)).toBe(3);
      expect(d.count('patient_versions', `WHERE patient_id = '${p0.id}'`)).toBe(3); // registered, own edit, the other's edit
      expect(d.app.sync.local.counts().pending).toBe(0);
    }
  }, 60_000);
});

describe('revoked desk', () => {
  it('shows refused with a clear message, stops pushing, and local writes still work', async () => {
    const d = track(await enrolledDesk(hub, 'Revoked'));
    await d.sync();
    const r = await hub.admin.raw('POST', `/admin/desks/${d.app.store.deskId}/revoke`, {}, 'admin');
    expect(r.status).toBe(200);
    const round = await d.app.sync.syncOnce();
    expect(round.ok).toBe(false);
    const st = await d.call('sync.status', {});
    expect(st.state).toBe('refused');
    expect(st.refusal).toMatchObject({ code: 'DESK_REVOKED' });
    expect(st.refusal!.message).toMatch(/revoked/);
    expect(st.nextAttemptAt).toBeNull();
    const p = await d.call('patients.register', { patient: person() });
    expect(p.patient.id).toBeTruthy();
    expect((await d.call('sync.status', {})).pending).toBe(1);
    const items = await d.raw('sync.reviewItems', { status: 'open' });
    expect(items.ok).toBe(false);
    if (!items.ok) expect(items.error.message).toMatch(/refuses this desk/);
  });
});

describe('restored desk', () => {
  it('a desk restored from a backup taken before some pushes starts a new epoch and gets everything back; sequence numbers are never reused', async () => {
    const orig = track(await enrolledDesk(hub, 'Restore'));
    const p0 = (await orig.call('patients.register', { patient: person() })).patient;
    await orig.sync();
    orig.close();
    const backup = tempDir('accessdesk-backup-');
    fs.cpSync(orig.dir, backup, { recursive: true });
    const backup2 = tempDir('accessdesk-backup2-');
    fs.cpSync(orig.dir, backup2, { recursive: true });

    // The original runs on (a new epoch for this start), registers two patients and pushes them.
    await orig.reopen();
    const p1 = (await orig.call('patients.register', { patient: person() })).patient;
    const p2 = (await orig.call('patients.register', { patient: person() })).patient;
    await orig.sync();
    const origEpoch = orig.app.store.deskEpoch;
    orig.close();

    // The machine dies; the backup is restored. Offline, the clerk edits twice before the first sync: the restored
    // desk's seqs equal the original's last two, so only the content differs (OP_MISMATCH -> new epoch).
    const restored = track(new SyncDesk('Restore', { dir: backup }));
    await restored.call('session.signIn', { username: restored.username, password: 'correct horse battery' });
    expect(restored.app.store.deskEpoch).toBe(origEpoch); // same number the original used after the backup
    await edit(restored, p0.id, (d) => ({ ...d, email: 'restored@example.com' }));
    await edit(restored, p0.id, (d) => ({ ...d, preferredName: 'Restored' }));
    const r = await restored.sync();
    expect(r.newEpoch).toBe(origEpoch + 1);
    await restored.sync();
    // Nothing lost: the original's pushes came back (they were not in the backup's outbox), the edits went up.
    expect(restored.patients().map((x) => x.id)).toEqual(expect.arrayContaining([p0.id, p1.id, p2.id]));
    expect(JSON.stringify(restored.patients())).toBe(JSON.stringify(await hubPatients(rhub)));
    expect(restored.app.sync.local.counts().pending).toBe(0);
    const epochs = (await restored.app.sync.engine!.transport.status()).epochs;
    expect(epochs.map((e) => e.epoch)).toEqual([1, origEpoch, origEpoch + 1]);
    // A new registration does not reuse an MRN the original handed out after the backup.
    const p3 = (await restored.call('patients.register', { patient: person() })).patient;
    expect([p0.mrn, p1.mrn, p2.mrn]).not.toContain(p3.mrn);
    await restored.sync();
    expect(await hubOpsOf(restored.app.store.deskId)).toBe(restored.count('outbox') + 2); // + the original's two registrations
    restored.close();

    // Restored a second time, with ONE offline write: the hub's last seq for the epoch is above the desk's highest
    // seq, which the first contact detects before pushing.
    const again = track(new SyncDesk('Restore', { dir: backup2 }));
    await again.call('session.signIn', { username: again.username, password: 'correct horse battery' });
    await edit(again, p0.id, (d) => ({ ...d, maritalStatus: 'W' }));
    const r2 = await again.sync();
    expect(r2.newEpoch).toBeGreaterThan(origEpoch + 1);
    await again.sync();
    expect(JSON.stringify(again.patients())).toBe(JSON.stringify(await hubPatients(rhub)));
    expect((JSON.parse((await hubPatients(rhub)).find((x) => x.id === p0.id)!.doc) as PatientFormValues).maritalStatus).toBe('W');
  });
});

describe('pull pages', () => {
  it('each page and its cursor commit together: a failure inside a page leaves nothing of it; a cut between pages resumes without gaps or doubles', async () => {
    const w = track(await enrolledDesk(hub, 'Writer'));
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await w.call('patients.register', { patient: person() })).patient.id);
    await w.sync();

    let cut = 0;
    let pulls = 0;
    const wrap = (t: HubTransport): HubTransport => ({
      ...t,
      pull: async (cursor, limit) => {
        pulls++;
        if (cut > 0 && pulls === cut) throw new HubRequestError(0, 'NETWORK', 'connection cut between pages');
        return t.pull(cursor, limit);
      },
    });
    const r = track(new SyncDesk('Reader', { sync: { engine: { pullPageSize: 7, reviewItemsEveryMs: 0 }, transportFactory: (c) => wrap(createHttpTransport(c)) } }));
    await r.setup();
    await r.enroll(hub);

    // 1) A failure inside a page: the page rolls back whole, the cursor stays.
    const poison = ids[9]!;
    r.app.store.db.exec(`CREATE TEMP TRIGGER poison BEFORE INSERT ON patients WHEN NEW.id = '${poison}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;`);
    const round1 = await r.app.sync.syncOnce();
    expect(round1.ok).toBe(false);
    expect(round1.error).toMatchObject({ code: 'DESK_ERROR', retryable: true });
    const cursorAfter1 = Number(getMeta(r.app.store.db, 'sync.cursor'));
    const have1 = new Set((r.app.store.db.prepare('SELECT id FROM patients').all() as { id: string }[]).map((x) => x.id));
    expect(have1.has(poison)).toBe(false);
    const idxPoison = ids.indexOf(poison);
    // Everything before the failing page is here, nothing at or after it from the writer.
    const present = ids.filter((id) => have1.has(id));
    expect(present.length).toBeLessThan(idxPoison + 1);
    expect(present).toEqual(ids.slice(0, present.length));
    r.app.store.db.exec('DROP TRIGGER poison');

    // 2) The connection is cut between two pages, and the desk restarts.
    pulls = 0;
    cut = 2;
    const round2 = await r.app.sync.syncOnce();
    expect(round2.ok).toBe(false);
    expect(Number(getMeta(r.app.store.db, 'sync.cursor'))).toBeGreaterThan(cursorAfter1);
    cut = 0;
    await r.reopen();
    await r.sync();
    const have = (r.app.store.db.prepare('SELECT id FROM patients').all() as { id: string }[]).map((x) => x.id);
    for (const id of ids) expect(have).toContain(id);
    for (const id of ids) {
      expect(r.count('patient_versions', `WHERE patient_id = '${id}'`)).toBe(1);
      expect(r.count('audit_log', `WHERE action = 'patient.synced' AND entity_id = '${id}'`)).toBe(1);
    }
    // The cursor reaches the head. A pull does not wait for the reader's own pushes to be applied (it holds them),
    // so the hub first applies what it acknowledged; then one more round reads to the end, own echoes included.
    const ownOps = r.count('outbox');
    expect(ownOps).toBeGreaterThan(0);
    await rhub.service.settle();
    await r.sync();
    const hubHead = (await r.app.sync.engine!.transport.status()).headSeq;
    expect(Number(getMeta(r.app.store.db, 'sync.cursor'))).toBe(hubHead);
    expect(await hubOpsOf(r.app.store.deskId)).toBe(ownOps);
  });
});

describe('worker thread', () => {
  it('the app runs the engine in a worker: a registration on desk A reaches desk B by itself, events reach the dispatcher, sync.now runs through the worker', async () => {
    const a = track(await enrolledDesk(hub, 'Worker A', { sync: { mode: 'worker', autoStart: true, engine: FAST } }));
    const b = track(await enrolledDesk(hub, 'Worker B', { sync: { mode: 'worker', autoStart: true, engine: FAST } }));
    expect(a.app.sync.mode).toBe('worker');
    expect(a.app.sync.engine).toBeNull();
    const events: string[] = [];
    b.app.dispatcher.onEvent((e) => events.push(e));
    const p = (await a.call('patients.register', { patient: person() })).patient;
    await waitFor(() => b.count('patients', `WHERE id = '${p.id}'`) === 1, 20_000, 'patient on desk B via the worker');
    await waitFor(() => a.app.sync.status().pending === 0 && a.app.sync.status().state === 'online', 10_000, 'desk A online with nothing pending');
    expect(events).toContain('patients.changed');
    expect((await b.call('patients.search', { q: p.mrn })).hits.map((h) => h.id)).toContain(p.id);
    const now = await b.call('sync.now', {});
    expect(now.state).toBe('online');
    expect(now.lastSyncAt).not.toBeNull();
  }, 60_000);
});
