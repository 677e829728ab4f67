/**
 * The ONE guard against card data (PCI DSS 3.2/3.4; reliability-checklist P1). AccessDesk never stores a card number
 * (PAN), track data or CVV: a card payment records only the terminal's reference, brand, last four and auth code.
 * Every text field of a payment, drawer or note input goes through `cardSafeText` (zod, desk + renderer) and the hub
 * applier re-checks whole payloads with `findCardNumber`, so a number typed into the wrong field is refused, never
 * stored, logged or exported.
 *
 * "Looks like a card number": a run of 13 to 19 digits, optionally grouped by single spaces or dashes (as printed on a
 * card or slip), whose digits pass the Luhn check. Track data (";4111...=2512...", "%B4111...^") contains such a run.
 */
import { z } from 'zod';
import { text } from '../domain/common.js';

export const CARD_NUMBER_MESSAGE =
  'This looks like a full card number. Never type card numbers: record only the last four digits, the brand and the terminal’s reference.';

/** Luhn (mod 10) check of a digit string. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

// digit runs: digits, with single spaces or dashes allowed between digits
const RUN_RE = /\d(?:[ -]?\d)*/g;

/** True when `s` contains something that looks like a full card number. */
export function containsCardNumber(s: string): boolean {
  RUN_RE.lastIndex = 0;
  for (const m of s.matchAll(RUN_RE)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;
const HLC_RE = /^\d{15}-\d{6}-[\w-]+$/;

/**
 * Values the app itself generates and validates by shape (ids, instants, HLC stamps) are not typed text: a UUID's
 * digit groups can form a Luhn-valid run ("...-8000-123456789012"), which is not a card number.
 */
export function isMachineToken(s: string): boolean {
  return UUID_RE.test(s) || INSTANT_RE.test(s) || HLC_RE.test(s);
}

/** Removes UUIDs, instants and HLC stamps from a text (before scanning a whole file or log for card numbers). */
export function withoutMachineTokens(s: string): string {
  return s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'U')
    .replace(/\d{15}-\d{6}-/g, 'H-')
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z?/g, 'T');
}

/**
 * Walks any value (object, array, string) and returns the path of the first string that looks like a card number
 * ("card.terminalRef", "note"), or null. Used on whole payloads (hub applier, desk handlers, exports).
 */
export function findCardNumber(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return !isMachineToken(value) && containsCardNumber(value) ? path || '_' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findCardNumber(value[i], path ? `${path}.${i}` : String(i));
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = findCardNumber(v, path ? `${path}.${k}` : k);
      if (p) return p;
    }
  }
  return null;
}

/** Free text of a payment/drawer/note input: `text()` plus the card-number guard. */
export function cardSafeText(max: number, label = 'This field') {
  // the card check runs first, so a pasted card number gets this message (not "too long")
  return z
    .string({ error: `${label} must be text` })
    .refine((s) => !containsCardNumber(s), { error: CARD_NUMBER_MESSAGE })
    .pipe(text(max, label));
}

/** Required free text with the card-number guard. */
export function requiredCardSafeText(max: number, label = 'This field') {
  return cardSafeText(max, label).refine((s) => s.length > 0, { error: `${label} is required` });
}
