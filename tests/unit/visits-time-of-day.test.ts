import { describe, expect, it } from 'vitest';
import { parseTimeOfDay, siteInstant, siteDateAndTime, formatTimeOfDay } from '../../shared/visits/time-of-day.js';

describe('typed time of day (booking / rescheduling)', () => {
  it.each([
    ['9:30', 9, 30],
    ['930', 9, 30],
    ['0930', 9, 30],
    ['14:30', 14, 30],
    ['1430', 14, 30],
    ['2:30 PM', 14, 30],
    ['2:30p', 14, 30],
    ['2p', 14, 0],
    ['12:15 am', 0, 15],
    ['12 pm', 12, 0],
    ['3', 15, 0],
    ['3:45', 15, 45],
    ['0630', 6, 30],
    ['11', 11, 0],
  ])('%s -> %i:%i', (typed, hh, mi) => {
    expect(parseTimeOfDay(typed)).toEqual({ hh, mi });
  });

  it.each(['', '25:00', '9:75', '13 pm', 'noon', '9:3', '12345'])('%s is refused', (typed) => {
    expect(parseTimeOfDay(typed)).toBeNull();
  });

  it('a date + typed time becomes the UTC instant of the site’s wall time; a DST gap time is refused with a message', () => {
    expect(siteInstant('2026-01-15', '9:30', 'America/Chicago')).toEqual({ instant: '2026-01-15T15:30:00.000Z' });
    expect(siteInstant('2026-07-15', '9:30', 'America/Chicago')).toEqual({ instant: '2026-07-15T14:30:00.000Z' });
    expect(siteInstant('2026-03-08', '0230', 'America/Chicago')).toEqual({ error: '2:30 AM does not exist on that day (daylight-saving change)' });
    expect(siteInstant('2026-01-15', 'soon', 'America/Chicago')).toEqual({ error: 'Type a time: 9:30, 14:30 or 2:30 PM' });
    expect(siteInstant('01/15/2026', '9:30', 'America/Chicago')).toEqual({ error: 'Type a date: MM/DD/YYYY' });
  });

  it('an instant back to the site’s date and time (reschedule prefill)', () => {
    expect(siteDateAndTime('2026-01-15T15:30:00.000Z', 'America/Chicago')).toEqual({ date: '2026-01-15', time: '9:30 AM' });
    expect(siteDateAndTime('2026-01-16T05:10:00.000Z', 'America/Chicago')).toEqual({ date: '2026-01-15', time: '11:10 PM' });
    expect(formatTimeOfDay({ hh: 0, mi: 5 })).toBe('12:05 AM');
  });
});
