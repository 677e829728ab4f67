/**
 * Booking, rescheduling, undo/reinstate and the walk-in confirmation: the board's and the patient's appointment
 * dialogs (opened through useVisitDialogs; rendered by VisitDialogsHost).
 *
 *  - Book (Alt+V): patient (a react-aria ComboBox over patients.search; preset from the open patient / search hit),
 *    date (typed, default today) + time (typed: 9:30, 930, 2:30 PM), department / provider / type (remembered per
 *    desk), note. Enter books (from a text field), Ctrl+Enter from anywhere.
 *  - Reschedule (Alt+H on the board): new date / time, optionally another provider.
 *  - Undo (Alt+Z on the board): the undo the highlighted row's status allows (undo arrival / rooming / check-out,
 *    reinstate a cancelled or no-show appointment), with a reason.
 *  - Walk-in (Alt+W): the remembered department / provider / type with "Create walk-in" focused: Enter creates the
 *    walk-in (scheduled now; visits.walkIn arriveNow false) and opens the normal check-in for it.
 *
 * Esc on a dialog with typed input asks before discarding it (discard.tsx).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Control, FieldValues, UseFormReturn } from 'react-hook-form';
import { z } from 'zod';
import { ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { api, ApiError } from '../api/client.js';
import type { PatientHit } from '../../shared/domain/patient.js';
import { STATUS_LABELS, type Appointment, type AppointmentStatus } from '../../shared/domain/visit.js';
import { text, requiredText } from '../../shared/domain/common.js';
import { parseIsoDate, formatUsDate } from '../../shared/dates.js';
import { siteInstant, siteDateAndTime, parseTimeOfDay, formatTimeOfDay } from '../../shared/visits/time-of-day.js';
import type { UndoTransition } from '../../shared/visits/state.js';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { SelectField } from '../ui/fields.js';
import { FormDateField, FormField, FormSelectField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { useNav } from '../app/nav.js';
import { displayName, siteTimeZone, siteToday, usDate } from '../patients/format.js';
import { useBoard, useDirectory, visibleRows, refocusAfterChange } from './store.js';
import { useVisitDialogs, type RowRef } from './dialogs.js';
import { bookingDefaults, providerFor, rememberBooking, rememberWalkIn, walkInDefaults, type WalkInChoice } from './walkin.js';
import { GuardedFormDialog, differs } from './discard.js';
import { clock, ctrlEnterCapture, money as moneyOf } from './format.js';
import { printVisitLabel } from './label.js';

// ---- shared bits ----------------------------------------------------------------------------------------------------------

const timeField = z
  .string()
  .trim()
  .min(1, { error: 'Type a time: 9:30, 14:30 or 2:30 PM' })
  .refine((t) => parseTimeOfDay(t) !== null, { error: 'Type a time: 9:30, 14:30 or 2:30 PM' });
const dateField = z
  .string()
  .trim()
  .min(1, { error: 'Type a date: MM/DD/YYYY' })
  .refine((d) => parseIsoDate(d) !== null, { error: 'Type a date: MM/DD/YYYY' });

/** The checks of a typed date + time pair (book, reschedule): not in the past, and a time that exists that day. */
function refineDateTime(v: { date: string; time: string }, ctx: z.RefinementCtx): void {
  if (parseIsoDate(v.date) && v.date < siteToday()) ctx.addIssue({ code: 'custom', path: ['date'], message: 'This date is in the past' });
  if (parseIsoDate(v.date) && parseTimeOfDay(v.time)) {
    const r = siteInstant(v.date, v.time, siteTimeZone());
    if ('error' in r) ctx.addIssue({ code: 'custom', path: ['time'], message: r.error });
  }
}

/** The instant of a typed date + time at the site; a time that does not exist that day is a VALIDATION error on `time`. */
function typedInstant(v: { date: string; time: string }): string {
  const at = siteInstant(v.date, v.time, siteTimeZone());
  if ('error' in at) throw new ApiError('VALIDATION', at.error, { fields: { time: at.error } });
  return at.instant;
}

/** A start this long before now (ms) counts as "has passed": the minute the clerk is in is not the past. */
const PAST_GRACE_MS = 60_000;

/**
 * A typed time that has already passed is not booked silently: the clerk is asked "This time has passed: book
 * anyway as a back-entry?" ("Change the time" is focused; "Book as back-entry" must be chosen). `check(instant, go)`
 * runs `go` at once for a time still to come; otherwise it asks and runs `go` only on the explicit confirmation.
 * "Change the time" (or Esc) returns to the time field with the typed text kept.
 */
function usePastTimeConfirm(what: 'book' | 'move the appointment', focusTime: () => void) {
  const [asking, setAsking] = useState<{ instant: string; go: () => Promise<void> } | null>(null);
  const back = () => {
    setAsking(null);
    requestAnimationFrame(focusTime);
  };
  const check = async (instant: string, go: () => Promise<void>) => {
    if (Date.parse(instant) + PAST_GRACE_MS > Date.now()) return go();
    setAsking({ instant, go });
  };
  const dialog = asking ? (
    <Dialog isOpen onClose={back} title="This time has passed" role="alertdialog" hideClose>
      <p>
        <strong>{when(asking.instant)}</strong> has passed: {what} anyway as a back-entry?
      </p>
      <div className="ad-form-actions">
        <Button variant="primary" autoFocus shortcut="Esc" onPress={back}>
          Change the time
        </Button>
        <Button
          onPress={() => {
            const go = asking.go;
            setAsking(null);
            void go();
          }}
        >
          {what === 'book' ? 'Book as back-entry' : 'Move as back-entry'}
        </Button>
      </div>
    </Dialog>
  ) : null;
  return { check, dialog };
}

/**
 * The date + time field pair (in the caller's row); `selectOnOpen` names the field whose text is selected when the
 * dialog opens (`when`: e.g. only once the patient is known).
 */
function DateTimeFields<T extends { date: string; time: string }>({
  control,
  time,
  dateLabel,
  timeLabel,
  timePlaceholder,
  selectOnOpen,
}: {
  control: Control<T, unknown, unknown>;
  /** the time as typed (for its hint) */
  time: string;
  dateLabel: string;
  timeLabel: string;
  timePlaceholder?: string;
  selectOnOpen: { field: 'date' | 'time'; when: boolean };
}) {
  const wrap = useRef<HTMLDivElement>(null);
  useSelectOnOpen(wrap, selectOnOpen.when);
  const date = <FormDateField control={control} name={'date' as never} label={dateLabel} isRequired />;
  const timeField = <FormTextField control={control} name={'time' as never} label={timeLabel} isRequired placeholder={timePlaceholder} description={<TimeHint value={time} />} />;
  return (
    <>
      {selectOnOpen.field === 'date' ? <div ref={wrap}>{date}</div> : date}
      {selectOnOpen.field === 'time' ? <div ref={wrap}>{timeField}</div> : timeField}
    </>
  );
}

/**
 * Book / reschedule submit: one at a time (an Enter while the first is on its way does nothing); a refusal goes on
 * the fields (the API's 'start' on the time field) and in the banner, with the typed input kept.
 */
function submitOnce<V extends FieldValues>(
  busy: React.RefObject<boolean>,
  setError: (message: string | null) => void,
  form: Pick<UseFormReturn<V, unknown, unknown>, 'setError' | 'getValues'>,
  run: (v: V) => Promise<void>,
): (v: V) => Promise<void> {
  return async (v) => {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    try {
      await run(v);
    } catch (e) {
      setError(applyServerErrors(form, e, { start: 'time' }).message);
    } finally {
      busy.current = false;
    }
  };
}

/** "Tue 11/24/2026 9:30 AM" */
function when(instant: string): string {
  const { date, time } = siteDateAndTime(instant, siteTimeZone());
  const wd = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short' }).format(new Date(`${date}T12:00:00Z`));
  return `${wd} ${formatUsDate(date)} ${time}`;
}

/** Under a time field: the time it was read as ("= 3:00 PM": a bare 3 is the afternoon), else the accepted forms. */
function TimeHint({ value }: { value: string }) {
  const t = value.trim() ? parseTimeOfDay(value) : null;
  return t ? <span className="ad-desc--ok">= {formatTimeOfDay(t)}</span> : <>9:30, 930, 14:30, 2:30 PM</>;
}

function activeOptions<T extends { id: string; active: boolean }>(xs: T[], label: (x: T) => string, keep = '') {
  return xs.filter((x) => x.active || x.id === keep).map((x) => ({ value: x.id, label: label(x) }));
}

/** Selects the text of the first input inside `el` once it is focused (typing replaces a prefilled value). */
function useSelectOnOpen(ref: React.RefObject<HTMLElement | null>, ready: boolean) {
  useEffect(() => {
    if (!ready) return;
    const id = requestAnimationFrame(() => {
      const input = ref.current?.querySelector('input');
      if (input) {
        input.focus();
        input.select();
      }
    });
    return () => cancelAnimationFrame(id);
  }, [ready, ref]);
}

// ---- patient picker (react-aria ComboBox over patients.search) ----------------------------------------------------------

const SEARCH_DEBOUNCE_MS = 180;

function hitLabel(h: PatientHit): string {
  return `${displayName({ family: h.family, given: h.given, middle: h.middle, suffix: h.suffix })} · ${usDate(h.birthDate)} · MRN ${h.mrn}`;
}

export function PatientPicker({
  value,
  onChange,
  onBlur,
  errorMessage,
  initial,
  autoFocus,
}: {
  value: string;
  onChange: (id: string) => void;
  onBlur: () => void;
  errorMessage?: string;
  initial: PatientHit | null;
  autoFocus?: boolean;
}) {
  const [items, setItems] = useState<PatientHit[]>(initial ? [initial] : []);
  const [inputValue, setInputValue] = useState(initial ? hitLabel(initial) : '');
  const [status, setStatus] = useState<'idle' | 'searching' | 'done'>('idle');
  const seq = useRef(0);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const search = (q: string) => {
    window.clearTimeout(timer.current);
    const mine = ++seq.current;
    if (q.trim().length < 2) {
      setStatus('idle');
      return;
    }
    setStatus('searching');
    timer.current = window.setTimeout(() => {
      api
        .call('patients.search', { q, limit: 10 })
        .then((r) => {
          if (mine !== seq.current) return;
          setItems(r.hits);
          setStatus('done');
        })
        .catch(() => {
          if (mine === seq.current) setStatus('done');
        });
    }, SEARCH_DEBOUNCE_MS);
  };

  return (
    <ComboBox
      className="ad-field vb-picker"
      items={items}
      inputValue={inputValue}
      onInputChange={(t) => {
        setInputValue(t);
        // the text of the chosen patient is not a new search
        const chosen = items.find((h) => h.id === value);
        if (!chosen || hitLabel(chosen) !== t) search(t);
      }}
      selectedKey={value || null}
      onSelectionChange={(k) => {
        onChange(k === null ? '' : String(k));
        const h = items.find((x) => x.id === k);
        if (h) setInputValue(hitLabel(h));
      }}
      onBlur={onBlur}
      menuTrigger="input"
      allowsEmptyCollection
      isInvalid={Boolean(errorMessage)}
      isRequired
      validationBehavior="aria"
      autoFocus={autoFocus}
    >
      <Label className="ad-label">
        Patient
        <span className="ad-required" aria-hidden="true">
          *
        </span>
      </Label>
      <Input className="ad-input" placeholder="Last, first · DOB · MRN · phone" spellCheck={false} />
      <Text slot="description" className="ad-desc">
        {status === 'searching' ? 'Searching…' : 'Type a name, DOB, MRN or phone; ↓ to choose'}
      </Text>
      <FieldError className="ad-error">{errorMessage ? <><span className="ad-visually-hidden">Error: </span>{errorMessage}</> : null}</FieldError>
      <Popover className="ad-popover vb-picker-pop">
        <ListBox<PatientHit> className="ad-list" renderEmptyState={() => <div className="ad-empty">{status === 'searching' ? 'Searching…' : 'No patient found.'}</div>}>
          {(h) => (
            <ListBoxItem id={h.id} textValue={hitLabel(h)} className="ad-list-item">
              {hitLabel(h)}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}

// ---- book -----------------------------------------------------------------------------------------------------------------

const bookSchema = z
  .object({
    patientId: z.string().min(1, { error: 'Choose a patient' }),
    date: dateField,
    time: timeField,
    departmentId: z.string().min(1, { error: 'Choose a department' }),
    providerId: z.string().min(1, { error: 'Choose a provider' }),
    typeId: z.string().min(1, { error: 'Choose an appointment type' }),
    note: text(500, 'Note'),
  })
  .superRefine(refineDateTime);
type BookIn = z.input<typeof bookSchema>;

export function BookDialog({ patientId }: { patientId: string | null }) {
  const close = useVisitDialogs((s) => s.close);
  const dir = useDirectory();
  const [initial, setInitial] = useState<PatientHit | null | 'loading'>(patientId ? 'loading' : null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (!useDirectory.getState().loaded) void useDirectory.getState().load();
    if (!patientId) return;
    api
      .call('patients.get', { id: patientId })
      .then(({ patient: p }) =>
        setInitial({ id: p.id, mrn: p.mrn, family: p.name.family, given: p.name.given, middle: p.name.middle, suffix: p.name.suffix, preferredName: p.preferredName, birthDate: p.birthDate, sexAtBirth: p.sexAtBirth, phone: p.phones[0]?.number ?? '', matchedOn: [], score: 1 }),
      )
      .catch((e) => setLoadError(e instanceof ApiError ? e.message : 'The patient could not be loaded.'));
  }, [patientId]);

  const ready = dir.loaded;
  return (
    <>
      {ready && initial !== 'loading' ? (
        <BookForm initial={initial} />
      ) : (
        <Dialog isOpen onClose={close} title="Book an appointment" className="vb-book">
          {loadError ? <Banner tone="error">{loadError}</Banner> : <p role="status">Loading…</p>}
        </Dialog>
      )}
    </>
  );
}

function BookForm({ initial }: { initial: PatientHit | null }) {
  const close = useVisitDialogs((s) => s.close);
  const dir = useDirectory();
  const boardDeps = useBoard((s) => s.prefs.departmentIds);
  const defaults = useMemo<BookIn>(() => {
    const d = bookingDefaults(dir, boardDeps);
    return { patientId: initial?.id ?? '', date: siteToday(), time: '', departmentId: d.departmentId, providerId: d.providerId, typeId: d.typeId, note: '' };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const form = useZodForm(bookSchema, defaults);
  const [error, setError] = useState<string | null>(null);
  const [booked, setBooked] = useState<string | null>(null);
  const busy = useRef(false);
  const c = form.control;

  const past = usePastTimeConfirm('book', () => form.setFocus('time', { shouldSelect: true }));
  const book = submitOnce<BookIn>(busy, setError, form, async (v) => {
      const r = await api.call('visits.book', { patientId: v.patientId, departmentId: v.departmentId, providerId: v.providerId, typeId: v.typeId, start: typedInstant(v), note: v.note });
      rememberBooking({ departmentId: v.departmentId, providerId: v.providerId, typeId: v.typeId });
      const prov = dir.providers.find((p) => p.id === v.providerId)?.displayName ?? '';
      const type = dir.types.find((t) => t.id === v.typeId)?.name ?? '';
      const msg = `Booked: ${when(r.appointment.start)} · ${prov} · ${type}.`;
      if (useNav.getState().route.name === 'board') {
        const b = useBoard.getState();
        b.setMessage({ tone: 'success', text: msg });
        close();
        if (b.businessDate === v.date) {
          // highlight the new row once the board holds it (a highlight on a row not loaded yet would be replaced)
          await b.load();
          useBoard.getState().pinHighlight(r.appointment.id);
        }
      } else {
        setBooked(msg);
      }
    });
  const submit = form.handleSubmit(
    async (v) => {
      let start: string;
      try {
        start = typedInstant(v);
      } catch (e) {
        setError(applyServerErrors(form, e, { start: 'time' }).message);
        return;
      }
      await past.check(start, () => book(v));
    },
    () => setError('Some fields need attention. Nothing was booked.'),
  );

  if (booked) {
    return (
      <Dialog isOpen onClose={close} title="Appointment booked" className="vb-book" role="alertdialog">
        <Banner tone="success">{booked}</Banner>
        <div className="ad-form-actions">
          <Button variant="primary" autoFocus shortcut="Enter" onPress={close}>
            Done
          </Button>
        </div>
      </Dialog>
    );
  }

  return (
    <>
    {past.dialog}
    <GuardedFormDialog
      title="Book an appointment"
      className="vb-book"
      label="Book an appointment"
      isDirty={() => differs(form.getValues(), defaults)}
      onClose={close}
      onSubmit={submit}
      error={error}
      submitLabel="Book"
      keepLabel="Cancel"
      footerNote={<span className="ad-muted">Ctrl+Enter books from any field.</span>}
    >
      <FormField<BookIn, string>
        control={c}
        name="patientId"
        render={(f) => <PatientPicker value={f.value} onChange={f.onChange} onBlur={f.onBlur} errorMessage={f.errorMessage} initial={initial} autoFocus={!initial} />}
      />
      <div className="vb-row">
        <DateTimeFields control={c} time={form.watch('time')} dateLabel="Date" timeLabel="Time" timePlaceholder="9:30 or 2:30 PM" selectOnOpen={{ field: 'time', when: Boolean(initial) }} />
      </div>
      <div className="vb-row">
        <FormSelectField control={c} name="departmentId" label="Department" isRequired options={activeOptions(dir.departments, (d) => d.name)} />
        <FormSelectField control={c} name="providerId" label="Provider" isRequired options={activeOptions(dir.providers, (p) => p.displayName)} />
        <FormSelectField control={c} name="typeId" label="Appointment type" isRequired options={activeOptions(dir.types, (t) => `${t.name} (${t.durationMin} min)`)} />
      </div>
      <FormTextField control={c} name="note" label="Note" />
    </GuardedFormDialog>
    </>
  );
}

// ---- reschedule -----------------------------------------------------------------------------------------------------------

const rescheduleSchema = z
  .object({ date: dateField, time: timeField, providerId: z.string().min(1, { error: 'Choose a provider' }) })
  .superRefine(refineDateTime);
type RescheduleIn = z.input<typeof rescheduleSchema>;

export function RescheduleDialog({ row }: { row: RowRef & { providerId: string } }) {
  const close = useVisitDialogs((s) => s.close);
  const [before] = useState(() => visibleRows(useBoard.getState()).map((r) => r.id));
  const dir = useDirectory();
  const defaults = useMemo<RescheduleIn>(() => ({ ...siteDateAndTime(row.start, siteTimeZone()), providerId: row.providerId }), [row]);
  const form = useZodForm(rescheduleSchema, defaults);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  const past = usePastTimeConfirm('move the appointment', () => form.setFocus('time', { shouldSelect: true }));
  const move = submitOnce<RescheduleIn>(busy, setError, form, async (v) => {
      const r = await api.call('visits.reschedule', { id: row.id, start: typedInstant(v), ...(v.providerId !== row.providerId ? { providerId: v.providerId } : {}) });
      const b = useBoard.getState();
      const prov = dir.providers.find((p) => p.id === r.appointment.providerId)?.displayName ?? '';
      b.setMessage({ tone: 'success', text: `${row.patientName}: moved from ${clock(row.start)} to ${when(r.appointment.start)} · ${prov}.` });
      close();
      void refocusAfterChange(before, row.id);
    });
  const submit = form.handleSubmit(
    async (v) => {
      let start: string;
      try {
        start = typedInstant(v);
      } catch (e) {
        setError(applyServerErrors(form, e, { start: 'time' }).message);
        return;
      }
      await past.check(start, () => move(v));
    },
    () => setError('Some fields need attention. Nothing was changed.'),
  );

  return (
    <>
    {past.dialog}
    <GuardedFormDialog
      title={`Reschedule the ${clock(row.start)} appointment of ${row.patientName}`}
      className="vb-book"
      label="Reschedule"
      isDirty={() => differs(form.getValues(), defaults)}
      onClose={close}
      onSubmit={submit}
      error={error}
      submitLabel="Reschedule"
      keepLabel="Keep it"
    >
      <div className="vb-row">
        <DateTimeFields control={form.control} time={form.watch('time')} dateLabel="New date" timeLabel="New time" selectOnOpen={{ field: 'date', when: true }} />
        <FormSelectField control={form.control} name="providerId" label="Provider" isRequired options={activeOptions(dir.providers, (p) => p.displayName, row.providerId)} />
      </div>
    </GuardedFormDialog>
    </>
  );
}

// ---- undo / reinstate -----------------------------------------------------------------------------------------------------

/** The one undo a status allows (shared/visits/state.ts), with its words. */
export const UNDO_FOR: Partial<Record<AppointmentStatus, { undo: UndoTransition; title: string; button: string; done: string }>> = {
  arrived: { undo: 'undo-arrival', title: 'Undo the arrival', button: 'Undo arrival', done: 'arrival undone: scheduled again' },
  roomed: { undo: 'undo-rooming', title: 'Undo rooming', button: 'Undo rooming', done: 'rooming undone: arrived' },
  'checked-out': { undo: 'undo-check-out', title: 'Undo the check-out', button: 'Undo check-out', done: 'check-out undone' },
  cancelled: { undo: 'reinstate', title: 'Reinstate', button: 'Reinstate', done: 'reinstated: scheduled again' },
  'no-show': { undo: 'reinstate', title: 'Reinstate', button: 'Reinstate', done: 'reinstated: scheduled again' },
};

const undoSchema = z.object({ reason: requiredText(500, 'Reason') });

export function UndoDialog({ row }: { row: RowRef & { status: AppointmentStatus } }) {
  const close = useVisitDialogs((s) => s.close);
  const u = UNDO_FOR[row.status]!;
  const [before] = useState(() => visibleRows(useBoard.getState()).map((r) => r.id));
  const form = useZodForm(undoSchema, { reason: '' });
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const submit = form.handleSubmit(
    async (v) => {
      if (busy.current) return;
      busy.current = true;
      try {
        await api.call('visits.undo', { id: row.id, undo: u.undo, reason: v.reason });
        useBoard.getState().setMessage({ tone: 'success', text: `${row.patientName} (${clock(row.start)}): ${u.done}.` });
        close();
        void refocusAfterChange(before, row.id);
      } catch (e) {
        setError(applyServerErrors(form, e).message);
      } finally {
        busy.current = false;
      }
    },
    () => setError('Say why. Nothing was changed.'),
  );
  return (
    <GuardedFormDialog
      title={`${u.title}: ${clock(row.start)} appointment of ${row.patientName}`}
      label={u.title}
      isDirty={() => form.getValues().reason.trim() !== ''}
      onClose={close}
      onSubmit={submit}
      error={error}
      submitLabel={u.button}
      keepLabel="Keep as is"
    >
      <FormTextField control={form.control} name="reason" label="Reason" isRequired autoFocus description="Kept in the audit log and synced with the change" />
    </GuardedFormDialog>
  );
}

// ---- walk-in: created on Enter, then the normal check-in ---------------------------------------------------------------------

export function WalkInDialog({ patientId }: { patientId: string }) {
  const close = useVisitDialogs((s) => s.close);
  const open = useVisitDialogs((s) => s.open);
  const dir = useDirectory();
  const [name, setName] = useState<string | null>(null);
  const [choice, setChoice] = useState<WalkInChoice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        if (!useDirectory.getState().loaded) await useDirectory.getState().load();
        const c = walkInDefaults(useDirectory.getState());
        const { patient } = await api.call('patients.get', { id: patientId });
        if (!live) return;
        if (!c.typeId || !c.departmentId || !c.providerId) {
          setError('Walk-ins need at least one active department, provider and appointment type: an administrator sets them up (Alt+C).');
        }
        setChoice(c);
        setName(`${displayName(patient.name)} · ${usDate(patient.birthDate)}`);
      } catch (e) {
        if (live) setError(e instanceof ApiError ? e.message : 'The walk-in could not be prepared.');
      }
    })();
    return () => {
      live = false;
    };
  }, [patientId]);

  const create = async () => {
    if (busy.current || !choice) return;
    busy.current = true;
    try {
      const r = await api.call('visits.walkIn', { patientId, ...choice, note: '', arriveNow: false });
      rememberWalkIn(choice);
      open({ kind: 'checkin', appointmentId: r.appointment.id });
      if (useNav.getState().route.name === 'board') {
        await useBoard.getState().load();
        useBoard.getState().pinHighlight(r.appointment.id);
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The walk-in was not created. Try again.');
    } finally {
      busy.current = false;
    }
  };

  return (
    <Dialog isOpen onClose={close} title={name ? `Walk-in: ${name}` : 'Walk-in'} className="vb-walkin">
      {error && <Banner tone="error">{error}</Banner>}
      {!choice && !error && <p role="status">Loading…</p>}
      {choice && (
        <div onKeyDownCapture={ctrlEnterCapture(() => void create())}>
          <p className="ad-muted">Starts now. Enter creates the walk-in, then the check-in opens.</p>
          <div className="vb-row">
            <SelectField
              label="Department"
              value={choice.departmentId}
              options={activeOptions(dir.departments, (d) => d.name)}
              // the provider follows the department (the one chosen stays when they work there too)
              onChange={(id) => setChoice({ ...choice, departmentId: id, providerId: providerFor(dir.providers.filter((p) => p.active), id, choice.providerId)?.id ?? '' })}
            />
            <SelectField label="Provider" value={choice.providerId} options={activeOptions(dir.providers, (p) => p.displayName)} onChange={(id) => setChoice({ ...choice, providerId: id })} />
            <SelectField label="Visit type" value={choice.typeId} options={activeOptions(dir.types, (t) => t.name)} onChange={(id) => setChoice({ ...choice, typeId: id })} />
          </div>
          <div className="ad-form-actions">
            <Button variant="primary" autoFocus shortcut="Enter" onPress={() => void create()}>
              Create walk-in
            </Button>
            <Button variant="quiet" shortcut="Esc" onPress={close}>
              Cancel
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

// ---- details of a visit that is under way or done (Enter on an arrived / roomed / checked-out / cancelled row) -----------

const COPAY_WORDS: Record<string, string> = {
  'no-copay': 'no copay for this visit',
  'patient-declined': 'patient declined / cannot pay now',
  'will-bill': 'bill the patient later',
  hardship: 'financial hardship',
  other: 'other',
};

export function VisitDetailsDialog({ appointmentId }: { appointmentId: string }) {
  const close = useVisitDialogs((s) => s.close);
  const dir = useDirectory();
  const [data, setData] = useState<{ a: Appointment; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const g = await api.call('visits.get', { id: appointmentId });
        const name = g.appointment.patientId ? displayName((await api.call('patients.get', { id: g.appointment.patientId })).patient.name) : `${g.appointment.pendingPatient?.family ?? ''}, ${g.appointment.pendingPatient?.given ?? ''}`;
        if (live) setData({ a: g.appointment, name });
      } catch (e) {
        if (live) setError(e instanceof ApiError ? e.message : 'The visit could not be loaded.');
      }
    })();
    return () => {
      live = false;
    };
  }, [appointmentId]);

  const a = data?.a;
  const ci = a?.checkIn ?? null;
  const wait = a?.arrivedAt ? Math.round(((a.roomedAt ? Date.parse(a.roomedAt) : Date.now()) - Date.parse(a.arrivedAt)) / 60_000) : null;
  const prov = a ? (dir.providers.find((p) => p.id === a.providerId)?.displayName ?? '') : '';
  const dep = a ? (dir.departments.find((d) => d.id === a.departmentId)?.name ?? '') : '';
  const type = a ? (dir.types.find((t) => t.id === a.typeId)?.name ?? '') : '';
  const print = () => {
    if (!a?.patientId) return;
    close();
    printVisitLabel(a.patientId, { start: a.start, providerName: prov, departmentName: dep });
  };
  const rows: [string, React.ReactNode][] = a
    ? [
        ['Appointment', `${when(a.start)} · ${a.durationMin} min · ${type}${a.walkIn ? ' · walk-in' : ''}`],
        ['Where', `${dep} · ${prov}`],
        ['Status', `${STATUS_LABELS[a.status]}${a.lastStatus ? ` (${clock(a.lastStatus.at)} by ${a.lastStatus.byUserName}${a.lastStatus.deskLabel ? ` at ${a.lastStatus.deskLabel}` : ''})` : ''}`],
        ['Arrived', a.arrivedAt ? clock(a.arrivedAt) : '—'],
        ['Roomed', a.roomedAt ? clock(a.roomedAt) : '—'],
        ['Checked out', a.checkedOutAt ? clock(a.checkedOutAt) : '—'],
        ['Waited', wait === null ? '—' : `${wait} min${a.roomedAt ? '' : ' so far'}`],
        ...(a.cancelReason ? ([['Cancelled', `${a.cancelReason.code}${a.cancelReason.note ? `: ${a.cancelReason.note}` : ''}`]] as [string, React.ReactNode][]) : []),
        ...(ci
          ? ([
              ['Checked in by', `${ci.byUserName}${ci.deskLabel ? ` at ${ci.deskLabel}` : ''}, ${clock(ci.at)}`],
              [
                'Identity',
                ci.identity.verified ? (
                  [ci.identity.dobReadBack && 'DOB read back', ci.identity.photoIdSeen && 'photo ID seen'].filter(Boolean).join(', ')
                ) : (
                  <span className="ad-tag ad-tag--danger">Not verified: {ci.identity.notVerifiedReason}</span>
                ),
              ],
              ['Address', ci.addressConfirmed ? 'confirmed with the patient' : 'not confirmed at this check-in'],
              ['Coverage verified', ci.coverageVerifiedRanks.length ? ci.coverageVerifiedRanks.map((r) => ['', 'primary', 'secondary', 'tertiary'][r]).join(', ') : '—'],
              ['Consents signed', ci.consentsCaptured.length ? ci.consentsCaptured.map((k) => `${k.type} v${k.version} (${k.signer})`).join('; ') : '—'],
              [
                'Copay',
                ci.copay.dueCents === 0
                  ? 'none due'
                  : ci.copay.decision === 'collect'
                    ? `${moneyOf(ci.copay.dueCents)}: ${a.paymentIds.length ? `collected (payment ${a.paymentIds.join(', ')})` : 'to collect at the drawer'}`
                    : `${moneyOf(ci.copay.dueCents)} not collected: ${COPAY_WORDS[ci.copay.reason] ?? ci.copay.reason}${ci.copay.note ? ` (${ci.copay.note})` : ''}`,
              ],
            ] as [string, React.ReactNode][])
          : a.arrivedAt
            ? ([['Check-in record', 'none (arrived without the check-in screen)']] as [string, React.ReactNode][])
            : []),
      ]
    : [];

  return (
    <Dialog isOpen onClose={close} title={data ? `Visit: ${data.name}` : 'Visit'} className="vb-book">
      {error && <Banner tone="error">{error}</Banner>}
      {!data && !error && <p role="status">Loading…</p>}
      {a && (
        <div
          onKeyDownCapture={(e) => {
            if (e.altKey && !e.ctrlKey && e.code === 'KeyP') {
              e.preventDefault();
              e.stopPropagation();
              print();
            }
          }}
        >
          <dl className="vb-dl vb-details" data-testid="visit-details">
            {rows.map(([k, v]) => (
              <div key={k} className="vb-dl-group">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          <div className="ad-form-actions">
            <Button variant="primary" autoFocus shortcut="Enter" onPress={close}>
              Close
            </Button>
            {a.patientId && (
              <Button shortcut="Alt+P" onPress={print}>
                Print visit label
              </Button>
            )}
          </div>
        </div>
      )}
    </Dialog>
  );
}
