/**
 * Issue 12 item 13: the Payment settings section of Settings (Alt+T), administrator, keyboard only, on a real desk:
 * bad money text is refused at its field and nothing is saved (the typed input kept); the void/refund limits,
 * variance tolerance, suggested float, the denominations counted and the clinic's address and phone are saved in one
 * audited command; the denominations cannot change while the drawer is open; receipts then print the clinic's address
 * and phone, and the card brand the one way (Visa).
 */
import { test, expect, openSignedIn, expectAccessible, screenshot, focusedName, tabTo, typeHere } from './support/desk.js';
import { registerViaApi } from './support/patients.js';
import { readPdf } from '../unit/print-read.js';
import type { PaymentSettings } from '../../shared/domain/drawer.js';

test.describe.configure({ mode: 'serial' });

const stored = (desk: { app: { store: { db: { prepare: (s: string) => { get: () => unknown } } } } }) => {
  const r = desk.app.store.db.prepare('SELECT doc FROM payment_settings WHERE id = 1').get() as { doc: string } | undefined;
  return r ? (JSON.parse(r.doc) as PaymentSettings) : null;
};

test('Alt+T → payment settings: refused at the field first, then saved in one audited command', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+T');
  const sec = page.getByTestId('payment-settings');
  await expect(sec.getByRole('textbox', { name: 'Voids need a supervisor above' })).toHaveValue('50.00');
  await expect(sec.getByRole('checkbox', { name: '$2', exact: true })).toBeChecked();
  await sec.getByRole('heading', { name: 'Payments, drawer and receipts' }).scrollIntoViewIfNeeded();
  await expectAccessible(page, 'settings with payment settings');
  await screenshot(page, 'settings-payments');

  await sec.getByRole('textbox', { name: 'Voids need a supervisor above' }).press('End');
  await typeHere(page, '75.5x');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Refunds need a supervisor above');
  await typeHere(page, '40.00');
  await page.keyboard.press('Tab');
  await typeHere(page, '250.00'); // tolerance above $100.00: refused
  await page.keyboard.press('Enter');
  await expect(sec.getByRole('alert').first()).toContainText('Nothing was saved');
  await expect(sec.getByRole('textbox', { name: 'Voids need a supervisor above' })).toHaveAttribute('aria-invalid', 'true');
  await expect(sec.getByRole('textbox', { name: 'Drawer variance tolerance' })).toHaveAttribute('aria-invalid', 'true');
  await expect(sec.getByText(/At most \$100\.00/)).toBeVisible();
  expect(stored(desk)).toBeNull(); // nothing written
  await expect(sec.getByRole('textbox', { name: 'Refunds need a supervisor above' })).toHaveValue('40.00'); // kept
  await screenshot(page, 'settings-payments-refused');

  await sec.getByRole('textbox', { name: 'Voids need a supervisor above' }).press('End');
  await typeHere(page, '75.00');
  await sec.getByRole('textbox', { name: 'Drawer variance tolerance' }).press('End');
  await typeHere(page, '2.00');
  await page.keyboard.press('Tab');
  await typeHere(page, '200.00');
  // the $2 bill is not counted at this clinic: Space on its checkbox
  await tabTo(page, '$2');
  await page.keyboard.press('Space');
  await expect(sec.getByRole('checkbox', { name: '$2', exact: true })).not.toBeChecked();
  await tabTo(page, 'Clinic address (receipts)', 60);
  await page.keyboard.type('1500 W Cermak Rd');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Chicago, IL 60608');
  await page.keyboard.press('Tab');
  await page.keyboard.type('(312) 555-0100');
  const audits = desk.count('audit_log', "action = 'payments.settings_changed'");
  await page.keyboard.press('Enter');
  await expect(sec.getByText('Payment settings saved.')).toBeVisible();
  const s = stored(desk)!;
  expect(s).toMatchObject({ voidApprovalAboveCents: 7500, refundApprovalAboveCents: 4000, varianceToleranceCents: 200, defaultFloatCents: 20000, clinicAddress: '1500 W Cermak Rd\nChicago, IL 60608', clinicPhone: '(312) 555-0100' });
  expect(s.denominations.map((d) => d.code)).not.toContain('b2');
  expect(s.denominations.map((d) => d.code)).toContain('b1');
  expect(desk.count('audit_log', "action = 'payments.settings_changed'")).toBe(audits + 1);
  const detail = JSON.parse((desk.app.store.db.prepare("SELECT detail FROM audit_log WHERE action = 'payments.settings_changed' ORDER BY rowid DESC").get() as { detail: string }).detail) as { changed: string[] };
  expect(detail.changed.sort()).toEqual(['clinicAddress', 'clinicPhone', 'defaultFloatCents', 'denominations', 'refundApprovalAboveCents', 'varianceToleranceCents', 'voidApprovalAboveCents']);
  await screenshot(page, 'settings-payments-saved');
});

test('the denominations cannot change while the drawer is open; the receipt carries the clinic address and phone', async ({ page, desk }) => {
  const p = await registerViaApi(desk, { name: { given: 'Rosa', family: 'Reyes' }, birthDate: '1979-05-06' });
  await desk.call('drawer.open', { float: { b20: 10 } });
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+T');
  const sec = page.getByTestId('payment-settings');
  await sec.getByRole('checkbox', { name: '$50', exact: true }).press('Space');
  await expect(sec.getByRole('checkbox', { name: '$50', exact: true })).not.toBeChecked();
  await sec.getByRole('checkbox', { name: '$50', exact: true }).press('Enter');
  await expect(sec.getByRole('alert').first()).toContainText('Close this desk’s drawer before changing the denominations');
  expect(stored(desk)!.denominations.map((d) => d.code)).toContain('b50');

  const pay = await desk.call('payments.record', { type: 'copay', method: 'card', amountCents: 2500, patientId: p.id, appointmentId: null, card: { terminalRef: 'T-7', brand: 'visa', lastFour: '4242', authCode: 'OK1' } });
  expect(pay.receipt.siteLines).toEqual(['1500 W Cermak Rd', 'Chicago, IL 60608', 'Phone (312) 555-0100']);
  expect(pay.receipt.methodText).toBe('Visa ending 4242 (auth OK1)');
  const pdf = await desk.call('payments.receiptPdf', { paymentId: pay.payment.id, paper: '80mm', reprint: false });
  const text = (await readPdf(Buffer.from(pdf.pdfBase64, 'base64'))).text;
  for (const needle of ['Riverside Clinic', '1500 W Cermak Rd', 'Chicago, IL 60608', 'Phone (312) 555-0100', 'Visa ending 4242']) expect(text).toContain(needle);

  // as the clerk sees it: the drawer's list (Alt+D), Enter on the payment, Reprint receipt → the preview
  await page.keyboard.press('Alt+D');
  const table = page.getByRole('grid', { name: 'Payments of this session' });
  await expect(table.getByRole('row')).toHaveCount(2);
  for (let i = 0; i < 15 && !(await table.evaluate((t) => t.contains(document.activeElement))); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  const dlg = page.getByRole('dialog', { name: `Payment ${pay.payment.receiptNo} — Reyes, Rosa` });
  await expect(dlg).toContainText('Card Visa …4242');
  await tabTo(page, 'Reprint receipt');
  await page.keyboard.press('Enter');
  const preview = page.getByRole('dialog', { name: `Reprint ${pay.payment.receiptNo}` });
  await expect(preview.locator('[data-rendered]')).toHaveAttribute('data-rendered', '1', { timeout: 20_000 });
  await screenshot(page, 'receipt-with-clinic-address');
  await page.keyboard.press('Escape');
  await expect(preview).toHaveCount(0);
});
