/**
 * Hostile input at EVERY method of the contract, through the real dispatcher on a real SQLite store, signed in as
 * an administrator (so access is never what refuses). Properties:
 *  1. Input the shared schema refuses -> ok:false, code VALIDATION, a message that does not echo the input, and
 *     nothing written: no row count of any table changes and the connection reports zero changes.
 *  2. Well-formed but hostile text (SQL-looking, accents, emoji, RTL, quotes) in a valid registration round-trips
 *     verbatim through patients.register and patients.get.
 * Bounded runs (numRuns 50 per method) keep the file to a few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contract, METHOD_NAMES, type MethodName } from '../../shared/api/contract.js';
import { ERROR_CODES } from '../../shared/api/errors.js';
import { TestDesk, ADMIN } from '../support/desk.js';

const SESSION = 'fuzz:admin';
// Every hostile string VALUE carries it; error messages must never echo a value back (key names may be named: they
// are the caller's field names, not typed data).
const MARK = 'Zqx7';
const ID = '0190a6f0-0000-7000-8000-000000000001';

const validPatient = {
  name: { given: 'Maria', family: 'Gonzalez' },
  birthDate: '1980-04-12',
  sexAtBirth: 'female',
  phones: [{ use: 'mobile', number: '(312) 555-0147' }],
  addresses: [{ line1: '12 Elm St', city: 'Springfield', state: 'IL', postalCode: '62701' }],
};

/** A valid input per method: the fuzzer breaks one thing at a time. Record<MethodName, ...> makes a new method a type error here. */
const VALID: Record<MethodName, Record<string, unknown>> = {
  'app.status': {},
  'setup.initialize': { siteName: 'Riverside', timeZone: 'America/Chicago', deskLabel: 'Desk 2', admin: { username: 'root2', displayName: 'Root', password: 'x'.repeat(12) } },
  'setup.joinProgress': {},
  'setup.join': { deskLabel: 'Desk 3', hubUrl: 'https://hub.example:8443', code: 'ABCD-EFGH', fingerprint: '' },
  'session.current': {},
  'session.signIn': { username: 'nobody', password: 'whatever' },
  'session.signOut': {},
  'session.lock': {},
  'session.unlock': { password: ADMIN.password },
  'session.touch': {},
  'users.list': {},
  'users.create': { username: 'clerk9', displayName: 'Clerk Nine', role: 'clerk', password: 'y'.repeat(12) },
  'users.update': { id: ID, displayName: 'Someone', role: 'clerk', active: true },
  'users.setPassword': { id: ID, password: 'z'.repeat(12) },
  'users.unlock': { id: ID },
  'settings.get': {},
  'settings.update': { siteName: 'Riverside', timeZone: 'America/Chicago', deskLabel: 'Desk 1', idleLockSeconds: 300, lockoutThreshold: 5, lockoutMinutes: 15 },
  'patients.search': { q: 'gonzalez', limit: 10 },
  'patients.get': { id: ID },
  'patients.findDuplicates': { given: 'Maria', family: 'Gonzalez', birthDate: '1980-04-12' },
  'patients.register': { patient: validPatient },
  'patients.update': { id: ID, baseVersion: 1, patient: validPatient },
  'patients.history': { id: ID },
  'audit.list': { limit: 10 },
  'audit.export': { from: '2024-01-01' },
  'audit.verify': {},
  'sync.status': {},
  'sync.enroll': { hubUrl: 'https://hub.example:8443', code: 'ABCD-EFGH', fingerprint: '' },
  'sync.now': {},
  'sync.reviewItems': { status: 'open' },
  'sync.resolveReviewItem': { id: 'item-1', resolution: 'not-duplicate', note: 'Different people: checked photo ID.' },
  'patients.merge': { survivorId: ID, mergedId: '0190a6f0-0000-7000-8000-000000000002', reason: 'Same person, registered twice.' },
  'patients.unmerge': { mergedId: ID, reason: 'Merged by mistake.' },
  'payments.settings': {},
  'payments.updateSettings': { denominations: [{ code: 'b20', label: '$20', kind: 'bill', valueCents: 2000 }], varianceToleranceCents: 100, voidApprovalAboveCents: 5000, refundApprovalAboveCents: 2500, defaultFloatCents: 15000 },
  'drawer.current': {},
  'drawer.open': { float: { b20: 5, c25: 4 }, note: 'Morning float' },
  'drawer.paidIn': { amountCents: 2000, reason: 'Change from the bank' },
  'drawer.paidOut': { amountCents: 500, reason: 'Postage' },
  'drawer.xReport': { sessionId: ID },
  'drawer.close': { sessionId: ID, cash: { b20: 5 }, checksCents: 0, cardCents: 0, note: '' },
  'drawer.signOffVariance': { sessionId: ID, reason: 'Counted twice; short by a dollar.', approver: { username: 'super', password: 'p'.repeat(12) } },
  'drawer.sessions': { businessDate: '2025-03-04' },
  'payments.record': { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 3000, patientId: ID, note: '' },
  'payments.void': { paymentId: ID, reason: 'Wrong patient', approver: { username: 'super', password: 'p'.repeat(12) } },
  'payments.refund': { paymentId: ID, amountCents: 1000, method: 'cash', reason: 'Overpaid copay' },
  'payments.receipt': { paymentId: ID },
  'payments.receiptPdf': { paymentId: ID, paper: '80mm', reprint: false },
  'payments.list': { sessionId: ID, limit: 50 },
  'payments.copayVisits': { patientId: ID },
  'eod.report': { businessDate: '2025-03-04' },
  'eod.exportCsv': { businessDate: '2025-03-04' },
  'eod.exportPdf': { businessDate: '2025-03-04' },
  'visits.directory': {},
  'visits.saveDepartment': { department: { name: 'Family Medicine', code: 'FM', active: true } },
  'visits.saveProvider': { provider: { displayName: 'Dr. Maria Lopez', code: 'LOPEZ', npi: '1234567893', departmentIds: [], active: true } },
  'visits.saveAppointmentType': { appointmentType: { name: 'Follow-up', code: 'FU', durationMin: 15, copayCategory: 'primary-care', defaultCopayCents: 2500, authorizationRequired: false, active: true } },
  'visits.book': { patientId: ID, departmentId: ID, providerId: ID, typeId: ID, start: '2025-03-04T15:00:00.000Z', note: '' },
  'visits.walkIn': { patientId: ID, departmentId: ID, providerId: ID, typeId: ID, note: '' },
  'visits.reschedule': { id: ID, start: '2025-03-04T16:00:00.000Z', durationMin: 20 },
  'visits.modify': { id: ID, note: 'Bring the x-rays' },
  'visits.cancel': { id: ID, reason: { code: 'patient-request', note: '' } },
  'visits.noShow': { id: ID },
  'visits.checkIn': { id: ID, checkIn: { identity: { dobReadBack: true, photoIdSeen: false, notVerifiedReason: '' }, addressConfirmed: true, coverageVerifiedRanks: [1], consentsCaptured: [], copay: { decision: 'not-collected', dueCents: 0, reason: 'no-copay', note: '' } } },
  'visits.room': { id: ID },
  'visits.checkOut': { id: ID },
  'visits.undo': { id: ID, undo: 'undo-arrival', reason: 'Checked in the wrong patient' },
  'visits.linkPayment': { id: ID, paymentId: ID },
  'visits.board': { businessDate: '2025-03-04', departmentIds: [], providerIds: [], statuses: [] },
  'visits.get': { id: ID },
  'visits.forPatient': { patientId: ID },
  'visits.walkInContext': { patientId: ID, typeId: ID },
  'visits.importPreview': { csv: 'external_id,date,time,department,provider,type\nA1,2025-03-04,09:00,FAM,DRX,FU\n' },
  'visits.importCsv': { csv: 'external_id,date,time,department,provider,type\nA1,2025-03-04,09:00,FAM,DRX,FU\n' },
  'print.patientLabel': { patientId: ID, format: 'label', copies: 2, appointment: { at: '2025-03-04T15:00:00.000Z', provider: 'Dr. Lopez', department: 'Family Medicine', visitNumber: 'V1001' } },
  'print.osPrint': { widthPt: 162, heightPt: 90, landscape: false },
};

// ---- hostile values ----------------------------------------------------------------------------------------------
const hugeString = fc.constant(MARK + 'a'.repeat(100 * 1024));
const controlChars = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 8 }).map((cs) => `${MARK}${String.fromCharCode(...cs)}x`);
const sqlish = fc.constantFrom(
  `${MARK}'; DROP TABLE patients; --`,
  `${MARK}" OR 1=1 --`,
  `${MARK}') UNION SELECT * FROM users --`,
  `${MARK}%' AND 1=0; DELETE FROM audit_log; --`,
  `${MARK}\u0000'); --`,
);
const impossibleDate = fc.constantFrom('2023-02-30', '1899-12-31', '9999-99-99', '2023-13-01', '0000-00-00', '2023-2-3', `${MARK}-01-01`, '2100-02-29');
const badNumber = fc.constantFrom(-1, -0, NaN, Infinity, -Infinity, 1.5, Number.MAX_SAFE_INTEGER + 2, -1e308, 0);
const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 5 }).map((s) => MARK + s),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const nestedGarbage: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    wrongType,
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 3 }),
  ),
})).node;
const hostile = fc.oneof(hugeString, controlChars, sqlish, impossibleDate, badNumber, wrongType, nestedGarbage);

type Path = (string | number)[];
function leafPaths(v: unknown, prefix: Path = []): Path[] {
  if (v && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    const kids = entries.flatMap(([k, x]) => leafPaths(x, [...prefix, k]));
    return prefix.length ? [prefix, ...kids] : kids;
  }
  return prefix.length ? [prefix] : [];
}
function setAt(base: unknown, path: Path, value: unknown, remove = false): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
  return copy;
}

/** One broken input for `method`: the whole input replaced, a field missing, an extra field, or one field made hostile. */
function brokenInput(method: MethodName): fc.Arbitrary<unknown> {
  const base = VALID[method];
  const paths = leafPaths(base);
  const options: fc.Arbitrary<unknown>[] = [
    // not an object at all (undefined is excluded: the transports send it as {})
    fc.oneof(hugeString, controlChars, sqlish, badNumber, fc.constant(null), fc.boolean(), fc.array(hostile, { maxLength: 3 })),
    // an extra field (every input schema is strict)
    fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), hostile).map(([k, v]) => ({ ...base, [`extra ${k}`]: v })),
    // nested garbage as the input
    nestedGarbage.filter((g) => g !== undefined),
  ];
  if (paths.length) {
    options.push(fc.constantFrom(...paths).map((p) => setAt(base, p, undefined, true))); // a field missing
    options.push(fc.tuple(fc.constantFrom(...paths), hostile).map(([p, v]) => setAt(base, p, v))); // a field made hostile
  }
  return fc.oneof(...options);
}

let desk: TestDesk;
let tables: string[];
function snapshot(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = desk.count(`"${t}"`);
  out['(total_changes)'] = (desk.app.store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  return out;
}

beforeAll(async () => {
  desk = new TestDesk();
  await desk.setup(SESSION);
  tables = (desk.app.store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
});
afterAll(() => desk?.destroy());

describe('API fuzz: bad input at every method', () => {
  it('the list of fuzzed methods is the whole contract', () => {
    expect(Object.keys(VALID).sort()).toEqual([...METHOD_NAMES].sort());
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'outbox']));
  });

  it.each(METHOD_NAMES)('%s: refused with VALIDATION, echoes nothing, writes nothing', async (method) => {
    const schema = contract[method].input;
    await fc.assert(
      fc.asyncProperty(brokenInput(method), async (input) => {
        // Only inputs the shared schema refuses (a mutation can happen to stay valid, e.g. SQL-looking text in a text field).
        fc.pre(!schema.safeParse(input).success);
        const before = snapshot();
        const r = await desk.app.dispatcher.call(SESSION, method, input);
        const after = snapshot();
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(ERROR_CODES).toContain(r.error.code);
        expect(r.error.code).toBe('VALIDATION');
        expect(typeof r.error.message).toBe('string');
        expect(r.error.message.length).toBeGreaterThan(0);
        expect(JSON.stringify(r.error)).not.toContain(MARK);
        expect(after).toEqual(before);
      }),
      { numRuns: 50, seed: Number(process.env.FUZZ_SEED ?? 20240611), endOnFailure: true },
    );
    // Still signed in, unlocked: the refusals were about the input, never about access.
    const who = await desk.app.dispatcher.call(SESSION, 'session.current', {});
    expect(who).toMatchObject({ ok: true, value: { user: { username: ADMIN.username }, locked: false } });
  });
});

describe('API fuzz: hostile but valid text', () => {
  // Text the schema accepts as-is: no control characters, no leading/trailing whitespace (fields are trimmed).
  const hostileText = (max: number) =>
    fc
      .oneof(
        fc.constantFrom(`Robert'); DROP TABLE patients;--`, `O'Brien`, `"Quoted" Name`, `1 OR 1=1`, `%_\\*`, `Zoë Ñúñez-Åström`, `李小龙`, `محمد`, `👩🏽‍⚕️ Ana`, `Ġ̷l̴i̶t̷c̵h̸`, `<script>alert(1)</script>`),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
      )
      .map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim())
      .filter((s) => s.length > 0 && s.length <= max && s === s.trim());

  it('a registration with SQL-looking, accented, emoji and RTL names round-trips verbatim', async () => {
    const probe = await desk.app.dispatcher.call(SESSION, 'patients.register', { patient: validPatient });
    if (!probe.ok && /not available yet/i.test(probe.error.message)) {
      // The patients service is being built in parallel; this property runs once it exists.
      console.warn('api-fuzz: patients.register is not implemented yet; round-trip property not run');
      return;
    }
    expect(probe.ok, JSON.stringify(!probe.ok && probe.error)).toBe(true);
    let roundTripped = 0;
    await fc.assert(
      fc.asyncProperty(hostileText(60), hostileText(80), hostileText(60), hostileText(60), async (given, family, middle, preferredName) => {
        // A distinct birth date per run and no shared phone/address, so runs are not look-alikes of each other.
        const birthDate = new Date(Date.UTC(1930, 0, 1) + roundTripped * 86_400_000 * 97).toISOString().slice(0, 10);
        const patient = { name: { given, family, middle }, preferredName, birthDate, sexAtBirth: 'unknown' };
        const reg = await desk.app.dispatcher.call(SESSION, 'patients.register', {
          patient,
        });
        if (!reg.ok && reg.error.code === 'DUPLICATE_SUSPECTED') return; // a look-alike of an earlier run: refused, correctly
        expect(reg.ok, JSON.stringify(!reg.ok && reg.error)).toBe(true);
        if (!reg.ok) return;
        const id = (reg.value as { patient: { id: string } }).patient.id;
        const got = await desk.app.dispatcher.call(SESSION, 'patients.get', { id });
        expect(got.ok).toBe(true);
        if (!got.ok) return;
        const p = (got.value as { patient: { name: { given: string; family: string; middle: string }; preferredName: string } }).patient;
        expect(p.name.given).toBe(given);
        expect(p.name.family).toBe(family);
        expect(p.name.middle).toBe(middle);
        expect(p.preferredName).toBe(preferredName);
        roundTripped++;
      }),
      { numRuns: 50, seed: Number(process.env.FUZZ_SEED ?? 20240611) },
    );
    // Most runs must really round-trip (not end early as suspected duplicates).
    expect(roundTripped).toBeGreaterThanOrEqual(40);
  });
});
