/**
 * Patient search, issue 12, keyboard only against the real desk with a generated clinic in its SQLite file:
 * item 2 (a list cut at 50 says so and how to narrow it), item 9 (a typo finds the patient as a labelled near
 * match, and registering is not the first thing offered), item 10 (Alt+N prefills only from a search that found
 * nobody, and the form starts at its first empty field). axe and screenshots at 1366x768 on each state.
 */
import { test, expect, openSignedIn, expectAccessible, screenshot } from './support/desk.js';
import { field, hitOption, registerViaApi, search, SEARCH_INPUT_ID } from './support/patients.js';
import { bulkLoadPatients } from '../../electron/demo/generator.js';

// each test arranges its own patients (they share the file's desk); serial: the first loads the generated clinic
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const CLINIC = 8000;

test('a list cut at 50 says so and how to narrow it; narrowed, it says nothing is cut', async ({ page, desk }) => {
  await desk.setupViaApi();
  bulkLoadPatients(desk.app.store.db, CLINIC, 12);
  const smiths = desk.count('patients', "family = 'Smith' AND merged_into IS NULL");
  expect(smiths, 'the generated clinic has more Smiths than one page').toBeGreaterThan(50);
  await openSignedIn(page, desk);

  await search(page, 'smith');
  await expect(page.getByRole('option')).toHaveCount(50);
  await expect(page.locator('.pt-interp__count')).toHaveText(' — the first 50 shown of more than 50');
  const note = page.getByRole('note').filter({ hasText: 'The list is cut at 50' });
  await expect(note).toBeVisible();
  await expect(note).toContainText('add a first name ("smith, p")');
  await expect(note).toContainText('a date of birth ("smith 3/14/1975")');
  await expect(note).toContainText('the last 4 digits of the phone ("smith 0147")');
  // the search box points at the note for screen readers
  await expect(page.locator(`#${SEARCH_INPUT_ID}`)).toHaveAttribute('aria-describedby', /pt-search-more/);
  await expectAccessible(page, 'search cut at 50');
  await screenshot(page, 'search-truncated');

  // narrowed by a date of birth the desk holds for one Smith: all of them shown, no note
  const one = desk.app.store.db.prepare(`SELECT given, birth_date FROM patients WHERE family = 'Smith' ORDER BY id LIMIT 1`).get() as { given: string; birth_date: string };
  const [y, m, d] = one.birth_date.split('-');
  await search(page, `smith ${m}/${d}/${y}`);
  await expect(page.locator('.pt-interp__count')).not.toContainText('more than');
  await expect(page.getByRole('note').filter({ hasText: 'The list is cut' })).toHaveCount(0);
  await expect(page.getByRole('option').first()).toContainText(one.given);
});

test('a typo finds the patient as a labelled near match; registering is not the first action', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  const p = await registerViaApi(desk, { name: { given: 'Thomas', family: 'Johnson' }, sexAtBirth: 'male', birthDate: '1968-11-21' });
  const before = desk.count('patients');

  await search(page, 'jonhson, thomas');
  await expect(page.locator('.pt-interp__count')).toContainText('no exact match');
  await expect(page.getByRole('note').filter({ hasText: 'No patient matches exactly what you typed' })).toBeVisible();
  // the no-match invitation is not shown: no "Register new patient" primary action, no "No patient matches" panel
  await expect(page.getByRole('heading', { name: 'No patient matches' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Register new patient/ })).toHaveCount(0);
  // our Thomas Johnson is listed with why he matched; the highlight is on the first near match, not on a button
  const ours = page.getByRole('option', { name: new RegExp(`MRN ${p.mrn}`) });
  await expect(ours).toBeVisible();
  await expect(ours).toHaveAttribute('aria-label', /near match: Similar spelling/);
  await expect(ours.locator('.pt-badge')).toHaveText(['Similar spelling']);
  await expect(page.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator(`#${SEARCH_INPUT_ID}`)).toBeFocused();
  await expectAccessible(page, 'search with near matches only');
  await screenshot(page, 'search-near-matches');

  // ↓ to our patient and Enter opens him: nothing was registered
  const options = page.getByRole('option');
  const n = await options.count();
  for (let i = 0; i < n && (await ours.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowDown');
  await expect(ours).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Johnson, Thomas', level: 1 })).toBeVisible();
  expect(desk.count('patients')).toBe(before);
});

test('Alt+N with a kept query that found patients opens an empty form at the last name; one that found nobody prefills', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  // the empty search screen lists every query form, the forgiven ones included
  await expect(page.getByRole('heading', { name: 'Type to find a patient' })).toBeVisible();
  await expect(page.locator('.pt-empty')).toContainText('smith, dave');
  await expectAccessible(page, 'empty search');
  await screenshot(page, 'search-empty');
  await registerViaApi(desk, { name: { given: 'Amara', family: 'Okafor' }, birthDate: '1991-05-17' });
  // a query that found Amara Okafor, kept in the box after opening her and coming back (Esc)
  await search(page, 'okafor, amara');
  await expect(hitOption(page, 'Okafor, Amara').first()).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Okafor, Amara', level: 1 })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator(`#${SEARCH_INPUT_ID}`)).toHaveValue('okafor, amara');
  await expect(page.locator(`#${SEARCH_INPUT_ID}`)).toBeFocused();

  await page.keyboard.press('Alt+N');
  await expect(page.getByRole('heading', { name: 'Register a new patient', level: 1 })).toBeVisible();
  await expect(field(page, 'Last name')).toBeFocused();
  await expect(field(page, 'Last name')).toHaveValue('');
  await expect(field(page, 'First name')).toHaveValue('');
  await expect(field(page, 'Date of birth')).toHaveValue('');
  // the new last name goes where the clerk expects it
  await page.keyboard.type('Okonkwo');
  await expect(field(page, 'Last name')).toHaveValue('Okonkwo');
  await expect(field(page, 'Date of birth')).toHaveValue('');
  await screenshot(page, 'search-altn-kept-query');
  await page.keyboard.press('Escape');
  // leaving a form with typed input asks first: discard it
  await expect(page.getByRole('alertdialog', { name: 'Discard what you typed?' })).toBeVisible();
  await page.getByRole('button', { name: 'Discard changes' }).press('Enter');
  await expect(page.getByRole('heading', { name: 'Find a patient', level: 1 })).toBeVisible();

  // a search that found nobody: Alt+N takes its name, and the cursor starts at the first empty field (DOB)
  await search(page, 'zzyzx, quentin');
  await expect(page.getByRole('heading', { name: 'No patient matches' })).toBeVisible();
  await page.keyboard.press('Alt+N');
  await expect(page.getByRole('heading', { name: 'Register a new patient', level: 1 })).toBeVisible();
  await expect(field(page, 'Last name')).toHaveValue('Zzyzx');
  await expect(field(page, 'First name')).toHaveValue('Quentin');
  await expect(field(page, 'Date of birth')).toBeFocused();
  await screenshot(page, 'search-altn-found-nobody');
});
