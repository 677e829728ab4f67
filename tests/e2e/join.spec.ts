/**
 * The second desk of a clinic, set up by keyboard from its first-run screen (Join a clinic hub): one real hub (HTTPS,
 * the fingerprint it prints) and desk A (set up, enrolled, one patient, its real sync worker). On desk B's first run
 * the clerk switches to the Join tab, types a bad fingerprint (refused at the field, every typed value kept), then
 * the right one: the sign-in screen says the desk joined the clinic, desk A's administrator signs in with the same
 * password and finds desk A's patient. The New clinic form keeps its typed values across the tab switch.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { startTestHub, createCode, type TestHub } from '../hub/support.js';
import { ADMIN, type E2EDesk, expectAccessible, fillByKeyboard, focusedName, openDesk, screenshot, signIn, tabTo } from './support/desk.js';
import { newDeskPage, startSyncDesk, stopSyncDesk } from './support/sync.js';
import { hitOption, registerViaApi, search } from './support/patients.js';

test.describe.configure({ mode: 'serial' });

let hub: TestHub;
let deskA: E2EDesk;
let deskB: E2EDesk;
let ctx: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  hub = await startTestHub();
  deskA = await startSyncDesk('Front desk 1', { hub });
  await registerViaApi(deskA, { name: { given: 'Ottoline', family: 'Varga' }, birthDate: '1974-03-09' });
  deskB = await startSyncDesk('Front desk 2', { setUp: false });
  [ctx, page] = await newDeskPage(browser);
});

test.afterAll(async () => {
  await ctx?.close();
  await stopSyncDesk(deskA);
  await stopSyncDesk(deskB);
  await hub?.destroy();
});

test('join a clinic hub from the first-run screen by keyboard; staff sign in with their clinic accounts', async () => {
  // desk A's worker has pushed its setup and patient
  await expect.poll(async () => Number((await hub.db.query<{ n: unknown }>('SELECT COUNT(*) n FROM patients')).rows[0]!.n), { timeout: 30_000 }).toBe(1);

  await openDesk(page, deskB);
  await expect(page.getByRole('heading', { name: 'Set up this desk' })).toBeVisible();
  await expect(page.getByLabel('Site name')).toBeFocused();
  await page.keyboard.type('Typed before switching');
  // Shift+Tab to the tabs, → to Join a clinic hub
  await page.keyboard.press('Shift+Tab');
  expect(await focusedName(page)).toBe('New clinic');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Join a clinic hub' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('form', { name: 'Join a clinic hub' })).toBeVisible();

  const code = await createCode(hub, 'Front desk 2');
  const wrong = hub.fingerprint.replace(/^../, hub.fingerprint.startsWith('AA') ? 'BB' : 'AA');
  await fillByKeyboard(page, 'Desk name', 'Front desk 2');
  // the address as the README shows it, typed after whatever the field holds (issue 12: it held "https://", so this
  // became https://https://… and "The hub at https://https cannot be reached")
  await tabTo(page, 'Hub address');
  await page.keyboard.press('End');
  await page.keyboard.type(hub.url);
  await expect(page.getByLabel('Hub address')).toHaveValue(hub.url);
  // the address typed twice is refused at the field with a clear message, nothing typed is lost
  await fillByKeyboard(page, 'Enrollment code', code);
  await fillByKeyboard(page, 'Hub address', `https://${hub.url}`);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Hub address')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('The address has https:// twice; type it once, like https://192.168.1.20:8443')).toBeVisible();
  await expect(page.getByLabel('Enrollment code')).toHaveValue(code);
  await screenshot(page, 'first-run-join-address-refused');
  // host and port alone (no https://) is how people read it off the hub's screen
  const hostPort = hub.url.replace(/^https:\/\//, '');
  await fillByKeyboard(page, 'Hub address', hostPort);
  await expect(page.getByText(`= ${hub.url}`)).toBeVisible();
  await fillByKeyboard(page, 'Hub fingerprint', wrong);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').first()).toContainText('different certificate fingerprint');
  await expect(page.getByLabel('Hub fingerprint')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Desk name')).toHaveValue('Front desk 2');
  await expect(page.getByLabel('Enrollment code')).toHaveValue(code);
  expect(await deskB.isSetUp()).toBe(false);
  await expectAccessible(page, 'join a clinic hub, refused fingerprint');
  await screenshot(page, 'first-run-join');

  // the other tab kept what was typed there; the focus stays on the tabs while arrowing
  await page.getByRole('tab', { name: 'Join a clinic hub' }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByLabel('Site name')).toHaveValue('Typed before switching');
  await expect(page.getByRole('tab', { name: 'New clinic' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByLabel('Enrollment code')).toHaveValue(code);

  await fillByKeyboard(page, 'Hub fingerprint', hub.fingerprint);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('This desk has joined Riverside Clinic (1 staff account, 1 patient)')).toBeVisible();
  await expect(page.getByText('Riverside Clinic · Front desk 2')).toBeVisible();
  // typed as host:port, stored as the https address
  expect(deskB.app.store.db.prepare(`SELECT value FROM meta WHERE key = 'sync.hub_url'`).pluck().get()).toBe(hub.url);

  // desk A's administrator, with desk A's password
  await signIn(page, ADMIN);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await search(page, 'varga');
  await expect(hitOption(page, /Varga, Ottoline/)).toBeVisible();
  expect(deskB.count('users', "username = 'admin'")).toBe(1);
});
