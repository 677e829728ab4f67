/**
 * The audit log as an administrator reads it, through the real API on a real SQLite file: filters by patient (the
 * record, its visit and payment, entries that name it), by user, by business date (the site's zone: an entry at
 * 23:30 Chicago belongs to that day although it is the next day in UTC) and by action; entries in words (display
 * names, patient name + MRN, action labels, "label: value" details, no UUIDs); the CSV export holds exactly the
 * filtered entries in words, neutralises spreadsheet formulas, and is itself audited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { TestDesk, ADMIN } from '../support/desk.js';
import { patientInput } from '../support/patients.js';
import { visitDirectory } from '../support/visits.js';
import { FLOAT } from '../support/payments.js';
import { verifyAuditChain } from '../../electron/audit/chain.js';
import type { AuditListEntry } from '../../shared/api/audit.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const A = 'admin:1';
const C = 'clerk:1';
/** a display name a spreadsheet would run as a formula */
const CLERK = { username: 'casey', displayName: '=HYPERLINK("http://x")', role: 'clerk' as const, password: 'a long enough password' };

let t = Date.parse('2026-03-10T15:00:00.000Z'); // 10:00 in Chicago (CDT)
const clock = { now: () => new Date(t) };
let d: TestDesk;
let varga: { id: string; mrn: string };
let smith: { id: string; mrn: string };
let clerkId: string;
let apptId: string;
let paymentId: string;

beforeEach(async () => {
  t = Date.parse('2026-03-10T15:00:00.000Z');
  d = new TestDesk(undefined, { clock });
  await d.call('setup.initialize', { siteName: 'Riverside Clinic', timeZone: 'America/Chicago', deskLabel: 'Front desk 1', admin: ADMIN }, A);
  await d.call('session.signIn', { username: ADMIN.username, password: ADMIN.password }, A);
  clerkId = (await d.call('users.create', CLERK, A)).user.id;
  await d.call('session.signIn', { username: CLERK.username, password: CLERK.password }, C);
  const dir = await visitDirectory(d, A);
  // day 1, 10:00: the clerk registers two patients, books one, takes a copay
  varga = (await d.call('patients.register', { patient: patientInput({ name: { given: 'Ottoline', family: 'Varga' }, birthDate: '1974-03-09' }) }, C)).patient;
  smith = (await d.call('patients.register', { patient: patientInput({ name: { given: 'Amy', family: 'Smith' }, birthDate: '1980-01-02' }) }, C)).patient;
  apptId = (await d.call('visits.book', { patientId: varga.id, departmentId: dir.department.id, providerId: dir.provider.id, typeId: dir.followUp.id, start: '2026-03-10T18:00:00.000Z' }, C)).appointment.id;
  await d.call('drawer.open', { float: FLOAT }, C);
  paymentId = (await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, tenderedCents: 2500, patientId: varga.id }, C)).payment.id;
  // day 1, 23:30 Chicago = day 2 in UTC: the clerk opens Smith's record (new sessions: the idle lock ran out)
  t = Date.parse('2026-03-11T04:30:00.000Z');
  await d.call('session.signIn', { username: CLERK.username, password: CLERK.password }, 'clerk:2');
  await d.call('patients.get', { id: smith.id }, 'clerk:2');
  // day 2, 09:00: the administrator opens Varga's record
  t = Date.parse('2026-03-11T14:00:00.000Z');
  await d.call('session.signIn', { username: ADMIN.username, password: ADMIN.password }, 'admin:2');
  await d.call('patients.get', { id: varga.id }, 'admin:2');
});

afterEach(() => d.destroy());

const list = async (f: Record<string, unknown>) => (await d.call('audit.list', { limit: 500, ...f }, 'admin:2')).entries;
const actions = (es: AuditListEntry[]) => es.map((e) => e.action);

describe('audit.list filters', () => {
  it('by patient: the record, its visit and its payment, nothing about another patient', async () => {
    const es = await list({ patientId: varga.id });
    expect(actions(es)).toEqual(expect.arrayContaining(['patient.registered', 'appointment.booked', 'payment.recorded', 'patient.viewed']));
    const aboutIds = new Set(es.map((e) => e.entityId));
    expect(aboutIds).toEqual(new Set([varga.id, apptId, paymentId]));
    expect(es.some((e) => e.entityId === smith.id)).toBe(false);
    // the database agrees: every entry about the record itself is listed
    const direct = d.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE entity_type = 'patient' AND entity_id = ?`).pluck().get(varga.id) as number;
    expect(es.filter((e) => e.entityId === varga.id)).toHaveLength(direct);
  });

  it('by user, by business date in the site zone, by action and area; filters combine', async () => {
    const byClerk = await list({ userId: clerkId });
    expect(byClerk.length).toBeGreaterThan(4);
    expect(byClerk.every((e) => e.userId === clerkId && e.userName === CLERK.displayName)).toBe(true);

    // 03/10 in Chicago includes 23:30 (04:30 UTC on 03/11); 03/11 starts at 05:00 UTC
    const day1 = await list({ from: '2026-03-10', to: '2026-03-10' });
    const day2 = await list({ from: '2026-03-11', to: '2026-03-11' });
    expect(day1.some((e) => e.action === 'patient.viewed' && e.entityId === smith.id)).toBe(true);
    expect(day2.some((e) => e.action === 'patient.viewed' && e.entityId === smith.id)).toBe(false);
    expect(day2.some((e) => e.action === 'patient.viewed' && e.entityId === varga.id)).toBe(true);
    expect(day1.every((e) => e.at >= '2026-03-10T05:00:00.000Z' && e.at < '2026-03-11T05:00:00.000Z')).toBe(true);
    expect(day1.length + day2.length).toBe((await list({})).length);

    expect(actions(await list({ actions: ['patient.registered'] }))).toEqual(['patient.registered', 'patient.registered']);
    // an exact action is not a prefix: payment.recorded only
    expect(actions(await list({ actions: ['payment.recorded'] }))).toEqual(['payment.recorded']);
    expect(new Set(actions(await list({ action: 'session.' })))).toEqual(new Set(['session.signed_in']));
    // combined: Varga, on day 2, by the administrator
    const combined = await list({ patientId: varga.id, from: '2026-03-11', userId: (await list({ actions: ['setup.initialized'] }))[0]!.userId });
    expect(actions(combined)).toEqual(['patient.viewed']);
    // a range that reads backwards is refused at the field
    const bad = await d.raw('audit.list', { from: '2026-03-11', to: '2026-03-10' }, 'admin:2');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.fields).toMatchObject({ to: 'The end date is before the start date' });
  });
});

describe('entries in words', () => {
  it('names people and records, labels actions, details as label: value, no UUIDs', async () => {
    const es = await list({ patientId: varga.id });
    const reg = es.find((e) => e.action === 'patient.registered')!;
    expect(reg).toMatchObject({ actionLabel: 'Patient registered', subject: `Patient Varga, Ottoline (MRN ${varga.mrn})`, userName: CLERK.displayName });
    const booked = es.find((e) => e.action === 'appointment.booked')!;
    expect(booked.actionLabel).toBe('Appointment booked');
    expect(booked.subject).toBe(`Visit 03/10/2026, 1:00 PM: Varga, Ottoline (MRN ${varga.mrn})`);
    expect(booked.details).toEqual(expect.arrayContaining([{ label: 'Patient', value: `Varga, Ottoline (MRN ${varga.mrn})` }, { label: 'Walk-in', value: 'no' }]));
    const paid = es.find((e) => e.action === 'payment.recorded')!;
    expect(paid.actionLabel).toBe('Payment taken');
    expect(paid.subject).toMatch(new RegExp(`^Receipt \\S+: Varga, Ottoline \\(MRN ${varga.mrn}\\)$`));
    for (const e of await list({})) {
      expect(JSON.stringify([e.actionLabel, e.subject, e.details]), e.action).not.toMatch(UUID);
      expect(e.actionLabel).not.toMatch(/^[a-z_]+\.[a-z_]+$/);
    }
    const created = (await list({ actions: ['user.created'] }))[0]!;
    expect(created.subject).toBe(`User ${CLERK.displayName} (casey)`);
    expect(created.details).toEqual([
      { label: 'User name', value: 'casey' },
      { label: 'Role', value: 'clerk' },
    ]);
  });
});

describe('audit.export', () => {
  it('the filtered entries as CSV in words, formula cells neutralised; the export is audited', async () => {
    const before = (await list({})).length;
    const filtered = await list({ patientId: varga.id });
    const r = await d.call('audit.export', { patientId: varga.id }, 'admin:2');
    expect(r.fileName).toBe('audit-log-2026-03-11.csv');
    expect(r.rows).toBe(filtered.length);
    expect(r.truncated).toBe(false);
    const rows = parse(r.csv) as string[][];
    expect(rows[0]).toEqual(['No.', 'Time (America/Chicago)', 'User', 'Action', 'About', 'Details', 'Action code']);
    expect(rows.slice(1).map((x) => Number(x[0]))).toEqual(filtered.map((e) => e.seq));
    const reg = rows.find((x) => x[6] === 'patient.registered')!;
    expect(reg[3]).toBe('Patient registered');
    expect(reg[4]).toBe(`Patient Varga, Ottoline (MRN ${varga.mrn})`);
    // the clerk's display name would run as a formula: it starts with an apostrophe
    expect(reg[2]).toBe(`'${CLERK.displayName}`);
    for (const row of rows.slice(1)) {
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      expect(row.slice(1, 6).join(' ')).not.toMatch(UUID);
    }
    const paid = rows.find((x) => x[6] === 'payment.recorded')!;
    expect(paid[5]).toContain('Amount: $25.00');

    // audited: one entry by the administrator, with the filters and the row count, never the rows
    const after = await list({});
    expect(after.length).toBe(before + 1);
    const exp = after[0]!;
    expect(exp).toMatchObject({ action: 'audit.exported', actionLabel: 'Audit log exported', userName: ADMIN.displayName });
    expect(JSON.parse(exp.detail)).toEqual({ format: 'csv', rows: filtered.length, truncated: false, filters: { patientId: varga.id } });
    expect(exp.details).toEqual(expect.arrayContaining([{ label: 'Filters', value: `Patient Varga, Ottoline (MRN ${varga.mrn})` }]));
    expect(verifyAuditChain(d.app.store.db).ok).toBe(true);
  });

  it('a clerk may not export; bad filters write nothing', async () => {
    await d.call('session.signIn', { username: CLERK.username, password: CLERK.password }, 'clerk:3');
    const n = d.count('audit_log');
    const r = await d.raw('audit.export', {}, 'clerk:3');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('FORBIDDEN');
    const bad = await d.raw('audit.export', { patientId: 'not-an-id' }, 'admin:2');
    expect(bad.ok).toBe(false);
    expect(d.count('audit_log')).toBe(n);
  });
});
