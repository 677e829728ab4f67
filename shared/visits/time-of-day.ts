/**
 * A time of day typed fast at the desk (booking, rescheduling): "9:30", "930", "0930", "14:30", "2:30 PM", "2:30p",
 * "2p", "9". A bare hour or h:mm without AM/PM is read on a 24-hour clock, except that 1–6 without a suffix is read
 * as the afternoon (clinics do not book at 3 AM; "3" means 3 PM) unless typed with a leading zero ("0630"). Pure; the site's local time — localToInstant
 * (./feeds/time.ts) turns a date + this into the UTC instant that is stored.
 */
import { localToInstant } from './feeds/time.js';
import { parseIsoDate } from '../dates.js';

export interface TimeOfDay {
  hh: number;
  mi: number;
}

export function parseTimeOfDay(input: string): TimeOfDay | null {
  const s = input.trim().toLowerCase().replace(/\./g, '');
  const m = /^(\d{1,2})(?::?(\d{2}))?\s*([ap])?m?$/.exec(s);
  if (!m) return null;
  let hh = Number(m[1]);
  const mi = m[2] === undefined ? 0 : Number(m[2]);
  if (mi > 59) return null;
  const suffix = m[3];
  if (suffix) {
    if (hh < 1 || hh > 12) return null;
    hh = (hh % 12) + (suffix === 'p' ? 12 : 0);
  } else {
    if (hh > 23) return null;
    // "0630" / "06:30" (a leading zero) is meant as a 24-hour time
    if (hh >= 1 && hh <= 6 && !m[1]!.startsWith('0')) hh += 12;
  }
  return { hh, mi };
}

/** "9:05 AM" */
export function formatTimeOfDay(t: TimeOfDay): string {
  const h12 = t.hh % 12 === 0 ? 12 : t.hh % 12;
  return `${h12}:${String(t.mi).padStart(2, '0')} ${t.hh < 12 ? 'AM' : 'PM'}`;
}

/**
 * The instant of `date` (ISO) at the typed `time` in the site's zone; a typed-time problem as a clerk-facing message.
 */
export function siteInstant(date: string, time: string, timeZone: string): { instant: string } | { error: string } {
  const d = parseIsoDate(date);
  if (!d) return { error: 'Type a date: MM/DD/YYYY' };
  const t = parseTimeOfDay(time);
  if (!t) return { error: 'Type a time: 9:30, 14:30 or 2:30 PM' };
  const instant = localToInstant({ y: d.y, m: d.m, d: d.d, hh: t.hh, mi: t.mi, ss: 0 }, timeZone);
  if (!instant) return { error: `${formatTimeOfDay(t)} does not exist on that day (daylight-saving change)` };
  return { instant };
}

/** The date (ISO) and "h:mm AM" of an instant in the site's zone (to prefill a reschedule). */
export function siteDateAndTime(instant: string, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(instant));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: formatTimeOfDay({ hh: Number(get('hour')), mi: Number(get('minute')) }) };
}
