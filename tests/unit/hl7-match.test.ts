import { describe, expect, it } from 'vitest';
import { decideMatch, pendingPatientOf, type FeedPerson, type IndexPatient } from '../../shared/visits/feeds/match.js';
import type { DupCandidate } from '../../shared/patients/duplicate-score.js';

const person = (over: Partial<FeedPerson> = {}): FeedPerson => ({
  given: 'Maria',
  family: 'Alvarez',
  middle: '',
  birthDate: '1975-03-14',
  sexAtBirth: 'female',
  phones: ['2175551234'],
  email: '',
  postalCode: '62701',
  line1: '123 North Main Street',
  identifiers: [],
  mrn: '',
  ...over,
});

const cand = (over: Partial<DupCandidate> = {}): DupCandidate => ({
  given: 'Maria',
  family: 'Alvarez',
  middle: '',
  birthDate: '1975-03-14',
  sexAtBirth: 'female',
  phones: ['(217) 555-1234'],
  email: '',
  postalCode: '62701',
  line1: '123 N Main St',
  identifiers: [],
  previousFamilyNames: [],
  ...over,
});

const ix = (id: string, mrn: string, over: Partial<DupCandidate> = {}): IndexPatient => ({ id, mrn, cand: cand(over) });

describe('feed patient matching (link only when certain)', () => {
  it('links by MRN when the dates of birth agree (or one is missing)', () => {
    expect(decideMatch(person({ mrn: '00000042', given: 'Mari' }), [ix('p1', '00000042')], [])).toMatchObject({ kind: 'linked', patientId: 'p1', via: 'mrn' });
    expect(decideMatch(person({ mrn: '00000042', birthDate: '' }), [ix('p1', '00000042')], [])).toMatchObject({ kind: 'linked', via: 'mrn' });
  });

  it('does not link by MRN when the DOB contradicts it, and says so', () => {
    const d = decideMatch(person({ mrn: '00000042', given: 'Zed', family: 'Other' }), [ix('p1', '00000042', { birthDate: '1980-01-01' })], []);
    expect(d.kind).toBe('pending');
    if (d.kind === 'pending') expect(d.why).toMatch(/^MRN 00000042 belongs to a patient with another date of birth/);
  });

  it('links the one certain score match (same first, last name and DOB)', () => {
    const d = decideMatch(person(), [], [ix('p1', '1'), ix('p2', '2', { given: 'Mario', sexAtBirth: 'male', birthDate: '1999-01-01' })]);
    expect(d).toMatchObject({ kind: 'linked', patientId: 'p1', via: 'score' });
  });

  it('keeps pending when the match is only likely (nickname, DOB typo), or when two patients match equally', () => {
    const nick = decideMatch(person({ given: 'Bob', family: 'Smith' }), [], [ix('p1', '1', { given: 'Robert', family: 'Smith' })]);
    expect(nick.kind).toBe('pending');
    // one digit off in the day, and a transposed year: 'likely' for the scorer, not certain enough to link
    const typo = decideMatch(person(), [], [ix('p1', '1', { birthDate: '1975-03-15' })]);
    expect(typo.kind).toBe('pending');
    if (typo.kind === 'pending') expect(typo.candidates).toHaveLength(1);
    const year = decideMatch(person(), [], [ix('p1', '1', { birthDate: '1957-03-14' })]);
    expect(year.kind).toBe('pending');
    const twins = decideMatch(person(), [], [ix('p1', '1'), ix('p2', '2')]);
    expect(twins.kind).toBe('pending');
    if (twins.kind === 'pending') {
      expect(twins.why).toMatch(/2 patients match equally well/);
      expect(twins.candidates.map((c) => c.patientId).sort()).toEqual(['p1', 'p2']);
    }
  });

  it('no candidates: pending with the reason; the pending patient carries the feed demographics', () => {
    const d = decideMatch(person({ mrn: 'EXT-9' }), [], []);
    expect(d).toEqual({ kind: 'pending', why: 'no patient in the index matches: the desk finds or registers the patient at check-in', candidates: [] });
    expect(pendingPatientOf(person({ mrn: 'EXT-9' }))).toEqual({ given: 'Maria', family: 'Alvarez', birthDate: '1975-03-14', sexAtBirth: 'female', phone: '(217) 555-1234', externalPatientId: 'EXT-9' });
  });
});
