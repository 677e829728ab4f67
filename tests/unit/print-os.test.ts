/**
 * The Electron side of printing, with a fake WebContents (Electron's binary cannot run here): only the window whose
 * IPC session asked is printed, at the exact media size in microns with no margins; outcomes map from Electron's
 * callback; and 'print.osPrint' uses the registered printer (else answers "browser").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ptToMicrons, setOsPrinter, windowPrinter, type PrintableContents } from '../../electron/print/os-print.js';
import { ipcSessionKey } from '../../electron/ipc/main-handler.js';
import { TestDesk } from '../support/desk.js';

function fakeContents(id: number, answer: [boolean, string]) {
  const calls: unknown[] = [];
  const wc: PrintableContents = {
    id,
    isDestroyed: () => false,
    print: (opts, cb) => {
      calls.push(opts);
      cb(...answer);
    },
  };
  return { wc, calls };
}

afterEach(() => setOsPrinter(null));

describe('OS printing (Electron)', () => {
  it('prints the asking window at the media size, no margins; maps the outcome', async () => {
    const { wc, calls } = fakeContents(7, [true, '']);
    const printer = windowPrinter(() => wc, ipcSessionKey);
    await expect(printer('ipc:7', { widthPt: 162, heightPt: 90, landscape: false })!).resolves.toBe('printed');
    expect(calls).toEqual([{ silent: false, printBackground: true, margins: { marginType: 'none' }, pageSize: { width: 57150, height: 31750 }, landscape: false }]);
    expect(ptToMicrons(72)).toBe(25400);
    expect(printer('ipc:8', { widthPt: 162, heightPt: 90, landscape: false })).toBeNull(); // another window/session
    expect(printer('web:abc', { widthPt: 162, heightPt: 90, landscape: false })).toBeNull();
    await expect(windowPrinter(() => fakeContents(7, [false, 'cancelled']).wc, ipcSessionKey)('ipc:7', { widthPt: 72, heightPt: 792, landscape: false })!).resolves.toBe('cancelled');
    await expect(windowPrinter(() => fakeContents(7, [false, 'Printer offline']).wc, ipcSessionKey)('ipc:7', { widthPt: 72, heightPt: 792, landscape: false })!).resolves.toBe('failed');
    expect(windowPrinter(() => null, ipcSessionKey)('ipc:7', { widthPt: 72, heightPt: 792, landscape: false })).toBeNull();
  });

  it("'print.osPrint' goes through the registered printer for its own session", async () => {
    const desk = new TestDesk();
    try {
      await desk.setup('ipc:7');
      const { wc, calls } = fakeContents(7, [true, '']);
      setOsPrinter(windowPrinter(() => wc, ipcSessionKey));
      expect(await desk.call('print.osPrint', { widthPt: 72, heightPt: 792, landscape: false }, 'ipc:7')).toEqual({ outcome: 'printed' });
      expect(calls).toHaveLength(1);
    } finally {
      desk.destroy();
    }
  });
});
