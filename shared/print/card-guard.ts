/**
 * Defence in depth for printed documents: a receipt or report must never carry a card number, whatever a caller
 * passes in. Finds a run of 13-19 digits (spaces or dashes between groups allowed) that passes the Luhn check.
 */
const CANDIDATE = /(?<!\d)\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** True when `s` holds something that looks like a full card number (PAN). */
export function containsCardNumber(s: string): boolean {
  for (const m of s.matchAll(CANDIDATE)) {
    const run = m[0].replace(/[ -]/g, '');
    if (run.length >= 13 && run.length <= 19 && luhnValid(run)) return true;
  }
  return false;
}
