/**
 * Issue 12 item 12 through the real API on a real SQLite file: the site setting "require a supervisor's approval to
 * override a likely duplicate" (refused without it, refused with a wrong password, accepted with a supervisor's),
 * the flag on the record saved anyway (on both records, listed for review), and a standalone desk's review queue with
 * its merge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { patientInput } from '../support/patients.js';
import type { ApiResult } from '../../shared/api/errors.js';

const CLERK = { username: 'cleo', displayName: 'Cleo Clerk', role: 'clerk' as const, password: 'a long enough password' };
const SUP = { username: 'sam', displayName: 'Sam Supervisor', role: 'supervisor' as const, password: 'another long password' };
const C = 'test:clerk';
const S = 'test:sup';

let desk: TestDesk;
let originalId: string;

beforeAll(async () => {
  desk = new TestDesk();
  await desk.setup();
  await desk.call('users.create', CLERK);
  await desk.call('users.create', SUP);
  await desk.call('session.signIn', { username: CLERK.username, password: CLERK.password }, C);
  await desk.call('session.signIn', { username: SUP.username, password: SUP.password }, S);
  originalId = (await desk.call('patients.register', { patient: patientInput() })).patient.id;
});
afterAll(() => desk?.destroy());

function errorOf(r: ApiResult<unknown>) {
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

const twin = () => patientInput({ name: { given: 'Maria', family: 'Gonzalez' } });
const patients = () => desk.count('patients');

async function setApproval(on: boolean) {
  const s = await desk.call('settings.get', {});
  await desk.call('settings.update', { ...s, requireDuplicateApproval: on });
}

describe('duplicate override', () => {
  it('setting off: the clerk saves a likely duplicate with a reason alone; the new record is flagged and listed for review', async () => {
    await setApproval(false);
    const refused = errorOf(await desk.raw('patients.register', { patient: twin() }, C));
    expect(refused.code).toBe('DUPLICATE_SUSPECTED');
    const data = refused.data as { matches: { patient: { id: string }; level: string }[]; approvalRequired: boolean };
    expect(data.approvalRequired).toBe(false);
    const matchIds = data.matches.filter((m) => m.level === 'likely').map((m) => m.patient.id);
    expect(matchIds).toEqual([originalId]);

    const saved = (await desk.call('patients.register', { patient: twin(), override: { reason: 'Different person: checked the ID card', matchIds } }, C)).patient;
    const got = await desk.call('patients.get', { id: saved.id }, C);
    expect(got.duplicateFlags).toHaveLength(1);
    expect(got.duplicateFlags![0]).toMatchObject({ patientId: saved.id, matchId: originalId, status: 'open', reason: 'Different person: checked the ID card', savedBy: { userName: 'Cleo Clerk' }, approvedBy: null });
    // the existing record shows it too
    expect((await desk.call('patients.get', { id: originalId }, C)).duplicateFlags!.map((f) => f.patientId)).toEqual([saved.id]);
    // in the same command as the save: the audit says so
    expect(desk.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE action = 'patient.duplicate_flagged' AND entity_id = ?`).get(saved.id)).toEqual({ n: 1 });
    // listed for review on this standalone desk (no hub)
    const items = (await desk.call('sync.reviewItems', { status: 'open' }, S)).items;
    expect(items.map((i) => i.type === 'possible-duplicate' && i.patientIds)).toContainEqual([originalId, saved.id]);
  });

  it('setting on: refused without a supervisor, refused with a wrong password (counted toward that supervisor’s lockout), accepted with a supervisor’s credentials', async () => {
    await setApproval(true);
    const before = patients();
    const refused = errorOf(await desk.raw('patients.register', { patient: twin() }, C));
    expect(refused.code).toBe('DUPLICATE_SUSPECTED');
    expect((refused.data as { approvalRequired: boolean }).approvalRequired).toBe(true);
    const matchIds = (refused.data as { matches: { patient: { id: string }; level: string }[] }).matches.filter((m) => m.level === 'likely').map((m) => m.patient.id);
    expect(matchIds.length).toBeGreaterThanOrEqual(1);

    // the reason alone is no longer enough
    const alone = errorOf(await desk.raw('patients.register', { patient: twin(), override: { reason: 'Different person: checked the ID card', matchIds } }, C));
    expect(alone.code).toBe('FORBIDDEN');
    expect(alone.fields).toHaveProperty(['approver.username']);
    expect(patients()).toBe(before);

    // a wrong password: refused, nothing saved, the supervisor's failed count goes up
    const wrong = errorOf(
      await desk.raw('patients.register', { patient: twin(), override: { reason: 'Different person: checked the ID card', matchIds, approver: { username: SUP.username, password: 'not the password' } } }, C),
    );
    expect(wrong.code).toBe('FORBIDDEN');
    expect(wrong.fields).toHaveProperty(['approver.password']);
    expect(patients()).toBe(before);
    expect(desk.app.store.db.prepare('SELECT failed_count FROM users WHERE username = ?').get(SUP.username)).toEqual({ failed_count: 1 });
    expect(desk.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE action = 'approval.refused' AND detail LIKE '%patient.duplicate_override%'`).get()).toEqual({ n: 2 });

    // the clerk's own password is no approval either
    const self = errorOf(
      await desk.raw('patients.register', { patient: twin(), override: { reason: 'Different person: checked the ID card', matchIds, approver: { username: CLERK.username, password: CLERK.password } } }, C),
    );
    expect(self.code).toBe('FORBIDDEN');
    expect(patients()).toBe(before);

    const saved = (
      await desk.call('patients.register', { patient: twin(), override: { reason: 'Different person: checked the ID card', matchIds, approver: { username: SUP.username, password: SUP.password } } }, C)
    ).patient;
    expect(patients()).toBe(before + 1);
    const flags = (await desk.call('patients.get', { id: saved.id }, C)).duplicateFlags!;
    expect(flags.length).toBe(matchIds.length);
    expect(flags[0]).toMatchObject({ approvedBy: { userName: 'Sam Supervisor' }, savedBy: { userName: 'Cleo Clerk' } });
    // the good approval reset the supervisor's count; the override's audit names the approver
    expect(desk.app.store.db.prepare('SELECT failed_count FROM users WHERE username = ?').get(SUP.username)).toEqual({ failed_count: 0 });
    const audit = desk.app.store.db.prepare(`SELECT detail FROM audit_log WHERE action = 'patient.duplicate_override' AND entity_id = ?`).get(saved.id) as { detail: string };
    const supId = (desk.app.store.db.prepare('SELECT id FROM users WHERE username = ?').get(SUP.username) as { id: string }).id;
    expect(JSON.parse(audit.detail).approvedBy).toBe(supId);
    // the password is nowhere in the audit log
    expect(desk.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE detail LIKE ?`).get(`%${SUP.password}%`)).toEqual({ n: 0 });
  });

  it('setting on: a supervisor saving the override is their own approval', async () => {
    await setApproval(true);
    const refused = errorOf(await desk.raw('patients.register', { patient: twin() }, S));
    expect((refused.data as { approvalRequired: boolean }).approvalRequired).toBe(false);
    const matchIds = (refused.data as { matches: { patient: { id: string }; level: string }[] }).matches.filter((m) => m.level === 'likely').map((m) => m.patient.id);
    const saved = (await desk.call('patients.register', { patient: twin(), override: { reason: 'Twins: two different people', matchIds } }, S)).patient;
    expect((await desk.call('patients.get', { id: saved.id }, S)).duplicateFlags![0]).toMatchObject({ approvedBy: { userName: 'Sam Supervisor' } });
    await setApproval(false);
  });
});

describe('standalone review queue', () => {
  it('lists this desk’s likely duplicates; closing as merged needs the merge; merge then close; not the same person closes too', async () => {
    const open = (await desk.call('sync.reviewItems', { status: 'open' }, S)).items;
    expect(open.length).toBeGreaterThanOrEqual(3);
    expect(open.every((i) => i.id.startsWith('local:') && i.type === 'possible-duplicate')).toBe(true);
    const first = open[0]!;
    if (first.type !== 'possible-duplicate') throw new Error('type');
    expect(first.savedAnyway).toMatchObject({ savedBy: 'Cleo Clerk', reason: 'Different person: checked the ID card', deskLabel: 'Front desk 1' });
    const [keepId, dupId] = first.patientIds;

    // not merged yet: closing as merged is refused and changes nothing
    const early = errorOf(await desk.raw('sync.resolveReviewItem', { id: first.id, resolution: 'merged', note: 'same person' }, S));
    expect(early.code).toBe('CONFLICT');
    // clerks do not see the queue
    expect(errorOf(await desk.raw('sync.reviewItems', { status: 'open' }, C)).code).toBe('FORBIDDEN');

    await desk.call('patients.merge', { survivorId: keepId, mergedId: dupId, reason: 'Same person registered twice' }, S);
    await desk.call('sync.resolveReviewItem', { id: first.id, resolution: 'merged', note: 'Same person registered twice' }, S);
    const after = (await desk.call('sync.reviewItems', { status: 'open' }, S)).items;
    expect(after.map((i) => i.id)).not.toContain(first.id);
    expect(desk.app.store.db.prepare('SELECT merged_into FROM patients WHERE id = ?').get(dupId)).toEqual({ merged_into: keepId });
    const all = (await desk.call('sync.reviewItems', { status: 'all' }, S)).items.find((i) => i.id === first.id)!;
    expect(all).toMatchObject({ status: 'resolved', resolution: { resolution: 'merged', userName: 'Sam Supervisor' } });
    expect((await desk.call('patients.get', { id: dupId }, S)).duplicateFlags!.find((f) => `local:${f.id}` === first.id)!.status).toBe('resolved');

    // another one: not the same person
    const second = after[0]!;
    await desk.call('sync.resolveReviewItem', { id: second.id, resolution: 'not-duplicate', note: 'Twins, checked both IDs' }, S);
    expect((await desk.call('sync.reviewItems', { status: 'open' }, S)).items.map((i) => i.id)).not.toContain(second.id);
    // closed twice: refused
    expect(errorOf(await desk.raw('sync.resolveReviewItem', { id: second.id, resolution: 'not-duplicate', note: 'again' }, S)).code).toBe('CONFLICT');
    expect(desk.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE action = 'patient.duplicate_flag_resolved'`).get()).toEqual({ n: 2 });
  });
});
