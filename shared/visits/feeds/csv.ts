/**
 * CSV appointment import: the column spec, the parse and the per-row checks that need no database. The desk
 * (electron/visits/import/) adds what needs its data (directory codes, patient match, already imported) and the import
 * screen (renderer/visits/import/) shows the result per row and column.
 *
 * CSV library: csv-parse (csv.js.org, MIT, no dependencies). Chosen over papaparse because the parse runs in the
 * desk's main process (Node), and csv-parse is strict RFC 4180 by default while reporting, per record, the line it
 * started on and any structural error (unclosed quote, wrong number of fields) instead of silently guessing: every
 * problem becomes a row error the administrator sees. papaparse is the better choice for parsing in a browser (it
 * is lenient and guesses delimiters), which we do not want for data that books patients.
 *
 * Columns (header row required; names case-insensitive, any order; unknown columns are an error so a typo in a
 * header is not silently ignored):
 *   external_id   required  the scheduling system's appointment id (re-import is idempotent by it)
 *   date          required  YYYY-MM-DD or MM/DD/YYYY (site's local date)
 *   time          required  HH:MM (24 h) or h:mm AM/PM (site's local time)
 *   department    required  department code (Clinic setup > Departments)
 *   provider      required  provider code
 *   type          required  appointment type code
 *   duration_min  optional  5-480; default: the appointment type's
 *   mrn           optional  AccessDesk MRN: links the appointment when it matches (and the DOB agrees)
 *   last_name, first_name   required unless the MRN matches; dob (YYYY-MM-DD or MM/DD/YYYY), sex (F/M/U), phone:
 *                 used to match the patient index, else kept as the appointment's pending patient
 *   note          optional  up to 500 characters
 */
import { parse } from 'csv-parse/sync';
import { isRealDate, isoDate } from '../../dates.js';
import { digits } from '../../text.js';
import { localToInstant } from './time.js';
import { CSV_COLUMNS, MAX_IMPORT_CHARS, MAX_IMPORT_ROWS, REQUIRED_COLUMNS, type CsvColumn } from './csv-columns.js';

export { CSV_COLUMNS, REQUIRED_COLUMNS, MAX_IMPORT_ROWS, MAX_IMPORT_CHARS, type CsvColumn } from './csv-columns.js';

export interface CsvRowError {
  /** the column the error is about, '' for the whole row */
  column: CsvColumn | '';
  message: string;
}

/** A row as read and checked without the database. */
export interface CsvRow {
  /** 1-based line number in the file where the record starts (the header is line 1) */
  line: number;
  values: Partial<Record<CsvColumn, string>>;
  externalId: string;
  /** ISO instant or null when date/time are invalid */
  start: string | null;
  durationMin: number | null;
  person: { given: string; family: string; birthDate: string; sexAtBirth: 'female' | 'male' | 'unknown' | ''; phones: string[]; mrn: string };
  errors: CsvRowError[];
}

export interface CsvParseResult {
  /** errors about the whole file (bad header, too big, unreadable) */
  fileErrors: string[];
  rows: CsvRow[];
}

function parseDate(s: string): string | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return isRealDate(+m[1]!, +m[2]!, +m[3]!) ? isoDate(+m[1]!, +m[2]!, +m[3]!) : null;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return isRealDate(+m[3]!, +m[1]!, +m[2]!) ? isoDate(+m[3]!, +m[1]!, +m[2]!) : null;
  return null;
}

function parseTime(s: string): { hh: number; mi: number } | null {
  const m = /^(\d{1,2}):(\d{2})\s*([AaPp][Mm])?$/.exec(s.trim());
  if (!m) return null;
  let hh = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59) return null;
  if (m[3]) {
    if (hh < 1 || hh > 12) return null;
    const pm = m[3].toLowerCase() === 'pm';
    hh = (hh % 12) + (pm ? 12 : 0);
  } else if (hh > 23) return null;
  return { hh, mi };
}

const SEX: Record<string, 'female' | 'male' | 'unknown'> = { f: 'female', female: 'female', m: 'male', male: 'male', u: 'unknown', unknown: 'unknown' };

/**
 * Parses the CSV text and checks each row on its own (formats, required values, duplicates inside the file).
 * `today` (the site's business date) is used to refuse a DOB in the future.
 */
export function parseAppointmentCsv(text: string, timeZone: string, today: string): CsvParseResult {
  if (text.length > MAX_IMPORT_CHARS) return { fileErrors: [`The file is larger than ${MAX_IMPORT_CHARS.toLocaleString('en-US')} characters: split it.`], rows: [] };
  let records: { record: string[]; info: { lines: number; error?: Error } }[];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof records;
  } catch (e) {
    const msg = (e as Error).message.replace(/^Invalid Record Length:.*$/, 'a row has the wrong number of fields');
    return { fileErrors: [`The file is not valid CSV: ${msg}`], rows: [] };
  }
  if (records.length === 0) return { fileErrors: ['The file is empty: it needs a header row and at least one appointment.'], rows: [] };
  const header = records[0]!.record.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const fileErrors: string[] = [];
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) fileErrors.push(`Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => `"${u.slice(0, 30)}"`).join(', ')}. Columns: ${CSV_COLUMNS.join(', ')}.`);
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) fileErrors.push(`Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
  const dupHeader = header.filter((h, i) => header.indexOf(h) !== i);
  if (dupHeader.length) fileErrors.push(`Column${dupHeader.length > 1 ? 's' : ''} listed twice: ${[...new Set(dupHeader)].join(', ')}.`);
  if (records.length - 1 > MAX_IMPORT_ROWS) fileErrors.push(`${records.length - 1} rows: at most ${MAX_IMPORT_ROWS} per import; split the file.`);
  if (records.length === 1) fileErrors.push('The file has a header row but no appointments.');
  if (fileErrors.length) return { fileErrors, rows: [] };

  const seenIds = new Map<string, number>();
  const rows: CsvRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r]!;
    const line = info.lines - (record.join('').split('\n').length - 1); // first line of a record with quoted newlines
    const errors: CsvRowError[] = [];
    if (record.length !== header.length) errors.push({ column: '', message: `This row has ${record.length} fields; the header has ${header.length}` });
    const values: Partial<Record<CsvColumn, string>> = {};
    header.forEach((h, i) => (values[h as CsvColumn] = (record[i] ?? '').trim()));
    const v = (c: CsvColumn) => values[c] ?? '';
    const need = (c: CsvColumn, label: string) => {
      if (!v(c)) errors.push({ column: c, message: `${label} is required` });
    };
    need('external_id', 'Appointment id');
    if (v('external_id').length > 80) errors.push({ column: 'external_id', message: 'Appointment id is longer than 80 characters' });
    if (v('external_id')) {
      const first = seenIds.get(v('external_id').toLowerCase());
      if (first !== undefined) errors.push({ column: 'external_id', message: `Appointment id ${v('external_id')} is already on line ${first}` });
      else seenIds.set(v('external_id').toLowerCase(), line);
    }
    need('department', 'Department code');
    need('provider', 'Provider code');
    need('type', 'Appointment type code');
    let start: string | null = null;
    const date = v('date') ? parseDate(v('date')) : null;
    if (!v('date')) errors.push({ column: 'date', message: 'Date is required' });
    else if (!date) errors.push({ column: 'date', message: `"${v('date').slice(0, 20)}" is not a date (YYYY-MM-DD or MM/DD/YYYY)` });
    const time = v('time') ? parseTime(v('time')) : null;
    if (!v('time')) errors.push({ column: 'time', message: 'Time is required' });
    else if (!time) errors.push({ column: 'time', message: `"${v('time').slice(0, 20)}" is not a time (14:30 or 2:30 PM)` });
    if (date && time) {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      start = localToInstant({ y, m, d, hh: time.hh, mi: time.mi, ss: 0 }, timeZone);
      if (!start) errors.push({ column: 'time', message: `${v('time')} does not exist on ${date} in ${timeZone} (daylight-saving change)` });
    }
    let durationMin: number | null = null;
    if (v('duration_min')) {
      const n = Number(v('duration_min'));
      if (!/^\d+$/.test(v('duration_min')) || n < 5 || n > 480) errors.push({ column: 'duration_min', message: 'Duration is whole minutes from 5 to 480' });
      else durationMin = n;
    }
    let birthDate = '';
    if (v('dob')) {
      const dob = parseDate(v('dob'));
      if (!dob) errors.push({ column: 'dob', message: `"${v('dob').slice(0, 20)}" is not a date of birth (YYYY-MM-DD or MM/DD/YYYY)` });
      else if (dob > today) errors.push({ column: 'dob', message: 'Date of birth is in the future' });
      else if (dob < '1900-01-01') errors.push({ column: 'dob', message: 'Date of birth is before 1900' });
      else birthDate = dob;
    }
    const sexRaw = v('sex').toLowerCase();
    const sexAtBirth = sexRaw ? SEX[sexRaw] : '';
    if (sexAtBirth === undefined) errors.push({ column: 'sex', message: 'Sex is F, M or U' });
    const phoneDigits = digits(v('phone'));
    const ten = phoneDigits.length === 11 && phoneDigits.startsWith('1') ? phoneDigits.slice(1) : phoneDigits;
    if (v('phone') && ten.length !== 10) errors.push({ column: 'phone', message: 'Phone is a 10-digit US number' });
    if (v('last_name').length > 80) errors.push({ column: 'last_name', message: 'Last name is longer than 80 characters' });
    if (v('first_name').length > 60) errors.push({ column: 'first_name', message: 'First name is longer than 60 characters' });
    if (v('mrn').length > 40) errors.push({ column: 'mrn', message: 'MRN is longer than 40 characters' });
    if (v('note').length > 500) errors.push({ column: 'note', message: 'Note is longer than 500 characters' });
    for (const c of CSV_COLUMNS) {
      // control characters (a line break or tab inside a quoted value) would end up on labels and the board
      if (/[\u0000-\u001f\u007f]/.test(v(c))) errors.push({ column: c, message: 'Contains control characters (line breaks or tabs inside a value)' });
    }
    rows.push({
      line,
      values,
      externalId: v('external_id'),
      start,
      durationMin,
      person: { given: v('first_name'), family: v('last_name'), birthDate, sexAtBirth: sexAtBirth ?? '', phones: ten.length === 10 ? [ten] : [], mrn: v('mrn') },
      errors,
    });
  }
  return { fileErrors: [], rows };
}
