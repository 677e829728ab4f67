/**
 * Printing from the patient record, keyboard only, against the real desk: L opens the label preview (the PDF drawn by
 * pdf.js), Enter prints (the print-only view holds one 2.25" x 1.25" page image with an @page rule of exactly that
 * size, and the browser's print is called), the print is audited, Esc closes; B opens the wristband preview,
 * Ctrl+S saves the PDF (a real download of the same bytes). axe on both previews; screenshots for a look.
 */
import { test, expect, openSignedIn, expectAccessible, screenshot } from './support/desk.js';
import { hitOption, registerViaApi, search } from './support/patients.js';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test('patient record: L = label preview, Enter prints at media size, Esc closes; B = wristband, Ctrl+S saves the PDF', async ({ page, desk }) => {
  await openSignedIn(page, desk);
  const p = await registerViaApi(desk, { name: { given: 'Mariana', family: 'Whitfield-Gonzalez' }, birthDate: '1979-11-05' });
  // the browser's print dialog cannot be driven headless: record what would be printed when print() is called
  await page.evaluate(() => {
    const w = window as unknown as { print: () => void; __printed: unknown[] };
    w.__printed = [];
    w.print = () => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('#ad-print-root img')];
      w.__printed.push({
        images: imgs.length,
        widthPt: imgs[0]?.dataset.widthPt,
        heightPt: imgs[0]?.dataset.heightPt,
        natural: imgs[0] ? [imgs[0].naturalWidth, imgs[0].naturalHeight] : null,
        pageRule: document.getElementById('ad-print-style')?.textContent?.match(/@page \{[^}]*\}/)?.[0] ?? null,
      });
    };
  });

  await search(page, 'whitfield');
  await expect(hitOption(page, 'Whitfield-Gonzalez')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: /Whitfield-Gonzalez/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Print label/ }).locator('kbd')).toHaveText('L'); // the key is shown on the button

  // ---- L: label preview ---------------------------------------------------------------------------------------
  const auditsBefore = desk.count('audit_log', "action = 'patient.printed' AND entity_id = ?", p.id);
  await page.keyboard.press('l');
  const dialog = page.getByRole('dialog', { name: 'Patient label' });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('.pr-pages')).toHaveAttribute('data-rendered', '1');
  await expect(dialog.getByRole('img', { name: 'Page 1 of 1' })).toBeVisible();
  await expect(dialog.getByRole('status')).toHaveText(/2\.25" × 1\.25" · 1 page/);
  await expect(dialog.getByRole('button', { name: /^Print/ })).toBeFocused();
  expect(desk.count('audit_log', "action = 'patient.printed' AND entity_id = ?", p.id)).toBe(auditsBefore + 1);
  // the canvas really has the label drawn on it (not blank): some dark pixels
  const dark = await dialog.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! < 100) n++;
    return n / (d.length / 4);
  });
  expect(dark).toBeGreaterThan(0.05);
  await expectAccessible(page, 'label print preview');
  await screenshot(page, 'print-preview-label');

  await page.keyboard.press('Enter');
  await expect(dialog.getByText('Print dialog closed.')).toBeVisible();
  const printed = await page.evaluate(() => (window as unknown as { __printed: unknown[] }).__printed);
  expect(printed).toEqual([{ images: 1, widthPt: '162', heightPt: '90', natural: [675, 375], pageRule: '@page { size: 162pt 90pt; margin: 0; }' }]);
  await expect(page.locator('#ad-print-root')).toHaveCount(0); // print view removed afterwards

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: /Whitfield-Gonzalez/ })).toBeVisible();

  // ---- B: wristband, Ctrl+S saves -----------------------------------------------------------------------------
  await page.keyboard.press('b');
  const band = page.getByRole('dialog', { name: 'Wristband' });
  await expect(band.locator('.pr-pages')).toHaveAttribute('data-rendered', '1');
  await expect(band.getByRole('status')).toHaveText(/1" × 11" · 1 page/);
  await expectAccessible(page, 'wristband print preview');
  await screenshot(page, 'print-preview-wristband');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
  expect(download.suggestedFilename()).toBe('wristband.pdf');
  const bytes = await (await download.createReadStream()).toArray();
  expect(Buffer.concat(bytes).subarray(0, 5).toString()).toBe('%PDF-');
  await expect(band.getByText('Saved as wristband.pdf')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(band).toHaveCount(0);
  expect(desk.count('audit_log', "action = 'patient.printed' AND entity_id = ?", p.id)).toBe(auditsBefore + 2);
});
