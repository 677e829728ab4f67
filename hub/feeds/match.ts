/**
 * Patient matching for the HL7 feed against the hub's patient index (table `patients`, doc JSON; `patient_keys`
 * holds the last-name phonetic keys). Candidate fetch mirrors hub/apply.ts detectDuplicates (same DOB or a DOB
 * typo variant, or a same-sounding last name); the decision is shared/visits/feeds/match.ts decideMatch.
 * Merged patients resolve to their survivor.
 */
import type { Queryable } from '../db.js';
import type { PatientInput } from '../../shared/domain/patient.js';
import { candidateKeys } from '../../shared/patients/duplicate-score.js';
import { dupCandidateOf } from '../../shared/sync/patient-merge.js';
import { decideMatch, feedDemographics, feedDupCandidate, type FeedPerson, type IndexPatient, type MatchDecision } from '../../shared/visits/feeds/match.js';
import type { SiuPatient } from './siu.js';

const CANDIDATE_CAP = 200;

export function feedPersonOfSiu(p: SiuPatient): FeedPerson {
  const ids: string[] = [];
  if (p.ssnLast4) ids.push(`ssn-last4:${p.ssnLast4}`);
  for (const i of p.identifiers) if (i.type === 'DL') ids.push(`drivers-license:${i.value}`);
  return { ...feedDemographics({ ...p, postalCode: p.address?.postalCode ?? '', line1: p.address?.line1 ?? '', identifiers: ids }), mrn: p.mrn };
}

type Row = { id: string; mrn: string; doc: string; merged_into: string | null };

async function survivors(tx: Queryable, rows: Row[]): Promise<IndexPatient[]> {
  const out: IndexPatient[] = [];
  for (let r of rows) {
    for (let hops = 0; r.merged_into && hops < 10; hops++) {
      const next = await tx.query<Row>('SELECT id, mrn, doc, merged_into FROM patients WHERE id = $1', [r.merged_into]);
      if (!next.rows[0]) break;
      r = next.rows[0];
    }
    if (r.merged_into) continue;
    if (out.some((x) => x.id === r.id)) continue;
    out.push({ id: r.id, mrn: r.mrn, cand: dupCandidateOf(JSON.parse(r.doc) as PatientInput) });
  }
  return out;
}

export async function matchFeedPatient(tx: Queryable, person: FeedPerson): Promise<MatchDecision> {
  const byMrn = person.mrn ? await survivors(tx, (await tx.query<Row>('SELECT id, mrn, doc, merged_into FROM patients WHERE mrn = $1', [person.mrn])).rows) : [];
  const keys = candidateKeys(feedDupCandidate(person));
  const phon = keys.familyPhonetic.map((k) => `phon:${k}`);
  let candidates: IndexPatient[] = [];
  if (keys.birthDates.length || phon.length) {
    const r = await tx.query<Row>(
      `SELECT id, mrn, doc, merged_into FROM patients
       WHERE merged_into IS NULL AND (birth_date = ANY($1::text[]) OR id IN (SELECT patient_id FROM patient_keys WHERE key = ANY($2::text[])))
       ORDER BY created_at DESC LIMIT ${CANDIDATE_CAP}`,
      [keys.birthDates, phon],
    );
    candidates = await survivors(tx, r.rows);
  }
  return decideMatch(person, byMrn, candidates);
}
