/**
 * Issue 12 item 1: every path that takes a copay for a patient with a visit today links it to that visit, end to end
 * through the board, the end-of-day figures and the EOD CSV — keyboard only, on a real desk (real SQLite file).
 *
 *  1. Drawer closed. Alt+S a patient, Alt+W, Enter; the check-in leaves "Collect at the drawer", Ctrl+Enter: "The
 *     drawer is not open". Open the drawer (Enter): the drawer screen names the waiting copay; the float is counted;
 *     Enter opens the drawer and comes BACK to the pending copay, which is taken and linked.
 *  2. A checked-in patient ("collect at the drawer", the dialog closed with Esc): the copay taken with P from the
 *     patient record is linked to the patient's only visit today (preselected, amount prefilled).
 *  3. A patient with two visits today: P asks which visit (Enter without a choice is refused, nothing saved); the
 *     chosen one is linked.
 *  4. A copay declined at check-in is listed as not collected with the patient's name, MRN and the site's local time;
 *     a voided prior-balance payment is in the CSV as a negative NUMBER (-120.00, not '-120.00).
 *  The board says "Copay collected" for all three; End of day (Alt+J) shows 3 of 4 copays collected, $75.00 of
 *  $100.00, 75%; the CSV (C) says the same.
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, openSignedIn, expectAccessible, screenshot, focusedName, tabTo } from './support/desk.js';
import { registerViaApi, search, hitOption } from './support/patients.js';
import { countByKeyboard, paymentRows } from './support/payments.js';
import { bookToday, storedAppointment, appointmentsOf, currentConsents, chicagoToday } from './support/visits.js';
import type { E2EDesk } from './support/desk.js';
import type { Patient } from '../../shared/domain/patient.js';
import type { AppointmentType, Department, Provider } from '../../shared/domain/visit.js';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const today = chicagoToday();
const board = (page: Page) => page.getByRole('grid', { name: 'Appointments of the day' });
const row = (page: Page, name: string | RegExp) => board(page).getByRole('row', { name });

/** A clinic whose walk-ins carry a $25.00 copay (urgent care), plus a $25.00 sick visit and a copay-free follow-up. */
async function clinic(desk: E2EDesk): Promise<{ dep: Department; prov: Provider; walkIn: AppointmentType; sick: AppointmentType; followUp: AppointmentType }> {
  await desk.setupViaApi();
  const dep = (await desk.call('visits.saveDepartment', { department: { name: 'Family Medicine', code: 'FM', active: true } })).department;
  const prov = (await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Maria Lopez', code: 'LOPEZ', npi: '', departmentIds: [dep.id], active: true } })).provider;
  const type = async (name: string, code: string, copayCategory: AppointmentType['copayCategory'], cents: number) =>
    (await desk.call('visits.saveAppointmentType', { appointmentType: { name, code, durationMin: 15, copayCategory, defaultCopayCents: cents, authorizationRequired: false, active: true } })).appointmentType;
  return { dep, prov, walkIn: await type('Walk-in', 'WALKIN', 'urgent-care', 2500), sick: await type('Sick visit', 'SICK', 'primary-care', 2500), followUp: await type('Follow-up', 'FU', 'none', 0) };
}

/** A returning patient with coverage in effect and nothing due at check-in (so the copay is the only step). */
function insured(desk: E2EDesk, given: string, family: string): Promise<Patient> {
  return registerViaApi(desk, {
    name: { given, family },
    birthDate: '1968-07-21',
    phones: [{ use: 'mobile', number: '3125550182', smsConsent: false }],
    addresses: [{ use: 'home', line1: '1500 W Cermak Rd', line2: '', city: 'Chicago', state: 'IL', postalCode: '60608', country: 'US' }],
    coverages: [
      { rank: 1, payerName: 'Blue Cross Blue Shield of Illinois', payerId: '', planName: 'PPO', memberId: 'XOF987654321', groupNumber: '', subscriberRelationship: 'self', subscriberGiven: '', subscriberFamily: '', subscriberBirthDate: '', effectiveFrom: '2020-01-01', effectiveTo: '', lastVerifiedAt: today },
    ],
    consents: currentConsents(today, `${given} ${family}`),
  });
}

const identity = { dobReadBack: true, photoIdSeen: false, notVerifiedReason: '' };
const linkedTo = (desk: E2EDesk, paymentId: string) => (desk.app.store.db.prepare('SELECT appointment_id FROM payments WHERE id = ?').get(paymentId) as { appointment_id: string | null }).appointment_id;

let wren: Patient;
let pia: Patient;
let theo: Patient;
let dora: Patient;
let piaVisit = '';
let theoVisit = '';
let theoLater = '';
let doraVisit = '';

test('drawer closed: the check-in copay survives opening the drawer, comes back and is linked to the walk-in', async ({ page, desk }) => {
  const c = await clinic(desk);
  wren = await insured(desk, 'Wren', 'Walker');
  pia = await insured(desk, 'Pia', 'Palmer');
  theo = await insured(desk, 'Theo', 'Tanaka');
  dora = await insured(desk, 'Dora', 'Dahl');
  // Pia: checked in, "collect at the drawer", the payment dialog was closed (the board says "Copay $25.00: drawer")
  piaVisit = (await bookToday(desk, pia, c, c.sick, -20)).id;
  await desk.call('visits.checkIn', { id: piaVisit, checkIn: { identity, addressConfirmed: false, coverageVerifiedRanks: [], consentsCaptured: [], copay: { decision: 'collect', dueCents: 2500 } } });
  // Theo: two visits today — a sick visit checked in ("collect") and a follow-up later
  theoVisit = (await bookToday(desk, theo, c, c.sick, -10)).id;
  theoLater = (await bookToday(desk, theo, c, c.followUp, 90)).id;
  await desk.call('visits.checkIn', { id: theoVisit, checkIn: { identity, addressConfirmed: false, coverageVerifiedRanks: [], consentsCaptured: [], copay: { decision: 'collect', dueCents: 2500 } } });
  // Dora: the copay is declined at check-in (not collected, listed at end of day)
  doraVisit = (await bookToday(desk, dora, c, c.sick, -30)).id;
  await desk.call('visits.checkIn', { id: doraVisit, checkIn: { identity, addressConfirmed: false, coverageVerifiedRanks: [], consentsCaptured: [], copay: { decision: 'not-collected', dueCents: 2500, reason: 'patient-declined', note: '' } } });
  expect((await desk.call('drawer.current', {})).session).toBeNull();

  await openSignedIn(page, desk);
  // Alt+S the patient, Alt+W, Enter: the walk-in, then its check-in
  await search(page, 'walker, wren');
  await expect(hitOption(page, /^Walker, Wren/)).toBeVisible();
  await page.keyboard.press('Alt+W');
  await expect(page.getByRole('button', { name: /Create walk-in/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const checkIn = page.getByRole('dialog', { name: /Walk-in check-in: Walker, Wren/ });
  await expect(checkIn).toBeVisible();
  await expect(checkIn.getByText('Copay due:')).toContainText('$25.00');
  await page.keyboard.press('Space'); // DOB read back
  await tabTo(page, 'Collect at the drawer');
  await expect(checkIn.getByRole('radio', { name: 'Collect at the drawer' })).toBeChecked();
  await page.keyboard.press('Control+Enter');
  await expect(checkIn).toHaveCount(0);
  const walkInId = appointmentsOf(desk, wren.id)[0]!.id;
  expect(storedAppointment(desk, walkInId).status).toBe('arrived');

  // "The drawer is not open": Open the drawer (focused, Enter)
  const pay = page.getByRole('dialog', { name: 'Take payment — Walker, Wren' });
  await expect(pay).toContainText('The drawer is not open.');
  expect(await focusedName(page)).toBe('Open the drawer');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Open the drawer', level: 1 })).toBeVisible();
  // the waiting copay is named while the float is counted
  await expect(page.getByText('A payment is waiting.')).toBeVisible();
  await expect(page.getByText(/The copay of \$25\.00 for Walker, Wren opens again/)).toBeVisible();
  await expectAccessible(page, 'open the drawer with a copay waiting');
  await screenshot(page, 'copay-pending-open-drawer');
  await countByKeyboard(page, { $20: 5, $10: 4, $5: 2 });
  await page.keyboard.press('Enter');

  // back to the pending copay, amount prefilled, for the walk-in
  await expect(pay).toBeVisible();
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toHaveValue('25.00');
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toBeFocused();
  await expect(pay).toContainText('For the visit:');
  await expect(pay).toContainText('Walk-in');
  expect((await desk.call('drawer.current', {})).session).not.toBeNull();
  await screenshot(page, 'copay-pending-back');
  await page.keyboard.press('Enter');
  const taken = page.getByRole('dialog', { name: 'Payment taken' });
  await expect(taken.getByTestId('receipt-no')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(taken).toHaveCount(0);
  // item 8: the focus is on something sensible (the search box of the screen the clerk came back to), not the page
  await expect.poll(() => focusedName(page)).not.toBe('');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('patient-search-input');

  const wrenPay = paymentRows(desk).filter((p) => p.type === 'copay' && p.kind === 'payment');
  expect(wrenPay).toHaveLength(1);
  expect(linkedTo(desk, wrenPay[0]!.id)).toBe(walkInId);
  expect(storedAppointment(desk, walkInId).paymentIds).toEqual([wrenPay[0]!.id]);
});

test('P from the patient record: the only visit today is preselected and linked', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+B');
  await expect(row(page, /Palmer, Pia/)).toContainText('Copay $25.00: drawer');
  await search(page, 'palmer, pia');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Palmer, Pia', level: 1 })).toBeVisible();
  await page.keyboard.press('p');
  const pay = page.getByRole('dialog', { name: 'Take payment — Palmer, Pia' });
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toBeFocused();
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toHaveValue('25.00');
  await expect(pay.getByRole('button', { name: /Visit$/ })).toContainText('Sick visit · Dr. Maria Lopez · arrived · copay $25.00');
  await expectAccessible(page, 'payment from the record, one visit today');
  await screenshot(page, 'copay-from-record-one-visit');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Payment taken' })).toBeVisible();
  await page.keyboard.press('Escape');
  const p = paymentRows(desk).filter((x) => x.type === 'copay' && x.kind === 'payment').at(-1)!;
  expect(linkedTo(desk, p.id)).toBe(piaVisit);
  expect(storedAppointment(desk, piaVisit).paymentIds).toEqual([p.id]);
});

test('P for a patient with two visits today: asks which visit; Enter without a choice saves nothing; the chosen one is linked', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await search(page, 'tanaka, theo');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Tanaka, Theo', level: 1 })).toBeVisible();
  await page.keyboard.press('p');
  const pay = page.getByRole('dialog', { name: 'Take payment — Tanaka, Theo' });
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toBeFocused();
  await expect(pay.getByText('2 visits today: which one is this copay for?')).toBeVisible();
  await page.keyboard.type('25.00');
  const before = paymentRows(desk).length;
  await page.keyboard.press('Enter');
  await expect(pay.getByText(/Choose the visit this copay is for$/)).toBeVisible();
  await expect(pay.getByRole('alert').first()).toContainText('This patient has 2 visits today: choose the visit this copay is for. Nothing was saved');
  await expect(pay.getByRole('button', { name: /Visit$/ })).toBeFocused();
  expect(paymentRows(desk)).toHaveLength(before);
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toHaveValue('25.00'); // the typed input is kept
  await expectAccessible(page, 'payment from the record, two visits today');
  await screenshot(page, 'copay-from-record-which-visit');
  // the Visit choice by keyboard: Enter opens the list, the sick visit (the earlier one) comes first
  await page.keyboard.press('Enter');
  const sickOption = page.getByRole('option', { name: /Sick visit · Dr\. Maria Lopez · arrived · copay \$25\.00/ });
  await expect(page.getByRole('option')).toHaveCount(3); // two visits + "Not for a visit today"
  await expect(page.getByRole('option', { name: 'Not for a visit today' })).toBeVisible();
  if ((await sickOption.getAttribute('data-focused')) !== 'true') await page.keyboard.press('ArrowDown');
  await expect(sickOption).toHaveAttribute('data-focused', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  await expect(pay.getByRole('button', { name: /Visit$/ })).toContainText('Sick visit');
  // on the Select, Enter opens the list again: Tab to the note, where Enter takes the payment
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Note (optional)');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Payment taken' })).toBeVisible();
  await page.keyboard.press('Escape');
  const p = paymentRows(desk).filter((x) => x.type === 'copay' && x.kind === 'payment').at(-1)!;
  expect(linkedTo(desk, p.id)).toBe(theoVisit);
  expect(storedAppointment(desk, theoVisit).paymentIds).toEqual([p.id]);
  expect(storedAppointment(desk, theoLater).paymentIds).toEqual([]);
});

test('the board shows every copay collected; end of day and its CSV count them (3 of 4, $75.00 of $100.00, 75%)', async ({ page, desk }) => {
  // a prior-balance payment voided: the CSV writes its negative amount as a number
  const balance = await desk.call('payments.record', { type: 'prior_balance', method: 'cash', amountCents: 12000, patientId: dora.id });
  const sup = await desk.addUser('supervisor', 'sami');
  await desk.call('payments.void', { paymentId: balance.payment.id, reason: 'Wrong patient account', approver: { username: sup.username, password: sup.password } });

  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+B');
  for (const n of [/Walker, Wren/, /Palmer, Pia/]) {
    await expect(row(page, n)).toContainText('Copay collected');
    await expect(row(page, n)).not.toContainText('drawer');
  }
  await expect(board(page).getByRole('row', { name: /Tanaka, Theo/ }).filter({ hasText: 'Sick visit' })).toContainText('Copay collected');
  await screenshot(page, 'copay-board-all-collected');

  await page.keyboard.press('Alt+J');
  await expect(page.getByRole('heading', { name: 'End of day', level: 1 })).toBeVisible();
  // item 15: a standalone desk (no hub) does not say its changes "wait to be sent" (it has some in its outbox)
  expect(desk.count('outbox')).toBeGreaterThan(0);
  const honesty = page.getByTestId('eod-completeness');
  await expect(honesty).toContainText('Not connected to a clinic hub.');
  await expect(honesty).not.toContainText('wait to be sent');
  // item 15: the header's date reads MM/DD/YYYY like the rest of the app
  const [y, m, dd] = today.split('-');
  await expect(page.locator('.ad-page-header')).toContainText(`business date ${m}/${dd}/${y}`);
  const copays = page.getByRole('region', { name: 'Copays due vs collected' });
  await copays.scrollIntoViewIfNeeded();
  await expect(copays).toContainText('Due (4)');
  await expect(copays).toContainText('$100.00');
  await expect(copays).toContainText('Collected (3 in full)');
  await expect(copays).toContainText('$75.00');
  await expect(copays).toContainText('75%');
  const notCollected = page.getByTestId('eod-copays-not-collected');
  await expect(notCollected).toContainText(`Dahl, Dora`);
  await expect(notCollected).toContainText(dora.mrn);
  await expect(notCollected).toContainText('Patient declined');
  await expectAccessible(page, 'EOD copays');
  await screenshot(page, 'copay-eod-figures');
  const r = await desk.call('eod.report', { businessDate: today });
  expect(r.copays).toMatchObject({ dueCount: 4, dueCents: 10000, collectedCount: 3, collectedCents: 7500, collectionRate: 0.75 });

  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('c')]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines).toContain('copays,due,Copays due at check-in,4,100.00,"Copays due recorded at check-in (visits) compared with the copay payments linked to each appointment, net of voids and refunds."');
  expect(lines).toContain('copays,collected,Copays collected,3,75.00,0 collected in part');
  expect(lines).toContain('copays,rate,Copay collection rate,4,75.0%,collected / due (dollars)');
  // item 7: a negative amount is a number a spreadsheet adds, not text
  expect(lines.some((l) => /^void,[^,]+,void of [^,]+,1,-120\.00,/.test(l))).toBe(true);
  expect(lines).toContain('totals,voids,Voids,1,-120.00,');
  expect(csv).not.toContain("'-");
  // item 7: the uncollected copay by patient name, MRN and the site's local time (not appointment id / UTC instant)
  const doraStart = storedAppointment(desk, doraVisit).start;
  const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', minute: '2-digit' }).format(new Date(doraStart));
  expect(lines).toContain(`copay_not_collected,${dora.mrn},"Dahl, Dora · ${local}",,25.00,Patient declined / cannot pay now`);
  expect(csv).not.toContain(doraVisit);
  expect(csv).not.toContain(doraStart);
});

test('item 8: Esc from the payment a check-in opens puts the focus back on the screen (search box, board row), never the page body', async ({ page, desk }) => {
  const ivy = await insured(desk, 'Ivy', 'Isaksen');
  const una = await insured(desk, 'Una', 'Ulvaeus');
  const dir = await desk.call('visits.directory', {});
  const sick = dir.types.find((t) => t.code === 'SICK')!;
  const c = { dep: dir.departments[0]!, prov: dir.providers[0]!, sick, walkIn: sick, followUp: sick };
  const unaVisit = (await bookToday(desk, una, c, sick, 15)).id;
  expect((await desk.call('drawer.current', {})).session).not.toBeNull();
  await openSignedIn(page, desk);

  // from a search hit: Alt+W, Enter, the check-in, Ctrl+Enter → the payment dialog → Esc
  await search(page, 'isaksen, ivy');
  await expect(hitOption(page, /^Isaksen, Ivy/)).toBeVisible();
  await page.keyboard.press('Alt+W');
  await expect(page.getByRole('button', { name: /Create walk-in/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const checkIn = page.getByRole('dialog', { name: /Walk-in check-in: Isaksen, Ivy/ });
  await expect(checkIn).toBeVisible();
  await page.keyboard.press('Space');
  await page.keyboard.press('Control+Enter');
  const pay = page.getByRole('dialog', { name: 'Take payment — Isaksen, Ivy' });
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(pay).toHaveCount(0);
  await expect.poll(() => focusedName(page)).toBe('Search patients');
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false);

  // from the board: Enter on the row checks in, Ctrl+Enter → the payment dialog → Esc: back on that row
  await page.keyboard.press('Alt+B');
  await expect(row(page, /Ulvaeus, Una/)).toBeVisible();
  await page.keyboard.type('ulvae');
  await page.keyboard.press('Enter');
  const ci = page.getByRole('dialog', { name: /Check in: Ulvaeus, Una/ });
  await expect(ci).toBeVisible();
  await page.keyboard.press('Space');
  await page.keyboard.press('Control+Enter');
  const pay2 = page.getByRole('dialog', { name: 'Take payment — Ulvaeus, Una' });
  await expect(pay2.getByRole('textbox', { name: /^Amount/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(pay2).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[role="row"]')?.getAttribute('data-key') ?? document.activeElement?.tagName)).toBe(unaVisit);
  await expect.poll(() => focusedName(page)).toMatch(/Ulvaeus, Una/);
  await screenshot(page, 'copay-esc-focus-board');
});
