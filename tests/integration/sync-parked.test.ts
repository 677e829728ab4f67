/**
 * Changes an older AccessDesk parked because it did not know them (unknown kind, newer payload schema) are applied
 * when the desk opens with a version that knows them: in hub order, each once; what is still unknown stays parked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { patientInput } from '../support/patients.js';
import { outboxRowToOp, type Change, type OutboxRow } from '../../shared/sync/protocol.js';

const desks: TestDesk[] = [];
afterEach(() => {
  for (const d of desks.splice(0)) d.destroy();
});

function parkedRows(d: TestDesk) {
  return d.app.store.db.prepare('SELECT server_seq, kind, reason FROM sync_parked ORDER BY server_seq').all() as { server_seq: number; kind: string; reason: string }[];
}

describe('parked changes after an upgrade', () => {
  it('are applied in hub order when the desk opens, exactly once; unknown kinds stay parked', async () => {
    const a = new TestDesk();
    desks.push(a);
    await a.setup();
    const reg = await a.call('patients.register', { patient: patientInput({ name: { given: 'Odile', family: 'Parkhurst' } }) as never });
    await a.call('patients.update', { id: reg.patient.id, baseVersion: 1, patient: { ...reg.patient, email: 'odile@example.com' } as never });
    const rows = a.app.store.db
      .prepare(`SELECT desk_seq, op_id, desk_id, desk_epoch, kind, entity_id, payload, hlc, schema_version FROM outbox WHERE kind LIKE 'patient.%' ORDER BY desk_seq`)
      .all() as OutboxRow[];
    expect(rows.map((r) => r.kind)).toEqual(['patient.registered', 'patient.updated']);
    const changes: Change[] = rows.map((r, i) => ({ ...outboxRowToOp(r), serverSeq: 10 + i }));
    const future: Change = { ...changes[0]!, serverSeq: 12, opId: '01900000-0000-7000-8000-00000000abcd', kind: 'telepathy.scheduled', entityId: 'x-1', payload: { any: 1 } };

    // Desk B ran an older version: it parked all three (as apply.ts parks what it does not know).
    const b = new TestDesk();
    desks.push(b);
    await b.setup();
    const park = b.app.store.db.prepare('INSERT INTO sync_parked (server_seq, op_id, kind, entity_id, reason, change, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const c of [changes[1]!, changes[0]!, future]) park.run(c.serverSeq, c.opId, c.kind, c.entityId, 'unknown-kind', JSON.stringify(c), new Date().toISOString());
    expect(b.count('patients')).toBe(0);
    const dir = b.dir;
    b.close();

    // The upgraded desk opens: registration then update applied (hub order, not insertion order); the unknown stays.
    const b2 = new TestDesk(dir);
    desks.splice(desks.indexOf(b), 1, b2);
    const p = b2.app.store.db.prepare('SELECT id, version, doc FROM patients').all() as { id: string; version: number; doc: string }[];
    expect(p).toHaveLength(1);
    expect(p[0]!.id).toBe(reg.patient.id);
    expect(JSON.parse(p[0]!.doc).email).toBe('odile@example.com');
    expect(parkedRows(b2)).toEqual([{ server_seq: 12, kind: 'telepathy.scheduled', reason: 'unknown-kind' }]);
    const synced = b2.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE action = 'patient.synced'`).get() as { n: number };
    expect(synced.n).toBeGreaterThanOrEqual(1);

    // Opening again changes nothing: each change was applied once.
    const version = p[0]!.version;
    b2.close();
    const b3 = new TestDesk(dir);
    desks.splice(desks.indexOf(b2), 1, b3);
    const again = b3.app.store.db.prepare('SELECT version FROM patients').all() as { version: number }[];
    expect(again).toEqual([{ version }]);
    expect(parkedRows(b3)).toHaveLength(1);
  });
});
