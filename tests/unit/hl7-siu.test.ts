import { describe, expect, it } from 'vitest';
import { Message } from 'node-hl7-client';
import { buildAck, Hl7Refusal, parseHl7DateTime, readMshRaw } from '../../hub/feeds/hl7.js';
import { parseSiu, type SiuMessage } from '../../hub/feeds/siu.js';
import { localToInstant } from '../../shared/visits/feeds/time.js';
import { siu } from './hl7-fixtures.js';

const TZ = 'America/Chicago';
const parse = (text: string): SiuMessage => parseSiu(text, { timeZone: TZ });

function refusal(text: string): Hl7Refusal {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof Hl7Refusal) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** Replaces field `n` (1-based, MSH counts MSH-1) of the first segment named `seg`. */
function setField(text: string, seg: string, n: number, value: string): string {
  return text
    .split('\r')
    .map((line) => {
      if (!line.startsWith(seg)) return line;
      const f = line.split('|');
      const idx = seg === 'MSH' ? n - 1 : n;
      while (f.length <= idx) f.push('');
      f[idx] = value;
      return f.join('|');
    })
    .join('\r');
}

describe('SIU parsing', () => {
  it('maps SCH, TQ1, PID, AIS, AIL, AIP of an S12 into the appointment and patient fields', () => {
    const m = parse(siu());
    expect(m.trigger).toBe('S12');
    expect(m.controlId).toBe('CTRL-S12-1');
    expect(m.fillerId).toBe('FA-1001');
    expect(m.fillerNamespace).toBe('EPIC');
    expect(m.placerId).toBe('PL-1001');
    // 14:00 in Chicago in January (CST, UTC-6)
    expect(m.start).toBe('2026-01-06T20:00:00.000Z');
    expect(m.durationMinutes).toBe(30);
    expect(m.reason).toEqual({ code: 'FOLLOWUP', text: 'Follow-up visit' });
    expect(m.appointmentType).toEqual({ code: 'FU', text: 'Follow-up' });
    expect(m.location).toEqual({ code: 'FAMMED', text: 'Family Medicine' });
    expect(m.provider).toEqual({ code: 'NPI1234567890', family: 'Nguyen', given: 'Linh' });
    expect(m.fillerStatus).toBe('Booked');
    expect(m.patient).toMatchObject({
      mrn: 'E55501',
      family: 'Alvarez',
      given: 'Maria',
      middle: 'L',
      birthDate: '1975-03-14',
      sexAtBirth: 'female',
      phones: ['2175551234'],
      address: { line1: '123 North Main Street', line2: '', city: 'Springfield', state: 'IL', postalCode: '62701' },
    });
  });

  it('reads the start from SCH-11, else TQ1-7, else AIS-4, and honours an explicit offset', () => {
    const noSch11 = setField(siu(), 'SCH', 11, '');
    expect(parse(noSch11).start).toBe('2026-01-06T20:00:00.000Z'); // TQ1-7
    const onlyAis = noSch11.split('\r').filter((s) => !s.startsWith('TQ1')).join('\r');
    expect(parse(onlyAis).start).toBe('2026-01-06T20:00:00.000Z');
    const summer = parse(siu({ start: '202607061400' }));
    expect(summer.start).toBe('2026-07-06T19:00:00.000Z'); // CDT, UTC-5
    expect(parse(siu({ start: '202601061400-0500' })).start).toBe('2026-01-06T19:00:00.000Z');
    expect(parse(siu({ start: '20260106140000+0000' })).start).toBe('2026-01-06T14:00:00.000Z');
  });

  it('reads the duration from SCH-9/10 with units, else SCH-11.3 (M30), else the start and end', () => {
    expect(parse(setField(setField(siu(), 'SCH', 9, '1'), 'SCH', 10, 'H')).durationMinutes).toBe(60);
    const viaTq = setField(setField(siu(), 'SCH', 9, ''), 'SCH', 11, '^^M45^202601061400');
    expect(parse(viaTq.split('\r').filter((s) => !s.startsWith('AIS')).join('\r')).durationMinutes).toBe(45);
    const viaEnd = setField(setField(siu(), 'SCH', 9, ''), 'SCH', 11, '^^^202601061400^202601061420');
    expect(parse(viaEnd.split('\r').filter((s) => !s.startsWith('AIS')).join('\r')).durationMinutes).toBe(20);
  });

  it('unescapes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ and reads repetitions and components', () => {
    const m = parse(siu({ family: 'O\\T\\Brien', given: 'Ann\\S\\Marie' }).replace('^^^RIVERSIDE^MR|', '^^^RIVERSIDE^MR~987654321^^^SSA^SS~DL99^^^IL^DL|'));
    expect(m.patient.family).toBe('O&Brien');
    expect(m.patient.given).toBe('Ann^Marie');
    expect(m.patient.identifiers).toEqual([
      { value: 'E55501', authority: 'RIVERSIDE', type: 'MR' },
      { value: 'DL99', authority: 'IL', type: 'DL' },
    ]);
    // a full SSN is never kept: only its last 4 digits
    expect(m.patient.ssnLast4).toBe('4321');
    expect(JSON.stringify(m)).not.toContain('987654321');
  });

  it('takes the encoding characters from MSH-1/MSH-2 (a feed with # as component separator)', () => {
    const text = siu().replace(/\^/g, '#').replace('MSH|#~\\&|', 'MSH|#~\\&|');
    const m = parse(text);
    expect(m.patient.given).toBe('Maria');
    expect(m.location.code).toBe('FAMMED');
    expect(m.trigger).toBe('S12');
    // and a different field separator
    const bang = siu().replace(/\|/g, '!');
    expect(parse(bang).patient.family).toBe('Alvarez');
  });

  it('accepts \\n or \\r\\n segment separators as engines sometimes send them', () => {
    expect(parse(siu().replace(/\r/g, '\r\n')).fillerId).toBe('FA-1001');
    expect(parse(siu().replace(/\r/g, '\n')).patient.mrn).toBe('E55501');
  });

  it('S15/S26 do not need a start time; S12 does', () => {
    const noTime = (t: string) =>
      setField(siu({ trigger: t }), 'SCH', 11, '')
        .split('\r')
        .filter((s) => !/^(TQ1|AIS|AIP|AIL)/.test(s))
        .join('\r');
    expect(parse(noTime('S15')).start).toBeNull();
    expect(parse(noTime('S26')).trigger).toBe('S26');
    const r = refusal(noTime('S12'));
    expect(r.ackCode).toBe('AR');
    expect(r.errCode).toBe('101');
    expect(r.message).toMatch(/start time/);
  });
});

describe('malformed and unsupported SIU messages are refused (AR) with a clear reason', () => {
  const cases: [string, () => string, RegExp, string][] = [
    ['empty', () => '', /Empty/, '100'],
    ['no MSH', () => siu().split('\r').slice(1).join('\r'), /must start with an MSH/, '100'],
    ['MSH not first', () => ['PID|1', ...siu().split('\r')].join('\r'), /must start with an MSH/, '100'],
    ['bad encoding characters (3)', () => siu().replace('MSH|^~\\&|', 'MSH|^~\\|'), /MSH-2 .*4 characters/, '102'],
    ['encoding characters repeat', () => siu().replace('MSH|^~\\&|', 'MSH|^^\\&|'), /must all differ/, '102'],
    ['letters as encoding characters', () => siu().replace('MSH|^~\\&|', 'MSH|ab\\&|'), /punctuation/, '102'],
    ['garbage segment', () => siu().replace('PV1|1|O', 'hello world'), /not an HL7 segment/, '100'],
    ['two messages in one frame', () => `${siu()}\r${siu()}`, /second MSH/, '100'],
    ['not SIU', () => siu().replace('SIU^S12^SIU_S12', 'ADT^A04^ADT_A01'), /ADT is not accepted/, '200'],
    ['unsupported trigger', () => siu({ trigger: 'S17' }), /SIU\^S17 is not supported/, '201'],
    ['no control id', () => setField(siu(), 'MSH', 10, ''), /MSH-10/, '101'],
    ['training message', () => setField(siu(), 'MSH', 11, 'T'), /processing id "T"/, '202'],
    ['version 2.2', () => siu({ version: '2.2' }), /version "2.2"/, '203'],
    ['no SCH', () => siu().split('\r').filter((s) => !s.startsWith('SCH')).join('\r'), /SCH segment missing/, '100'],
    ['no PID', () => siu().split('\r').filter((s) => !s.startsWith('PID')).join('\r'), /PID segment missing/, '100'],
    ['PID before SCH', () => { const s = siu().split('\r'); return [s[0], s[3], s[1], s[2], ...s.slice(4)].join('\r'); }, /PID before SCH/, '100'],
    ['AIL before PID', () => { const s = siu().split('\r'); return [s[0], s[1], s[7], s[2], s[3], ...s.slice(4, 7), s[8]].join('\r'); }, /AIL before PID/, '100'],
    ['no filler id', () => setField(siu(), 'SCH', 2, ''), /SCH-2 filler appointment id is empty/, '101'],
    ['no patient name on S12', () => siu({ family: '' }), /PID-5 patient name/, '101'],
    ['impossible DOB', () => siu({ dob: '19750230' }), /PID-7 date of birth "19750230" is not a date/, '102'],
    ['DOB in the future', () => siu({ dob: '29990101' }), /in the future/, '102'],
    ['start is not a time', () => siu({ start: '2026-01-06 14:00' }), /start .*is not a date and time/, '102'],
    ['start on Feb 30', () => siu({ start: '202602301400' }), /is not a date and time/, '102'],
    ['start in the DST gap', () => siu({ start: '202603080230' }), /does not exist in America\/Chicago/, '102'],
    ['sex not in table 0001', () => siu({ sex: 'Q' }), /PID-8 sex "Q"/, '103'],
    ['duration not a number', () => setField(siu(), 'SCH', 9, 'half an hour'), /duration "half an hour" is not a number/, '102'],
    ['end before start', () => setField(setField(siu(), 'SCH', 9, ''), 'SCH', 11, '^^^202601061400^202601061300').split('\r').filter((s) => !s.startsWith('AIS')).join('\r'), /ends before it starts/, '102'],
  ];
  for (const [name, make, re, code] of cases) {
    it(name, () => {
      const r = refusal(make());
      expect(r.ackCode).toBe('AR');
      expect(r.message).toMatch(re);
      expect(r.errCode).toBe(code);
    });
  }

  it('a truncated message (cut inside a segment) is refused, not half-read', () => {
    const full = siu();
    const cut = full.slice(0, full.indexOf('PID|') + 2); // "...\rPI"
    const r = refusal(cut);
    expect(r.message).toMatch(/not an HL7 segment|PID segment missing/);
    const cut2 = full.slice(0, full.indexOf('\rPID'));
    expect(refusal(cut2).message).toMatch(/PID segment missing/);
  });
});

describe('ACK', () => {
  const now = new Date('2026-01-05T15:30:00.000Z');
  const parseAck = (text: string) => new Message({ text });

  it('AA mirrors sending/receiving application and facility, version, trigger and the control id', () => {
    const h = readMshRaw(siu({ controlId: 'ABC-77' }))!;
    const ack = buildAck({ inbound: h, code: 'AA', text: 'Appointment booked', controlId: 'OUR-1', now });
    const lines = ack.split('\r');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('MSH|^~\\&|ACCESSDESK|RIVERSIDE CLINIC|EPIC|RIVERSIDE|20260105153000+0000||ACK^S12^ACK|OUR-1|P|2.5.1');
    expect(lines[1]).toBe('MSA|AA|ABC-77|Appointment booked');
  });

  it('AR/AE carry an ERR segment (location, table 0357 code, severity, text) and escape delimiters in the text', () => {
    const h = readMshRaw(siu())!;
    const ack = buildAck({ inbound: h, code: 'AE', text: 'Unknown department code ONC|X^Y & Z', error: { code: '204', location: { segment: 'AIL', field: 3, component: 1 } }, controlId: 'OUR-2', now });
    const m = parseAck(ack);
    expect(m.get('MSA.1').toString()).toBe('AE');
    expect(m.get('MSA.2').toString()).toBe('CTRL-S12-1');
    expect(m.get('MSA.3').toString()).toBe('Unknown department code ONC|X^Y & Z');
    expect(m.get('ERR.2.1').toString()).toBe('AIL');
    expect(m.get('ERR.2.3').toString()).toBe('3');
    expect(m.get('ERR.3.1').toString()).toBe('204');
    expect(m.get('ERR.3.2').toString()).toBe('Unknown key identifier');
    expect(m.get('ERR.3.3').toString()).toBe('HL70357');
    expect(m.get('ERR.4').toString()).toBe('E');
    expect(m.get('ERR.8').toString()).toBe('Unknown department code ONC|X^Y & Z');
    expect(ack.split('\r')[1]).toContain('\\F\\X\\S\\Y \\T\\ Z');
  });

  it('answers a message without MSH with an AR that still parses', () => {
    const ack = buildAck({ inbound: readMshRaw('PID|1||X'), code: 'AR', text: 'The message must start with an MSH segment', error: { code: '100' }, controlId: 'OUR-3', now });
    const m = parseAck(ack);
    expect(m.get('MSA.1').toString()).toBe('AR');
    expect(m.get('MSA.2').toString()).toBe('');
    expect(m.get('MSH.9.1').toString()).toBe('ACK');
  });

  it('mirrors the header of a feed with other delimiters in plain text', () => {
    const h = readMshRaw(siu({ sendingApp: 'CERNER#X' }).replace(/\^/g, '#'))!;
    const ack = buildAck({ inbound: h, code: 'AA', text: 'ok', controlId: 'OUR-4', now });
    expect(ack.split('\r')[0]).toMatch(/^MSH\|\^~\\&\|ACCESSDESK\|RIVERSIDE CLINIC\|CERNER\|RIVERSIDE\|/);
  });
});

describe('site time', () => {
  it('local wall times convert through DST; the spring gap does not exist, the fall overlap takes the earlier instant', () => {
    expect(localToInstant({ y: 2026, m: 3, d: 8, hh: 1, mi: 59, ss: 0 }, TZ)).toBe('2026-03-08T07:59:00.000Z');
    expect(localToInstant({ y: 2026, m: 3, d: 8, hh: 2, mi: 30, ss: 0 }, TZ)).toBeNull();
    expect(localToInstant({ y: 2026, m: 3, d: 8, hh: 3, mi: 0, ss: 0 }, TZ)).toBe('2026-03-08T08:00:00.000Z');
    expect(localToInstant({ y: 2026, m: 11, d: 1, hh: 1, mi: 30, ss: 0 }, TZ)).toBe('2026-11-01T06:30:00.000Z');
    expect(localToInstant({ y: 2026, m: 1, d: 6, hh: 9, mi: 0, ss: 0 }, 'Asia/Kolkata')).toBe('2026-01-06T03:30:00.000Z');
    expect(() => parseHl7DateTime('202601061460', TZ, { segment: 'SCH', field: 11 }, 'start')).toThrow(/not a date and time/);
  });
});
