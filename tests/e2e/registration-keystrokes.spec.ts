/**
 * Issue 12 item 11: the keystrokes of one full registration (name, DOB, sex, phone, email, home address, an
 * emergency contact, a guarantor who is another person living at the patient's address, a coverage whose subscriber is
 * that guarantor, the three consents the site's policy asks for), counted with the counting keyboard: one press = one
 * keystroke, one typed character = one keystroke; Tab presses to move between fields count too.
 * Before the change: 482; after: 304 (consent version, date and signer, the guarantor address and the subscriber filled).
 */
import type { Page } from '@playwright/test';
import { test, expect, expectAccessible, focusedName, openSignedIn, screenshot } from './support/desk.js';
import { countingKeyboard, chicagoToday } from './support/visits.js';
import { choose, field, patientRows, tabToButton, typeInto } from './support/patients.js';

type Kb = ReturnType<typeof countingKeyboard>;

/** Tab (counted) until the focused element's name matches. */
async function tabTo(page: Page, kb: Kb, name: string | RegExp, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    const n = await focusedName(page);
    if (typeof name === 'string' ? n === name : name.test(n)) return;
    await kb.press('Tab');
  }
  throw new Error(`could not reach "${String(name)}" with Tab (last focus: "${await focusedName(page)}")`);
}

/** A react-aria Select by keyboard: Enter opens, type-ahead, Enter picks (all counted). */
async function pick(page: Page, kb: Kb, typed: string, option: string): Promise<void> {
  await kb.press('Enter');
  await expect(page.getByRole('listbox')).toBeVisible();
  await kb.type(typed);
  await expect(page.getByRole('option', { name: option, exact: true })).toHaveAttribute('data-focused', 'true');
  await kb.press('Enter');
  await expect(page.getByRole('listbox')).toHaveCount(0);
}

const FAMILY = 'Okonkwo-Reyes';
/** The same registration before issue 12 item 11 (every consent field, the guarantor's address line and the subscriber typed by hand), measured with this spec's earlier version (commit "Tests: count the keystrokes…"). */
const BEFORE = 482;
const AFTER_AT_MOST = 320;
const GIVEN = 'Adaeze';

test('a full registration by keyboard: keystrokes counted', async ({ page, desk }) => {
  test.setTimeout(120_000);
  await openSignedIn(page, desk);
  const kb = countingKeyboard(page);
  const today = chicagoToday();

  await kb.press('Alt+N');
  await expect(field(page, 'Last name')).toBeFocused();
  await kb.type(FAMILY);
  await kb.press('Tab');
  await kb.type(GIVEN);
  await kb.press('Tab');
  await kb.type('04171988');
  await kb.press('Tab');
  await pick(page, kb, 'Female', 'Female');
  await tabTo(page, kb, 'Phone 1');
  await kb.type('3125550147');
  await tabTo(page, kb, 'Email');
  await kb.type('adaeze.or@example.com');

  await tabTo(page, kb, '+ Add address');
  await kb.press('Enter');
  await expect(field(page, 'Street')).toBeFocused();
  await kb.type('2417 W Division St');
  await kb.press('Tab');
  await kb.type('Apt 3B');
  await kb.press('Tab');
  await kb.type('Chicago');
  await kb.press('Tab');
  await pick(page, kb, 'IL', 'IL');
  await kb.press('Tab');
  await kb.type('60622');

  await tabTo(page, kb, '+ Add emergency contact');
  await kb.press('Enter');
  await expect(field(page, 'Contact name')).toBeFocused();
  await kb.type('Chidi Okonkwo');
  await kb.press('Tab');
  await kb.type('Brother');
  await kb.press('Tab');
  await kb.type('3125550188');

  // guarantor: another person (her mother), at the patient's address (one key: Space)
  await tabTo(page, kb, 'The patient (self)');
  await kb.press('ArrowDown');
  await tabTo(page, kb, 'Guarantor last name');
  await kb.type('Okonkwo');
  await kb.press('Tab');
  await kb.type('Ngozi');
  await kb.press('Tab');
  await kb.type('Mother');
  await kb.press('Tab');
  await kb.type('09021962');
  await kb.press('Tab');
  await kb.type('3125550199');
  await tabTo(page, kb, 'Guarantor lives at the patient’s address');
  await kb.press('Space');
  await expect(page.getByRole('checkbox', { name: 'Guarantor lives at the patient’s address' })).toBeChecked();
  await expect(page.getByText('Address: 2417 W Division St, Apt 3B, Chicago, IL 60622')).toBeVisible();
  await page.getByRole('heading', { name: 'Guarantor', level: 2 }).scrollIntoViewIfNeeded();
  await screenshot(page, 'registration-guarantor-same-as-patient');

  // coverage: the subscriber is the guarantor (one button)
  await tabTo(page, kb, '+ Add coverage');
  await kb.press('Enter');
  await expect(field(page, 'Payer')).toBeFocused();
  await kb.type('Blue Cross Blue Shield of Illinois');
  await tabTo(page, kb, 'Member ID');
  await kb.type('XOJ123456789');
  await kb.press('Tab');
  await kb.type('GRP4471');
  await tabTo(page, kb, 'Subscriber is the guarantor');
  await kb.press('Enter');
  await expect(field(page, 'Subscriber last name')).toHaveValue('Okonkwo');
  await expect(field(page, 'Subscriber first name')).toHaveValue('Ngozi');

  // the three consents of the site's policy: each row starts with the next policy consent, its current version,
  // today and the patient as the signer
  for (const [i, label] of ['Consent to treat', 'HIPAA privacy notice', 'Financial policy'].entries()) {
    await tabTo(page, kb, '+ Add consent');
    await kb.press('Enter');
    const row = page.getByRole('group', { name: `Consent ${i + 1}` });
    await expect(row.getByRole('button', { name: new RegExp(`^${label}`) })).toBeFocused();
    await expect(field(page, 'Signed by', row)).toHaveValue(`${GIVEN} ${FAMILY}`);
  }
  await screenshot(page, 'registration-guarantor-coverage-consents');

  await kb.press('Control+Enter');
  await expect(page.getByRole('heading', { name: `${FAMILY}, ${GIVEN}`, level: 1 })).toBeVisible();
  const count = kb.count;
  test.info().annotations.push({ type: 'keystrokes', description: String(count) });
  console.log(`full registration keystrokes: ${count} (before: ${BEFORE})`);
  // the consents, the guarantor's address and the subscriber are no longer typed
  expect(count).toBeLessThanOrEqual(AFTER_AT_MOST);
  await screenshot(page, 'registration-keystrokes-saved');

  const [row] = patientRows(desk, FAMILY);
  const doc = JSON.parse(row!.doc);
  expect(doc.consents.map((c: { type: string; version: string; signedOn: string; signer: string }) => [c.type, c.version, c.signedOn, c.signer])).toEqual([
    ['treatment', '3.2', today, `${GIVEN} ${FAMILY}`],
    ['hipaa-notice', '2024-1', today, `${GIVEN} ${FAMILY}`],
    ['financial-policy', '3.2', today, `${GIVEN} ${FAMILY}`],
  ]);
  expect(doc.coverages[0]).toMatchObject({ subscriberRelationship: 'child', subscriberFamily: 'Okonkwo', subscriberGiven: 'Ngozi', subscriberBirthDate: '1962-09-02' });
  expect(doc.guarantor).toEqual({
    type: 'person',
    family: 'Okonkwo',
    given: 'Ngozi',
    relationship: 'Mother',
    birthDate: '1962-09-02',
    phone: '3125550199',
    address: { sameAsPatient: true, line1: '2417 W Division St', line2: 'Apt 3B', city: 'Chicago', state: 'IL', postalCode: '60622' },
  });
});

test('every date field takes "t" and "today"; a guarantor at another address is typed street, city, state, ZIP', async ({ page, desk }) => {
  test.setTimeout(90_000);
  await openSignedIn(page, desk);
  const today = chicagoToday();
  const long = new Date(`${today}T12:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  await page.keyboard.press('Alt+N');
  await expect(field(page, 'Last name')).toBeFocused();
  await page.keyboard.type('Vantongeren');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Ilse');
  await page.keyboard.press('Tab');
  await page.keyboard.type('11301979');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Female');
  await page.keyboard.press('Enter');

  // previous name, used until "t"
  await tabToButton(page, '+ Add previous name');
  await page.keyboard.press('Enter');
  await expect(field(page, 'Previous last name')).toBeFocused();
  await page.keyboard.type('Jansen');
  await tabTo(page, countingKeyboard(page), 'Used until');
  await page.keyboard.type('t');
  await expect(page.getByText(`= ${long}`)).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(field(page, 'Used until')).toHaveValue(`${today.slice(5, 7)}/${today.slice(8, 10)}/${today.slice(0, 4)}`);

  // the guarantor at another address: structured fields
  await tabTo(page, countingKeyboard(page), 'The patient (self)', 120);
  await page.keyboard.press('ArrowDown');
  await typeInto(page, 'Guarantor last name', 'Vantongeren');
  await typeInto(page, 'Guarantor first name', 'Pieter');
  await typeInto(page, 'Relationship to patient', 'Husband');
  await tabTo(page, countingKeyboard(page), 'Guarantor lives at the patient’s address');
  await expect(page.getByRole('checkbox', { name: 'Guarantor lives at the patient’s address' })).not.toBeChecked();
  await page.keyboard.press('Tab');
  await expect(field(page, 'Guarantor street')).toBeFocused();
  await page.keyboard.type('88 Harbor Rd');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Evanston');
  await page.keyboard.press('Tab');
  await choose(page, 'Guarantor state', 'IL');
  await typeInto(page, 'Guarantor ZIP code', '60201');
  await page.getByRole('heading', { name: 'Guarantor', level: 2 }).scrollIntoViewIfNeeded();
  await expectAccessible(page, 'register form: guarantor address');
  await screenshot(page, 'registration-guarantor-address');

  // a coverage effective "today"
  await tabToButton(page, '+ Add coverage');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Aetna');
  await typeInto(page, 'Member ID', 'W123456789');
  await typeInto(page, 'Effective from', 'today');
  await expect(page.getByText(`= ${long}`).first()).toBeVisible();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('heading', { name: 'Vantongeren, Ilse', level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('88 Harbor Rd, Evanston, IL 60201');

  const doc = JSON.parse(patientRows(desk, 'Vantongeren')[0]!.doc);
  expect(doc.previousNames[0]).toMatchObject({ family: 'Jansen', until: today });
  expect(doc.coverages[0]).toMatchObject({ payerName: 'Aetna', effectiveFrom: today });
  expect(doc.guarantor.address).toEqual({ sameAsPatient: false, line1: '88 Harbor Rd', line2: '', city: 'Evanston', state: 'IL', postalCode: '60201' });
});
