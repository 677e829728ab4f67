/**
 * HL7 v2 parsing and ACK building for the schedule feed.
 *
 * Library: node-hl7-client (MIT, github.com/Bugs5382/node-hl7-client, no runtime dependencies, TypeScript types,
 * released through 2024-2026). Chosen over the alternatives evaluated on npm because it is the one that parses
 * reliably AND handles what real feeds send: it reads the delimiters from MSH-1/MSH-2 (a feed with '#' as its
 * component separator parses), unescapes \F\ \S\ \T\ \R\ \E\ and \Xhh\ on read, exposes repetitions and
 * components, and escapes on write, which is how we build the ACK. @medplum/core's Hl7Message has buildAck() but
 * returns escape sequences raw (O\T\Brien stays O\T\Brien); hl7-standard and simple-hl7 are older and untyped;
 * hl7v2's published dependency tree does not install (hl7v2-dictionary version missing on the registry). We use the
 * 3.x line: 4.x requires Node 22, AccessDesk runs on Node 20. (Its MLLP client/server are not used by the hub: the
 * listener needs a frame size limit and an ACK sent only after our transaction commits, see mllp.ts.)
 *
 * The library is lenient (it accepts a message whose MSH-2 is garbage, lower-case segment names, ...), so the
 * structural checks an interface engine expects a receiver to make are done here first: MSH first, valid encoding
 * characters, segment names, segment order, required fields, dates. Each refusal is an Hl7Refusal naming the
 * segment and field and an HL7 table 0357 error code; the listener turns it into an AR (or AE) ACK.
 */
import { Message, SegmentList, type HL7Node } from 'node-hl7-client';
import { isRealDate } from '../../shared/dates.js';
import { localToInstant } from '../../shared/visits/feeds/time.js';

/** HL7 table 0008: AA accepted, AE error (well-formed but cannot be applied), AR rejected (malformed/unsupported). */
export type AckCode = 'AA' | 'AE' | 'AR';

/** HL7 table 0357 (message error condition codes) used here. */
export const HL7_ERR = {
  segmentSequence: '100',
  requiredFieldMissing: '101',
  dataType: '102',
  tableValueNotFound: '103',
  unsupportedMessageType: '200',
  unsupportedEvent: '201',
  unsupportedProcessingId: '202',
  unsupportedVersion: '203',
  unknownKey: '204',
  duplicateKey: '205',
  internal: '207',
} as const;
export type Hl7ErrCode = (typeof HL7_ERR)[keyof typeof HL7_ERR];

const ERR_TEXT: Record<Hl7ErrCode, string> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '207': 'Application internal error',
};

export interface Hl7Location {
  segment: string;
  /** 1-based field number (MSH-1 is the field separator) */
  field?: number;
  component?: number;
}

/** A message the hub refuses: AR (malformed or unsupported) or AE (well-formed but cannot be applied). */
export class Hl7Refusal extends Error {
  constructor(
    readonly ackCode: 'AE' | 'AR',
    readonly errCode: Hl7ErrCode,
    message: string,
    readonly location?: Hl7Location,
  ) {
    super(message);
    this.name = 'Hl7Refusal';
  }
}

const ar = (code: Hl7ErrCode, msg: string, loc?: Hl7Location) => new Hl7Refusal('AR', code, msg, loc);

/** Segment separators as sent (\r per the standard; \n and \r\n tolerated) -> \r, trailing separators dropped. */
export function normaliseSegments(text: string): string {
  return text.replace(/\r\n|\n\r|\n/g, '\r').replace(/\r+$/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// The message header: read from the raw text, so even a message the library cannot parse gets a mirrored ACK

export interface MshHeader {
  fieldSeparator: string;
  encodingCharacters: string;
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  /** MSH-7 as sent */
  dateTime: string;
  messageCode: string;
  triggerEvent: string;
  /** MSH-10 */
  controlId: string;
  processingId: string;
  versionId: string;
}

const DEFAULT_ENCODING = '^~\\&';

/**
 * Best-effort header of anything that starts with MSH (used for the ACK even when the message is refused). Returns
 * null when there is no MSH segment at the start. Values are raw (not unescaped): the ACK mirrors them as sent.
 */
export function readMshRaw(text: string): MshHeader | null {
  const t = normaliseSegments(text.replace(/^\uFEFF/, ''));
  if (!t.startsWith('MSH') || t.length < 4) return null;
  const fs = t[3]!;
  const line = t.split('\r')[0]!;
  const f = line.split(fs); // f[0]='MSH', f[1]=MSH-2 (MSH-1 is the separator itself)
  const field = (n: number) => f[n - 1] ?? '';
  const enc = field(2);
  const comp = enc[0] && enc[0] !== fs ? enc[0] : '^';
  const first = (s: string) => s.split(comp)[0] ?? '';
  const msh9 = field(9).split(comp);
  return {
    fieldSeparator: fs,
    encodingCharacters: enc,
    sendingApplication: field(3),
    sendingFacility: field(4),
    receivingApplication: field(5),
    receivingFacility: field(6),
    dateTime: field(7),
    messageCode: msh9[0] ?? '',
    triggerEvent: msh9[1] ?? '',
    controlId: first(field(10)),
    processingId: first(field(11)),
    versionId: first(field(12)),
  };
}

function checkEncoding(h: MshHeader): void {
  const fs = h.fieldSeparator;
  const loc = { segment: 'MSH', field: 2 };
  if (/[A-Za-z0-9\s]/.test(fs)) throw ar(HL7_ERR.dataType, `MSH-1 field separator "${fs}" must be a punctuation character`, { segment: 'MSH', field: 1 });
  const enc = h.encodingCharacters;
  // 4 characters (component, repetition, escape, subcomponent); HL7 2.7+ may add a 5th (truncation, usually '#').
  if (enc.length !== 4 && enc.length !== 5) throw ar(HL7_ERR.dataType, `MSH-2 encoding characters must be 4 characters (like ${DEFAULT_ENCODING}); got ${enc.length}`, loc);
  const all = fs + enc;
  if (new Set(all).size !== all.length) throw ar(HL7_ERR.dataType, 'MSH-2 encoding characters must all differ from each other and from the field separator', loc);
  if (/[A-Za-z0-9\s]/.test(enc)) throw ar(HL7_ERR.dataType, 'MSH-2 encoding characters must be punctuation, not letters, digits or spaces', loc);
}

// ---------------------------------------------------------------------------------------------------------------
// Parsed message with typed accessors

/** One parsed segment occurrence; field/component numbers are 1-based like HL7 paths (PID-5.2). */
export class Seg {
  constructor(
    readonly name: string,
    private readonly node: HL7Node,
  ) {}
  /** Component `c` (default 1) of the first repetition of field `f`, unescaped and trimmed ('' when absent). */
  get(f: number, c = 1, sub?: number): string {
    const path = sub ? `${f}.${c}.${sub}` : `${f}.${c}`;
    return this.node.get(path).toString().trim();
  }
  /** Every repetition of field `f`: for each, a function from component number to its value. */
  reps(f: number): ((c: number) => string)[] {
    const field = this.node.get(String(f));
    const out: ((c: number) => string)[] = [];
    if (field.isEmpty()) return out; // absent field: the library's empty node cannot be iterated
    field.forEach((rep) => out.push((c: number) => rep.get(c - 1).toString().trim()));
    return out;
  }
}

export interface ParsedHl7 {
  header: MshHeader;
  /** segment names in order */
  names: string[];
  /** every occurrence of a segment (in order) */
  all(name: string): Seg[];
  first(name: string): Seg | undefined;
}

const SEGMENT_NAME = /^[A-Z][A-Z0-9]{2}$/;

/** Structural parse: throws Hl7Refusal (AR) for anything that is not a well-formed HL7 v2 message. */
export function parseHl7(text: string): ParsedHl7 {
  const t = normaliseSegments(text.replace(/^\uFEFF/, ''));
  if (t.trim() === '') throw ar(HL7_ERR.segmentSequence, 'Empty message');
  if (!t.startsWith('MSH')) throw ar(HL7_ERR.segmentSequence, `The message must start with an MSH segment; it starts with "${t.slice(0, 3).replace(/[^\x20-\x7e]/g, '?')}"`, { segment: 'MSH' });
  const header = readMshRaw(t)!;
  checkEncoding(header);
  const fs = header.fieldSeparator;
  const lines = t.split('\r');
  const names: string[] = [];
  lines.forEach((line, i) => {
    const name = line.slice(0, 3);
    if (!SEGMENT_NAME.test(name) || (line.length > 3 && line[3] !== fs)) {
      throw ar(HL7_ERR.segmentSequence, `Segment ${i + 1} is not an HL7 segment (a segment starts with a 3-letter name like PID followed by "${fs}")`);
    }
    if (name === 'MSH' && i > 0) throw ar(HL7_ERR.segmentSequence, `A second MSH segment at segment ${i + 1}: send one message per MLLP frame`, { segment: 'MSH' });
    names.push(name);
  });
  let msg: Message;
  try {
    msg = new Message({ text: t });
  } catch (e) {
    throw ar(HL7_ERR.dataType, `The message cannot be parsed: ${(e as Error).message}`);
  }
  const cache = new Map<string, Seg[]>();
  const all = (name: string): Seg[] => {
    let segs = cache.get(name);
    if (!segs) {
      segs = [];
      if (names.includes(name)) {
        const n = msg.get(name);
        if (n instanceof SegmentList) for (let i = 0; i < n.length; i++) segs.push(new Seg(name, n.get(i)));
        else segs.push(new Seg(name, n));
      }
      cache.set(name, segs);
    }
    return segs;
  };
  return { header, names, all, first: (name) => all(name)[0] };
}

// ---------------------------------------------------------------------------------------------------------------
// HL7 dates and times

/** HL7 DT (YYYYMMDD; YYYY, YYYYMM are too imprecise for a birth date): ISO date or a refusal. */
export function parseHl7Date(raw: string, loc: Hl7Location, label: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{0,6}(\.\d{1,4})?([+-]\d{4})?)?$/.exec(raw);
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw ar(HL7_ERR.dataType, `${loc.segment}-${loc.field} ${label} "${raw.slice(0, 30)}" is not a date (YYYYMMDD)`, loc);
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * HL7 DTM YYYYMMDDHHMM[SS[.S+]][+/-ZZZZ] -> ISO instant. Without an offset the time is the site's local time
 * (`timeZone`). Minutes are required: an appointment needs a time.
 */
export function parseHl7DateTime(raw: string, timeZone: string, loc: Hl7Location, label: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d{1,4})?(?:([+-])(\d{2})(\d{2}))?$/.exec(raw);
  const bad = () => ar(HL7_ERR.dataType, `${loc.segment}-${loc.field}${loc.component ? `.${loc.component}` : ''} ${label} "${raw.slice(0, 30)}" is not a date and time (YYYYMMDDHHMM[SS][+/-ZZZZ])`, loc);
  if (!m) throw bad();
  const t = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]), hh: Number(m[4]), mi: Number(m[5]), ss: Number(m[6] ?? 0) };
  if (!isRealDate(t.y, t.m, t.d) || t.hh > 23 || t.mi > 59 || t.ss > 59) throw bad();
  if (m[7]) {
    const off = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === '-' ? -1 : 1);
    if (Number(m[8]) > 14 || Number(m[9]) > 59) throw bad();
    return new Date(Date.UTC(t.y, t.m - 1, t.d, t.hh, t.mi, t.ss) - off).toISOString();
  }
  const iso = localToInstant(t, timeZone);
  if (!iso) throw ar(HL7_ERR.dataType, `${loc.segment}-${loc.field} ${label} "${raw}" does not exist in ${timeZone} (daylight-saving gap)`, loc);
  return iso;
}

/** HL7 TS/DTM for MSH-7 of our ACK (UTC with offset, to the second). */
export function hl7Now(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14) + '+0000';
}

// ---------------------------------------------------------------------------------------------------------------
// ACK

export interface AckInput {
  /** the inbound header (mirrored); null when the inbound had no readable MSH */
  inbound: MshHeader | null;
  code: AckCode;
  /** MSA-3 / ERR-8 text (plain; escaped here) */
  text: string;
  error?: { code: Hl7ErrCode; location?: Hl7Location; severity?: 'E' | 'W' };
  /** our MSH-10 */
  controlId: string;
  now: Date;
}

/**
 * Builds the ACK: MSH mirrors the inbound (our MSH-3/4 = its MSH-5/6, our MSH-5/6 = its MSH-3/4), same version and
 * processing id, MSH-9 ACK^<trigger>^ACK; MSA-1 code, MSA-2 the inbound MSH-10, MSA-3 text; ERR (2.5 layout:
 * ERR-2 location, ERR-3 HL7 error code from table 0357, ERR-4 severity, ERR-8 user message) for AE/AR.
 * Always answers with the standard delimiters |^~\& (a receiver may choose its own; every engine reads them).
 */
export function buildAck(a: AckInput): string {
  const h = a.inbound;
  const trig = h?.triggerEvent && /^[A-Z0-9]{3}$/.test(h.triggerEvent) ? h.triggerEvent : '';
  const version = h?.versionId && /^2\.\d(\.\d)?$/.test(h.versionId) ? h.versionId : '2.5.1';
  const proc = h?.processingId && /^[PTD]$/.test(h.processingId) ? h.processingId : 'P';
  const skeleton = `MSH|^~\\&|||||${hl7Now(a.now)}||ACK${trig ? `^${trig}^ACK` : ''}||${proc}|${version}\rMSA|${a.code}|`;
  const msg = new Message({ text: skeleton });
  // Values mirrored from the inbound header were raw in ITS delimiters: take their first component in plain text.
  const plain = (raw: string) => (h ? raw.split(h.encodingCharacters[0] ?? '^')[0]! : '').replace(/[\r\n]/g, ' ').slice(0, 180);
  if (h) {
    msg.set('MSH.3', plain(h.receivingApplication));
    msg.set('MSH.4', plain(h.receivingFacility));
    msg.set('MSH.5', plain(h.sendingApplication));
    msg.set('MSH.6', plain(h.sendingFacility));
    msg.set('MSA.2', plain(h.controlId));
  }
  msg.set('MSH.10', a.controlId);
  const text = a.text.replace(/[\r\n]+/g, ' ').slice(0, 500);
  msg.set('MSA.3', text);
  let out = msg.toString();
  if (a.code !== 'AA' && a.error) {
    const e = a.error;
    const err = new Message({ text: `MSH|^~\\&|||||||ACK||P|2.5.1\rERR|` });
    if (e.location) {
      err.set('ERR.2.1', e.location.segment);
      err.set('ERR.2.2', '1');
      if (e.location.field) err.set('ERR.2.3', String(e.location.field));
      if (e.location.component) err.set('ERR.2.5', String(e.location.component));
    }
    err.set('ERR.3.1', e.code);
    err.set('ERR.3.2', ERR_TEXT[e.code]);
    err.set('ERR.3.3', 'HL70357');
    err.set('ERR.4', e.severity ?? 'E');
    err.set('ERR.8', text);
    out += '\r' + err.toString().split('\r')[1]!;
  }
  return out;
}
