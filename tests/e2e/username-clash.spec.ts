/**
 * Two desks set up separately (each with its own "admin", and each with a "maria"), then enrolled with one real hub
 * and synced by their real workers: nothing parked; on desk B the Users screen lists the accounts held because desk
 * A's earlier accounts keep the names; the administrator makes Maria B active by keyboard and it syncs to desk A
 * under its provisional name.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { startTestHub, createCode, type TestHub } from '../hub/support.js';
import { ADMIN, type E2EDesk, expectAccessible, focusedName, openDesk, screenshot, signIn, tabTo } from './support/desk.js';
import { newDeskPage, startSyncDesk, stopSyncDesk } from './support/sync.js';

test.describe.configure({ mode: 'serial' });

const MARIA_A = { username: 'maria', displayName: 'Maria Alvarez', role: 'clerk' as const, password: 'maria on desk A 123' };
const MARIA_B = { username: 'maria', displayName: 'Maria Bell', role: 'supervisor' as const, password: 'maria on desk B 456' };

let hub: TestHub;
let deskA: E2EDesk;
let deskB: E2EDesk;
let ctx: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  hub = await startTestHub();
  deskA = await startSyncDesk('Front desk 1');
  await deskA.call('users.create', MARIA_A);
  deskB = await startSyncDesk('Front desk 2');
  await deskB.call('users.create', MARIA_B);
  for (const d of [deskA, deskB]) await d.call('sync.enroll', { hubUrl: hub.url, code: await createCode(hub), fingerprint: hub.fingerprint });
  [ctx, page] = await newDeskPage(browser);
});

test.afterAll(async () => {
  await ctx?.close();
  await stopSyncDesk(deskA);
  await stopSyncDesk(deskB);
  await hub?.server.close();
  await hub?.db.close();
  hub?.admin.close();
});

function userRow(d: E2EDesk, username: string): { display_name: string; active: number } | undefined {
  return d.app.store.db.prepare('SELECT display_name, active FROM users WHERE username = ?').get(username) as { display_name: string; active: number } | undefined;
}

test('users: accounts whose user name another desk took first are held and listed; Active keeps one as another person', async () => {
  // both workers sync by themselves; wait until each desk holds all four accounts
  await expect.poll(() => deskB.count('users') === 4 && deskA.count('users') === 4 && deskB.count('sync_parked') + deskA.count('sync_parked') === 0, { timeout: 30_000 }).toBe(true);
  await expect.poll(() => userRow(deskB, 'maria')?.display_name, { timeout: 30_000 }).toBe('Maria Alvarez');

  // "admin" on desk B is now desk A's administrator (same password here); desk B's own admin is held
  await openDesk(page, deskB);
  await signIn(page, ADMIN);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await page.keyboard.press('Alt+U');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  const banner = page.locator('.ad-banner--warning').filter({ hasText: 'a user name that an earlier account already has' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('2 accounts have a user name');
  await expect(banner).toContainText('Maria Bell');
  await expect(banner).toContainText('Maria Alvarez (made first) keeps');
  const grid = page.getByRole('grid', { name: 'Users' });
  const heldRow = grid.getByRole('row', { name: /Maria Bell/ });
  await expect(heldRow).toContainText('Name taken: held');
  await expect(heldRow).toContainText('Inactive');
  await expect(grid.getByRole('row', { name: /Maria Alvarez/ })).toContainText('Active');
  await expectAccessible(page, 'users with held accounts');
  await screenshot(page, 'users-held');

  // keyboard: into the table, to Maria Bell, Enter edits; the dialog explains; Active + Enter saves
  await tabTo(page, /Ada Admin/);
  for (let i = 0; i < 6 && !/Maria Bell/.test(await focusedName(page)); i++) await page.keyboard.press('ArrowDown');
  expect(await focusedName(page)).toMatch(/Maria Bell/);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('User name taken');
  await expect(dialog).toContainText('Maria Alvarez, made first, keeps that name');
  const provisional = (await dialog.locator('.ad-banner--warning .ad-mono').nth(1).textContent())!.trim();
  expect(provisional).toMatch(/^maria\.[0-9a-f]{4,}$/);
  await expectAccessible(page, 'edit held account');
  await screenshot(page, 'users-held-edit');
  await tabTo(page, 'Active (may sign in)');
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Saved Maria Bell' })).toBeVisible();
  await expect(page.locator('.ad-banner--warning')).toContainText('One account has a user name');
  await expect(grid.getByRole('row', { name: /Maria Bell/ })).toContainText('Active');
  await expect(grid.getByRole('row', { name: /Maria Bell/ })).toContainText(provisional);

  // it syncs: desk A holds Maria Bell active under the provisional name; she signs in there with her own password
  await expect.poll(() => userRow(deskA, provisional)?.active, { timeout: 30_000 }).toBe(1);
  const r = await deskA.app.dispatcher.call('maria-b', 'session.signIn', { username: provisional, password: MARIA_B.password });
  expect(r.ok).toBe(true);
});
