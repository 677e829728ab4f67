/**
 * The payment dialog, keyboard only, on a real desk (web host + SQLite file):
 *  - a cash copay with change, from the patient screen (P): amount typed as money text, tendered, the change shown
 *    big while typing and again after the commit with the receipt number; the receipt's print preview; the row in
 *    the database holds integer cents;
 *  - a card payment: a card number typed into the terminal reference is refused on that field (the shared guard's
 *    message), the typed input stays, nothing is stored; corrected, the payment is taken with brand, last four, auth;
 *  - without an open drawer the dialog says so and offers the drawer;
 *  - a refund, later (the card payment's session is closed, a new one is open): R on the drawer screen finds the
 *    payment by its receipt number; part of it is refunded to the card, above the refund limit, so the supervisor
 *    types their credentials on the spot (a clerk's own name is refused first, nothing written); the reversing row
 *    in the database (negative cents, reverses the original, requester and approver, card brand/last four/auth),
 *    the receipt shows and prints as a REFUND, and a second refund above what is left is refused on the field.
 * (Check-in hands its copay to the same exported dialog; the check-in screen was not in the tree when this was
 * written, so the copay is taken from the patient screen.)
 */
import { test, expect, expectAccessible, openSignedIn, screenshot, focusedName, typeHere } from './support/desk.js';
import { field, hitOption, registerViaApi, search, selectTrigger, typeInto } from './support/patients.js';
import { readPdf } from '../unit/print-read.js';
import { paymentRows } from './support/payments.js';
import { CARD_NUMBER_MESSAGE } from '../../shared/payments/card-guard.js';

test.describe.configure({ mode: 'serial' });

let clerk: { username: string; password: string };

async function openPatient(page: import('@playwright/test').Page): Promise<void> {
  await search(page, 'Okafor');
  await expect(hitOption(page, /^Okafor, Ngozi/)).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Okafor, Ngozi', level: 1 })).toBeVisible();
}

test('without an open drawer the payment dialog says so and offers the drawer', async ({ page, desk }) => {
  await desk.setupViaApi();
  clerk = await desk.addUser('clerk', 'cara');
  await registerViaApi(desk, { name: { given: 'Ngozi', family: 'Okafor' }, birthDate: '1984-02-11' });
  await openSignedIn(page, desk, clerk);
  await openPatient(page);
  await expect(page.getByRole('button', { name: /Take payment/ }).locator('kbd')).toHaveText('P');
  await page.keyboard.press('p');
  const dlg = page.getByRole('dialog', { name: /Take payment/ });
  await expect(dlg.getByText('The drawer is not open.')).toBeVisible();
  await expect(dlg.getByRole('button', { name: /Open the drawer/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dlg).toHaveCount(0);
});

test('cash copay with change from the patient screen: change shown big, receipt number after the commit, receipt preview', async ({ page, desk }) => {
  // the drawer is opened through the API here (opening it by keyboard is drawer.spec.ts)
  const clerkKey = 'e2e:clerk';
  await desk.call('session.signIn', { username: clerk.username, password: clerk.password }, clerkKey);
  await desk.call('drawer.open', { float: { b20: 5, b10: 4, b5: 2 } }, clerkKey);

  await openSignedIn(page, desk, clerk);
  await openPatient(page);
  await page.keyboard.press('p');
  const dlg = page.getByRole('dialog', { name: 'Take payment — Okafor, Ngozi' });
  await expect(dlg).toBeVisible();
  await expect(field(page, 'Amount', dlg)).toBeFocused();
  await page.keyboard.type('25');
  await page.keyboard.press('Tab'); // method (radio group: Cash is the default)
  expect(await focusedName(page)).toBe('Cash');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Tendered');
  await page.keyboard.type('40.00');
  await expect(dlg.getByTestId('change-due')).toContainText('$15.00');
  await expectAccessible(page, 'payment dialog (cash)');
  await screenshot(page, 'payment-dialog-cash');
  await page.keyboard.press('Enter');

  const done = page.getByRole('dialog', { name: 'Payment taken' });
  await expect(done.getByTestId('receipt-no')).toHaveText(/^D[0-9A-Z]+-\d{6}$|^[A-Z0-9]+-\d+$/);
  await expect(done.getByTestId('change-given')).toHaveText('$15.00');
  const receiptNo = (await done.getByTestId('receipt-no').textContent())!;
  await expectAccessible(page, 'payment taken');
  await screenshot(page, 'payment-taken-cash');

  const rows = paymentRows(desk);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ receipt_no: receiptNo, kind: 'payment', type: 'copay', method: 'cash', amount_cents: 2500, tendered_cents: 4000, change_cents: 1500 });

  // Enter = Print receipt: the print layer's preview of this receipt
  await expect(done.getByRole('button', { name: /Print receipt/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const preview = page.getByRole('dialog', { name: `Receipt ${receiptNo}` });
  await expect(preview).toBeVisible();
  await expect(preview.locator('[data-rendered]')).toHaveAttribute('data-rendered', '1', { timeout: 20_000 });
  await screenshot(page, 'payment-receipt-preview');
  await page.keyboard.press('Escape');
  await expect(preview).toHaveCount(0);
});

test('card payment: a card number in the terminal reference is refused on the field and kept; corrected, it is taken', async ({ page, desk }) => {
  await openSignedIn(page, desk, clerk);
  await openPatient(page);
  await page.keyboard.press('p');
  const dlg = page.getByRole('dialog', { name: /Take payment/ });
  await expect(field(page, 'Amount', dlg)).toBeFocused();
  await page.keyboard.type('70.00');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowRight'); // Check
  await page.keyboard.press('ArrowRight'); // Card
  expect(await focusedName(page)).toBe('Card');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Terminal reference');
  const pan = '4111 1111 1111 1111';
  await page.keyboard.type(pan);
  await page.keyboard.press('Tab'); // brand
  await page.keyboard.press('Enter');
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.keyboard.type('Visa');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Last four');
  await page.keyboard.type('1111');
  await page.keyboard.press('Tab');
  await page.keyboard.type('A1B2C3');
  await page.keyboard.press('Enter');

  const ref = field(page, 'Terminal reference', dlg);
  await expect(ref).toHaveAttribute('aria-invalid', 'true');
  await expect(dlg.getByText(CARD_NUMBER_MESSAGE)).toBeVisible();
  await expect(ref).toHaveValue(pan);
  await expect(field(page, 'Auth code', dlg)).toHaveValue('A1B2C3');
  expect(paymentRows(desk)).toHaveLength(1);
  await expectAccessible(page, 'payment dialog with a refused card number');
  await screenshot(page, 'payment-card-number-refused');

  await typeInto(page, 'Terminal reference', 'T-7781', dlg);
  await page.keyboard.press('Enter');
  const done = page.getByRole('dialog', { name: 'Payment taken' });
  await expect(done.getByTestId('receipt-no')).toBeVisible();
  const rows = paymentRows(desk);
  expect(rows).toHaveLength(2);
  expect(rows[1]).toMatchObject({ method: 'card', amount_cents: 7000, tendered_cents: 0, change_cents: 0 });
  expect(rows[1]).toMatchObject({ card_terminal_ref: 'T-7781', card_brand: 'visa', card_last_four: '1111', card_auth_code: 'A1B2C3' });
  // nowhere in the desk's file: the number typed and refused (every table: payments, outbox, audit log, drafts...)
  const db = desk.app.store.db;
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  expect(tables).toEqual(expect.arrayContaining(['payments', 'outbox', 'audit_log']));
  for (const t of tables) {
    const dump = JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all());
    expect(dump, t).not.toContain('4111111111111111');
    expect(dump, t).not.toContain(pan);
  }
  await page.keyboard.press('Escape');
  await expect(done).toHaveCount(0);
});

test('refund later, by keyboard: R finds the receipt, part refunded to the card above the limit with the supervisor on the spot; the reversing row; receipt marked REFUND', async ({ page, desk }) => {
  const sup = await desk.addUser('supervisor', 'sam');
  const clerkKey = 'e2e:clerk';
  const card = paymentRows(desk).find((r) => r.method === 'card')!;
  // the card payment's session is closed; a new session is open: the refund comes later, from today's drawer
  const open = await desk.call('drawer.current', {}, clerkKey);
  await desk.call('drawer.close', { sessionId: open.session!.id, cash: { b20: 5, b10: 4, b5: 2, b1: 25 }, cardCents: 7000 }, clerkKey);
  await desk.call('drawer.open', { float: { b20: 5 } }, clerkKey);

  await openSignedIn(page, desk, clerk);
  await page.keyboard.press('Alt+D');
  await expect(page.getByRole('heading', { name: 'Drawer — open', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Refund/ }).locator('kbd')).toHaveText('R');
  await page.keyboard.press('r');
  const find = page.getByRole('dialog', { name: 'Refund a payment — find the receipt' });
  await expect(field(page, 'Receipt number', find)).toBeFocused();
  await page.keyboard.type('X9-000999');
  await page.keyboard.press('Enter');
  await expect(find.getByText('No payment with this receipt number on this desk').first()).toBeVisible();
  await typeHere(page, card.receipt_no.toLowerCase());
  await page.keyboard.press('Enter');

  const dlg = page.getByRole('dialog', { name: `Payment ${card.receipt_no}` });
  await expect(dlg).toContainText('$70.00');
  const amount = field(page, 'Refund amount', dlg);
  await expect(amount).toBeFocused();
  await expect(amount).toHaveValue('70.00');
  await typeHere(page, '40.00');
  await page.keyboard.press('Tab'); // "Refund by": the original method (Card) is chosen
  expect(await focusedName(page)).toBe('Card');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Terminal reference');
  await page.keyboard.type('T-9902');
  await page.keyboard.press('Tab'); // brand: Visa, from the payment
  await expect(selectTrigger(page, 'Brand', dlg)).toContainText('Visa');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Last four');
  await expect(field(page, 'Last four', dlg)).toHaveValue('1111');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Auth code');
  await page.keyboard.type('R77Q');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Reason for the refund');
  await page.keyboard.type('Visit cancelled, deposit returned in part');
  // $40.00 is above the $25.00 refund limit: the supervisor's fields are on the form
  await expect(dlg.getByRole('group', { name: 'Supervisor approval' })).toContainText('Refunds above $25.00 need a supervisor’s approval.');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Supervisor user name');
  // Enter without a supervisor: said on the field, which gets the focus; nothing sent
  await page.keyboard.press('Enter');
  await expect(dlg.getByText('Supervisor user name is required')).toBeVisible();
  expect(await focusedName(page)).toBe('Supervisor user name');
  await page.keyboard.type(clerk.username); // a clerk cannot approve
  await page.keyboard.press('Tab');
  await page.keyboard.type(clerk.password);
  await page.keyboard.press('Enter');
  await expect(dlg.getByText(/Only a supervisor or administrator can approve this/).first()).toBeVisible();
  expect(paymentRows(desk).filter((r) => r.kind === 'refund')).toHaveLength(0);
  await expect(field(page, 'Refund amount', dlg)).toHaveValue('40.00'); // typed input kept
  await expectAccessible(page, 'refund dialog with supervisor approval');
  await screenshot(page, 'payment-refund-approval');

  await typeInto(page, 'Supervisor user name', sup.username, dlg);
  await page.keyboard.press('Tab');
  await typeHere(page, sup.password);
  await page.keyboard.press('Enter');
  const done = dlg.getByTestId('refund-done');
  await expect(done).toBeVisible();
  const refundNo = (await done.getByTestId('refund-receipt-no').textContent())!;
  expect(refundNo).not.toBe(card.receipt_no);
  await expect(done).toContainText(`REFUND of Copay ${card.receipt_no}`);
  await expect(done).toContainText('-$40.00');
  await expect(done).toContainText('approved by Sam Tester');
  await expectAccessible(page, 'refund taken');
  await screenshot(page, 'payment-refund-done');

  // the reversing row: a NEW row, negative cents, reverses the original, requester and approver recorded
  const refunds = desk.app.store.db.prepare("SELECT * FROM payments WHERE kind = 'refund'").all() as Record<string, unknown>[];
  expect(refunds).toHaveLength(1);
  expect(refunds[0]).toMatchObject({
    receipt_no: refundNo,
    amount_cents: -4000,
    method: 'card',
    reverses_id: card.id,
    card_terminal_ref: 'T-9902',
    card_brand: 'visa',
    card_last_four: '1111',
    card_auth_code: 'R77Q',
    recorded_by_name: 'Cara Tester',
    approved_by_name: 'Sam Tester',
    reason: 'Visit cancelled, deposit returned in part',
  });
  // recorded in today's open session, not in the closed one of the original
  const cardSession = (desk.app.store.db.prepare('SELECT session_id FROM payments WHERE id = ?').get(card.id) as { session_id: string }).session_id;
  expect(refunds[0]!.session_id).toBe((await desk.call('drawer.current', {}, clerkKey)).session!.id);
  expect(refunds[0]!.session_id).not.toBe(cardSession);
  // the original is untouched
  expect(paymentRows(desk).find((r) => r.id === card.id)).toMatchObject({ kind: 'payment', amount_cents: 7000 });

  // Enter = print the refund receipt: the preview, and the PDF itself is marked REFUND
  await expect(done.getByRole('button', { name: /Print refund receipt/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const preview = page.getByRole('dialog', { name: `Receipt ${refundNo}` });
  await expect(preview.locator('[data-rendered]')).toHaveAttribute('data-rendered', '1', { timeout: 20_000 });
  await screenshot(page, 'payment-refund-receipt');
  await page.keyboard.press('Escape');
  await expect(preview).toHaveCount(0);
  const pdf = await desk.call('payments.receiptPdf', { paymentId: refunds[0]!.id as string, paper: '80mm', reprint: false }, clerkKey);
  const { text } = await readPdf(Buffer.from(pdf.pdfBase64, 'base64'));
  for (const needle of ['REFUND', 'TOTAL REFUNDED', '-$40.00', card.receipt_no, 'Sam Tester']) expect(text).toContain(needle);
  await expect(page.getByText(`Refunded $40.00 of ${card.receipt_no}: refund receipt ${refundNo}, approved by Sam Tester.`)).toBeVisible();

  // what is left is $30.00: a second refund of $35.00 is refused on the field before anything is sent
  await page.keyboard.press('r');
  await expect(field(page, 'Receipt number', find)).toBeFocused();
  await page.keyboard.type(card.receipt_no);
  await page.keyboard.press('Enter');
  await expect(dlg).toContainText('Refunded so far');
  await expect(field(page, 'Refund amount', dlg)).toHaveValue('30.00');
  await typeHere(page, '35.00');
  await page.keyboard.press('Enter');
  await expect(dlg.getByText('At most $30.00 can still be refunded').first()).toBeVisible();
  expect(paymentRows(desk).filter((r) => r.kind === 'refund')).toHaveLength(1);
  await page.keyboard.press('Escape');
  await expect(dlg).toHaveCount(0);
});
