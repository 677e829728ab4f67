/**
 * The issuance witness: a small file OUTSIDE the SQLite store that remembers how far this desk's human numbers (MRNs,
 * receipt numbers) have gone, so a store restored from an older backup never hands out a number its original already
 * handed out — even before its first sync (docs/design.md 3: human numbers unique across desks even offline).
 *
 *   <dataDir>/issuance-witness.json   mode 0600, written atomically (temp file + fsync + rename + directory fsync),
 *                                     next to the sync credential (electron/sync/credentials.ts), never inside the store
 *                                     file, so a backup of the store does not carry it. NO PHI: only counters.
 *   {
 *     "v": 1, "deskId": "<the store's desk id>",
 *     "mrn": { "local": <n>, "hub": <n> },     every MRN serial of that space BELOW n may have been handed out
 *     "receipts": { "<code>": <n>, ... }      every serial of that receipt code BELOW n may have been handed out
 *   }
 *
 * Reserving ahead: when a number reaches the witnessed bound, the witness is moved WITNESS_STEP numbers ahead in one
 * durable write, so only one issue in WITNESS_STEP pays for an fsync. The write happens inside the issuing write
 * transaction, BEFORE it commits: a committed number is always below the witness (a rolled-back one only wastes the
 * reserve). After a restore the desk skips the unused reserve too, which is fine: numbers are plentiful.
 *
 * This module only keeps the file and a per-connection registry; electron/store/issuance.ts compares it with the
 * store when the desk opens (and moves the store's counters past it), electron/patients/mrn.ts and
 * electron/payments/receipt-numbers.ts call `witnessFor(db)?.note…` as they issue.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApiError } from '../../shared/api/errors.js';

export const WITNESS_FILE = 'issuance-witness.json';
/** How many numbers one witness write reserves ahead. */
export const WITNESS_STEP = 20;
/** Receipt codes remembered (a desk moves to a new code rarely: enrollment, restore). */
const MAX_CODES = 64;

export type WitnessSpace = 'local' | 'hub';

export interface WitnessState {
  deskId: string;
  mrn: Record<WitnessSpace, number>;
  receipts: Record<string, number>;
}

export function witnessPath(dataDir: string): string {
  return path.join(dataDir, WITNESS_FILE);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** The witness in `dataDir`, or null when there is none (or it cannot be read / is not a witness). */
export function readWitness(dataDir: string): WitnessState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(witnessPath(dataDir), 'utf8'));
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as { v?: unknown; deskId?: unknown; mrn?: { local?: unknown; hub?: unknown }; receipts?: unknown };
  if (o.v !== 1 || typeof o.deskId !== 'string' || !o.mrn || !isCount(o.mrn.local) || !isCount(o.mrn.hub)) return null;
  const receipts: Record<string, number> = {};
  if (o.receipts && typeof o.receipts === 'object') {
    for (const [code, n] of Object.entries(o.receipts as Record<string, unknown>)) if (/^[A-Z0-9]{1,24}$/.test(code) && isCount(n)) receipts[code] = n;
  }
  return { deskId: o.deskId, mrn: { local: o.mrn.local, hub: o.mrn.hub }, receipts };
}

/** Writes the witness durably: temp file, fsync, rename over the old one, fsync of the directory. */
export function writeWitness(dataDir: string, s: WitnessState): void {
  const file = witnessPath(dataDir);
  const codes = Object.entries(s.receipts).slice(-MAX_CODES);
  const body = JSON.stringify({ v: 1, deskId: s.deskId, mrn: s.mrn, receipts: Object.fromEntries(codes) });
  const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, Buffer.from(body, 'utf8'));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  try {
    const dfd = fs.openSync(dataDir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* some platforms (Windows) cannot fsync a directory; the rename itself is atomic there */
  }
}

/** The witness of one open store: the in-memory copy of the file, moved ahead as numbers are issued. */
export class IssuanceWitness {
  /** durable writes made by this process (for tests and the bench) */
  writes = 0;
  constructor(
    readonly dataDir: string,
    private state: WitnessState,
  ) {}

  get current(): Readonly<WitnessState> {
    return this.state;
  }

  /** Replaces the whole state (the open-time reconciliation) and writes it. */
  reset(s: WitnessState): void {
    this.persist(s);
  }

  /** MRN serial `serial` of `space` is being handed out: make sure the witness is above it. */
  noteMrn(space: WitnessSpace, serial: number): void {
    if (serial < this.state.mrn[space]) return;
    this.persist({ ...this.state, mrn: { ...this.state.mrn, [space]: serial + WITNESS_STEP } });
  }

  /** Receipt `<code>-<serial>` is being handed out: make sure the witness is above it. */
  noteReceipt(code: string, serial: number): void {
    if (serial < (this.state.receipts[code] ?? 0)) return;
    const receipts = { ...this.state.receipts };
    delete receipts[code]; // re-inserted last: the most recent codes are the ones kept
    receipts[code] = serial + WITNESS_STEP;
    this.persist({ ...this.state, receipts });
  }

  private persist(next: WitnessState): void {
    try {
      writeWitness(this.dataDir, next);
    } catch (e) {
      throw new ApiError(
        'STORE_UNAVAILABLE',
        `This desk could not record the numbers it hands out in its data folder (${(e as NodeJS.ErrnoException).code ?? 'write error'}). Check the disk, then try again. Nothing was saved.`,
      );
    }
    this.state = next;
    this.writes++;
  }
}

const registry = new WeakMap<Database.Database, IssuanceWitness>();

/** The witness registered for this connection (none for a store opened outside createDeskApp, e.g. some tests). */
export function witnessFor(db: Database.Database): IssuanceWitness | undefined {
  return registry.get(db);
}

export function registerWitness(db: Database.Database, w: IssuanceWitness): void {
  registry.set(db, w);
}
