/**
 * The HL7 schedule feed end to end: a real hub (PGlite, or PostgreSQL with HUB_TEST_DATABASE_URL), a real MLLP
 * client over TCP sending real-shaped SIU messages, the ACKs checked, and a real desk that pulls and shows the
 * appointments on its board ('visits.board').
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message } from 'node-hl7-client';
import { enrolledDesk, startTestHub, type SyncDesk, type TestHub } from '../support/hub.js';
import { patientInput } from '../support/patients.js';
import { startHub } from '../../hub/hub.js';
import { SiuFeed } from '../../hub/feeds/ingest.js';
import { frame, startMllpListener, type MllpListener } from '../../hub/feeds/mllp.js';
import { RawMllpClient, siu, type SiuFixture } from '../unit/hl7-fixtures.js';
import type { BoardRow } from '../../shared/api/visits.js';
import { PG_URL } from './support.js';
import { ChangeNotifier, onChangesCommitted } from '../../hub/notify.js';

let hub: TestHub;
let desk: SyncDesk;
let listener: MllpListener;
let client: RawMllpClient;
let maria: { id: string; mrn: string };
const DAY = '2026-01-06';

interface Ack {
  code: string;
  controlId: string;
  text: string;
  errCode: string;
  errLocation: string;
  msh: string;
}

function readAck(text: string): Ack {
  const m = new Message({ text });
  return {
    code: m.get('MSA.1').toString(),
    controlId: m.get('MSA.2').toString(),
    text: m.get('MSA.3').toString(),
    errCode: m.get('ERR.3.1').toString(),
    errLocation: [m.get('ERR.2.1').toString(), m.get('ERR.2.3').toString()].filter(Boolean).join('-'),
    msh: text.split('\r')[0]!,
  };
}

async function send(f: SiuFixture | string): Promise<Ack> {
  const n = client.acks.length;
  client.write(frame(typeof f === 'string' ? f : siu(f)));
  const acks = await client.waitAcks(n + 1);
  return readAck(acks[n]!);
}

async function board(): Promise<BoardRow[]> {
  await desk.sync();
  return (await desk.call('visits.board', { businessDate: DAY })).rows;
}

async function hubOps(): Promise<number> {
  return hub.count('ops');
}

beforeAll(async () => {
  hub = await startTestHub();
  desk = await enrolledDesk(hub, 'Desk A');
  await desk.call('visits.saveDepartment', { department: { name: 'Family Medicine', code: 'FAMMED', active: true } });
  await desk.call('visits.saveDepartment', { department: { name: 'Cardiology', code: 'CARD', active: true } });
  await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Linh Nguyen', code: 'NPI1234567890', npi: '1234567890', departmentIds: [], active: true } });
  await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Sam Ortiz', code: 'ORTIZ', npi: '', departmentIds: [], active: true } });
  await desk.call('visits.saveAppointmentType', { appointmentType: { name: 'Follow-up', code: 'FU', durationMin: 20, copayCategory: 'primary-care', defaultCopayCents: 2500, authorizationRequired: false, active: true } });
  await desk.call('visits.saveAppointmentType', { appointmentType: { name: 'New patient', code: 'NEW', durationMin: 40, copayCategory: 'primary-care', defaultCopayCents: 2500, authorizationRequired: false, active: true } });
  await desk.call('visits.saveAppointmentType', { appointmentType: { name: 'Old type', code: 'OLD', durationMin: 20, copayCategory: 'none', defaultCopayCents: 0, authorizationRequired: false, active: false } });
  const reg = await desk.call('patients.register', {
    patient: patientInput({ name: { given: 'Maria', middle: 'L', family: 'Alvarez' }, birthDate: '1975-03-14', phones: [{ use: 'mobile', number: '(217) 555-1234', smsConsent: false }] }),
  });
  maria = { id: reg.patient.id, mrn: reg.patient.mrn };
  await desk.sync(); // directory, patient and site settings (time zone America/Chicago) reach the hub
  const feed = new SiuFeed({ db: hub.db }); // no time zone given: the synced site settings say America/Chicago
  listener = await startMllpListener({ host: '127.0.0.1', port: 0, handle: (t) => feed.handle(t) });
  client = await RawMllpClient.connect(listener.port);
}, 180_000);

afterAll(async () => {
  client?.end();
  await listener?.close();
  desk?.destroy();
  await hub?.destroy();
});

describe('SIU over MLLP to the board', () => {
  it('S12 for a patient in the index: AA after commit, linked by name + DOB, on the desk board at 14:00 local', async () => {
    const ack = await send({ controlId: 'M-1', fillerId: 'FA-1', mrn: 'EPIC-777' });
    expect(ack.code).toBe('AA');
    expect(ack.controlId).toBe('M-1');
    expect(ack.text).toMatch(/Appointment FA-1 booked for 01\/06\/2026, 14:00; patient MRN .* \(matched by name and date of birth\)/);
    expect(ack.msh).toMatch(/^MSH\|\^~\\&\|ACCESSDESK\|RIVERSIDE CLINIC\|EPIC\|RIVERSIDE\|\d{14}\+0000\|\|ACK\^S12\^ACK\|[^|]+\|P\|2\.5\.1$/);
    const rows = await board();
    const row = rows.find((r) => r.patientId === maria.id);
    expect(row).toBeDefined();
    expect(row).toMatchObject({ start: '2026-01-06T20:00:00.000Z', durationMin: 30, status: 'scheduled', source: 'hl7', pendingPatient: false, departmentCode: 'FAMMED', providerName: 'Dr. Linh Nguyen', typeName: 'Follow-up', mrn: maria.mrn });
  });

  it('S12 for an unknown patient: the appointment carries a pending patient; nobody is registered', async () => {
    const patientsBefore = await hub.count('patients');
    const ack = await send({ controlId: 'M-2', fillerId: 'FA-2', family: 'Okafor', given: 'Chidi', dob: '19900101', sex: 'M', mrn: 'EPIC-888', start: '202601060930', type: 'NEW', typeText: 'New patient', duration: 40, provider: 'ORTIZ', dept: 'CARD' });
    expect(ack.code).toBe('AA');
    expect(ack.text).toMatch(/patient pending: no patient in the index matches/);
    expect(await hub.count('patients')).toBe(patientsBefore);
    const rows = await board();
    const row = rows.find((r) => r.patientName.includes('Okafor'));
    expect(row).toMatchObject({ patientId: null, pendingPatient: true, start: '2026-01-06T15:30:00.000Z', durationMin: 40, departmentName: 'Cardiology', providerName: 'Dr. Sam Ortiz', typeName: 'New patient' });
    const appt = (await desk.call('visits.get', { id: row!.id })).appointment;
    expect(appt.pendingPatient).toEqual({ given: 'Chidi', family: 'Okafor', birthDate: '1990-01-01', sexAtBirth: 'male', phone: '(217) 555-1234', externalPatientId: 'EPIC-888' });
    expect(appt.externalId).toBe('FA-2');
  });

  it('an MRN match links even when the name was typed differently', async () => {
    const ack = await send({ controlId: 'M-3', fillerId: 'FA-3', mrn: maria.mrn, given: 'Mari', family: 'Alvarez-Ruiz', start: '202601061100' });
    expect(ack.code).toBe('AA');
    expect(ack.text).toMatch(/matched by MRN/);
    const rows = await board();
    expect(rows.filter((r) => r.patientId === maria.id).map((r) => r.start).sort()).toEqual(['2026-01-06T17:00:00.000Z', '2026-01-06T20:00:00.000Z']);
  });

  it('a resent message (same MSH-10, restamped MSH-7) is acknowledged again and changes nothing', async () => {
    const ops = await hubOps();
    const again = siu({ controlId: 'M-1', fillerId: 'FA-1', mrn: 'EPIC-777' }).replace('|20260105093000|', '|20260105094500|');
    const ack = await send(again);
    expect(ack.code).toBe('AA');
    expect(ack.text).toMatch(/already received: nothing changed/);
    expect(await hubOps()).toBe(ops);
    expect((await board()).filter((r) => r.source === 'hl7')).toHaveLength(3);
  });

  it('a used control id with different content is refused (AR 205), nothing written', async () => {
    const ops = await hubOps();
    const ack = await send({ controlId: 'M-1', fillerId: 'FA-99' });
    expect(ack).toMatchObject({ code: 'AR', errCode: '205', errLocation: 'MSH-10' });
    expect(ack.text).toMatch(/control id M-1 was already used for a different message/);
    expect(await hubOps()).toBe(ops);
  });

  it('S13 reschedules, S14 modifies (type, note), S15 cancels, S26 marks no-show: each shows on the board', async () => {
    let ack = await send({ trigger: 'S13', controlId: 'M-4', fillerId: 'FA-1', mrn: 'EPIC-777', start: '202601061530', duration: 45 });
    expect(ack.code).toBe('AA');
    expect(ack.text).toMatch(/FA-1 rescheduled to 01\/06\/2026, 15:30/);
    let row = (await board()).find((r) => r.patientId === maria.id && r.start === '2026-01-06T21:30:00.000Z');
    expect(row?.durationMin).toBe(45);

    ack = await send({ trigger: 'S14', controlId: 'M-5', fillerId: 'FA-1', mrn: 'EPIC-777', start: '202601061530', duration: 45, type: 'NEW', typeText: 'New patient', reason: 'CHEST^Chest pain follow-up' });
    expect(ack.code).toBe('AA');
    expect(ack.text).toMatch(/details updated/);
    row = (await board()).find((r) => r.id === row!.id);
    expect(row?.typeName).toBe('New patient');
    expect((await desk.call('visits.get', { id: row!.id })).appointment.note).toBe('Chest pain follow-up');

    ack = await send({ trigger: 'S15', controlId: 'M-6', fillerId: 'FA-3', eventReason: 'PATREQ^Patient called to cancel' });
    expect(ack.code).toBe('AA');
    await desk.sync();
    const cancelled = (await desk.call('visits.forPatient', { patientId: maria.id })).appointments.find((a) => a.externalId === 'FA-3');
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.cancelReason).toEqual({ code: 'feed', note: 'Patient called to cancel' });

    ack = await send({ trigger: 'S26', controlId: 'M-7', fillerId: 'FA-2', family: 'Okafor', given: 'Chidi', dob: '19900101', sex: 'M' });
    expect(ack.code).toBe('AA');
    expect((await board()).find((r) => r.patientName.includes('Okafor'))?.status).toBe('no-show');
  });

  it('S15 for an appointment already checked in is refused by the state machine (AE), nothing written', async () => {
    const row = (await board()).find((r) => r.patientId === maria.id && r.status === 'scheduled')!;
    await desk.call('visits.checkIn', { id: row.id, checkIn: { identity: { dobReadBack: true, photoIdSeen: true, notVerifiedReason: '' }, addressConfirmed: true, coverageVerifiedRanks: [], consentsCaptured: [], copay: { decision: 'not-collected', dueCents: 0, reason: 'no-copay', note: '' } } });
    await desk.sync();
    const ops = await hubOps();
    const ack = await send({ trigger: 'S15', controlId: 'M-8', fillerId: 'FA-1' });
    expect(ack.code).toBe('AE');
    expect(ack.text).toMatch(/cancel/i);
    expect(ack.text).toMatch(/Nothing was written/);
    expect(await hubOps()).toBe(ops);
    expect((await board()).find((r) => r.id === row.id)?.status).toBe('arrived');
    // and the same control id can be sent again later (a refused message is not recorded as received)
    const again = await send({ trigger: 'S15', controlId: 'M-8', fillerId: 'FA-1' });
    expect(again.code).toBe('AE');
  });

  it('unknown appointment, unknown or inactive codes: AE naming what is missing; duplicate S12 under a new id: AE 205', async () => {
    const ops = await hubOps();
    const cases: [SiuFixture, RegExp, string][] = [
      [{ trigger: 'S15', controlId: 'E-1', fillerId: 'NOPE-1' }, /Appointment NOPE-1 \(SCH-2\) is not known/, '204'],
      [{ controlId: 'E-2', fillerId: 'FA-50', dept: 'ONCOLOGY' }, /Department \(AIL-3.1\) code "ONCOLOGY" is not set up/, '204'],
      [{ controlId: 'E-3', fillerId: 'FA-51', provider: 'DRWHO' }, /Provider \(AIP-3.1\) code "DRWHO" is not set up/, '204'],
      [{ controlId: 'E-4', fillerId: 'FA-52', type: 'OLD' }, /code "OLD" is inactive/, '204'],
      [{ controlId: 'E-5', fillerId: 'FA-2', start: '202601061000' }, /FA-2 \(SCH-2\) already exists: send S13/, '205'],
    ];
    for (const [f, re, code] of cases) {
      const ack = await send(f);
      expect(ack.code, f.controlId).toBe('AE');
      expect(ack.text).toMatch(re);
      expect(ack.errCode).toBe(code);
    }
    expect(await hubOps()).toBe(ops);
  });

  it('malformed messages over the wire: AR with the reason, nothing written, the connection keeps working', async () => {
    const ops = await hubOps();
    const noMsh = await send(siu({ controlId: 'X-1' }).split('\r').slice(1).join('\r'));
    expect(noMsh).toMatchObject({ code: 'AR', errCode: '100', controlId: '' });
    const badDate = await send({ controlId: 'X-2', fillerId: 'FA-60', start: '202613061400' });
    expect(badDate).toMatchObject({ code: 'AR', errCode: '102', controlId: 'X-2' });
    expect(badDate.text).toMatch(/SCH-11.4 start "202613061400" is not a date and time/);
    const adt = await send(siu({ controlId: 'X-3' }).replace('SIU^S12^SIU_S12', 'ADT^A04^ADT_A01'));
    expect(adt).toMatchObject({ code: 'AR', errCode: '200' });
    expect(await hubOps()).toBe(ops);
    const ok = await send({ controlId: 'X-4', fillerId: 'FA-61', start: '202601061600' });
    expect(ok.code).toBe('AA');
  });

  it('a pending appointment is linked by a later S14 once the patient has been registered (by a desk)', async () => {
    const first = await send({ controlId: 'L-1', fillerId: 'FA-70', family: 'Park', given: 'Lena', dob: '19880210', mrn: 'EPIC-555', start: '202601061700' });
    expect(first.text).toMatch(/patient pending/);
    const reg = await desk.call('patients.register', { patient: patientInput({ name: { given: 'Lena', middle: '', family: 'Park' }, birthDate: '1988-02-10', email: 'lena@example.com', phones: [{ use: 'mobile', number: '(312) 555-0199', smsConsent: false }] }) });
    await desk.sync();
    const again = await send({ trigger: 'S14', controlId: 'L-2', fillerId: 'FA-70', family: 'Park', given: 'Lena', dob: '19880210', mrn: 'EPIC-555', start: '202601061700' });
    expect(again.code).toBe('AA');
    expect(again.text).toMatch(/matched by name and date of birth/);
    const row = (await board()).find((r) => r.start === '2026-01-06T23:00:00.000Z');
    expect(row).toMatchObject({ patientId: reg.patient.id, pendingPatient: false, mrn: reg.patient.mrn });
  });

  it('the hub process starts the listener itself (startHub mllp option) and refuses facilities it does not accept', async () => {
    const t = await startTestHub();
    await t.server.close();
    await t.db.close();
    const h = await startHub({ dataDir: t.dataDir, ...t.database, host: '127.0.0.1', port: 0, insecureHttp: true, log: false, mllp: { port: 0, timeZone: 'America/Chicago', acceptedFacilities: ['RIVERSIDE'] } });
    try {
      expect(h.mllp).not.toBeNull();
      const c = await RawMllpClient.connect(h.mllp!.port);
      c.write(frame(siu({ controlId: 'W-1', sendingFacility: 'ELSEWHERE' })));
      c.write(frame(siu({ controlId: 'W-2' })));
      const [a1, a2] = (await c.waitAcks(2)).map(readAck);
      expect(a1).toMatchObject({ code: 'AR', controlId: 'W-1' });
      expect(a1!.text).toMatch(/Sending facility "ELSEWHERE" is not accepted/);
      // accepted facility, but this fresh hub has no departments: AE naming the code
      expect(a2).toMatchObject({ code: 'AE', controlId: 'W-2', errCode: '204' });
      c.end();
    } finally {
      await h.close();
      fs.rmSync(t.dataDir, { recursive: true, force: true });
      if (t.database.schema && PG_URL) {
        const { default: pg } = await import('pg');
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${t.database.schema} CASCADE`);
        await c.end();
      }
      t.admin.close();
    }
  }, 120_000);
});

describe('SIU and waiting desks', () => {
  it('an applied S12 wakes a desk waiting for changes (the in-process event after the feed commit, not the poll)', async () => {
    const head = await hub.service.headSeq();
    // poll once an hour: only the feed's event can answer in time
    const n = new ChangeNotifier({ headSeq: () => hub.service.headSeq(), pollMs: 3_600_000 });
    const off = onChangesCommitted(hub.db, () => n.changed()); // the database handle this feed writes through
    try {
      const waiting = n.wait('desk-waiting', head, 60_000);
      const ack = await send({ controlId: 'M-WAIT-1', fillerId: 'FA-WAIT-1', mrn: maria.mrn, start: '202601061500' });
      expect(ack.code).toBe('AA');
      expect(await waiting).toBeGreaterThan(head);
    } finally {
      off();
      n.close();
    }
  });
});
