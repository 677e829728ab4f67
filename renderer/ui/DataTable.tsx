import type { ReactNode } from 'react';
import { Cell, Column, Row, Table, TableBody, TableHeader, type Key } from 'react-aria-components';

export interface DataColumn<T> {
  id: string;
  label: string;
  /** the cell that names the row for screen readers (one per table) */
  isRowHeader?: boolean;
  render: (row: T) => ReactNode;
  width?: string;
  className?: string;
}

export interface DataTableProps<T extends { id: string | number }> {
  label: string;
  columns: DataColumn<T>[];
  rows: readonly T[];
  /** Enter (or double-click) on a row */
  onRowAction?: (id: string, row: T) => void;
  empty?: ReactNode;
  autoFocus?: boolean;
  id?: string;
}

/**
 * A data grid (react-aria Table): Tab enters it once, arrow keys move between rows (and cells with ←/→),
 * Home/End/PageUp/PageDown jump, Enter runs onRowAction, type-ahead finds a row by its row header.
 */
export function DataTable<T extends { id: string | number }>({ label, columns, rows, onRowAction, empty, id }: DataTableProps<T>) {
  const byId = new Map<string, T>(rows.map((r) => [String(r.id), r]));
  return (
    <div className="ad-table-wrap" id={id}>
      <Table
        aria-label={label}
        className="ad-table"
        selectionMode="none"
        onRowAction={onRowAction ? (key: Key) => onRowAction(String(key), byId.get(String(key))!) : undefined}
      >
        <TableHeader>
          {columns.map((c) => (
            <Column key={c.id} id={c.id} isRowHeader={c.isRowHeader} style={c.width ? { width: c.width } : undefined}>
              {c.label}
            </Column>
          ))}
        </TableHeader>
        <TableBody renderEmptyState={() => <div className="ad-empty">{empty ?? 'Nothing to show.'}</div>}>
          {rows.map((r) => (
            <Row key={String(r.id)} id={String(r.id)}>
              {columns.map((c) => (
                <Cell key={c.id} className={c.className}>
                  {c.render(r)}
                </Cell>
              ))}
            </Row>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
