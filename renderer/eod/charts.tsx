/**
 * Small SVG charts for the EOD report: collections by hour (stacked by method) and by method. Each chart is an
 * <svg role="img"> with a label that says what it shows, followed by a <details> table with the same numbers (the
 * accessible alternative, opened with Enter/Space on its summary). Scales are computed from integer cents.
 */
import type { EodReport } from '../../shared/drawer/eod-schema.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../../shared/domain/drawer.js';
import { METHOD_LABELS } from '../payments/CollectPaymentDialog.js';
import { money } from '../payments/money.js';

/** Distinct, colour-blind-safe-ish fills; each method also has its own pattern-free label in the legend and table. */
const FILL: Record<PaymentMethod, string> = { cash: '#1e6b33', check: '#7a4b00', card: '#1f4fbf', other: '#6b3fa0' };

function hourLabel(h: number): string {
  const ampm = h < 12 ? 'a' : 'p';
  const hh = h % 12 === 0 ? 12 : h % 12;
  return `${hh}${ampm}`;
}

export function HourChart({ rows }: { rows: EodReport['collectionsByHour'] }) {
  const used = rows.filter((r) => PAYMENT_METHODS.some((m) => r[m] !== 0));
  if (used.length === 0) return <p className="pay-muted">No collections on this date.</p>;
  const first = Math.min(...used.map((r) => r.hour));
  const last = Math.max(...used.map((r) => r.hour));
  const hours = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  const max = Math.max(1, ...hours.map((h) => PAYMENT_METHODS.reduce((a, m) => a + Math.max(0, byHour.get(h)?.[m] ?? 0), 0)));
  const W = 520;
  const H = 160;
  const pad = { l: 56, b: 20, t: 8 };
  const bw = Math.min(36, (W - pad.l) / hours.length - 6);
  const y = (c: number) => ((H - pad.b - pad.t) * c) / max;
  const peak = hours.reduce((a, h) => ((byHour.get(h)?.totalCents ?? 0) > (byHour.get(a)?.totalCents ?? 0) ? h : a), hours[0]!);
  const label = `Collections by hour, ${hourLabel(first)} to ${hourLabel(last)}, stacked by method; busiest hour ${hourLabel(peak)} with ${money(byHour.get(peak)?.totalCents ?? 0)}. Table below.`;
  return (
    <figure className="eod-chart">
      <svg role="img" aria-label={label} viewBox={`0 0 ${W} ${H}`} width={W} height={H}>
        <line x1={pad.l} x2={W} y1={H - pad.b} y2={H - pad.b} stroke="#8a93a1" />
        <text x={pad.l - 6} y={pad.t + 10} textAnchor="end" fontSize="11" fill="#4a5261">
          {money(max)}
        </text>
        <text x={pad.l - 6} y={H - pad.b} textAnchor="end" fontSize="11" fill="#4a5261">
          $0
        </text>
        {hours.map((h, i) => {
          const x = pad.l + 6 + i * (bw + 6);
          let top = H - pad.b;
          const r = byHour.get(h);
          return (
            <g key={h}>
              {PAYMENT_METHODS.map((m) => {
                const v = Math.max(0, r?.[m] ?? 0);
                if (!v) return null;
                const hgt = y(v);
                top -= hgt;
                return <rect key={m} x={x} y={top} width={bw} height={hgt} fill={FILL[m]} />;
              })}
              <text x={x + bw / 2} y={H - 6} textAnchor="middle" fontSize="11" fill="#4a5261">
                {hourLabel(h)}
              </text>
            </g>
          );
        })}
      </svg>
      <Legend />
      <details>
        <summary>Collections by hour as a table</summary>
        <table className="eod-table">
          <thead>
            <tr>
              <th scope="col">Hour</th>
              {PAYMENT_METHODS.map((m) => (
                <th scope="col" key={m}>
                  {METHOD_LABELS[m]}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => {
              const r = byHour.get(h);
              return (
                <tr key={h}>
                  <th scope="row">{hourLabel(h)}</th>
                  {PAYMENT_METHODS.map((m) => (
                    <td key={m}>{money(r?.[m] ?? 0)}</td>
                  ))}
                  <td>{money(r?.totalCents ?? 0)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function Legend() {
  return (
    <figcaption className="eod-legend" aria-hidden="true">
      {PAYMENT_METHODS.map((m) => (
        <span key={m}>
          <span className="eod-swatch" style={{ background: FILL[m] }} /> {METHOD_LABELS[m]}
        </span>
      ))}
    </figcaption>
  );
}

export function MethodChart({ rows }: { rows: EodReport['byMethod'] }) {
  const max = Math.max(1, ...rows.map((r) => Math.abs(r.netCents)));
  const W = 360;
  const rowH = 24;
  const H = rows.length * rowH + 4;
  const label = `Net collections by method: ${rows.map((r) => `${METHOD_LABELS[r.method]} ${money(r.netCents)}`).join(', ')}.`;
  return (
    <figure className="eod-chart">
      <svg role="img" aria-label={label} viewBox={`0 0 ${W} ${H}`} width={W} height={H}>
        {rows.map((r, i) => {
          const w = ((W - 170) * Math.max(0, r.netCents)) / max;
          return (
            <g key={r.method}>
              <text x={0} y={i * rowH + 16} fontSize="12" fill="#1b1f24">
                {METHOD_LABELS[r.method]}
              </text>
              <rect x={60} y={i * rowH + 4} width={w} height={16} fill={FILL[r.method]} />
              <text x={66 + w} y={i * rowH + 16} fontSize="12" fill="#1b1f24">
                {money(r.netCents)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
