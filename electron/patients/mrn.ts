/**
 * Medical record numbers (MRNs): unique across every desk of a clinic, even while desks are offline.
 *
 * FORMAT (shared/patients/mrn-format.ts, shared with the search parser and the renderer): 8 digits = a 7-digit
 * serial (zero-padded) followed by one Luhn (mod 10) check digit, so a mistyped MRN is detected (every single-digit
 * typo, and every swap of two adjacent digits except 0<->9). `isValidMrn` is re-exported here for convenience.
 *
 * NUMBER SPACE (7-digit numbers, 0 .. 9,999,999), split so two sources can never hand out the same number:
 *   0,000,000 .. 3,999,999   LOCAL space: 10 desk slots of 400,000 numbers each. A standalone desk (no hub yet)
 *                            reserves blocks from its own slot (meta key `mrn.local_slot`, default 0; a clinic
 *                            running several standalone desks before it has a hub gives each desk its own slot).
 *                            Slot 0 skips the number 0.
 *   4,000,000 .. 9,999,999   HUB space: the sync hub (later issue) grants blocks from one clinic-wide counter, so
 *                            hub blocks are unique by construction and never overlap any desk's local slot.
 *
 * BLOCKS. The desk never asks anyone for a single number: it hands out numbers from blocks it holds in `mrn_blocks`
 * (block_start, block_end, next_value = the next number to hand out, source 'local' | 'hub'). Allocation runs inside
 * the caller's write transaction (the register command), so a number is consumed iff the patient row commits; a
 * rolled-back registration gives its number back. When the last number of a block is handed out the block row is
 * deleted (the table's CHECK keeps next_value inside the block, so an exhausted block cannot be kept) and the next
 * block is used; if the desk holds none, it asks its `MrnBlockSource` for one:
 *   - `localBlockSource` reserves the next block of the desk's local slot; its high-water mark is kept in meta
 *     (`mrn.local_next`) so numbers are never reused even after their block row is gone.
 *   - a hub source (to be written with sync) will return null here (no network inside a transaction): the sync
 *     worker keeps a few granted blocks stored ahead of time with `storeGrantedBlock(db, { start, end, source: 'hub' })`, and
 *     the allocator just consumes them. Swapping the source is a one-line change of `MrnAllocator`'s constructor
 *     argument; the consumer side does not change.
 */
import type Database from 'better-sqlite3';
import { getMeta, setMeta } from '../store/db.js';
import { ApiError } from '../../shared/api/errors.js';
import { formatMrn, isValidMrn, luhnCheckDigit, MRN_MAX_SERIAL } from '../../shared/patients/mrn-format.js';

export const LOCAL_SLOT_SIZE = 400_000;
export const LOCAL_SLOTS = 10;
export const HUB_SPACE_START = LOCAL_SLOT_SIZE * LOCAL_SLOTS; // 4,000,000
export const DEFAULT_LOCAL_BLOCK_SIZE = 1000;

export { isValidMrn, formatMrn, luhnCheckDigit };

// ---- blocks -------------------------------------------------------------------------------------------------------

export type MrnSource = 'local' | 'hub';

export interface MrnBlock {
  start: number;
  end: number;
  source: MrnSource;
}

/** Where new blocks come from when the desk holds none. Called inside the allocating transaction. */
export interface MrnBlockSource {
  readonly source: MrnSource;
  /** A new block (not yet stored), or null when none can be had right now. */
  reserve(db: Database.Database): MrnBlock | null;
}

const SLOT_KEY = 'mrn.local_slot';
const LOCAL_NEXT_KEY = 'mrn.local_next';

export function localSlot(db: Database.Database): number {
  const v = Number(getMeta(db, SLOT_KEY) ?? '0');
  return Number.isInteger(v) && v >= 0 && v < LOCAL_SLOTS ? v : 0;
}

/** Sets this desk's local slot (before it has handed out any local number). */
export function setLocalSlot(db: Database.Database, slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= LOCAL_SLOTS) throw new Error(`MRN slot must be 0..${LOCAL_SLOTS - 1}`);
  if (getMeta(db, LOCAL_NEXT_KEY) !== undefined) throw new Error('This desk has already handed out MRNs from its slot');
  setMeta(db, SLOT_KEY, String(slot));
}

/** Blocks reserved by the desk itself from its local slot. */
export function localBlockSource(blockSize = DEFAULT_LOCAL_BLOCK_SIZE): MrnBlockSource {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new Error('blockSize must be a positive integer');
  return {
    source: 'local',
    reserve(db) {
      const slot = localSlot(db);
      const slotStart = slot * LOCAL_SLOT_SIZE;
      const slotEnd = slotStart + LOCAL_SLOT_SIZE - 1;
      const next = Number(getMeta(db, LOCAL_NEXT_KEY) ?? String(Math.max(1, slotStart)));
      if (next > slotEnd) return null;
      const end = Math.min(slotEnd, next + blockSize - 1);
      setMeta(db, LOCAL_NEXT_KEY, String(end + 1));
      return { start: next, end, source: 'local' };
    },
  };
}

/** Stores a block granted from elsewhere (the hub). Refuses a block that overlaps one the desk holds. */
export function storeGrantedBlock(db: Database.Database, block: MrnBlock): void {
  if (block.start > block.end || block.start < 1 || block.end > MRN_MAX_SERIAL) throw new Error('Invalid MRN block');
  const overlap = db.prepare('SELECT 1 FROM mrn_blocks WHERE block_start <= ? AND block_end >= ?').get(block.end, block.start);
  if (overlap) throw new Error('MRN block overlaps a block this desk holds');
  db.prepare('INSERT INTO mrn_blocks (block_start, block_end, next_value, source) VALUES (?, ?, ?, ?)').run(block.start, block.end, block.start, block.source);
}

interface BlockRow {
  block_start: number;
  block_end: number;
  next_value: number;
  source: string;
}

/**
 * Hands out MRNs from the blocks the desk holds, asking `source` for a new block when they run out.
 * `next(db)` must be called inside a write transaction (e.g. a Store.command).
 */
export class MrnAllocator {
  constructor(private readonly blocks: MrnBlockSource = localBlockSource()) {}

  next(db: Database.Database): string {
    if (!db.inTransaction) throw new Error('MRN allocation must run inside the write transaction');
    let row = db.prepare<[], BlockRow>('SELECT * FROM mrn_blocks ORDER BY block_start LIMIT 1').get();
    if (!row) {
      const b = this.blocks.reserve(db);
      if (!b) {
        throw new ApiError(
          'STORE_UNAVAILABLE',
          this.blocks.source === 'hub'
            ? 'This desk has no medical record numbers left to hand out. Connect to the clinic hub so it can grant a new block. Nothing was saved.'
            : 'This desk has used every medical record number of its series. Contact support. Nothing was saved.',
        );
      }
      storeGrantedBlock(db, b);
      row = { block_start: b.start, block_end: b.end, next_value: b.start, source: b.source };
    }
    const n = row.next_value;
    if (n >= row.block_end) db.prepare('DELETE FROM mrn_blocks WHERE block_start = ?').run(row.block_start);
    else db.prepare('UPDATE mrn_blocks SET next_value = ? WHERE block_start = ?').run(n + 1, row.block_start);
    return formatMrn(n);
  }

  /** Numbers left in the blocks the desk holds (for a sync worker deciding when to ask the hub for more). */
  static remaining(db: Database.Database): number {
    return db.prepare<[], { n: number | null }>('SELECT SUM(block_end - next_value + 1) n FROM mrn_blocks').get()?.n ?? 0;
  }
}
