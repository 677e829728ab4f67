/**
 * Issue 12 item 6, end to end: a real hub and two desks. The administrator changes the idle lock, the lockout and the
 * duplicate-override approval in desk A's Settings by keyboard; desk B's Settings shows them (its own desk name kept)
 * and desk B's SQLite file holds them.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { RestartableHub, createCode } from '../support/hub.js';
import { type E2EDesk, expectAccessible, openDesk, screenshot, signIn } from './support/desk.js';
import { newDeskPage, startSyncDesk, stopSyncDesk } from './support/sync.js';

test.describe.configure({ mode: 'serial' });

let hub: RestartableHub;
let deskA: E2EDesk;
let deskB: E2EDesk;
let ctxA: BrowserContext;
let ctxB: BrowserContext;
let pageA: Page;
let pageB: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  hub = await RestartableHub.start();
  deskA = await startSyncDesk('Front desk A');
  deskB = await startSyncDesk('Front desk B');
  for (const d of [deskA, deskB]) await d.call('sync.enroll', { hubUrl: hub.url, code: await createCode(hub.current), fingerprint: hub.current.fingerprint });
  [ctxA, pageA] = await newDeskPage(browser);
  [ctxB, pageB] = await newDeskPage(browser);
});

test.afterAll(async () => {
  await ctxA?.close();
  await ctxB?.close();
  for (const d of [deskA, deskB]) await stopSyncDesk(d);
  await hub?.destroy();
});

/** The number/text input with this label (react-aria NumberField inputs are textboxes). */
const box = (page: Page, label: string) => page.getByRole('textbox', { name: label, exact: true });

async function replace(page: Page, label: string, value: string): Promise<void> {
  const f = box(page, label);
  await f.press('End');
  await expect(f).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(value);
}

test('idle lock, lockout and the duplicate approval set on desk A reach desk B; B keeps its desk name', async () => {
  test.setTimeout(120_000);
  // both desks have exchanged their setup before A changes anything (a later setup would win the site entity)
  await expect.poll(async () => (await deskA.call('sync.now', {})).pending + (await deskB.call('sync.now', {})).pending, { timeout: 30_000 }).toBe(0);

  await openDesk(pageA, deskA);
  await signIn(pageA);
  await expect(pageA.getByRole('combobox', { name: 'Search patients' })).toBeFocused();
  await pageA.keyboard.press('Alt+T');
  await expect(pageA.getByRole('heading', { name: 'Site settings', level: 1 })).toBeVisible();
  await replace(pageA, 'Lock the screen after (seconds idle)', '120');
  await pageA.keyboard.press('Tab');
  await expect(box(pageA, 'Failed sign-ins before lockout')).toBeFocused();
  await pageA.keyboard.press('ControlOrMeta+A');
  await pageA.keyboard.type('3');
  await pageA.keyboard.press('Tab');
  await pageA.keyboard.press('ControlOrMeta+A');
  await pageA.keyboard.type('45');
  await pageA.keyboard.press('Tab');
  const approval = pageA.getByRole('checkbox', { name: 'Require a supervisor’s approval to save a likely duplicate' });
  await expect(approval).toBeFocused();
  await pageA.keyboard.press('Space');
  await expect(approval).toBeChecked();
  await expect(pageA.getByTestId('settings-scope')).toContainText('reaches the other desks');
  await pageA.keyboard.press('Control+Enter');
  await expect(pageA.getByText('Settings saved.')).toBeVisible();
  await expectAccessible(pageA, 'site settings');
  await screenshot(pageA, 'settings-site-wide');

  // B: the settings arrive by themselves (its sync worker); then its Settings screen shows them
  await expect.poll(async () => (await deskB.call('settings.get', {})).lockoutMinutes, { timeout: 30_000 }).toBe(45);
  await openDesk(pageB, deskB);
  await signIn(pageB);
  await expect(pageB.getByRole('combobox', { name: 'Search patients' })).toBeFocused();
  await pageB.keyboard.press('Alt+T');
  await expect(pageB.getByRole('heading', { name: 'Site settings', level: 1 })).toBeVisible();
  await expect(box(pageB, 'Lock the screen after (seconds idle)')).toHaveValue('120');
  await expect(box(pageB, 'Failed sign-ins before lockout')).toHaveValue('3');
  await expect(box(pageB, 'Lockout lasts (minutes)')).toHaveValue('45');
  await expect(pageB.getByRole('checkbox', { name: 'Require a supervisor’s approval to save a likely duplicate' })).toBeChecked();
  await expect(box(pageB, 'Desk name')).toHaveValue('Front desk B');
  await screenshot(pageB, 'settings-site-wide-desk-b');
  expect(deskB.app.store.db.prepare('SELECT idle_lock_seconds i, lockout_threshold t, lockout_minutes m, desk_label d FROM site').get()).toEqual({ i: 120, t: 3, m: 45, d: 'Front desk B' });
  expect(deskB.app.store.db.prepare(`SELECT value FROM meta WHERE key = 'site.require_duplicate_approval'`).get()).toEqual({ value: '1' });
});
