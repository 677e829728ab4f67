import { test, expect, openSignedIn, expectAccessible, screenshot, focusedName, tabTo, currentScreen, SEARCH_INPUT } from './support/desk.js';

test('main layout: landmarks, one key per screen, Esc goes back, "/" focuses search only when not typing', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await expect(page.getByRole('banner')).toContainText('Riverside Clinic · Front desk 1');
  await expect(page.getByRole('banner')).toContainText('Ada Admin');
  await expect(page.getByRole('banner')).toContainText('Administrator');
  await expect(page.getByRole('main')).toBeVisible();
  // key hints are shown on the buttons
  await expect(page.getByRole('navigation', { name: 'Screens' })).toContainText('Alt+S');
  await expect(page.getByRole('navigation', { name: 'Screens' })).toContainText('Alt+U');
  await expect(page.getByRole('button', { name: /Lock/ })).toContainText('Alt+L');
  await expectAccessible(page, 'main layout');
  await screenshot(page, 'main-layout');

  await page.keyboard.press('Alt+N');
  await expect(currentScreen(page)).toHaveText(/New patient/);
  await page.keyboard.press('Alt+A');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await page.keyboard.press('Alt+U');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  // Esc walks back: users -> audit -> register
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(currentScreen(page)).toHaveText(/New patient/);

  // "/" from outside a field jumps to the search box
  await page.keyboard.press('Alt+U');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await page.keyboard.press('/');
  await expect(currentScreen(page)).toHaveText(/Search/);
  const search = page.locator(SEARCH_INPUT);
  await expect(search).toBeFocused();
  // typing "/" inside the field types it
  await page.keyboard.type('12/31');
  await expect(search).toHaveValue('12/31');
  // Alt+S from elsewhere focuses search too
  await page.keyboard.press('Alt+T');
  await expect(page.getByRole('heading', { name: 'Site settings', level: 1 })).toBeVisible();
  await page.keyboard.press('Alt+S');
  await expect(currentScreen(page)).toHaveText(/Search/);
  await expect(page.locator(SEARCH_INPUT)).toBeFocused();
});

test('command palette (Ctrl+K): lists every command with its key, filters as you type, Enter runs', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await page.keyboard.press('Control+K');
  const dialog = page.getByRole('dialog', { name: 'Commands' });
  await expect(dialog).toBeVisible();
  const input = dialog.getByRole('searchbox', { name: 'Type a command' });
  await expect(input).toBeFocused();
  for (const [label, key] of [
    ['Register a new patient', 'Alt+N'],
    ['Users', 'Alt+U'],
    ['Audit log', 'Alt+A'],
    ['Site settings', 'Alt+T'],
    ['Lock the screen', 'Alt+L'],
    ['Show all keys', 'F1'],
  ] as const) {
    await expect(dialog.getByRole('option', { name: new RegExp(`^${label}`) })).toContainText(key);
  }
  await expectAccessible(page, 'command palette');
  await screenshot(page, 'palette');

  await page.keyboard.type('audit');
  await expect(dialog.getByRole('option')).toHaveCount(1);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();

  // Esc closes the palette without going back
  await page.keyboard.press('Control+K');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();

  // lock from the palette
  await page.keyboard.press('Control+K');
  await page.keyboard.type('lock');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
});

test('help overlay (F1 and ?): every key grouped by scope; Esc closes and focus returns', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+U');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await tabTo(page, 'Add user');
  await page.keyboard.press('F1');
  const help = page.getByRole('dialog', { name: 'Keyboard keys' });
  await expect(help).toBeVisible();
  for (const group of ['Anywhere', 'Patient search', 'Forms', 'Patient record', 'Lists and tables', 'Dialogs']) {
    await expect(help.getByRole('heading', { name: group })).toBeVisible();
  }
  for (const key of ['Alt+S', 'Alt+N', 'Alt+U', 'Alt+A', 'Alt+T', 'Ctrl+K', 'F1 / Shift+?', 'Alt+L', 'Esc', 'Ctrl+Enter']) {
    await expect(help.getByText(key, { exact: true }).first()).toBeVisible();
  }
  await expectAccessible(page, 'help overlay');
  await screenshot(page, 'help');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  // Esc closed the dialog only: still on Users, focus back on the button
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  expect(await focusedName(page)).toBe('Add user');

  // "?" opens help when not typing
  await page.keyboard.press('Shift+?');
  await expect(help).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});
