/**
 * When the desk opens (electron/app.ts, before any write of the run): compare the store's number counters with the
 * issuance witness outside the store file (electron/store/witness.ts) and act on what it shows.
 *
 *   witness ahead of the store   the store was restored from an older backup (or copied back; or the desk stopped
 *                                without closing, when the store is behind by at most the unused reserve): the MRN blocks and
 *                                receipt series move past the witness, in ONE command with an audit entry
 *                                ('issuance.restore_detected') and a PHI-free log line, so nothing the original
 *                                handed out after the backup is handed out again, even before the first sync.
 *   no witness, nothing issued   first run (or an older store with no numbers yet): the witness is created.
 *   no witness, numbers issued   the data folder lost its witness (wiped, store restored onto another machine, or an
 *                                upgrade from a version without it): how far the original went is unknown, so the
 *                                rest of the MRN block in use in each space is given up and the next receipt starts a
 *                                new code ('issuance.witness_missing'). Limit: an original that went past the end of
 *                                its block in use after the backup can still be repeated until the first sync (which
 *                                then moves the cursor past its pulled registrations and receipts).
 *   store ahead of the witness   normal after a sync moved a cursor (a pulled registration of this desk's own lost
 *                                tail): the witness is moved up to the store.
 * On a clean close (`settleIssuanceWitness`, electron/app.ts) the witness is set to exactly the store's counters, so
 * the next open of the same store finds them in step and skips nothing.
 * A witness of another desk id (a data folder reused for another store) counts as missing.
 */
import type { Store } from './store.js';
import { SYSTEM_ACTOR } from './store.js';
import { IssuanceWitness, readWitness, registerWitness, witnessFor, type WitnessState } from './witness.js';
import { mrnCursors, mrnsBelowHeld, skipInUseBlocks, skipMrnsBelow, type SkippedRange } from '../patients/mrn.js';
import { hasIssuedReceipts, raiseReceiptFloors, receiptCursors, requireNewReceiptCode, type RaisedSeries } from '../payments/receipt-numbers.js';
import { log } from '../log.js';

export type WitnessOutcome = 'in-step' | 'created' | 'restore-detected' | 'witness-missing';

export interface WitnessOpenResult {
  outcome: WitnessOutcome;
  witness: IssuanceWitness;
  skippedMrns: SkippedRange[];
  raisedReceipts: RaisedSeries[];
}

function hasIssuedMrns(store: Store): boolean {
  const db = store.db;
  return !!db.prepare("SELECT 1 FROM outbox WHERE kind = 'patient.registered' LIMIT 1").get() || !!db.prepare('SELECT 1 FROM mrn_blocks WHERE next_value > block_start LIMIT 1').get();
}

function merged(a: WitnessState, b: WitnessState): WitnessState {
  const receipts: Record<string, number> = { ...a.receipts };
  for (const [code, n] of Object.entries(b.receipts)) receipts[code] = Math.max(receipts[code] ?? 0, n);
  return { deskId: a.deskId, mrn: { local: Math.max(a.mrn.local, b.mrn.local), hub: Math.max(a.mrn.hub, b.mrn.hub) }, receipts };
}

function fromStore(store: Store): WitnessState {
  return { deskId: store.deskId, mrn: mrnCursors(store.db), receipts: receiptCursors(store.db) };
}

function sameState(a: WitnessState, b: WitnessState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Reconciles the store with its witness and registers the witness for the store's connection. */
export function openIssuanceWitness(store: Store): WitnessOpenResult {
  const found = readWitness(store.dataDir);
  const w = found && found.deskId === store.deskId ? found : null;
  let outcome: WitnessOutcome = 'in-step';
  let skippedMrns: SkippedRange[] = [];
  let raisedReceipts: RaisedSeries[] = [];

  if (w) {
    const have = receiptCursors(store.db);
    const behind =
      mrnsBelowHeld(store.db, 'local', w.mrn.local) || mrnsBelowHeld(store.db, 'hub', w.mrn.hub) || Object.entries(w.receipts).some(([c, n]) => n > (have[c] ?? 1));
    if (behind) {
      store.command(SYSTEM_ACTOR, (tx) => {
        skippedMrns = [...skipMrnsBelow(tx.db, 'local', w.mrn.local), ...skipMrnsBelow(tx.db, 'hub', w.mrn.hub)];
        raisedReceipts = raiseReceiptFloors(tx.db, w.receipts);
        tx.audit({ action: 'issuance.restore_detected', entityType: 'desk', entityId: store.deskId, detail: { skippedMrns, raisedReceipts } });
      });
      outcome = 'restore-detected';
      log.warn('store is behind its issuance witness (restored from a backup, or stopped without closing): number series moved past it', {
        skippedMrnRanges: skippedMrns.length,
        raisedReceiptCodes: raisedReceipts.map((r) => r.code),
      });
    }
  } else if (hasIssuedMrns(store) || hasIssuedReceipts(store.db)) {
    store.command(SYSTEM_ACTOR, (tx) => {
      skippedMrns = skipInUseBlocks(tx.db);
      if (hasIssuedReceipts(tx.db)) requireNewReceiptCode(tx.db);
      tx.audit({ action: 'issuance.witness_missing', entityType: 'desk', entityId: store.deskId, detail: { skippedMrns, newReceiptCode: hasIssuedReceipts(tx.db), foreignWitness: found !== null } });
    });
    outcome = 'witness-missing';
    log.warn('issuance witness missing for a store that has handed out numbers: the blocks in use are given up', { skippedMrnRanges: skippedMrns.length, foreignWitness: found !== null });
  } else {
    outcome = 'created';
  }

  const state = w ? merged(w, fromStore(store)) : fromStore(store);
  const witness = new IssuanceWitness(store.dataDir, state);
  if (!w || !sameState(w, state)) witness.reset(state);
  registerWitness(store.db, witness);
  return { outcome, witness, skippedMrns, raisedReceipts };
}

/**
 * On a clean close (no write can follow): the witness is set to exactly what the store holds, dropping the unused
 * reserve, so the next open of this same store skips nothing. Never throws (closing goes on).
 */
export function settleIssuanceWitness(store: Store): void {
  const w = witnessFor(store.db);
  if (!w || !store.db.open) return;
  try {
    const have = fromStore(store);
    const cur = w.current;
    // A space where the store holds no cursor (every hub block used up) keeps the witness: it still bounds that space.
    const exact: WitnessState = {
      deskId: cur.deskId,
      mrn: { local: have.mrn.local > 0 ? have.mrn.local : cur.mrn.local, hub: have.mrn.hub > 0 ? have.mrn.hub : cur.mrn.hub },
      receipts: { ...cur.receipts, ...have.receipts },
    };
    if (!sameState(cur, exact)) w.reset(exact);
  } catch (e) {
    log.warn('issuance witness could not be settled on close (the next open skips the unused reserve)', { code: (e as { code?: string }).code ?? 'error' });
  }
}
