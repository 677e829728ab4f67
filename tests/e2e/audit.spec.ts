/**
 * Issue 12 item 14, by keyboard: the audit log filtered by patient (typed name, ↓, Enter) and business dates, in
 * words (names, MRN, action labels, no UUIDs or JSON), exported as CSV (Alt+E: the file holds the filtered entries
 * and the export is audited); the patient's history in the form's words, and a coverage change shown as what
 * changed.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { test, expect, openSignedIn, tabTo, typeHere, expectAccessible, screenshot, ADMIN, SITE } from './support/desk.js';
import { registerViaApi, search, hitOption } from './support/patients.js';
import { businessDate, formatUsDate } from '../../shared/dates.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

test('audit log: filter by patient and business date, read it in words, export the filtered entries as CSV', async ({ page, desk }) => {
  await desk.setupViaApi();
  const varga = await registerViaApi(desk, { name: { given: 'Ottoline', family: 'Varga' }, birthDate: '1974-03-09' });
  const smith = await registerViaApi(desk, { name: { given: 'Amy', family: 'Smith' }, birthDate: '1980-01-02' });
  await desk.call('patients.get', { id: varga.id });
  await desk.call('patients.get', { id: smith.id });
  const today = businessDate(SITE.timeZone);
  const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const vargaLabel = `Varga, Ottoline (MRN ${varga.mrn})`;

  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+A');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const grid = page.getByRole('grid', { name: 'Audit entries' });
  // words, not codes: the admin's own sign-in tops the list
  await expect(grid.getByRole('row').nth(1)).toContainText('Signed in');
  await expect(grid).toContainText(`Patient ${vargaLabel}`);
  await expect(grid).not.toContainText('session.signed_in');
  expect(await grid.innerText()).not.toMatch(UUID);
  expect(await grid.innerText()).not.toContain('{"');

  // ---- patient: Alt+F, type the name, ↓ to the match, Enter ------------------------------------------------------
  await page.keyboard.press('Alt+F');
  const patient = page.getByRole('combobox', { name: 'Patient' });
  await expect(patient).toBeFocused();
  await page.keyboard.type('varga');
  await expect(page.getByRole('option', { name: new RegExp(`^Varga, Ottoline \\(MRN ${varga.mrn}\\)`) })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(patient).toHaveValue(vargaLabel);
  // ---- business dates: today to today ----------------------------------------------------------------------------
  await tabTo(page, 'From date');
  await typeHere(page, formatUsDate(today));
  await tabTo(page, 'To date');
  await typeHere(page, formatUsDate(today));
  await page.keyboard.press('Enter');
  const status = page.getByRole('status').filter({ hasText: /^Entries \d+ to \d+, about / });
  await expect(status).toContainText(`about ${vargaLabel}, from ${formatUsDate(today)} to ${formatUsDate(today)}`);
  // every row is about Varga, none about Smith; the same entries as the database holds about her
  const expected = desk.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE entity_type = 'patient' AND entity_id = ?`).pluck().get(varga.id) as number;
  await expect(grid.getByRole('row')).toHaveCount(expected + 1);
  for (const row of await grid.getByRole('row').all().then((r) => r.slice(1))) await expect(row).toContainText(vargaLabel);
  await expect(grid).not.toContainText('Smith');
  await expect(grid).toContainText('Patient registered');
  await expect(grid).toContainText('Patient record opened');
  await expectAccessible(page, 'audit log filtered by patient and date');
  await screenshot(page, 'audit-filtered');

  // ---- export: Alt+E downloads exactly the filtered entries, and the export is audited -----------------------------
  const exportsBefore = desk.count('audit_log', "action = 'audit.exported'");
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Alt+E')]);
  expect(download.suggestedFilename()).toBe(`audit-log-${today}.csv`);
  const rows = parse(fs.readFileSync((await download.path())!, 'utf8')) as string[][];
  expect(rows[0]).toEqual(['No.', `Time (${SITE.timeZone})`, 'User', 'Action', 'About', 'Details', 'Action code']);
  expect(rows).toHaveLength(expected + 1);
  for (const r of rows.slice(1)) {
    expect(r[4]).toBe(`Patient ${vargaLabel}`);
    expect(r[2]).toBe(ADMIN.displayName);
  }
  expect(rows.map((r) => r[3])).toContain('Patient registered');
  await expect(page.getByText(`Saved audit-log-${today}.csv (your downloads): ${expected} entries`)).toBeVisible();
  expect(desk.count('audit_log', "action = 'audit.exported'")).toBe(exportsBefore + 1);
  const exp = desk.app.store.db.prepare(`SELECT user_name, detail FROM audit_log WHERE action = 'audit.exported' ORDER BY seq DESC LIMIT 1`).get() as { user_name: string; detail: string };
  expect(exp.user_name).toBe(ADMIN.displayName);
  expect(JSON.parse(exp.detail)).toMatchObject({ format: 'csv', rows: expected, filters: { patientId: varga.id, from: today, to: today } });

  // ---- another day: nothing about her yesterday ----------------------------------------------------------------
  await tabTo(page, 'From date');
  await typeHere(page, formatUsDate(yesterday));
  await tabTo(page, 'To date');
  await typeHere(page, formatUsDate(yesterday));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: /^No entries about / })).toContainText(`from ${formatUsDate(yesterday)} to ${formatUsDate(yesterday)}`);
  await expect(grid).toContainText('No entries match these filters.');

  // ---- clear: the whole log again, focus back on the patient field -------------------------------------------------
  await tabTo(page, 'Clear filters');
  await page.keyboard.press('Enter');
  await expect(patient).toBeFocused();
  await expect(patient).toHaveValue('');
  await expect(grid).toContainText('Audit log exported');
  await expect(grid).toContainText('Smith, Amy');
  await screenshot(page, 'audit');
});

test('patient history: the form’s words for codes, and a coverage change shows what changed', async ({ page, desk }) => {
  await desk.setupViaApi();
  const p = await registerViaApi(desk, {
    name: { given: 'Imelda', family: 'Quartermaine' },
    birthDate: '1966-05-21',
    ethnicity: 'not-hispanic-latino',
    consents: [{ type: 'hipaa-notice', version: '2024-1', signedOn: '2024-02-01', signer: 'Imelda Quartermaine', signerRelationship: 'self' }],
    coverages: [{ rank: 1, payerName: 'Blue Cross', memberId: 'XYZ123', lastVerifiedAt: '2020-01-01' } as never],
  });
  // an edit that changes only the coverage's verification date (its summary reads the same before and after)
  const current = (await desk.call('patients.get', { id: p.id })).patient;
  const { id: _id, mrn: _mrn, version, createdAt: _c, updatedAt: _u, mergedInto: _m, ...input } = current;
  await desk.call('patients.update', { id: p.id, baseVersion: version, patient: { ...input, coverages: [{ ...input.coverages[0]!, lastVerifiedAt: '2024-03-01' }] } });

  await openSignedIn(page, desk);
  await search(page, 'quartermaine');
  await expect(hitOption(page, 'Quartermaine')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Quartermaine, Imelda', level: 1 })).toBeVisible();
  await page.keyboard.press('h');
  await expect(page.getByRole('heading', { name: 'History of Quartermaine, Imelda', level: 1 })).toBeVisible();

  const v1 = page.getByRole('region', { name: /Version 1/ });
  await expect(v1.getByRole('row', { name: /^Ethnicity/ })).toContainText('Not Hispanic or Latino');
  await expect(v1.getByRole('row', { name: /^Consents/ })).toContainText('HIPAA privacy notice v2024-1 signed 02/01/2024 by Imelda Quartermaine');
  await expect(page.locator('main')).not.toContainText('not-hispanic-latino');
  await expect(page.locator('main')).not.toContainText('hipaa-notice');

  const v2 = page.getByRole('region', { name: /Version 2/ });
  await expect(v2.getByRole('row')).toHaveCount(2); // header + the one change
  const row = v2.getByRole('row', { name: /Primary coverage: Last verified/ });
  await expect(row).toContainText('01/01/2020');
  await expect(row).toContainText('03/01/2024');
  await expect(v2).not.toContainText('Blue Cross');
  await page.keyboard.press('Tab');
  await expect(page.locator(':focus')).toBeVisible();
  await expectAccessible(page, 'history in words');
  await screenshot(page, 'patients-history-words');
});
