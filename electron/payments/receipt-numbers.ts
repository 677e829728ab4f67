/**
 * Receipt numbers, unique across desks even offline: "<code>-<serial>", e.g. D2-000153.
 *
 * The CODE names the issuing desk and is unique by construction:
 *   - an enrolled desk: 'D' + the index of a hub-granted MRN block it holds (hub blocks are unique across desks:
 *     index = (block_start - 4,000,000) / 1000 + 1). The block whose index is used is remembered in meta
 *     (receipt.code_block); a later code always uses a block with a higher start, so a desk never repeats a code.
 *   - a standalone desk (no hub blocks): 'L' + its local MRN slot (electron/patients/mrn.ts; each standalone desk of a
 *     clinic gets its own slot). When it enrolls and holds a hub block, it moves to a 'D' code (new series from 1).
 * The SERIAL counts from 1 within a code (meta receipt.next); it is consumed inside the payment's transaction, so a
 * rolled-back payment gives its number back and a committed one is never reused.
 *
 * A desk restored from a backup must not reuse numbers its original issued after the backup. When its sync pull
 * brings back payments of its own desk id that it does not hold (the restored copy's lost tail), the applier calls
 * `noteOwnRemoteReceipt`: the serial moves past them and the desk takes a NEW code for the next receipt
 * (receipt.new_code_needed). Known limit: a restored copy that takes payments offline BEFORE its first sync cannot
 * know what the original issued; those numbers may repeat the original's (the payments themselves stay distinct by
 * id and are all counted; only the printed number repeats) until that first sync.
 */
import type Database from 'better-sqlite3';
import { getMeta, setMeta } from '../store/db.js';
import { HUB_SPACE_START, localSlot } from '../patients/mrn.js';
import { stmt } from '../store/stmt-cache.js';
import { witnessFor } from '../store/witness.js';

const K = {
  code: 'receipt.code',
  codeBlock: 'receipt.code_block',
  next: 'receipt.next',
  newCode: 'receipt.new_code_needed',
  /** JSON {code: serial}: no serial below it is handed out for that code (set from the witness after a restore) */
  floors: 'receipt.floors',
} as const;

function floors(db: Database.Database): Record<string, number> {
  try {
    const v = JSON.parse(getMeta(db, K.floors) ?? '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isSafeInteger(e[1])));
  } catch {
    return {};
  }
}

function floorOf(db: Database.Database, code: string): number {
  return floors(db)[code] ?? 1;
}

export const HUB_BLOCK_SIZE = 1000;

export function formatReceiptNo(code: string, serial: number): string {
  return `${code}-${String(serial).padStart(6, '0')}`;
}

/** `code`, or a variant of it this store has not used yet (a second restore in the same epoch must not continue a series). */
function unusedCode(db: Database.Database, code: string): string {
  const used = new Set([getMeta(db, K.code) ?? '', ...Object.keys(floors(db))]);
  let c = code;
  for (let i = 1; used.has(c); i++) c = `${code}X${i}`;
  return c;
}

/** The code this desk should use now, and whether it differs from the stored one. */
function wantedCode(db: Database.Database): { code: string; block: number | null } {
  const current = getMeta(db, K.code);
  const codeBlock = Number(getMeta(db, K.codeBlock) ?? '-1');
  const needNew = getMeta(db, K.newCode) === '1';
  const hubBlock = stmt<[number, number], { block_start: number }>(db, "SELECT block_start FROM mrn_blocks WHERE source = 'hub' AND block_start >= ? AND block_start > ? ORDER BY block_start LIMIT 1").get(HUB_SPACE_START, codeBlock);
  if (current && current.startsWith('D') && !needNew) return { code: current, block: codeBlock };
  if (hubBlock) return { code: `D${(hubBlock.block_start - HUB_SPACE_START) / HUB_BLOCK_SIZE + 1}`, block: hubBlock.block_start };
  if (current && current.startsWith('D')) {
    // A new code is needed but no unused hub block is held yet: extend the code with the desk epoch (the hub gave this
    // desk a new epoch after the restore, so "<code>E<epoch>" is a series no other copy used).
    const epoch = getMeta(db, 'desk_epoch') ?? '1';
    const base = current.split('E')[0]!;
    return { code: unusedCode(db, `${base}E${epoch}`), block: codeBlock };
  }
  if (current && !needNew) return { code: current, block: null };
  const slotCode = `L${localSlot(db)}`;
  if (needNew && current?.startsWith('L')) return { code: unusedCode(db, `${slotCode}E${getMeta(db, 'desk_epoch') ?? '1'}`), block: null };
  return { code: slotCode, block: null };
}

/** The next receipt number (consumed: call inside the payment's write transaction). */
export function nextReceiptNo(db: Database.Database): string {
  if (!db.inTransaction) throw new Error('receipt numbers are taken inside the write transaction');
  const current = getMeta(db, K.code);
  const want = wantedCode(db);
  let serial = Number(getMeta(db, K.next) ?? '1');
  if (want.code !== current) {
    setMeta(db, K.code, want.code);
    if (want.block !== null) setMeta(db, K.codeBlock, String(want.block));
    setMeta(db, K.newCode, '0');
    serial = 1;
  }
  serial = Math.max(serial, floorOf(db, want.code));
  // Outside the store file, before this transaction commits: a store restored from a backup skips past it.
  witnessFor(db)?.noteReceipt(want.code, serial);
  setMeta(db, K.next, String(serial + 1));
  return formatReceiptNo(want.code, serial);
}

/** What the next receipt number will be (not consumed; for display). */
export function peekReceiptNo(db: Database.Database): string {
  const current = getMeta(db, K.code);
  const want = wantedCode(db);
  const serial = Math.max(want.code !== current ? 1 : Number(getMeta(db, K.next) ?? '1'), floorOf(db, want.code));
  return formatReceiptNo(want.code, serial);
}

/**
 * A pulled payment carries this desk's own desk id but is not in this desk's outbox: this desk was restored from a
 * backup and the original issued it. Move past its number, and take a new code for the next receipt.
 */
export function noteOwnRemoteReceipt(db: Database.Database, receiptNo: string): void {
  const m = /^(.*)-(\d+)$/.exec(receiptNo);
  if (!m) return;
  setMeta(db, K.newCode, '1');
  if (m[1] === getMeta(db, K.code)) {
    const n = Number(m[2]);
    if (n >= Number(getMeta(db, K.next) ?? '1')) setMeta(db, K.next, String(n + 1));
  }
}

// ---- restored stores (electron/store/issuance.ts) -----------------------------------------------------------------

/** Per receipt code, how far the store says this desk has gone: no serial below it is handed out again. */
export function receiptCursors(db: Database.Database): Record<string, number> {
  const out: Record<string, number> = { ...floors(db) };
  const code = getMeta(db, K.code);
  if (code) out[code] = Math.max(out[code] ?? 1, Number(getMeta(db, K.next) ?? '1'));
  return out;
}

export interface RaisedSeries {
  code: string;
  from: number;
  to: number;
}

/** Moves each code's series to at least `bounds[code]` (from the witness); must run in a write transaction. */
export function raiseReceiptFloors(db: Database.Database, bounds: Record<string, number>): RaisedSeries[] {
  if (!db.inTransaction) throw new Error('receipt series move inside a write transaction');
  const have = receiptCursors(db);
  const f = floors(db);
  const out: RaisedSeries[] = [];
  const current = getMeta(db, K.code);
  for (const [code, bound] of Object.entries(bounds)) {
    const from = have[code] ?? 1;
    if (bound <= from) continue;
    out.push({ code, from, to: bound });
    f[code] = bound;
    if (code === current) setMeta(db, K.next, String(bound));
  }
  if (out.length) setMeta(db, K.floors, JSON.stringify(f));
  return out;
}

/** Whether this store ever handed out a receipt number. */
export function hasIssuedReceipts(db: Database.Database): boolean {
  return getMeta(db, K.code) !== undefined;
}

/** The next receipt starts a new code (a store whose history is unknown). */
export function requireNewReceiptCode(db: Database.Database): void {
  setMeta(db, K.newCode, '1');
}
