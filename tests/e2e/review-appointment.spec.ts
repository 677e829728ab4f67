/**
 * A refused appointment change reaches a person: with the hub down, desk A cancels an appointment while desk B checks
 * the same patient in. The hub keeps whichever reached it first and refuses the other, every board shows the note,
 * and the supervisor's review queue lists it; Keep (K) closes it at the hub and the note leaves the boards.
 */
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { RestartableHub } from '../support/hub.js';
import { checkInInput, patientFor, visitDirectory } from '../support/visits.js';
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

test('a cancel and a check-in made offline on two desks: the refused one is on both boards, in the review queue, closed by Keep', async () => {
  test.setTimeout(150_000);
  const dir = await visitDirectory(deskA);
  const p = await patientFor(deskA, { name: { given: 'Rosalind', family: 'Quenneville' } });
  // a quarter past the current hour keeps the appointment inside today's business date whatever the time
  const start = new Date();
  start.setUTCMinutes(15, 0, 0);
  const { appointment } = await deskA.call('visits.book', { patientId: p.id, departmentId: dir.department.id, providerId: dir.provider.id, typeId: dir.lab.id, start: start.toISOString() });
  await expect.poll(async () => (await deskB.app.dispatcher.call('e2e:driver', 'visits.get', { id: appointment.id })).ok, { timeout: 30_000 }).toBe(true);

  await hub.stop();
  await deskA.call('visits.cancel', { id: appointment.id, reason: { code: 'patient-request', note: '' } });
  await deskB.call('visits.checkIn', { id: appointment.id, checkIn: checkInInput() });
  await hub.restart();
  await expect.poll(async () => Number((await hub.db.query<{ n: unknown }>(`SELECT COUNT(*) n FROM visit_conflicts WHERE status = 'open'`)).rows[0]?.n), { timeout: 30_000 }).toBe(1);

  // Whichever desk reached the hub first wins (both push as soon as the hub is back); the other's change is refused.
  const hubState = JSON.parse((await hub.db.query<{ doc: string }>('SELECT doc FROM visit_appointments WHERE id = $1', [appointment.id])).rows[0]!.doc) as { status: string };
  const cancelWon = hubState.status === 'cancelled';
  const [winner, loser] = cancelWon ? ['cancelled', 'Front desk B'] : ['arrived', 'Front desk A'];
  const message = cancelWon
    ? /^Front desk B: check-in refused by the hub\. Cannot check in this appointment: it was cancelled/
    : /^Front desk A: cancellation refused by the hub\. Cannot cancel this appointment: it is checked in already/;
  // both boards converge on the hub's state and carry the refusal note
  for (const d of [deskA, deskB]) {
    await expect
      .poll(async () => {
        const a = (await d.call('visits.get', { id: appointment.id })).appointment;
        return [a.status, a.syncConflict?.deskLabel ?? null];
      }, { timeout: 30_000 })
      .toEqual([winner, loser]);
  }

  await deskA.addUser('supervisor', SUP.username);
  await openDesk(page, deskA);
  await signIn(page, SUP);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toContainText('Review queue');
  await page.keyboard.press('Alt+R');
  await expect(page.getByRole('heading', { name: 'Review queue', level: 1 })).toBeVisible();
  const detail = page.getByTestId('review-detail');
  await expect(detail.getByRole('heading', { name: 'Refused appointment change' })).toBeVisible();
  await expect(detail.getByTestId('review-appointment-message')).toHaveText(message);
  await expect(detail).toContainText(loser);
  await expect(detail).toContainText('Quenneville');
  await expect(page.getByRole('grid', { name: 'Open review items' })).toContainText('Refused appointment change');
  await expectAccessible(page, 'review queue: refused appointment change');
  await screenshot(page, 'review-appointment-conflict');

  await page.keyboard.press('k');
  await expect(page.getByRole('alertdialog', { name: 'Keep the appointment as the hub holds it' })).toBeVisible();
  await page.keyboard.type('Patient rebooked for tomorrow');
  await page.keyboard.press('Enter');
  await expect(page.getByText(/Closed: refused appointment change \(kept\)/)).toBeVisible();
  const res = await hub.db.query<{ resolution: string; user_name: string }>(`SELECT resolution, user_name FROM review_resolutions WHERE item_type = 'appointment-conflict'`);
  expect(res.rows).toEqual([{ resolution: 'kept', user_name: 'Sam Tester' }]);
  for (const d of [deskA, deskB]) {
    await expect.poll(async () => (await d.call('visits.get', { id: appointment.id })).appointment.syncConflict, { timeout: 30_000 }).toBeNull();
  }
});
