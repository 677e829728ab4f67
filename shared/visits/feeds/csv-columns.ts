/** The CSV import's columns and limits (no parser here: the renderer imports this file; see csv.ts). */
export const CSV_COLUMNS = ['external_id', 'date', 'time', 'department', 'provider', 'type', 'duration_min', 'mrn', 'last_name', 'first_name', 'dob', 'sex', 'phone', 'note'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly CsvColumn[] = ['external_id', 'date', 'time', 'department', 'provider', 'type'];

/** At most this many rows per import (a clinic's week fits easily; a bigger file is split). */
export const MAX_IMPORT_ROWS = 5000;
/** At most this many characters of CSV text. */
export const MAX_IMPORT_CHARS = 2_000_000;

