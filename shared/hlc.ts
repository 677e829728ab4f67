/**
 * Hybrid logical clock (Kulkarni et al.): timestamps that order events across desks without trusting wall clocks alone.
 * Encoded as a sortable string: 15-digit wall ms, 6-digit counter, node (desk) id.
 */
export interface Hlc {
  wall: number;
  counter: number;
  node: string;
}

export function encodeHlc(h: Hlc): string {
  return `${String(h.wall).padStart(15, '0')}-${String(h.counter).padStart(6, '0')}-${h.node}`;
}

export function decodeHlc(s: string): Hlc {
  const m = /^(\d{15})-(\d{6})-(.+)$/.exec(s);
  if (!m) throw new Error('Malformed HLC timestamp');
  return { wall: Number(m[1]), counter: Number(m[2]), node: m[3]! };
}

/** Next local timestamp after `last`, given the local wall clock. */
export function tickHlc(last: Hlc | null, nowMs: number, node: string): Hlc {
  if (!last || nowMs > last.wall) return { wall: nowMs, counter: 0, node };
  return { wall: last.wall, counter: last.counter + 1, node };
}

/** Merge a remote timestamp into the local clock (on receive). */
export function receiveHlc(local: Hlc | null, remote: Hlc, nowMs: number, node: string): Hlc {
  const lw = local?.wall ?? 0;
  const wall = Math.max(lw, remote.wall, nowMs);
  let counter = 0;
  if (wall === lw && wall === remote.wall) counter = Math.max(local!.counter, remote.counter) + 1;
  else if (wall === lw) counter = local!.counter + 1;
  else if (wall === remote.wall) counter = remote.counter + 1;
  return { wall, counter, node };
}
