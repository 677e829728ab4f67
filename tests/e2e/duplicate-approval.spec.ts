/**
 * Issue 12 item 12, by keyboard on a desk without a hub: the site requires a supervisor's approval to save a likely
 * duplicate. The clerk's override is refused with a wrong supervisor password (nothing saved, the reason kept) and
 * saved with the right one; the new record says it is a possible duplicate; the supervisor finds it in this desk's
 * review queue (Alt+R) and merges it (M).
 */
import { test, expect, expectAccessible, openSignedIn, screenshot, signIn } from './support/desk.js';
import { field, patientRows, registerViaApi, tabToButton, typeInto } from './support/patients.js';

const FAMILY = 'Marlowe';

test('override with a supervisor’s approval, the flag on the record, and the standalone review queue’s merge', async ({ page, desk }) => {
  test.setTimeout(90_000);
  await desk.setupViaApi();
  const clerk = await desk.addUser('clerk', 'cleo');
  const sup = await desk.addUser('supervisor', 'sam');
  const original = await registerViaApi(desk, {
    name: { given: 'Quinta', family: FAMILY },
    birthDate: '1980-05-06',
    phones: [{ use: 'mobile', number: '(217) 555-0199', smsConsent: false }],
  });
  const s = await desk.call('settings.get', {});
  await desk.call('settings.update', { ...s, requireDuplicateApproval: true });
  expect((await desk.call('sync.status', {})).state).toBe('not-enrolled');

  // ---- the clerk registers the same person again ------------------------------------------------------------------
  await openSignedIn(page, desk, clerk);
  await page.keyboard.press('Alt+N');
  await expect(field(page, 'Last name')).toBeFocused();
  await page.keyboard.type(FAMILY);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Quinta');
  await page.keyboard.press('Tab');
  await page.keyboard.type('05061980');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Female');
  await page.keyboard.press('Enter');
  await typeInto(page, 'Phone 1', '2175550199');
  const panel = page.getByRole('complementary', { name: 'Possible matches' });
  await expect(panel.getByText('Likely match')).toBeVisible();
  await page.keyboard.press('Control+Enter');
  const dialog = page.getByRole('alertdialog', { name: 'This patient may already be registered' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('a supervisor’s approval');
  await tabToButton(page, 'Reason for saving anyway', 10);
  await page.keyboard.type('Different person: mother and daughter, same name');
  await page.keyboard.press('Tab');
  await expect(field(page, 'Supervisor user name', dialog)).toBeFocused();
  await page.keyboard.type(sup.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not the password');
  await page.keyboard.press('Enter');
  await expect(dialog.getByText('The supervisor’s user name or password is not right. Nothing was saved.').first()).toBeVisible();
  expect(patientRows(desk, FAMILY)).toHaveLength(1);
  // the reason and the user name are kept; the password is not, and focus is on it
  await expect(field(page, 'Reason for saving anyway', dialog)).toHaveValue('Different person: mother and daughter, same name');
  await expect(field(page, 'Supervisor user name', dialog)).toHaveValue(sup.username);
  const pw = dialog.getByLabel('Supervisor password');
  await expect(pw).toHaveValue('');
  await expect(pw).toBeFocused();
  await expectAccessible(page, 'duplicate dialog with supervisor approval');
  await screenshot(page, 'patients-duplicate-approval');
  await page.keyboard.type(sup.password);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('heading', { name: `${FAMILY}, Quinta`, level: 1 })).toBeVisible();

  // the record says it is a possible duplicate, of which record, who approved
  const flag = page.getByTestId('duplicate-flag');
  await expect(flag).toContainText(`likely duplicate of MRN ${original.mrn}`);
  await expect(flag).toContainText('approved by Sam Tester');
  await expect(flag).toContainText('review queue');
  await expectAccessible(page, 'patient flagged as a possible duplicate');
  await screenshot(page, 'patients-flagged-duplicate');
  const rows = patientRows(desk, FAMILY);
  expect(rows).toHaveLength(2);
  const dup = rows.find((r) => r.id !== original.id)!;
  const stored = desk.app.store.db.prepare(`SELECT patient_id, match_id, status, approved_by_name FROM patient_duplicate_flags`).all();
  expect(stored).toEqual([{ patient_id: dup.id, match_id: original.id, status: 'open', approved_by_name: 'Sam Tester' }]);

  // ---- the supervisor: this desk's review queue, merge -------------------------------------------------------------
  await page.getByRole('button', { name: 'Sign out' }).press('Enter');
  await signIn(page, sup);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toContainText('Review queue');
  await page.keyboard.press('Alt+R');
  await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();
  await expect(page.getByText('the queue lists the likely duplicates saved anyway on this desk')).toBeVisible();
  const detail = page.getByTestId('review-detail');
  await expect(detail.getByRole('heading', { name: 'Possible duplicate' })).toBeVisible();
  await expect(detail.getByTestId('review-saved-anyway')).toContainText('by Cleo Tester, approved by Sam Tester');
  await expect(detail.getByTestId('review-record-1')).toContainText(original.mrn);
  await expect(detail.getByTestId('review-record-2')).toContainText(FAMILY);
  await expectAccessible(page, 'standalone review queue');
  await screenshot(page, 'review-standalone');
  await page.keyboard.press('m');
  const merge = page.getByRole('alertdialog', { name: 'Merge duplicate records' });
  await expect(merge).toBeVisible();
  await expect(merge.getByRole('textbox', { name: 'Reason' })).toBeFocused();
  await page.keyboard.type('Same person after all: the daughter is a different first name');
  await page.keyboard.press('Enter');
  await expect(page.getByText(`Merged into MRN ${original.mrn}; the item is closed.`)).toBeVisible();
  await expect(page.getByText('Nothing to review.')).toBeVisible();
  // focus is on the screen's heading, not on the page body
  await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeFocused();
  await screenshot(page, 'review-standalone-merged');
  expect(desk.app.store.db.prepare('SELECT merged_into FROM patients WHERE id = ?').get(dup.id)).toEqual({ merged_into: original.id });
  const after = desk.app.store.db.prepare(`SELECT status, resolution, resolved_by_name FROM patient_duplicate_flags`).get();
  expect(after).toEqual({ status: 'resolved', resolution: 'merged', resolved_by_name: 'Sam Tester' });
});
