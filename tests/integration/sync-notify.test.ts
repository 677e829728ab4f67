/**
 * Change notifications end to end (GET /sync/wait + the engine's wait loop), real hub and real desks: desk B, whose
 * interval round is a minute away, gets desk A's registration on the hub's notification (nobody calls syncOnce on B);
 * a quiet desk does not hammer the hub; a hub stopped while desks wait and started again: the desks go offline, keep
 * their backoff, come back online by themselves, and notifications work again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientInput } from '../support/patients.js';
import { createHttpTransport } from '../../electron/sync/engine.js';
import { HubRequestError } from '../../shared/sync/hub-client.js';
import { RestartableHub, enrolledDesk, waitFor, type SyncDesk, type TestHub } from '../support/hub.js';
import type { PatientFormValues } from '../../shared/domain/patient.js';

// a minute between interval rounds: within a test, only a notification (or a local write's push) starts a round
const SLOW = { pullIntervalMs: 60_000, pushDelayMs: 20, backoffBaseMs: 100, backoffMaxMs: 400, reviewItemsEveryMs: 0 };

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
  const names = ['Quennell', 'Rainsford', 'Stavely', 'Thistlewood', 'Underhill', 'Vasquez-Orr'];
  return patientInput({ name: { given: `Notified${String.fromCharCode(65 + (n % 26))}${n}`, family: `${names[n % names.length]}${n}` }, birthDate: `19${60 + (n % 30)}-0${1 + (n % 9)}-2${n % 9}`, phones: [], email: '' });
}

const has = (d: SyncDesk, id: string) => d.count('patients', `WHERE id = '${id}'`) === 1;

/** /sync/<what> requests of one desk in the hub's log (route + desk id only: the log has nothing else) */
function requests(deskId: string, what: 'wait' | 'pull' | 'push'): number {
  return hub.logs.lines.filter((l) => {
    const j = JSON.parse(l) as { route?: string; deskId?: string };
    return j.route === `/sync/${what}` && j.deskId === deskId;
  }).length;
}

describe('change notifications', () => {
  it("the real worker thread: desk B pulls desk A's registration on the hub's notification, not on its 60 s interval", async () => {
    const a = track(await enrolledDesk(hub, 'Notify A', { sync: { mode: 'worker', autoStart: true, engine: SLOW } }));
    const b = track(await enrolledDesk(hub, 'Notify B', { sync: { mode: 'worker', autoStart: true, engine: SLOW } }));
    await waitFor(() => a.app.sync.status().state === 'online' && b.app.sync.status().state === 'online', 15_000, 'both desks online');
    for (let i = 0; i < 2; i++) {
      const p = (await a.call('patients.register', { patient: person() })).patient;
      await waitFor(() => has(b, p.id), 10_000, `registration ${i} on desk B`);
      // …and back the other way
      const q = (await b.call('patients.register', { patient: person() })).patient;
      await waitFor(() => has(a, q.id), 10_000, `registration ${i} on desk A`);
    }
    expect(b.app.sync.status()).toMatchObject({ state: 'online', pending: 0 });
  });

  it('a quiet desk keeps one wait open and does not pull while nothing changes', async () => {
    const q = track(await enrolledDesk(hub, 'Quiet', { sync: { autoStart: true, engine: SLOW } }));
    const eng = q.app.sync.engine!;
    await waitFor(() => eng.status().state === 'online' && eng.waiting, 15_000, 'quiet desk waiting');
    const deskId = q.app.store.deskId;
    // its own first pushes come back as echoes once the hub applied them (a notification, a round): let that settle
    const counts = () => `${requests(deskId, 'wait')}/${requests(deskId, 'pull')}/${requests(deskId, 'push')}`;
    let seen = '';
    await waitFor(async () => {
      const before = counts();
      await new Promise((r) => setTimeout(r, 700));
      return (seen = counts()) === before;
    }, 15_000, 'the desk settles');
    const [waits, pulls] = [requests(deskId, 'wait'), requests(deskId, 'pull')];
    expect(waits, seen).toBeGreaterThan(0); // (the probe at least)
    expect(pulls).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2000));
    // the open wait is still the same request (a finished one would be logged), and no round ran
    expect(requests(deskId, 'wait')).toBe(waits);
    expect(requests(deskId, 'pull')).toBe(pulls);
    expect(eng.status().notifications).toBe(true);
  });

  it('a hub without /sync/wait (404): one try, then interval rounds at pullIntervalMs; nothing hammers, sync works', async () => {
    let waits = 0;
    let rounds = 0;
    const old = track(
      await enrolledDesk(hub, 'Old hub desk', {
        sync: {
          autoStart: true,
          engine: { ...SLOW, pullIntervalMs: 200 },
          transportFactory: (c) => {
            const t = createHttpTransport(c);
            return {
              ...t,
              pull: (cursor, limit, echoes) => {
                rounds++; // every round pulls at least one page
                return t.pull(cursor, limit, echoes);
              },
              wait: async () => {
                waits++;
                throw new HubRequestError(404, 'NOT_FOUND', 'No such hub endpoint.');
              },
            };
          },
        },
      }),
    );
    const eng = old.app.sync.engine!;
    await waitFor(() => eng.status().state === 'online', 15_000, 'online');
    const r0 = rounds;
    await waitFor(() => rounds >= r0 + 4, 10_000, 'interval rounds go on (200 ms)');
    expect(waits).toBe(1);
    expect(eng.status()).toMatchObject({ state: 'online', notifications: false, refusal: null });
    // and sync works as before
    const p = (await old.call('patients.register', { patient: person() })).patient;
    await waitFor(async () => (await rhub.db.query('SELECT 1 FROM patients WHERE id = $1', [p.id])).rows.length === 1, 10_000, 'the registration at the hub');
    expect(waits).toBe(1);
  });

  it('hub stopped while desks wait, then started again: offline with backoff, back online by themselves, notifications again', async () => {
    const a = track(await enrolledDesk(hub, 'Restart A', { sync: { autoStart: true, engine: SLOW } }));
    const b = track(await enrolledDesk(hub, 'Restart B', { sync: { autoStart: true, engine: SLOW } }));
    const ea = a.app.sync.engine!;
    const eb = b.app.sync.engine!;
    await waitFor(() => ea.waiting && eb.waiting, 15_000, 'both desks waiting');

    // (the stop answers the open waits: it must not sit out their 25 s)
    await rhub.stop();
    const p1 = (await a.call('patients.register', { patient: person() })).patient; // written while the hub is down
    await waitFor(() => ea.status().state === 'offline' && eb.status().state === 'offline', 10_000, 'both offline');
    expect(eb.status().notifications).toBe(false);
    // the backoff schedule is unchanged: retries keep coming without any local write
    const tries = eb.status().consecutiveFailures;
    await waitFor(() => eb.status().consecutiveFailures >= tries + 2, 10_000, 'B keeps retrying');
    expect(has(b, p1.id)).toBe(false);

    await rhub.restart();
    await waitFor(() => ea.status().state === 'online' && eb.status().state === 'online' && a.app.sync.status().pending === 0, 15_000, 'both back online');
    await waitFor(() => has(b, p1.id), 10_000, 'the outage registration on desk B');
    await waitFor(() => ea.waiting && eb.waiting, 10_000, 'both desks waiting again');
    const p2 = (await a.call('patients.register', { patient: person() })).patient;
    await waitFor(() => has(b, p2.id), 10_000, 'a registration after the restart on desk B, by notification');
    expect(eb.status()).toMatchObject({ state: 'online', notifications: true });
  });
});
