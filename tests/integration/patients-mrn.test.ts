import { afterEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { minimalPatient } from '../support/patients.js';
import {
  DEFAULT_LOCAL_BLOCK_SIZE,
  HUB_SPACE_START,
  LOCAL_SLOT_SIZE,
  MrnAllocator,
  formatMrn,
  isValidMrn,
  localBlockSource,
  luhnCheckDigit,
  setLocalSlot,
  storeGrantedBlock,
  type MrnBlockSource,
} from '../../electron/patients/mrn.js';
import { SYSTEM_ACTOR } from '../../electron/store/store.js';

let desk: TestDesk | null = null;
afterEach(() => {
  desk?.destroy();
  desk = null;
});

describe('MRN check digit', () => {
  it('is an 8-digit number whose last digit is the Luhn check digit (7992739871 -> 3)', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(formatMrn(1)).toBe('0000001' + String(luhnCheckDigit('0000001')));
    expect(isValidMrn(formatMrn(1234567))).toBe(true);
  });

  it('detects every single-digit error and every adjacent transposition except 0<->9', () => {
    for (const n of [1, 42, 1234567, 3999999, 4000000, 9876543, 5550101, 9090909]) {
      const mrn = formatMrn(n);
      expect(isValidMrn(mrn)).toBe(true);
      for (let i = 0; i < 8; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === mrn[i]) continue;
          expect(isValidMrn(mrn.slice(0, i) + d + mrn.slice(i + 1))).toBe(false);
        }
        const pair = mrn.slice(i, i + 2);
        if (i < 7 && mrn[i] !== mrn[i + 1] && pair !== '09' && pair !== '90') {
          expect(isValidMrn(mrn.slice(0, i) + mrn[i + 1] + mrn[i] + mrn.slice(i + 2))).toBe(false);
        }
      }
    }
  });

  it('accepts only exactly 8 digits', () => {
    const mrn = formatMrn(77);
    expect(isValidMrn(` ${mrn}`)).toBe(false);
    expect(isValidMrn(mrn.slice(1))).toBe(false);
    expect(isValidMrn(`${mrn}0`)).toBe(false);
    expect(isValidMrn('abcdefgh')).toBe(false);
    expect(isValidMrn('')).toBe(false);
  });
});

describe('MRN blocks', () => {
  it('5,000 registrations get 5,000 distinct valid MRNs, from consecutive local blocks that roll over', async () => {
    desk = new TestDesk();
    await desk.setup();
    const db = desk.app.store.db;
    const givens = ['Aaron', 'Beatrix', 'Cedric', 'Delphine', 'Emeric', 'Fiona', 'Gustavo', 'Hortense', 'Ignatius', 'Jolene'];
    const families = Array.from({ length: 500 }, (_, i) => `Family${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}q`);
    const mrns: string[] = [];
    const blocksSeen: number[][] = [];
    for (let i = 0; i < 5000; i++) {
      const day = new Date(Date.UTC(1930, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const { patient } = await desk.call('patients.register', { patient: minimalPatient(givens[i % 10]!, families[Math.floor(i / 10)]!, day) });
      mrns.push(patient.mrn);
      if (i % DEFAULT_LOCAL_BLOCK_SIZE === 0) {
        blocksSeen.push((db.prepare('SELECT block_start, block_end, source FROM mrn_blocks').all() as { block_start: number; block_end: number }[]).flatMap((b) => [b.block_start, b.block_end]));
      }
    }
    expect(new Set(mrns).size).toBe(5000);
    expect(mrns.every(isValidMrn)).toBe(true);
    expect(mrns.map((m) => Number(m.slice(0, 7)))).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    // one block at a time, each the next 1,000 numbers of the desk's local slot
    expect(blocksSeen).toEqual([
      [1, 1000],
      [1001, 2000],
      [2001, 3000],
      [3001, 4000],
      [4001, 5000],
    ]);
    expect(desk.count('mrn_blocks')).toBe(0); // the last block is used up
    expect(new Set((db.prepare('SELECT mrn FROM patients').all() as { mrn: string }[]).map((r) => r.mrn)).size).toBe(5000);
  }, 180_000); // 5,000 durable (synchronous=FULL) registrations: ~25 s on a quiet 2-core machine, more under load

  it('an allocation rolled back with its transaction gives the number back', () => {
    desk = new TestDesk();
    const store = desk.app.store;
    const alloc = new MrnAllocator(localBlockSource(3));
    const take = () => store.command(SYSTEM_ACTOR, (tx) => {
      const m = alloc.next(tx.db);
      tx.audit({ action: 'test.mrn', entityType: 'test', entityId: m });
      return m;
    });
    expect(take()).toBe(formatMrn(1));
    expect(() =>
      store.command(SYSTEM_ACTOR, (tx) => {
        alloc.next(tx.db);
        throw new Error('save failed');
      }),
    ).toThrow('save failed');
    expect(take()).toBe(formatMrn(2));
    expect(take()).toBe(formatMrn(3));
    expect(desk.count('mrn_blocks')).toBe(0);
    expect(take()).toBe(formatMrn(4)); // next block
    expect(store.db.prepare('SELECT block_start, block_end, next_value, source FROM mrn_blocks').all()).toEqual([{ block_start: 4, block_end: 6, next_value: 5, source: 'local' }]);
    expect(() => alloc.next(store.db)).toThrow(/inside the write transaction/);
  });

  it('desk slots keep standalone desks apart; a slot that is used up refuses with a clear error', () => {
    desk = new TestDesk();
    const store = desk.app.store;
    setLocalSlot(store.db, 3);
    const alloc = new MrnAllocator(localBlockSource(LOCAL_SLOT_SIZE / 2));
    const take = () => store.command(SYSTEM_ACTOR, (tx) => {
      const m = alloc.next(tx.db);
      tx.audit({ action: 'test.mrn', entityType: 'test', entityId: m });
      return m;
    });
    expect(take()).toBe(formatMrn(3 * LOCAL_SLOT_SIZE));
    expect(() => setLocalSlot(store.db, 4)).toThrow(/already handed out/);
    // jump to the last number of the block, and mark the rest of the slot as reserved
    store.db.prepare('UPDATE mrn_blocks SET next_value = block_end').run();
    store.db.prepare(`UPDATE meta SET value = ? WHERE key = 'mrn.local_next'`).run(String(4 * LOCAL_SLOT_SIZE));
    expect(take()).toBe(formatMrn(3 * LOCAL_SLOT_SIZE + LOCAL_SLOT_SIZE / 2 - 1));
    expect(take).toThrow(/used every medical record number/);
  });

  it('hub-granted blocks are consumed the same way; with none left the desk says to connect to the hub', () => {
    desk = new TestDesk();
    const store = desk.app.store;
    const hubSource: MrnBlockSource = { source: 'hub', reserve: () => null };
    const alloc = new MrnAllocator(hubSource);
    store.command(SYSTEM_ACTOR, (tx) => {
      storeGrantedBlock(tx.db, { start: HUB_SPACE_START + 500, end: HUB_SPACE_START + 501, source: 'hub' });
      tx.audit({ action: 'test.grant', entityType: 'test', entityId: 'b' });
    });
    expect(MrnAllocator.remaining(store.db)).toBe(2);
    expect(() => storeGrantedBlock(store.db, { start: HUB_SPACE_START + 501, end: HUB_SPACE_START + 600, source: 'hub' })).toThrow(/overlaps/);
    const take = () => store.command(SYSTEM_ACTOR, (tx) => {
      const m = alloc.next(tx.db);
      tx.audit({ action: 'test.mrn', entityType: 'test', entityId: m });
      return m;
    });
    expect(take()).toBe(formatMrn(HUB_SPACE_START + 500));
    expect(take()).toBe(formatMrn(HUB_SPACE_START + 501));
    expect(take).toThrow(/Connect to the clinic hub/);
  });
});
