/**
 * Today's board on two desks and a real hub (PGlite, HTTPS), keyboard only:
 *  1. a check-in made on desk A appears on desk B's open board without a reload (live 'visits.changed' from sync),
 *     and B's highlighted row stays on the patient B was on;
 *  2. with the hub stopped, desk B checks a patient in (the desk never waits for the network), its header shows the
 *     change waiting; the hub returns and desk A's open board shows the arrival.
 * axe on the board; screenshots at 1366x768 in test-results/screens/.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { RestartableHub, createCode } from '../support/hub.js';
import { type E2EDesk, expectAccessible, openDesk, screenshot, signIn } from './support/desk.js';
import { newDeskPage, startSyncDesk, stopSyncDesk } from './support/sync.js';
import { registerViaApi } from './support/patients.js';
import { setupDirectory, bookToday, storedAppointment, currentConsents, chicagoToday, countingKeyboard, type Directory } from './support/visits.js';
import type { Patient } from '../../shared/domain/patient.js';
import type { Appointment } from '../../shared/domain/visit.js';

test.describe.configure({ mode: 'serial' });

let hub: RestartableHub;
let deskA: E2EDesk;
let deskB: E2EDesk;
let ctxA: BrowserContext;
let ctxB: BrowserContext;
let pageA: Page;
let pageB: Page;
let dir: Directory;
const today = chicagoToday();
const appts: Record<string, Appointment> = {};
const pts: Record<string, Patient> = {};


const row = (page: Page, name: RegExp) => page.getByRole('grid', { name: 'Appointments of the day' }).getByRole('row', { name });
const syncState = (page: Page) => page.getByTestId('sync-state');

function patientInput(given: string, family: string, birthDate: string) {
  return {
    name: { given, family },
    birthDate,
    addresses: [{ use: 'home' as const, line1: '77 W Wacker Dr', line2: '', city: 'Chicago', state: 'IL' as const, postalCode: '60601', country: 'US' as const }],
    consents: currentConsents(today, `${given} ${family}`),
  };
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  hub = await RestartableHub.start();
  deskA = await startSyncDesk('Front desk A');
  deskB = await startSyncDesk('Front desk B');
  const fp = hub.current.fingerprint;
  await deskA.call('sync.enroll', { hubUrl: hub.url, code: await createCode(hub.current), fingerprint: fp });
  await deskB.call('sync.enroll', { hubUrl: hub.url, code: await createCode(hub.current), fingerprint: fp });
  // directory, patients and bookings made on A reach B through the hub
  dir = await setupDirectory(deskA);
  pts.ana = await registerViaApi(deskA, patientInput('Anouk', 'Verhoeven', '1969-05-21'));
  pts.ben = await registerViaApi(deskA, patientInput('Benedikt', 'Aalto', '1983-11-02'));
  pts.cai = await registerViaApi(deskA, patientInput('Caius', 'Pemberton', '1990-01-30'));
  appts.ana = await bookToday(deskA, pts.ana, dir, dir.followUp, 5);
  appts.ben = await bookToday(deskA, pts.ben, dir, dir.followUp, 10);
  appts.cai = await bookToday(deskA, pts.cai, dir, dir.followUp, 15);
  [ctxA, pageA] = await newDeskPage(browser);
  [ctxB, pageB] = await newDeskPage(browser);
});

test.afterAll(async () => {
  await ctxA?.close();
  await ctxB?.close();
  for (const d of [deskA, deskB]) await stopSyncDesk(d);
  await hub?.destroy();
});

test('a check-in on desk A appears on desk B’s open board without a reload; B’s highlighted row stays put', async () => {
  test.setTimeout(120_000);
  await openDesk(pageA, deskA);
  await signIn(pageA);
  await openDesk(pageB, deskB);
  await signIn(pageB);
  await expect(syncState(pageB)).toHaveText(/Online$/, { timeout: 30_000 });

  // B opens its board and moves to Pemberton (the third row)
  await pageB.keyboard.press('Alt+B');
  await expect(row(pageB, /Pemberton, Caius/)).toBeVisible({ timeout: 30_000 });
  await expect(row(pageB, /Verhoeven, Anouk/)).toContainText('Scheduled');
  await pageB.keyboard.press('End');
  await expect(row(pageB, /Pemberton, Caius/)).toBeFocused();
  const marker = await pageB.evaluate(() => ((window as unknown as { __noReload: number }).__noReload = 42));

  // A checks Verhoeven in by keyboard
  await pageA.keyboard.press('Alt+B');
  await expect(row(pageA, /Verhoeven, Anouk/)).toBeVisible();
  const kb = countingKeyboard(pageA);
  await kb.type('verh');
  await kb.press('Enter');
  await expect(pageA.getByRole('dialog', { name: /Check in: Verhoeven, Anouk/ })).toBeVisible();
  await kb.press('Space');
  await kb.press('Control+Enter');
  await expect(row(pageA, /Verhoeven, Anouk/)).toContainText('Arrived');
  expect(kb.count).toBeLessThanOrEqual(10);

  // B: the row changes by itself; same page (no reload), focus still on Pemberton
  await expect(row(pageB, /Verhoeven, Anouk/)).toContainText('Arrived', { timeout: 30_000 });
  expect(await pageB.evaluate(() => (window as unknown as { __noReload?: number }).__noReload)).toBe(marker);
  await expect(row(pageB, /Pemberton, Caius/)).toBeFocused();
  expect(storedAppointment(deskB, appts.ana!.id).status).toBe('arrived');
  expect(storedAppointment(deskB, appts.ana!.id).checkIn?.deskLabel).toBe('Front desk A');
  await expectAccessible(pageB, 'board on desk B');
  await screenshot(pageB, 'board-desk-b-live-arrival');
});

test('check-in works with the hub stopped, and syncs after', async () => {
  test.setTimeout(150_000);
  // A clears its filter (from the previous check-in) and keeps its board open
  await pageA.keyboard.press('Alt+F');
  await pageA.keyboard.press('Escape');
  await expect(row(pageA, /Aalto, Benedikt/)).toContainText('Scheduled');
  await hub.stop();
  await expect(syncState(pageB)).toHaveText(/Offline$/, { timeout: 30_000 });

  // B checks Aalto in while offline
  await pageB.keyboard.press('Alt+F');
  await pageB.keyboard.type('aalto');
  await pageB.keyboard.press('Enter');
  const dialog = pageB.getByRole('dialog', { name: /Check in: Aalto, Benedikt/ });
  await expect(dialog).toBeVisible();
  await pageB.keyboard.press('Tab'); // to "Photo ID seen"
  await pageB.keyboard.press('Space');
  await pageB.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  await expect(row(pageB, /Aalto, Benedikt/)).toContainText('Arrived');
  expect(storedAppointment(deskB, appts.ben!.id).status).toBe('arrived');
  await expect(pageB.getByTestId('sync-status')).toContainText(/[1-9]\d* changes? waiting/, { timeout: 20_000 });
  // A has not heard of it
  expect(storedAppointment(deskA, appts.ben!.id).status).toBe('scheduled');
  await screenshot(pageB, 'board-desk-b-offline-checkin');

  await hub.restart();
  await pageB.keyboard.press('Alt+Y');
  await expect(pageB.getByTestId('sync-status')).toContainText('0 changes waiting', { timeout: 30_000 });
  // A's open board shows it without a reload
  await expect(row(pageA, /Aalto, Benedikt/)).toContainText('Arrived', { timeout: 30_000 });
  const onA = storedAppointment(deskA, appts.ben!.id);
  expect(onA.status).toBe('arrived');
  expect(onA.checkIn?.identity).toMatchObject({ photoIdSeen: true, verified: true });
  expect(onA.checkIn?.deskLabel).toBe('Front desk B');
});
