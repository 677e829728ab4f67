/**
 * The board's focus order after a change (pure: no browser, no API; unit-tested in tests/unit/board-order.test.ts).
 */

/**
 * Where the highlight goes after an action changed the row `id` (cancel, no-show): the same row if the board still
 * lists it, else the next row of the old order that is still listed, else the previous one, else the first row.
 */
export function rowAfterChange(before: readonly string[], after: readonly { id: string }[], id: string): string | null {
  const listed = new Set(after.map((r) => r.id));
  if (listed.has(id)) return id;
  const at = before.indexOf(id);
  if (at >= 0) {
    for (let i = at + 1; i < before.length; i++) if (listed.has(before[i]!)) return before[i]!;
    for (let i = at - 1; i >= 0; i--) if (listed.has(before[i]!)) return before[i]!;
  }
  return after[0]?.id ?? null;
}

