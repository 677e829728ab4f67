import { test, expect, currentScreen, openSignedIn, openDesk, signIn, fillByKeyboard, tabTo, typeHere, expectAccessible, screenshot, focusedName } from './support/desk.js';

test.describe.configure({ mode: 'serial' });

const CLERK = { username: 'cclerk', displayName: 'Cora Clerk', password: 'clerk password 123' };

test('users: add a clerk by keyboard; server errors show at the field with the typed values kept', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+U');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(page.getByRole('grid', { name: 'Users' })).toContainText('Ada Admin');
  await expectAccessible(page, 'users');
  await screenshot(page, 'users');

  await tabTo(page, 'Add user');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Add user' });
  await expect(dialog).toBeVisible();
  expect(await focusedName(page)).toBe('Display name');
  await page.keyboard.type(CLERK.displayName);
  // a taken user name: the server refuses it (CONFLICT), shown at the field
  await fillByKeyboard(page, 'User name', 'admin');
  await tabTo(page, /Role$/);
  await fillByKeyboard(page, 'Password', CLERK.password);
  await fillByKeyboard(page, 'Confirm password', CLERK.password);
  await page.keyboard.press('Enter');
  await expect(dialog.getByText('That user name is taken.').first()).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'User name' })).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByRole('textbox', { name: 'Display name' })).toHaveValue(CLERK.displayName);
  await expect(dialog.getByRole('textbox', { name: 'Password', exact: true })).toHaveValue(CLERK.password);
  await expectAccessible(page, 'add user dialog with error');
  await screenshot(page, 'users-add-error');

  await fillByKeyboard(page, 'User name', CLERK.username);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Added Cora Clerk' })).toBeVisible();
  await expect(page.getByRole('grid', { name: 'Users' })).toContainText(CLERK.username);
  // the store holds the clerk with the clerk role (the select's default)
  expect(desk.count('users', 'username = ? AND role = ? AND active = 1', CLERK.username, 'clerk')).toBe(1);
  expect(desk.count('audit_log', "action = 'user.created'")).toBe(2);
});

test('users: a clerk signs in and the administrator screens and keys are absent', async ({ page, desk }) => {
  await desk.setupViaApi();
  await openDesk(page, desk);
  await signIn(page, CLERK);
  const nav = page.getByRole('navigation', { name: 'Screens' });
  await expect(nav).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Cora Clerk');
  await expect(page.getByRole('banner')).toContainText('Clerk');
  // a clerk's screens: search, register, today's board, the drawer — no review queue, end of day or admin screens
  await expect(nav.getByRole('button')).toHaveText([/Search/, /New patient/, /Board/, /Drawer/]);
  for (const key of ['Alt+U', 'Alt+A', 'Alt+T', 'Alt+C', 'Alt+J', 'Alt+R']) await page.keyboard.press(key);
  await expect(currentScreen(page)).toHaveText(/Search/);
  await expect(page.getByRole('heading', { name: /^(Users|Audit log|Site settings|Clinic setup|End of day|Review queue)/ })).toHaveCount(0);
  // the palette does not offer them either
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Commands' });
  await expect(palette.getByRole('option', { name: /Register a new patient/ })).toBeVisible();
  await expect(palette.getByRole('option', { name: /^(Users|Audit log|Site settings)/ })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expectAccessible(page, 'main layout as clerk');
});

test('users: edit role/active, set a password and clear a lockout by keyboard', async ({ page, desk }) => {
  await desk.setupViaApi();
  // lock the clerk out through real failed sign-ins
  for (let i = 0; i < 5; i++) {
    const r = await desk.app.dispatcher.call('e2e:bad', 'session.signIn', { username: CLERK.username, password: 'nope' });
    expect(r.ok).toBe(false);
  }
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+U');
  const grid = page.getByRole('grid', { name: 'Users' });
  await expect(grid.getByRole('row', { name: /Cora Clerk/ })).toContainText('Locked out');

  // into the table, ↓ to Cora (sorted by name: Ada, Cora), Enter edits
  await tabTo(page, /Ada Admin/);
  await page.keyboard.press('ArrowDown');
  expect(await focusedName(page)).toMatch(/Cora Clerk/);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: `Edit user: ${CLERK.username}` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Locked out');
  await expectAccessible(page, 'edit user dialog');
  await screenshot(page, 'users-edit');

  await tabTo(page, 'Unlock account');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'can sign in again' })).toBeVisible();
  await expect(dialog.getByText('Locked out')).toHaveCount(0);
  expect((await desk.call('users.list', {})).users.find((u) => u.username === CLERK.username)?.locked).toBe(false);

  // a too-short new password: error at the field, nothing changed
  await fillByKeyboard(page, 'New password', 'short');
  await fillByKeyboard(page, 'Confirm new password', 'short');
  await page.keyboard.press('Enter');
  await expect(dialog.getByText('Password needs at least 12 characters')).toBeVisible();
  await fillByKeyboard(page, 'New password', 'a brand new password');
  await fillByKeyboard(page, 'Confirm new password', 'a brand new password');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'New password set' })).toBeVisible();
  const ok = await desk.app.dispatcher.call('e2e:check', 'session.signIn', { username: CLERK.username, password: 'a brand new password' });
  expect(ok.ok).toBe(true);

  // make Cora a supervisor and deactivate her
  await fillByKeyboard(page, 'Display name', 'Cora Supervisor');
  await tabTo(page, /Role$/);
  await page.keyboard.press('Enter'); // opens the list
  await page.keyboard.type('Sup');
  await page.keyboard.press('Enter');
  await tabTo(page, /Active \(may sign in\)$/);
  await page.keyboard.press('Space');
  await tabTo(page, 'Save changes');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(grid.getByRole('row', { name: /Cora Supervisor/ })).toContainText('Supervisor');
  await expect(grid.getByRole('row', { name: /Cora Supervisor/ })).toContainText('Inactive');
  expect(desk.count('users', 'username = ? AND role = ? AND active = 0', CLERK.username, 'supervisor')).toBe(1);
});
