import { siteTimeZone } from '../patients/format.js';

/** "9:05 AM" in the site's time zone. */
export function timeOf(instant: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: siteTimeZone(), hour: 'numeric', minute: '2-digit' }).format(new Date(instant));
}

/** "03/14/2025, 9:05 AM" in the site's time zone. */
export function dateTimeOf(instant: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: siteTimeZone(), month: '2-digit', day: '2-digit', year: 'numeric', hour: 'numeric', minute: '2-digit' }).format(new Date(instant));
}
