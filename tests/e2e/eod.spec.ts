/**
 * End of day across two desks: one real hub (PGlite, HTTPS) and two desks (two web hosts, each with its own SQLite
 * file and its real sync worker), driven in Chromium by the keyboard.
 *
 *  1. Both desks take payments (arranged through each desk's API) and sync. The hub stops. Desk B takes one more
 *     payment and its clerk closes the drawer by keyboard: the close says "Closed offline".
 *  2. The supervisor on desk A opens End of day (Alt+J): the honesty section comes first and names desk B (its
 *     session is still open here, what may be missing); B's offline payment is not in the totals.
 *  3. The hub restarts; B's changes arrive at A. Refresh (R): B's session is "closed offline", B's offline payment is
 *     in the totals, the per-desk figures equal each desk's own sessions, nothing is named missing for B.
 *  4. CSV export (C) downloads the report; PDF (P) opens the print preview of the report.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import fs from 'node:fs';
import { RestartableHub, createCode } from '../support/hub.js';
import { ADMIN, type E2EDesk, expectAccessible, openDesk, screenshot, signIn } from './support/desk.js';
import { registerViaApi } from './support/patients.js';
import { countByKeyboard, startSyncDesk, stopSyncDesk } from './support/payments.js';
import type { EodReport } from '../../shared/drawer/eod-schema.js';
import { formatUsDate } from '../../shared/dates.js';

test.describe.configure({ mode: 'serial' });

let hub: RestartableHub;
let A: E2EDesk;
let B: E2EDesk;
let ctxA: BrowserContext;
let ctxB: BrowserContext;
let pageA: Page;
let pageB: Page;
let day = '';
let sessionB = '';

async function poll(what: string, fn: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const eodOn = (d: E2EDesk): Promise<EodReport> => d.call('eod.report', { businessDate: day });
const deskNet = (r: EodReport, label: string) => r.byDesk.find((x) => x.deskLabel === label)?.netCents ?? 0;

async function expectSyncState(page: Page, state: 'Online' | 'Offline', timeout = 30_000): Promise<void> {
  await expect(page.getByTestId('sync-state')).toHaveText(new RegExp(`${state}$`), { timeout });
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  hub = await RestartableHub.start();
  A = await startSyncDesk('Front desk A');
  B = await startSyncDesk('Front desk B');
  for (const d of [A, B]) await d.call('sync.enroll', { hubUrl: hub.url, code: await createCode(hub.current), fingerprint: hub.current.fingerprint });
  const opts = { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'America/Chicago' };
  ctxA = await browser.newContext(opts);
  ctxB = await browser.newContext(opts);
  pageA = await ctxA.newPage();
  pageB = await ctxB.newPage();
});

test.afterAll(async () => {
  await ctxA?.close();
  await ctxB?.close();
  await stopSyncDesk(A);
  await stopSyncDesk(B);
  await hub?.destroy();
});

test('desk B closes its drawer by keyboard while the hub is down: "Closed offline"', async () => {
  test.setTimeout(150_000);
  const pa = await registerViaApi(A, { name: { given: 'Ana', family: 'Alvarez' }, birthDate: '1970-01-02' });
  const pb = await registerViaApi(B, { name: { given: 'Ben', family: 'Baker' }, birthDate: '1980-03-04' });
  const { session: sa } = await A.call('drawer.open', { float: { b20: 5 } });
  const { session: sb } = await B.call('drawer.open', { float: { b20: 2 } });
  day = sa.businessDate;
  sessionB = sb.id;
  await A.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 3000, patientId: pa.id });
  await A.call('payments.record', { type: 'prior_balance', method: 'card', amountCents: 7000, patientId: pa.id, card: { terminalRef: 'T-1', brand: 'mastercard', lastFour: '4444', authCode: 'OK1234' } });
  await B.call('payments.record', { type: 'copay', method: 'cash', amountCents: 4000, tenderedCents: 5000, patientId: pb.id });
  await B.call('payments.record', { type: 'deposit', method: 'check', amountCents: 10000, patientId: pb.id, check: { number: '881', bank: 'First Bank' } });
  // A knows B's session and both payments before the outage
  await poll('B’s payments at A', async () => deskNet(await eodOn(A), 'Front desk B') === 14000);

  await openDesk(pageB, B);
  await signIn(pageB);
  await expect(pageB.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await expectSyncState(pageB, 'Online');

  await hub.stop();
  await expectSyncState(pageB, 'Offline');
  // taken while offline: A cannot know it yet
  await B.call('payments.record', { type: 'prepayment', method: 'card', amountCents: 3000, patientId: pb.id, card: { terminalRef: 'T-9', brand: 'visa', lastFour: '4242', authCode: 'ZX9' } });

  await pageB.keyboard.press('Alt+D');
  await expect(pageB.getByRole('heading', { name: 'Drawer — open', level: 1 })).toBeVisible();
  await pageB.keyboard.press('c');
  await expect(pageB.getByRole('heading', { name: 'Close the drawer — blind count', level: 1 })).toBeVisible();
  // expected cash = 40 + 50 - 10 = 80.00: four $20 bills; checks 100.00; card batch 30.00
  await countByKeyboard(pageB, { $20: 4 });
  await pageB.keyboard.press('Tab');
  await pageB.keyboard.type('100.00');
  await pageB.keyboard.press('Tab');
  await pageB.keyboard.type('30.00');
  await pageB.keyboard.press('Enter');
  await expect(pageB.getByRole('heading', { name: 'Drawer closed — expected vs counted', level: 1 })).toBeVisible();
  await expect(pageB.getByText('Closed offline.')).toBeVisible();
  await expect(pageB.getByTestId('close-result').getByRole('row', { name: /^Cash/ })).toContainText('$80.00');
  await expectAccessible(pageB, 'closed offline');
  await screenshot(pageB, 'drawer-closed-offline');
  const row = B.app.store.db.prepare('SELECT status, close_doc FROM drawer_sessions WHERE id = ?').get(sessionB) as { status: string; close_doc: string };
  expect(row.status).toBe('closed');
  expect((JSON.parse(row.close_doc) as { closedOffline: boolean }).closedOffline).toBe(true);
});

test('EOD on desk A names desk B as not synced (open session, what may be missing), then includes it after the sync', async () => {
  test.setTimeout(150_000);
  await openDesk(pageA, A);
  await signIn(pageA, ADMIN);
  await expect(pageA.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await pageA.keyboard.press('Alt+J');
  await expect(pageA.getByRole('heading', { name: 'End of day', level: 1 })).toBeVisible();
  const honesty = pageA.getByTestId('eod-completeness');
  await expect(honesty.getByRole('heading', { name: 'This report may be incomplete' })).toBeVisible();
  await expect(honesty).toContainText('Front desk B: 1 drawer session(s)');
  const bRow = pageA.getByTestId('eod-desks').getByRole('row', { name: /^Front desk B/ });
  await expect(bRow).toContainText('1 not closed here');
  // by desk: B's offline card payment ($30.00) is not known here yet
  const byDesk = pageA.getByTestId('eod-by-desk');
  await expect(byDesk.getByRole('row', { name: /^Front desk B/ })).toContainText('$140.00');
  await expect(pageA.getByTestId('eod-sessions').getByRole('row', { name: /^Front desk B/ })).toContainText('open');
  // the honesty section is the first thing after the date
  const firstSection = pageA.locator('.eod-body > section').first();
  await expect(firstSection).toHaveAttribute('data-testid', 'eod-completeness');
  await expectAccessible(pageA, 'EOD with a desk not synced');
  await screenshot(pageA, 'eod-desk-not-synced');

  // the hub comes back: B pushes its offline payment and close; A pulls them
  await hub.restart();
  await poll('B’s offline close at A', async () => {
    const r = await eodOn(A);
    return r.sessions.some((s) => s.session.id === sessionB && s.session.status === 'closed') && deskNet(r, 'Front desk B') === 17000;
  });
  await pageA.keyboard.press('r');
  await expect(bRow).toContainText('0');
  await expect(bRow).not.toContainText('not closed');
  await expect(byDesk.getByRole('row', { name: /^Front desk B/ })).toContainText('$170.00');
  await expect(pageA.getByTestId('eod-sessions').getByRole('row', { name: /^Front desk B/ })).toContainText('closed offline');
  // the totals equal the sum of each desk's own report of its sessions
  const [ra, rb] = [await eodOn(A), await eodOn(B)];
  expect(ra.totals.netCents).toBe(2500 + 7000 + 4000 + 10000 + 3000);
  expect(deskNet(ra, 'Front desk B')).toBe(deskNet(rb, 'Front desk B'));
  await expect(pageA.getByTestId('eod-totals')).toContainText('$265.00');
  // deposit slip: B's check is listed
  await expect(pageA.getByText('#881')).toBeVisible();
  await expectAccessible(pageA, 'EOD after the sync');
  await screenshot(pageA, 'eod-after-sync');
  // below the fold: charts (an SVG with a label, and the same numbers as a table), deposit slip, variances, sessions
  await expect(pageA.getByRole('img', { name: /^Collections by hour/ })).toBeVisible();
  await pageA.getByRole('heading', { name: 'Collections by hour' }).scrollIntoViewIfNeeded();
  await screenshot(pageA, 'eod-after-sync-charts');
  await pageA.getByRole('heading', { name: 'Drawer sessions' }).scrollIntoViewIfNeeded();
  await screenshot(pageA, 'eod-after-sync-sessions');
});

test('export: C downloads the CSV, P opens the PDF preview of the report', async () => {
  const [download] = await Promise.all([pageA.waitForEvent('download'), pageA.keyboard.press('c')]);
  expect(download.suggestedFilename()).toBe(`eod-${day}.csv`);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain('Front desk B');
  expect(csv).toContain('265.00');
  await pageA.keyboard.press('p');
  const preview = pageA.getByRole('dialog', { name: `End of day ${formatUsDate(day)}` }); // dates read MM/DD/YYYY as everywhere in the app
  await expect(preview).toBeVisible();
  await expect(preview.locator('[data-rendered]')).toHaveAttribute('data-rendered', /^[1-9]/, { timeout: 30_000 });
  await screenshot(pageA, 'eod-pdf-preview');
  await pageA.keyboard.press('Escape');
  await expect(preview).toHaveCount(0);
});
