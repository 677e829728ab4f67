/**
 * 'print.patientLabel' through the real dispatcher on a real SQLite desk: a clerk prints labels and a wristband of a
 * registered patient; the PDF is what was asked for (page size, copies, text in the site's time zone); each print is
 * one audit entry naming the patient id, the format and copies (no name/DOB); nothing PHI reaches stdout/stderr;
 * unknown and merged patients and bad input are refused with nothing audited; the web host has no OS printer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { patientInput } from '../support/patients.js';
import { verifyAuditChain } from '../../electron/audit/chain.js';
import { readPdf } from '../unit/print-read.js';

let desk: TestDesk;
const CLERK = { username: 'cleo', displayName: 'Cleo Clerk', password: 'clerk password 1', role: 'clerk' as const };

beforeEach(async () => {
  desk = new TestDesk();
  await desk.setup();
  await desk.call('users.create', CLERK);
  await desk.call('session.signIn', { username: CLERK.username, password: CLERK.password }, 'clerk');
});
afterEach(() => desk.destroy());

function printAudits() {
  return desk.app.store.db.prepare("SELECT * FROM audit_log WHERE action = 'patient.printed' ORDER BY seq").all() as { entity_type: string; entity_id: string; detail: string; user_name: string }[];
}

/** Runs fn while capturing everything written to stdout and stderr. */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (c: unknown) => {
    chunks.push(typeof c === 'string' ? c : Buffer.from(c as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    const value = await fn();
    return { value, output: chunks.join('') };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('print.patientLabel', () => {
  it('labels: N pages of 162 x 90 pt with the patient and visit; one audit entry without PHI; nothing PHI logged', async () => {
    const { patient } = await desk.call('patients.register', { patient: patientInput({ name: { given: 'Maria', family: 'Gonzalez', middle: 'Elena' } }) });
    const before = printAudits().length;
    const { value: out, output } = await captureOutput(() =>
      desk.call(
        'print.patientLabel',
        { patientId: patient.id, format: 'label', copies: 3, appointment: { at: '2025-03-14T15:30:00.000Z', provider: 'Dr. Lopez', department: 'Family Medicine', visitNumber: '' } },
        'clerk',
      ),
    );
    expect(out.fileName).toBe('visit-label.pdf');
    expect(out.pageCount).toBe(3);
    const bytes = Buffer.from(out.pdfBase64, 'base64');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const pdf = await readPdf(bytes);
    expect(pdf.pages).toHaveLength(3);
    expect(pdf.pages[0]!.width).toBeCloseTo(162, 3);
    expect(pdf.pages[0]!.height).toBeCloseTo(90, 3);
    expect(pdf.text).toContain('GONZALEZ, Maria E');
    expect(pdf.text).toContain('DOB 03/12/1984');
    expect(pdf.text).toContain(`MRN ${patient.mrn}`);
    expect(pdf.text).toContain('03/14/2025 10:30 AM'); // the desk's site time zone is America/Chicago
    expect(pdf.text).toContain('Dr. Lopez');

    const audits = printAudits();
    expect(audits).toHaveLength(before + 1);
    const a = audits.at(-1)!;
    expect(a).toMatchObject({ entity_type: 'patient', entity_id: patient.id, user_name: 'Cleo Clerk' });
    expect(JSON.parse(a.detail)).toEqual({ document: 'label', copies: 3, visit: true, version: 1 });
    expect(a.detail).not.toMatch(/Gonzalez|Maria|1984/i);
    expect(verifyAuditChain(desk.app.store.db).ok).toBe(true);
    for (const phi of ['Gonzalez', 'GONZALEZ', 'Maria', '1984-03-12', '03/12/1984', patient.mrn]) expect(output).not.toContain(phi);
  });

  it('wristband: one 72 x 792 pt page, audited as a wristband print', async () => {
    const { patient } = await desk.call('patients.register', { patient: patientInput() });
    const out = await desk.call('print.patientLabel', { patientId: patient.id, format: 'wristband', copies: 1 }, 'clerk');
    expect(out.fileName).toBe('wristband.pdf');
    const pdf = await readPdf(Buffer.from(out.pdfBase64, 'base64'));
    expect(pdf.pages).toHaveLength(1);
    expect(pdf.pages[0]!.width).toBeCloseTo(72, 3);
    expect(pdf.pages[0]!.height).toBeCloseTo(792, 3);
    expect(pdf.text).toContain(`MRN ${patient.mrn}`);
    expect(JSON.parse(printAudits().at(-1)!.detail)).toMatchObject({ document: 'wristband', copies: 1, visit: false });
  });

  it('refuses an unknown patient, a merged record, bad copies, and a signed-out caller; nothing is audited', async () => {
    const { patient: a } = await desk.call('patients.register', { patient: patientInput({ name: { given: 'Ann', family: 'Alpha' }, birthDate: '1970-01-01', phones: [], email: '', addresses: [] }) });
    const { patient: b } = await desk.call('patients.register', { patient: patientInput({ name: { given: 'Bob', family: 'Bravo' }, birthDate: '1960-06-06', phones: [], email: '', addresses: [], sexAtBirth: 'male' }) });
    await desk.call('patients.merge', { survivorId: a.id, mergedId: b.id, reason: 'Test merge' });
    const before = printAudits().length;
    const unknown = await desk.raw('print.patientLabel', { patientId: '0190a6f0-0000-7000-8000-00000000dead', format: 'label' }, 'clerk');
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const merged = await desk.raw('print.patientLabel', { patientId: b.id, format: 'label' }, 'clerk');
    expect(merged).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(merged.ok ? '' : merged.error.message).toContain(a.mrn);
    const tooMany = await desk.raw('print.patientLabel', { patientId: a.id, format: 'label', copies: 51 }, 'clerk');
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const noSession = await desk.raw('print.patientLabel', { patientId: a.id, format: 'label' }, 'nobody');
    expect(noSession).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(printAudits()).toHaveLength(before);
  });

  it('print.osPrint: the web host / test desk has no OS printer, so the page prints itself', async () => {
    expect(await desk.call('print.osPrint', { widthPt: 162, heightPt: 90, landscape: false }, 'clerk')).toEqual({ outcome: 'browser' });
  });
});
