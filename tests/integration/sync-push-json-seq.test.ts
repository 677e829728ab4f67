/**
 * The desk pushes as application/json-seq (protocol 2: each payload its own record, the text its outbox stores) to a
 * hub that says it takes it, and as application/json to an older hub (protocol 1): electron/sync/engine.ts reads the
 * hub's protocolVersion at the handshake. Real hub and real desks; the "older hub" is the same hub whose status
 * answer says protocol 1.
 */
import { describe, expect, it } from 'vitest';
import { useTestHub } from '../hub/use-hub.js';
import { createHttpTransport } from '../../electron/sync/engine.js';
import { type OutgoingPush } from '../../shared/sync/protocol.js';
import { patientInput } from '../support/patients.js';
import { SyncDesk, converge, enrolledDesk, hubPatients, type TestHub } from '../support/hub.js';

let hub!: TestHub;
useTestHub((h) => (hub = h));

/** A desk whose pushes are recorded, talking to a hub that reports `protocolVersion` (undefined: as it is). */
async function recordingDesk(label: string, protocolVersion?: number): Promise<{ desk: SyncDesk; pushes: OutgoingPush[] }> {
  const pushes: OutgoingPush[] = [];
  const desk = await enrolledDesk(hub, label, {
    sync: {
      transportFactory: (c) => {
        const t = createHttpTransport(c);
        return {
          ...t,
          status: async () => ({ ...(await t.status()), ...(protocolVersion !== undefined ? { protocolVersion } : {}) }),
          push: (req: OutgoingPush) => {
            pushes.push(req);
            return t.push(req);
          },
        };
      },
    },
  });
  return { desk, pushes };
}

describe('payloads on the wire', () => {
  it('json-seq to a protocol-2 hub, JSON to a protocol-1 hub; both desks converge with the same data', async () => {
    const current = await recordingDesk('Desk Two');
    const older = await recordingDesk('Desk One', 1);
    try {
      for (const [d, family] of [[current.desk, 'Textual'], [older.desk, 'Valued']] as const) {
        const r = await d.call('patients.register', { patient: patientInput({ name: { given: 'Pat', family } }) as never });
        await d.call('patients.update', { id: r.patient.id, baseVersion: 1, patient: { ...r.patient, email: `${family.toLowerCase()}@example.com` } as never });
      }
      await converge([current.desk, older.desk]);
      expect(current.pushes.length).toBeGreaterThan(0);
      expect(older.pushes.length).toBeGreaterThan(0);
      expect(current.pushes.every((p) => p.jsonSeq === true)).toBe(true);
      expect(older.pushes.every((p) => p.jsonSeq === false)).toBe(true);
      // what the hub logged is the outbox row's payload text, byte for byte
      await hub.service.settle();
      const outbox = current.desk.app.store.db.prepare<[], { op_id: string; payload: string }>('SELECT op_id, payload FROM outbox').all();
      const atHub = await hub.db.query<{ op_id: string; payload: string }>('SELECT op_id, payload FROM ops WHERE op_id = ANY($1::text[])', [outbox.map((r) => r.op_id)]);
      expect(atHub.rows.length).toBe(outbox.length);
      for (const r of atHub.rows) expect(r.payload).toBe(outbox.find((o) => o.op_id === r.op_id)!.payload);
      expect(current.desk.patients()).toEqual(older.desk.patients());
      expect(JSON.stringify(current.desk.patients())).toBe(JSON.stringify(await hubPatients(hub)));
      expect(current.desk.patients().map((p) => JSON.parse(p.doc).email).sort()).toEqual(['textual@example.com', 'valued@example.com']);
    } finally {
      current.desk.destroy();
      older.desk.destroy();
    }
  }, 60_000);
});
