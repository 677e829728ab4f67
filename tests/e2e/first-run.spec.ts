import { test, expect, openDesk, runSetup, fillByKeyboard, tabTo, typeHere, expectAccessible, screenshot, SITE, ADMIN, signIn } from './support/desk.js';

test.describe.configure({ mode: 'serial' });

test('first-run setup: bad input shows errors at the fields and keeps every typed value; then setup succeeds', async ({ page, desk }) => {
  await openDesk(page, desk);
  await expect(page.getByRole('heading', { name: 'Set up this desk' })).toBeVisible();
  // the first field has the focus: a clerk can type at once
  await expect(page.getByLabel('Site name')).toBeFocused();
  await expectAccessible(page, 'first-run setup');
  await screenshot(page, 'first-run');

  // bad input: a short password and a different confirmation, a user name with spaces
  await fillByKeyboard(page, 'Site name', SITE.siteName);
  await fillByKeyboard(page, 'Desk name', SITE.deskLabel);
  await fillByKeyboard(page, 'User name', 'ada admin');
  await fillByKeyboard(page, 'Display name', ADMIN.displayName);
  await fillByKeyboard(page, 'Password', 'short');
  await fillByKeyboard(page, 'Confirm password', 'shorter');
  await page.keyboard.press('Enter');

  await expect(page.getByRole('alert').first()).toContainText('Nothing was saved');
  const userName = page.getByLabel('User name');
  await expect(userName).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('User name may contain letters, digits, . _ -')).toBeVisible();
  await expect(page.getByText('Password needs at least 12 characters')).toBeVisible();
  await expect(page.getByText('The two passwords differ')).toBeVisible();
  // the error is tied to its field for screen readers
  const describedBy = (await userName.getAttribute('aria-describedby')) ?? '';
  expect(describedBy.length).toBeGreaterThan(0);
  // nothing typed was lost
  await expect(page.getByLabel('Site name')).toHaveValue(SITE.siteName);
  await expect(page.getByLabel('Desk name')).toHaveValue(SITE.deskLabel);
  await expect(userName).toHaveValue('ada admin');
  await expect(page.getByLabel('Display name')).toHaveValue(ADMIN.displayName);
  await expect(page.getByRole('textbox', { name: 'Password', exact: true })).toHaveValue('short');
  expect(await desk.isSetUp()).toBe(false);
  await expectAccessible(page, 'first-run setup with errors');
  await screenshot(page, 'first-run-errors');

  // fix the fields by keyboard; errors clear as the clerk types
  await tabTo(page, 'User name');
  await typeHere(page, ADMIN.username);
  await expect(userName).not.toHaveAttribute('aria-invalid', 'true');
  await fillByKeyboard(page, 'Password', ADMIN.password);
  await fillByKeyboard(page, 'Confirm password', ADMIN.password);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText('Setup is done')).toBeVisible();
  // the store holds exactly the setup we typed
  expect(await desk.isSetUp()).toBe(true);
  const settings = desk.app.store.db.prepare('SELECT * FROM site').get() as Record<string, unknown>;
  expect(settings).toMatchObject({ name: SITE.siteName, desk_label: SITE.deskLabel });
  expect(desk.count('users', 'username = ? AND role = ?', ADMIN.username, 'administrator')).toBe(1);
});

test('after setup the desk opens at sign-in, never at setup again', async ({ page, desk }) => {
  expect(await desk.isSetUp()).toBe(true);
  await openDesk(page, desk);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText(`${SITE.siteName} · ${SITE.deskLabel}`)).toBeVisible();
  await signIn(page);
  await expect(page.getByRole('banner')).toContainText(`${SITE.siteName} · ${SITE.deskLabel}`);
  await expect(page.getByRole('banner')).toContainText('Ada Admin');
});
