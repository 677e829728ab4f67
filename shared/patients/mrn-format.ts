/**
 * MRN format, shared by the renderer (search box, forms), the main process (assignment: electron/patients/mrn.ts)
 * and the search parser: 8 digits = a 7-digit serial (zero-padded) followed by one Luhn (mod 10) check digit.
 *
 * Luhn is what most hospital MRN and account-number schemes use: it catches every single-digit typo and almost every
 * swap of two adjacent digits, which are the mistakes a clerk makes when keying a number off a wristband or a label.
 */

export const MRN_LENGTH = 8;
/** Largest serial an 8-digit MRN can carry. */
export const MRN_MAX_SERIAL = 9_999_999;

/** Luhn check digit of a string of digits (the digit that makes `digits + check` pass the Luhn test). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  // Walking from the right, the digit next to the (future) check digit is doubled.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new Error('luhnCheckDigit: digits only');
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** The MRN of a serial number (1..9,999,999): "0000042" + check digit. */
export function formatMrn(serial: number): string {
  if (!Number.isInteger(serial) || serial < 1 || serial > MRN_MAX_SERIAL) throw new RangeError('MRN serial out of range');
  const base = String(serial).padStart(MRN_LENGTH - 1, '0');
  return base + String(luhnCheckDigit(base));
}

/** True for exactly 8 digits whose last digit is the Luhn check digit of the first 7. */
export function isValidMrn(s: string): boolean {
  if (!/^\d{8}$/.test(s)) return false;
  return luhnCheckDigit(s.slice(0, MRN_LENGTH - 1)) === s.charCodeAt(MRN_LENGTH - 1) - 48;
}

/** The serial number inside a valid MRN, or null. */
export function mrnSerial(s: string): number | null {
  return isValidMrn(s) ? Number(s.slice(0, MRN_LENGTH - 1)) : null;
}
