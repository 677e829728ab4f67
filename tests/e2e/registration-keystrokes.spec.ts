/**
 * Issue 12 item 11: the keystrokes of one full registration (name, DOB, sex, phone, email, home address, an
 * emergency contact, a guarantor who is another person living at the patient's address, a coverage whose subscriber is
 * that guarantor, the three consents the site's policy asks for), counted with the counting keyboard: one press = one
 * keystroke, one typed character = one keystroke; Tab presses to move between fields count too.
 */
import type { Page } from '@playwright/test';
import { test, expect, focusedName, openSignedIn, screenshot } from './support/desk.js';
import { countingKeyboard, chicagoToday } from './support/visits.js';
import { field, patientRows } from './support/patients.js';

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
const GIVEN = 'Adaeze';

test('a full registration by keyboard: keystrokes counted', async ({ page, desk }) => {
  test.setTimeout(120_000);
  await openSignedIn(page, desk);
  const kb = countingKeyboard(page);
  const today = chicagoToday();
  const todayTyped = `${today.slice(5, 7)}${today.slice(8, 10)}${today.slice(0, 4)}`;

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

  // guarantor: another person (her mother), at the patient's address
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
  await kb.press('Tab');
  await kb.type('2417 W Division St Apt 3B, Chicago IL 60622');

  // coverage: the subscriber is the guarantor
  await tabTo(page, kb, '+ Add coverage');
  await kb.press('Enter');
  await expect(field(page, 'Payer')).toBeFocused();
  await kb.type('Blue Cross Blue Shield of Illinois');
  await tabTo(page, kb, 'Member ID');
  await kb.type('XOJ123456789');
  await kb.press('Tab');
  await kb.type('GRP4471');
  await kb.press('Tab');
  await pick(page, kb, 'Child', 'Child');
  await tabTo(page, kb, 'Subscriber last name');
  await kb.type('Okonkwo');
  await kb.press('Tab');
  await kb.type('Ngozi');
  await kb.press('Tab');
  await kb.type('09021962');

  // the three consents of the site's policy, signed today by the patient
  const consents: [string, string, string][] = [
    ['', 'Consent to treat', '3.2'],
    ['HIPAA', 'HIPAA privacy notice', '2024-1'],
    ['Fin', 'Financial policy', '3.2'],
  ];
  for (const [i, [typed, label, version]] of consents.entries()) {
    await tabTo(page, kb, '+ Add consent');
    await kb.press('Enter');
    if (typed) await pick(page, kb, typed, label);
    await kb.press('Tab');
    await kb.type(version);
    await kb.press('Tab');
    await kb.type(todayTyped);
    await kb.press('Tab');
    await kb.type(`${GIVEN} ${FAMILY}`);
    await expect(page.getByRole('group', { name: `Consent ${i + 1}` })).toBeVisible();
  }

  await kb.press('Control+Enter');
  await expect(page.getByRole('heading', { name: `${FAMILY}, ${GIVEN}`, level: 1 })).toBeVisible();
  const count = kb.count;
  test.info().annotations.push({ type: 'keystrokes', description: String(count) });
  console.log(`full registration keystrokes: ${count}`);
  await screenshot(page, 'registration-keystrokes-saved');

  const [row] = patientRows(desk, FAMILY);
  const doc = JSON.parse(row!.doc);
  expect(doc.consents.map((c: { type: string; version: string; signedOn: string; signer: string }) => [c.type, c.version, c.signedOn, c.signer])).toEqual([
    ['treatment', '3.2', today, `${GIVEN} ${FAMILY}`],
    ['hipaa-notice', '2024-1', today, `${GIVEN} ${FAMILY}`],
    ['financial-policy', '3.2', today, `${GIVEN} ${FAMILY}`],
  ]);
  expect(doc.coverages[0]).toMatchObject({ subscriberRelationship: 'child', subscriberFamily: 'Okonkwo', subscriberGiven: 'Ngozi', subscriberBirthDate: '1962-09-02' });
  expect(doc.guarantor).toMatchObject({ type: 'person', family: 'Okonkwo', given: 'Ngozi', relationship: 'Mother' });
});
