/**
 * Clinic setup (administrator), keyboard only: Alt+C opens it; add a department, a provider working in it and an
 * appointment type with a copay category, default copay and "authorization required"; a bad copay is refused at the
 * field with nothing saved; edit a type (Enter on its row) and deactivate it. What the desk stores is checked.
 * A clerk does not get the screen. axe; screenshots at 1366x768.
 */
import { test, expect, openSignedIn, expectAccessible, screenshot, tabTo, typeHere } from './support/desk.js';
import { choose, field } from './support/patients.js';
import type { Page } from '@playwright/test';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

const tabs = (page: Page) => page.getByRole('tablist', { name: 'Clinic setup lists' });

test('an administrator adds a department, a provider and an appointment type, edits and deactivates a type', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+C');
  await expect(page.getByRole('heading', { name: 'Clinic setup', level: 1 })).toBeVisible();

  // ---- department: N adds (the Departments tab is shown) ----------------------------------------------------------
  await page.keyboard.press('n');
  let dialog = page.getByRole('dialog', { name: 'Add department' });
  await expect(field(page, 'Name', dialog)).toBeFocused();
  await page.keyboard.type('Pediatrics');
  await page.keyboard.press('Tab');
  await page.keyboard.type('PEDS');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText('Saved department Pediatrics.')).toBeVisible();

  // ---- provider: → to the Providers tab (react-aria Tabs), N -------------------------------------------------------
  await tabTo(page, /^Departments \(/);
  await page.keyboard.press('ArrowRight');
  await expect(tabs(page).getByRole('tab', { name: /Providers/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('n');
  dialog = page.getByRole('dialog', { name: 'Add provider' });
  await expect(field(page, 'Name on the board', dialog)).toBeFocused();
  await page.keyboard.type('Dr. Ines Okafor');
  await page.keyboard.press('Tab');
  await page.keyboard.type('OKAFOR');
  await tabTo(page, 'Pediatrics');
  await page.keyboard.press('Space');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);

  // ---- appointment type: a bad copay is refused at the field; then fixed --------------------------------------------
  await tabTo(page, /^Providers \(/);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('n');
  dialog = page.getByRole('dialog', { name: 'Add appointment type' });
  await expect(field(page, 'Name', dialog)).toBeFocused();
  await page.keyboard.type('Well-child visit');
  await page.keyboard.press('Tab');
  await page.keyboard.type('WCV');
  await choose(page, 'Copay category', 'Preventive', dialog);
  await field(page, 'Default copay ($)', dialog).press('End');
  await typeHere(page, '12.345');
  await tabTo(page, 'Authorization required');
  await page.keyboard.press('Space');
  await page.keyboard.press('Control+Enter');
  await expect(field(page, 'Default copay ($)', dialog)).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('At most two digits after the decimal point')).toBeVisible();
  expect(desk.count('visit_directory', "entity_type = 'appointment_type'")).toBe(0);
  await expectAccessible(page, 'appointment type dialog with an error');
  await screenshot(page, 'visits-admin-type-error');
  await field(page, 'Default copay ($)', dialog).press('End');
  await typeHere(page, '15.00');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  const dirNow = await desk.call('visits.directory', {});
  const dep = dirNow.departments.find((d) => d.code === 'PEDS')!;
  expect(dirNow.providers.find((p) => p.code === 'OKAFOR')).toMatchObject({ displayName: 'Dr. Ines Okafor', departmentIds: [dep.id], active: true });
  expect(dirNow.types.find((t) => t.code === 'WCV')).toMatchObject({ name: 'Well-child visit', copayCategory: 'preventive', defaultCopayCents: 1500, authorizationRequired: true, durationMin: 15, active: true });

  // ---- edit: Enter on the row, untick Active (deactivate) ------------------------------------------------------------
  const table = page.getByRole('grid', { name: 'Appointment types' });
  await expect(table.getByRole('row', { name: /Well-child visit/ })).toContainText('$15.00');
  await expectAccessible(page, 'clinic setup: appointment types');
  await screenshot(page, 'visits-admin-types');
  await tabTo(page, /Well-child visit/);
  await page.keyboard.press('Enter');
  dialog = page.getByRole('dialog', { name: 'Edit appointment type' });
  await expect(dialog).toBeVisible();
  await tabTo(page, 'Active (untick to deactivate)');
  await page.keyboard.press('Space');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  await expect(table.getByRole('row', { name: /Well-child visit/ })).toContainText('Inactive');
  expect((await desk.call('visits.directory', {})).types.find((t) => t.code === 'WCV')?.active).toBe(false);
});

test('a clerk does not get clinic setup', async ({ page, desk }) => {
  const clerk = await desk.addUser('clerk', 'cleo');
  await page.context().clearCookies();
  await openSignedIn(page, desk, clerk);
  await page.keyboard.press('Alt+C');
  await expect(page.getByRole('heading', { name: 'Clinic setup' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /Clinic setup/ })).toHaveCount(0);
});
