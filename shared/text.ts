/**
 * Text folding used for search keys and duplicate matching: case-, accent- and punctuation-insensitive.
 * "García" -> "garcia", "O'Brien" -> "obrien", "Smith-Jones" -> "smithjones".
 */
export function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/ł/g, 'l')
    .replace(/[^a-z0-9]/g, '');
}

/** Splits a name into folded parts on spaces and hyphens: "de la Cruz-Núñez" -> ["de","la","cruz","nunez"]. */
export function nameParts(s: string): string[] {
  return s
    .split(/[\s\-]+/)
    .map(fold)
    .filter((p) => p.length > 0);
}

/** Digits only. */
export function digits(s: string): string {
  return s.replace(/\D/g, '');
}

/** US phone digits: strips a leading country code 1 from 11-digit numbers. */
export function phoneDigits(s: string): string {
  const d = digits(s);
  return d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
}

/** Control characters (C0, DEL, C1) are never valid in typed text. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
