/**
 * The patient record at 1366x768 with a very long name on a desk enrolled with a hub, the sync status showing
 * (offline, changes waiting: its widest state), keyboard only (issue 12, item 5):
 *  - every button of the record's toolbar is inside the window (nothing clipped: "Back Esc" included);
 *  - the record's title row and the app header stay one line each (bounding boxes measured); the long name is cut
 *    with an ellipsis, and the full name is still there (title attribute, and the heading's accessible name);
 *  - the age does not wrap.
 * axe and screenshots.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { RestartableHub, createCode } from '../support/hub.js';
import { type E2EDesk, expectAccessible, openDesk, screenshot, signIn } from './support/desk.js';
import { newDeskPage, startSyncDesk, stopSyncDesk } from './support/sync.js';
import { registerViaApi, search } from './support/patients.js';
import { currentConsents, chicagoToday } from './support/visits.js';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let hub: RestartableHub;
let desk: E2EDesk;
let ctx: BrowserContext;
let page: Page;
const today = chicagoToday();
const FAMILY = 'Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh';
const GIVEN = 'Maximiliana Esperanza';

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  hub = await RestartableHub.start();
  desk = await startSyncDesk('Front desk at the east entrance');
  await desk.call('sync.enroll', { hubUrl: hub.url, code: await createCode(hub.current), fingerprint: hub.current.fingerprint });
  const settings = await desk.call('settings.get', {});
  await desk.call('settings.update', { ...settings, siteName: 'Riverside Family Medicine and Pediatrics Clinic' });
  [ctx, page] = await newDeskPage(browser);
});

test.afterAll(async () => {
  await ctx?.close();
  await stopSyncDesk(desk);
  await hub?.destroy();
});

/** One line: the element is at most `max` px high, and every visible child lies inside it (none wrapped below). */
async function oneLine(el: ReturnType<Page['locator']>, max: number) {
  const box = await el.boundingBox();
  expect(box, 'rendered').not.toBeNull();
  expect(box!.height, 'one line high').toBeLessThanOrEqual(max);
  const outside = await el.evaluate((n) => {
    const b = n.getBoundingClientRect();
    return [...n.children]
      .filter((c) => (c as HTMLElement).offsetParent !== null)
      .map((c) => c.getBoundingClientRect())
      .filter((r) => r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5).length;
  });
  expect(outside, 'no child outside the line').toBe(0);
}

test('the patient record: every toolbar button in the window, the title row and the header one line each, with a very long name and the sync status shown', async () => {
  const p = await registerViaApi(desk, {
    name: { given: GIVEN, family: FAMILY, middle: 'Concepción', suffix: 'III' },
    preferredName: 'Maxi',
    birthDate: '1948-02-29',
    consents: currentConsents(today, `${GIVEN} ${FAMILY}`),
  });
  await openDesk(page, desk);
  await signIn(page);
  await expect(page.getByTestId('sync-state')).toHaveText(/Online$/, { timeout: 30_000 });
  // the widest sync status: offline with changes waiting
  await hub.stop();
  await registerViaApi(desk, { name: { given: 'Ottilie', family: 'Brandvold' }, birthDate: '1990-05-05', consents: currentConsents(today, 'Ottilie Brandvold') });
  await expect(page.getByTestId('sync-state')).toHaveText(/Offline$/, { timeout: 30_000 });
  await expect(page.getByTestId('sync-pending')).not.toHaveText(/^0 /);

  await search(page, 'wolfeschlegel');
  await page.keyboard.press('Enter');
  const h1 = page.getByRole('heading', { level: 1 });
  await expect(h1).toContainText(FAMILY);
  await expect(page.getByRole('button', { name: /^Back/ })).toBeVisible();

  // every toolbar button of the record inside the window
  const header = page.locator('.ad-page-header');
  const buttons = header.getByRole('button');
  const n = await buttons.count();
  expect(n).toBe(6);
  const vw = page.viewportSize()!.width;
  for (let i = 0; i < n; i++) {
    const b = await buttons.nth(i).boundingBox();
    const name = (await buttons.nth(i).textContent()) ?? '';
    expect(b, `${name} rendered`).not.toBeNull();
    expect(b!.x, `${name}: left edge in the window`).toBeGreaterThanOrEqual(0);
    expect(b!.x + b!.width, `${name}: right edge in the window`).toBeLessThanOrEqual(vw);
  }
  // the actions on one row, none below another
  const tops = new Set<number>();
  for (let i = 0; i < n; i++) tops.add(Math.round((await buttons.nth(i).boundingBox())!.y));
  expect(tops.size, 'the record’s buttons on one row').toBe(1);
  // the name on one line (18 px type: one line is under 30 px), the DOB / sex / MRN line under it on one line
  await oneLine(h1, 30);
  const headerBox = (await header.boundingBox())!;
  expect(headerBox.height, 'title row: the name and the DOB line, no more').toBeLessThanOrEqual(56);
  // the long name is cut, and kept whole for the eye (tooltip) and for assistive technology (the heading's name)
  await expect(h1).toHaveAttribute('title', new RegExp(FAMILY));
  const cut = await h1.evaluate((e) => e.scrollWidth > e.clientWidth);
  expect(cut, 'the name is truncated with an ellipsis').toBe(true);
  // the age stays on the line of the date of birth
  const idline = page.locator('.pt-idline');
  await expect(idline).toContainText('02/29/1948');
  await oneLine(idline, 24);

  // the app header with the sync status: one line, 44 px
  const appHeader = page.locator('header.ad-header');
  await oneLine(appHeader, 44);
  for (const part of ['.ad-where', '[data-testid="sync-status"]', '[data-testid="current-user"]']) {
    const b = await appHeader.locator(part).boundingBox();
    expect(b, part).not.toBeNull();
    expect(b!.height, `${part} on one line`).toBeLessThanOrEqual(30);
    expect(b!.x + b!.width, `${part} inside the window`).toBeLessThanOrEqual(vw);
  }
  for (const name of [/^Lock/, /^Sign out/, /^Sync now/]) {
    const b = await appHeader.getByRole('button', { name }).boundingBox();
    expect(b!.x + b!.width, `${name} inside the window`).toBeLessThanOrEqual(vw);
  }
  await expectAccessible(page, 'patient record with a long name');
  await screenshot(page, 'patient-long-name-offline');

  // the keys still work: Esc goes back
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Find a patient', level: 1 })).toBeVisible();
});
