/**
 * Patient search on a real SQLite file: known patients registered through the real registration code, among a few
 * thousand generated ones, found by every query form; ranking; merged patients; limits; and the query plans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { registerPatient } from '../../electron/patients/handlers.js';
import { searchPatients, SEARCH_SQL } from '../../electron/patients/search.js';
import { bulkLoadPatients } from '../../electron/demo/generator.js';
import { patientInputSchema, type DuplicateMatch, type PatientFormValues, type PatientHit } from '../../shared/domain/patient.js';
import { ApiError } from '../../shared/api/errors.js';
import { emptyPatientForm } from '../../shared/domain/patient.js';
import type { Actor } from '../../electron/store/store.js';

const TODAY = '2025-06-30';
let desk: TestDesk;
let actor: Actor;
const ids: Record<string, string> = {};
const mrns: Record<string, string> = {};

function doc(over: Partial<PatientFormValues> & { name: PatientFormValues['name'] }) {
  return patientInputSchema.parse({ ...emptyPatientForm(), sexAtBirth: 'female', ...over });
}
const nm = (given: string, family: string, extra: Partial<PatientFormValues['name']> = {}) => ({ prefix: '', given, middle: '', family, suffix: '', ...extra });

function register(key: string, d: ReturnType<typeof doc>) {
  let p;
  try {
    p = registerPatient(desk.app.store, actor, d);
  } catch (e) {
    // The record that a merge will keep is, by nature, a duplicate: saved with an override like at the desk.
    if (!(e instanceof ApiError) || e.code !== 'DUPLICATE_SUSPECTED') throw e;
    const matchIds = (e.data as { matches: DuplicateMatch[] }).matches.map((m) => m.patient.id);
    p = registerPatient(desk.app.store, actor, d, { override: { reason: 'Test: the record a merge keeps', matchIds } });
  }
  ids[key] = p.id;
  mrns[key] = p.mrn;
}

const search = (q: string, limit = 25) => searchPatients(desk.app.store.db, q, limit, TODAY);
const idsOf = (hits: PatientHit[]) => hits.map((h) => h.id);
const hitOf = (q: string, key: string, limit = 100) => search(q, limit).hits.find((h) => h.id === ids[key]);

beforeAll(async () => {
  desk = new TestDesk();
  await desk.setup();
  const admin = desk.app.store.db.prepare(`SELECT id, display_name FROM users WHERE username = 'admin'`).get() as { id: string; display_name: string };
  actor = { userId: admin.id, userName: admin.display_name };
  // A few thousand ordinary patients around the ones we look for.
  bulkLoadPatients(desk.app.store.db, 3000, 11);

  register('garcia', doc({ name: nm('María', 'García'), birthDate: '1975-03-14', phones: [{ use: 'mobile', number: '(312) 555-0101', smsConsent: false }] }));
  register('obrien', doc({ name: nm('Seán', "O'Brien"), sexAtBirth: 'male', birthDate: '1980-01-02', phones: [{ use: 'home', number: '773.555.0102', smsConsent: false }] }));
  register('johnSmith80', doc({ name: nm('John', 'Smith'), sexAtBirth: 'male', birthDate: '1980-01-02' }));
  register('johnSmith91', doc({ name: nm('John', 'Smith', { middle: 'Quincy' }), sexAtBirth: 'male', birthDate: '1991-07-04' }));
  register('smithers', doc({ name: nm('Aaron', 'Smithwicke'), sexAtBirth: 'male', birthDate: '1970-05-05' }));
  register('hyphen', doc({ name: nm('Anna', 'Smith-Jones'), birthDate: '1988-08-08' }));
  register('preferred', doc({ name: nm('Robert', 'Quixley'), preferredName: 'Bob', sexAtBirth: 'male', birthDate: '1960-10-10' }));
  register('previous', doc({ name: nm('Linda', 'Carterwell'), previousNames: [{ given: '', family: 'Zanowski', until: '' }], birthDate: '1972-12-12' }));
  register('delacruz', doc({ name: nm('Rosa', 'De La Cruz'), birthDate: '1990-09-09' }));
  register('zoe', doc({ name: nm('Zoë', 'Lefèvre'), birthDate: '2001-02-03', phones: [{ use: 'mobile', number: '+1 630 555 0103', smsConsent: true }] }));
  register('merged', doc({ name: nm('Mergatroid', 'Quillfeather'), birthDate: '1955-01-01' }));
  register('mergedInto', doc({ name: nm('Mergatroyd', 'Quillfeathers'), birthDate: '1955-01-01' }));
  // No merge command exists yet: mark the record merged the way a merge will (merged_into = the surviving record).
  desk.app.store.db.prepare('UPDATE patients SET merged_into = ? WHERE id = ?').run(ids.mergedInto, ids.merged);
});

afterAll(() => desk?.destroy());

describe('every query form finds the right patient', () => {
  it('García without the accent, in any case', () => {
    for (const q of ['garcia', 'GARCIA', 'García', 'garcia, maria', 'Garcia, María', 'maria garcia', 'MARÍA GARCÍA']) {
      expect(hitOf(q, 'garcia'), q).toBeDefined();
    }
    expect(hitOf('garcia, maria', 'garcia')!.matchedOn).toEqual(['name']);
  });

  it("O'Brien typed with and without the apostrophe", () => {
    for (const q of ['obrien', "o'brien", 'OBRIEN', "O'Brien, Sean", 'sean obrien', 'o brien']) {
      expect(hitOf(q, 'obrien'), q).toBeDefined();
    }
  });

  it('prefix pairs', () => {
    expect(hitOf('smi,joh', 'johnSmith80')).toBeDefined();
    expect(hitOf('smi, j', 'johnSmith91')).toBeDefined();
    expect(hitOf('obr,se', 'obrien')).toBeDefined();
    expect(hitOf('gar, mar', 'garcia')).toBeDefined();
    // the first-name side is the longer prefix: walked first
    expect(hitOf('s, john', 'johnSmith80')).toBeDefined();
    expect(hitOf('o, sean', 'obrien')).toBeDefined();
  });

  it('"Smith, John" and "john smith" find both John Smiths, exact matches above longer names', () => {
    for (const q of ['Smith, John', 'john smith', 'SMITH,JOHN']) {
      const hits = search(q, 100).hits;
      const exact = hits.map((h) => h.family === 'Smith' && h.given === 'John');
      // every exact "Smith, John" (ours and any generated namesake) before every longer name (Johnson, Smithwicke...)
      expect(exact.lastIndexOf(true), q).toBeLessThan(exact.indexOf(false) === -1 ? Infinity : exact.indexOf(false));
      const ours = [ids.johnSmith80, ids.johnSmith91].map((id) => hits.findIndex((h) => h.id === id));
      for (const i of ours) expect(exact[i], q).toBe(true);
    }
  });

  it('date of birth in every format', () => {
    for (const q of ['03/14/1975', '3/14/75', '1975-03-14', '03141975']) {
      const h = hitOf(q, 'garcia');
      expect(h, q).toBeDefined();
      expect(h!.matchedOn, q).toEqual(['dob']);
      expect(search(q, 100).hits.every((x) => x.birthDate === '1975-03-14'), q).toBe(true);
    }
  });

  it('MRN', () => {
    const res = search(mrns.zoe!);
    expect(res.hits[0]!.id).toBe(ids.zoe);
    expect(res.hits[0]!.matchedOn).toEqual(['mrn']);
    expect(res.interpretations).toContain(`MRN ${mrns.zoe}`);
  });

  it('phone in four formats', () => {
    for (const q of ['(312) 555-0101', '312.555.0101', '3125550101', '+1 312 555 0101']) {
      const res = search(q);
      expect(idsOf(res.hits), q).toEqual([ids.garcia]);
      expect(res.hits[0]!.matchedOn).toEqual(['phone']);
    }
    expect(idsOf(search('6305550103').hits)).toEqual([ids.zoe]);
    expect(idsOf(search('(773) 555-0102').hits)).toEqual([ids.obrien]);
  });

  it('previous last name', () => {
    const h = hitOf('zanowski', 'previous');
    expect(h!.matchedOn).toEqual(['previous-name']);
    expect(hitOf('zanowski, linda', 'previous')).toBeDefined();
    expect(h!.family).toBe('Carterwell'); // the hit shows the current name
  });

  it('preferred name', () => {
    const h = hitOf('bob quixley', 'preferred');
    expect(h).toBeDefined();
    expect(h!.matchedOn).toContain('preferred-name');
    expect(hitOf('quixley, bob', 'preferred')).toBeDefined();
    expect(hitOf('quixley, robert', 'preferred')!.matchedOn).toEqual(['name']);
  });

  it('hyphenated last name by either part, joined, or spaced', () => {
    for (const q of ['smith-jones', 'smithjones', 'smith jones', 'jones, anna', 'smith jones, anna', 'anna smith-jones']) {
      expect(hitOf(q, 'hyphen'), q).toBeDefined();
    }
  });

  it('multi-part last name and accented first name', () => {
    for (const q of ['de la cruz', 'delacruz', 'De La Cruz, Rosa', 'cruz, rosa', 'rosa de la cruz']) {
      expect(hitOf(q, 'delacruz'), q).toBeDefined();
    }
    for (const q of ['zoe lefevre', 'lefevre, zoe', 'LEFÈVRE', 'zoë']) {
      expect(hitOf(q, 'zoe'), q).toBeDefined();
    }
  });

  it('name + date of birth narrows to the one patient', () => {
    const res = search('smith, john 1/2/80');
    expect(idsOf(res.hits)).toEqual([ids.johnSmith80]);
    expect(res.hits[0]!.matchedOn.sort()).toEqual(['dob', 'name']);
    expect(res.interpretations).toEqual(["last name starts with 'smith', first name starts with 'john'", 'date of birth 01/02/1980']);
    expect(idsOf(search('garcia 03/14/1975').hits)).toEqual([ids.garcia]);
    expect(idsOf(search('obrien 01021980').hits)).toEqual([ids.obrien]);
  });

  it('name + date of birth with no patient matching both falls back to either alone, name first', () => {
    const res = search('quixley 01/02/1980', 100);
    expect(res.hits[0]!.id).toBe(ids.preferred);
    const dobOnly = res.hits.slice(1).map((h) => h.id);
    expect(dobOnly).toEqual(expect.arrayContaining([ids.obrien, ids.johnSmith80]));
  });
});

describe('ranking', () => {
  it('exact last name before a longer last name, whatever the alphabet says', () => {
    const res = search('smith', 100);
    const exact = res.hits.findIndex((h) => h.id === ids.johnSmith80);
    const longer = res.hits.findIndex((h) => h.id === ids.smithers);
    expect(exact).toBeGreaterThanOrEqual(0);
    if (longer >= 0) expect(exact).toBeLessThan(longer);
    // every exact-key "Smith" hit comes before every prefix hit
    const isExact = res.hits.map((h) => h.family.toLowerCase() === 'smith');
    expect(isExact.indexOf(false) === -1 || isExact.lastIndexOf(true) < isExact.indexOf(false)).toBe(true);
  });

  it('exact first name before a longer first name within one last name', () => {
    const res = search('smithwicke, a');
    expect(res.hits[0]!.id).toBe(ids.smithers);
  });

  it('legal name before a preferred or previous name', () => {
    const res = search('smith, anna', 100);
    // Anna Smith-Jones matches through the "smith" part of her legal last name: below any legal Smith, Anna*
    const part = res.hits.findIndex((h) => h.id === ids.hyphen);
    expect(part).toBeGreaterThanOrEqual(0);
    const legalAbove = res.hits.slice(0, part).every((h) => h.family.toLowerCase() === 'smith');
    expect(legalAbove).toBe(true);
  });

  it('within one rank, alphabetical by last then first name', () => {
    const hits = search('smith', 100).hits.filter((h) => h.family === 'Smith');
    const keys = hits.map((h) => h.given.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, ''));
    expect(keys).toEqual([...keys].sort());
  });

  it('single token: last-name readings before first-name readings', () => {
    const res = search('anna', 100);
    const firstGivenOnly = res.hits.findIndex((h) => !h.family.toLowerCase().startsWith('anna'));
    const lastFamily = res.hits.map((h) => h.family.toLowerCase().startsWith('anna')).lastIndexOf(true);
    if (firstGivenOnly >= 0 && lastFamily >= 0) expect(lastFamily).toBeLessThan(firstGivenOnly);
    expect(res.hits.some((h) => h.id === ids.hyphen)).toBe(true);
  });
});

describe('merged, limits, empty', () => {
  it('a merged patient is never a hit; the surviving record is', () => {
    for (const q of ['quillfeather', 'quillfeather, mergatroid', '01/01/1955', mrns.merged!]) {
      expect(idsOf(search(q, 100).hits), q).not.toContain(ids.merged);
    }
    expect(idsOf(search('quillfeather', 100).hits)).toContain(ids.mergedInto);
  });

  it('the limit is respected', () => {
    expect(search('s', 1).hits).toHaveLength(1);
    expect(search('s', 7).hits).toHaveLength(7);
    expect(search('smith', 2).hits).toHaveLength(2);
    expect(search('s', 100).hits).toHaveLength(100);
    expect(search('s, j', 5).hits).toHaveLength(5);
    expect(search('s, j', 5).hits.every((h) => /^s/i.test(h.family.normalize('NFKD')) || h.matchedOn.some((m) => m !== 'name'))).toBe(true);
  });

  it('empty and whitespace queries find nothing', () => {
    for (const q of ['', '   ', '\t\n', ',', '--']) expect(search(q).hits, JSON.stringify(q)).toEqual([]);
  });

  it('no match is an empty list with the interpretations', () => {
    const res = search('zzqx, qqzz');
    expect(res.hits).toEqual([]);
    expect(res.interpretations).toEqual(["last name starts with 'zzqx', first name starts with 'qqzz'"]);
  });
});

describe('through the API', () => {
  it('patients.search returns the same hits and audits without the query text', async () => {
    const r = await desk.call('patients.search', { q: 'garcia, maria', limit: 10 });
    expect(r.hits.map((h) => h.id)).toContain(ids.garcia);
    const last = desk.app.store.db.prepare(`SELECT detail FROM audit_log WHERE action = 'patient.searched' ORDER BY seq DESC LIMIT 1`).get() as { detail: string };
    expect(last.detail).not.toMatch(/garcia|maria/i);
  });
});

describe('query plans', () => {
  const bound = (sql: string): unknown[] =>
    // named parameters (the skip-scans, the phone-prefix walk) or positional ones
    /@\w/.test(sql)
      ? [Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map(([, k]) => [k!, ['walk', 'page', 'plen'].includes(k!) ? 10 : 'x']))]
      : Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x');

  it('no search statement scans a patient table; every table access is an index search', () => {
    const db = desk.app.store.db;
    for (const [name, sql] of Object.entries(SEARCH_SQL)) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...bound(sql)) as { detail: string }[]).map((r) => r.detail);
      const text = plan.join(' | ');
      // "SCAN <table>" is a full scan; only the skip-scan CTE's own rows ("SCAN fam"/"SCAN giv", its seed
      // "SCAN CONSTANT ROW") and the id list (json_each) may be scanned.
      for (const d of plan) {
        if (/^SCAN /.test(d)) expect(d, `${name}: ${text}`).toMatch(/^SCAN (fam|giv|pre|json_each|CONSTANT ROW)\b/);
      }
      expect(text, name).not.toMatch(/SCAN (patients|patient_names|patient_phones|n|p|ph)\b(?! USING)/);
      expect(text, name).toMatch(/SEARCH/);
    }
  });

  it('name statements read only covering indexes (no patient row until the final page)', () => {
    const db = desk.app.store.db;
    for (const name of ['familyRange', 'givenRange', 'pairByFamily', 'pairByGiven'] as const) {
      const sql = SEARCH_SQL[name];
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...bound(sql)) as { detail: string }[]).map((r) => r.detail).join(' | ');
      expect(plan, name).toMatch(/COVERING INDEX patient_names_(fg|gf)/);
      expect(plan, name).not.toMatch(/\bpatients\b/);
    }
  });
});
