/**
 * The proof, end to end: one real hub (PGlite, HTTPS with the fingerprint it prints) and two desks (two web
 * hosts, each with its own data directory and its real sync worker), driven in Chromium by the keyboard.
 *
 *  1. Desk A is enrolled from Settings (hub address, one-time code, fingerprint; a wrong fingerprint is refused at the
 *     field); desk B through the API. A registers a patient; B finds it.
 *  2. Outage: the hub stops. Both desks keep registering and editing (the conflicting edits typed in the edit form,
 *     offline); their headers say Offline and how many changes wait. The hub restarts on the same data directory: both headers return to Online with 0 waiting, and each desk
 *     finds the other's patients.
 *  3. The identity field both desks changed from the same version is in the supervisor's review queue (both values,
 *     both desks, which one the record holds); Keep closes it at the hub. The person registered at both desks during
 *     the outage is a possible duplicate; Merge into… merges it, the merge syncs, desk B's open record of the
 *     duplicate shows "Merged into …" live, Enter opens the survivor, and Undo merge (U) syncs back. With the hub
 *     down again the queue says it is unavailable and search still works.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { RestartableHub, createCode } from '../support/hub.js';
import { type E2EDesk, expectAccessible, openDesk, screenshot, signIn } from './support/desk.js';
import { newDeskPage, startSyncDesk, stopSyncDesk } from './support/sync.js';
import { field, hitOption, registerViaApi, search, typeInto } from './support/patients.js';
import type { Patient } from '../../shared/domain/patient.js';

test.describe.configure({ mode: 'serial' });

/** E2EDesk.addUser makes "Sam Tester" with this password */
const SUP = { username: 'sam', password: 'a long enough password' };

let hub: RestartableHub;
let deskA: E2EDesk;
let deskB: E2EDesk;
let ctxA: BrowserContext;
let ctxB: BrowserContext;
let pageA: Page;
let pageB: Page;
/** registered on A before the outage; edited on both desks during it (the identity conflict) */
let shared: Patient;

const header = (page: Page) => page.getByTestId('sync-status');

async function expectSyncState(page: Page, state: 'Online' | 'Offline' | 'Standalone', timeout = 30_000): Promise<void> {
  await expect(page.getByTestId('sync-state')).toHaveText(new RegExp(`${state}$`), { timeout });
}

/** Searches until the patient shows up (it may still be on its way from the other desk). */
async function findEventually(page: Page, q: string, name: string | RegExp, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await search(page, q);
    if (await hitOption(page, name).count()) return;
    if (Date.now() > end) throw new Error(`"${String(name)}" not found by "${q}"`);
    await page.waitForTimeout(700);
  }
}

/** Offline, like a clerk: find the shared patient, E to edit, change the first name, Ctrl+Enter. */
async function editFirstNameByKeyboard(page: Page, given: string): Promise<void> {
  await search(page, 'quillon');
  await expect(hitOption(page, /^Quillon, Jon/)).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Quillon, Jon', level: 1 })).toBeVisible();
  await page.keyboard.press('e');
  await expect(page.getByRole('heading', { name: 'Edit Quillon, Jon', level: 1 })).toBeVisible();
  await typeInto(page, 'First name', given);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('heading', { name: `Quillon, ${given}`, level: 1 })).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  hub = await RestartableHub.start();
  deskA = await startSyncDesk('Front desk A');
  deskB = await startSyncDesk('Front desk B');
  [ctxA, pageA] = await newDeskPage(browser);
  [ctxB, pageB] = await newDeskPage(browser);
});

test.afterAll(async () => {
  await ctxA?.close();
  await ctxB?.close();
  for (const d of [deskA, deskB]) await stopSyncDesk(d);
  await hub?.destroy();
});

test('enroll desk A from Settings (fingerprint checked at the field), B by API; register on A, find on B', async () => {
  test.setTimeout(120_000);
  await openDesk(pageA, deskA);
  await signIn(pageA);
  await expectSyncState(pageA, 'Standalone');

  // ---- Settings → Clinic hub: address, one-time code, fingerprint --------------------------------------------------
  await pageA.keyboard.press('Alt+T');
  await expect(pageA.getByRole('heading', { name: 'Clinic hub (sync between desks)' })).toBeVisible();
  const code = await createCode(hub.current);
  const right = hub.current.fingerprint;
  const wrong = (right.startsWith('AA') ? 'BB' : 'AA') + right.slice(2);
  // the hub address as the README shows it, typed after whatever the field holds (issue 12: it held "https://", so
  // this became https://https://… and "The hub at https://https cannot be reached"); a trailing slash and spaces are fine
  const address = field(pageA, 'Hub address');
  await address.press('End');
  await expect(address).toBeFocused();
  await pageA.keyboard.type(` ${hub.url}/ `);
  await expect(address).toHaveValue(` ${hub.url}/ `);
  await expect(pageA.getByText(`= ${hub.url}`)).toBeVisible();
  // anything that is not a hub address is refused at the field, before the desk tries to reach it
  await typeInto(pageA, 'Enrollment code', code);
  await typeInto(pageA, 'Hub address', `${hub.url}/sync`);
  await pageA.keyboard.press('Control+Enter');
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await expect(pageA.getByText('Only the host and port, without a path, like https://192.168.1.20:8443')).toBeVisible();
  await expect(field(pageA, 'Enrollment code')).toHaveValue(code);
  await expectAccessible(pageA, 'settings, hub address refused');
  await screenshot(pageA, 'sync-enroll-address-refused');
  await typeInto(pageA, 'Hub address', ` ${hub.url}/ `);
  await typeInto(pageA, 'Hub fingerprint', wrong);
  await pageA.keyboard.press('Control+Enter');
  const fp = field(pageA, 'Hub fingerprint');
  await expect(fp).toHaveAttribute('aria-invalid', 'true');
  await expect(pageA.getByText('Does not match the hub’s certificate')).toBeVisible();
  await expectSyncState(pageA, 'Standalone', 2000);
  await screenshot(pageA, 'sync-enroll-wrong-fingerprint');
  await typeInto(pageA, 'Hub fingerprint', right);
  await pageA.keyboard.press('Control+Enter');
  await expect(pageA.getByTestId('hub-enrolled')).toContainText(hub.url);
  // the desk stores the normalised address
  expect(deskA.app.store.db.prepare(`SELECT value FROM meta WHERE key = 'sync.hub_url'`).pluck().get()).toBe(hub.url);
  await expectSyncState(pageA, 'Online');
  await expect(pageA.getByTestId('hub-enrolled')).toContainText('Online');
  await expectAccessible(pageA, 'settings with the hub section');
  await screenshot(pageA, 'sync-enrolled-settings');

  await deskB.call('sync.enroll', { hubUrl: hub.url, code: await createCode(hub.current), fingerprint: right });
  await openDesk(pageB, deskB);
  await signIn(pageB);
  await expectSyncState(pageB, 'Online');

  // ---- register on A by keyboard ---------------------------------------------------------------------------------
  await pageA.keyboard.press('Alt+N');
  await expect(field(pageA, 'Last name')).toBeFocused();
  await pageA.keyboard.type('Quillon');
  await pageA.keyboard.press('Tab');
  await pageA.keyboard.type('Jon');
  await pageA.keyboard.press('Tab');
  await pageA.keyboard.type('07041970');
  await pageA.keyboard.press('Tab');
  await pageA.keyboard.press('Enter');
  await pageA.keyboard.type('Male');
  await pageA.keyboard.press('Enter');
  await pageA.keyboard.press('Control+Enter');
  await expect(pageA.getByRole('heading', { name: 'Quillon, Jon', level: 1 })).toBeVisible();
  const hit = (await deskA.call('patients.search', { q: 'quillon, jon', limit: 5 })).hits[0]!;
  shared = (await deskA.call('patients.get', { id: hit.id })).patient;
  expect(shared.name.given).toBe('Jon');

  // ---- find it on B ------------------------------------------------------------------------------------------------
  await findEventually(pageB, 'quillon', 'Quillon');
  await expect(hitOption(pageB, 'Quillon')).toContainText(shared.mrn);
  await expect(header(pageB)).toContainText('0 changes waiting');
  await expectAccessible(pageB, 'header online');
  await screenshot(pageB, 'sync-desk-b-found');
});

test('outage: both desks keep working (Offline, changes waiting); the hub returns and both converge', async () => {
  test.setTimeout(150_000);
  await hub.stop();
  await expectSyncState(pageA, 'Offline');
  await expectSyncState(pageB, 'Offline');

  // Desk A: a new patient, an edit of the shared patient (first name), and one half of a duplicate pair.
  await registerViaApi(deskA, { name: { given: 'Amara', family: 'Whitlock' }, birthDate: '1988-02-11', sexAtBirth: 'female' });
  await editFirstNameByKeyboard(pageA, 'John');
  await registerViaApi(deskA, { name: { given: 'Katherine', family: 'Oduyami' }, birthDate: '1991-07-04', phones: [{ use: 'mobile', number: '(773) 555-0142', smsConsent: false }] });
  // Desk B: another patient, its own edit of the same field from the same version, and the other half of the pair.
  await registerViaApi(deskB, { name: { given: 'Bruno', family: 'Castellane' }, birthDate: '1979-09-30', sexAtBirth: 'male' });
  await editFirstNameByKeyboard(pageB, 'Johnny');
  await registerViaApi(deskB, { name: { given: 'Kathy', family: 'Oduyami' }, birthDate: '1991-07-04', phones: [{ use: 'mobile', number: '773-555-0142', smsConsent: false }] });

  await expect(header(pageA)).toContainText(/[1-9]\d* changes? waiting/, { timeout: 20_000 });
  await expect(header(pageB)).toContainText(/[1-9]\d* changes? waiting/, { timeout: 20_000 });
  await expect(pageA.getByTestId('sync-banners')).toContainText('The hub cannot be reached');
  await expectAccessible(pageA, 'header offline');
  await screenshot(pageA, 'sync-offline-waiting');
  // Local work is not blocked: desk A still finds its own new patient.
  await findEventually(pageA, 'whitlock', 'Whitlock', 5000);

  await hub.restart();
  // Sync now (Alt+Y) instead of waiting for the backoff.
  await pageA.keyboard.press('Alt+Y');
  await expectSyncState(pageA, 'Online');
  await expectSyncState(pageB, 'Online');
  await expect(header(pageA)).toContainText('0 changes waiting', { timeout: 30_000 });
  await expect(header(pageB)).toContainText('0 changes waiting', { timeout: 30_000 });
  await expect(pageA.getByTestId('sync-banners')).not.toContainText('The hub cannot be reached');
  await screenshot(pageB, 'sync-back-online');

  await findEventually(pageA, 'castellane', 'Castellane');
  await findEventually(pageB, 'whitlock', 'Whitlock');
  await findEventually(pageA, 'oduyami', /^Oduyami, Kathy/);
  await findEventually(pageB, 'oduyami', /^Oduyami, Katherine/);
  // The hub holds every patient once.
  const n = await hub.db.query<{ n: unknown }>(`SELECT COUNT(*) n FROM patients WHERE doc LIKE '%Quillon%' OR doc LIKE '%Whitlock%' OR doc LIKE '%Castellane%' OR doc LIKE '%Oduyami%'`);
  expect(Number(n.rows[0]!.n)).toBe(5);
});

test('the supervisor review queue: keep the conflicting first name; merge the duplicate (live on desk B), then undo it', async () => {
  test.setTimeout(150_000);
  await deskA.addUser('supervisor', SUP.username);
  // Desk B's clerk has the duplicate (Kathy, registered at B) open when the merge happens elsewhere.
  await search(pageB, 'oduyami');
  const box = pageB.locator('#patient-search-input');
  const targetId = await hitOption(pageB, /^Oduyami, Kathy/).getAttribute('id');
  // (a live refresh from a pulled change may reset the highlight: move until it stays on Kathy)
  await expect
    .poll(async () => {
      if ((await box.getAttribute('aria-activedescendant')) === targetId) return true;
      await pageB.keyboard.press('ArrowDown');
      return false;
    })
    .toBe(true);
  await pageB.keyboard.press('Enter');
  await expect(pageB.getByRole('heading', { name: /^Oduyami, Kathy/, level: 1 })).toBeVisible();

  // Supervisor on desk A.
  await pageA.getByRole('button', { name: 'Sign out' }).press('Enter');
  await signIn(pageA, SUP);
  await expect(pageA.getByRole('navigation', { name: 'Screens' })).toContainText('Review queue');
  await pageA.keyboard.press('Alt+R');
  await expect(pageA.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();
  const detail = pageA.getByTestId('review-detail');
  await expect(detail.getByRole('heading', { name: 'Identity conflict: First name' })).toBeVisible();
  const values = detail.getByRole('table', { name: 'Conflicting values' });
  await expect(values.getByRole('row', { name: /^John\b/ })).toContainText('Front desk A (this desk)');
  await expect(values.getByRole('row', { name: /^Johnny\b/ })).toContainText('Front desk B');
  await expect(values).toContainText('✓ Yes');
  await expect(pageA.getByRole('grid', { name: 'Open review items' })).toContainText('Possible duplicate');
  await expectAccessible(pageA, 'review queue');
  await screenshot(pageA, 'sync-review-conflict');

  // Keep (K): a note, Enter; closed at the hub with this desk and user.
  await pageA.keyboard.press('k');
  await expect(pageA.getByRole('alertdialog', { name: 'Keep the record as it is' })).toBeVisible();
  await pageA.keyboard.type('Checked the ID card: John is right');
  await pageA.keyboard.press('Enter');
  await expect(pageA.getByText(/Closed: identity conflict \(kept\)/)).toBeVisible();
  const kept = await hub.db.query<{ resolution: string; user_name: string; desk_id: string }>(`SELECT resolution, user_name, desk_id FROM review_resolutions WHERE item_type = 'identity-conflict'`);
  expect(kept.rows).toEqual([{ resolution: 'kept', user_name: 'Sam Tester', desk_id: deskA.app.store.deskId }]);

  // The duplicate is shown next: both records side by side, score and reasons.
  await expect(detail.getByRole('heading', { name: 'Possible duplicate' })).toBeVisible();
  await expect(detail.getByTestId('review-record-1')).toContainText('Oduyami');
  await expect(detail.getByTestId('review-record-2')).toContainText('Oduyami');
  await pageA.keyboard.press('m');
  const dlg = pageA.getByRole('alertdialog', { name: 'Merge duplicate records' });
  await expect(dlg).toBeVisible();
  await expect(dlg.getByRole('textbox', { name: 'Reason' })).toBeFocused();
  await pageA.keyboard.type('Same person: Kathy is short for Katherine, same DOB and phone');
  await expectAccessible(pageA, 'merge dialog');
  await screenshot(pageA, 'sync-merge-dialog');
  await pageA.keyboard.press('Enter');
  await expect(pageA.getByText(/Merged into MRN \d{8}; the item is closed/)).toBeVisible();
  await expect(pageA.getByText('Nothing to review.')).toBeVisible();

  // Desk A's store: Kathy (B's registration, the newer one) is linked to Katherine; the hub has the link too.
  const rowsA = deskA.app.store.db.prepare(`SELECT id, given, merged_into FROM patients WHERE family = 'Oduyami' ORDER BY created_at`).all() as { id: string; given: string; merged_into: string | null }[];
  const katherine = rowsA.find((r) => r.given === 'Katherine')!;
  const kathy = rowsA.find((r) => r.given === 'Kathy')!;
  expect(kathy.merged_into).toBe(katherine.id);
  await expect
    .poll(async () => (await hub.db.query<{ merged_into: string | null }>('SELECT merged_into FROM patients WHERE id = $1', [kathy.id])).rows[0]?.merged_into, { timeout: 20_000 })
    .toBe(katherine.id);

  // Desk B: the open record of Kathy turns into a merged record by itself.
  await expect(pageB.getByTestId('merged-banner')).toContainText(/merged into Oduyami, Katherine.*MRN \d{8}/, { timeout: 30_000 });
  await expectAccessible(pageB, 'merged record');
  await screenshot(pageB, 'sync-merged-banner');
  await pageB.getByRole('heading', { level: 1 }).focus();
  await pageB.keyboard.press('Enter');
  await expect(pageB.getByRole('heading', { name: /^Oduyami, Katherine/, level: 1 })).toBeVisible();
  await pageB.keyboard.press('Escape');
  await expect(pageB.getByRole('heading', { name: /^Oduyami, Kathy/, level: 1 })).toBeVisible();

  // Undo (U, administrator on desk B): reason, Enter; the link is cleared here, at the hub and on desk A.
  await pageB.keyboard.press('u');
  const undo = pageB.getByRole('alertdialog', { name: 'Undo merge' });
  await expect(undo).toBeVisible();
  await pageB.keyboard.type('Mother and daughter after all');
  await pageB.keyboard.press('Enter');
  await expect(pageB.getByTestId('merged-banner')).toHaveCount(0);
  await expect
    .poll(async () => (await hub.db.query<{ merged_into: string | null }>('SELECT merged_into FROM patients WHERE id = $1', [kathy.id])).rows[0]?.merged_into, { timeout: 20_000 })
    .toBeNull();
  await expect.poll(() => (deskA.app.store.db.prepare('SELECT merged_into FROM patients WHERE id = ?').get(kathy.id) as { merged_into: string | null }).merged_into, { timeout: 20_000 }).toBeNull();

  // Offline: the queue (kept at the hub) says so plainly; the rest of the desk keeps working.
  await hub.stop();
  await expectSyncState(pageA, 'Offline');
  await pageA.keyboard.press('Alt+S');
  await pageA.keyboard.press('Alt+R');
  await expect(pageA.getByRole('alert').filter({ hasText: 'Review queue unavailable' })).toContainText('hub cannot be reached');
  await expectAccessible(pageA, 'review queue offline');
  await screenshot(pageA, 'sync-review-offline');
  await findEventually(pageA, 'castellane', 'Castellane', 5000);
});
