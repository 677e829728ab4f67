/**
 * Today's board and the check-in flow, keyboard only, against a real desk (real SQLite file, real web host, Chromium):
 *  - a returning scheduled patient with nothing changed and no copay is checked in from the board in at most 10
 *    counted keystrokes; the desk holds the appointment as 'arrived' with its check-in record;
 *  - a check-in with a demographic change (edited in place) and a missing consent: the patient record holds the new
 *    address, the consent is stored (signed today), the copay decision recorded;
 *  - a walk-in from a search hit (Alt+W), a no-show (Alt+O) and a cancel with a reason (Alt+X) from the board;
 *  - a 2,000-appointment day: the board renders only what is visible and End reaches the last row;
 *  - axe on the board and the check-in dialog; screenshots at 1366x768 in test-results/screens/.
 */
import { test, expect, openSignedIn, expectAccessible, screenshot, focusedName, tabTo, typeHere } from './support/desk.js';
import { registerViaApi, search, hitOption, choose } from './support/patients.js';
import { paymentRows } from './support/payments.js';
import { setupDirectory, bookToday, bookAtMinute, siteMinuteInstant, storedAppointment, appointmentsOf, countingKeyboard, currentConsents, chicagoToday, type Directory } from './support/visits.js';
import type { Patient } from '../../shared/domain/patient.js';
import type { Page } from '@playwright/test';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let dir: Directory;
const today = chicagoToday();

async function returningPatient(desk: Parameters<typeof registerViaApi>[0], given: string, family: string, opts: { consents?: boolean } = {}): Promise<Patient> {
  return registerViaApi(desk, {
    name: { given, family },
    birthDate: '1975-03-14',
    phones: [{ use: 'mobile', number: '3125550147', smsConsent: false }],
    addresses: [{ use: 'home', line1: '1500 W Cermak Rd', line2: '', city: 'Chicago', state: 'IL', postalCode: '60608', country: 'US' }],
    coverages: [
      {
        rank: 1,
        payerName: 'Blue Cross Blue Shield of Illinois',
        payerId: '',
        planName: 'PPO',
        memberId: 'XOF123456789',
        groupNumber: '',
        subscriberRelationship: 'self',
        subscriberGiven: '',
        subscriberFamily: '',
        subscriberBirthDate: '',
        effectiveFrom: '2020-01-01',
        effectiveTo: '',
        lastVerifiedAt: today,
      },
    ],
    consents: opts.consents === false ? [] : currentConsents(today, `${given} ${family}`),
  });
}

const board = (page: Page) => page.getByRole('grid', { name: 'Appointments of the day' });
const row = (page: Page, name: string | RegExp) => board(page).getByRole('row', { name });

test('a returning scheduled patient with nothing changed and no copay: checked in from the board in at most 10 keystrokes', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  dir = await setupDirectory(desk);
  const ada = await returningPatient(desk, 'Ada', 'Lindqvist');
  const other = await returningPatient(desk, 'Bob', 'Lindberg');
  const appt = await bookToday(desk, ada, dir, dir.followUp, 5);
  await bookToday(desk, other, dir, dir.followUp, -20);

  // ---- from anywhere: Alt+B opens the board; typing on the list filters; Enter opens the check-in ---------------
  const kb = countingKeyboard(page);
  await kb.press('Alt+B');
  await expect(page.getByRole('heading', { name: 'Today’s board', level: 1 })).toBeVisible();
  await expect(row(page, /Lindqvist, Ada/)).toBeVisible();
  await kb.type('lindq');
  await expect(board(page).getByRole('row')).toHaveCount(2); // header + the one match
  await kb.press('Enter');
  const dialog = page.getByRole('dialog', { name: /Check in: Lindqvist, Ada/ });
  await expect(dialog).toBeVisible();
  // the DOB to read back is shown; nothing is due
  await expect(dialog.getByTestId('dob-read-back')).toHaveText('03/14/1975');
  await expect(dialog.getByText('No copay due')).toBeVisible();
  await expect(dialog.getByText('Consents due')).toHaveCount(0);
  expect(await focusedName(page)).toBe('Date of birth read back and matches');
  await expectAccessible(page, 'check-in dialog');
  await screenshot(page, 'checkin-returning-patient');
  await kb.press('Space');
  await kb.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('board-message')).toContainText('Lindqvist, Ada arrived at');
  await expect(row(page, /Lindqvist, Ada/)).toContainText('Arrived');

  expect(kb.count, `keystrokes: ${kb.log}`).toBeLessThanOrEqual(10);
  const stored = storedAppointment(desk, appt.id);
  expect(stored.status).toBe('arrived');
  expect(stored.arrivedAt).not.toBeNull();
  expect(stored.checkIn?.identity).toMatchObject({ dobReadBack: true, verified: true });
  expect(stored.checkIn?.copay).toMatchObject({ dueCents: 0, decision: 'not-collected', reason: 'no-copay' });
  // the API says so too
  const viaApi = await desk.call('visits.get', { id: appt.id });
  expect(viaApi.appointment.status).toBe('arrived');

  // the board: the whole day, the other patient still scheduled; axe; screenshot
  await page.keyboard.press('Alt+F');
  await page.keyboard.press('Escape');
  await expect(board(page).getByRole('row')).toHaveCount(3);
  await expectAccessible(page, 'today’s board');
  await screenshot(page, 'board-two-rows');
});

test('check-in with a demographic change edited in place, a missing consent and a copay handed to the drawer', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  dir = await setupDirectory(desk);
  const cy = await returningPatient(desk, 'Cyra', 'Moravec', { consents: false });
  const appt = await bookToday(desk, cy, dir, dir.sick, 10);

  await page.keyboard.press('Alt+B');
  await expect(row(page, /Moravec, Cyra/)).toBeVisible();
  await expect(row(page, /Moravec, Cyra/)).toContainText('Consent due');
  await expect(row(page, /Moravec, Cyra/)).toContainText('Copay $25.00 due');
  await page.keyboard.type('morav');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /Check in: Moravec, Cyra/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Copay due:')).toContainText('$25.00');
  await page.keyboard.press('Space'); // DOB read back

  // consent: the financial policy is signed now (signer defaults to the patient)
  await tabTo(page, 'Financial policy v3.2 signed now');
  await page.keyboard.press('Space');
  await expect(dialog.getByRole('textbox', { name: 'Signer of Financial policy' })).toHaveValue('Cyra Moravec');

  // demographics in place: Alt+E, the street takes focus; the patient moved
  await page.keyboard.press('Alt+E');
  const street = dialog.getByRole('textbox', { name: 'Street' });
  await expect(street).toBeFocused();
  await typeHere(page, '2200 N Lincoln Ave');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('City');
  await expectAccessible(page, 'check-in with demographics open');
  await screenshot(page, 'checkin-demographics-consent-copay');
  // Ctrl+Enter: saves the demographics (patients.update), then Arrived
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  // the copay is handed to the payments domain's dialog (no drawer open on this desk: it says so); Esc leaves
  // "collect at the drawer" recorded on the visit
  const pay = page.getByRole('dialog', { name: 'Take payment — Moravec, Cyra' });
  await expect(pay).toBeVisible();
  await expect(pay).toContainText('The drawer is not open.');
  await screenshot(page, 'checkin-copay-handoff');
  await page.keyboard.press('Escape');
  await expect(pay).toHaveCount(0);
  await expect(page.getByTestId('board-message')).toContainText('Copay $25.00: collect at the drawer');
  await expect(row(page, /Moravec, Cyra/)).toContainText('Copay $25.00: drawer');

  const stored = storedAppointment(desk, appt.id);
  expect(stored.status).toBe('arrived');
  expect(stored.checkIn?.copay).toMatchObject({ decision: 'collect', dueCents: 2500 });
  expect(stored.checkIn?.consentsCaptured).toEqual([{ type: 'financial-policy', version: '3.2', signer: 'Cyra Moravec', signerRelationship: 'self' }]);
  const p = (await desk.call('patients.get', { id: cy.id })).patient;
  expect(p.addresses[0]?.line1).toBe('2200 N Lincoln Ave');
  expect(p.addresses[0]?.city).toBe('Chicago');
  expect(p.consents.find((c) => c.type === 'financial-policy')).toMatchObject({ version: '3.2', signedOn: today, signer: 'Cyra Moravec' });
  expect(p.version).toBeGreaterThanOrEqual(3); // registered, address edit, consent at check-in
  // the patient screen shows the new address
  await page.keyboard.press('Alt+S');
  await search(page, 'moravec');
  await page.keyboard.press('Enter');
  await expect(page.getByText('2200 N Lincoln Ave')).toBeVisible();
});

test('identity not verified needs a reason: Ctrl+Enter without one is refused at the field, nothing saved', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  dir = await setupDirectory(desk);
  const dee = await returningPatient(desk, 'Dee', 'Okonkwo');
  const appt = await bookToday(desk, dee, dir, dir.followUp, 15);
  // typed at once after Alt+B (the board may still be loading): no letter is lost
  await page.keyboard.press('Alt+B');
  await page.keyboard.type('okonk');
  const filter = page.getByRole('searchbox', { name: /^Filter/ });
  await expect(filter).toHaveValue('okonk');
  await expect(row(page, /Okonkwo, Dee/)).toBeVisible();
  // a key typed while nothing has the focus (the page itself) still reaches the filter
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.type('w');
  await expect(filter).toHaveValue('okonkw');
  await expect(filter).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /Check in: Okonkwo, Dee/ });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Control+Enter');
  const reason = dialog.getByRole('textbox', { name: 'Not verified? Reason' });
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('Identity not verified: say why')).toBeVisible();
  expect(storedAppointment(desk, appt.id).status).toBe('scheduled');
  await reason.press('End');
  await page.keyboard.type('Patient forgot ID, DOB confirmed by daughter');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  const a = storedAppointment(desk, appt.id);
  expect(a.status).toBe('arrived');
  expect(a.checkIn?.identity).toMatchObject({ verified: false, notVerifiedReason: 'Patient forgot ID, DOB confirmed by daughter' });
  await expect(row(page, /Okonkwo, Dee/)).toContainText('ID not verified');
});

test('a cash copay with change taken DURING check-in: the payment (cents) is linked to the visit and the board shows it collected', async ({ page, desk }) => {
  dir = await setupDirectory(desk);
  // the drawer is opened with a float through the API (opening it by keyboard is drawer.spec.ts); it is this desk's
  if (!(await desk.call('drawer.current', {})).session) await desk.call('drawer.open', { float: { b20: 5, b10: 4, b5: 2 } });
  const ola = await returningPatient(desk, 'Ola', 'Nyberg');
  const appt = await bookToday(desk, ola, dir, dir.sick, 12); // Sick visit: $25.00 copay
  await openSignedIn(page, desk);

  await page.keyboard.press('Alt+B');
  await expect(row(page, /Nyberg, Ola/)).toContainText('Copay $25.00 due');
  await page.keyboard.type('nyber');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /Check in: Nyberg, Ola/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Copay due:')).toContainText('$25.00');
  await page.keyboard.press('Space'); // DOB read back
  // the copay decision: "Collect at the drawer" is the default when a copay is due
  await tabTo(page, 'Collect at the drawer');
  await expect(dialog.getByRole('radio', { name: 'Collect at the drawer' })).toBeChecked();
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);

  // the payments domain's dialog takes it from here: amount due prefilled, cash, tendered $40.00 -> $15.00 change
  const pay = page.getByRole('dialog', { name: 'Take payment — Nyberg, Ola' });
  await expect(pay).toBeVisible();
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toBeFocused();
  await expect(pay.getByRole('textbox', { name: /^Amount/ })).toHaveValue('25.00');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Cash');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Tendered');
  await page.keyboard.type('40.00');
  await expect(pay.getByTestId('change-due')).toContainText('$15.00');
  await expectAccessible(page, 'copay payment during check-in');
  await screenshot(page, 'checkin-copay-cash');
  await page.keyboard.press('Enter');
  const taken = page.getByRole('dialog', { name: 'Payment taken' });
  await expect(taken.getByTestId('change-given')).toHaveText('$15.00');
  await page.keyboard.press('Escape');
  await expect(taken).toHaveCount(0);

  // the payment row (integer cents) and its link to the appointment
  await expect(page.getByTestId('board-message')).toContainText('Nyberg, Ola: copay collected.');
  const payments = paymentRows(desk).filter((p) => p.type === 'copay' && p.amount_cents === 2500 && p.tendered_cents === 4000);
  expect(payments).toHaveLength(1);
  expect(payments[0]).toMatchObject({ kind: 'payment', method: 'cash', amount_cents: 2500, tendered_cents: 4000, change_cents: 1500 });
  const linked = (desk.app.store.db.prepare('SELECT appointment_id FROM payments WHERE id = ?').get(payments[0]!.id) as { appointment_id: string | null }).appointment_id;
  expect(linked).toBe(appt.id);
  const got = await desk.call('visits.get', { id: appt.id });
  expect(got.appointment.paymentIds).toEqual([payments[0]!.id]);
  expect(got.appointment.status).toBe('arrived');
  expect(got.appointment.checkIn?.copay).toMatchObject({ decision: 'collect', dueCents: 2500 });
  // the board: collected, no longer "due" / "drawer"
  await expect(row(page, /Nyberg, Ola/)).toContainText('Copay collected');
  await expect(row(page, /Nyberg, Ola/)).not.toContainText('due');
  await expect(row(page, /Nyberg, Ola/)).not.toContainText('drawer');
  await screenshot(page, 'board-copay-collected');
});

test('an arrived row: Enter shows the visit details (time stamps, check-in record); Alt+P prints its visit label (preview) from the details and from the board', async ({ page, desk }) => {
  dir = await setupDirectory(desk);
  const pia = await returningPatient(desk, 'Pia', 'Lindahl');
  const appt = await bookToday(desk, pia, dir, dir.followUp, 8);
  await desk.call('visits.checkIn', {
    id: appt.id,
    checkIn: { identity: { dobReadBack: false, photoIdSeen: true, notVerifiedReason: '' }, addressConfirmed: false, coverageVerifiedRanks: [], consentsCaptured: [], copay: { decision: 'not-collected', dueCents: 0, reason: 'no-copay', note: '' } },
  });
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+B');
  await page.keyboard.type('lindah');
  await expect(row(page, /Lindahl, Pia/)).toContainText('Arrived');
  await page.keyboard.press('Enter');
  const details = page.getByRole('dialog', { name: 'Visit: Lindahl, Pia' });
  await expect(details).toBeVisible();
  const dl = details.getByTestId('visit-details');
  await expect(dl).toContainText('Arrived');
  await expect(dl).toContainText('photo ID seen');
  await expect(dl).toContainText('none due');
  await expect(dl).toContainText('Ada Admin at Front desk 1');
  await expect(details.getByRole('button', { name: /^Close/ }).last()).toBeFocused();
  await expectAccessible(page, 'visit details');
  await screenshot(page, 'visit-details-arrived');

  // Alt+P from the details: the visit label preview (2.25" x 1.25"), recorded as a print with the visit
  const printsBefore = desk.count('audit_log', "action = 'patient.printed' AND entity_id = ?", pia.id);
  await page.keyboard.press('Alt+P');
  const label = page.getByRole('dialog', { name: 'Visit label' });
  await expect(label).toBeVisible();
  await expect(label.locator('.pr-pages')).toHaveAttribute('data-rendered', '1');
  await expect(label.getByRole('status')).toHaveText(/2\.25" × 1\.25" · 1 page/);
  await expect.poll(() => desk.count('audit_log', "action = 'patient.printed' AND entity_id = ? AND detail LIKE '%\"visit\":true%'", pia.id)).toBe(printsBefore + 1);
  await expectAccessible(page, 'visit label preview');
  await screenshot(page, 'visit-label-preview');
  await page.keyboard.press('Escape');
  await expect(label).toHaveCount(0);

  // Alt+P straight from the board row
  await expect(row(page, /Lindahl, Pia/)).toHaveClass(/vb-hl/);
  await page.keyboard.press('Alt+P');
  await expect(label.locator('.pr-pages')).toHaveAttribute('data-rendered', '1');
  expect(desk.count('audit_log', "action = 'patient.printed' AND entity_id = ?", pia.id)).toBe(printsBefore + 2);
  await page.keyboard.press('Escape');
  await expect(label).toHaveCount(0);
});

test('walk-in in two keystrokes from a search hit and from the patient record: Alt+W, Enter creates it, then the normal check-in arrives it', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  dir = await setupDirectory(desk);
  const eve = await returningPatient(desk, 'Evander', 'Quist');
  await search(page, 'quist, evander');
  await expect(hitOption(page, /^Quist, Evander/)).toBeVisible();
  expect(appointmentsOf(desk, eve.id)).toHaveLength(0);

  // ---- keystrokes counted from the search hit to the stored walk-in -----------------------------------------------
  const kb = countingKeyboard(page);
  await kb.press('Alt+W');
  const confirm = page.getByRole('dialog', { name: /^Walk-in: Quist, Evander/ });
  await expect(confirm).toBeVisible();
  // the remembered defaults (here: the walk-in type, the first department) with Create focused
  await expect(confirm.getByRole('button', { name: /Visit type$/ })).toContainText('Walk-in');
  await expect(confirm.getByRole('button', { name: /Department$/ })).toContainText('Family Medicine');
  await expect(confirm.getByRole('button', { name: /Create walk-in/ })).toBeFocused();
  await expectAccessible(page, 'walk-in confirmation');
  await screenshot(page, 'walk-in-confirm');
  await kb.press('Enter');
  await expect.poll(() => appointmentsOf(desk, eve.id).length).toBe(1);
  expect(kb.count, `keystrokes to the created walk-in: ${kb.log}`).toBeLessThanOrEqual(2);
  const created = appointmentsOf(desk, eve.id)[0]!;
  expect(created).toMatchObject({ walkIn: true, status: 'scheduled', typeId: dir.walkIn.id, departmentId: dir.dep.id, providerId: dir.prov.id, source: 'desk' });
  expect(Math.abs(Date.parse(created.start) - Date.now())).toBeLessThan(5 * 60_000); // starts now

  // ---- then the normal check-in of that appointment -------------------------------------------------------------------
  const dialog = page.getByRole('dialog', { name: /Walk-in check-in: Quist, Evander/ });
  await expect(dialog).toBeVisible();
  expect(await focusedName(page)).toBe('Date of birth read back and matches');
  await expectAccessible(page, 'walk-in check-in');
  await screenshot(page, 'checkin-walk-in');
  await page.keyboard.press('Space');
  await page.keyboard.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  const arrived = storedAppointment(desk, created.id);
  expect(arrived).toMatchObject({ status: 'arrived', walkIn: true });
  expect(arrived.checkIn?.identity.verified).toBe(true);
  expect(appointmentsOf(desk, eve.id)).toHaveLength(1);
  await page.keyboard.press('Alt+B');
  await expect(row(page, /Quist, Evander/)).toContainText('Walk-in');
  await expect(row(page, /Quist, Evander/)).toContainText('Arrived');

  // ---- from the open patient record: the same two keys -------------------------------------------------------------------
  const ivo = await returningPatient(desk, 'Ivo', 'Quarles');
  await search(page, 'quarles');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Quarles, Ivo', level: 1 })).toBeVisible();
  await expect(page.getByRole('contentinfo')).toContainText('Walk-in for this patient');
  const kb2 = countingKeyboard(page);
  await kb2.press('Alt+W');
  await expect(page.getByRole('button', { name: /Create walk-in/ })).toBeFocused();
  await kb2.press('Enter');
  await expect.poll(() => appointmentsOf(desk, ivo.id).length).toBe(1);
  expect(kb2.count).toBe(2);
  await expect(page.getByRole('dialog', { name: /Walk-in check-in: Quarles, Ivo/ })).toBeVisible();
  // Esc on an untouched check-in closes it; the walk-in stays on the board, scheduled, to be checked in with Enter
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(appointmentsOf(desk, ivo.id)[0]).toMatchObject({ walkIn: true, status: 'scheduled' });
});

test('book from the patient record (Alt+V) and from the board (patient combobox), reschedule (Alt+H), reinstate a no-show (Alt+Z)', async ({ page, desk }) => {
  // the browser's "now" at 8:00 site time: the 2:15 PM booking and the 4:45 PM move are still to come, whenever this runs
  // (a time that has passed asks about a back-entry first: tests/e2e/board-focus.spec.ts)
  await page.clock.install({ time: new Date(siteMinuteInstant(8 * 60)) });
  await openSignedIn(page, desk);
  dir = await setupDirectory(desk);
  const jo = await returningPatient(desk, 'Joakim', 'Brandvold');
  const kit = await returningPatient(desk, 'Kit', 'Ashdown');
  const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const [ty, tm, td] = tomorrow.split('-');

  // ---- from the patient record: the patient is set, the time field has the focus; Enter books ------------------------
  await search(page, 'brandvold');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Brandvold, Joakim', level: 1 })).toBeVisible();
  await expect(page.getByRole('contentinfo')).toContainText('Book an appointment');
  await page.keyboard.press('Alt+V');
  const book = page.getByRole('dialog', { name: 'Book an appointment' });
  await expect(book).toBeVisible();
  await expect(book.getByRole('combobox', { name: /Patient/ })).toHaveValue(/^Brandvold, Joakim · 03\/14\/1975 · MRN /);
  await expect(book.getByRole('textbox', { name: /^Time/ })).toBeFocused();
  // a bad time is refused on the field, nothing booked, the text kept
  await page.keyboard.type('25:99');
  await page.keyboard.press('Enter');
  await expect(book.getByText('Type a time: 9:30, 14:30 or 2:30 PM')).toBeVisible();
  await expect(book.getByRole('textbox', { name: /^Time/ })).toHaveValue('25:99');
  expect(appointmentsOf(desk, jo.id)).toHaveLength(0);
  await page.keyboard.press('Shift+Tab'); // date
  await typeHere(page, `${tm}/${td}/${ty}`);
  await page.keyboard.press('Tab');
  await typeHere(page, '930');
  await expectAccessible(page, 'book dialog');
  await screenshot(page, 'book-from-patient');
  await page.keyboard.press('Enter');
  const done = page.getByRole('alertdialog', { name: 'Appointment booked' });
  await expect(done).toContainText('Booked:');
  await expect(done).toContainText('9:30 AM');
  await page.keyboard.press('Enter');
  await expect(done).toHaveCount(0);
  const joAppts = appointmentsOf(desk, jo.id);
  expect(joAppts).toHaveLength(1);
  expect(joAppts[0]).toMatchObject({ status: 'scheduled', walkIn: false, departmentId: dir.dep.id, providerId: dir.prov.id, start: siteMinuteInstant(9 * 60 + 30, tomorrow) });
  expect(joAppts[0]!.typeId).not.toBe(dir.walkIn.id);

  // ---- from the board: the patient is found in the combobox, the type chosen, Ctrl+Enter books -----------------------------
  await page.keyboard.press('Alt+B');
  await expect(page.getByRole('heading', { name: 'Today’s board', level: 1 })).toBeVisible();
  await page.keyboard.press('Alt+V');
  await expect(book).toBeVisible();
  const picker = book.getByRole('combobox', { name: /Patient/ });
  await expect(picker).toBeFocused();
  await page.keyboard.type('ashdo');
  await expect(page.getByRole('option', { name: /^Ashdown, Kit · 03\/14\/1975/ })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(picker).toHaveValue(/^Ashdown, Kit · /);
  await page.keyboard.press('Tab'); // date: today by default
  await expect(book.getByRole('textbox', { name: /^Date/ })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.type('2:15 PM');
  await page.keyboard.press('Tab'); // department
  await page.keyboard.press('Tab'); // provider
  await page.keyboard.press('Tab'); // type
  await choose(page, 'Appointment type', 'Sick visit (15 min)', book);
  await expectAccessible(page, 'book dialog from the board');
  await screenshot(page, 'book-from-board');
  await page.keyboard.press('Control+Enter');
  await expect(book).toHaveCount(0);
  await expect(page.getByTestId('board-message')).toContainText('Booked:');
  await expect(row(page, /Ashdown, Kit/)).toContainText('Scheduled');
  await expect(row(page, /Ashdown, Kit/)).toContainText('Sick visit');
  const kitAppt = appointmentsOf(desk, kit.id);
  expect(kitAppt).toHaveLength(1);
  expect(kitAppt[0]).toMatchObject({ status: 'scheduled', typeId: dir.sick.id, start: siteMinuteInstant(14 * 60 + 15) });

  // ---- reschedule the highlighted row: find it by typing, new time, Enter ----------------------------------------------------------
  // (the board pins the new row as the highlight, but a live refresh on a loaded machine can land first: pick it explicitly)
  await page.keyboard.press('Alt+F');
  await typeHere(page, 'ashdown');
  await page.keyboard.press('ArrowDown');
  await expect(row(page, /Ashdown, Kit/)).toHaveClass(/vb-hl/);
  await expect(row(page, /Ashdown, Kit/)).toBeFocused();
  await page.keyboard.press('Alt+H');
  const rs = page.getByRole('dialog', { name: /^Reschedule the 2:15 PM appointment of Ashdown, Kit/ });
  await expect(rs).toBeVisible();
  await expect(rs.getByRole('textbox', { name: /^New date/ })).toBeFocused();
  await page.keyboard.press('Tab');
  await typeHere(page, '4:45 PM');
  await expectAccessible(page, 'reschedule dialog');
  await screenshot(page, 'reschedule');
  await page.keyboard.press('Enter');
  await expect(rs).toHaveCount(0);
  await expect(page.getByTestId('board-message')).toContainText('Ashdown, Kit: moved from 2:15 PM to');
  expect(storedAppointment(desk, kitAppt[0]!.id)).toMatchObject({ status: 'scheduled', start: siteMinuteInstant(16 * 60 + 45) });

  // ---- no-show, then reinstate it with a reason (Alt+Z) ---------------------------------------------------------------------------
  await page.keyboard.press('Alt+O');
  await page.keyboard.press('Enter');
  await expect(row(page, /Ashdown, Kit/)).toContainText('No-show');
  await page.keyboard.press('Alt+Z');
  const re = page.getByRole('dialog', { name: /^Reinstate: 4:45 PM appointment of Ashdown, Kit/ });
  await expect(re).toBeVisible();
  await expect(re.getByRole('textbox', { name: /^Reason/ })).toBeFocused();
  await page.keyboard.press('Enter'); // no reason: refused, nothing changed
  await expect(re.getByText('Say why. Nothing was changed.')).toBeVisible();
  expect(storedAppointment(desk, kitAppt[0]!.id).status).toBe('no-show');
  await page.keyboard.type('Patient was in the waiting room, missed the call');
  await expectAccessible(page, 'reinstate dialog');
  await screenshot(page, 'reinstate');
  await page.keyboard.press('Enter');
  await expect(re).toHaveCount(0);
  await expect(row(page, /Ashdown, Kit/)).toContainText('Scheduled');
  expect(storedAppointment(desk, kitAppt[0]!.id)).toMatchObject({ status: 'scheduled', noShow: false });
  // the undo is audited with its reason
  const audit = desk.app.store.db.prepare("SELECT detail FROM audit_log WHERE action = 'appointment.reinstate' AND entity_id = ?").all(kitAppt[0]!.id);
  expect(audit).toHaveLength(1);

  // a scheduled row has nothing to undo: Alt+Z says so
  await page.keyboard.press('Alt+Z');
  await expect(page.getByTestId('board-message')).toContainText('nothing to undo');
  await screenshot(page, 'board-after-reinstate');
});

test('typed input in the check-in is never lost: Esc asks (Keep editing focused), and the draft survives the idle lock', async ({ page, desk }) => {
  dir = await setupDirectory(desk);
  const lu = await returningPatient(desk, 'Luz', 'Ferreira');
  const appt = await bookToday(desk, lu, dir, dir.followUp, 30);
  const settings = await desk.call('settings.get', {});
  await desk.call('settings.update', { ...settings, idleLockSeconds: 30 });
  try {
    await page.clock.install();
    await openSignedIn(page, desk);
    await page.keyboard.press('Alt+B');
    await page.keyboard.type('ferrei');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /Check in: Ferreira, Luz/ });
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Tab'); // photo ID
    await page.keyboard.press('Tab'); // reason
    const reason = dialog.getByRole('textbox', { name: 'Not verified? Reason' });
    await expect(reason).toBeFocused();
    await page.keyboard.type('Grandson confirms name and DOB');

    // Esc: the question, Keep editing focused; Enter keeps everything
    await page.keyboard.press('Escape');
    const ask = page.getByRole('alertdialog', { name: 'Discard what you typed?' });
    await expect(ask).toBeVisible();
    await expect(ask.getByRole('button', { name: /Keep editing/ })).toBeFocused();
    await expectAccessible(page, 'discard question on the check-in');
    await screenshot(page, 'checkin-discard-question');
    await page.keyboard.press('Enter');
    await expect(ask).toHaveCount(0);
    await expect(dialog).toBeVisible();
    await expect(reason).toHaveValue('Grandson confirms name and DOB');
    // Esc inside the question = keep editing too
    await page.keyboard.press('Escape');
    await expect(ask).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(ask).toHaveCount(0);
    await expect(reason).toHaveValue('Grandson confirms name and DOB');

    // the idle lock (30 s without input): the dialog, the board and what was typed leave the page ...
    await expect(reason).toBeFocused();
    await page.clock.runFor(31_000);
    await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByText('Grandson confirms')).toHaveCount(0);
    // ... and after the same user unlocks, the check-in is back with what was typed
    await expect(page.getByRole('textbox', { name: 'Password' })).toBeFocused();
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await expect(reason).toHaveValue('Grandson confirms name and DOB');
    expect(storedAppointment(desk, appt.id).status).toBe('scheduled');

    // discarding on purpose: Esc, Discard — nothing saved, and the check-in opens clean next time
    await page.keyboard.press('Escape');
    await expect(ask).toBeVisible();
    await page.keyboard.press('Tab');
    await expect(ask.getByRole('button', { name: 'Discard' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
    expect(storedAppointment(desk, appt.id).status).toBe('scheduled');
    await page.keyboard.press('Alt+F');
    await typeHere(page, 'ferrei');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await expect(reason).toHaveValue('');
    await page.keyboard.press('Escape'); // clean: closes at once
    await expect(dialog).toHaveCount(0);
  } finally {
    await desk.call('settings.update', settings);
  }
});

test('no-show (Alt+O, Enter) and cancel with a reason (Alt+X) from the board', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  dir = await setupDirectory(desk);
  const fay = await returningPatient(desk, 'Fay', 'Renwick');
  const gus = await returningPatient(desk, 'Gus', 'Halvorsen');
  const a1 = await bookToday(desk, fay, dir, dir.followUp, 20);
  const a2 = await bookToday(desk, gus, dir, dir.followUp, 25);

  await page.keyboard.press('Alt+B');
  await page.keyboard.type('renw');
  await expect(board(page).getByRole('row')).toHaveCount(2);
  await page.keyboard.press('Alt+O');
  const ns = page.getByRole('alertdialog', { name: 'Mark as no-show' });
  await expect(ns).toContainText('Renwick, Fay');
  await page.keyboard.press('Enter');
  await expect(ns).toHaveCount(0);
  await expect(row(page, /Renwick, Fay/)).toContainText('No-show');
  expect(storedAppointment(desk, a1.id).status).toBe('no-show');

  await page.keyboard.press('Alt+F');
  await typeHere(page, 'halv');
  await page.keyboard.press('ArrowDown'); // back to the list
  await page.keyboard.press('Alt+X');
  const cx = page.getByRole('dialog', { name: /Cancel the .* appointment of Halvorsen, Gus/ });
  await expect(cx).toBeVisible();
  // Ctrl+Enter without a reason: refused at the field
  await page.keyboard.press('Control+Enter');
  await expect(cx.getByText('Choose a reason. Nothing was saved.')).toBeVisible();
  expect(storedAppointment(desk, a2.id).status).toBe('scheduled');
  await choose(page, 'Reason', 'Other (say why)', cx);
  await tabTo(page, 'Note');
  await page.keyboard.type('Moved out of state');
  await expectAccessible(page, 'cancel dialog');
  await screenshot(page, 'board-cancel-reason');
  await page.keyboard.press('Control+Enter');
  await expect(cx).toHaveCount(0);
  await expect(row(page, /Halvorsen, Gus/)).toContainText('Cancelled');
  const c = storedAppointment(desk, a2.id);
  expect(c.status).toBe('cancelled');
  expect(c.cancelReason).toEqual({ code: 'other', note: 'Moved out of state' });
});

test('a 2,000-appointment day: only the visible rows are rendered, End reaches the last one, the filter still finds one', async ({ page, desk }) => {
  test.setTimeout(300_000);
  await openSignedIn(page, desk);
  dir = await setupDirectory(desk);
  const patients: Patient[] = [];
  const GIVEN = ['Amara', 'Boris', 'Chloe', 'Dmitri', 'Elif', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas'];
  for (let i = 0; i < 40; i++) {
    patients.push(await registerViaApi(desk, { name: { given: GIVEN[i % 10]!, family: `Bulk${String(i).padStart(2, '0')}x${'qwzvkj'[i % 6]}` }, birthDate: `${1940 + i}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}` }));
  }
  // book straight through the desk's command layer in bulk (the same commands the API calls), spread over the day
  // today's business date only (earlier tests also booked another day)
  const existing = (await desk.call('visits.board', { departmentIds: [], providerIds: [], statuses: [] })).rows.length;
  for (let i = existing; i < 2000; i++) {
    await bookAtMinute(desk, patients[i % patients.length]!, dir, i % 2 ? dir.followUp : dir.sick, 6 * 60 + (i % 600));
  }
  expect((await desk.call('visits.board', { departmentIds: [], providerIds: [], statuses: [] })).rows).toHaveLength(2000);
  await page.keyboard.press('Alt+B');
  await expect(page.getByTestId('board-summary')).toContainText('2000 appointments');
  const rendered = await board(page).getByRole('row').count();
  expect(rendered).toBeLessThan(80); // virtualised: not 2,000 DOM rows
  await page.keyboard.press('End');
  await expect(board(page).getByRole('row').last()).toHaveAttribute('aria-rowindex', '2001');
  await screenshot(page, 'board-2000-rows-end');
  await page.keyboard.type('bulk07');
  await expect(page.locator('.vb-actions')).toContainText(/of 2000 shown/);
});
