/**
 * Merges made offline on two desks converge and reach a person: with the hub down, desk A merges X into Y while desk
 * B merges X into Z. The hub keeps whichever reached it first, refuses the other, sends its links to every desk (both
 * desks end with the hub's merged_into) and the supervisor's review queue shows the refused merge with what the hub
 * holds now; Keep (K) closes it at the hub.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { RestartableHub } from '../support/hub.js';
import { minimalPatient } from '../support/patients.js';
import { type E2EDesk, expectAccessible, openDesk, screenshot, signIn } from './support/desk.js';
import { newDeskPage, startSyncDesk, stopSyncDesk } from './support/sync.js';

const SUP = { username: 'sam', password: 'a long enough password' };

let hub: RestartableHub;
let deskA: E2EDesk;
let deskB: E2EDesk;
let ctx: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  hub = await RestartableHub.start();
  deskA = await startSyncDesk('Front desk A', { hub: hub.current });
  deskB = await startSyncDesk('Front desk B', { hub: hub.current });
  [ctx, page] = await newDeskPage(browser);
});

test.afterAll(async () => {
  await ctx?.close();
  for (const d of [deskA, deskB]) await stopSyncDesk(d);
  await hub?.destroy();
});

const linkOf = async (d: E2EDesk, id: string) => (await d.call('patients.get', { id })).patient.mergedInto;

test('X merged into Y on desk A and into Z on desk B while offline: both desks end with the hub links; the review queue shows the refused merge; Keep closes it', async () => {
  test.setTimeout(150_000);
  const x = (await deskA.call('patients.register', { patient: minimalPatient('Evangeline', 'Marchbanks', '1971-03-14', 'female') })).patient;
  const y = (await deskA.call('patients.register', { patient: minimalPatient('Evie', 'Thornbury', '1972-07-21', 'female') })).patient;
  const z = (await deskA.call('patients.register', { patient: minimalPatient('Eve', 'Castellanos', '1969-11-02', 'female') })).patient;
  await expect.poll(async () => (await deskB.app.dispatcher.call('e2e:driver', 'patients.get', { id: z.id })).ok, { timeout: 30_000 }).toBe(true);

  await hub.stop();
  await deskA.call('patients.merge', { mergedId: x.id, survivorId: y.id, reason: 'Same person (desk A)' });
  await deskB.call('patients.merge', { mergedId: x.id, survivorId: z.id, reason: 'Same person (desk B)' });
  await hub.restart();
  await expect.poll(async () => Number((await hub.db.query<{ n: unknown }>(`SELECT COUNT(*) n FROM merge_conflicts WHERE status = 'open'`)).rows[0]?.n), { timeout: 30_000 }).toBe(1);

  // whichever desk reached the hub first wins; both desks converge on the hub's link
  const hubLink = (await hub.db.query<{ merged_into: string }>('SELECT merged_into FROM patients WHERE id = $1', [x.id])).rows[0]!.merged_into;
  expect([y.id, z.id]).toContain(hubLink);
  const loser = hubLink === y.id ? 'Front desk B' : 'Front desk A';
  for (const d of [deskA, deskB]) await expect.poll(() => linkOf(d, x.id), { timeout: 30_000 }).toBe(hubLink);
  for (const d of [deskA, deskB]) {
    expect(await linkOf(d, y.id)).toBeNull();
    expect(await linkOf(d, z.id)).toBeNull();
  }

  await deskA.addUser('supervisor', SUP.username);
  await openDesk(page, deskA);
  await signIn(page, SUP);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toContainText('Review queue (1)');
  await page.keyboard.press('Alt+R');
  await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();
  const detail = page.getByTestId('review-detail');
  await expect(detail.getByRole('heading', { name: 'Refused merge' })).toBeVisible();
  await expect(detail.getByTestId('review-merge-message')).toContainText(`${loser}`);
  await expect(detail.getByTestId('review-merge-message')).toContainText('made a merge while it could not see the hub');
  await expect(detail).toContainText('At the hub this record is already merged into another record');
  const table = detail.getByRole('table', { name: 'Links at the hub now' });
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table).toContainText(`Merged into MRN ${hubLink === y.id ? y.mrn : z.mrn}`);
  await expect(page.getByRole('grid', { name: 'Open review items' })).toContainText('Refused merge');
  await expectAccessible(page, 'review queue: refused merge');
  await screenshot(page, 'review-merge-conflict');

  await page.keyboard.press('k');
  await expect(page.getByRole('alertdialog', { name: 'Keep the links as the hub holds them' })).toBeVisible();
  await page.keyboard.type('Checked: the hub merge is right');
  await page.keyboard.press('Enter');
  await expect(page.getByText(/Closed: refused merge \(kept\)/)).toBeVisible();
  const res = await hub.db.query<{ resolution: string; user_name: string }>(`SELECT resolution, user_name FROM review_resolutions WHERE item_type = 'merge-conflict'`);
  expect(res.rows).toEqual([{ resolution: 'kept', user_name: 'Sam Tester' }]);
});
