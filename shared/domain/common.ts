import { z } from 'zod';
import { CONTROL_CHARS } from '../text.js';
import { parseIsoDate } from '../dates.js';

/** Free text typed by a person: trimmed, bounded, no control characters. '' means "not given". */
export function text(max: number, label = 'This field') {
  return z
    .string({ error: `${label} must be text` })
    .max(max, { error: `${label} is too long (at most ${max} characters)` })
    .refine((s) => !CONTROL_CHARS.test(s), { error: `${label} contains control characters` })
    .trim();
}

/** Required free text. */
export function requiredText(max: number, label = 'This field') {
  return text(max, label).refine((s) => s.length > 0, { error: `${label} is required` });
}

export const MIN_DATE = '1900-01-01';

/** A real calendar date as 'YYYY-MM-DD' between 1900-01-01 and 2199-12-31. */
export function isoDateField(label = 'Date') {
  return z
    .string({ error: `${label} must be a date` })
    .max(10, { error: `${label} must be YYYY-MM-DD` })
    .refine((s) => parseIsoDate(s) !== null, { error: `${label} is not a real date` })
    .refine((s) => s >= MIN_DATE && s <= '2199-12-31', { error: `${label} is out of range` });
}

/** Optional date: '' or a real date. */
export function optionalIsoDate(label = 'Date') {
  return z.union([z.literal(''), isoDateField(label)]);
}

export const uuidSchema = z.string().uuid({ error: 'Not a valid id' });
export const instantSchema = z.string().datetime({ error: 'Not a UTC instant' });
