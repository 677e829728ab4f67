/**
 * Focus after a print preview closes (issue 12, item 8), keyboard only: it goes back to what opened the preview
 * (the patient record's heading, the board's highlighted row), or to a sensible element when that is gone (the
 * visit details dialog that printed a visit label closed itself: the board's highlighted row) — never to the page
 * body. Printing is stubbed (window.print) since headless Chromium has no print dialog.
 */
import { test, expect, openSignedIn, screenshot, focusedName } from './support/desk.js';
import { registerViaApi, search } from './support/patients.js';
import { setupDirectory, currentConsents, chicagoToday } from './support/visits.js';
import type { Page } from '@playwright/test';

test.describe.configure({ mode: 'serial', timeout: 120_000 });
const today = chicagoToday();

async function stubPrint(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { print: () => void }).print = () => undefined;
  });
}

/** The focused element is not the page body (nor nothing), and is what `expected` says. */
async function expectFocusOn(page: Page, what: string, check: () => Promise<void>) {
  await expect.poll(() => page.evaluate(() => document.activeElement !== null && document.activeElement !== document.body), { message: `${what}: focus not on the page body` }).toBe(true);
  await check();
}

test('closing a print preview gives the focus back to what opened it, or to a sensible element — never to the page body', async ({ page, desk }) => {
  const dir = await setupDirectory(desk);
  const p = await registerViaApi(desk, { name: { given: 'Tamsin', family: 'Ollerenshaw' }, birthDate: '1966-09-12', consents: currentConsents(today, 'Tamsin Ollerenshaw') });
  // an arrived walk-in: Enter on its row shows the visit details (with Alt+P, print the visit label)
  await desk.call('visits.walkIn', { patientId: p.id, departmentId: dir.dep.id, providerId: dir.prov.id, typeId: dir.followUp.id, note: '', arriveNow: true });
  await openSignedIn(page, desk);
  await stubPrint(page);

  // ---- the patient record: L, Esc -> the record's heading (where the focus was) -------------------------------------
  await search(page, 'ollerensh');
  await page.keyboard.press('Enter');
  const h1 = page.getByRole('heading', { level: 1, name: /Ollerenshaw, Tamsin/ });
  await expect(h1).toBeFocused();
  await page.keyboard.press('l');
  const label = page.getByRole('dialog', { name: 'Patient label' });
  await expect(label.getByRole('button', { name: /^Print/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(label).toHaveCount(0);
  await expectFocusOn(page, 'after the label preview', () => expect(h1).toBeFocused());
  // and after Tab into the toolbar: B from the Edit button, Esc -> the Edit button
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Edit');
  await page.keyboard.press('b');
  const band = page.getByRole('dialog', { name: 'Wristband' });
  await expect(band.getByRole('button', { name: /^Print/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(band).toHaveCount(0);
  await expectFocusOn(page, 'after the wristband preview', async () => expect(await focusedName(page)).toBe('Edit'));

  // ---- the board: Alt+P on the highlighted row, Esc -> that row ----------------------------------------------------
  await page.keyboard.press('Alt+B');
  const row = page.getByRole('grid', { name: 'Appointments of the day' }).getByRole('row', { name: /Ollerenshaw, Tamsin/ });
  await expect(row).toBeFocused();
  await page.keyboard.press('Alt+P');
  const visitLabel = page.getByRole('dialog', { name: /label/i });
  await expect(visitLabel.getByRole('button', { name: /^Print/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(visitLabel).toHaveCount(0);
  await expectFocusOn(page, 'after the board’s label preview', () => expect(row).toBeFocused());

  // ---- the visit details: Enter, Alt+P (the details close, the preview opens), Esc -> the board's row ----------------
  await page.keyboard.press('Enter');
  const details = page.getByRole('dialog', { name: /Ollerenshaw, Tamsin/ });
  await expect(details).toBeVisible();
  await page.keyboard.press('Alt+P');
  await expect(visitLabel.getByRole('button', { name: /^Print/ })).toBeFocused();
  await expect(details).toHaveCount(0);
  await screenshot(page, 'print-preview-from-details');
  await page.keyboard.press('Escape');
  await expect(visitLabel).toHaveCount(0);
  await expectFocusOn(page, 'after the details’ label preview', () => expect(row).toBeFocused());

  // ---- a receipt: P on the record, cash, Enter; the done panel's Print receipt (Enter) closes the payment dialog and
  // opens the preview; Esc -> back on the record (its heading), not on the page body ---------------------------------
  await desk.call('drawer.open', { float: { b20: 5, b10: 4, b5: 2 } });
  await page.keyboard.press('Alt+S');
  await search(page, 'ollerensh');
  await page.keyboard.press('Enter');
  await expect(h1).toBeFocused();
  await page.keyboard.press('p');
  const pay = page.getByRole('dialog', { name: /^Take payment/ });
  await expect(pay.getByRole('textbox', { name: 'Amount', exact: true })).toBeFocused();
  await page.keyboard.type('25');
  await page.keyboard.press('Tab'); // method: cash
  await page.keyboard.press('Tab');
  await page.keyboard.type('25.00');
  await page.keyboard.press('Enter');
  const done = page.getByRole('dialog', { name: 'Payment taken' });
  await expect(done.getByRole('button', { name: /^Print receipt/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const receipt = page.getByRole('dialog', { name: /^Receipt / });
  await expect(receipt.getByRole('button', { name: /^Print/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(receipt).toHaveCount(0);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expectFocusOn(page, 'after the receipt preview', () => expect(h1).toBeFocused());
  // the keys act again: H opens the history
  await page.keyboard.press('h');
  await expect(page.getByRole('heading', { level: 1, name: /History/ })).toBeVisible();
});
