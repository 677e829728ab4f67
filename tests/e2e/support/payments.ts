/**
 * Helpers for the drawer / payment / EOD specs: counting a drawer by keyboard in the denomination grid (↑/↓ move,
 * digits type), reading payment rows straight from the desk's SQLite file, and sync desks for the two-desk EOD.
 */
import type { Page } from '@playwright/test';
import { type E2EDesk, expect, focusedName } from './desk.js';

/** The US default denominations in grid order (bills, then coins), as labelled on screen. */
export const GRID_ORDER = ['$100', '$50', '$20', '$10', '$5', '$2', '$1', '$1 coin', '50¢', '25¢', '10¢', '5¢', '1¢'] as const;

/**
 * Counts by keyboard: focus must be on the first count field ($100). Moves with ArrowDown through the grid and types
 * each count (the field's text is selected on arrival, so digits replace it). `counts`: label -> number.
 */
export async function countByKeyboard(page: Page, counts: Partial<Record<(typeof GRID_ORDER)[number], number>>): Promise<void> {
  await expect.poll(() => focusedName(page)).toBe('$100');
  for (let i = 0; i < GRID_ORDER.length; i++) {
    const label = GRID_ORDER[i]!;
    expect(await focusedName(page)).toBe(label);
    const n = counts[label];
    if (n !== undefined) await page.keyboard.type(String(n));
    if (i < GRID_ORDER.length - 1) await page.keyboard.press('ArrowDown');
  }
}

export interface PaymentDbRow {
  id: string;
  receipt_no: string;
  kind: string;
  type: string;
  method: string;
  amount_cents: number;
  tendered_cents: number;
  change_cents: number;
  card_terminal_ref: string | null;
  card_brand: string | null;
  card_last_four: string | null;
  card_auth_code: string | null;
  approved_by_name: string | null;
  reverses_id: string | null;
}

/** Every payment row on the desk, oldest first (the real SQLite file). */
export function paymentRows(desk: E2EDesk): PaymentDbRow[] {
  return desk.app.store.db.prepare('SELECT * FROM payments ORDER BY recorded_at, id').all() as PaymentDbRow[];
}

export { startSyncDesk, stopSyncDesk } from './sync.js';
