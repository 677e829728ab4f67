import { describe, expect, it } from 'vitest';
import { rowAfterChange } from '../../renderer/visits/board-order.js';

const rows = (...ids: string[]) => ids.map((id) => ({ id }));

describe('the board row that gets the focus after a cancel / no-show', () => {
  it('stays on the changed row while the board lists it, wherever it moved (a sort by status)', () => {
    expect(rowAfterChange(['a', 'b', 'c', 'd'], rows('a', 'c', 'd', 'b'), 'b')).toBe('b');
  });
  it('moves to the next row of the old order when the changed row is no longer listed', () => {
    expect(rowAfterChange(['a', 'b', 'c', 'd'], rows('a', 'c', 'd'), 'b')).toBe('c');
    // the next one is gone too: the one after it
    expect(rowAfterChange(['a', 'b', 'c', 'd'], rows('a', 'd'), 'b')).toBe('d');
  });
  it('moves to the previous row when the changed row was the last one listed', () => {
    expect(rowAfterChange(['a', 'b', 'c'], rows('a', 'b'), 'c')).toBe('b');
  });
  it('falls back to the first row, or to nothing on an empty board', () => {
    expect(rowAfterChange(['x'], rows('a', 'b'), 'x')).toBe('a');
    expect(rowAfterChange(['x'], rows(), 'x')).toBeNull();
  });
});
