/**
 * The clerk's core workflow, keyboard only, against the real desk (real SQLite file, real web host, Chromium):
 * register a hard name, find them by every search form, edit, history; duplicate warning + override; bad input;
 * idle lock with a patient on screen. axe on every screen; screenshots at 1366x768 into test-results/screens/.
 */
import { test, expect, openSignedIn, expectAccessible, screenshot, focusedName, ADMIN } from './support/desk.js';
import { choose, field, hitOption, patientRows, registerViaApi, search, tabToButton, typeInto, SEARCH_INPUT_ID } from './support/patients.js';

const FAMILY = "García-O'Brien";
const GIVEN = 'José';
const HEADING = `${FAMILY}, ${GIVEN}`;

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test('register a hard name by keyboard, find them by every search form, edit the phone, see it in history', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  // a decoy that shares the last-name start and a first-name start, so searches must discriminate
  await registerViaApi(desk, { name: { given: 'María', family: 'Garcia' }, birthDate: '1980-06-02', phones: [{ use: 'mobile', number: '3125550100', smsConsent: false }] });

  // ---- register: Alt+N, tab order follows the ID card: last, first, DOB, sex -----------------------------------
  await page.keyboard.press('Alt+N');
  await expect(page.getByRole('heading', { name: 'Register a new patient', level: 1 })).toBeVisible();
  await expect(field(page, 'Last name')).toBeFocused();
  await page.keyboard.type(FAMILY);
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('First name');
  await page.keyboard.type(GIVEN);
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('Date of birth');
  await page.keyboard.type('03141975');
  await expect(page.getByText('= Mar 14, 1975')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(field(page, 'Date of birth')).toHaveValue('03/14/1975'); // normalised on leaving
  expect(await focusedName(page)).toMatch(/Sex at birth$/);
  await page.keyboard.press('Enter');
  await page.keyboard.type('Male');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /Sex at birth$/ })).toContainText('Male');

  // phone is the next thing that matters: Tab reaches it (past the optional name fields)
  await tabToButton(page, 'Phone 1', 20);
  await page.keyboard.type('(312) 555-0147');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toMatch(/Type$/);

  // address: "Add address" then the new row's Street takes focus
  await tabToButton(page, '+ Add address');
  await page.keyboard.press('Enter');
  await expect(field(page, 'Street')).toBeFocused();
  await page.keyboard.type('1500 W. Cermak Rd');
  await typeInto(page, 'City', 'Chicago');
  await choose(page, 'State', 'IL');
  await typeInto(page, 'ZIP code', '60608');

  // a coverage
  await tabToButton(page, '+ Add coverage');
  await page.keyboard.press('Enter');
  await expect(field(page, 'Payer')).toBeFocused();
  await page.keyboard.type('Blue Cross Blue Shield of Illinois');
  await page.keyboard.press('Tab');
  await page.keyboard.type('PPO Gold');
  await page.keyboard.press('Tab');
  await page.keyboard.type('XOF123456789');
  await page.keyboard.press('Tab');
  await page.keyboard.type('G-100');

  // a consent
  await tabToButton(page, '+ Add consent');
  await page.keyboard.press('Enter');
  expect(await focusedName(page)).toMatch(/Consent$/);
  await typeInto(page, 'Form version', '2024-1');
  await typeInto(page, 'Signed on', '01/02/2025');
  await typeInto(page, 'Signed by', `${GIVEN} ${FAMILY}`);

  await expect(page.getByText('No existing record matches so far.')).toBeVisible();
  await screenshot(page, 'patients-register-filled');
  await page.keyboard.press('Control+Enter');

  // ---- saved: the record screen, and the database holds it ------------------------------------------------------
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();
  const rows = patientRows(desk, FAMILY);
  expect(rows).toHaveLength(1);
  const row = rows[0]!;
  expect(row).toMatchObject({ given: GIVEN, birth_date: '1975-03-14', version: 1 });
  expect(row.mrn).toMatch(/^\d{8}$/);
  const doc = JSON.parse(row.doc);
  expect(doc.sexAtBirth).toBe('male');
  expect(doc.phones).toEqual([{ use: 'mobile', number: '(312) 555-0147', smsConsent: false }]);
  expect(doc.addresses[0]).toMatchObject({ line1: '1500 W. Cermak Rd', city: 'Chicago', state: 'IL', postalCode: '60608' });
  expect(doc.coverages[0]).toMatchObject({ rank: 1, payerName: 'Blue Cross Blue Shield of Illinois', planName: 'PPO Gold', memberId: 'XOF123456789', groupNumber: 'G-100' });
  expect(doc.consents[0]).toMatchObject({ type: 'treatment', version: '2024-1', signedOn: '2025-01-02', signer: `${GIVEN} ${FAMILY}` });

  const main = page.getByRole('main');
  await expect(main).toContainText(row.mrn);
  await expect(main).toContainText('03/14/1975');
  await expect(main).toContainText('(312) 555-0147');
  await expect(main).toContainText('Blue Cross Blue Shield of Illinois');
  await expect(main).toContainText('Consent to treat');
  await expectAccessible(page, 'patient view');
  await screenshot(page, 'patients-view');

  // ---- find them by every search form -----------------------------------------------------------------------------
  const forms: [string, RegExp][] = [
    ["garcia-o'brien, jose", /last name starts with 'garciaobrien', first name starts with 'jose'/],
    ['garcia', /last name starts with 'garcia'/],
    ['obrien', /last name starts with 'obrien'/],
    ['jose garcia', /first name starts with 'jose'/],
    ['gar,jos', /last name starts with 'gar', first name starts with 'jos'/],
    ['03/14/1975', /date of birth 03\/14\/1975/],
    ['3/14/75', /date of birth 03\/14\/1975/],
    ['1975-03-14', /date of birth 03\/14\/1975/],
    ['03141975', /date of birth 03\/14\/1975/],
    [row.mrn, new RegExp(`MRN ${row.mrn}`)],
    ['(312) 555-0147', /phone \(312\) 555-0147/],
    ['312.555.0147', /phone \(312\) 555-0147/],
  ];
  for (const [q, understood] of forms) {
    await search(page, q);
    await expect(page.locator('#pt-interp'), `interpretation of "${q}"`).toContainText(understood);
    await expect(hitOption(page, FAMILY), `"${q}" finds the patient`).toBeVisible();
  }
  // discriminating forms do not bring the decoy
  for (const q of ['gar,jos', 'obrien', '03/14/1975', '(312) 555-0147', row.mrn]) {
    await search(page, q);
    await expect(hitOption(page, FAMILY)).toBeVisible();
    await expect(hitOption(page, 'Garcia'), `"${q}" must not show the decoy`).toHaveCount(0);
  }
  // "garcia" finds both; the highlighted row moves with the arrows and Enter opens it
  await search(page, 'garcia');
  await expect(page.getByRole('option')).toHaveCount(2);
  await expect(page.getByRole('option', { selected: true })).toHaveCount(1);
  await expectAccessible(page, 'search with results');
  await screenshot(page, 'patients-search-results');
  const box = page.locator(`#${SEARCH_INPUT_ID}`);
  const target = hitOption(page, FAMILY);
  const targetId = await target.getAttribute('id');
  for (let i = 0; i < 3 && (await box.getAttribute('aria-activedescendant')) !== targetId; i++) await page.keyboard.press('ArrowDown');
  if ((await box.getAttribute('aria-activedescendant')) !== targetId) for (let i = 0; i < 3 && (await box.getAttribute('aria-activedescendant')) !== targetId; i++) await page.keyboard.press('ArrowUp');
  await expect(box).toHaveAttribute('aria-activedescendant', targetId!);
  await expect(target).toHaveAttribute('aria-selected', 'true');
  await expect(box).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();

  // ---- edit: E, change the phone, Ctrl+Enter ----------------------------------------------------------------------
  await page.keyboard.press('e');
  await expect(page.getByRole('heading', { name: `Edit ${HEADING}`, level: 1 })).toBeVisible();
  await expect(field(page, 'Phone 1')).toHaveValue('(312) 555-0147');
  await expectAccessible(page, 'edit form');
  await screenshot(page, 'patients-edit');
  await typeInto(page, 'Phone 1', '773-555-0199');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();
  await expect(main).toContainText('(773) 555-0199');
  const edited = patientRows(desk, FAMILY)[0]!;
  expect(edited.version).toBe(2);
  expect(JSON.parse(edited.doc).phones[0].number).toBe('773-555-0199');

  // ---- history: H shows the change ------------------------------------------------------------------------------
  await page.keyboard.press('h');
  await expect(page.getByRole('heading', { name: `History of ${HEADING}`, level: 1 })).toBeVisible();
  const v2 = page.getByRole('region', { name: /Version 2/ });
  await expect(v2).toContainText('Edited');
  await expect(v2).toContainText(ADMIN.displayName);
  const phoneRow = v2.getByRole('row', { name: /^Phone 1: Number/ });
  await expect(phoneRow).toContainText('(312) 555-0147');
  await expect(phoneRow).toContainText('(773) 555-0199');
  await expect(page.getByRole('region', { name: /Version 1/ })).toContainText('Registered');
  await expectAccessible(page, 'history');
  await screenshot(page, 'patients-history');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();
});

test('no match: the search says so and Alt+N registers with the typed name and DOB already filled in', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  await expect(page.locator(`#${SEARCH_INPUT_ID}`)).toBeFocused();
  await expect(page.getByRole('heading', { name: 'Type to find a patient' })).toBeVisible();
  await search(page, 'nguyen-tran, thi 7/4/1990');
  await expect(page.locator('#pt-interp')).toContainText("last name starts with 'nguyentran', first name starts with 'thi'");
  await expect(page.locator('#pt-interp')).toContainText('date of birth 07/04/1990');
  await expect(page.getByRole('heading', { name: 'No patient matches' })).toBeVisible();
  await expect(page.getByRole('option')).toHaveCount(0);
  await expectAccessible(page, 'search with no match');
  await screenshot(page, 'patients-search-nomatch');
  await page.keyboard.press('Alt+N');
  await expect(page.getByRole('heading', { name: 'Register a new patient', level: 1 })).toBeVisible();
  await expect(field(page, 'Last name')).toHaveValue('Nguyen-Tran');
  await expect(field(page, 'First name')).toHaveValue('Thi');
  await expect(field(page, 'Date of birth')).toHaveValue('07/04/1990');
  // the clerk continues at the first identifying field still empty
  await expect(page.getByRole('button', { name: /Sex at birth$/ })).toBeFocused();
  // a clean (prefilled, untouched) form goes back on Esc without asking
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Find a patient', level: 1 })).toBeVisible();
  await expect(page.locator(`#${SEARCH_INPUT_ID}`)).toHaveValue('nguyen-tran, thi 7/4/1990');
});

test('duplicate warning: matches show while typing; Alt+1 opens the existing record; saving anyway needs a reason and is audited', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  const original = patientRows(desk, FAMILY)[0];
  expect(original, 'the first test registered the patient').toBeTruthy();

  const startSamePerson = async () => {
    await page.keyboard.press('Alt+N');
    await expect(field(page, 'Last name')).toBeFocused();
    await page.keyboard.type(FAMILY);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Jose'); // no accent
    await page.keyboard.press('Tab');
    await page.keyboard.type('03/14/1957'); // 1975 with two digits transposed
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Male');
    await page.keyboard.press('Enter');
  };

  // happy path: the panel offers the existing record, Alt+1 opens it
  await startSamePerson();
  const panel = page.getByRole('complementary', { name: 'Possible matches' });
  await expect(panel.getByText('Likely match')).toBeVisible();
  await expect(panel).toContainText(`${FAMILY}, ${GIVEN}`);
  await expect(panel).toContainText(/DOB digits transposed/);
  await expectAccessible(page, 'register form with duplicate panel');
  await screenshot(page, 'patients-register-duplicates');
  await page.keyboard.press('Alt+1');
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(original!.mrn);

  // save anyway: the dialog lists the match; a short reason is refused at the field; a real one saves + audits
  await startSamePerson();
  await expect(panel.getByText('Likely match')).toBeVisible();
  await page.keyboard.press('Control+Enter');
  const dialog = page.getByRole('alertdialog', { name: 'This patient may already be registered' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: `Open ${FAMILY}, ${GIVEN}` })).toBeFocused();
  await expectAccessible(page, 'duplicate dialog');
  await screenshot(page, 'patients-duplicate-dialog');
  await tabToButton(page, 'Reason for saving anyway', 10);
  await page.keyboard.type('twins');
  await page.keyboard.press('Enter');
  await expect(dialog.getByText('Say why in at least 10 characters')).toBeVisible();
  await expect(field(page, 'Reason for saving anyway', dialog)).toHaveValue('twins');
  expect(patientRows(desk, FAMILY)).toHaveLength(1);
  await page.keyboard.type(' brother; different DOB on his license, checked in person');
  await tabToButton(page, 'Save anyway', 5);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('heading', { name: `${FAMILY}, Jose`, level: 1 })).toBeVisible();

  const rows = patientRows(desk, FAMILY);
  expect(rows).toHaveLength(2);
  const dup = rows.find((r) => r.given === 'Jose')!;
  expect(dup.birth_date).toBe('1957-03-14');
  expect(dup.mrn).not.toBe(original!.mrn);
  const audit = await desk.call('audit.list', { action: 'patient.duplicate_override', limit: 10 });
  expect(audit.entries).toHaveLength(1);
  expect(audit.entries[0]).toMatchObject({ entityType: 'patient', entityId: dup.id, userName: ADMIN.displayName });
  expect(audit.entries[0]!.detail).toContain(original!.id);
  expect(audit.entries[0]!.detail).toContain('twins brother');
});

test('bad input: an impossible DOB and a 9-digit phone show errors at the fields and the typed values stay', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  const before = desk.count('patients');
  await page.keyboard.press('Alt+N');
  await expect(field(page, 'Last name')).toBeFocused();
  await page.keyboard.press('Tab'); // leave last name empty
  await page.keyboard.type('Ana');
  await page.keyboard.press('Tab');
  await page.keyboard.type('02/30/2001');
  await page.keyboard.press('Tab');
  const dob = field(page, 'Date of birth');
  await expect(dob).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Date of birth is not a real date')).toBeVisible();
  await expect(dob).toHaveValue('02/30/2001');

  await typeInto(page, 'Phone 1', '312555014');
  await page.keyboard.press('Tab');
  const phone = field(page, 'Phone 1');
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Phone number needs 10 digits')).toBeVisible();
  await expect(phone).toHaveValue('312555014');
  // the error is tied to the field for assistive tech
  const describedBy = (await phone.getAttribute('aria-describedby')) ?? '';
  const descText = await page.evaluate((ids) => ids.split(' ').map((i) => document.getElementById(i)?.textContent ?? '').join(' '), describedBy);
  expect(descText).toContain('Phone number needs 10 digits');

  // save: nothing is written, a summary appears, focus goes to the first invalid field, nothing typed is lost
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'need attention' })).toBeVisible();
  await expect(field(page, 'Last name')).toBeFocused();
  await expect(page.getByText('Last name is required')).toBeVisible();
  await expect(page.getByText('Choose sex assigned at birth')).toBeVisible();
  await expect(field(page, 'First name')).toHaveValue('Ana');
  await expect(dob).toHaveValue('02/30/2001');
  await expect(phone).toHaveValue('312555014');
  expect(desk.count('patients')).toBe(before);
  await expectAccessible(page, 'register form with errors');
  await screenshot(page, 'patients-register-errors');

  // fixing a field clears its error as the clerk types
  await typeInto(page, 'Phone 1', '3125550148');
  await expect(page.getByText('Phone number needs 10 digits')).toHaveCount(0);

  // Esc on a dirty form asks first; "Keep editing" keeps everything
  await page.keyboard.press('Escape');
  const ask = page.getByRole('alertdialog', { name: 'Discard what you typed?' });
  await expect(ask).toBeVisible();
  await page.keyboard.press('Enter'); // Keep editing (focused)
  await expect(ask).toHaveCount(0);
  await expect(field(page, 'First name')).toHaveValue('Ana');
});

test('idle lock with a patient on screen: PHI leaves the page, the unsaved edit comes back after unlock', async ({ page, desk }) => {
  await desk.setupViaApi();
  const s = await desk.call('settings.get', {});
  await desk.call('settings.update', { ...s, idleLockSeconds: 30 });
  const p = patientRows(desk, FAMILY).find((r) => r.given === GIVEN)!;
  await page.clock.install();
  await openSignedIn(page, desk);

  await search(page, p.mrn);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();
  await page.keyboard.press('e');
  await expect(field(page, 'Email')).toBeVisible();
  await typeInto(page, 'Email', 'jose.gob@example.org');
  let html = await page.content();
  expect(html).toContain(p.mrn);

  await page.clock.runFor(31_000);
  await expect(page.getByRole('heading', { name: 'Screen locked' })).toBeVisible();
  html = await page.content();
  for (const phi of [FAMILY, "O'Brien", 'Brien', GIVEN, p.mrn, '03/14/1975', '1975-03-14', '773', 'jose.gob@example.org']) {
    expect(html.includes(phi) || html.includes(phi.replace("'", '&#39;')), `"${phi}" must not be on the locked page`).toBe(false);
  }

  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: `Edit ${HEADING}`, level: 1 })).toBeVisible();
  await expect(field(page, 'Email')).toHaveValue('jose.gob@example.org');
  // the search store was purged by the lock
  await page.keyboard.press('Alt+S');
  await expect(page.locator(`#${SEARCH_INPUT_ID}`)).toHaveValue('');
  await desk.call('settings.update', s);
});

test('edit conflict: someone else saved first; the clerk sees why, reloads, and their entries stay listed', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  const p = patientRows(desk, FAMILY).find((r) => r.given === GIVEN)!;
  await search(page, p.mrn);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();
  await page.keyboard.press('e');
  await typeInto(page, 'Email', 'mine@example.org');

  // another desk saves a new phone meanwhile
  const cur = (await desk.call('patients.get', { id: p.id })).patient;
  const { id, mrn, version, createdAt, updatedAt, ...doc } = cur;
  void mrn, createdAt, updatedAt;
  await desk.call('patients.update', { id, baseVersion: version, patient: { ...doc, phones: [{ use: 'home', number: '(312) 555-0000', smsConsent: false }] } });

  await page.keyboard.press('Control+Enter');
  const banner = page.getByRole('alert').filter({ hasText: 'since you opened it' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Nothing was saved');
  await expect(field(page, 'Email')).toHaveValue('mine@example.org');
  await screenshot(page, 'patients-edit-conflict');
  await expect(banner.getByRole('button', { name: /Reload/ })).toBeFocused();
  await page.keyboard.press('Enter');
  const mine = page.getByRole('region', { name: 'Your entries that were not saved' });
  await expect(mine).toBeVisible();
  await expect(mine.getByRole('row', { name: /Email/ })).toContainText('mine@example.org');
  await expect(mine.getByRole('row', { name: /Phones/ })).toContainText('(312) 555-0000');
  await expect(field(page, 'Phone 1')).toHaveValue('(312) 555-0000');
  await expectAccessible(page, 'edit after conflict');
  await screenshot(page, 'patients-edit-conflict-reloaded');
  // re-enter the email on the current version and save
  await typeInto(page, 'Email', 'mine@example.org');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();
  const saved = JSON.parse(patientRows(desk, FAMILY).find((r) => r.given === GIVEN)!.doc);
  expect(saved.email).toBe('mine@example.org');
  expect(saved.phones[0].number).toBe('(312) 555-0000');
});


test('the record refreshes by itself when it is saved elsewhere', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  const p = patientRows(desk, FAMILY).find((r) => r.given === GIVEN)!;
  await search(page, p.mrn);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: HEADING, level: 1 })).toBeVisible();
  const cur = (await desk.call('patients.get', { id: p.id })).patient;
  const { id, mrn, version, createdAt, updatedAt, ...doc } = cur;
  void mrn, createdAt, updatedAt;
  await desk.call('patients.update', { id, baseVersion: version, patient: { ...doc, email: 'elsewhere@example.org' } });
  await expect(page.getByRole('status').filter({ hasText: 'just changed elsewhere' })).toContainText(`version ${version + 1}`);
  await expect(page.getByRole('main')).toContainText('elsewhere@example.org');
});
