/**
 * Today's board keeps the clerk's place, keyboard only (issue 12, items 3 and 15), against a real desk:
 *  - after a cancel (Alt+X) or a no-show (Alt+O) on a board sorted by status (the changed row moves to the end), the
 *    focus and the highlight are on that row, scrolled into view, inside the list and not under the action bar;
 *  - after booking from the board (Alt+V), the new appointment (far below the rows in view) is the focused,
 *    highlighted row, in view;
 *  - a time that has passed is not booked silently: "This time has passed: book anyway as a back-entry?", nothing
 *    stored until the clerk chooses "Book as back-entry"; "Change the time" returns to the time field, text kept;
 *  - a walk-in defaults to the department (and a provider of it) used for the last walk-in.
 * The browser's clock is set to noon of the site's day (page.clock), so "passed" and "to come" do not depend on when
 * the suite runs. axe and screenshots at 1366x768.
 */
import { test, expect, openSignedIn, expectAccessible, screenshot, tabTo } from './support/desk.js';
import { registerViaApi, choose } from './support/patients.js';
import { setupDirectory, bookAtMinute, siteMinuteInstant, storedAppointment, appointmentsOf, currentConsents, chicagoToday, type Directory } from './support/visits.js';
import type { Patient } from '../../shared/domain/patient.js';
import type { Page } from '@playwright/test';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const today = chicagoToday();
const FAMILIES = ['Abbott', 'Barlow', 'Carver', 'Dalton', 'Easton', 'Fairley', 'Garrick', 'Hadley', 'Irwin', 'Jarvis', 'Kendall', 'Langley', 'Marlow', 'Norcross', 'Oakley', 'Pryor', 'Quimby', 'Radley', 'Stanton', 'Thorne', 'Upton', 'Vance', 'Whitlock', 'Yardley'];
const GIVEN = ['Ada', 'Ben', 'Cleo', 'Dov', 'Ema', 'Finn', 'Gia', 'Hal', 'Ines', 'Jun'];
let dir: Directory;
const pts: Patient[] = [];
const appts: string[] = [];

const board = (page: Page) => page.getByRole('grid', { name: 'Appointments of the day' });

/** 24 appointments from 8:00 to 13:45 (every 15 minutes), made once per desk. */
async function arrange(desk: Parameters<typeof setupDirectory>[0]) {
  dir = await setupDirectory(desk);
  if (pts.length) return;
  for (const [i, family] of FAMILIES.entries()) {
    const given = GIVEN[i % GIVEN.length]!;
    const p = await registerViaApi(desk, { name: { given, family }, birthDate: `19${50 + i}-0${1 + (i % 9)}-1${i % 10}`, consents: currentConsents(today, `${given} ${family}`) });
    pts.push(p);
    appts.push((await bookAtMinute(desk, p, dir, dir.followUp, 8 * 60 + 15 * i)).id);
  }
}

/** The browser's "now": noon at the site today (the desk's own clock is left alone). */
async function atNoon(page: Page) {
  await page.clock.install({ time: new Date(siteMinuteInstant(12 * 60)) });
}

/**
 * The focused element is a board row showing `name`, highlighted, and fully visible: inside the list's view (below
 * its heading, above its bottom edge), above the action bar, and the topmost element at its centre.
 */
async function expectFocusedRowInView(page: Page, name: string) {
  await expect(page.locator('[role="row"]:focus')).toHaveCount(1);
  const focused = page.locator('[role="row"]:focus');
  await expect(focused).toContainText(name);
  await expect(focused).toHaveClass(/vb-hl/);
  // (polled: the list scrolls to the row on the frame after the focus moves)
  await expect
    .poll(() =>
      page.evaluate(() => {
        const row = document.activeElement as HTMLElement;
        const grid = row.closest('[role="grid"]') as HTMLElement | null;
        if (!grid) return ['the focus left the list'];
        const head = grid.querySelector('.react-aria-TableHeader');
        const bar = document.querySelector('[aria-label="Actions on the highlighted appointment"]') as HTMLElement;
        const r = row.getBoundingClientRect();
        const g = grid.getBoundingClientRect();
        const viewTop = (head ? head.getBoundingClientRect().bottom : g.top) - 0.5;
        const viewBottom = g.top + grid.clientTop + grid.clientHeight + 0.5;
        const hit = document.elementFromPoint(r.left + 60, r.top + r.height / 2);
        const bad: string[] = [];
        if (r.top < viewTop) bad.push(`top ${r.top} above the list heading (${viewTop})`);
        if (r.bottom > viewBottom) bad.push(`bottom ${r.bottom} below the list's view (${viewBottom})`);
        if (r.bottom > bar.getBoundingClientRect().top) bad.push(`bottom ${r.bottom} under the action bar (${bar.getBoundingClientRect().top})`);
        if (r.bottom > window.innerHeight) bad.push('outside the window');
        if (!hit || !row.contains(hit)) bad.push(`covered by ${hit?.tagName}.${hit?.className}`);
        return bad;
      }),
    )
    .toEqual([]);
}

test('cancel (Alt+X) and no-show (Alt+O) on a board sorted by status: the focus stays on that row, highlighted and in view', async ({ page, desk }) => {
  await arrange(desk);
  await atNoon(page);
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+B');
  await expect(page.getByTestId('board-summary')).toContainText('24 appointments');
  await expect(page.locator('[role="row"]:focus')).toHaveCount(1);
  await page.keyboard.press('Alt+G'); // sort: status (waiting first); cancelled and no-show rows go last
  await expect(page.getByRole('button', { name: /Sort \(Alt\+G\)$/ })).toContainText('Status');
  await page.keyboard.press('Home');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
  await expectFocusedRowInView(page, 'Fairley, Finn');

  await page.keyboard.press('Alt+X');
  const cx = page.getByRole('dialog', { name: /Cancel the 9:15 AM appointment of Fairley, Finn/ });
  await expect(cx).toBeVisible();
  await choose(page, 'Reason', 'Patient asked to cancel', cx);
  await page.keyboard.press('Control+Enter');
  await expect(cx).toHaveCount(0);
  await expect(page.getByTestId('board-message')).toContainText('Fairley, Finn (9:15 AM) cancelled');
  expect(storedAppointment(desk, appts[5]!).status).toBe('cancelled');
  // the row moved to the end of the list: the focus went with it, and the list scrolled to it
  await expect(board(page).getByRole('row', { name: /Fairley, Finn/ })).toContainText('Cancelled');
  await expectFocusedRowInView(page, 'Fairley, Finn');
  await expectAccessible(page, 'board after a cancel');
  await screenshot(page, 'board-after-cancel-focus');
  // the next key acts on the row the clerk sees: Alt+O on a cancelled row is refused by name
  await page.keyboard.press('Home');
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown');
  await expectFocusedRowInView(page, 'Carver, Cleo');

  await page.keyboard.press('Alt+O');
  const ns = page.getByRole('alertdialog', { name: 'Mark as no-show' });
  await expect(ns).toContainText('Carver, Cleo');
  await page.keyboard.press('Enter');
  await expect(ns).toHaveCount(0);
  expect(storedAppointment(desk, appts[2]!).status).toBe('no-show');
  await expect(board(page).getByRole('row', { name: /Carver, Cleo/ })).toContainText('No-show');
  await expectFocusedRowInView(page, 'Carver, Cleo');
  await screenshot(page, 'board-after-no-show-focus');
  // and Enter opens that row's visit, not another patient's
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Visit: Carver, Cleo' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expectFocusedRowInView(page, 'Carver, Cleo');
});

test('after booking from the board, the new appointment is the focused, highlighted row, scrolled into view', async ({ page, desk }) => {
  await arrange(desk);
  const newcomer = await registerViaApi(desk, { name: { given: 'Wren', family: 'Zabriskie' }, birthDate: '1991-07-04', consents: currentConsents(today, 'Wren Zabriskie') });
  await atNoon(page);
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+B');
  await expect(page.getByTestId('board-summary')).toContainText('appointments');
  await expect(page.locator('[role="row"]:focus')).toHaveCount(1);
  await page.keyboard.press('Home'); // the top row: the new one will be far below the rows in view
  await expectFocusedRowInView(page, 'Abbott, Ada');
  await page.keyboard.press('Alt+V');
  const book = page.getByRole('dialog', { name: 'Book an appointment' });
  await expect(book.getByRole('combobox', { name: /Patient/ })).toBeFocused();
  await page.keyboard.type('zabri');
  await expect(page.getByRole('option', { name: /^Zabriskie, Wren/ })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab'); // date: today
  await page.keyboard.press('Tab');
  await page.keyboard.type('4:45 PM');
  await page.keyboard.press('Control+Enter');
  await expect(book).toHaveCount(0);
  await expect(page.getByTestId('board-message')).toContainText('Booked:');
  const made = appointmentsOf(desk, newcomer.id);
  expect(made).toHaveLength(1);
  expect(made[0]!.start).toBe(siteMinuteInstant(16 * 60 + 45));
  await expectFocusedRowInView(page, 'Zabriskie, Wren');
  await screenshot(page, 'board-after-booking-focus');
});

test('a time that has passed is not booked silently: the clerk confirms a back-entry, or changes the time', async ({ page, desk }) => {
  await arrange(desk);
  const late = await registerViaApi(desk, { name: { given: 'Odile', family: 'Quennell' }, birthDate: '1979-10-02', consents: currentConsents(today, 'Odile Quennell') });
  await atNoon(page);
  await openSignedIn(page, desk);
  await page.keyboard.press('Alt+B');
  await expect(page.getByTestId('board-summary')).toContainText('appointments');
  await page.keyboard.press('Alt+V');
  const book = page.getByRole('dialog', { name: 'Book an appointment' });
  await expect(book.getByRole('combobox', { name: /Patient/ })).toBeFocused();
  await page.keyboard.type('quenn');
  await expect(page.getByRole('option', { name: /^Quennell, Odile/ })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab'); // date: today
  await page.keyboard.press('Tab');
  await page.keyboard.type('9:05 AM'); // noon now: this has passed
  await page.keyboard.press('Enter');
  const ask = page.getByRole('alertdialog', { name: 'This time has passed' });
  await expect(ask).toContainText('9:05 AM has passed: book anyway as a back-entry?');
  await expect(ask.getByRole('button', { name: /Change the time/ })).toBeFocused();
  expect(appointmentsOf(desk, late.id)).toHaveLength(0);
  await expectAccessible(page, 'past time question');
  await screenshot(page, 'book-past-time-question');
  // Enter on the focused default changes the time: back in the field, the typed text kept and selected
  await page.keyboard.press('Enter');
  await expect(ask).toHaveCount(0);
  const time = book.getByRole('textbox', { name: /^Time/ });
  await expect(time).toBeFocused();
  await expect(time).toHaveValue('9:05 AM');
  expect(appointmentsOf(desk, late.id)).toHaveLength(0);
  // Ctrl+Enter asks again; Esc is "change the time" too
  await page.keyboard.press('Control+Enter');
  await expect(ask).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(book).toBeVisible();
  expect(appointmentsOf(desk, late.id)).toHaveLength(0);
  // the explicit choice books it
  await page.keyboard.press('Enter');
  await expect(ask).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(ask.getByRole('button', { name: 'Book as back-entry' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(book).toHaveCount(0);
  await expect(page.getByTestId('board-message')).toContainText('Booked:');
  const made = appointmentsOf(desk, late.id);
  expect(made).toHaveLength(1);
  expect(made[0]).toMatchObject({ status: 'scheduled', start: siteMinuteInstant(9 * 60 + 5) });
  await expectFocusedRowInView(page, 'Quennell, Odile');
});

test('a walk-in defaults to the department used for the last walk-in, with a provider of that department', async ({ page, desk }) => {
  await arrange(desk);
  const have = await desk.call('visits.directory', {});
  const ped = have.departments.find((d) => d.code === 'PED') ?? (await desk.call('visits.saveDepartment', { department: { name: 'Pediatrics', code: 'PED', active: true } })).department;
  if (!have.providers.some((p) => p.code === 'SHAH')) await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Priya Shah', code: 'SHAH', npi: '', departmentIds: [ped.id], active: true } });
  const [w1, w2, w3] = [pts[20]!, pts[21]!, pts[22]!];
  await openSignedIn(page, desk);

  const walkIn = async (p: Patient) => {
    await page.keyboard.press('Alt+S');
    await page.keyboard.type(`${p.name.family}, ${p.name.given}`);
    await expect(page.getByRole('option', { name: new RegExp(`^${p.name.family}, ${p.name.given}`) })).toBeVisible();
    await page.keyboard.press('Enter'); // the record (the search's list stays out of the way of the dialog's lists)
    await expect(page.getByRole('heading', { name: `${p.name.family}, ${p.name.given}`, level: 1 })).toBeVisible();
    await page.keyboard.press('Alt+W');
    const dlg = page.getByRole('dialog', { name: new RegExp(`^Walk-in: ${p.name.family}, ${p.name.given}`) });
    await expect(dlg.getByRole('button', { name: /Create walk-in/ })).toBeFocused();
    return dlg;
  };
  const createAndClose = async (p: Patient) => {
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: new RegExp(`Walk-in check-in: ${p.name.family}`) })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  };

  // 1st walk-in: the defaults (Family Medicine)
  let dlg = await walkIn(w1);
  await expect(dlg.getByRole('button', { name: /Department$/ })).toContainText('Family Medicine');
  await createAndClose(w1);
  expect(appointmentsOf(desk, w1.id).find((a) => a.walkIn)).toMatchObject({ departmentId: dir.dep.id });

  // 2nd walk-in: Pediatrics chosen; the provider follows the department
  dlg = await walkIn(w2);
  await tabTo(page, /Department$/);
  await choose(page, 'Department', 'Pediatrics', dlg);
  await expect(dlg.getByRole('button', { name: /Provider$/ })).toContainText('Dr. Priya Shah');
  await tabTo(page, /Create walk-in/);
  await createAndClose(w2);
  const second = appointmentsOf(desk, w2.id).find((a) => a.walkIn)!;
  expect(second.departmentId).toBe(ped.id);

  // 3rd walk-in: Pediatrics and its provider, the ones just used
  dlg = await walkIn(w3);
  await expect(dlg.getByRole('button', { name: /Department$/ })).toContainText('Pediatrics');
  await expect(dlg.getByRole('button', { name: /Provider$/ })).toContainText('Dr. Priya Shah');
  await screenshot(page, 'walk-in-last-department');
  await createAndClose(w3);
  expect(appointmentsOf(desk, w3.id).find((a) => a.walkIn)).toMatchObject({ departmentId: ped.id, providerId: second.providerId });
});
