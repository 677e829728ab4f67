/**
 * Which patient an appointment from a schedule feed (HL7 SIU at the hub, CSV on a desk) belongs to. Pure: the hub
 * (hub/feeds/match.ts) and the desk (electron/visits/import/) fetch candidates from their own patient index and ask
 * this one function.
 *
 * A feed never registers a patient. The appointment is LINKED to an existing patient only when the evidence is
 * certain:
 *   - MRN: the feed's medical record number equals a patient's MRN and the dates of birth do not disagree; or
 *   - score: exactly one candidate scores 'likely' on the duplicate scorer (shared/patients/duplicate-score.ts) with
 *     the same first and last name and the same date of birth. (A 'likely' score alone can come from a nickname or a
 *     DOB typo: fine for a review item, not for silently attaching someone's appointment to a chart.)
 * Otherwise the appointment carries the feed's demographics as its pendingPatient and the desk resolves it at
 * check-in (search, pick or register).
 */
import { fold } from '../../text.js';
import { scoreDuplicate, type DupCandidate } from '../../patients/duplicate-score.js';
import type { PendingPatient } from '../../domain/visit.js';

export interface FeedPerson {
  given: string;
  family: string;
  middle: string;
  /** ISO date or '' */
  birthDate: string;
  sexAtBirth: 'female' | 'male' | 'unknown' | '';
  /** 10-digit numbers */
  phones: string[];
  email: string;
  postalCode: string;
  line1: string;
  /** 'type:value' as the scorer expects (e.g. 'ssn-last4:1234', 'drivers-license:D123') */
  identifiers: string[];
  /** the feed's MRN / patient id ('' when none) */
  mrn: string;
}

/** A feed person's demographics: what the duplicate scorer compares (a feed knows no previous family names). */
export type FeedDemographics = Omit<FeedPerson, 'mrn'>;

/**
 * The one mapping of a feed's patient to the duplicate scorer's fields, for every feed: the hub builds its HL7
 * patient's FeedPerson with it (hub/feeds/match.ts feedPersonOfSiu) and feedDupCandidate turns a FeedPerson into the
 * scorer's DupCandidate with it. Picks exactly these fields (a source may carry more).
 */
export function feedDemographics(p: FeedDemographics): FeedDemographics {
  return {
    given: p.given,
    family: p.family,
    middle: p.middle,
    birthDate: p.birthDate,
    sexAtBirth: p.sexAtBirth,
    phones: p.phones,
    email: p.email,
    postalCode: p.postalCode,
    line1: p.line1,
    identifiers: p.identifiers,
  };
}

export function feedDupCandidate(p: FeedPerson): DupCandidate {
  return { ...feedDemographics(p), previousFamilyNames: [] };
}

/** The appointment's pendingPatient built from the feed's demographics. */
export function pendingPatientOf(p: FeedPerson): PendingPatient {
  const phone = p.phones[0] ?? '';
  return {
    given: p.given.slice(0, 60),
    family: p.family.slice(0, 80),
    birthDate: p.birthDate,
    sexAtBirth: p.sexAtBirth,
    phone: phone.length === 10 ? `(${phone.slice(0, 3)}) ${phone.slice(3, 6)}-${phone.slice(6)}` : phone,
    externalPatientId: p.mrn.slice(0, 40),
  };
}

export interface IndexPatient {
  id: string;
  mrn: string;
  cand: DupCandidate;
}

export type MatchDecision =
  | { kind: 'linked'; patientId: string; mrn: string; via: 'mrn' | 'score'; reasons: string[] }
  | { kind: 'pending'; why: string; /** possible matches for the desk to look at (not linked) */ candidates: { patientId: string; mrn: string; score: number }[] };

/**
 * @param byMrn patients whose MRN equals the feed's MRN (normally 0 or 1)
 * @param candidates patients fetched by the scorer's candidate keys (same/variant DOB, same-sounding last name)
 */
export function decideMatch(feed: FeedPerson, byMrn: IndexPatient[], candidates: IndexPatient[]): MatchDecision {
  const me = feedDupCandidate(feed);
  let mrnNote = '';
  if (feed.mrn && byMrn.length === 1) {
    const p = byMrn[0]!;
    if (!feed.birthDate || !p.cand.birthDate || p.cand.birthDate === feed.birthDate) {
      return { kind: 'linked', patientId: p.id, mrn: p.mrn, via: 'mrn', reasons: ['same MRN'] };
    }
    mrnNote = `MRN ${feed.mrn} belongs to a patient with another date of birth; `;
  }
  const scored = candidates
    .filter((c, i, all) => all.findIndex((x) => x.id === c.id) === i)
    .map((c) => ({ c, s: scoreDuplicate(me, c.cand) }))
    .filter((x) => x.s.level !== null)
    .sort((a, b) => b.s.score - a.s.score);
  const certain = scored.filter(
    ({ c, s }) =>
      s.level === 'likely' &&
      feed.birthDate !== '' &&
      c.cand.birthDate === feed.birthDate &&
      fold(c.cand.given) === fold(feed.given) &&
      fold(c.cand.family) === fold(feed.family),
  );
  const top = certain[0];
  if (certain.length === 1 && top) return { kind: 'linked', patientId: top.c.id, mrn: top.c.mrn, via: 'score', reasons: top.s.reasons };
  const list = scored.slice(0, 5).map(({ c, s }) => ({ patientId: c.id, mrn: c.mrn, score: s.score }));
  const why =
    certain.length > 1
      ? `${mrnNote}${certain.length} patients match equally well: the desk picks one at check-in`
      : scored.length > 0
        ? `${mrnNote}possible match${scored.length > 1 ? 'es' : ''} not certain enough to link: the desk confirms at check-in`
        : `${mrnNote}no patient in the index matches: the desk finds or registers the patient at check-in`;
  return { kind: 'pending', why, candidates: list };
}
