import { test, expect, openSignedIn, fillByKeyboard, tabTo, typeHere, expectAccessible, screenshot } from './support/desk.js';
import { choose, tabToButton } from './support/patients.js';

test('settings: change site name and idle lock by keyboard; bad values show at the field and nothing is saved', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+T');
  await expect(page.getByRole('heading', { name: 'Site settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Site name' })).toHaveValue('Riverside Clinic');
  await expectAccessible(page, 'settings');
  await screenshot(page, 'settings');

  await fillByKeyboard(page, 'Site name', 'Riverside Family Clinic');
  await fillByKeyboard(page, 'Lock the screen after (seconds idle)', '10');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByText('At least 30 seconds')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Lock the screen after (seconds idle)' })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('textbox', { name: 'Site name' })).toHaveValue('Riverside Family Clinic');
  expect((await desk.call('settings.get', {})).siteName).toBe('Riverside Clinic');
  await expectAccessible(page, 'settings with error');

  await fillByKeyboard(page, 'Lock the screen after (seconds idle)', '600');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  const saved = await desk.call('settings.get', {});
  expect(saved).toMatchObject({ siteName: 'Riverside Family Clinic', idleLockSeconds: 600 });
  // the header follows at once
  await expect(page.getByRole('banner')).toContainText('Riverside Family Clinic · Front desk 1');
  expect(desk.count('audit_log', "action LIKE 'settings.%' OR action LIKE 'site.%'")).toBeGreaterThan(0);
});

test('audit log: newest first in the site time zone, in words, filter by action area, older pages, verify the chain', async ({ page, desk }) => {
  test.setTimeout(120_000); // 55 arranged sign-ins and a long Tab walk on a shared machine
  await desk.setupViaApi();
  // enough entries for two pages (each failed sign-in is audited)
  for (let i = 0; i < 55; i++) await desk.app.dispatcher.call('e2e:noise', 'session.signIn', { username: 'nobody', password: 'x' });
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+A');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const grid = page.getByRole('grid', { name: 'Audit entries' });
  await expect(grid.getByRole('columnheader', { name: 'Time (America/Chicago)' })).toBeVisible();
  // newest first: the admin's own sign-in tops the list
  await expect(grid.getByRole('row').nth(1)).toContainText('Signed in');
  await expect(grid.getByRole('row').nth(1)).toContainText('Ada Admin');
  await expect(grid.getByRole('row').nth(2)).toContainText('Sign-in failed');
  // shown in the site's zone (Chicago), not UTC
  const newest = (await desk.call('audit.list', { limit: 1 })).entries[0]!;
  const chicago = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(new Date(newest.at));
  await expect(grid.getByRole('row').nth(1)).toContainText(chicago);
  await expect(grid.getByRole('row')).toHaveCount(51); // header + 50
  await expectAccessible(page, 'audit log');
  await screenshot(page, 'audit');

  // older page
  await tabTo(page, 'Older');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: /^Entries \d+ to 1\./ })).toBeVisible();
  await expect(grid.getByRole('row').last()).toContainText('Desk set up (new clinic)');
  await tabTo(page, 'Newer');
  await page.keyboard.press('Enter');
  await expect(grid.getByRole('row').nth(1)).toContainText('Signed in');

  // filter by action area (Users)
  await choose(page, 'Action', 'Users (all)');
  await tabToButton(page, 'Filter');
  await page.keyboard.press('Enter');
  await expect(grid.getByRole('row')).toHaveCount(2);
  await expect(grid.getByRole('row').nth(1)).toContainText('User added');
  await expect(grid.getByRole('row').nth(1)).toContainText('User Ada Admin (admin)');

  // verify the chain
  await tabTo(page, 'Verify chain');
  await page.keyboard.press('Enter');
  const total = desk.count('audit_log');
  await expect(page.getByRole('status').filter({ hasText: 'Chain OK' })).toContainText(`all ${total - 1} entries verified`);
  await screenshot(page, 'audit-verified');

  // a row tampered with below the append-only trigger (as an attacker with the file would) is reported as broken
  desk.app.store.db.exec('DROP TRIGGER audit_no_update');
  desk.app.store.db.prepare("UPDATE audit_log SET detail = '{\"tampered\":true}' WHERE seq = 3").run();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Chain BROKEN');
  await expect(page.getByRole('alert')).toContainText('no. 3');
});

test('typed, unsaved input survives a lock for the same user, and is discarded when another user signs in', async ({ page, desk }) => {
  await desk.setupViaApi();
  const other = await desk.addUser('administrator', 'otto');
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+T');
  await fillByKeyboard(page, 'Desk name', 'Typed but not saved');
  await page.keyboard.press('Alt+L');
  await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
  // not rendered while locked
  await expect(page.getByText('Typed but not saved')).toHaveCount(0);
  expect(await page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).not.toContain('Typed but not saved');
  await page.keyboard.type('correct horse battery');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Site settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Desk name' })).toHaveValue('Typed but not saved');
  expect((await desk.call('settings.get', {})).deskLabel).toBe('Front desk 1');

  // lock again, and a different user takes over the desk: the draft is gone
  await page.keyboard.press('Alt+L');
  await tabTo(page, 'Sign out / switch user');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await fillByKeyboard(page, 'User name', other.username);
  await fillByKeyboard(page, 'Password', other.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await page.keyboard.press('Alt+T');
  await expect(page.getByRole('textbox', { name: 'Desk name' })).toHaveValue('Front desk 1');
});
