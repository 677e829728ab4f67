/**
 * Today's board: every appointment of the site's business date for the chosen departments/providers (remembered per
 * desk), sorted by time, status or wait; status chips and flags; live ('visits.changed' from this desk or another
 * one via sync) without moving the highlighted row; type-to-filter (name, MRN, DOB).
 *
 * The list is a react-aria Table inside a Virtualizer (TableLayout): only the visible rows are in the DOM, so a
 * 2,000-appointment day scrolls like a 20-row one. The focused row is the highlighted row the Alt+ actions act on (kept
 * by id in the store, marked when the focus is in the filter box); Enter (row action) opens the check-in. After an
 * action changed a row (cancel, no-show, reschedule, undo) the focus stays on it, or on its neighbour when it left the
 * list; a row a dialog made (a booking, a walk-in) takes the focus; either way scrolled into view (focusRowInView).
 *
 * Keys: typing anywhere on the list goes to the filter box; ↓ from the box goes back to the list; Enter check in;
 * Alt+W walk-in for the row's patient; Alt+V book (patient chosen in the dialog); Alt+H reschedule; Alt+Z undo the
 * last step / reinstate (with a reason); Alt+O no-show; Alt+X cancel (reason); Alt+M roomed; Alt+E checked out;
 * Alt+P print a label; Alt+G change the sort; Alt+F the filter box.
 */
import { useEffect, useMemo, useRef, type FocusEvent, type KeyboardEvent } from 'react';
import {
  Button as AriaButton,
  Cell,
  Column,
  ListBox,
  ListBoxItem,
  Popover,
  Row,
  Select,
  SelectValue,
  Table,
  TableBody,
  TableHeader,
  TableLayout,
  Label,
  Virtualizer,
  type Key,
} from 'react-aria-components';
import { api, ApiError } from '../api/client.js';
import type { BoardRow } from '../../shared/api/visits.js';
import { PageHeader } from '../ui/PageHeader.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { KeyHint } from '../ui/KeyHint.js';
import { SelectField } from '../ui/fields.js';
import { useScreenKeys } from '../patients/keys.js';
import { usDate } from '../patients/format.js';
import { formatUsDate } from '../../shared/dates.js';
import { printVisitLabel } from './label.js';
import { useBoard, useDirectory, visibleRows, defaultHighlight, loadPrefs, SORT_LABELS, type BoardSort } from './store.js';
import { useVisitDialogs } from './dialogs.js';
import { startBooking } from './walkin-command.js';
import { UNDO_FOR } from './BookDialog.js';
import { clock, minutes, money, statusLabel } from './format.js';
import './visits.css';

export const BOARD_FILTER_ID = 'board-filter-input';
const SORTS: BoardSort[] = ['time', 'status', 'wait'];
const RELOAD_DEBOUNCE_MS = 150;
/** the Virtualizer's TableLayout sizes (layoutOptions below): a row's place in the scroll area is known without the DOM */
const ROW_HEIGHT = 30;
const HEADING_HEIGHT = 30;

function Flags({ r }: { r: BoardRow }) {
  const f = r.flags;
  return (
    <span className="vb-flags">
      {r.walkIn && <span className="ad-tag">Walk-in</span>}
      {r.pendingPatient && <span className="ad-tag vb-tag-warn">Patient not matched</span>}
      {f.identityNotVerified && <span className="ad-tag ad-tag--danger">ID not verified</span>}
      {f.consentMissing && <span className="ad-tag vb-tag-warn">Consent due</span>}
      {f.coverageStale && <span className="ad-tag vb-tag-warn">Coverage stale</span>}
      {f.authorizationRequired && <span className="ad-tag">Auth required</span>}
      {f.copay === 'due' && <span className="ad-tag vb-tag-warn">Copay {money(f.copayDueCents)} due</span>}
      {f.copay === 'collect' && <span className="ad-tag vb-tag-warn">Copay {money(f.copayDueCents)}: drawer</span>}
      {f.copay === 'collected' && <span className="ad-tag ad-tag--ok">Copay collected</span>}
      {f.copay === 'not-collected' && <span className="ad-tag">Copay not collected</span>}
      {f.syncConflict && (
        <span className="ad-tag ad-tag--danger" title={f.syncConflict}>
          Sync: refused
        </span>
      )}
    </span>
  );
}

function StatusChip({ r }: { r: BoardRow }) {
  return <span className={`vb-status vb-status--${r.status}`}>{statusLabel(r.status)}</span>;
}

function MultiSelect({ label, all, options, value, onChange }: { label: string; all: string; options: { id: string; name: string }[]; value: string[]; onChange: (ids: string[]) => void }) {
  return (
    <Select
      className="ad-field vb-multi"
      selectionMode="multiple"
      value={value}
      onChange={(keys: Key[] | Key | null) => onChange(Array.isArray(keys) ? keys.map(String) : [])}
      placeholder={all}
    >
      <Label className="ad-label">{label}</Label>
      <AriaButton className="ad-select-button">
        <SelectValue />
        <span className="ad-chevron" aria-hidden="true">
          ▾
        </span>
      </AriaButton>
      <Popover className="ad-popover">
        <ListBox className="ad-list" items={options}>
          {(o) => (
            <ListBoxItem id={o.id} textValue={o.name} className="ad-list-item">
              {o.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

/** A key that types into the board's filter: one printable character without Ctrl/Alt/Meta, not Space (Space acts on
 *  the list). */
function isFilterChar(e: { key: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean }, composing: boolean): boolean {
  return !composing && !e.ctrlKey && !e.altKey && !e.metaKey && e.key.length === 1 && e.key !== ' ';
}

export function BoardScreen() {
  const rows = useBoard((s) => s.rows);
  const status = useBoard((s) => s.status);
  const error = useBoard((s) => s.error);
  const prefs = useBoard((s) => s.prefs);
  const query = useBoard((s) => s.query);
  const highlightedId = useBoard((s) => s.highlightedId);
  const message = useBoard((s) => s.message);
  const businessDate = useBoard((s) => s.businessDate);
  const dir = useDirectory();
  const gridWrap = useRef<HTMLDivElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const openDialog = useVisitDialogs((s) => s.open);
  const dialogOpen = useVisitDialogs((s) => s.dialog !== null);

  // first load, live reloads
  useEffect(() => {
    const b = useBoard.getState();
    useBoard.setState({ prefs: loadPrefs() });
    void b.load();
    void useDirectory.getState().load();
    let t: number | undefined;
    const reload = () => {
      window.clearTimeout(t);
      t = window.setTimeout(() => void useBoard.getState().load(), RELOAD_DEBOUNCE_MS);
    };
    const off1 = api.on('visits.changed', (p) => {
      const day = useBoard.getState().businessDate;
      if (p.ids.length === 0 || !day || p.businessDates.includes(day)) reload();
    });
    const off2 = api.on('visits.directoryChanged', () => {
      void useDirectory.getState().load();
      reload();
    });
    const off3 = api.on('patients.changed', reload);
    // wait minutes tick on
    const tick = window.setInterval(reload, 60_000);
    return () => {
      off1();
      off2();
      off3();
      window.clearTimeout(t);
      window.clearInterval(tick);
    };
  }, []);

  const visible = useMemo(() => visibleRows({ rows, prefs, query }), [rows, prefs, query]);
  const visibleRef = useRef(visible);
  visibleRef.current = visible;
  const highlighted = visible.find((r) => r.id === highlightedId) ?? null;

  // keep a highlight on a visible row (never jump while the highlighted row is still shown)
  useEffect(() => {
    if (status !== 'done') return;
    if (!highlighted) useBoard.getState().setHighlighted(query.trim() ? (visible[0]?.id ?? null) : defaultHighlight(visible));
  }, [visible, highlighted, status, query]);

  // focus the list when the board opens (and after a dialog closes); not when the clerk is already typing a filter
  const focusedOnce = useRef(false);
  useEffect(() => {
    if (status === 'done' && !focusedOnce.current && highlightedId) {
      focusedOnce.current = true;
      if (document.activeElement !== filterRef.current) focusGrid();
    }
  }, [status, highlightedId]);

  // type-to-filter: a letter typed on the list, or before the list has the focus, goes on in the filter box
  const typeIntoFilter = (ch: string) => {
    useBoard.getState().setQuery(useBoard.getState().query + ch);
    filterRef.current?.focus();
  };

  // typed before the list has the focus (the board is still loading, or the focus fell to the page): the keys go to
  // the filter, so a clerk who presses Alt+B and types a name at once loses no letter
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented || !isFilterChar(e, e.isComposing)) return;
      if (document.activeElement && document.activeElement !== document.body) return;
      e.preventDefault();
      typeIntoFilter(e.key);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (!dialogOpen && focusedOnce.current && !(document.activeElement instanceof HTMLInputElement)) focusGrid();
  }, [dialogOpen]);

  // a dialog moved the highlight (a new booking, a walk-in): the list's focus follows it
  useEffect(() => {
    const g = grid();
    const active = document.activeElement;
    // (the focus on the page itself: a closing dialog's focus had nowhere to go back to)
    if (!g || !highlighted || !(active instanceof HTMLElement) || !(g.contains(active) || active === document.body)) return;
    if (active.closest('[role="row"]')?.getAttribute('data-key') !== highlighted.id) focusGrid();
  }, [highlighted]);
  // The rows changed (a reload, a new sort) while the list has the focus: the Virtualizer keeps the focused element
  // in place and may now show another appointment in it (the highlighted one moved away, e.g. a cancelled row in the
  // sort by status). The focus goes back to the highlighted row, wherever it is now, and the list scrolls to it.
  const hlIndex = useRef(-1);
  useEffect(() => {
    const hl = useBoard.getState().highlightedId;
    const at = hl ? visible.findIndex((r) => r.id === hl) : -1;
    const moved = at !== hlIndex.current;
    hlIndex.current = at;
    const id = requestAnimationFrame(() => {
      const g = grid();
      const active = document.activeElement;
      if (!g || !hl || at < 0 || !(active instanceof HTMLElement) || !g.contains(active)) return;
      const row = active.closest('[role="row"]');
      if (row && (row.getAttribute('data-key') !== hl || moved)) focusRowInView(0);
    });
    return () => cancelAnimationFrame(id);
  }, [visible]);

  function grid(): HTMLElement | null {
    return gridWrap.current?.querySelector<HTMLElement>('[role="grid"]') ?? null;
  }
  /**
   * Focuses the highlighted row, scrolled into view first: the Virtualizer renders only the rows in view, so a row
   * below or above them (a new booking, the row after a cancel) has no element until the list scrolls to it, and
   * focusing the grid instead would land on whatever row react-aria last knew (possibly one out of view).
   */
  function focusGrid() {
    requestAnimationFrame(() => focusRowInView(0));
  }
  function focusRowInView(attempt: number) {
    const g = grid();
    if (!g) return;
    const id = useBoard.getState().highlightedId;
    const at = id ? visibleRef.current.findIndex((r) => r.id === id) : -1;
    if (!id || at < 0) return g.focus();
    const top = HEADING_HEIGHT + at * ROW_HEIGHT;
    const bottom = top + ROW_HEIGHT;
    // the sticky heading covers the first HEADING_HEIGHT pixels of the scroll area's view
    if (top < g.scrollTop + HEADING_HEIGHT) g.scrollTop = top - HEADING_HEIGHT;
    else if (bottom > g.scrollTop + g.clientHeight) g.scrollTop = bottom - g.clientHeight;
    const row = g.querySelector<HTMLElement>(`[role="row"][data-key="${CSS.escape(id)}"]`);
    const placed = row && Math.abs(row.getBoundingClientRect().top - (g.getBoundingClientRect().top + g.clientTop + top - g.scrollTop)) < 2;
    // the Virtualizer renders the scrolled-to rows on its next frame: try again (a few frames at most)
    if (!placed && attempt < 10) return void requestAnimationFrame(() => focusRowInView(attempt + 1));
    (row ?? g).focus({ preventScroll: true });
  }

  const act = (fn: (r: BoardRow) => void) => () => {
    const r = highlighted;
    if (!r) return useBoard.getState().setMessage({ tone: 'info', text: 'No appointment highlighted.' });
    fn(r);
  };

  const simple = (method: 'visits.room' | 'visits.checkOut', done: string) =>
    act(async (r) => {
      try {
        const res = await api.call(method, { id: r.id });
        const at = method === 'visits.room' ? res.appointment.roomedAt : res.appointment.checkedOutAt;
        useBoard.getState().setMessage({ tone: 'success', text: `${r.patientName}: ${done} at ${clock(at)}.` });
      } catch (e) {
        useBoard.getState().setMessage({ tone: 'error', text: e instanceof ApiError ? e.message : 'Not saved. Try again.' });
      }
    });

  const checkIn = act((r) => {
    if (r.flags.copay === 'collect' && r.patientId) {
      return openDialog({ kind: 'copay', patientId: r.patientId, appointmentId: r.id, amountDueCents: r.flags.copayDueCents, patientLabel: r.patientName });
    }
    if (r.status === 'scheduled') {
      if (r.pendingPatient) return useBoard.getState().setMessage({ tone: 'info', text: `${r.patientName} came from the schedule feed without a matched patient: link the patient first.` });
      return openDialog({ kind: 'checkin', appointmentId: r.id });
    }
    // under way or done: the visit's details (time stamps, the check-in record, the copay)
    openDialog({ kind: 'details', appointmentId: r.id });
  });
  const noShow = act((r) => openDialog({ kind: 'noshow', row: { id: r.id, patientName: r.patientName, start: r.start } }));
  const cancel = act((r) => openDialog({ kind: 'cancel', row: { id: r.id, patientName: r.patientName, start: r.start } }));
  const walkIn = act((r) => {
    if (!r.patientId) return useBoard.getState().setMessage({ tone: 'info', text: 'This appointment has no matched patient.' });
    openDialog({ kind: 'walkin', patientId: r.patientId });
  });
  const reschedule = act((r) => {
    if (r.status !== 'scheduled') return useBoard.getState().setMessage({ tone: 'info', text: `${r.patientName}: only a scheduled appointment can be rescheduled (this one is ${statusLabel(r.status).toLowerCase()}).` });
    openDialog({ kind: 'reschedule', row: { id: r.id, patientName: r.patientName, start: r.start, providerId: r.providerId } });
  });
  const undo = act((r) => {
    if (!UNDO_FOR[r.status]) return useBoard.getState().setMessage({ tone: 'info', text: `${r.patientName}: nothing to undo (the appointment is scheduled).` });
    openDialog({ kind: 'undo', row: { id: r.id, patientName: r.patientName, start: r.start, status: r.status } });
  });
  const room = simple('visits.room', 'roomed');
  const checkOut = simple('visits.checkOut', 'checked out');
  const printLabel = act((r) => {
    if (!r.patientId) return useBoard.getState().setMessage({ tone: 'info', text: 'This appointment has no matched patient.' });
    printVisitLabel(r.patientId, r);
  });
  const nextSort = () => useBoard.getState().setPrefs({ sort: SORTS[(SORTS.indexOf(prefs.sort) + 1) % SORTS.length]! });
  const focusFilter = () => {
    filterRef.current?.focus();
    filterRef.current?.select();
  };

  useScreenKeys({
    'Alt+H': reschedule,
    'Alt+Z': undo,
    'Alt+O': noShow,
    'Alt+X': cancel,
    'Alt+M': room,
    'Alt+E': checkOut,
    'Alt+P': printLabel,
    'Alt+G': nextSort,
    'Alt+F': focusFilter,
  });

  const onGridKeyDownCapture = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.nativeEvent.isComposing) return;
    if (isFilterChar(e, false)) {
      e.preventDefault();
      e.stopPropagation();
      typeIntoFilter(e.key);
    } else if (e.key === 'Backspace' && query) {
      e.preventDefault();
      e.stopPropagation();
      useBoard.getState().setQuery(query.slice(0, -1));
      filterRef.current?.focus();
    }
  };

  // the focused row is the highlighted one (no selection state: react-aria would announce every move as "selected")
  const onGridFocus = (e: FocusEvent<HTMLDivElement>) => {
    const key = (e.target as HTMLElement).closest('[role="row"]')?.getAttribute('data-key');
    if (!key) return;
    const st = useBoard.getState();
    // a row a dialog just made is pinned: a focus restored to the old row moves on to the pinned one
    if (st.pinned) {
      if (key === st.pinned.id || Date.now() > st.pinned.until || !visible.some((r) => r.id === st.pinned!.id)) useBoard.setState({ pinned: null });
      else return focusGrid();
    }
    if (key !== st.highlightedId) st.setHighlighted(key);
  };

  const onFilterKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      focusGrid();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      checkIn();
    } else if (e.key === 'Escape' && query) {
      e.preventDefault();
      useBoard.getState().setQuery('');
    }
  };

  const counts = useMemo(() => {
    const c = { total: rows.length, scheduled: 0, waiting: 0, roomed: 0, done: 0 };
    for (const r of rows) {
      if (r.status === 'scheduled') c.scheduled++;
      else if (r.status === 'arrived') c.waiting++;
      else if (r.status === 'roomed') c.roomed++;
      else if (r.status === 'checked-out') c.done++;
    }
    return c;
  }, [rows]);

  const depOptions = dir.departments.filter((d) => d.active || prefs.departmentIds.includes(d.id)).map((d) => ({ id: d.id, name: d.name }));
  const provOptions = dir.providers
    .filter((p) => p.active || prefs.providerIds.includes(p.id))
    .filter((p) => prefs.departmentIds.length === 0 || p.departmentIds.length === 0 || p.departmentIds.some((d) => prefs.departmentIds.includes(d)))
    .map((p) => ({ id: p.id, name: p.displayName }));

  return (
    <div className="ad-page vb-board">
      <PageHeader
        title="Today’s board"
        subtitle={
          businessDate ? (
            <span data-testid="board-summary">
              {formatUsDate(businessDate)} · {counts.total} appointments · {counts.scheduled} to come · <strong>{counts.waiting} waiting</strong> · {counts.roomed} roomed · {counts.done} done
            </span>
          ) : undefined
        }
      />
      <div className="vb-toolbar">
        <div className="ad-field vb-filter">
          <label className="ad-label" htmlFor={BOARD_FILTER_ID}>
            Filter <KeyHint keys="Alt+F" />
          </label>
          <input
            id={BOARD_FILTER_ID}
            ref={filterRef}
            className="ad-input"
            type="search"
            autoComplete="off"
            spellCheck={false}
            placeholder="Name, MRN or date of birth"
            value={query}
            onChange={(e) => useBoard.getState().setQuery(e.target.value)}
            onKeyDown={onFilterKeyDown}
            aria-describedby="board-filter-help"
          />
        </div>
        <MultiSelect label="Departments" all="All departments" options={depOptions} value={prefs.departmentIds} onChange={(ids) => useBoard.getState().setPrefs({ departmentIds: ids })} />
        <MultiSelect label="Providers" all="All providers" options={provOptions} value={prefs.providerIds} onChange={(ids) => useBoard.getState().setPrefs({ providerIds: ids })} />
        <SelectField label="Sort (Alt+G)" value={prefs.sort} options={SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))} onChange={(s) => useBoard.getState().setPrefs({ sort: s })} />
        <span id="board-filter-help" className="ad-muted vb-toolbar-help">
          Type on the list to filter · <KeyHint keys="↓" /> back to the list
        </span>
      </div>

      {error && <Banner tone="error">{error}</Banner>}
      <div className="vb-message" role="status" aria-live="polite" data-testid="board-message">
        {message && <Banner tone={message.tone}>{message.text}</Banner>}
      </div>

      <div className="vb-grid-wrap" ref={gridWrap} onKeyDownCapture={onGridKeyDownCapture} onFocus={onGridFocus}>
        <Virtualizer layout={TableLayout} layoutOptions={{ rowHeight: ROW_HEIGHT, headingHeight: HEADING_HEIGHT }}>
          <Table
            aria-label="Appointments of the day"
            aria-describedby="board-keys"
            className="vb-table"
            selectionMode="none"
            onRowAction={(key: Key) => {
              useBoard.getState().setHighlighted(String(key));
              checkIn();
            }}
          >
            <TableHeader>
              <Column id="time" width={78}>
                Time
              </Column>
              <Column id="patient" isRowHeader width="2fr">
                Patient
              </Column>
              <Column id="dob" width={96}>
                DOB
              </Column>
              <Column id="mrn" width={90}>
                MRN
              </Column>
              <Column id="where" width="1.6fr">
                Department · provider
              </Column>
              <Column id="type" width="1fr">
                Type
              </Column>
              <Column id="status" width={104}>
                Status
              </Column>
              <Column id="wait" width={80}>
                Wait
              </Column>
              <Column id="flags" width="2.4fr">
                Flags
              </Column>
            </TableHeader>
            <TableBody
              items={visible}
              // the rows' highlight class depends on this (react-aria caches rendered rows by item otherwise)
              dependencies={[highlightedId]}
              renderEmptyState={() => <div className="ad-empty">{status === 'done' ? (query ? 'No appointment matches the filter.' : 'No appointments on this day.') : 'Loading…'}</div>}
            >
              {(r) => (
                <Row id={r.id} className={`react-aria-Row vb-row-${r.status}${r.id === highlightedId ? ' vb-hl' : ''}`} textValue={r.patientName}>
                  <Cell className="react-aria-Cell vb-time">{clock(r.start)}</Cell>
                  <Cell>
                    <span className="vb-name">{r.patientName}</span>
                  </Cell>
                  <Cell>{usDate(r.birthDate)}</Cell>
                  <Cell>
                    <span className="ad-mono">{r.mrn}</span>
                  </Cell>
                  <Cell>
                    <span className="vb-ellipsis">
                      {r.departmentCode} · {r.providerName}
                    </span>
                  </Cell>
                  <Cell>
                    <span className="vb-ellipsis">{r.typeName}</span>
                  </Cell>
                  <Cell>
                    <StatusChip r={r} />
                  </Cell>
                  <Cell>{r.status === 'arrived' || r.status === 'roomed' ? minutes(r.waitMinutes) : ''}</Cell>
                  <Cell>
                    <Flags r={r} />
                  </Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </Virtualizer>
      </div>

      <div className="vb-actions" id="board-keys" aria-label="Actions on the highlighted appointment" role="group">
        <Button size="small" variant="primary" shortcut="Enter" onPress={checkIn}>
          Check in
        </Button>
        <Button size="small" shortcut="Alt+W" onPress={walkIn}>
          Walk-in
        </Button>
        <Button size="small" shortcut="Alt+V" onPress={startBooking}>
          Book…
        </Button>
        <Button size="small" shortcut="Alt+H" onPress={reschedule}>
          Reschedule…
        </Button>
        <Button size="small" shortcut="Alt+O" onPress={noShow}>
          No-show
        </Button>
        <Button size="small" shortcut="Alt+X" onPress={cancel}>
          Cancel…
        </Button>
        <Button size="small" shortcut="Alt+M" onPress={room}>
          Roomed
        </Button>
        <Button size="small" shortcut="Alt+E" onPress={checkOut}>
          Checked out
        </Button>
        <Button size="small" shortcut="Alt+P" onPress={printLabel}>
          Print label
        </Button>
        <Button size="small" shortcut="Alt+Z" onPress={undo}>
          Undo / reinstate…
        </Button>
        <span className="ad-muted">
          {visible.length === rows.length ? `${rows.length} shown` : `${visible.length} of ${rows.length} shown`} · {SORT_LABELS[prefs.sort]}
        </span>
      </div>
    </div>
  );
}
