import { describe, expect, it } from 'vitest';
import {
  candidateKeys,
  dobVariants,
  LIKELY_SCORE,
  openEmrDupscore,
  POSSIBLE_SCORE,
  scoreDuplicate,
  type DupCandidate,
} from '../../shared/patients/duplicate-score.js';
import {
  areNicknames,
  editDistance,
  NICKNAME_GROUPS,
  nicknamesOf,
  sameGivenName,
} from '../../shared/patients/nicknames.js';
import { fold } from '../../shared/text.js';

function p(o: Partial<DupCandidate> & Pick<DupCandidate, 'given' | 'family'>): DupCandidate {
  return {
    middle: '',
    birthDate: '',
    sexAtBirth: '',
    phones: [],
    email: '',
    postalCode: '',
    line1: '',
    identifiers: [],
    previousFamilyNames: [],
    ...o,
  };
}

type Pair = {
  label: string;
  a: DupCandidate;
  b: DupCandidate;
  /** Hard true duplicates: required to be at least 'possible', not 'likely' (why is in the label). */
  hard?: boolean;
};

// `a` is the record being typed, `b` the stored one. Empty sex = not chosen yet (the while-typing case).
const TRUE_DUPLICATES: Pair[] = [
  { label: 'identical name, DOB and sex', a: p({ given: 'Karen', family: 'Walsh', birthDate: '1971-05-30', sexAtBirth: 'female' }), b: p({ given: 'Karen', family: 'Walsh', birthDate: '1971-05-30', sexAtBirth: 'female' }) },
  { label: 'accents: José García vs Jose Garcia', a: p({ given: 'Jose', family: 'Garcia', birthDate: '1966-02-14', sexAtBirth: 'male' }), b: p({ given: 'José', family: 'García', birthDate: '1966-02-14', sexAtBirth: 'male' }) },
  { label: "apostrophe: O'Brien vs OBrien", a: p({ given: 'Patrick', family: 'OBrien', birthDate: '1955-11-02', sexAtBirth: 'male' }), b: p({ given: 'Patrick', family: "O'Brien", birthDate: '1955-11-02', sexAtBirth: 'male' }) },
  { label: 'nickname Bill = William, same DOB, same phone in another format, sex not chosen yet', a: p({ given: 'Bill', family: 'Smith', birthDate: '1948-07-04', phones: ['555-201-3344'] }), b: p({ given: 'William', family: 'Smith', birthDate: '1948-07-04', sexAtBirth: 'male', phones: ['(555) 201 3344'] }) },
  { label: 'nickname Peggy = Margaret, same DOB and sex', a: p({ given: 'Peggy', family: 'Johnson', birthDate: '1939-09-19', sexAtBirth: 'female' }), b: p({ given: 'Margaret', family: 'Johnson', birthDate: '1939-09-19', sexAtBirth: 'female' }) },
  { label: 'nickname Bob = Robert, DOB day/month swapped, same sex', a: p({ given: 'Bob', family: 'Miller', birthDate: '1980-03-12', sexAtBirth: 'male' }), b: p({ given: 'Robert', family: 'Miller', birthDate: '1980-12-03', sexAtBirth: 'male' }) },
  { label: 'same name, year digits transposed 1985/1958, same sex', a: p({ given: 'Linda', family: 'Park', birthDate: '1985-06-17', sexAtBirth: 'female' }), b: p({ given: 'Linda', family: 'Park', birthDate: '1958-06-17', sexAtBirth: 'female' }) },
  { label: 'same name, day digits transposed 21/12, sex not chosen yet', a: p({ given: 'Omar', family: 'Haddad', birthDate: '1990-07-21' }), b: p({ given: 'Omar', family: 'Haddad', birthDate: '1990-07-12', sexAtBirth: 'male' }) },
  { label: 'hyphenated: Garcia vs Garcia-Lopez, same DOB and sex', a: p({ given: 'Maria', family: 'Garcia', birthDate: '1977-08-08', sexAtBirth: 'female' }), b: p({ given: 'María', family: 'García-López', birthDate: '1977-08-08', sexAtBirth: 'female' }) },
  { label: 'compound: Lopez vs Lopez Hernandez, same DOB, same phone, sex not chosen', a: p({ given: 'Ana', family: 'Lopez', birthDate: '1983-01-25', phones: ['5559876543'] }), b: p({ given: 'Ana', family: 'López Hernández', birthDate: '1983-01-25', sexAtBirth: 'female', phones: ['555-987-6543'] }) },
  { label: 'hyphen order: Lopez-Garcia vs Garcia', a: p({ given: 'Elena', family: 'Lopez-Garcia', birthDate: '1962-10-05', sexAtBirth: 'female' }), b: p({ given: 'Elena', family: 'Garcia', birthDate: '1962-10-05', sexAtBirth: 'female' }) },
  { label: 'maiden name in previous names', a: p({ given: 'Jennifer', family: 'Smith', birthDate: '1988-04-09', sexAtBirth: 'female' }), b: p({ given: 'Jennifer', family: 'Doe', previousFamilyNames: ['Smith'], birthDate: '1988-04-09', sexAtBirth: 'female' }) },
  { label: 'new married name typed, stored record has it as previous, DOB day/month swapped, same phone', a: p({ given: 'Laura', family: 'Park', previousFamilyNames: ['Chen'], birthDate: '1991-05-08', sexAtBirth: 'female', phones: ['555 300 1000'] }), b: p({ given: 'Laura', family: 'Chen', birthDate: '1991-08-05', sexAtBirth: 'female', phones: ['5553001000'] }) },
  { label: 'married name not recorded anywhere, same DOB, phone and sex', a: p({ given: 'Sarah', family: 'Williams', birthDate: '1979-12-01', sexAtBirth: 'female', phones: ['555-444-1212'] }), b: p({ given: 'Sarah', family: 'Johnson', birthDate: '1979-12-01', sexAtBirth: 'female', phones: ['555-444-1212'] }) },
  { label: 'last name typo Smyth/Smith', a: p({ given: 'John', family: 'Smyth', birthDate: '1950-03-03', sexAtBirth: 'male' }), b: p({ given: 'John', family: 'Smith', birthDate: '1950-03-03', sexAtBirth: 'male' }) },
  { label: 'first name typo Micheal/Michael, same email', a: p({ given: 'Micheal', family: 'Brown', birthDate: '1993-09-27', email: 'MBrown93@example.com ' }), b: p({ given: 'Michael', family: 'Brown', birthDate: '1993-09-27', sexAtBirth: 'male', email: 'mbrown93@example.com' }) },
  { label: 'typos in both names: Jonh Smiht', a: p({ given: 'Jonh', family: 'Smiht', birthDate: '1969-02-28', sexAtBirth: 'male' }), b: p({ given: 'John', family: 'Smith', birthDate: '1969-02-28', sexAtBirth: 'male' }) },
  { label: 'first and last names swapped: Zhang Wei / Wei Zhang', a: p({ given: 'Zhang', family: 'Wei', birthDate: '1987-11-11', sexAtBirth: 'male' }), b: p({ given: 'Wei', family: 'Zhang', birthDate: '1987-11-11', sexAtBirth: 'male' }) },
  { label: 'nickname Paco = Francisco, month digits transposed 01/10, same phone', a: p({ given: 'Paco', family: 'Hernandez', birthDate: '1975-01-20', phones: ['+1 (555) 777-0001'] }), b: p({ given: 'Francisco', family: 'Hernández', birthDate: '1975-10-20', sexAtBirth: 'male', phones: ['555.777.0001'] }) },
  { label: "nickname Katie = Katherine, O'Connor/Oconnor, same email", a: p({ given: 'Katie', family: 'Oconnor', birthDate: '2001-06-06', sexAtBirth: 'female', email: 'katie.oc@example.org' }), b: p({ given: 'Katherine', family: "O'Connor", birthDate: '2001-06-06', sexAtBirth: 'female', email: 'katie.oc@example.org' }) },
  { label: 'goes by middle name: Michael Davis vs John Michael Davis', a: p({ given: 'Michael', family: 'Davis', birthDate: '1972-08-19', sexAtBirth: 'male', phones: ['5552223333'] }), b: p({ given: 'John', middle: 'Michael', family: 'Davis', birthDate: '1972-08-19', sexAtBirth: 'male', phones: ['5552223333'] }) },
  { label: 'two given names vs one: Jose Luis vs Jose', a: p({ given: 'Jose Luis', family: 'Ramirez', birthDate: '1960-01-15', sexAtBirth: 'male' }), b: p({ given: 'José', family: 'Ramírez', birthDate: '1960-01-15', sexAtBirth: 'male' }) },
  { label: 'nickname Liz = Elizabeth, same DOB, phone with and without +1, sex not chosen', a: p({ given: 'Liz', family: 'Taylor', birthDate: '1984-02-29', phones: ['+1 555.123.4567'] }), b: p({ given: 'Elizabeth', family: 'Taylor', birthDate: '1984-02-29', sexAtBirth: 'female', phones: ['(555) 123-4567'] }) },
  { label: 'wrong DOB entered, but same driver license and phone', a: p({ given: 'Rob', family: 'Wilson', birthDate: '1970-01-01', sexAtBirth: 'male', phones: ['5556667777'], identifiers: ['drivers-license:W123-4567-8901'] }), b: p({ given: 'Robert', family: 'Wilson', birthDate: '1968-05-14', sexAtBirth: 'male', phones: ['555-666-7777'], identifiers: ['drivers-license:W12345678901'] }) },
  { label: 'same name, DOB one digit off in the day, same phone', a: p({ given: 'Grace', family: 'Kim', birthDate: '1999-03-18', sexAtBirth: 'female', phones: ['5550001111'] }), b: p({ given: 'Grace', family: 'Kim', birthDate: '1999-03-19', sexAtBirth: 'female', phones: ['5550001111'] }) },
  { label: 'nickname Alex = Alejandro, DOB day/month swapped, same email, sex not chosen', a: p({ given: 'Alex', family: 'Martinez', birthDate: '1995-04-11', email: 'alex.mtz@example.com' }), b: p({ given: 'Alejandro', family: 'Martínez', birthDate: '1995-11-04', sexAtBirth: 'male', email: 'alex.mtz@example.com' }) },
  { label: 'nickname Lupe = Guadalupe, same DOB, same address written differently', a: p({ given: 'Lupe', family: 'Reyes', birthDate: '1958-12-12', sexAtBirth: 'female', postalCode: '78201', line1: '410 North Main Street Apt 2' }), b: p({ given: 'Guadalupe', family: 'Reyes', birthDate: '1958-12-12', sexAtBirth: 'female', postalCode: '78201-1234', line1: '410 N. Main St., Apt. 2' }) },
  { label: 'spelling variant Mohammed/Muhammad, same DOB and phone, sex not chosen', a: p({ given: 'Mohammed', family: 'Khan', birthDate: '1986-07-07', phones: ['5558889999'] }), b: p({ given: 'Muhammad', family: 'Khan', birthDate: '1986-07-07', sexAtBirth: 'male', phones: ['555-888-9999'] }) },
  { label: 'accents plus DOB day/month swap: Sofía Núñez', a: p({ given: 'Sofia', family: 'Nunez', birthDate: '1992-04-07', sexAtBirth: 'female' }), b: p({ given: 'Sofía', family: 'Núñez', birthDate: '1992-07-04', sexAtBirth: 'female' }) },
  { label: 'same SSN last 4, nickname Jim = James, same DOB', a: p({ given: 'Jim', family: 'Carter', birthDate: '1944-10-01', identifiers: ['ssn-last4:4821'] }), b: p({ given: 'James', family: 'Carter', birthDate: '1944-10-01', sexAtBirth: 'male', identifiers: ['ssn-last4:4821'] }) },
  { label: 'nickname Peggy = Margaret, year transposed 1947/1974, same phone, sex not chosen', a: p({ given: 'Peggy', family: 'Olsen', birthDate: '1974-02-10', phones: ['5554441111'] }), b: p({ given: 'Margaret', family: 'Olsen', birthDate: '1947-02-10', sexAtBirth: 'female', phones: ['5554441111'] }) },
  { label: 'maiden name + hyphen: Rivera vs Torres-Rivera (stored, previous Rivera)', a: p({ given: 'Carmen', family: 'Rivera', birthDate: '1981-09-09', sexAtBirth: 'female' }), b: p({ given: 'Carmen', family: 'Torres-Rivera', previousFamilyNames: ['Rivera'], birthDate: '1981-09-09', sexAtBirth: 'female' }) },
  // Hard ones: our engine shows these as 'possible' only. Documented limits, asserted below.
  { label: 'HARD: Catharine vs Kathryn (only sound alike; twins get rhyming names, so capped at possible)', hard: true, a: p({ given: 'Catharine', family: 'Miller', birthDate: '1963-03-30', sexAtBirth: 'female' }), b: p({ given: 'Kathryn', family: 'Miller', birthDate: '1963-03-30', sexAtBirth: 'female' }) },
  { label: 'HARD: nickname Bill = William + DOB day/month swap and nothing else', hard: true, a: p({ given: 'Bill', family: 'Jones', birthDate: '1980-03-12' }), b: p({ given: 'William', family: 'Jones', birthDate: '1980-12-03', sexAtBirth: 'male' }) },
];

const NON_DUPLICATES: Pair[] = [
  { label: 'boy/girl twins John and Jane, same household', a: p({ given: 'John', family: 'Smith', birthDate: '2015-06-01', sexAtBirth: 'male', phones: ['5551110000'], email: 'smithfamily@example.com', postalCode: '10001', line1: '1 Elm St' }), b: p({ given: 'Jane', family: 'Smith', birthDate: '2015-06-01', sexAtBirth: 'female', phones: ['5551110000'], email: 'smithfamily@example.com', postalCode: '10001', line1: '1 Elm Street' }) },
  { label: 'identical-sex twins Michael and Matthew', a: p({ given: 'Michael', family: 'Lee', birthDate: '2010-02-02', sexAtBirth: 'male', phones: ['5552220000'], postalCode: '60601', line1: '22 Oak Ave' }), b: p({ given: 'Matthew', family: 'Lee', birthDate: '2010-02-02', sexAtBirth: 'male', phones: ['5552220000'], postalCode: '60601', line1: '22 Oak Avenue' }) },
  { label: 'boy/girl twins Daniel and Daniela (names one letter apart)', a: p({ given: 'Daniel', family: 'Torres', birthDate: '2018-09-09', sexAtBirth: 'male', phones: ['5553330000'], email: 'torres@example.com' }), b: p({ given: 'Daniela', family: 'Torres', birthDate: '2018-09-09', sexAtBirth: 'female', phones: ['5553330000'], email: 'torres@example.com' }) },
  { label: 'twins Aiden and Ethan (names sound alike)', a: p({ given: 'Aiden', family: 'Brooks', birthDate: '2012-12-12', sexAtBirth: 'male', phones: ['5554440000'], postalCode: '30301', line1: '9 Pine Rd' }), b: p({ given: 'Ethan', family: 'Brooks', birthDate: '2012-12-12', sexAtBirth: 'male', phones: ['5554440000'], postalCode: '30301', line1: '9 Pine Road' }) },
  { label: 'Sr and Jr, same name, same household, different DOB', a: p({ given: 'Robert', family: 'Johnson', birthDate: '1958-04-02', sexAtBirth: 'male', phones: ['5555550000'], postalCode: '75001', line1: '5 Main St' }), b: p({ given: 'Robert', family: 'Johnson', birthDate: '1984-09-15', sexAtBirth: 'male', phones: ['5555550000'], postalCode: '75001', line1: '5 Main St' }) },
  { label: 'father and son, same name and birthday, 30 years apart (one year digit)', a: p({ given: 'James', family: 'Brown', birthDate: '1960-06-15', sexAtBirth: 'male', phones: ['5556660000'] }), b: p({ given: 'James', family: 'Brown', birthDate: '1990-06-15', sexAtBirth: 'male', phones: ['5556660000'] }) },
  { label: 'mother and daughter both Maria Garcia, same household', a: p({ given: 'Maria', family: 'Garcia', birthDate: '1970-03-03', sexAtBirth: 'female', phones: ['5557770000'], postalCode: '85001', line1: '77 Sun Ln' }), b: p({ given: 'Maria', family: 'Garcia', birthDate: '1995-10-21', sexAtBirth: 'female', phones: ['5557770000'], postalCode: '85001', line1: '77 Sun Lane' }) },
  { label: 'common name Maria Garcia, different DOB and phone', a: p({ given: 'Maria', family: 'Garcia', birthDate: '1982-05-05', sexAtBirth: 'female', phones: ['5550000001'] }), b: p({ given: 'María', family: 'García', birthDate: '1979-08-30', sexAtBirth: 'female', phones: ['5550000002'] }) },
  { label: 'common name Jose Hernandez, different DOB', a: p({ given: 'Jose', family: 'Hernandez', birthDate: '1990-01-01', sexAtBirth: 'male' }), b: p({ given: 'Jose', family: 'Hernandez', birthDate: '1976-07-19', sexAtBirth: 'male' }) },
  { label: 'common name John Smith, DOB 3 days apart, different addresses', a: p({ given: 'John', family: 'Smith', birthDate: '1980-05-10', sexAtBirth: 'male', postalCode: '10001', line1: '1 A St' }), b: p({ given: 'John', family: 'Smith', birthDate: '1980-05-13', sexAtBirth: 'male', postalCode: '10002', line1: '9 B St' }) },
  { label: 'strangers with the same DOB and sex', a: p({ given: 'Emily', family: 'Clark', birthDate: '1990-01-01', sexAtBirth: 'female' }), b: p({ given: 'Sarah', family: 'Patel', birthDate: '1990-01-01', sexAtBirth: 'female' }) },
  { label: 'strangers with the same DOB, sex and first name', a: p({ given: 'Maria', family: 'Lopez', birthDate: '1985-12-25', sexAtBirth: 'female' }), b: p({ given: 'Maria', family: 'Rodriguez', birthDate: '1985-12-25', sexAtBirth: 'female' }) },
  { label: 'strangers with the same DOB, sex and last name', a: p({ given: 'David', family: 'Nguyen', birthDate: '1975-05-05', sexAtBirth: 'male' }), b: p({ given: 'Thanh', family: 'Nguyen', birthDate: '1975-05-05', sexAtBirth: 'male' }) },
  { label: 'husband and wife, same phone, email and address', a: p({ given: 'Carlos', family: 'Rivera', birthDate: '1965-02-11', sexAtBirth: 'male', phones: ['5558880000'], email: 'rivera.home@example.com', postalCode: '33101', line1: '3 Bay Dr' }), b: p({ given: 'Ana', family: 'Rivera', birthDate: '1967-09-23', sexAtBirth: 'female', phones: ['5558880000'], email: 'rivera.home@example.com', postalCode: '33101', line1: '3 Bay Drive' }) },
  { label: 'siblings Alexander and Alexandra, different DOB', a: p({ given: 'Alexander', family: 'Kim', birthDate: '2005-04-04', sexAtBirth: 'male', phones: ['5559990000'], postalCode: '98101', line1: '4 Hill St' }), b: p({ given: 'Alexandra', family: 'Kim', birthDate: '2008-11-30', sexAtBirth: 'female', phones: ['5559990000'], postalCode: '98101', line1: '4 Hill St' }) },
  { label: 'namesakes whose DOBs are day/month swaps, different sex and SSN', a: p({ given: 'Jamie', family: 'Lee', birthDate: '1990-01-02', sexAtBirth: 'male', identifiers: ['ssn-last4:1111'] }), b: p({ given: 'Jamie', family: 'Lee', birthDate: '1990-02-01', sexAtBirth: 'female', identifiers: ['ssn-last4:2222'] }) },
  { label: 'group-home residents, same phone and address', a: p({ given: 'Frank', family: 'Wilson', birthDate: '1950-01-01', sexAtBirth: 'male', phones: ['5551239999'], postalCode: '02101', line1: '100 Care Way' }), b: p({ given: 'George', family: 'Adams', birthDate: '1948-03-03', sexAtBirth: 'male', phones: ['5551239999'], postalCode: '02101', line1: '100 Care Way' }) },
  { label: 'twin sisters Emma and Ella', a: p({ given: 'Emma', family: 'Stone', birthDate: '2019-07-07', sexAtBirth: 'female', phones: ['5553214321'] }), b: p({ given: 'Ella', family: 'Stone', birthDate: '2019-07-07', sexAtBirth: 'female', phones: ['5553214321'] }) },
];

describe('labelled duplicate set', () => {
  it('has at least 40 labelled pairs', () => {
    expect(TRUE_DUPLICATES.length + NON_DUPLICATES.length).toBeGreaterThanOrEqual(40);
    expect(TRUE_DUPLICATES.filter((x) => x.hard).length).toBeLessThanOrEqual(3);
  });

  it.each(TRUE_DUPLICATES.filter((x) => !x.hard).map((x) => [x.label, x] as const))('likely: %s', (_label, { a, b }) => {
    const r = scoreDuplicate(a, b);
    expect(r.level, `${r.score} ${r.reasons.join('; ')}`).toBe('likely');
    expect(r.score).toBeGreaterThanOrEqual(LIKELY_SCORE);
    expect(r.reasons.length).toBeGreaterThan(0);
  });

  it.each(TRUE_DUPLICATES.filter((x) => x.hard).map((x) => [x.label, x] as const))('at least possible: %s', (_label, { a, b }) => {
    const r = scoreDuplicate(a, b);
    expect(r.level, `${r.score} ${r.reasons.join('; ')}`).toBe('possible');
  });

  it.each(NON_DUPLICATES.map((x) => [x.label, x] as const))('never likely: %s', (_label, { a, b }) => {
    const r = scoreDuplicate(a, b);
    expect(r.level, `${r.score} ${r.reasons.join('; ')}`).not.toBe('likely');
    expect(r.score).toBeLessThan(LIKELY_SCORE);
  });

  it('scores are symmetric', () => {
    for (const { a, b } of [...TRUE_DUPLICATES, ...NON_DUPLICATES]) {
      expect(scoreDuplicate(a, b).score).toBe(scoreDuplicate(b, a).score);
    }
  });

  it('beats OpenEMR dupscore: catches strictly more duplicates, with no more false likely matches', () => {
    const oursCaught = TRUE_DUPLICATES.filter(({ a, b }) => scoreDuplicate(a, b).level === 'likely').length;
    const oemrCaught = TRUE_DUPLICATES.filter(({ a, b }) => openEmrDupscore(a, b) >= 12).length;
    const oursFalse = NON_DUPLICATES.filter(({ a, b }) => scoreDuplicate(a, b).level === 'likely').length;
    const oemrFalse = NON_DUPLICATES.filter(({ a, b }) => openEmrDupscore(a, b) >= 12).length;
    console.log(JSON.stringify({ trueDuplicates: TRUE_DUPLICATES.length, nonDuplicates: NON_DUPLICATES.length, oursCaught, oemrCaught, oursFalse, oemrFalse }));
    expect(oursCaught).toBeGreaterThan(oemrCaught);
    expect(oursFalse).toBeLessThanOrEqual(oemrFalse);
    expect(oursFalse).toBe(0);
  });
});

describe('scoreDuplicate weights and reasons', () => {
  const base = p({ given: 'William', family: 'Smith', birthDate: '1980-03-12', sexAtBirth: 'male' });

  it('exact name + exact DOB is likely even before sex is chosen', () => {
    const r = scoreDuplicate({ ...base, sexAtBirth: '' }, base);
    expect(r.level).toBe('likely');
    expect(r.reasons).toEqual(['same first and last name', 'same date of birth']);
  });

  it('same DOB + same sex alone is not even possible', () => {
    const r = scoreDuplicate(p({ given: 'Tom', family: 'Ng', birthDate: '1980-03-12', sexAtBirth: 'male' }), base);
    expect(r.level).toBeNull();
    expect(r.reasons).toContain('different first name');
  });

  it('explains nickname and transposed DOB the way the clerk reads them', () => {
    const r = scoreDuplicate(p({ given: 'Bill', family: 'Smith', birthDate: '1980-12-03', sexAtBirth: 'male' }), base);
    expect(r.reasons).toContain('nickname: Bill = William');
    expect(r.reasons).toContain('DOB day and month swapped (12/03 vs 03/12)');
    expect(r.level).toBe('likely');
    const t = scoreDuplicate(p({ given: 'William', family: 'Smith', birthDate: '1908-03-12', sexAtBirth: 'male' }), base);
    expect(t.reasons).toContain('DOB digits transposed (1908 vs 1980)');
  });

  it('explains hyphenated and previous last names', () => {
    const h = scoreDuplicate(p({ given: 'William', family: 'Smith-Jones', birthDate: '1980-03-12' }), base);
    expect(h.reasons).toContain('last name matches part of hyphenated name (Smith-Jones vs Smith)');
    expect(h.level).toBe('likely');
    const m = scoreDuplicate(p({ given: 'William', family: 'Jones', previousFamilyNames: ['Smith'], birthDate: '1980-03-12' }), base);
    expect(m.reasons).toContain('previous last name matches (Smith)');
    expect(m.level).toBe('likely');
  });

  it('name particles alone do not make a hyphenated match', () => {
    const r = scoreDuplicate(p({ given: 'Ana', family: 'de la Cruz', birthDate: '1990-01-01' }), p({ given: 'Ana', family: 'de Leon', birthDate: '1990-01-01' }));
    expect(r.reasons.join(' ')).not.toMatch(/hyphenated/);
    expect(r.level).not.toBe('likely');
  });

  it('adds phone, email, identifier and address evidence', () => {
    const bare = p({ given: 'Bill', family: 'Smith' });
    const stored = p({ ...base, phones: ['555-123-4567'], email: 'w@example.com', identifiers: ['ssn-last4:1234'], postalCode: '12345', line1: '1 Main Street' });
    const s0 = scoreDuplicate(bare, stored).score;
    const withPhone = scoreDuplicate({ ...bare, phones: ['(555) 123 4567'] }, stored);
    expect(withPhone.score).toBe(s0 + 3);
    expect(withPhone.reasons).toContain('same phone');
    const withEmail = scoreDuplicate({ ...bare, email: ' W@Example.com' }, stored);
    expect(withEmail.score).toBe(s0 + 4);
    const withId = scoreDuplicate({ ...bare, identifiers: ['ssn-last4:1234'] }, stored);
    expect(withId.score).toBe(s0 + 4);
    expect(withId.reasons).toContain('same SSN last 4');
    const otherId = scoreDuplicate({ ...bare, identifiers: ['ssn-last4:9999'] }, stored);
    expect(otherId.score).toBe(s0 - 4);
    expect(otherId.reasons).toContain('different SSN last 4');
    const withAddr = scoreDuplicate({ ...bare, postalCode: '12345-0001', line1: '1 Main St.' }, stored);
    expect(withAddr.score).toBe(s0 + 2);
    expect(withAddr.reasons).toContain('same address');
    const zipOnly = scoreDuplicate({ ...bare, postalCode: '12345', line1: '2 Main St' }, stored);
    expect(zipOnly.score).toBe(s0);
  });

  it('a shared identifier lifts the caps: same person despite a wrong DOB', () => {
    const a = p({ given: 'William', family: 'Smith', birthDate: '1999-09-09', identifiers: ['passport:X1234567'] });
    const b = p({ ...base, identifiers: ['passport:x1234567'] });
    const without = scoreDuplicate({ ...a, identifiers: [] }, b);
    expect(without.reasons).toContain('different date of birth');
    expect(without.level).toBe(null);
    const r = scoreDuplicate(a, b);
    expect(r.reasons).toContain('same passport');
    expect(r.level).toBe('likely');
  });

  it('empty records score nothing', () => {
    const e = p({ given: '', family: '' });
    expect(scoreDuplicate(e, e)).toEqual({ score: 0, level: null, reasons: [] });
  });

  it('uses the OpenEMR thresholds', () => {
    expect(LIKELY_SCORE).toBe(12);
    expect(POSSIBLE_SCORE).toBe(8);
  });
});

describe('openEmrDupscore (baseline)', () => {
  it('applies the published weights', () => {
    const a = p({ given: 'Ann', family: 'Lee', birthDate: '1990-01-01', sexAtBirth: 'female', email: 'a@x.com', phones: ['555-111-2222'] });
    expect(openEmrDupscore(a, a)).toBe(6 + 6 + 6 + 6 + 2 + 1);
    expect(openEmrDupscore(a, { ...a, email: '' })).toBe(21);
    expect(openEmrDupscore(a, { ...a, given: 'Anne' })).toBe(21);
    // Soundex: Robert/Rupert R163; Smith/Smyth S530; Lee L000 vs Leigh L200; Garcia G620 vs Garcia-Lopez G624.
    expect(openEmrDupscore(p({ given: 'X', family: 'Robert' }), p({ given: 'Y', family: 'Rupert' }))).toBe(2);
    expect(openEmrDupscore(p({ given: 'X', family: 'Lee' }), p({ given: 'Y', family: 'Leigh' }))).toBe(0);
    expect(openEmrDupscore(p({ given: 'X', family: 'Smith' }), p({ given: 'Y', family: 'Smyth' }))).toBe(2);
    expect(openEmrDupscore(p({ given: 'X', family: 'Garcia' }), p({ given: 'Y', family: 'Garcia-Lopez' }))).toBe(0);
    expect(openEmrDupscore(p({ given: 'X', family: 'Ashcraft' }), p({ given: 'Y', family: 'Ashcroft' }))).toBe(2);
    expect(openEmrDupscore(p({ given: 'X', family: 'Tymczak' }), p({ given: 'Y', family: 'Tymczyk' }))).toBe(2);
    expect(openEmrDupscore(p({ given: 'X', family: 'Pfister' }), p({ given: 'Y', family: 'Fister' }))).toBe(0);
  });
});

describe('dobVariants', () => {
  it('swaps day and month and transposes adjacent digits inside year, month and day', () => {
    const v = dobVariants('1985-03-12');
    expect(v).toContain('1985-12-03'); // day/month swapped
    expect(v).toContain('1958-03-12'); // year 85 -> 58
    expect(v).toContain('1895-03-12'); // year 98 -> 89
    expect(v).toContain('1985-03-21'); // day 12 -> 21
    expect(v).not.toContain('1985-03-12');
    expect(v).not.toContain('1985-30-12');
    expect(v).toEqual([...new Set(v)].sort());
  });

  it('keeps only real, plausible dates', () => {
    const v = dobVariants('2000-01-31');
    expect(v).toContain('2000-10-31'); // month 01 -> 10
    expect(v).toContain('2000-01-13'); // day 31 -> 13
    expect(v).not.toContain('2000-31-01');
    for (const d of v) {
      expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const [y, m, dd] = d.split('-').map(Number) as [number, number, number];
      const dt = new Date(Date.UTC(y, m - 1, dd));
      expect(dt.toISOString().slice(0, 10)).toBe(d);
      expect(y).toBeGreaterThanOrEqual(1850);
    }
    expect(v).not.toContain('0200-01-31'); // year 20 -> 02
    expect(dobVariants('1990-02-29')).toEqual([]); // not a real date
    expect(dobVariants('')).toEqual([]);
    expect(dobVariants('1980-02-29')).not.toContain('1980-02-92');
  });

  it('has no swap variant when day equals month, and no transposition of equal digits', () => {
    const v = dobVariants('1911-11-11');
    expect(v).toEqual([]);
  });
});

describe('nicknames', () => {
  it('has at least 150 groups of lowercase folded names', () => {
    expect(NICKNAME_GROUPS.length).toBeGreaterThanOrEqual(150);
    for (const g of NICKNAME_GROUPS) {
      expect(g.length).toBeGreaterThanOrEqual(2);
      expect(new Set(g).size).toBe(g.length);
      for (const n of g) expect(n).toBe(fold(n));
    }
  });

  it('recognises the common groups from the issue', () => {
    for (const [x, y] of [['Bill', 'William'], ['Liam', 'William'], ['Bob', 'Robert'], ['Betty', 'Elizabeth'], ['Eliza', 'Elizabeth'], ['Peggy', 'Margaret'], ['Meg', 'Margaret'], ['Kate', 'Catherine'], ['Kathy', 'Katherine'], ['Pepe', 'José'], ['Paco', 'Francisco'], ['Pancho', 'Francisco'], ['Alex', 'Alejandro']]) {
      expect(areNicknames(x!, y!), `${x}/${y}`).toBe(true);
      expect(sameGivenName(x!, y!)).toBe('nickname');
    }
  });

  it('is not transitive across groups', () => {
    expect(areNicknames('Alex', 'Alexandra')).toBe(true);
    expect(areNicknames('Alexander', 'Alexandra')).toBe(false);
    expect(areNicknames('John', 'Jane')).toBe(false);
    expect(areNicknames('William', 'William')).toBe(false);
  });

  it('classifies given-name relations', () => {
    expect(sameGivenName('José', 'jose')).toBe('exact');
    expect(sameGivenName('Mary Ann', 'Maryann')).toBe('exact');
    expect(sameGivenName('Jose Luis', 'José')).toBe('part');
    expect(sameGivenName('Micheal', 'Michael')).toBe('typo');
    expect(sameGivenName('Christoph', 'Chris')).toBe('prefix');
    expect(sameGivenName('Aiden', 'Ethan')).toBe('phonetic');
    expect(sameGivenName('Catharine', 'Kathryn')).toBe('phonetic');
    expect(sameGivenName('J.', 'John')).toBe('initial');
    expect(sameGivenName('John', 'Jane')).toBeNull();
    expect(sameGivenName('Ann', 'Ian')).toBeNull();
    expect(sameGivenName('', 'John')).toBeNull();
  });

  it('expands a name to its group members', () => {
    const n = nicknamesOf('Bill');
    expect(n).toContain('bill');
    expect(n).toContain('william');
    expect(n).toContain('liam');
    expect(nicknamesOf('Zebulon')).toEqual(['zebulon']);
  });

  it('measures typing distance with transpositions', () => {
    expect(editDistance('jonh', 'john')).toBe(1);
    expect(editDistance('smith', 'smyth')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('candidateKeys', () => {
  it('gives the DB layer everything it needs to fetch candidates', () => {
    const k = candidateKeys(p({
      given: 'Bill',
      family: 'García-López',
      previousFamilyNames: ['Smith'],
      birthDate: '1980-03-12',
      phones: ['+1 (555) 123-4567', '555-1234', ''],
      email: '  Bill.G@Example.COM ',
    }));
    expect(k.birthDates[0]).toBe('1980-03-12');
    expect(k.birthDates).toContain('1980-12-03');
    expect(k.birthDates).toContain('1908-03-12');
    expect(k.phones).toEqual(['5551234567']);
    expect(k.email).toBe('bill.g@example.com');
    expect(k.givenKeys).toEqual(expect.arrayContaining(['bill', 'william', 'will', 'liam']));
    // codes of the whole name, of each part and of the previous name
    expect(k.familyPhonetic).toEqual(expect.arrayContaining(['KRSLPS', 'KRS', 'LPS', 'SM0', 'XMT']));
    expect(k.familyPhonetic).not.toContain('');
  });

  it('finds the stored record of every labelled true duplicate through at least one key', () => {
    for (const { label, a, b } of TRUE_DUPLICATES) {
      const ka = candidateKeys(a);
      const kb = candidateKeys(b);
      const hit =
        ka.birthDates.some((d) => kb.birthDates.includes(d)) ||
        ka.phones.some((x) => kb.phones.includes(x)) ||
        (ka.email !== '' && ka.email === kb.email) ||
        ka.familyPhonetic.some((x) => kb.familyPhonetic.includes(x));
      expect(hit, label).toBe(true);
    }
  });
});
