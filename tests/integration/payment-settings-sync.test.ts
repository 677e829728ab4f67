/**
 * The clinic's payment settings (approval limits, variance tolerance, default float, denominations, the address and
 * phone printed on receipts) are site-wide: changed on desk A, they reach desk B through a real hub
 * ('payments.settings_configured', latest by HLC). Denominations changed while desk B's drawer is open wait for B's
 * close (its open session is counted with the ones it was opened with); an older write never replaces a newer one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncDesk, converge, enrolledDesk, startTestHub, waitFor, type TestHub } from '../support/hub.js';
import { OpMaker, enrollDesk } from '../hub/support.js';
import { US_DENOMINATIONS, US_ROLLS } from '../../shared/domain/drawer.js';

let hub: TestHub;
const desks: SyncDesk[] = [];
beforeAll(async () => {
  hub = await startTestHub();
}, 120_000);
afterAll(async () => {
  for (const d of desks) d.destroy();
  await hub?.destroy();
});

const codes = (s: { denominations: { code: string }[] }) => s.denominations.map((d) => d.code);

describe('payment settings sync', () => {
  it('limits, tolerance, float, address and phone reach the other desk; denominations wait for its open drawer to close', async () => {
    const a = await enrolledDesk(hub, 'Pay A');
    const b = await enrolledDesk(hub, 'Pay B');
    desks.push(a, b);
    await converge([a, b]);

    // B's drawer is open (counted with the default denominations)
    const { session } = await b.call('drawer.open', { float: { b20: 5 } });
    const base = await a.call('payments.settings', {});
    const next = {
      ...base,
      voidApprovalAboveCents: 7500,
      refundApprovalAboveCents: 4000,
      varianceToleranceCents: 250,
      defaultFloatCents: 20000,
      clinicAddress: '1500 W Cermak Rd\nChicago, IL 60608',
      clinicPhone: '(312) 555-0100',
      denominations: [...US_DENOMINATIONS, ...US_ROLLS],
    };
    await a.call('payments.updateSettings', next);
    const op = a.app.store.db.prepare(`SELECT entity_id, payload FROM outbox WHERE kind = 'payments.settings_configured'`).all() as { entity_id: string; payload: string }[];
    expect(op).toHaveLength(1);
    expect(op[0]!.entity_id).toBe('payment_settings');
    expect(JSON.parse(op[0]!.payload)).toEqual({ settings: next });
    await converge([a, b]);

    // everything but the denominations at once; B's open session keeps counting with the old ones
    const atB = await b.call('payments.settings', {});
    expect(atB).toEqual({ ...next, denominations: base.denominations });
    expect(b.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE action = 'payments.settings_synced'`).get()).toEqual({ n: 1 });
    // B closes its drawer: from now on the clinic's denominations
    await b.call('drawer.close', { sessionId: session.id, cash: { b20: 5 } });
    expect(codes(await b.call('payments.settings', {}))).toEqual(codes(next));
    expect(b.app.store.db.prepare(`SELECT COUNT(*) n FROM audit_log WHERE action = 'payments.settings_denominations_taken'`).get()).toEqual({ n: 1 });
    // the receipt at B prints the clinic's address and phone (payments.settings is what the receipt reads)
    expect((await b.call('payments.settings', {})).clinicPhone).toBe('(312) 555-0100');
  });

  it('a desk with its drawer closed takes the denominations at once; the newer write wins on every desk', async () => {
    const [a, b] = desks as [SyncDesk, SyncDesk];
    const s = await b.call('payments.settings', {});
    // B writes first, A writes later (A's HLC is newer): both desks end with A's
    await b.call('payments.updateSettings', { ...s, varianceToleranceCents: 111, denominations: [...US_DENOMINATIONS] });
    await a.call('payments.updateSettings', { ...s, varianceToleranceCents: 222, denominations: [...US_DENOMINATIONS] });
    await converge([a, b]);
    await converge([a, b]);
    const atA = await a.call('payments.settings', {});
    const atB = await b.call('payments.settings', {});
    expect(atA.varianceToleranceCents).toBe(222);
    expect(atB).toEqual(atA);
    expect(codes(atB)).toEqual(US_DENOMINATIONS.map((d) => d.code));
  });

  it('the hub refuses a settings op that does not parse or names another entity; nothing of it reaches a desk', async () => {
    const [a, b] = desks as [SyncDesk, SyncDesk];
    const s = await a.call('payments.settings', {});
    const rogue = await enrollDesk(hub, 'Broken desk');
    const m = new OpMaker(rogue.deskId, 1, 1, Date.now() + 60_000);
    const ops = [
      m.op('payments.settings_configured', 'elsewhere', { settings: s }),
      m.op('payments.settings_configured', 'payment_settings', { settings: { ...s, defaultFloatCents: -5 } }),
      m.op('payments.settings_configured', 'payment_settings', { settings: { ...s, clinicPhone: '4111 1111 1111 1111' } }),
    ];
    const r = await rogue.client.push({ deskId: rogue.deskId, epoch: 1, ops });
    expect(r).toMatchObject({ ackedSeq: 3 });
    await waitFor(async () => (await hub.db.query('SELECT 1 FROM rejected_ops WHERE op_id = ANY($1)', [ops.map((o) => o.opId)])).rows.length === 3, 15_000, 'rejections at the hub');
    const rejected = await hub.db.query<{ reason: string }>('SELECT reason FROM rejected_ops WHERE op_id = ANY($1) ORDER BY reason', [ops.map((o) => o.opId)]);
    expect(rejected.rows.map((x) => x.reason)).toEqual(['entity-mismatch', 'invalid-payload', 'invalid-payload']);
    await converge([a, b]);
    expect(await b.call('payments.settings', {})).toEqual(s);
  });
});
