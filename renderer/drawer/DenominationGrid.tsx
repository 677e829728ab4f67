/**
 * Counting cash by denomination: one count field per configured denomination, laid out as a grid (bills | coins |
 * rolls). ↑/↓ move between denominations (react-aria Toolbar, vertical: the library does the focus movement), digits
 * type the count (the field's text is selected on arrival, so typing replaces it), Tab leaves the grid, Enter submits
 * the surrounding form. The live total uses the shared countValue() (the same function the desk uses at open/close).
 */
import { Toolbar } from 'react-aria-components';
import type { Control, FieldValues } from 'react-hook-form';
import { useWatch } from 'react-hook-form';
import { z } from 'zod';
import type { Denomination, DenominationCounts } from '../../shared/domain/drawer.js';
import { countValue } from '../../shared/drawer/expected.js';
import { FormTextField } from '../ui/form.js';
import { money } from '../payments/money.js';
import './drawer.css';

/** A typed count: digits only ('' = 0). */
export const countText = z.string().regex(/^\s*\d{0,6}\s*$/, { error: 'Count: a whole number' });
export const countsFormSchema = z.record(z.string(), countText);

export function emptyCounts(denoms: readonly Denomination[]): Record<string, string> {
  return Object.fromEntries(denoms.map((d) => [d.code, '']));
}

/** Typed counts -> the API's counts (only the non-zero ones; unparseable ones count 0 here, the schema reports them). */
export function toCounts(text: Record<string, string>): DenominationCounts {
  const out: DenominationCounts = {};
  for (const [code, t] of Object.entries(text)) {
    const n = /^\s*\d+\s*$/.test(t) ? Number(t.trim()) : 0;
    if (n > 0) out[code] = n;
  }
  return out;
}

const KIND_TITLE = { bill: 'Bills', coin: 'Coins', roll: 'Rolls' } as const;

export function DenominationGrid<T extends FieldValues>({
  control,
  name,
  denominations,
  label,
  autoFocus,
}: {
  control: Control<T, unknown, unknown>;
  /** the form path of the counts record, e.g. "counts" */
  name: string;
  denominations: readonly Denomination[];
  label: string;
  autoFocus?: boolean;
}) {
  const values = (useWatch({ control, name: name as never }) ?? {}) as Record<string, string>;
  const total = countValue(toCounts(values), denominations);
  const kinds = (['bill', 'coin', 'roll'] as const).filter((k) => denominations.some((d) => d.kind === k));
  return (
    <div
      className="dr-count"
      onFocus={(e) => {
        // arriving on a count selects it, so digits replace the old count
        const t = e.target;
        if (t instanceof HTMLInputElement) t.select();
      }}
    >
      <Toolbar orientation="vertical" aria-label={`${label}: ↑ ↓ move between denominations, digits type the count`} className="dr-grid">
        {kinds.map((k) => (
          <div className="dr-col" key={k}>
            <span className="dr-col__title" aria-hidden="true">
              {KIND_TITLE[k]}
            </span>
            {denominations
              .filter((d) => d.kind === k)
              .map((d, i) => {
                const t = values[d.code] ?? '';
                const n = /^\s*\d+\s*$/.test(t) ? Number(t.trim()) : 0;
                return (
                  <FormTextField
                    key={d.code}
                    control={control}
                    name={`${name}.${d.code}` as never}
                    label={d.label}
                    className="dr-cell"
                    inputMode="numeric"
                    placeholder="0"
                    maxLength={6}
                    autoFocus={autoFocus && k === kinds[0] && i === 0}
                    description={n > 0 ? `= ${money(n * d.valueCents)}` : ' '}
                  />
                );
              })}
          </div>
        ))}
      </Toolbar>
      <p className="dr-total" aria-live="polite" data-testid="count-total">
        <span>Counted total</span> <strong>{money(total)}</strong>
      </p>
    </div>
  );
}
