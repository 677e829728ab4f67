/**
 * Synthetic patients for the demo clinic and the benchmarks: deterministic (same seed + same reference date = same
 * patients), realistic in the ways that matter to a registration desk: US name frequencies with a long tail, the
 * names that break naive search (García, O'Brien, Smith-Jones, De La Cruz, Zoë, Jr/III), nicknames as preferred
 * names, maiden names as previous names, households sharing an address and a home phone, children with a parent as
 * guarantor and subscriber, Medicare/Medicaid/commercial coverages, consents, and a small share of near-duplicates
 * (nickname, dropped accent, swapped DOB digits, typo) for the duplicate checker to find.
 *
 * Every patient is a valid PatientInput (tests parse samples with patientInputSchema). Nothing here is real: phone
 * subscriber numbers and streets are random, emails use the reserved example.com/.org/.net domains.
 *
 * The PRNG is pure-rand's xoroshiro128+ (a small, well-tested, seedable generator; Math.random cannot be seeded).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type Database from 'better-sqlite3';
import type { PatientInput } from '../../shared/domain/patient.js';
import { fold, phoneDigits } from '../../shared/text.js';
import { isoDate } from '../../shared/dates.js';
import { newId } from '../../shared/ids.js';
import { formatMrn } from '../../shared/patients/mrn-format.js';
import { nameKeyRows, emailKey } from '../patients/search-keys.js';
import { diffPatient, formatPhone } from '../patients/changes.js';
import { HUB_SPACE_START } from '../patients/mrn.js';
import {
  SURNAMES, HARD_SURNAMES, HYPHEN_HALVES, TAIL_ROOTS, TAIL_MIDDLES, TAIL_ENDINGS, FEMALE_GIVEN, MALE_GIVEN,
  HARD_FEMALE_GIVEN, HARD_MALE_GIVEN, NICKNAMES, MIDDLE_INITIAL_LETTERS, CITIES, AREA_CODES, STREET_NAMES,
  STREET_TYPES, DIRECTIONS, COMMERCIAL_PAYERS, MEDICAID_PLANS, MEDICARE_SUPPLEMENTS, RELATIONSHIPS_ADULT, EMAIL_DOMAINS,
} from './names.js';

// ---------------------------------------------------------------------------------------------------------------
// Random helpers

export class Rng {
  private readonly g: RandomGenerator;
  constructor(seed: number) {
    this.g = xoroshiro128plus(seed | 0);
  }
  /** uniform in [0, 1) */
  float(): number {
    // two 32-bit draws -> 53 bits
    const hi = (this.g.next() >>> 0) >>> 5;
    const lo = (this.g.next() >>> 0) >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  /** integer in [a, b] */
  int(a: number, b: number): number {
    return a + Math.floor(this.float() * (b - a + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.float() * arr.length)]!;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

/** Weighted choice in O(log n) by binary search over cumulative weights. */
class Weighted<T> {
  private readonly items: T[];
  private readonly cum: Float64Array;
  private readonly total: number;
  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map((e) => e[0]);
    this.cum = new Float64Array(entries.length);
    let t = 0;
    entries.forEach((e, i) => {
      t += e[1];
      this.cum[i] = t;
    });
    this.total = t;
  }
  pick(r: Rng): T {
    const x = r.float() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Name tables (built once)

/** The long tail: root + connector + ending, Zipf-like weights (rank r has weight 1/(r + 200): a flat head). */
const TAIL: readonly (readonly [string, number])[] = (() => {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const e of TAIL_ENDINGS) {
    for (const m of TAIL_MIDDLES) {
      for (const r of TAIL_ROOTS) {
        const n = r + m + e;
        if (!seen.has(n)) {
          seen.add(n);
          names.push(n);
        }
      }
    }
  }
  // Deterministic shuffle so the Zipf ranks do not follow the alphabet.
  const rng = new Rng(0x5eed);
  for (let i = names.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  return names.map((n, i) => [n, 1 / (i + 200)] as const);
})();

const surnameTop = new Weighted(SURNAMES);
const surnameHard = new Weighted(HARD_SURNAMES);
const surnameTail = new Weighted(TAIL);
const femaleGiven = new Weighted(FEMALE_GIVEN);
const maleGiven = new Weighted(MALE_GIVEN);
const femaleHard = new Weighted(HARD_FEMALE_GIVEN);
const maleHard = new Weighted(HARD_MALE_GIVEN);
const cities = new Weighted(CITIES.map((c) => [c, c[3]] as const));
const commercial = new Weighted(COMMERCIAL_PAYERS.map((p) => [p, p[4]] as const));

const HISPANIC = new Set(
  ['garcia', 'rodriguez', 'martinez', 'hernandez', 'lopez', 'gonzalez', 'perez', 'sanchez', 'ramirez', 'torres', 'flores',
    'rivera', 'gomez', 'diaz', 'cruz', 'reyes', 'morales', 'gutierrez', 'ortiz', 'ramos', 'chavez', 'mendoza', 'ruiz',
    'alvarez', 'castillo', 'jimenez', 'vasquez', 'romero', 'moreno', 'herrera', 'medina', 'aguilar', 'castro', 'fernandez',
    'vargas', 'guzman', 'mendez', 'munoz', 'salazar', 'garza', 'soto', 'vazquez', 'alvarado', 'delgado', 'pena',
    'contreras', 'sandoval', 'nunez', 'ibanez', 'baez', 'cortes', 'delacruz', 'delarosa', 'deleon', 'delrosario', 'gonzales'],
);
const ASIAN = new Set(['nguyen', 'kim', 'lee', 'tran', 'chen', 'wong', 'yang', 'huang', 'wang', 'zhang', 'liu', 'pham', 'le', 'vu', 'park', 'choi', 'tanaka', 'yamamoto', 'patel', 'singh', 'shah']);

// ---------------------------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;
function isoOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
function msOf(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
}
function ageOn(birth: string, today: string): number {
  let a = Number(today.slice(0, 4)) - Number(birth.slice(0, 4));
  if (today.slice(5) < birth.slice(5)) a--;
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// The generator

/** Default reference date: generated dates are relative to it, so output does not drift day by day. */
export const DEFAULT_REFERENCE_DATE = '2025-06-30';

interface Household {
  family: string;
  address: PatientInput['addresses'][number];
  homePhone: string;
  adult: { given: string; family: string; birthDate: string; sex: 'female' | 'male'; phone: string } | null;
  coverage: PatientInput['coverages'][number] | null;
}

export interface GeneratorOptions {
  /** ISO date all generated dates are relative to (<= the real today). Default DEFAULT_REFERENCE_DATE. */
  referenceDate?: string;
  /** share of near-duplicates of an earlier patient (default 0.01) */
  duplicateRate?: number;
}

export class PatientGenerator {
  private readonly r: Rng;
  private readonly today: string;
  private readonly todayMs: number;
  private readonly dupRate: number;
  private readonly households: Household[] = [];
  private readonly recent: PatientInput[] = [];
  private n = 0;

  constructor(seed: number, opts: GeneratorOptions = {}) {
    this.r = new Rng(seed);
    this.today = opts.referenceDate ?? DEFAULT_REFERENCE_DATE;
    this.todayMs = msOf(this.today);
    this.dupRate = opts.duplicateRate ?? 0.01;
  }

  next(): PatientInput {
    this.n++;
    const r = this.r;
    let p: PatientInput;
    if (this.recent.length > 20 && r.chance(this.dupRate)) p = this.nearDuplicate(r.pick(this.recent));
    else p = this.fresh();
    if (this.recent.length < 500) this.recent.push(p);
    else this.recent[r.int(0, this.recent.length - 1)] = p;
    return p;
  }

  private surname(): string {
    const r = this.r;
    const x = r.float();
    if (x < 0.30) return surnameTop.pick(r);
    if (x < 0.36) return surnameHard.pick(r);
    return surnameTail.pick(r);
  }

  private givenName(sex: 'female' | 'male'): string {
    const r = this.r;
    if (r.chance(0.05)) return (sex === 'female' ? femaleHard : maleHard).pick(r);
    return (sex === 'female' ? femaleGiven : maleGiven).pick(r);
  }

  private birthDate(minAge: number, maxAge: number): string {
    const r = this.r;
    const age = r.int(minAge, maxAge);
    const ms = this.todayMs - age * 365.25 * DAY_MS - r.int(0, 364) * DAY_MS;
    const iso = isoOf(ms);
    return iso < '1900-01-01' ? '1900-01-01' : iso > this.today ? this.today : iso;
  }

  private ageBand(): [number, number] {
    const x = this.r.float();
    if (x < 0.22) return [0, 17];
    if (x < 0.58) return [18, 44];
    if (x < 0.83) return [45, 64];
    if (x < 0.97) return [65, 84];
    return [85, 100];
  }

  private phone(state: string): string {
    const r = this.r;
    const area = r.pick(AREA_CODES[state] ?? AREA_CODES.IL!);
    const exch = r.int(2, 9) * 100 + r.int(0, 99);
    const ex = String(exch).padStart(3, '0');
    return `(${area}) ${ex === '555' ? '556' : ex}-${r.digits(4)}`;
  }

  private address(): PatientInput['addresses'][number] {
    const r = this.r;
    const [city, state, zip3] = cities.pick(r);
    return {
      use: 'home',
      line1: `${r.int(1, 9899)} ${r.pick(DIRECTIONS)}${r.pick(STREET_NAMES)} ${r.pick(STREET_TYPES)}`,
      line2: r.chance(0.18) ? `Apt ${r.int(1, 30)}${r.pick(['', 'A', 'B', 'C', 'D', 'F', 'R'])}` : '',
      city,
      state: state as PatientInput['addresses'][number]['state'],
      postalCode: `${zip3}${r.digits(2)}`,
      country: 'US',
    };
  }

  private dateBetween(fromIso: string, toIso: string): string {
    const a = msOf(fromIso);
    const b = msOf(toIso);
    if (b <= a) return fromIso;
    return isoOf(a + this.r.int(0, Math.floor((b - a) / DAY_MS)) * DAY_MS);
  }

  private memberId(prefix: string): string {
    const r = this.r;
    return `${prefix}${r.digits(9)}`;
  }

  private mbi(): string {
    // Medicare Beneficiary Identifier shape: 11 characters, no S L O I B Z.
    const r = this.r;
    const L = 'ACDEFGHJKMNPQRTUVWXY';
    const A = L + '0123456789';
    const l = () => L[r.int(0, L.length - 1)]!;
    const a = () => A[r.int(0, A.length - 1)]!;
    const d = () => String(r.int(0, 9));
    return `${r.int(1, 9)}${l()}${a()}${d()}-${l()}${a()}${d()}-${l()}${l()}${d()}${d()}`;
  }

  private fresh(): PatientInput {
    const r = this.r;
    const today = this.today;
    const sexRoll = r.float();
    const sex: 'female' | 'male' | 'unknown' = sexRoll < 0.51 ? 'female' : sexRoll < 0.995 ? 'male' : 'unknown';
    const nameSex: 'female' | 'male' = sex === 'unknown' ? (r.chance(0.5) ? 'female' : 'male') : sex;
    const [minAge, maxAge] = this.ageBand();

    // A quarter of patients belong to a household seen before (same address, home phone, usually the last name).
    let hh: Household | null = null;
    if (this.households.length > 0 && r.chance(0.25)) hh = r.pick(this.households);
    const isMinor = maxAge <= 17;

    let family = hh && r.chance(0.85) ? hh.family : this.surname();
    if (!hh && r.chance(0.025)) {
      // double-barrelled: Smith-Jones, García-López
      const a = r.pick(HYPHEN_HALVES);
      let b = r.pick(HYPHEN_HALVES);
      if (b === a) b = 'Lopez';
      family = `${a}-${b}`;
    }
    const given = this.givenName(nameSex);
    let middle = '';
    const mr = r.float();
    if (mr < 0.45) middle = this.givenName(nameSex);
    else if (mr < 0.65) middle = r.pick([...MIDDLE_INITIAL_LETTERS]);
    let suffix = '';
    if (nameSex === 'male' && r.chance(0.04)) suffix = r.pick(['Jr', 'Jr', 'Jr', 'Sr', 'III', 'II', 'Jr.', 'IV']);
    const birthDate = this.birthDate(minAge, maxAge);
    const age = ageOn(birthDate, today);

    const nicks = NICKNAMES[given];
    const preferredName = nicks && r.chance(0.35) ? r.pick(nicks) : r.chance(0.01) ? this.givenName(nameSex) : '';

    const previousNames: PatientInput['previousNames'] = [];
    if (nameSex === 'female' && age >= 22 && r.chance(0.3)) {
      previousNames.push({ given: '', family: this.surname(), until: r.chance(0.5) ? this.dateBetween(birthDate > '1990-01-01' ? birthDate : '1990-01-01', today) : '' });
    }
    if (previousNames.length > 0 && r.chance(0.1)) family = `${previousNames[0]!.family}-${family}`.slice(0, 80);

    const address = hh ? hh.address : this.address();
    const state = address.state;
    const phones: PatientInput['phones'] = [];
    const mobile = !isMinor || age >= 13 ? r.chance(0.88) : false;
    if (mobile) phones.push({ use: 'mobile', number: this.phone(state), smsConsent: r.chance(0.6) });
    const homePhone = hh ? hh.homePhone : this.phone(state);
    if (hh || r.chance(0.3) || phones.length === 0) phones.push({ use: 'home', number: homePhone, smsConsent: false });
    if (!isMinor && r.chance(0.08)) phones.push({ use: 'work', number: this.phone(state), smsConsent: false });

    const fg = fold(given);
    const ff = fold(family);
    const email = !isMinor && r.chance(0.55) ? `${fg || 'patient'}.${ff || 'mail'}${r.chance(0.5) ? r.int(1, 999) : ''}@${r.pick(EMAIL_DOMAINS)}` : '';

    const surnameKey = fold(family.split('-')[0] ?? family);
    const hispanic = HISPANIC.has(surnameKey) || HISPANIC.has(ff);
    const asian = ASIAN.has(ff);
    const ethnicity: PatientInput['ethnicity'] = hispanic ? 'hispanic-latino' : r.chance(0.85) ? 'not-hispanic-latino' : r.pick(['', 'asked-declined', 'unknown'] as const);
    const race: PatientInput['race'] = asian
      ? ['asian']
      : r.chance(0.1)
        ? []
        : [r.pick(['white', 'white', 'white', 'black-african-american', 'black-african-american', 'asian', 'other', 'american-indian-alaska-native', 'native-hawaiian-pacific-islander', 'asked-declined'] as const)];
    let preferredLanguage = 'en';
    if (hispanic && r.chance(0.4)) preferredLanguage = 'es';
    else if (asian && r.chance(0.3)) preferredLanguage = r.pick(['zh', 'vi', 'ko', 'hi', 'tl']);
    else if (r.chance(0.02)) preferredLanguage = r.pick(['pl', 'ar', 'ru', 'fr', 'uk']);
    const interpreterNeeded = preferredLanguage !== 'en' && r.chance(0.5);

    const maritalStatus: PatientInput['maritalStatus'] = age < 18 ? '' : r.pick(['S', 'M', 'M', 'M', 'D', 'W', 'U', ''] as const);
    const genderIdentity: PatientInput['genderIdentity'] = r.chance(0.6) ? '' : r.chance(0.97) ? (nameSex as 'female' | 'male') : r.pick(['non-binary', 'transgender-female', 'transgender-male', 'asked-declined'] as const);
    const pronouns: PatientInput['pronouns'] = genderIdentity === '' ? '' : genderIdentity === 'female' ? 'she/her' : genderIdentity === 'male' ? 'he/him' : r.pick(['they/them', 'asked-declined', 'other'] as const);

    // Guarantor: minors have a parent (the household adult if any).
    let guarantor: PatientInput['guarantor'] = { type: 'self' };
    let parent = hh?.adult ?? null;
    if (isMinor) {
      if (!parent) {
        const psex = r.chance(0.6) ? 'female' : 'male';
        parent = { given: this.givenName(psex), family, birthDate: this.birthDate(age + 20, age + 45), sex: psex, phone: homePhone };
      }
      guarantor = {
        type: 'person',
        given: parent.given,
        family: parent.family,
        relationship: parent.sex === 'female' ? 'Mother' : 'Father',
        birthDate: parent.birthDate,
        phone: parent.phone,
        address: { sameAsPatient: true, line1: address.line1, line2: address.line2 ?? '', city: address.city, state: address.state, postalCode: address.postalCode },
      };
    }

    // Coverage
    const coverages: PatientInput['coverages'] = [];
    const effYear = String(r.int(2015, Number(today.slice(0, 4))));
    const effectiveFrom = `${effYear}-01-01` <= today ? `${effYear}-01-01` : '';
    const lastVerifiedAt = r.chance(0.6) ? this.dateBetween(`${Number(today.slice(0, 4)) - 1}-01-01`, today) : '';
    if (age >= 65) {
      coverages.push({
        rank: 1, payerName: 'Medicare', payerId: '00952', planName: 'Medicare Part B', memberId: this.mbi(), groupNumber: '',
        subscriberRelationship: 'self', subscriberGiven: '', subscriberFamily: '', subscriberBirthDate: '',
        effectiveFrom: (() => {
          const y = Number(birthDate.slice(0, 4)) + 65;
          const iso = isoDate(y, Number(birthDate.slice(5, 7)), 1);
          return iso <= today && iso >= '1966-07-01' ? iso : '';
        })(),
        effectiveTo: '', lastVerifiedAt,
      });
      if (r.chance(0.45)) {
        const [name, id] = r.pick(MEDICARE_SUPPLEMENTS);
        coverages.push({
          rank: 2, payerName: name, payerId: id, planName: `Plan ${r.pick(['G', 'N', 'F'])}`, memberId: this.memberId('MS'),
          groupNumber: '', subscriberRelationship: 'self', subscriberGiven: '', subscriberFamily: '', subscriberBirthDate: '',
          effectiveFrom, effectiveTo: '', lastVerifiedAt: '',
        });
      }
    } else if (isMinor && hh?.coverage && r.chance(0.8)) {
      coverages.push({ ...hh.coverage, subscriberRelationship: 'child', subscriberGiven: parent!.given, subscriberFamily: parent!.family, subscriberBirthDate: parent!.birthDate });
    } else {
      const x = r.float();
      if (x < 0.22) {
        coverages.push({
          rank: 1, payerName: 'Medicaid', payerId: 'IL-HFS', planName: r.pick(MEDICAID_PLANS), memberId: r.digits(9), groupNumber: '',
          subscriberRelationship: 'self', subscriberGiven: '', subscriberFamily: '', subscriberBirthDate: '',
          effectiveFrom, effectiveTo: '', lastVerifiedAt,
        });
      } else if (x < 0.85) {
        const [payerName, payerId, plans, prefix] = commercial.pick(r);
        const asChild = isMinor && parent;
        const asSpouse = !isMinor && r.chance(0.15);
        coverages.push({
          rank: 1, payerName, payerId, planName: r.pick(plans), memberId: this.memberId(prefix), groupNumber: String(r.int(10000, 999999)),
          subscriberRelationship: asChild ? 'child' : asSpouse ? 'spouse' : 'self',
          subscriberGiven: asChild ? parent!.given : asSpouse ? this.givenName(nameSex === 'female' ? 'male' : 'female') : '',
          subscriberFamily: asChild ? parent!.family : asSpouse ? family : '',
          subscriberBirthDate: asChild ? parent!.birthDate : '',
          effectiveFrom, effectiveTo: r.chance(0.05) ? this.dateBetween(effectiveFrom || '2015-01-01', today) : '', lastVerifiedAt,
        });
      }
    }

    const consents: PatientInput['consents'] = [];
    if (r.chance(0.85)) {
      const signedOn = this.dateBetween(birthDate > '2018-01-01' ? birthDate : '2018-01-01', today);
      const signer = isMinor ? `${parent!.given} ${parent!.family}` : `${given} ${family}`;
      const signerRelationship = isMinor ? (parent!.sex === 'female' ? 'mother' : 'father') : 'self';
      for (const type of ['treatment', 'hipaa-notice', 'financial-policy'] as const) {
        consents.push({ type, version: type === 'hipaa-notice' ? '2024-1' : '3.2', signedOn, signer, signerRelationship });
      }
      if (phones.some((p) => p.smsConsent)) consents.push({ type: 'sms', version: '1.0', signedOn, signer, signerRelationship });
    }

    const emergencyContacts: PatientInput['emergencyContacts'] = [];
    if (isMinor && parent) emergencyContacts.push({ name: `${parent.given} ${parent.family}`, relationship: parent.sex === 'female' ? 'Mother' : 'Father', phone: parent.phone });
    else if (r.chance(0.65)) {
      const esex = r.chance(0.5) ? 'female' : 'male';
      emergencyContacts.push({ name: `${this.givenName(esex)} ${r.chance(0.6) ? family : this.surname()}`, relationship: r.pick(RELATIONSHIPS_ADULT), phone: this.phone(state) });
    }

    const identifiers: PatientInput['identifiers'] = [];
    if (!isMinor && r.chance(0.3)) identifiers.push({ type: 'ssn-last4', value: r.digits(4) });
    if (!isMinor && r.chance(0.2)) identifiers.push({ type: 'drivers-license', value: `${ff.charAt(0).toUpperCase() || 'X'}${r.digits(11)}` });

    const p: PatientInput = {
      name: { prefix: !isMinor && r.chance(0.01) ? r.pick(['Dr.', 'Rev.']) : '', given, middle, family, suffix },
      preferredName,
      previousNames,
      birthDate,
      sexAtBirth: sex,
      genderIdentity,
      pronouns,
      race,
      ethnicity,
      preferredLanguage,
      interpreterNeeded,
      maritalStatus,
      addresses: [address],
      phones,
      email,
      emergencyContacts,
      guarantor,
      coverages,
      consents,
      identifiers,
    };

    if (!hh) {
      const home: Household = {
        family,
        address,
        homePhone,
        adult: isMinor ? (parent ? { ...parent } : null) : { given, family, birthDate, sex: nameSex, phone: phones[0]!.number },
        coverage: !isMinor && coverages[0] && coverages[0].payerName !== 'Medicare' && coverages[0].payerName !== 'Medicaid' ? coverages[0] : null,
      };
      if (this.households.length < 2000) this.households.push(home);
      else this.households[r.int(0, this.households.length - 1)] = home;
    }
    return p;
  }

  /** The same person typed again with the slips a desk makes. */
  private nearDuplicate(src: PatientInput): PatientInput {
    const r = this.r;
    const p: PatientInput = structuredClone(src);
    const kind = r.int(0, 5);
    switch (kind) {
      case 0: {
        const nick = NICKNAMES[p.name.given];
        if (nick) p.name.given = r.pick(nick);
        else p.name.given = p.name.given.toUpperCase();
        break;
      }
      case 1: // accents and punctuation dropped
        p.name.family = p.name.family.normalize('NFKD').replace(/[\u0300-\u036f']/g, '').replace(/-/g, ' ');
        p.name.given = p.name.given.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
        break;
      case 2: {
        // day and month swapped when both can be months, else one digit off in the day
        const y = p.birthDate.slice(0, 4);
        const m = p.birthDate.slice(5, 7);
        const d = p.birthDate.slice(8, 10);
        if (Number(d) <= 12 && d !== m) p.birthDate = `${y}-${d}-${m}`;
        else p.birthDate = `${y}-${m}-${String(Math.max(1, Number(d) - 1)).padStart(2, '0')}`;
        if (p.birthDate > this.today) p.birthDate = src.birthDate;
        break;
      }
      case 3: {
        // adjacent letters swapped in the last name
        const f = p.name.family;
        if (f.length > 3) {
          const i = r.int(1, f.length - 3);
          p.name.family = f.slice(0, i) + f[i + 1] + f[i] + f.slice(i + 2);
        }
        break;
      }
      case 4: // new phone, no email
        p.phones = [{ use: 'mobile', number: this.phone(p.addresses[0]?.state ?? 'IL'), smsConsent: false }];
        p.email = '';
        break;
      default: // middle name dropped and a preferred name missing
        p.name.middle = '';
        p.preferredName = '';
        break;
    }
    return p;
  }
}

/** `count` patients from one seed. */
export function generatePatients(count: number, seed: number, opts: GeneratorOptions = {}): PatientInput[] {
  const g = new PatientGenerator(seed, opts);
  const out: PatientInput[] = [];
  for (let i = 0; i < count; i++) out.push(g.next());
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk loader (benchmark setup only)

export interface BulkLoadOptions extends GeneratorOptions {
  /** rows per transaction (default 20,000) */
  batchSize?: number;
  /**
   * first MRN serial: MRNs are formatMrn(start), formatMrn(start + 1), ... Default: the start of the hub's number
   * space (electron/patients/mrn.ts), as if the hub had granted the block, so they never collide with numbers the
   * desk's MrnAllocator hands out from its local slot afterwards.
   */
  mrnStart?: number;
  /** created_by / updated_by (default 'system') */
  actorId?: string;
  /** progress callback (loaded so far) */
  onProgress?: (loaded: number) => void;
  /**
   * page cache for the load, in MiB (default 1024): the random-order name/phone/DOB index inserts of a million rows
   * thrash the app's 64 MiB cache; the app's own setting is restored afterwards.
   */
  cacheMiB?: number;
  /**
   * Drop the patient tables' secondary indexes for the load and rebuild them afterwards from their own stored SQL
   * (the schema comes out byte-identical): building a B-tree from all rows at once is far cheaper than a million
   * random-order inserts into it. For benchmark setup on a store nothing else is using.
   */
  deferIndexes?: boolean;
}

export interface BulkLoadResult {
  patients: number;
  ms: number;
  /** the ids in insertion order are not kept (1M strings); the MRN serials used are [mrnStart, mrnStart + patients) */
  mrnStart: number;
}

/**
 * Inserts `count` generated patients straight into the patients and search-key tables, in large transactions, with
 * no outbox or audit rows and no duplicate check: benchmark setup only, never for a clinic's data. The rows have the
 * shape a registration writes (writePatientVersion in electron/patients/repo.ts: patients row with the JSON document,
 * version 1 in patient_versions with its field list, the same search keys as writeSearchKeys via nameKeyRows); a
 * test compares them.
 */
export function bulkLoadPatients(db: Database.Database, count: number, seed: number, opts: BulkLoadOptions = {}): BulkLoadResult {
  const t0 = performance.now();
  const gen = new PatientGenerator(seed, opts);
  const batch = opts.batchSize ?? 20_000;
  const mrnStart = opts.mrnStart ?? HUB_SPACE_START;
  const actor = opts.actorId ?? 'system';
  const ins = {
    patient: db.prepare(
      `INSERT INTO patients (id, mrn, family, given, middle, suffix, preferred_name, birth_date, sex_at_birth, phone, email_key, doc, version, created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
    ),
    version: db.prepare(`INSERT INTO patient_versions (patient_id, version, action, doc, changes, changed_at, changed_by) VALUES (?, 1, 'registered', ?, ?, ?, ?)`),
    name: db.prepare('INSERT INTO patient_names (patient_id, family_key, given_key, kind, family_phon) VALUES (?, ?, ?, ?, ?)'),
    phone: db.prepare('INSERT INTO patient_phones (patient_id, digits) VALUES (?, ?)'),
    ident: db.prepare('INSERT INTO patient_identifiers (patient_id, id_key) VALUES (?, ?)'),
  };
  const now = new Date().toISOString();
  let done = 0;
  const runBatch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) {
      const p = gen.next();
      const id = newId();
      const mrn = formatMrn(mrnStart + done + i);
      const doc = JSON.stringify(p);
      // Same columns as writePatientVersion (electron/patients/repo.ts) writes for a registration.
      ins.patient.run(id, mrn, p.name.family, p.name.given, p.name.middle, p.name.suffix, p.preferredName, p.birthDate, p.sexAtBirth, p.phones[0] ? formatPhone(p.phones[0].number) : '', emailKey(p.email), doc, now, actor, now, actor);
      ins.version.run(id, doc, JSON.stringify(diffPatient(null, p)), now, actor);
      // Same keys as writeSearchKeys (electron/patients/search-keys.ts), without re-preparing statements per patient.
      for (const k of nameKeyRows(p)) ins.name.run(id, k.family_key, k.given_key, k.kind, k.family_phon);
      const phones = new Set(p.phones.map((ph) => phoneDigits(ph.number)).filter((d) => d.length === 10));
      for (const d of phones) ins.phone.run(id, d);
      const ids = new Set(p.identifiers.map((x) => `${x.type}:${fold(x.value)}`));
      for (const k of ids) ins.ident.run(id, k);
    }
  });
  const cacheBefore = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${-1024 * (opts.cacheMiB ?? 1024)}`);
  const deferred = opts.deferIndexes
    ? db
        .prepare<[], { name: string; sql: string }>(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name IN ('patients', 'patient_versions', 'patient_names', 'patient_phones', 'patient_identifiers')`,
        )
        .all()
    : [];
  try {
    if (deferred.length) db.transaction(() => deferred.forEach((i) => db.exec(`DROP INDEX "${i.name}"`))).immediate();
    while (done < count) {
      const n = Math.min(batch, count - done);
      runBatch.immediate(n);
      done += n;
      opts.onProgress?.(done);
    }
  } finally {
    if (deferred.length) db.transaction(() => deferred.forEach((i) => db.exec(i.sql))).immediate();
    db.pragma(`cache_size = ${cacheBefore}`);
  }
  return { patients: count, ms: performance.now() - t0, mrnStart };
}
