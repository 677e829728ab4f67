/**
 * First-run setup of another desk of a clinic (setup.join): the desk enrolls with a real hub (HTTPS, pinned
 * fingerprint) and takes the site settings, staff accounts and records from it, so staff sign in with the accounts
 * they have and no second administrator (and no held user name) is made. A hub that holds no clinic yet says so and
 * leaves the desk to be set up as a new clinic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeta } from '../../electron/store/db.js';
import { createHttpTransport } from '../../electron/sync/engine.js';
import { HubRequestError } from '../../shared/sync/hub-client.js';
import { patientInput } from '../support/patients.js';
import { PASSWORD, SyncDesk, createCode, enrolledDesk, startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
const desks: SyncDesk[] = [];
const hubs: TestHub[] = [];
beforeAll(async () => {
  hub = await startTestHub();
  hubs.push(hub);
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  for (const h of hubs) await h.destroy();
});

function track(d: SyncDesk): SyncDesk {
  desks.push(d);
  return d;
}

const auditActions = (d: SyncDesk) => d.app.store.db.prepare(`SELECT action FROM audit_log ORDER BY seq`).all() as { action: string }[];

describe('setup.join: another desk of the clinic', () => {
  it('enrolls, takes the site, staff and patients from the hub; staff sign in with their clinic accounts; nothing of its own is pushed', async () => {
    const a = track(await enrolledDesk(hub, 'Front 1'));
    const clerk = await a.call('users.create', { username: 'clerk.kim', displayName: 'Kim Clerk', role: 'clerk', password: 'kim correct horse' });
    const people = [
      { given: 'Anneliese', birthDate: '1951-02-03', phone: '(312) 555-0101' },
      { given: 'Bartholomew', birthDate: '1968-07-19', phone: '(312) 555-0202' },
      { given: 'Cordelia', birthDate: '1990-11-30', phone: '(312) 555-0303' },
    ];
    const registered = [];
    for (const x of people) {
      const patient = patientInput({ name: { given: x.given, family: 'Tested' }, birthDate: x.birthDate, phones: [{ use: 'mobile', number: x.phone, smsConsent: false }] });
      registered.push((await a.call('patients.register', { patient })).patient);
    }
    await a.sync();

    // small pages, and what setup.joinProgress says each time the desk asks the hub for one
    const seen: { joining: boolean; done: number; of: number }[] = [];
    const b: SyncDesk = track(
      new SyncDesk('Front 2', {
        sync: {
          engine: { reviewItemsEveryMs: 0, pullPageSize: 2 },
          transportFactory: (c) => {
            const t = createHttpTransport(c);
            return {
              ...t,
              pull: async (cursor, limit, echoes) => {
                const p = await b.raw('setup.joinProgress', {});
                if (p.ok) seen.push(p.value as (typeof seen)[number]);
                return t.pull(cursor, limit, echoes);
              },
            };
          },
        },
      }),
    );
    expect((await b.call('app.status', {})).setupDone).toBe(false);
    const code = await createCode(hub, 'Front 2');

    // a wrong fingerprint: refused, nothing written, the code still good
    const wrong = hub.fingerprint.replace(/^../, hub.fingerprint.startsWith('AA') ? 'BB' : 'AA');
    const bad = await b.raw('setup.join', { deskLabel: 'Front 2', hubUrl: hub.url, code, fingerprint: wrong });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { fingerprint: expect.any(String) } } });
    expect(getMeta(b.app.store.db, 'sync.hub_url')).toBeUndefined();
    expect(b.count('audit_log')).toBe(0);
    // a missing desk name: refused by the contract before anything happens
    expect(await b.raw('setup.join', { deskLabel: ' ', hubUrl: hub.url, code, fingerprint: hub.fingerprint })).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { deskLabel: expect.any(String) } } });

    const joined = await b.call('setup.join', { deskLabel: 'Front 2', hubUrl: hub.url, code, fingerprint: hub.fingerprint });
    expect(joined).toEqual({ siteName: 'Riverside Clinic', users: 2, patients: 3 });
    // the join reported its progress page by page: of = the changes the hub held, done growing to it
    // (site, 2 accounts, 3 registrations: 6 changes in pages of 2; the first page's ask comes before any progress)
    const head = Number((await hub.db.query<{ n: unknown }>('SELECT MAX(server_seq) n FROM changes')).rows[0]!.n);
    expect(head).toBe(6);
    expect(seen).toEqual([
      { joining: true, done: 0, of: 0 },
      { joining: true, done: 2, of: head },
      { joining: true, done: 4, of: head },
    ]);
    expect(await b.call('setup.joinProgress', {})).toEqual({ joining: false, done: 0, of: 0 });
    expect((await b.app.sync.status()).catchingUp).toBeNull();
    expect(await b.call('app.status', {})).toMatchObject({ setupDone: true, siteName: 'Riverside Clinic', deskLabel: 'Front 2' });
    expect(getMeta(b.app.store.db, 'setup.join_desk_label')).toBeUndefined();
    expect(await b.raw('settings.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } }); // no one signed in yet

    // the clinic's accounts sign in here with their own passwords; there is no other administrator; the site's time
    // zone came with the settings (business dates are the clinic's)
    await b.call('session.signIn', { username: a.username, password: PASSWORD });
    expect(await b.call('settings.get', {})).toMatchObject({ siteName: 'Riverside Clinic', timeZone: 'America/Chicago', deskLabel: 'Front 2' });
    const users = (await b.call('users.list', {})).users;
    expect(users.map((u) => u.username).sort()).toEqual([a.username, 'clerk.kim'].sort());
    expect(users.find((u) => u.id === clerk.user.id)).toMatchObject({ role: 'clerk', active: true });
    expect((await b.call('patients.search', { q: 'Tested', limit: 10 })).hits.map((h) => h.id).sort()).toEqual(registered.map((p) => p.id).sort());

    // joined, audited; its outbox holds nothing (the site and the accounts are the clinic's, not this desk's)
    const actions = auditActions(b).map((r) => r.action);
    expect(actions).toContain('sync.enrolled');
    expect(actions).toContain('setup.joined');
    expect(b.count('outbox', `WHERE kind IN ('site.configured', 'user.upserted')`)).toBe(0);

    // it works as a desk of the clinic: what it registers (with an MRN from its own hub block) reaches the first desk
    const p = (await b.call('patients.register', { patient: patientInput({ name: { given: 'Desmond', family: 'Tested' }, birthDate: '2001-05-06', phones: [{ use: 'mobile', number: '(312) 555-0404', smsConsent: false }] }) })).patient;
    expect(registered.map((r) => r.mrn)).not.toContain(p.mrn);
    await b.sync();
    await a.sync();
    expect((await a.call('patients.get', { id: p.id })).patient.mrn).toBe(p.mrn);

    // set up once: joining again is refused
    expect(await b.raw('setup.join', { deskLabel: 'Front 2', hubUrl: hub.url, code: await createCode(hub, 'x'), fingerprint: hub.fingerprint })).toMatchObject({ ok: false, error: { code: 'ALREADY_SET_UP' } });
  });

  it('a hub that holds no clinic yet: the desk is enrolled but not set up, says so, and can be set up as the new clinic', async () => {
    const empty = await startTestHub();
    hubs.push(empty);
    const c = track(new SyncDesk('First'));
    const r = await c.raw('setup.join', { deskLabel: 'First', hubUrl: empty.url, code: await createCode(empty, 'First'), fingerprint: empty.fingerprint });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT', data: { enrolled: true } } });
    if (!r.ok) expect(r.error.message).toMatch(/holds no clinic yet.*New clinic/);
    expect((await c.call('app.status', {})).setupDone).toBe(false);
    expect(getMeta(c.app.store.db, 'sync.hub_id')).toBe(empty.hubId);

    // set up as the new clinic on this (enrolled) desk: its site and administrator reach the hub…
    await c.setup();
    await c.sync();
    // …and the next desk joins that clinic
    const d = track(new SyncDesk('Second'));
    const joined = await d.call('setup.join', { deskLabel: 'Second', hubUrl: empty.url, code: await createCode(empty, 'Second'), fingerprint: empty.fingerprint });
    expect(joined).toMatchObject({ siteName: 'Riverside Clinic', users: 1 });
    await d.call('session.signIn', { username: c.username, password: PASSWORD });
    expect((await d.call('app.status', {})).deskLabel).toBe('Second');
  });

  it('the network fails after enrolling: the desk says it keeps trying, and is set up once its sync worker gets the clinic’s settings', async () => {
    let failPulls = 1;
    const e = track(
      new SyncDesk('Flaky', {
        sync: {
          transportFactory: (c) => {
            const t = createHttpTransport(c);
            return {
              ...t,
              pull: async (cursor, limit, echoes) => {
                if (failPulls-- > 0) throw new HubRequestError(0, 'NETWORK', 'The hub did not answer.');
                return t.pull(cursor, limit, echoes);
              },
            };
          },
        },
      }),
    );
    const r = await e.raw('setup.join', { deskLabel: 'Flaky', hubUrl: hub.url, code: await createCode(hub, 'Flaky'), fingerprint: hub.fingerprint });
    expect(r).toMatchObject({ ok: false, error: { code: 'HUB_UNAVAILABLE', data: { enrolled: true } } });
    if (!r.ok) expect(r.error.message).toMatch(/keeps trying/);
    expect((await e.call('app.status', {})).setupDone).toBe(false);
    // the next round (the worker's, after its backoff) brings the site settings and the accounts
    await e.sync();
    expect(await e.call('app.status', {})).toMatchObject({ setupDone: true, siteName: 'Riverside Clinic', deskLabel: 'Flaky' });
    await e.call('session.signIn', { username: desks[0]!.username, password: PASSWORD });
  });
});
