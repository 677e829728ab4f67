/**
 * Wall-clock times of a schedule feed (HL7 DTM without an offset, a CSV "date" + "time") are local times of the
 * site; the product stores UTC instants. This turns a local time in an IANA zone into an instant with the platform's
 * tz database (Intl), so no date library is needed for this one conversion.
 *
 * A local time that does not exist (the spring-forward gap) is refused; one that exists twice (fall back) takes the
 * earlier instant, as calendars do.
 */
import { isRealDate } from '../../dates.js';

export interface LocalDateTime {
  y: number;
  m: number;
  d: number;
  hh: number;
  mi: number;
  ss: number;
}

/** Offset (ms) of `tz` at instant `utcMs`: local wall time minus UTC. */
/** Building an Intl.DateTimeFormat costs far more than using one: one per zone, kept. */
const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(tz, f);
  }
  return f;
}

export function zoneOffsetMs(tz: string, utcMs: number): number {
  const parts = formatOf(tz).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The instant (ISO UTC) of a local wall time in `tz`, or null when that time does not exist. */
export function localToInstant(t: LocalDateTime, tz: string): string | null {
  if (!isRealDate(t.y, t.m, t.d) || t.hh < 0 || t.hh > 23 || t.mi < 0 || t.mi > 59 || t.ss < 0 || t.ss > 59) return null;
  const wall = Date.UTC(t.y, t.m - 1, t.d, t.hh, t.mi, t.ss);
  // Two candidate offsets (before and after a possible transition near this wall time); keep those that round-trip.
  const candidates = new Set([zoneOffsetMs(tz, wall - 36 * 3600_000), zoneOffsetMs(tz, wall + 36 * 3600_000), zoneOffsetMs(tz, wall)]);
  const hits: number[] = [];
  for (const off of candidates) {
    const utc = wall - off;
    if (zoneOffsetMs(tz, utc) === off) hits.push(utc);
  }
  if (hits.length === 0) return null;
  return new Date(Math.min(...hits)).toISOString();
}
