/**
 * The drawer, keyboard only, on a real desk (web host + SQLite file):
 *  1. Alt+D from anywhere: open with the float counted in the denomination grid (↓ moves, digits type, the total
 *     updates live, Enter opens); the session row holds the float in cents.
 *  2. Paid out with a reason (O); payments of the session in the table; a supervisor's X report (from the API).
 *  3. Void of a payment above the limit: Enter on the row, Void…, reason; the supervisor types their credentials on
 *     the spot (a wrong password is refused on the field, nothing is written); then the void row records requester
 *     and approver.
 *  4. Close (C): a blind count — the expected cash is nowhere on screen before the count is submitted; then expected
 *     vs counted per method with the variance; beyond tolerance: reason + supervisor sign-off; the session is closed
 *     and the sign-off stored.
 */
import type { Page } from '@playwright/test';
import { test, expect, expectAccessible, openSignedIn, screenshot, focusedName, typeHere } from './support/desk.js';
import { registerViaApi } from './support/patients.js';
import { countByKeyboard, paymentRows } from './support/payments.js';

test.describe.configure({ mode: 'serial' });

let clerk: { username: string; password: string };
let sup: { username: string; password: string; displayName: string };
let patientId: string;
const CLERK_KEY = 'e2e:clerk';

async function toDrawer(page: Page) {
  await page.keyboard.press('Alt+D');
}

test('Alt+D: open the drawer with the float counted by denomination (arrows + digits, live total, Enter)', async ({ page, desk }) => {
  await desk.setupViaApi();
  clerk = await desk.addUser('clerk', 'cara');
  sup = await desk.addUser('supervisor', 'sam');
  patientId = (await registerViaApi(desk, { name: { given: 'Ngozi', family: 'Okafor' }, birthDate: '1984-02-11' })).id;
  await desk.call('session.signIn', { username: clerk.username, password: clerk.password }, CLERK_KEY);

  await openSignedIn(page, desk, clerk);
  await toDrawer(page);
  await expect(page.getByRole('heading', { name: 'Open the drawer', level: 1 })).toBeVisible();
  // $20 x5, $10 x4, $5 x4, $1 x8, quarters x8 = 100 + 40 + 20 + 8 + 2 = $170.00
  await countByKeyboard(page, { $20: 5, $10: 4, $5: 4, $1: 8, '25¢': 8 });
  await expect(page.getByTestId('count-total')).toContainText('$170.00');
  // ↑ goes back up; typing replaces the count there
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  expect(await focusedName(page)).toBe('25¢');
  await page.keyboard.type('4');
  await expect(page.getByTestId('count-total')).toContainText('$169.00');
  await expectAccessible(page, 'open the drawer (count grid)');
  await screenshot(page, 'drawer-open-count');
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { name: 'Drawer — open', level: 1 })).toBeVisible();
  const s = desk.app.store.db.prepare("SELECT status, float_cents FROM drawer_sessions WHERE status = 'open'").all() as { status: string; float_cents: number }[];
  expect(s).toEqual([{ status: 'open', float_cents: 16900 }]);
});

test('paid out with a reason; payments listed; a clerk sees no expected cash, a supervisor sees the X report', async ({ page, desk, browser }) => {
  // two payments taken at the desk (the payment dialog itself is payments.spec.ts)
  await desk.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 3000, patientId }, CLERK_KEY);
  await desk.call('payments.record', { type: 'prior_balance', method: 'card', amountCents: 8000, patientId, card: { terminalRef: 'T-55', brand: 'visa', lastFour: '4242', authCode: 'OK77' } }, CLERK_KEY);

  await openSignedIn(page, desk, clerk);
  await toDrawer(page);
  await expect(page.getByRole('heading', { name: 'Drawer — open', level: 1 })).toBeVisible();
  await expect(page.getByRole('grid', { name: 'Payments of this session' }).getByRole('row')).toHaveCount(3);
  await expect(page.getByText('Blind count: the expected cash is shown after you count')).toBeVisible();
  // expected so far = 169.00 + 30.00 - 5.00 = 194.00: not shown to the clerk
  await expect(page.locator('main')).not.toContainText('$194.00');

  await page.keyboard.press('o');
  const dlg = page.getByRole('dialog', { name: /Paid out/ });
  await expect(dlg.getByRole('textbox', { name: 'Amount' })).toBeFocused();
  await page.keyboard.type('4.00');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Postage');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Paid out $4.00 recorded.')).toBeVisible();
  await expectAccessible(page, 'drawer: open session (clerk)');
  await screenshot(page, 'drawer-open-session-clerk');

  // the supervisor's view (another browser session): the X report from the API
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'America/Chicago' });
  const sp = await ctx.newPage();
  await openSignedIn(sp, desk, sup);
  await toDrawer(sp);
  const x = sp.getByTestId('x-report');
  await expect(x).toContainText('Expected cash$190.00');
  await expect(x).toContainText('Paid out-$4.00');
  await expectAccessible(sp, 'drawer: X report (supervisor)');
  await screenshot(sp, 'drawer-x-report');
  await ctx.close();
});

test('void above the limit: Enter on the row, reason, the supervisor approves on the spot (wrong password refused first)', async ({ page, desk }) => {
  await openSignedIn(page, desk, clerk);
  await toDrawer(page);
  const table = page.getByRole('grid', { name: 'Payments of this session' });
  await expect(table.getByRole('row')).toHaveCount(3);
  // Tab into the table; the newest payment (the $80.00 card payment) is the first row
  for (let i = 0; i < 15 && !(await table.evaluate((t) => t.contains(document.activeElement))); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  // issue 12 item 13: the list and the detail name the patient (name, MRN); the void is confirmed with patient,
  // amount and receipt (not the receipt number alone)
  const mrn = (desk.app.store.db.prepare('SELECT mrn FROM patients WHERE id = ?').get(patientId) as { mrn: string }).mrn;
  const card = desk.app.store.db.prepare("SELECT receipt_no FROM payments WHERE method = 'card'").get() as { receipt_no: string };
  await expect(table.getByRole('row', { name: new RegExp(card.receipt_no) })).toContainText(`Okafor, Ngozi · MRN ${mrn}`);
  const dlg = page.getByRole('dialog', { name: `Payment ${card.receipt_no} — Okafor, Ngozi` });
  await expect(dlg).toContainText('$80.00');
  await expect(dlg.getByTestId('payment-patient')).toHaveText(`Okafor, Ngozi · MRN ${mrn}`);
  await expect(dlg).toContainText('Card Visa …4242 auth OK77');
  await expect(dlg.getByRole('button', { name: 'Void this payment…' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dlg.getByTestId('void-confirm')).toContainText(`Void $80.00 for Okafor, Ngozi (MRN ${mrn}), receipt ${card.receipt_no}?`);
  await expect(dlg.getByRole('button', { name: `Void $80.00 of ${card.receipt_no}` })).toBeVisible();
  await expect(dlg.getByRole('textbox', { name: 'Reason for the void' })).toBeFocused();
  await page.keyboard.type('Charged twice');
  await expect(dlg.getByRole('group', { name: 'Supervisor approval' })).toBeVisible();
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Supervisor user name');
  await page.keyboard.type(sup.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not the password');
  await page.keyboard.press('Enter');
  const pw = dlg.getByLabel('Supervisor password');
  await expect(pw).toHaveAttribute('aria-invalid', 'true');
  await expect(dlg.getByText('The supervisor’s user name or password is not right. Nothing was saved.').first()).toBeVisible();
  expect(paymentRows(desk).filter((r) => r.kind === 'void')).toHaveLength(0);
  await expectAccessible(page, 'void dialog with approval');
  await screenshot(page, 'drawer-void-approval');

  await pw.press('End');
  await typeHere(page, sup.password);
  await page.keyboard.press('Enter');
  await expect(dlg).toHaveCount(0);
  await expect(page.getByText(new RegExp(`Voided ${card.receipt_no} \\(\\$80\\.00, Okafor, Ngozi\\): void receipt .*approved by Sam Tester`))).toBeVisible();
  const voids = paymentRows(desk).filter((r) => r.kind === 'void');
  expect(voids).toHaveLength(1);
  expect(voids[0]).toMatchObject({ amount_cents: -8000, approved_by_name: 'Sam Tester' });
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByText('Voided')).toBeVisible();
});

test('blind close: count first (no expected amount on screen), then expected vs counted, variance beyond tolerance, reason + supervisor sign-off', async ({ page, desk }) => {
  await openSignedIn(page, desk, clerk);
  await toDrawer(page);
  await expect(page.getByRole('heading', { name: 'Drawer — open', level: 1 })).toBeVisible();
  await page.keyboard.press('c');
  await expect(page.getByRole('heading', { name: 'Close the drawer — blind count', level: 1 })).toBeVisible();
  // expected cash = 169.00 + 30.00 - 5.00 - 4.00 = 190.00; the card payment was voided (card net 0)
  const main = page.locator('main');
  await expect(main).not.toContainText('$190.00');
  await expect(main).not.toContainText(/expected cash/i);
  // counted: $20 x6, $10 x4, $5 x5, $1 x2 = 120 + 40 + 25 + 2 = $187.00 (short $3.00)
  await countByKeyboard(page, { $20: 6, $10: 4, $5: 5, $1: 2 });
  await expect(page.getByTestId('count-total')).toContainText('$187.00');
  await expect(main).not.toContainText('$190.00');
  await expectAccessible(page, 'blind count');
  await screenshot(page, 'drawer-close-blind-count');
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { name: 'Drawer closed — expected vs counted', level: 1 })).toBeVisible();
  const res = page.getByTestId('close-result');
  const cash = res.getByRole('row', { name: /^Cash/ });
  await expect(cash).toContainText('$190.00');
  await expect(cash).toContainText('$187.00');
  await expect(cash).toContainText('-$3.00');
  await expect(cash).toContainText('Beyond tolerance');
  const so = page.getByRole('form', { name: 'Variance sign-off' });
  await expect(so.getByRole('textbox', { name: 'Reason for the variance' })).toBeFocused();
  await page.keyboard.type('Gave $3 too much change at 10:40');
  await page.keyboard.press('Tab');
  await page.keyboard.type(sup.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(sup.password);
  await expectAccessible(page, 'close result with sign-off');
  await screenshot(page, 'drawer-close-result');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Variance signed off by Sam Tester.')).toBeVisible();
  // issue 12 item 8: the sign-off form is gone; the focus is on Done (Enter), not on the page body
  await expect.poll(() => focusedName(page)).toBe('Done');
  await screenshot(page, 'drawer-close-signed-off');

  const db = desk.app.store.db;
  expect(db.prepare('SELECT status FROM drawer_sessions').all()).toEqual([{ status: 'closed' }]);
  const signOffs = db.prepare('SELECT * FROM drawer_signoffs').all() as Record<string, unknown>[];
  expect(signOffs).toHaveLength(1);
  expect(JSON.stringify(signOffs[0])).toContain('Gave $3 too much change');

  // Enter = Done: back to a closed drawer, ready to open again
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Open the drawer', level: 1 })).toBeVisible();
});
