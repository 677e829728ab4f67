import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fold, nameParts, phoneDigits } from '../../shared/text.js';
import { parseTypedDate, parseDateInput, businessDate, isValidTimeZone } from '../../shared/dates.js';
import { encodeHlc, decodeHlc, tickHlc, receiveHlc } from '../../shared/hlc.js';
import { newId, isUuidV7 } from '../../shared/ids.js';

describe('fold', () => {
  it('is case-, accent- and punctuation-insensitive', () => {
    expect(fold('García')).toBe('garcia');
    expect(fold("O'Brien")).toBe('obrien');
    expect(fold('Smith-Jones')).toBe('smithjones');
    expect(fold('Zoë Núñez')).toBe('zoenunez');
    expect(fold('  ')).toBe('');
    expect(nameParts('de la Cruz-Núñez')).toEqual(['de', 'la', 'cruz', 'nunez']);
  });
  it('phone digits drop a leading US country code', () => {
    expect(phoneDigits('+1 (555) 123-4567')).toBe('5551234567');
    expect(phoneDigits('555.123.4567')).toBe('5551234567');
  });
});

describe('parseTypedDate', () => {
  const today = '2026-11-22';
  it.each([
    ['03/14/1975', '1975-03-14'],
    ['3/4/75', '1975-03-04'],
    ['03141975', '1975-03-14'],
    ['1975-03-14', '1975-03-14'],
    ['1/2/05', '2005-01-02'],
    ['12/31/26', '1926-12-31'],
    ['11/22/26', '2026-11-22'],
  ])('%s -> %s', (input, out) => expect(parseTypedDate(input, today)).toBe(out));
  it.each(['02/30/2001', '13/01/2000', '2023-02-29', '00/10/2000', 'hello', '1234'])('rejects %s', (input) => {
    expect(parseTypedDate(input, today)).toBeNull();
  });
});

describe('parseDateInput (every date field)', () => {
  const today = '2026-11-22';
  it.each(['t', 'T', 'today', ' Today ', 'TODAY'])('%s is today', (input) => expect(parseDateInput(input, today)).toBe(today));
  it('reads everything parseTypedDate reads', () => {
    expect(parseDateInput('03/14/1975', today)).toBe('1975-03-14');
    expect(parseDateInput('3/4/75', today)).toBe('1975-03-04');
  });
  it.each(['to', 'tod', 'tomorrow', 'yesterday', 'tt'])('rejects %s', (input) => expect(parseDateInput(input, today)).toBeNull());
  it('leaves search alone: parseTypedDate does not read "t" as a date', () => {
    expect(parseTypedDate('t', today)).toBeNull();
    expect(parseTypedDate('today', today)).toBeNull();
  });
});

describe('business date', () => {
  it('uses the site time zone, not UTC', () => {
    const instant = new Date('2026-11-23T03:30:00Z');
    expect(businessDate('America/Chicago', instant)).toBe('2026-11-22');
    expect(businessDate('UTC', instant)).toBe('2026-11-23');
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('hybrid logical clock', () => {
  it('is monotonic even when the wall clock goes backwards', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2_000_000_000_000 }), { minLength: 1, maxLength: 50 }), (walls) => {
        let h = null as ReturnType<typeof tickHlc> | null;
        let prev = '';
        for (const w of walls) {
          h = tickHlc(h, w, 'desk-a');
          const s = encodeHlc(h);
          expect(s > prev).toBe(true);
          expect(decodeHlc(s)).toEqual(h);
          prev = s;
        }
      }),
    );
  });
  it('orders a received event after the remote one even when the local clock is six hours behind', () => {
    const remote = { wall: Date.UTC(2026, 0, 1, 18), counter: 3, node: 'desk-b' };
    const local = receiveHlc(null, remote, Date.UTC(2026, 0, 1, 12), 'desk-a');
    expect(encodeHlc(local) > encodeHlc(remote)).toBe(true);
  });
});

describe('ids', () => {
  it('are UUIDv7 and time-ordered', () => {
    const a = newId();
    const b = newId();
    expect(isUuidV7(a)).toBe(true);
    expect(b > a).toBe(true);
  });
});
