/**
 * SIU (scheduling information unsolicited) messages -> a typed, validated SiuMessage. Structure (HL7 2.3-2.8):
 *
 *   MSH [SFT] SCH [TQ1] [NTE] PID [PD1] [PV1] [PV2] [OBX] [DG1] {RGS [AIS [NTE]] [AIG] [AIL] [AIP]}
 *
 * Supported triggers: S12 new, S13 reschedule, S14 modify, S15 cancel, S26 no-show. What is read:
 *   SCH-1 placer appointment id, SCH-2 filler appointment id (the key: S13..S26 find the appointment by it),
 *   SCH-7 reason (CE), SCH-8 appointment type (CE), SCH-9/10 duration + units, SCH-11 timing (TQ: .3 duration,
 *   .4 start, .5 end), SCH-6 event reason (cancel/no-show reason), SCH-25 filler status;
 *   TQ1-6 duration (CQ), TQ1-7 start, TQ1-8 end (2.5+, when SCH-11 is empty);
 *   PID-3 identifiers (CX, repeating; type MR = medical record number), PID-5 name, PID-7 DOB, PID-8 sex,
 *   PID-11 address, PID-13/14 phones (XTN; an email in XTN-4), PID-19 SSN (only its last 4 digits are kept);
 *   AIS-3 service (the appointment type when SCH-8 is empty), AIS-4 start, AIS-7/8 duration;
 *   AIL-3 location (PL: .1 point of care = department code, .9 description); AIL-4 location type;
 *   AIP-3 personnel (XCN: .1 id = provider code, .2 family, .3 given), AIP-6 start.
 * With several AIL/AIP/AIS resources the first of each is used.
 */
import { HL7_ERR, Hl7Refusal, parseHl7, parseHl7Date, parseHl7DateTime, type Hl7Location, type MshHeader, type ParsedHl7, type Seg } from './hl7.js';
import { digits } from '../../shared/text.js';

export const SIU_TRIGGERS = ['S12', 'S13', 'S14', 'S15', 'S26'] as const;
export type SiuTrigger = (typeof SIU_TRIGGERS)[number];

export interface CodedValue {
  code: string;
  text: string;
}

export interface SiuPatient {
  /** PID-3 identifiers (type '' when not given) */
  identifiers: { value: string; type: string; authority: string }[];
  /** the MR identifier (PID-3 with type MR, else the first PID-3), '' when none */
  mrn: string;
  family: string;
  given: string;
  middle: string;
  suffix: string;
  /** ISO date or '' */
  birthDate: string;
  sexAtBirth: 'female' | 'male' | 'unknown';
  /** 10-digit US numbers (others dropped) */
  phones: string[];
  email: string;
  address: { line1: string; line2: string; city: string; state: string; postalCode: string } | null;
  /** last 4 digits of PID-19 (or a PID-3 SS), '' when none */
  ssnLast4: string;
}

export interface SiuMessage {
  header: MshHeader;
  trigger: SiuTrigger;
  controlId: string;
  fillerId: string;
  fillerNamespace: string;
  placerId: string;
  /** ISO instant; null only for S15/S26 without timing */
  start: string | null;
  durationMinutes: number | null;
  reason: CodedValue;
  appointmentType: CodedValue;
  service: CodedValue;
  eventReason: CodedValue;
  fillerStatus: string;
  location: CodedValue;
  provider: { code: string; family: string; given: string };
  patient: SiuPatient;
}

export interface SiuOptions {
  /** the site's time zone: times without an offset are local times there */
  timeZone: string;
  /** MSH-11 processing ids accepted (default P only: training/debug messages must not reach production data) */
  processingIds?: readonly string[];
}

const refuse = (code: (typeof HL7_ERR)[keyof typeof HL7_ERR], msg: string, loc?: Hl7Location) => new Hl7Refusal('AR', code, msg, loc);

function coded(s: Seg | undefined, f: number): CodedValue {
  return s ? { code: s.get(f, 1), text: s.get(f, 2) || s.get(f, 1) } : { code: '', text: '' };
}

const RESOURCE_SEGMENTS = new Set(['RGS', 'AIS', 'AIG', 'AIL', 'AIP']);

function checkOrder(p: ParsedHl7): void {
  const n = p.names;
  const count = (name: string) => n.filter((x) => x === name).length;
  if (count('SCH') === 0) throw refuse(HL7_ERR.segmentSequence, 'SCH segment missing: an SIU message needs the schedule activity (SCH)', { segment: 'SCH' });
  if (count('SCH') > 1) throw refuse(HL7_ERR.segmentSequence, 'More than one SCH segment', { segment: 'SCH' });
  if (count('PID') === 0) throw refuse(HL7_ERR.segmentSequence, 'PID segment missing: the appointment must name its patient', { segment: 'PID' });
  if (count('PID') > 1) throw refuse(HL7_ERR.segmentSequence, 'More than one PID segment (one patient per appointment)', { segment: 'PID' });
  const sch = n.indexOf('SCH');
  const pid = n.indexOf('PID');
  for (let i = 1; i < sch; i++) {
    if (n[i] !== 'SFT') throw refuse(HL7_ERR.segmentSequence, `Segment ${n[i]} before SCH: SCH follows MSH (and SFT)`, { segment: n[i]! });
  }
  if (pid < sch) throw refuse(HL7_ERR.segmentSequence, 'PID before SCH: the order is MSH, SCH, PID, then the resources', { segment: 'PID' });
  const firstResource = n.findIndex((x) => RESOURCE_SEGMENTS.has(x));
  if (firstResource !== -1 && firstResource < pid) {
    throw refuse(HL7_ERR.segmentSequence, `${n[firstResource]} before PID: resource segments (RGS, AIS, AIG, AIL, AIP) follow the patient`, { segment: n[firstResource]! });
  }
}

/** Minutes from a duration value and units (CE, MIN/H/S or M/H/S letters; default minutes). */
function minutesOf(value: string, units: string, loc: Hl7Location): number | null {
  if (value === '') return null;
  // TQ-3 style "M30" / "H1" / "S1800"
  const tq = /^([SMHD])(\d+)$/.exec(value);
  let n: number;
  let u = units.toUpperCase();
  if (tq) {
    n = Number(tq[2]);
    u = tq[1]!;
  } else {
    if (!/^\d+(\.\d+)?$/.test(value)) throw refuse(HL7_ERR.dataType, `${loc.segment}-${loc.field} duration "${value.slice(0, 20)}" is not a number`, loc);
    n = Number(value);
  }
  const mins = u.startsWith('S') ? n / 60 : u.startsWith('H') ? n * 60 : u.startsWith('D') ? n * 1440 : n;
  const r = Math.round(mins);
  if (r < 1 || r > 24 * 60) throw refuse(HL7_ERR.dataType, `${loc.segment}-${loc.field} duration ${value} ${units} is outside 1 minute to 24 hours`, loc);
  return r;
}

function readTiming(p: ParsedHl7, tz: string): { start: string | null; end: string | null; duration: number | null } {
  const sch = p.first('SCH')!;
  const tq1 = p.first('TQ1');
  const ais = p.first('AIS');
  const aip = p.first('AIP');
  const ail = p.first('AIL');
  const candidates: [string, Hl7Location][] = [
    [sch.get(11, 4), { segment: 'SCH', field: 11, component: 4 }],
    [tq1?.get(7) ?? '', { segment: 'TQ1', field: 7 }],
    [ais?.get(4) ?? '', { segment: 'AIS', field: 4 }],
    [aip?.get(6) ?? '', { segment: 'AIP', field: 6 }],
    [ail?.get(6) ?? '', { segment: 'AIL', field: 6 }],
  ];
  const hit = candidates.find(([v]) => v !== '');
  const start = hit ? parseHl7DateTime(hit[0], tz, hit[1], 'start') : null;
  const endRaw = sch.get(11, 5) || tq1?.get(8) || '';
  const end = endRaw ? parseHl7DateTime(endRaw, tz, { segment: sch.get(11, 5) ? 'SCH' : 'TQ1', field: sch.get(11, 5) ? 11 : 8 }, 'end') : null;
  let duration =
    minutesOf(sch.get(9), sch.get(10), { segment: 'SCH', field: 9 }) ??
    minutesOf(sch.get(11, 3), '', { segment: 'SCH', field: 11, component: 3 }) ??
    (tq1 ? minutesOf(tq1.get(6, 1), tq1.get(6, 2), { segment: 'TQ1', field: 6 }) : null) ??
    (ais ? minutesOf(ais.get(7), ais.get(8), { segment: 'AIS', field: 7 }) : null);
  if (duration === null && start && end) {
    const mins = Math.round((Date.parse(end) - Date.parse(start)) / 60_000);
    if (mins < 1 || mins > 24 * 60) throw refuse(HL7_ERR.dataType, 'The appointment ends before it starts (or lasts more than 24 hours)', { segment: 'SCH', field: 11 });
    duration = mins;
  }
  return { start, end, duration };
}

const SEX: Record<string, SiuPatient['sexAtBirth']> = { F: 'female', M: 'male', U: 'unknown', O: 'unknown', A: 'unknown', N: 'unknown', '': 'unknown' };

function readPatient(pid: Seg, trigger: SiuTrigger): SiuPatient {
  const identifiers = pid
    .reps(3)
    .map((c) => ({ value: c(1), authority: c(4), type: c(5).toUpperCase() }))
    .filter((x) => x.value !== '');
  const mr = identifiers.find((x) => x.type === 'MR') ?? identifiers.find((x) => x.type === '' || x.type === 'PI' || x.type === 'PT');
  const family = pid.get(5, 1);
  const given = pid.get(5, 2);
  if (trigger === 'S12' && (!family || !given)) {
    throw refuse(HL7_ERR.requiredFieldMissing, `PID-5 patient name needs a family name (PID-5.1) and a given name (PID-5.2) for a new appointment`, { segment: 'PID', field: 5 });
  }
  const dobRaw = pid.get(7);
  const birthDate = dobRaw ? parseHl7Date(dobRaw, { segment: 'PID', field: 7 }, 'date of birth') : '';
  if (birthDate && birthDate > new Date().toISOString().slice(0, 10)) {
    throw refuse(HL7_ERR.dataType, `PID-7 date of birth ${dobRaw} is in the future`, { segment: 'PID', field: 7 });
  }
  const sexRaw = pid.get(8).toUpperCase();
  const sexAtBirth = SEX[sexRaw];
  if (!sexAtBirth) throw refuse(HL7_ERR.tableValueNotFound, `PID-8 sex "${sexRaw.slice(0, 5)}" is not an HL7 table 0001 value (F, M, U, O, A, N)`, { segment: 'PID', field: 8 });
  const phones: string[] = [];
  let email = '';
  for (const f of [13, 14]) {
    for (const c of pid.reps(f)) {
      if (c(4).includes('@') && !email) email = c(4).toLowerCase();
      const d = c(6) || c(7) ? digits(`${c(6)}${c(7)}`) : digits(c(1));
      const ten = d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
      if (ten.length === 10 && !phones.includes(ten)) phones.push(ten);
    }
  }
  const a = pid.reps(11)[0];
  const address = a && a(1) ? { line1: a(1), line2: a(2), city: a(3), state: a(4).toUpperCase(), postalCode: a(5) } : null;
  const ssnRaw = digits(pid.get(19)) || digits(identifiers.find((x) => x.type === 'SS')?.value ?? '');
  return {
    identifiers: identifiers.filter((x) => x.type !== 'SS'), // never keep a full SSN
    mrn: mr?.value ?? '',
    family,
    given,
    middle: pid.get(5, 3),
    suffix: pid.get(5, 4),
    birthDate,
    sexAtBirth,
    phones,
    email,
    address,
    ssnLast4: ssnRaw.length >= 4 ? ssnRaw.slice(-4) : '',
  };
}

/** Parses and validates an SIU message; throws Hl7Refusal (AR) naming what is wrong. */
export function parseSiu(text: string, opts: SiuOptions): SiuMessage {
  const p = parseHl7(text);
  const h = p.header;
  if (!h.controlId) throw refuse(HL7_ERR.requiredFieldMissing, 'MSH-10 message control id is empty', { segment: 'MSH', field: 10 });
  if (h.controlId.length > 199) throw refuse(HL7_ERR.dataType, 'MSH-10 message control id is longer than 199 characters', { segment: 'MSH', field: 10 });
  if (!h.messageCode) throw refuse(HL7_ERR.requiredFieldMissing, 'MSH-9 message type is empty', { segment: 'MSH', field: 9 });
  if (h.messageCode !== 'SIU') throw refuse(HL7_ERR.unsupportedMessageType, `Message type ${h.messageCode.slice(0, 10)} is not accepted here: this interface takes SIU scheduling messages`, { segment: 'MSH', field: 9 });
  if (!(SIU_TRIGGERS as readonly string[]).includes(h.triggerEvent)) {
    throw refuse(HL7_ERR.unsupportedEvent, `SIU^${h.triggerEvent.slice(0, 10)} is not supported (supported: ${SIU_TRIGGERS.join(', ')})`, { segment: 'MSH', field: 9, component: 2 });
  }
  const procs = opts.processingIds ?? ['P'];
  if (!procs.includes(h.processingId)) throw refuse(HL7_ERR.unsupportedProcessingId, `MSH-11 processing id "${h.processingId.slice(0, 3)}" is not accepted (accepted: ${procs.join(', ')})`, { segment: 'MSH', field: 11 });
  if (!/^2\.[3-8](\.\d+)?$/.test(h.versionId)) throw refuse(HL7_ERR.unsupportedVersion, `MSH-12 version "${h.versionId.slice(0, 10)}" is not supported (2.3 to 2.8)`, { segment: 'MSH', field: 12 });
  checkOrder(p);
  const trigger = h.triggerEvent as SiuTrigger;
  const sch = p.first('SCH')!;
  const fillerId = sch.get(2, 1);
  if (!fillerId) throw refuse(HL7_ERR.requiredFieldMissing, 'SCH-2 filler appointment id is empty: AccessDesk keys the appointment by it', { segment: 'SCH', field: 2 });
  if (fillerId.length > 80) throw refuse(HL7_ERR.dataType, 'SCH-2 filler appointment id is longer than 80 characters', { segment: 'SCH', field: 2 });
  const timing = readTiming(p, opts.timeZone);
  if ((trigger === 'S12' || trigger === 'S13' || trigger === 'S14') && !timing.start) {
    throw refuse(HL7_ERR.requiredFieldMissing, `SIU^${trigger} needs the start time: SCH-11.4, TQ1-7 or AIS-4`, { segment: 'SCH', field: 11, component: 4 });
  }
  const ail = p.first('AIL');
  const aip = p.first('AIP');
  const ais = p.first('AIS');
  const location: CodedValue = ail ? { code: ail.get(3, 1), text: ail.get(3, 9) || ail.get(3, 1) } : { code: '', text: '' };
  const appointmentType = coded(sch, 8);
  return {
    header: h,
    trigger,
    controlId: h.controlId,
    fillerId,
    fillerNamespace: sch.get(2, 2),
    placerId: sch.get(1, 1),
    start: timing.start,
    durationMinutes: timing.duration,
    reason: coded(sch, 7),
    appointmentType,
    service: coded(ais, 3),
    eventReason: coded(sch, 6),
    fillerStatus: sch.get(25, 1),
    location,
    provider: { code: aip?.get(3, 1) ?? '', family: aip?.get(3, 2) ?? '', given: aip?.get(3, 3) ?? '' },
    patient: readPatient(p.first('PID')!, trigger),
  };
}
