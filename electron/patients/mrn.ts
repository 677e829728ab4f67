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
 *
 * RESTORED STORES. Every number handed out is first witnessed outside the store file (electron/store/witness.ts,
 * per space: all numbers below the witness may have been used). When the desk opens, electron/store/issuance.ts
 * compares the witness with `mrnCursors` and, if the store is behind (restored from an older backup), moves the held
 * blocks past it with `skipMrnsBelow`. A store whose witness is missing although it has handed out numbers (data
 * folder wiped, store restored onto a new machine) cannot know how far its original went: `skipInUseBlocks` gives up
 * the rest of the block in use in each space. A pulled registration of this desk's own lost tail moves the held block
 * past its MRN at sync (electron/sync/apply.ts consumeMrn; the witness follows at the next issue or open).
 */
import type Database from 'better-sqlite3';
import { getMeta, setMeta } from '../store/db.js';
import { ApiError } from '../../shared/api/errors.js';
import { formatMrn, isValidMrn, luhnCheckDigit, MRN_MAX_SERIAL } from '../../shared/patients/mrn-format.js';
import { witnessFor } from '../store/witness.js';

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
    // Outside the store file, before this transaction commits: a store restored from a backup skips past it
    // (electron/store/witness.ts, electron/store/issuance.ts).
    witnessFor(db)?.noteMrn(mrnSpaceOf(n), n);
    if (n >= row.block_end) db.prepare('DELETE FROM mrn_blocks WHERE block_start = ?').run(row.block_start);
    else db.prepare('UPDATE mrn_blocks SET next_value = ? WHERE block_start = ?').run(n + 1, row.block_start);
    return formatMrn(n);
  }

  /** Numbers left in the blocks the desk holds (for a sync worker deciding when to ask the hub for more). */
  static remaining(db: Database.Database): number {
    return db.prepare<[], { n: number | null }>('SELECT SUM(block_end - next_value + 1) n FROM mrn_blocks').get()?.n ?? 0;
  }
}

// ---- restored stores (electron/store/issuance.ts) -----------------------------------------------------------------

export type MrnSpace = 'local' | 'hub';

export function mrnSpaceOf(serial: number): MrnSpace {
  return serial >= HUB_SPACE_START ? 'hub' : 'local';
}

function spaceBounds(space: MrnSpace): [number, number] {
  return space === 'hub' ? [HUB_SPACE_START, MRN_MAX_SERIAL] : [0, HUB_SPACE_START - 1];
}

function heldBlocks(db: Database.Database, space: MrnSpace): BlockRow[] {
  const [lo, hi] = spaceBounds(space);
  return db.prepare<[number, number], BlockRow>('SELECT * FROM mrn_blocks WHERE block_start >= ? AND block_start <= ? ORDER BY block_start').all(lo, hi);
}

/**
 * Per space, how far the store says this desk has gone: every number below it may have been handed out. The lowest
 * held block's next number (blocks are used lowest first, and later blocks always start higher); for the local
 * space without a held block, the slot's high-water mark; 0 when the store says nothing.
 */
export function mrnCursors(db: Database.Database): Record<MrnSpace, number> {
  const local = heldBlocks(db, 'local')[0]?.next_value ?? Number(getMeta(db, LOCAL_NEXT_KEY) ?? '0');
  const hub = heldBlocks(db, 'hub')[0]?.next_value ?? 0;
  return { local, hub };
}

export interface SkippedRange {
  space: MrnSpace;
  from: number;
  /** first number still usable (exclusive end of the skipped range) */
  to: number;
}

/** Whether `skipMrnsBelow(db, space, bound)` would change anything. */
export function mrnsBelowHeld(db: Database.Database, space: MrnSpace, bound: number): boolean {
  if (heldBlocks(db, space).some((b) => b.next_value < bound)) return true;
  if (space !== 'local') return false;
  const slotStart = localSlot(db) * LOCAL_SLOT_SIZE;
  const next = getMeta(db, LOCAL_NEXT_KEY);
  return bound > slotStart && bound <= slotStart + LOCAL_SLOT_SIZE && Number(next ?? Math.max(1, slotStart)) < bound;
}

/** Moves every held block of `space` past `bound` (numbers below it are never handed out); must run in a write tx. */
export function skipMrnsBelow(db: Database.Database, space: MrnSpace, bound: number): SkippedRange[] {
  if (!db.inTransaction) throw new Error('MRN blocks move inside a write transaction');
  const out: SkippedRange[] = [];
  for (const b of heldBlocks(db, space)) {
    if (b.next_value >= bound) continue;
    out.push({ space, from: b.next_value, to: Math.min(bound, b.block_end + 1) });
    if (b.block_end < bound) db.prepare('DELETE FROM mrn_blocks WHERE block_start = ?').run(b.block_start);
    else db.prepare('UPDATE mrn_blocks SET next_value = ? WHERE block_start = ?').run(bound, b.block_start);
  }
  if (space === 'local') {
    const slotStart = localSlot(db) * LOCAL_SLOT_SIZE;
    const next = getMeta(db, LOCAL_NEXT_KEY);
    // a witness reserve that reached past the held block: the slot's next block starts after it
    if (bound > slotStart && bound <= slotStart + LOCAL_SLOT_SIZE && Number(next ?? Math.max(1, slotStart)) < bound) setMeta(db, LOCAL_NEXT_KEY, String(bound));
  }
  return out;
}

/** Gives up the rest of the block in use in each space (a store whose history is unknown); must run in a write tx. */
export function skipInUseBlocks(db: Database.Database): SkippedRange[] {
  const out: SkippedRange[] = [];
  for (const space of ['local', 'hub'] as const) {
    const b = heldBlocks(db, space)[0];
    if (!b) continue;
    out.push(...skipMrnsBelow(db, space, b.block_end + 1));
  }
  return out;
}
