/**
 * The drawer screen (Alt+D). No open session: open it with the float counted by denomination. Open session: the
 * session's summary (X report from the API for supervisors; clerks see it only after the blind count), paid-in /
 * paid-out with a reason, the session's payments (Enter on a row: reprint, void or refund — with a supervisor's
 * approval typed on the spot when the API needs one), Refund an earlier payment found by its receipt number (R), and Close (C): a blind count first, then expected vs counted per method and, beyond tolerance,
 * a reason and a supervisor's sign-off. "Closed offline" is shown when the desk could not reach the hub.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { create } from 'zustand';
import { api, ApiError } from '../api/client.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { DataTable } from '../ui/DataTable.js';
import { AppForm, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { useFormDraft, clearDraft } from '../app/drafts.js';
import { useSession } from '../app/session.js';
import { registerEscapeGuard } from '../app/keyboard.js';
import { useScreenKeys } from '../patients/keys.js';
import { timeOf } from './format.js';
import { usDate } from '../patients/format.js';
import type { MethodOutput } from '../../shared/api/contract.js';
import type { DrawerClose, DrawerSession, PaymentSettings, SessionTotals } from '../../shared/domain/drawer.js';
import { PAYMENT_TYPE_LABELS, type PaymentListItem } from '../../shared/domain/payment.js';
import { cardSafeText, requiredCardSafeText } from '../../shared/payments/card-guard.js';
import { DenominationGrid, countsFormSchema, emptyCounts, toCounts } from './DenominationGrid.js';
import { FindReceiptDialog, MovementDialog, PaymentActionsDialog } from './dialogs.js';
import { ApproverFields, approverCredentials, noApprover, requiredApproverFieldsSchema } from '../payments/ApproverFields.js';
import { BRAND_LABELS, METHOD_LABELS } from '../payments/CollectPaymentDialog.js';
import { centsOf, money, parseMoney, signedMoney } from '../payments/money.js';
import { usePendingPayment } from '../payments/pending.js';
import { useNav } from '../app/nav.js';
import { useVisitDialogs } from '../visits/dialogs.js';
import '../payments/payments.css';
import './drawer.css';

type Current = MethodOutput<'drawer.current'>;
type CloseOut = MethodOutput<'drawer.close'>;

/** The last close of this window (its result and sign-off stay on screen until Done, also across navigation). */
export const useLastClose = create<{ close: CloseOut | null; set: (c: CloseOut | null) => void }>((set) => ({ close: null, set: (close) => set({ close }) }));

function isSupervisor(): boolean {
  const r = useSession.getState().user?.role;
  return r === 'supervisor' || r === 'administrator';
}

export function DrawerScreen() {
  const [cur, setCur] = useState<Current | null>(null);
  const [settings, setSettings] = useState<PaymentSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  const lastClose = useLastClose((s) => s.close);

  const load = useCallback(async () => {
    try {
      const [c, s] = await Promise.all([api.call('drawer.current', {}), api.call('payments.settings', {})]);
      setCur(c);
      setSettings(s);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not read the drawer.');
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  // a payment started while the drawer was closed comes back once it is open: to the screen the clerk came from
  const opened = useCallback(async () => {
    const p = usePendingPayment.getState().pending;
    if (!p) return load();
    usePendingPayment.getState().clear();
    useNav.getState().back();
    useVisitDialogs.getState().open({ kind: 'copay', patientId: p.patientId, appointmentId: p.appointmentId, amountDueCents: p.amountDueCents, type: p.type, patientLabel: p.patientLabel ?? '' });
  }, [load]);
  useEffect(() => {
    const a = api.on('drawer.changed', () => void load());
    const b = api.on('payments.changed', () => void load());
    return () => {
      a();
      b();
    };
  }, [load]);

  if (lastClose) return <CloseResult out={lastClose} />;
  if (!cur || !settings) {
    return (
      <div className="ad-page">
        <PageHeader title="Drawer" focusOnMount />
        {error ? <Banner tone="error">{error}</Banner> : <p role="status">Loading…</p>}
      </div>
    );
  }
  if (!cur.session) return <OpenDrawer settings={settings} onOpened={opened} />;
  if (closing) return <CloseDrawer session={cur.session} settings={settings} onCancel={() => setClosing(false)} onClosed={(o) => { setClosing(false); useLastClose.getState().set(o); void load(); }} />;
  return <OpenSession cur={cur} session={cur.session} settings={settings} onClose={() => setClosing(true)} reload={load} />;
}

// ---- open ------------------------------------------------------------------------------------------------------

const openSchema = z.object({ counts: countsFormSchema, note: cardSafeText(500, 'Note') });

function OpenDrawer({ settings, onOpened }: { settings: PaymentSettings; onOpened: () => Promise<void> }) {
  const form = useZodForm(openSchema, { counts: emptyCounts(settings.denominations), note: '' });
  useFormDraft('drawer:open', form);
  const [banner, setBanner] = useState<string | null>(null);
  const pending = usePendingPayment((s) => s.pending);
  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    const float = toCounts(v.counts);
    if (Object.keys(float).length === 0) {
      setBanner('Count the float first: type how many of each bill and coin are in the drawer.');
      return;
    }
    try {
      await api.call('drawer.open', { float, note: v.note.trim() });
      clearDraft('drawer:open');
      await onOpened();
    } catch (e) {
      const r = applyServerErrors(form, e, Object.fromEntries(settings.denominations.map((d) => [`float.${d.code}`, `counts.${d.code}`])));
      setBanner(`${r.message} Your count is kept.`);
    }
  });
  return (
    <div className="ad-page">
      <PageHeader title="Open the drawer" subtitle={`Count the opening float by denomination (suggested ${money(settings.defaultFloatCents)}).`} />
      {pending && (
        <Banner tone="info" title="A payment is waiting.">
          {' '}
          {pending.type && pending.type !== 'copay' ? 'The payment' : 'The copay'}
          {pending.amountDueCents ? ` of ${money(pending.amountDueCents)}` : ''}
          {pending.patientLabel ? ` for ${pending.patientLabel}` : ''} opens again as soon as the drawer is open.{' '}
          <Button variant="quiet" onPress={() => usePendingPayment.getState().clear()}>
            Don’t reopen it
          </Button>
        </Banner>
      )}
      <AppForm onSubmit={submit} label="Opening float" className="dr-open-form">
        {banner && <Banner tone="error">{banner}</Banner>}
        <section className="ad-section">
          <h2>Opening float</h2>
          <DenominationGrid control={form.control} name="counts" denominations={settings.denominations} label="Opening float" autoFocus />
        </section>
        <div className="pay-row">
          <FormTextField control={form.control} name="note" label="Note (optional)" className="dr-note" />
        </div>
        <div className="pay-actions">
          <Button type="submit" variant="primary" shortcut="Enter">
            Open the drawer
          </Button>
          <span className="pay-muted">↑ ↓ move between denominations · digits type the count · Tab leaves the grid</span>
        </div>
      </AppForm>
    </div>
  );
}

// ---- open session ----------------------------------------------------------------------------------------------

type XReport = MethodOutput<'drawer.xReport'>;

function OpenSession({ cur, session, settings, onClose, reload }: { cur: Current; session: DrawerSession; settings: PaymentSettings; onClose: () => void; reload: () => Promise<void> }) {
  const [payments, setPayments] = useState<PaymentListItem[]>([]);
  const [x, setX] = useState<XReport | null>(null);
  const [xError, setXError] = useState<string | null>(null);
  const [movement, setMovement] = useState<'paid_in' | 'paid_out' | null>(null);
  const [selected, setSelected] = useState<{ payment: PaymentListItem; mode: 'menu' | 'refund' } | null>(null);
  const [finding, setFinding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const sup = isSupervisor();

  const loadPayments = useCallback(async () => {
    const r = await api.call('payments.list', { sessionId: session.id, limit: 500 });
    setPayments(r.payments);
    if (sup) {
      try {
        setX(await api.call('drawer.xReport', { sessionId: session.id }));
        setXError(null);
      } catch (e) {
        setXError(e instanceof ApiError ? e.message : 'Could not read the X report.');
      }
    }
  }, [session.id, sup]);
  useEffect(() => {
    void loadPayments();
  }, [loadPayments, cur]);

  useScreenKeys({
    I: () => setMovement('paid_in'),
    O: () => setMovement('paid_out'),
    R: () => setFinding(true),
    C: () => onClose(),
  });

  const after = async (msg: string) => {
    setNotice(msg);
    await reload();
    await loadPayments();
  };

  return (
    <div className="ad-page">
      <PageHeader
        title="Drawer — open"
        subtitle={`${session.deskLabel} · opened ${timeOf(session.openedAt)} by ${session.openedBy.userName} · float ${money(session.floatCents)} · business date ${usDate(session.businessDate)}`}
        focusOnMount
      >
        <Button shortcut="I" onPress={() => setMovement('paid_in')}>
          Paid in
        </Button>
        <Button shortcut="O" onPress={() => setMovement('paid_out')}>
          Paid out
        </Button>
        <Button shortcut="R" onPress={() => setFinding(true)}>
          Refund
        </Button>
        <Button variant="primary" shortcut="C" onPress={onClose}>
          Close the drawer
        </Button>
      </PageHeader>
      {notice && <Banner tone="success">{notice}</Banner>}
      <div className="dr-layout">
        <section className="ad-section" aria-labelledby="dr-pay-h">
          <h2 id="dr-pay-h">
            Payments of this session ({cur.paymentCount}) <span className="pay-muted">· Enter on a row: reprint, void or refund · next receipt {cur.nextReceiptNo}</span>
          </h2>
          <DataTable
            label="Payments of this session"
            rows={payments}
            onRowAction={(_id, row) => setSelected({ payment: row, mode: 'menu' })}
            empty="No payments yet. Take a payment from the patient’s record (P) or at check-in."
            columns={[
              { id: 'receipt', label: 'Receipt', isRowHeader: true, render: (p) => <span className="pay-mono">{p.receiptNo}</span> },
              { id: 'time', label: 'Time', render: (p) => timeOf(p.recordedAt) },
              { id: 'patient', label: 'Patient', render: (p) => <PatientCell p={p} /> },
              { id: 'kind', label: 'What', render: (p) => (p.kind === 'payment' ? PAYMENT_TYPE_LABELS[p.type] : p.kind === 'void' ? 'Void' : 'Refund') },
              { id: 'method', label: 'Method', render: (p) => METHOD_LABELS[p.method] + (p.card ? ` ${BRAND_LABELS[p.card.brand]} …${p.card.lastFour}` : p.check ? ` #${p.check.number}` : '') },
              { id: 'amount', label: 'Amount', className: 'pay-money', render: (p) => <span className={p.amountCents < 0 ? 'pay-neg' : ''}>{money(p.amountCents)}</span> },
              { id: 'status', label: 'Status', render: (p) => (p.voided ? <span className="ad-tag ad-tag--danger">Voided</span> : p.kind !== 'payment' ? <span className="ad-tag">{p.approvedBy ? `approved by ${p.approvedBy.userName}` : 'reversal'}</span> : '') },
              { id: 'by', label: 'By', render: (p) => p.recordedBy.userName },
            ]}
          />
        </section>
        <section className="ad-section" aria-labelledby="dr-x-h">
          <h2 id="dr-x-h">{sup ? 'X report (mid-shift)' : 'Session'}</h2>
          {sup ? (
            x ? (
              <XFigures totals={x.totals} />
            ) : xError ? (
              <Banner tone="error">{xError}</Banner>
            ) : (
              <p role="status">Loading…</p>
            )
          ) : (
            <div className="pay-stack">
              <dl className="dr-figures">
                <dt>Opening float</dt>
                <dd>{money(session.floatCents)}</dd>
                <dt>Payments, voids, refunds</dt>
                <dd>{cur.paymentCount}</dd>
              </dl>
              <p className="pay-muted">Blind count: the expected cash is shown after you count the drawer at close. A supervisor can see the X report here.</p>
            </div>
          )}
          {sup && x && x.movements.length > 0 && (
            <>
              <h3 className="dr-mv-h">Paid in / out</h3>
              <ul className="pay-muted">
                {x.movements.map((m) => (
                  <li key={m.id}>
                    {timeOf(m.at)} {m.kind === 'paid_in' ? 'in' : 'out'} {money(m.amountCents)} — {m.reason} ({m.by.userName})
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
      {movement && (
        <MovementDialog
          kind={movement}
          onClose={() => setMovement(null)}
          onDone={(m) => {
            setMovement(null);
            void after(`${m.kind === 'paid_in' ? 'Paid in' : 'Paid out'} ${money(m.amountCents)} recorded.`);
          }}
        />
      )}
      {finding && (
        <FindReceiptDialog
          onClose={() => setFinding(false)}
          onFound={(p) => {
            setFinding(false);
            setSelected({ payment: p, mode: 'refund' });
          }}
        />
      )}
      {selected && (
        <PaymentActionsDialog
          payment={selected.payment}
          initialMode={selected.mode}
          openSessionId={session.id}
          settings={settings}
          onClose={() => setSelected(null)}
          onVoided={(r) => {
            setSelected(null);
            void after(`Voided ${r.originalReceiptNo ?? ''} (${money(-r.payment.amountCents)}${r.patient ? `, ${r.patient.name}` : ''}): void receipt ${r.receiptNo}${r.payment.approvedBy ? `, approved by ${r.payment.approvedBy.userName}` : ''}.`);
          }}
          onRefunded={(r) => {
            void after(`Refunded ${money(-r.payment.amountCents)} of ${r.originalReceiptNo ?? ''}: refund receipt ${r.receiptNo}${r.payment.approvedBy ? `, approved by ${r.payment.approvedBy.userName}` : ''}.`);
          }}
        />
      )}
    </div>
  );
}

/** "Dahl, Dora · MRN 00000042" (the patient of a payment row). */
export function PatientCell({ p }: { p: Pick<PaymentListItem, 'patientName' | 'patientMrn'> }) {
  if (!p.patientName) return <span className="pay-muted">not on this desk</span>;
  return (
    <span>
      {p.patientName} <span className="pay-muted pay-mono">· MRN {p.patientMrn}</span>
    </span>
  );
}

/** The X report's figures, exactly as the API computed them (never recomputed here). */
export function XFigures({ totals: t }: { totals: SessionTotals }) {
  return (
    <dl className="dr-figures" data-testid="x-report">
      <dt>Opening float</dt>
      <dd>{money(t.floatCents)}</dd>
      <dt>Cash received (tendered)</dt>
      <dd>{money(t.cashTenderedCents)}</dd>
      <dt>Change given</dt>
      <dd>{money(-t.changeGivenCents)}</dd>
      <dt>Cash returned (voids, refunds)</dt>
      <dd>{money(-t.cashReturnedCents)}</dd>
      <dt>Paid in</dt>
      <dd>{money(t.paidInCents)}</dd>
      <dt>Paid out</dt>
      <dd>{money(-t.paidOutCents)}</dd>
      <dt className="dr-strong">Expected cash</dt>
      <dd className="dr-strong">{money(t.expectedCashCents)}</dd>
      <dt>Checks (net)</dt>
      <dd>{money(t.netByMethod.check)}</dd>
      <dt>Card (net)</dt>
      <dd>{money(t.netByMethod.card)}</dd>
      <dt>Other (net)</dt>
      <dd>{money(t.netByMethod.other)}</dd>
      <dt>Payments / voids / refunds</dt>
      <dd>
        {t.paymentCount} / {t.voidCount} / {t.refundCount}
      </dd>
    </dl>
  );
}

// ---- close: blind count ----------------------------------------------------------------------------------------

const optionalMoney = z.string().superRefine((s, ctx) => {
  if (!s.trim()) return;
  const r = parseMoney(s);
  if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
});
const closeSchema = z.object({ counts: countsFormSchema, checks: optionalMoney, card: optionalMoney, other: optionalMoney, note: cardSafeText(500, 'Note') });

function CloseDrawer({ session, settings, onCancel, onClosed }: { session: DrawerSession; settings: PaymentSettings; onCancel: () => void; onClosed: (o: CloseOut) => void }) {
  const form = useZodForm(closeSchema, { counts: emptyCounts(settings.denominations), checks: '', card: '', other: '', note: '' });
  const draftKey = `drawer:close:${session.id}`;
  useFormDraft(draftKey, form);
  const [banner, setBanner] = useState<string | null>(null);
  // Esc: back to the open session (not to the previous screen)
  useEffect(() => registerEscapeGuard(() => (onCancel(), true)), [onCancel]);
  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    const opt = (s: string) => (s.trim() ? (centsOf(s) ?? undefined) : undefined);
    try {
      const out = await api.call('drawer.close', { sessionId: session.id, cash: toCounts(v.counts), checksCents: opt(v.checks), cardCents: opt(v.card), otherCents: opt(v.other), note: v.note.trim() });
      clearDraft(draftKey);
      onClosed(out);
    } catch (e) {
      const r = applyServerErrors(form, e, { ...Object.fromEntries(settings.denominations.map((d) => [`cash.${d.code}`, `counts.${d.code}`])), checksCents: 'checks', cardCents: 'card', otherCents: 'other' });
      setBanner(`${r.message} Your count is kept.`);
    }
  });
  return (
    <div className="ad-page">
      <PageHeader title="Close the drawer — blind count" subtitle={`${session.deskLabel} · opened ${timeOf(session.openedAt)} by ${session.openedBy.userName}`}>
        <Button variant="quiet" shortcut="Esc" onPress={onCancel}>
          Back (keep the drawer open)
        </Button>
      </PageHeader>
      <Banner tone="info" title="Count first.">
        {' '}
        Count everything in the drawer, including the float. The expected amounts are shown only after you submit the count.
      </Banner>
      <AppForm onSubmit={submit} label="Blind count" className="dr-close-form">
        {banner && <Banner tone="error">{banner}</Banner>}
        <section className="ad-section">
          <h2>Cash in the drawer</h2>
          <DenominationGrid control={form.control} name="counts" denominations={settings.denominations} label="Cash count" autoFocus />
        </section>
        <div className="dr-extra">
          <FormTextField control={form.control} name="checks" label="Checks total" placeholder="0.00" description="Add up the checks in the drawer" />
          <FormTextField control={form.control} name="card" label="Card batch total" placeholder="0.00" description="From the terminal’s batch report" />
          <FormTextField control={form.control} name="other" label="Other total" placeholder="0.00" description="Money orders and the like" />
          <FormTextField control={form.control} name="note" label="Note (optional)" />
        </div>
        <div className="pay-actions">
          <Button type="submit" variant="primary" shortcut="Enter">
            Submit the count and close
          </Button>
          <span className="pay-muted">Closing is final: a closed session and its payments cannot change.</span>
        </div>
      </AppForm>
    </div>
  );
}

// ---- close: result and sign-off -------------------------------------------------------------------------------

const signOffSchema = z.object({
  reason: requiredCardSafeText(500, 'Reason'),
  approver: requiredApproverFieldsSchema,
});

function CloseResult({ out }: { out: CloseOut }) {
  const r: DrawerClose = out.result;
  const [signedBy, setSignedBy] = useState<string | null>(out.session.signOff?.approvedBy.userName ?? null);
  const [banner, setBanner] = useState<string | null>(null);
  const form = useZodForm(signOffSchema, { reason: '', approver: noApprover() });
  const submit = form.handleSubmit(async (v) => {
    setBanner(null);
    try {
      const s = await api.call('drawer.signOffVariance', { sessionId: out.session.id, reason: v.reason.trim(), approver: approverCredentials(v.approver) });
      setSignedBy(s.signOff.approvedBy.userName);
      form.setValue('approver.password', '');
    } catch (e) {
      const res = applyServerErrors(form, e);
      setBanner(`${res.message}${res.applied.length ? '' : ' Nothing was saved.'}`);
    }
  });
  const done = () => useLastClose.getState().set(null);
  const needs = r.needsSignOff && !signedBy;
  // the sign-off form unmounts once signed: the focus goes to Done (Enter), never to the page body
  const doneRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (signedBy && r.needsSignOff) requestAnimationFrame(() => doneRef.current?.focus());
  }, [signedBy, r.needsSignOff]);
  useScreenKeys(needs ? {} : { Enter: done });
  return (
    <div className="ad-page">
      <PageHeader title="Drawer closed — expected vs counted" subtitle={`${out.session.deskLabel} · closed ${timeOf(r.closedAt)} by ${r.closedBy.userName}`} focusOnMount>
        {!needs && (
          <Button ref={doneRef} variant="primary" shortcut="Enter" onPress={done}>
            Done
          </Button>
        )}
      </PageHeader>
      {r.closedOffline && (
        <Banner tone="warning" title="Closed offline.">
          {' '}
          This desk could not reach the clinic hub. The close is final here and is reconciled at the hub when the desk syncs.
        </Banner>
      )}
      <section className="ad-section" aria-labelledby="dr-res-h">
        <h2 id="dr-res-h">Reconciliation (tolerance {money(r.toleranceCents)} per method)</h2>
        <table className="dr-recon" data-testid="close-result">
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Expected</th>
              <th scope="col">Counted</th>
              <th scope="col">Variance</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {r.methods.map((m) => (
              <tr key={m.method}>
                <th scope="row">{METHOD_LABELS[m.method]}</th>
                <td>{money(m.expectedCents)}</td>
                <td>{m.countedCents === null ? 'not counted' : money(m.countedCents)}</td>
                <td className={m.varianceCents ? 'pay-neg' : ''}>{signedMoney(m.varianceCents)}</td>
                <td>{m.beyondTolerance ? <span className="ad-tag ad-tag--danger">Beyond tolerance</span> : <span className="ad-tag ad-tag--ok">OK</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <XFiguresShort totals={out.totals} />
      </section>
      {signedBy && <Banner tone="success">Variance signed off by {signedBy}.</Banner>}
      {needs && (
        <section className="ad-section" aria-labelledby="dr-so-h">
          <h2 id="dr-so-h">Variance beyond tolerance: reason and supervisor sign-off</h2>
          <AppForm onSubmit={submit} label="Variance sign-off" className="pay-stack">
            {banner && <Banner tone="error">{banner}</Banner>}
            <FormTextField control={form.control} name="reason" label="Reason for the variance" isRequired autoFocus />
            <ApproverFields control={form.control} why="A variance beyond tolerance needs a supervisor’s sign-off." />
            <div className="pay-actions">
              <Button type="submit" variant="primary" shortcut="Enter">
                Sign off the variance
              </Button>
            </div>
          </AppForm>
        </section>
      )}
    </div>
  );
}

function XFiguresShort({ totals: t }: { totals: SessionTotals }) {
  return (
    <p className="pay-muted">
      Expected cash = float {money(t.floatCents)} + cash received {money(t.cashTenderedCents)} − change {money(t.changeGivenCents)} − returned {money(t.cashReturnedCents)} + paid in {money(t.paidInCents)} − paid out{' '}
      {money(t.paidOutCents)} = <strong>{money(t.expectedCashCents)}</strong>
    </p>
  );
}
