import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LABELS, auditActionLabel, auditDetailLines, auditDetailText } from '../../shared/audit/actions.js';

const ID = '0190a6f0-0000-7000-8000-000000000001';
const OTHER = '0190a6f0-0000-7000-8000-000000000002';
const words = { name: (id: string) => (id === ID ? 'Varga, Ottoline (MRN 00000018)' : undefined), instant: (iso: string) => `at ${iso.slice(11, 16)}` };

describe('audit words', () => {
  it('labels every known action, and words an unknown one instead of showing its code', () => {
    expect(auditActionLabel('patient.registered')).toBe('Patient registered');
    expect(auditActionLabel('drawer.synced_paid_in')).toBe('Cash paid in at another desk');
    expect(auditActionLabel('widget.frobbed_twice')).toBe('Widget: frobbed twice');
    for (const label of Object.values(AUDIT_ACTION_LABELS)) expect(label).not.toMatch(/[._]/);
  });

  it('details read as label: value; ids named, unknown ids never shown, bookkeeping hidden', () => {
    const detail = JSON.stringify({
      amountCents: -2500,
      receiptNo: 'L0-000001',
      patientId: ID,
      matchIds: [ID, OTHER],
      opId: OTHER,
      walkIn: false,
      status: 'checked-out',
      signedOn: '2024-02-01',
      at: '2026-03-10T15:00:00.000Z',
      approvedBy: { userId: OTHER, userName: 'Sam Supervisor' },
      fields: ['name.given', 'birthDate', 'emergencyContacts'],
    });
    const lines = auditDetailLines(detail, words);
    expect(lines).toEqual([
      { label: 'Amount', value: '-$25.00' },
      { label: 'Receipt no.', value: 'L0-000001' },
      { label: 'Patient', value: 'Varga, Ottoline (MRN 00000018)' },
      { label: 'Likely duplicates', value: 'Varga, Ottoline (MRN 00000018), (record not on this desk)' },
      { label: 'Walk-in', value: 'no' },
      { label: 'Status', value: 'checked out' },
      { label: 'Signed on', value: '02/01/2024' },
      { label: 'At', value: 'at 15:00' },
      { label: 'Approved by', value: 'Sam Supervisor' },
      { label: 'Fields', value: 'first name, birth date, emergency contacts' },
    ]);
    expect(auditDetailText(lines)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    expect(auditDetailLines('{}', words)).toEqual([]);
    expect(auditDetailLines('not json', words)).toEqual([{ label: 'Detail', value: 'not json' }]);
    expect(auditDetailLines(JSON.stringify({ fromDesk: OTHER }), words)).toEqual([{ label: 'From desk', value: 'another desk' }]);
  });
});

describe('audit action labels cover the code', () => {
  it('every action the desk writes by name has a label in words (shared/audit/actions.ts)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const found = new Set<string>();
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) for (const m of fs.readFileSync(p, 'utf8').matchAll(/action: '([a-z_]+\.[a-z_.]+)'/g)) found.add(m[1]!);
      }
    };
    walk(path.resolve('electron'));
    expect(found.size).toBeGreaterThan(50);
    expect([...found].filter((a) => !(a in AUDIT_ACTION_LABELS)).sort()).toEqual([]);
  });
});
