/**
 * End of day (supervisors, Alt+E): one business date reconciled across every desk this desk knows of. What may be
 * missing comes FIRST (desks not synced since …, sessions not closed or not arrived), then totals by method, type,
 * clerk and desk, charts (with table alternatives), the deposit slip, variances with reasons and sign-offs, voids and
 * refunds with their approvers, copays due vs collected. Every figure is the API's (eod.report); nothing is summed
 * here. Export: CSV (C) and PDF preview (P).
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api/client.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { TypedDateField } from '../ui/fields.js';
import { useScreenKeys } from '../patients/keys.js';
import { siteToday, usDate } from '../patients/format.js';
import { parseIsoDate } from '../../shared/dates.js';
import type { EodReport } from '../../shared/drawer/eod-schema.js';
import { PAYMENT_TYPE_LABELS } from '../../shared/domain/payment.js';
import { METHOD_LABELS } from '../payments/CollectPaymentDialog.js';
import { money, signedMoney } from '../payments/money.js';
import { openPrint } from '../print/usePrint.js';
import { dateTimeOf, timeOf } from '../drawer/format.js';
import { HourChart, MethodChart } from './charts.js';
import '../payments/payments.css';
import './eod.css';
import { downloadText } from '../ui/download.js';


export function EodScreen() {
  const [dateText, setDateText] = useState(siteToday());
  const [shown, setShown] = useState<string>(siteToday());
  const [report, setReport] = useState<EodReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (date: string) => {
    setLoading(true);
    try {
      const r = await api.call('eod.report', { businessDate: date });
      setReport(r);
      setShown(date);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not make the report.');
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load(shown);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // new payments/closes arriving (this desk or by sync): refresh the shown date
  useEffect(() => {
    let t: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(t);
      t = setTimeout(() => void load(shown), 300);
    };
    const a = api.on('drawer.changed', soon);
    const b = api.on('payments.changed', soon);
    return () => {
      clearTimeout(t);
      a();
      b();
    };
  }, [load, shown]);

  const show = () => {
    if (!parseIsoDate(dateText)) {
      setError('Type the business date, like 03/14/2025.');
      return;
    }
    void load(dateText);
  };
  const exportCsv = async () => {
    try {
      const r = await api.call('eod.exportCsv', { businessDate: shown });
      downloadText(r.fileName, r.csv, 'text/csv;charset=utf-8');
      setStatus(`Saved ${r.fileName} (your downloads).`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The CSV could not be made.');
    }
  };
  const exportPdf = () => openPrint({ title: `End of day ${usDate(shown)}`, load: () => api.call('eod.exportPdf', { businessDate: shown }) });
  useScreenKeys({ C: () => void exportCsv(), P: exportPdf, R: () => void load(shown) });

  return (
    <div className="ad-page eod">
      <PageHeader title="End of day" subtitle={report ? `${report.siteName} · business date ${usDate(report.businessDate)} (${report.timeZone}) · made ${dateTimeOf(report.generatedAt)} on ${report.generatedOnDesk.deskLabel}` : undefined} focusOnMount>
        <Button shortcut="R" onPress={() => void load(shown)}>
          Refresh
        </Button>
        <Button shortcut="C" isDisabled={!report} onPress={() => void exportCsv()}>
          Export CSV
        </Button>
        <Button shortcut="P" isDisabled={!report} onPress={exportPdf}>
          PDF / print
        </Button>
      </PageHeader>
      <form
        className="eod-date"
        aria-label="Business date"
        onSubmit={(e) => {
          e.preventDefault();
          show();
        }}
      >
        <TypedDateField label="Business date" value={dateText} onChange={setDateText} />
        <Button type="submit" variant="primary" shortcut="Enter">
          Show
        </Button>
        <span aria-live="polite" className="pay-muted">
          {loading ? 'Reconciling…' : status}
        </span>
      </form>
      {error && <Banner tone="error">{error}</Banner>}
      {report && <Report r={report} />}
    </div>
  );
}

function Section({ title, children, id, className }: { title: string; children: ReactNode; id: string; className?: string }) {
  return (
    <section className={`ad-section ${className ?? ''}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Table({ caption, head, rows, empty = 'None.', testId }: { caption: string; head: string[]; rows: ReactNode[][]; empty?: string; testId?: string }) {
  if (rows.length === 0) return <p className="pay-muted">{empty}</p>;
  return (
    <table className="eod-table" data-testid={testId}>
      <caption className="ad-visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) =>
              j === 0 ? (
                <th key={j} scope="row">
                  {c}
                </th>
              ) : (
                <td key={j}>{c}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * What may be missing, said first. Gaps: another desk's session of this date still open here (its later payments and
 * its close may not have arrived), this desk's own changes not yet at the hub, no sync yet, or this desk's own drawer
 * still open. The API's warnings are listed as they are (they always carry the last-sync caveat when enrolled).
 */
function Honesty({ c, ownOpen }: { c: EodReport['completeness']; ownOpen: number }) {
  const gaps = c.desks.some((d) => d.openSessions > 0) || (c.enrolled && c.pendingLocalChanges > 0) || (c.enrolled && !c.lastSyncAt) || ownOpen > 0;
  return (
    <section className={`ad-section eod-honesty ${gaps ? 'eod-honesty--warn' : ''}`} aria-labelledby="eod-h-complete" data-testid="eod-completeness">
      <h2 id="eod-h-complete">{gaps ? 'This report may be incomplete' : 'Every session of this date is closed and received (as of the last sync)'}</h2>
      {(c.warnings.length > 0 || ownOpen > 0) && (
        <ul className="eod-warnings">
          {ownOpen > 0 && <li>This desk’s drawer is still open: its cash is not in the deposit slip.</li>}
          {c.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <p className="pay-muted">
        {c.enrolled ? (c.lastSyncAt ? `Last sync with the hub: ${dateTimeOf(c.lastSyncAt)}.` : 'No sync with the hub yet.') : 'Not connected to a clinic hub.'}
        {c.enrolled && c.pendingLocalChanges > 0 ? ` ${c.pendingLocalChanges} change(s) of this desk wait to be sent.` : ''}
      </p>
      {c.desks.length > 0 && (
        <Table
          caption="Other desks: what this desk has received"
          testId="eod-desks"
          head={['Desk', 'Latest change received (made at)', 'Received', 'Open sessions', 'What may be missing']}
          rows={c.desks.map((d) => [
            d.deskLabel,
            d.lastChangeAt ? dateTimeOf(d.lastChangeAt) : 'nothing yet',
            d.receivedAt ? dateTimeOf(d.receivedAt) : '—',
            d.openSessions > 0 ? <span className="ad-tag ad-tag--danger">{d.openSessions} not closed here</span> : <span className="ad-tag ad-tag--ok">0</span>,
            d.openSessions > 0 ? `Payments after ${d.lastChangeAt ? timeOf(d.lastChangeAt) : 'its last sync'} and the close` : 'Nothing known missing',
          ])}
        />
      )}
    </section>
  );
}

function Report({ r }: { r: EodReport }) {
  const t = r.totals;
  return (
    <div className="eod-body">
      <Honesty c={r.completeness} ownOpen={r.sessions.filter((x) => x.session.own && x.session.status === 'open').length} />
      <section className="ad-section" aria-labelledby="eod-h-totals">
        <h2 id="eod-h-totals">Totals</h2>
        <dl className="eod-figures" data-testid="eod-totals">
          <Fig label="Net collected" value={money(t.netCents)} strong />
          <Fig label={`Payments (${t.paymentCount})`} value={money(t.paymentsCents)} />
          <Fig label={`Voids (${t.voidCount})`} value={money(t.voidsCents)} />
          <Fig label={`Refunds (${t.refundCount})`} value={money(t.refundsCents)} />
          <Fig label="Paid in" value={money(t.paidInCents)} />
          <Fig label="Paid out" value={money(t.paidOutCents)} />
          <Fig label="Deposit total" value={money(r.depositSlip.totalCents)} />
          <Fig label="Copay collection rate" value={r.copays.collectionRate === null ? '—' : `${Math.round(r.copays.collectionRate * 1000) / 10}%`} />
        </dl>
      </section>
      <div className="eod-grid">
        <Section title="By method" id="eod-h-method">
          <Table caption="By method" testId="eod-by-method" head={['Method', 'Count', 'Net']} rows={r.byMethod.map((b) => [METHOD_LABELS[b.method], b.count, money(b.netCents)])} />
        </Section>
        <Section title="By payment type" id="eod-h-type">
          <Table caption="By payment type" head={['Type', 'Count', 'Net']} rows={r.byType.map((b) => [PAYMENT_TYPE_LABELS[b.type], b.count, money(b.netCents)])} />
        </Section>
        <Section title="By clerk" id="eod-h-clerk">
          <Table caption="By clerk" head={['Clerk', 'Count', 'Net']} rows={r.byClerk.map((b) => [b.userName, b.count, money(b.netCents)])} />
        </Section>
        <Section title="By desk" id="eod-h-desk">
          <Table caption="By desk" testId="eod-by-desk" head={['Desk', 'Sessions', 'Open', 'Count', 'Net']} rows={r.byDesk.map((b) => [b.deskLabel, b.sessions, b.openSessions, b.count, money(b.netCents)])} />
        </Section>
      </div>
      <div className="eod-grid eod-grid--2">
        <Section title="Collections by hour" id="eod-h-hour">
          <HourChart rows={r.collectionsByHour} />
        </Section>
        <Section title="Collections by method" id="eod-h-mchart">
          <MethodChart rows={r.byMethod} />
        </Section>
      </div>
      <Section title="Deposit slip" id="eod-h-deposit">
        <div className="eod-grid eod-grid--2">
          <Table
            caption="Cash by denomination"
            head={['Cash', 'Count', 'Amount']}
            rows={r.depositSlip.cash.map((c) => [c.label, c.count, money(c.cents)])}
            empty="No counted cash (no closed sessions)."
          />
          <Table caption="Checks" head={['Check', 'Bank', 'Receipt', 'Desk', 'Amount']} rows={r.depositSlip.checks.map((c) => [`#${c.number}`, c.bank || '—', c.receiptNo, c.deskLabel, money(c.amountCents)])} empty="No checks." />
        </div>
        <dl className="eod-figures">
          <Fig label="Counted cash" value={money(r.depositSlip.countedCashCents)} />
          <Fig label="Floats kept back" value={money(-r.depositSlip.floatsCents)} />
          <Fig label="Cash to deposit" value={money(r.depositSlip.cashToDepositCents)} />
          <Fig label="Checks" value={money(r.depositSlip.checksCents)} />
          <Fig label="Deposit total" value={money(r.depositSlip.totalCents)} strong />
        </dl>
        {r.depositSlip.openSessions > 0 && <p className="pay-muted">{r.depositSlip.openSessions} open session(s): their cash is not in this slip.</p>}
      </Section>
      <Section title="Variances" id="eod-h-var">
        <Table
          caption="Variances"
          testId="eod-variances"
          head={['Desk', 'Method', 'Expected', 'Counted', 'Variance', 'Closed by', 'Reason', 'Signed off by']}
          rows={r.variances.map((v) => [
            v.deskLabel,
            METHOD_LABELS[v.method],
            money(v.expectedCents),
            money(v.countedCents),
            signedMoney(v.varianceCents),
            v.closedBy.userName,
            v.reason ?? (v.beyondTolerance ? <span className="ad-tag ad-tag--danger">no reason yet</span> : '—'),
            v.approvedBy?.userName ?? (v.beyondTolerance ? <span className="ad-tag ad-tag--danger">not signed off</span> : '—'),
          ])}
          empty="No variances."
        />
      </Section>
      <Section title="Voids and refunds" id="eod-h-corr">
        <Table
          caption="Voids and refunds"
          testId="eod-corrections"
          head={['Receipt', 'Kind', 'Of receipt', 'Desk', 'Amount', 'Reason', 'By', 'Approved by']}
          rows={r.corrections.map((c) => [c.receiptNo, c.kind === 'void' ? 'Void' : 'Refund', c.originalReceiptNo ?? '—', c.deskLabel, money(c.amountCents), c.reason, c.recordedBy.userName, c.approvedBy?.userName ?? 'not needed'])}
          empty="No voids or refunds."
        />
      </Section>
      <Section title="Copays due vs collected" id="eod-h-copay">
        {r.copays.available ? (
          <>
            <dl className="eod-figures">
              <Fig label={`Due (${r.copays.dueCount})`} value={money(r.copays.dueCents)} />
              <Fig label={`Collected (${r.copays.collectedCount} in full${r.copays.partialCount ? `, ${r.copays.partialCount} in part` : ''})`} value={money(r.copays.collectedCents)} />
              <Fig label="Collection rate (dollars)" value={r.copays.collectionRate === null ? '—' : `${Math.round(r.copays.collectionRate * 1000) / 10}%`} strong />
            </dl>
            {r.copays.byReason.length > 0 && (
              <Table
                caption="Not collected, by reason"
                testId="eod-copay-reasons"
                head={['Reason', 'Copays', 'Due', 'Not collected']}
                rows={r.copays.byReason.map((g) => [g.reason, g.count, money(g.dueCents), money(g.uncollectedCents)])}
              />
            )}
            <Table
              caption="Copays not collected"
              testId="eod-copays-not-collected"
              head={['Time', 'Patient', 'MRN', 'Due', 'Not collected', 'Reason']}
              rows={r.copays.notCollected.map((n) => [timeOf(n.start), n.patientName || 'Patient not on this desk', <span className="pay-mono">{n.mrn}</span>, money(n.dueCents), money(n.dueCents - n.collectedCents), n.reason])}
              empty={r.copays.dueCount === 0 ? 'No copays were due on this date.' : 'Every copay due was collected.'}
            />
          </>
        ) : (
          <p className="pay-muted">{r.copays.note}</p>
        )}
      </Section>
      <Section title="Drawer sessions" id="eod-h-sessions">
        <Table
          caption="Drawer sessions"
          testId="eod-sessions"
          head={['Desk', 'Opened', 'By', 'Status', 'Float', 'Expected cash', 'Counted cash', 'Variance']}
          rows={r.sessions.map(({ session: s, totals }) => [
            s.deskLabel,
            timeOf(s.openedAt),
            s.openedBy.userName,
            s.status === 'open' ? 'open' : s.close?.closedOffline ? 'closed offline' : 'closed',
            money(s.floatCents),
            money(totals.expectedCashCents),
            s.close ? money(s.close.countedCashCents) : '—',
            s.close ? signedMoney(s.close.varianceCashCents) : '—',
          ])}
          empty="No drawer sessions on this date."
        />
      </Section>
    </div>
  );
}

function Fig({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <div className={strong ? 'eod-fig eod-fig--strong' : 'eod-fig'}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
