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
import { setupDirectory, bookToday, storedAppointment, appointmentsOf, countingKeyboard, currentConsents, chicagoToday, offsetToMinuteOfDay, type Directory } from './support/visits.js';
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
  await page.keyboard.press('Alt+B');
  await page.keyboard.type('okonk');
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

test('walk-in from a search hit: Alt+W opens the walk-in check-in with the defaults, Arrived creates it arrived', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  dir = await setupDirectory(desk);
  const eve = await returningPatient(desk, 'Evander', 'Quist');
  await search(page, 'quist, evander');
  await expect(hitOption(page, /^Quist, Evander/)).toBeVisible();
  const kb = countingKeyboard(page);
  await kb.press('Alt+W');
  const dialog = page.getByRole('dialog', { name: /Walk-in check-in: Quist, Evander/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: /Visit type$/ })).toContainText('Walk-in');
  await expect(dialog.getByRole('button', { name: /Department$/ })).toContainText('Family Medicine');
  await expectAccessible(page, 'walk-in dialog');
  await screenshot(page, 'checkin-walk-in');
  await kb.press('Space');
  await kb.press('Control+Enter');
  await expect(dialog).toHaveCount(0);
  expect(kb.count, kb.log).toBe(3);
  const mine = appointmentsOf(desk, eve.id);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ walkIn: true, status: 'arrived', typeId: dir.walkIn.id, departmentId: dir.dep.id });
  expect(mine[0]!.checkIn?.identity.verified).toBe(true);
  await page.keyboard.press('Alt+B');
  await expect(row(page, /Quist, Evander/)).toContainText('Walk-in');
  await expect(row(page, /Quist, Evander/)).toContainText('Arrived');
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
  const existing = desk.count('visit_appointments');
  for (let i = existing; i < 2000; i++) {
    await bookToday(desk, patients[i % patients.length]!, dir, i % 2 ? dir.followUp : dir.sick, offsetToMinuteOfDay(6 * 60 + (i % 600)));
  }
  expect(desk.count('visit_appointments')).toBeGreaterThanOrEqual(2000);
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
