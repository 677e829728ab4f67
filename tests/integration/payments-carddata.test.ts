/**
 * Card data never gets in: a Luhn-valid 16-digit number typed into ANY text field of a payment, drawer or note input
 * is refused with the clear message (and nothing is written); then after a day of real payments (cash, check, card,
 * other, void, refund, paid-in/out, close, sign-off, receipts, EOD exports) a scan of the SQLite file and its WAL (all
 * bytes), everything the desk logged (stdout/stderr), and the CSV/PDF exports finds no card-number-looking run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestDesk } from '../support/desk.js';
import { addUsers, CLERK, FLOAT, registerPatient, signIn, SUPER, SUPER2 } from '../support/payments.js';
import { CARD_NUMBER_MESSAGE, containsCardNumber, luhnValid, withoutMachineTokens } from '../../shared/payments/card-guard.js';

/**
 * Every card-number-looking run in `s`, with 20 characters of context (empty = clean). UUIDs, instants and HLC stamps
 * are taken out first: their digit groups can form Luhn-valid runs that are ids, not card numbers. So are hex digests
 * of 40+ characters (the audit log's SHA-256 hash chain): "…c2320976711549dca…" holds a 13-digit run that is Luhn-valid
 * about one time in ten — a hash, not a card number (a card number typed anywhere is refused long before hashing).
 */
function cardRuns(raw: string): string[] {
  const s = withoutMachineTokens(raw).replace(/[0-9a-f]{40,}/g, '<hex digest>');
  const out: string[] = [];
  for (const m of s.matchAll(/\d(?:[ -]?\d)*/g)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) out.push(JSON.stringify(s.slice(Math.max(0, m.index - 20), m.index + m[0].length + 20)));
  }
  return out;
}
import { readPdf } from '../unit/print-read.js';
import { log } from '../../electron/log.js';

const PAN = '4111 1111 1111 1111';
const PAN_DASH = '5555-5555-5555-4444';
const C = 'clerk:1';
let d: TestDesk;
let patientId: string;
let logged = '';
const approver = { username: SUPER.username, password: SUPER.password };
const card = { terminalRef: 'TR-7781', brand: 'visa' as const, lastFour: '1111', authCode: 'AUTH77' };

beforeAll(async () => {
  const capture = ((chunk: unknown) => {
    logged += String(chunk);
    return true;
  }) as never;
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  d = new TestDesk();
  await d.setup();
  await addUsers(d);
  await signIn(d, C, CLERK);
  patientId = await registerPatient(d);
});
afterAll(() => {
  vi.restoreAllMocks();
  d.destroy();
});

/** Every text field of every payment/drawer/note input, each with a card number typed in. */
function attempts(sessionId: string, paymentId: string): [string, Record<string, unknown>, string][] {
  const pay = { type: 'copay', amountCents: 2500, patientId };
  const out: [string, Record<string, unknown>, string][] = [];
  for (const pan of [PAN, PAN_DASH, `card ${PAN.replace(/ /g, '')} exp 12/27`]) {
    out.push(
      ['drawer.open', { float: FLOAT, note: pan }, 'note'],
      ['drawer.paidIn', { amountCents: 100, reason: pan }, 'reason'],
      ['drawer.paidOut', { amountCents: 100, reason: pan }, 'reason'],
      ['payments.record', { ...pay, method: 'cash', note: pan }, 'note'],
      ['payments.record', { ...pay, method: 'other', otherRef: pan }, 'otherRef'],
      ['payments.record', { ...pay, method: 'check', check: { number: pan } }, 'check.number'],
      ['payments.record', { ...pay, method: 'check', check: { number: '101', bank: pan } }, 'check.bank'],
      ['payments.record', { ...pay, method: 'card', card: { ...card, terminalRef: pan } }, 'card.terminalRef'],
      ['payments.record', { ...pay, method: 'card', card: { ...card, authCode: pan } }, 'card.authCode'],
      ['payments.void', { paymentId, reason: pan, approver }, 'reason'],
      ['payments.refund', { paymentId, reason: pan }, 'reason'],
      ['payments.refund', { paymentId, reason: 'ok', method: 'other', otherRef: pan }, 'otherRef'],
      ['payments.refund', { paymentId, reason: 'ok', method: 'card', card: { ...card, terminalRef: pan } }, 'card.terminalRef'],
      ['drawer.close', { sessionId, cash: {}, note: pan }, 'note'],
      ['drawer.signOffVariance', { sessionId, reason: pan, approver }, 'reason'],
    );
  }
  return out;
}

describe('card numbers', () => {
  it('are refused in every text field, with the clear message, writing nothing', async () => {
    const { session } = await d.call('drawer.open', { float: FLOAT }, C);
    const p = await d.call('payments.record', { type: 'copay', method: 'cash', amountCents: 2500, patientId }, C);
    const before = [d.count('payments'), d.count('drawer_movements'), d.count('drawer_sessions'), d.count('outbox')];
    for (const [m, input, field] of attempts(session.id, p.payment.id)) {
      const r = await d.raw(m, input, C);
      expect(r.ok, `${m} ${field}`).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.fields?.[field], `${m} ${field}`).toBe(CARD_NUMBER_MESSAGE);
      expect(JSON.stringify(r.error)).not.toContain('1111 1111');
    }
    expect([d.count('payments'), d.count('drawer_movements'), d.count('drawer_sessions'), d.count('outbox')]).toEqual(before);
    expect(d.app.store.db.prepare('SELECT status FROM drawer_sessions WHERE id = ?').pluck().get(session.id)).toBe('open');
  });

  it('are nowhere after a day of real payments: not in the SQLite file, the logs, or the exports', async () => {
    const s = (await d.call('drawer.current', {}, C)).session!;
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const method = (['cash', 'check', 'card', 'other'] as const)[i % 4]!;
      const r = await d.call(
        'payments.record',
        {
          type: (['copay', 'prior_balance', 'deposit', 'prepayment'] as const)[i % 4]!,
          method,
          amountCents: 1000 + i * 37,
          patientId,
          ...(method === 'cash' ? { tenderedCents: 5000 + i * 37 } : {}),
          ...(method === 'check' ? { check: { number: String(2000 + i), bank: 'First Bank' } } : {}),
          ...(method === 'card' ? { card: { ...card, lastFour: String(1000 + i), terminalRef: `TR-${i}` } } : {}),
          ...(method === 'other' ? { otherRef: `money order ${i}` } : {}),
          note: `visit ${i}`,
        },
        C,
      );
      ids.push(r.payment.id);
    }
    await d.call('payments.void', { paymentId: ids[0]!, reason: 'wrong amount' }, C);
    await d.call('payments.refund', { paymentId: ids[5]!, amountCents: 500, reason: 'overpaid', method: 'card', card: { ...card, terminalRef: 'TR-R1' } }, C);
    await d.call('drawer.paidIn', { amountCents: 1000, reason: 'bank run' }, C);
    const closed = await d.call('drawer.close', { sessionId: s.id, cash: { b20: 1 }, checksCents: 0 }, C);
    if (closed.result.needsSignOff) await d.call('drawer.signOffVariance', { sessionId: s.id, reason: 'count later', approver: { username: SUPER2.username, password: SUPER2.password } }, C);
    for (const id of ids.slice(0, 8)) await d.call('payments.receiptPdf', { paymentId: id, paper: '80mm', reprint: true }, C);
    await signIn(d, 'super:1', SUPER);
    const csv = (await d.call('eod.exportCsv', { businessDate: s.businessDate }, 'super:1')).csv;
    const pdf = (await d.call('eod.exportPdf', { businessDate: s.businessDate }, 'super:1')).pdfBase64;
    const eod = await d.call('eod.report', { businessDate: s.businessDate }, 'super:1');
    expect(eod.totals.paymentCount).toBe(41);
    const pdfText = (await readPdf(new Uint8Array(Buffer.from(pdf, 'base64')))).text;
    expect(pdfText).toContain('End of day');

    d.app.store.db.pragma('wal_checkpoint(PASSIVE)');
    const files = fs.readdirSync(d.dir).filter((f) => f.startsWith('accessdesk.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(d.dir, f)).toString('latin1');
      expect(cardRuns(bytes), f).toEqual([]);
    }
    log.info('payments card-data scan marker', { count: ids.length });
    expect(logged).toContain('payments card-data scan marker'); // the capture sees what the desk logs
    for (const [what, textOf] of [['logs', logged], ['csv', csv], ['pdf', pdfText], ['eod', JSON.stringify(eod)]] as const) {
      expect(cardRuns(textOf), what).toEqual([]);
    }
    // and the refused attempts of the first test never reached any of them
    expect(logged + csv + pdfText).not.toContain('4111');
  }, 60_000);
});
