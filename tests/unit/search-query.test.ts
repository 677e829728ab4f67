import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSearchQuery, TIER_SINGLE_FAMILY, oneSlipVariants, saintVariants, germanAscii, bareUmlautKey, suffixKey } from '../../shared/patients/search-query.js';
import { editDistance } from '../../shared/patients/nicknames.js';
import { formatMrn, isValidMrn, luhnCheckDigit, mrnSerial } from '../../shared/patients/mrn-format.js';

const TODAY = '2025-06-30';
const parse = (q: string, today = TODAY) => parseSearchQuery(q, today);
const pairs = (q: string) => parse(q).names.map((n) => [n.family, n.given]);

describe('name readings', () => {
  it('"last, first" is one reading', () => {
    const p = parse('garcia, maria');
    expect(pairs('garcia, maria')).toEqual([['garcia', 'maria']]);
    expect(p.interpretations).toEqual(["last name starts with 'garcia', first name starts with 'maria'"]);
    expect(p.birthDates).toEqual([]);
    expect(p.mrn).toBeNull();
    expect(p.phone).toBeNull();
  });

  it('"first last" reads both ways, and as one multi-part last name', () => {
    expect(pairs('maria garcia')).toEqual([
      ['garcia', 'maria'],
      ['maria', 'garcia'],
      ['mariagarcia', ''],
    ]);
  });

  it('prefix pairs with and without a space after the comma', () => {
    expect(pairs('smi,joh')).toEqual([['smi', 'joh']]);
    expect(pairs('smi, j')).toEqual([['smi', 'j']]);
    expect(parse('smi,joh').interpretations).toEqual(["last name starts with 'smi', first name starts with 'joh'"]);
  });

  it('a single token is a last name first, then a first name', () => {
    const p = parse('smi');
    expect(p.names.map((n) => [n.family, n.given, n.tier])).toEqual([
      ['smi', '', TIER_SINGLE_FAMILY],
      ['', 'smi', 0],
    ]);
    expect(p.interpretations).toEqual(["last name starts with 'smi'", "first name starts with 'smi'"]);
  });

  it('folds case, accents and punctuation like the stored keys', () => {
    expect(pairs('García')[0]).toEqual(['garcia', '']);
    expect(pairs("O'BRIEN")[0]).toEqual(['obrien', '']);
    expect(pairs('Smith-Jones')[0]).toEqual(['smithjones', '']);
    expect(pairs('smith jones')).toContainEqual(['smithjones', '']);
    expect(pairs('de la cruz')).toContainEqual(['delacruz', '']);
    expect(pairs('Núñez, Zoë')).toEqual([['nunez', 'zoe']]);
    expect(pairs('de la cruz, maría josé')).toEqual([
      ['delacruz', 'mariajose'],
      ['delacruz', 'maria'],
    ]);
  });

  it('a middle initial after the first name is also read without it', () => {
    expect(pairs('smith, john a')).toEqual([
      ['smith', 'johna'],
      ['smith', 'john'],
    ]);
  });

  it('a first name alone after a leading comma', () => {
    expect(pairs(', john')).toEqual([['', 'john']]);
  });
});

describe('dates of birth', () => {
  it.each([
    ['03/14/1975', '1975-03-14'],
    ['3/14/75', '1975-03-14'],
    ['1975-03-14', '1975-03-14'],
    ['03141975', '1975-03-14'],
    ['3-14-1975', '1975-03-14'],
    ['03.14.1975', '1975-03-14'],
  ])('%s is a date of birth', (q, iso) => {
    const p = parse(q);
    expect(p.birthDates).toEqual([iso]);
    expect(p.names).toEqual([]);
    expect(p.interpretations).toContain('date of birth 03/14/1975');
    expect(p.empty).toBe(false);
  });

  it('two-digit years take the latest century that does not put the birth in the future', () => {
    expect(parse('1/2/05').birthDates).toEqual(['2005-01-02']);
    expect(parse('1/2/30').birthDates).toEqual(['1930-01-02']);
    expect(parse('6/30/25').birthDates).toEqual(['2025-06-30']); // today
    expect(parse('7/1/25').birthDates).toEqual(['1925-07-01']); // tomorrow would be the future
    expect(parse('1/2/80').birthDates).toEqual(['1980-01-02']);
    // the same text on another day
    expect(parse('1/2/30', '2031-01-01').birthDates).toEqual(['2030-01-02']);
  });

  it('impossible dates are not dates of birth', () => {
    for (const q of ['02/30/2001', '13/01/1990', '02/29/2001', '00/10/1990', '02302001']) {
      const p = parse(q);
      expect(p.birthDates, q).toEqual([]);
      expect(p.empty, q).toBe(true);
      expect(p.interpretations.join(' '), q).toMatch(/not a real date of birth/);
    }
    expect(parse('02/29/2000').birthDates).toEqual(['2000-02-29']); // a real leap day
  });

  it('future dates are not dates of birth', () => {
    expect(parse('01/01/2030').birthDates).toEqual([]);
    expect(parse('2025-07-01').birthDates).toEqual([]);
  });

  it('name + date of birth, in either order and with "last, first"', () => {
    const a = parse('garcia 03/14/1975');
    expect(a.birthDates).toEqual(['1975-03-14']);
    expect(a.names.map((n) => [n.family, n.given])).toEqual([
      ['garcia', ''],
      ['', 'garcia'],
    ]);
    const b = parse('smith, john 1/2/80');
    expect(b.birthDates).toEqual(['1980-01-02']);
    expect(b.names.map((n) => [n.family, n.given])).toEqual([['smith', 'john']]);
    expect(b.interpretations).toEqual(["last name starts with 'smith', first name starts with 'john'", 'date of birth 01/02/1980']);
    expect(parse('03/14/1975 maria garcia').names.map((n) => [n.family, n.given])).toContainEqual(['garcia', 'maria']);
  });

  it('a bad date next to a name is reported and left out', () => {
    const p = parse('garcia 02/30/2001');
    expect(p.birthDates).toEqual([]);
    expect(p.names[0]!.family).toBe('garcia');
    expect(p.interpretations[0]).toMatch(/'02\/30\/2001' is not a real date of birth/);
  });
});

describe('digits next to a name', () => {
  it('are left out of the name and said so', () => {
    const p = parse('smith 3125550101');
    expect(p.names.map((n) => [n.family, n.given])).toEqual([
      ['smith', ''],
      ['', 'smith'],
    ]);
    expect(p.phone).toBeNull();
    expect(p.interpretations[0]).toMatch(/'3125550101' left out/);
  });
});

describe('phone numbers', () => {
  it.each(['(555) 123-4567', '555.123.4567', '5551234567', '+1 555 123 4567', '555-123-4567', '1-555-123-4567'])('%s is a phone number', (q) => {
    const p = parse(q);
    expect(p.phone).toBe('5551234567');
    expect(p.names).toEqual([]);
    expect(p.birthDates).toEqual([]);
    expect(p.interpretations).toEqual(['phone (555) 123-4567']);
  });

  it('other digit counts are not phone numbers', () => {
    expect(parse('555123456').phone).toBeNull();
    expect(parse('25551234567').phone).toBeNull(); // 11 digits not starting with 1
    expect(parse('555123456').empty).toBe(true);
  });
});

describe('MRN', () => {
  it('the check digit is Luhn: the textbook example and single-digit typos', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(formatMrn(1)).toBe(`0000001${luhnCheckDigit('0000001')}`);
    expect(mrnSerial(formatMrn(4_000_123))).toBe(4_000_123);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 9 }), (serial, pos, delta) => {
        const mrn = formatMrn(serial);
        expect(isValidMrn(mrn)).toBe(true);
        const d = (Number(mrn[pos]) + delta) % 10;
        const typo = mrn.slice(0, pos) + String(d) + mrn.slice(pos + 1);
        expect(isValidMrn(typo)).toBe(false);
      }),
    );
    expect(isValidMrn('1234567')).toBe(false);
    expect(isValidMrn('123456789')).toBe(false);
    expect(isValidMrn('1234567a')).toBe(false);
  });

  it('a valid 8-digit MRN is searched as an MRN; an invalid check digit is not', () => {
    const mrn = formatMrn(4_000_042);
    expect(parse(mrn).mrn).toBe(mrn);
    expect(parse(mrn).interpretations).toContain(`MRN ${mrn}`);
    const bad = mrn.slice(0, 7) + String((Number(mrn[7]) + 1) % 10);
    expect(parse(bad).mrn).toBeNull();
  });

  it('an 8-digit string that is both a valid MRN and a MMDDYYYY date is searched as both', () => {
    // find a real date whose MMDDYYYY form happens to carry a valid check digit
    let both = '';
    for (let day = 1; day <= 28 && !both; day++) {
      for (let year = 1950; year <= 1999 && !both; year++) {
        const s = `03${String(day).padStart(2, '0')}${year}`;
        if (isValidMrn(s)) both = s;
      }
    }
    expect(both).not.toBe('');
    const p = parse(both);
    expect(p.mrn).toBe(both);
    expect(p.birthDates).toEqual([`${both.slice(4)}-03-${both.slice(2, 4)}`]);
    expect(p.interpretations).toHaveLength(2);

    // and one that is only a date
    let dateOnly = '';
    for (let year = 1950; year <= 1999 && !dateOnly; year++) if (!isValidMrn(`0314${year}`)) dateOnly = `0314${year}`;
    expect(parse(dateOnly).mrn).toBeNull();
    expect(parse(dateOnly).birthDates).toHaveLength(1);
  });
});

describe('empty and junk', () => {
  it.each(['', '   ', '\t', ',', "'", ' - '])('%j has nothing to search', (q) => {
    const p = parse(q);
    expect(p.empty).toBe(true);
    expect(p.names).toEqual([]);
  });
});

describe('forgiving readings (issue 12)', () => {
  it('one-slip variants: every key one edit or one swap away, and only those', () => {
    const v = oneSlipVariants('smtih');
    expect(v).toContain('smith'); // swap
    expect(oneSlipVariants('jonhson')).toContain('johnson');
    expect(oneSlipVariants('muller')).toContain('mueller'); // insertion
    expect(oneSlipVariants('smth')).toContain('smith');
    expect(v).not.toContain('smtih');
    for (const k of v) expect(editDistance('smtih', k), k).toBe(1);
    expect(new Set(v).size).toBe(v.length);
    expect(oneSlipVariants('ann')).toEqual([]); // too short to forgive
  });

  it('Saint / St. / St / Ste', () => {
    expect(saintVariants('saintjohn')).toContain('stjohn');
    expect(saintVariants('stjohn')).toContain('saintjohn');
    expect(saintVariants('saintemarie')).toContain('stemarie');
    expect(saintVariants('stemarie')).toContain('saintemarie');
    // ordinary names that start with St are left alone
    for (const k of ['stone', 'stewart', 'stevens', 'stephens', 'steele', 'stern', 'strong']) expect(saintVariants(k), k).toEqual([]);
  });

  it('German transliterations: ü/ö/ä as ue/oe/ae, and back to the bare vowel the fold gives', () => {
    expect(germanAscii('Müller, Jürgen')).toBe('Mueller, Juergen');
    expect(germanAscii('Schröder Bäcker')).toBe('Schroeder Baecker');
    expect(bareUmlautKey('mueller')).toBe('muller');
    expect(bareUmlautKey('schroeder')).toBe('schroder');
    expect(bareUmlautKey('smith')).toBeNull();
  });

  it('a suffix typed after the name ranks, never filters', () => {
    const p = parse('smith, robert jr');
    expect(p.suffix).toBe('jr');
    expect(pairs('smith, robert jr')).toEqual([['smith', 'robert']]);
    expect(parse('robert smith Jr.').suffix).toBe('jr');
    expect(parse('robert smith III').suffix).toBe('iii');
    expect(parse('smith, robert').suffix).toBe('');
    // a lone "jr" is a name, not a suffix
    expect(parse('jr').suffix).toBe('');
    expect(suffixKey('Jr.')).toBe('jr');
    expect(suffixKey('Junior')).toBe('jr');
  });

  it('an MRN without its leading zeros, when its check digit agrees', () => {
    const mrn = formatMrn(42);
    const short = String(Number(mrn));
    const p = parse(short);
    expect(p.mrn).toBe(mrn);
    expect(p.interpretations).toContain(`MRN ${mrn} (leading zeros added)`);
    const wrong = short.slice(0, -1) + String((Number(short.slice(-1)) + 1) % 10);
    expect(parse(wrong).mrn).toBeNull();
  });

  it('a 7-digit local number and the last 4 digits, alone or with a name', () => {
    for (const q of ['555-0147', '5550147', '555 0147', '555.0147']) expect(parse(q).phoneLocal, q).toBe('5550147');
    expect(parse('0147').phoneLast4).toBe('0147');
    const named = parse('smith 0147');
    expect(named.phoneLast4).toBe('0147');
    expect(named.names.length).toBeGreaterThan(0);
    expect(named.interpretations).toContain('phone ending 0147');
    expect(parse('smith, john 555-0147').phoneLocal).toBe('5550147');
    expect(parse('55501').phoneLocal).toBeNull();
  });
});
