import { test, expect, currentScreen, openDesk, signIn, fillByKeyboard, expectAccessible, screenshot, ADMIN, focusedName } from './support/desk.js';

test('sign-in: a wrong password shows an error, keeps the user name, and nothing signs in', async ({ page, desk }) => {
  await desk.setupViaApi();
  await openDesk(page, desk);
  await expect(page.getByLabel('User name')).toBeFocused();
  await expectAccessible(page, 'sign-in');
  await screenshot(page, 'sign-in');

  await signIn(page, { username: ADMIN.username, password: 'not the password' });
  await expect(page.getByRole('alert')).toContainText('User name or password is not right');
  await expect(page.getByLabel('User name')).toHaveValue(ADMIN.username);
  // the password is cleared and focused for the retry
  await expect(page.getByRole('textbox', { name: 'Password' })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Password' })).toHaveValue('');
  await expect(page.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);
  await expectAccessible(page, 'sign-in with error');
  await screenshot(page, 'sign-in-error');

  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
});

test('sign-in: repeated failures lock the account and say so; the right password is refused while locked', async ({ page, desk }) => {
  await desk.setupViaApi();
  const clerk = await desk.addUser('clerk', 'carla');
  await openDesk(page, desk);
  await fillByKeyboard(page, 'User name', clerk.username);
  for (let i = 0; i < 5; i++) {
    await fillByKeyboard(page, 'Password', `wrong password ${i}`);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toBeVisible();
  }
  await expect(page.getByRole('alert')).toContainText('locked');
  // even the right password is refused while locked out
  await fillByKeyboard(page, 'Password', clerk.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('locked');
  await expect(page.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);
  const users = await desk.call('users.list', {});
  expect(users.users.find((u) => u.username === clerk.username)?.locked).toBe(true);
  await screenshot(page, 'sign-in-locked-out');
});

test('Alt+L locks: the main layout is gone, unlock with the password returns to the same screen', async ({ page, desk }) => {
  await desk.setupViaApi();
  await openDesk(page, desk);
  await signIn(page);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await page.keyboard.press('Alt+T');
  await expect(page.getByRole('heading', { name: 'Site settings', level: 1 })).toBeVisible();

  const locksBefore = desk.count('audit_log', "action = 'session.locked'");
  await page.keyboard.press('Alt+L');
  await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await expect(page.getByRole('banner')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Site settings' })).toHaveCount(0);
  // global keys do nothing while locked
  await page.keyboard.press('Alt+U');
  await expect(page.getByRole('heading', { name: 'Users' })).toHaveCount(0);
  // the main process agrees: the browser's session is locked
  await expect.poll(() => desk.count('audit_log', "action = 'session.locked'")).toBe(locksBefore + 1);
  await expect(page.getByRole('textbox', { name: 'Password' })).toBeFocused();
  await expectAccessible(page, 'lock screen');
  await screenshot(page, 'lock');

  await page.keyboard.type('wrong password!!');
  await page.keyboard.press('Enter');
  await expect(page.getByText('That password is not right.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();

  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Site settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
});

test('idle lock: after idleLockSeconds without input the screen locks by itself', async ({ page, desk }) => {
  await desk.setupViaApi();
  const s = await desk.call('settings.get', {});
  await desk.call('settings.update', { ...s, idleLockSeconds: 30 });
  const locksBefore = desk.count('audit_log', "action = 'session.locked'");
  await page.clock.install();
  await openDesk(page, desk);
  await signIn(page);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await page.keyboard.press('Alt+N');
  await expect(page.getByRole('main')).toBeVisible();

  // 20 s idle: still open
  await page.clock.runFor(20_000);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  // a key press counts as activity and restarts the count
  await page.keyboard.press('Shift');
  await page.clock.runFor(20_000);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  // 31 s without input: locked, the layout is unmounted
  await page.clock.runFor(31_000);
  await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await expect(page.getByRole('banner')).toHaveCount(0);
  await expect(page.getByText('locked after a period without activity')).toBeVisible();
  await expect.poll(() => desk.count('audit_log', "action = 'session.locked'")).toBe(locksBefore + 1);
  expect(await focusedName(page)).toBe('Password');
  await desk.call('settings.update', s);
});

test('sign-out from the lock screen clears the session; the next sign-in starts at search', async ({ page, desk }) => {
  await desk.setupViaApi();
  await openDesk(page, desk);
  await signIn(page);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await page.keyboard.press('Alt+U');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await page.keyboard.press('Alt+L');
  await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
  await page.keyboard.press('Tab'); // Unlock button
  await page.keyboard.press('Tab'); // Sign out
  expect(await focusedName(page)).toBe('Sign out / switch user');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect.poll(() => desk.count('audit_log', "action = 'session.signed_out'")).toBe(1);
  await signIn(page);
  await expect(currentScreen(page)).toHaveText(/Search/);
});
