import { test, expect, openSignedIn, expectAccessible, screenshot, typeHere, focusedName } from './support/desk.js';
import type { E2EDesk } from './support/desk.js';

async function arrange(desk: E2EDesk): Promise<void> {
  await desk.setupViaApi();
  await desk.call('visits.saveDepartment', { department: { name: 'Family Medicine', code: 'FAMMED', active: true } });
  await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Linh Nguyen', code: 'NGUYEN', npi: '', departmentIds: [], active: true } });
  await desk.call('visits.saveAppointmentType', { appointmentType: { name: 'Follow-up', code: 'FU', durationMin: 20, copayCategory: 'primary-care', defaultCopayCents: 2500, authorizationRequired: false, active: true } });
  await desk.call('patients.register', {
    patient: { name: { given: 'Maria', family: 'Alvarez' }, birthDate: '1975-03-14', sexAtBirth: 'female', phones: [{ use: 'mobile', number: '(217) 555-1234' }] } as never,
  });
}

const HEADER = 'external_id,date,time,department,provider,type,last_name,first_name,dob';
const ROW1 = 'A-1,2026-01-06,09:00,FAMMED,NGUYEN,FU,Alvarez,Maria,1975-03-14';
const ROW2 = 'A-2,2026-01-06,9:30 AM,FAMMED,NGUYEN,FU,Okafor,Chidi,1990-01-01';
const BAD = 'A-3,2026-01-06,09:45,ONCO,NGUYEN,FU,Baker,John,1960-07-04';

test('import screen, keyboard only: a file with a bad row is refused row by row, the fixed file imports all rows at once', async ({ page, desk }) => {
  await arrange(desk);
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+I');
  await expect(page.getByRole('heading', { name: 'Import appointments', level: 1 })).toBeVisible();
  // focus starts in the CSV text
  expect(await focusedName(page)).toMatch(/^CSV text/);
  await page.keyboard.type([HEADER, ROW1, ROW2, BAD].join('\n'));
  await page.keyboard.press('Alt+K');
  const summary = page.getByRole('heading', { level: 2 });
  await expect(summary).toHaveText('3 rows: 2 new, 0 already imported, 1 with errors, 1 with a pending patient');
  await expect(summary).toBeFocused();
  const grid = page.getByRole('grid', { name: 'Rows of the file' });
  await expect(grid.getByRole('row')).toHaveCount(4);
  await expect(grid.getByRole('row').nth(1)).toContainText('Alvarez, Maria');
  await expect(grid.getByRole('row').nth(1)).toContainText('matched by name and date of birth');
  await expect(grid.getByRole('row').nth(2)).toContainText('pending: check in resolves it');
  await expect(grid.getByRole('row').nth(3)).toContainText('department: Department code "ONCO" is not set up: add it in Clinic setup (Alt+C)');
  await expect(page.getByRole('alert')).toContainText('1 row has errors: nothing can be imported');
  await expect(page.getByRole('button', { name: /^Import 2 appointments/ })).toBeDisabled();
  // Alt+M does nothing while a row has an error
  await page.keyboard.press('Alt+M');
  expect(desk.count('visit_appointments')).toBe(0);
  await expectAccessible(page, 'import preview with errors');
  await screenshot(page, 'import-errors');

  // back to the text with Shift+Tab (summary -> Check rows -> Choose file -> text; Import is disabled), fix the file
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
  expect(await focusedName(page)).toMatch(/^CSV text/);
  await typeHere(page, [HEADER, ROW1, ROW2].join('\n'));
  await expect(page.getByRole('status').filter({ hasText: 'The text changed since it was checked' })).toBeVisible();
  await page.keyboard.press('Alt+K');
  await expect(summary).toHaveText('2 rows: 2 new, 0 already imported, 0 with errors, 1 with a pending patient');
  await expect(page.getByRole('button', { name: /^Import 2 appointments/ })).toBeEnabled();
  await expectAccessible(page, 'import preview ready');
  await screenshot(page, 'import-ready');
  await page.keyboard.press('Alt+M');
  await expect(page.getByRole('status').filter({ hasText: 'Imported 2 appointments' })).toBeVisible();
  expect(desk.count('visit_appointments', "source = 'csv'")).toBe(2);
  expect(desk.count('outbox', "kind = 'appointment.booked'")).toBe(2);
  await screenshot(page, 'import-done');

  // the same file again: nothing new, nothing written
  await page.keyboard.press('Tab'); // from the success message to the (now empty) CSV text
  expect(await focusedName(page)).toMatch(/^CSV text/);
  await page.keyboard.type([HEADER, ROW1, ROW2].join('\n'));
  await page.keyboard.press('Alt+K');
  await expect(summary).toHaveText('2 rows: 0 new, 2 already imported, 0 with errors, 0 with a pending patient');
  await expect(page.getByRole('main').getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
  expect(desk.count('visit_appointments')).toBe(2);
});

test('import is offered in the palette to administrators only', async ({ page, desk }) => {
  await desk.setupViaApi();
  const clerk = await desk.addUser('clerk');
  await openSignedIn(page, desk, clerk);
  await page.keyboard.press('Control+K');
  await page.keyboard.type('Import appointments');
  await expect(page.getByRole('option', { name: /Import appointments from a CSV file/ })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Alt+I');
  await expect(page.getByRole('heading', { name: 'Import appointments', level: 1 })).toHaveCount(0);
});
