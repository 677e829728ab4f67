/**
 * How the visits screens show things: clock times in the site's time zone, status chips, wait times, money.
 * Pure functions, nothing kept.
 */
import type { KeyboardEvent } from 'react';
import { STATUS_LABELS, type AppointmentStatus } from '../../shared/domain/visit.js';
import { siteTimeZone } from '../patients/format.js';

/** "9:05 AM" in the site's time zone. */
export function clock(instant: string | null | undefined, timeZone = siteTimeZone()): string {
  if (!instant) return '';
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(d);
}

/** "$25.00" from integer cents: the one money formatter (shared/payments/money.ts). */
export { formatCents as money } from '../../shared/payments/money.js';

/** "12 min", "1 h 05 min" */
export function minutes(n: number | null): string {
  if (n === null) return '';
  if (n < 60) return `${n} min`;
  return `${Math.floor(n / 60)} h ${String(n % 60).padStart(2, '0')} min`;
}

export function statusLabel(s: AppointmentStatus): string {
  return STATUS_LABELS[s];
}

/** Order of the board's "by status" grouping: who needs the desk first. */
export const STATUS_ORDER: Record<AppointmentStatus, number> = {
  arrived: 0,
  scheduled: 1,
  roomed: 2,
  'checked-out': 3,
  'no-show': 4,
  cancelled: 5,
};

/**
 * Ctrl+Enter = submit, wherever the focus is inside the wrapper (capture phase: react-aria Select buttons stop the
 * propagation of Enter, so the form's own Ctrl+Enter handler would miss it there).
 */
export function ctrlEnterCapture(submit: () => void) {
  return (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.stopPropagation();
      submit();
    }
  };
}
