/**
 * The board's small dialogs (cancel with a reason, no-show confirmation) and the host that renders whichever visits
 * dialog is open (mounted once in the main layout, like the print preview).
 */
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import { CANCEL_REASONS, cancelReasonSchema, type CancelReason } from '../../shared/domain/visit.js';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { FormSelectField, FormTextField, applyServerErrors, useZodForm } from '../ui/form.js';
import { useVisitDialogs, reopenDialogAfterUnlock, type RowRef } from './dialogs.js';
import { useBoard, visibleRows, refocusAfterChange } from './store.js';
import { CheckInDialog } from './CheckInDialog.js';
import { BookDialog, RescheduleDialog, UndoDialog, VisitDetailsDialog, WalkInDialog } from './BookDialog.js';
import { GuardedFormDialog, differs } from './discard.js';
import { CollectPaymentDialog } from '../payments/CollectPaymentDialog.js';
import { focusAfterClose } from '../payments/focus.js';
import type { Payment } from '../../shared/domain/payment.js';
import { clock } from './format.js';
import './visits.css';

export const CANCEL_REASON_LABELS: Record<CancelReason['code'], string> = {
  'patient-request': 'Patient asked to cancel',
  'provider-unavailable': 'Provider unavailable',
  rescheduled: 'Rescheduled',
  weather: 'Weather / closure',
  insurance: 'Insurance problem',
  duplicate: 'Booked twice',
  feed: 'Cancelled in the scheduling system',
  other: 'Other (say why)',
};

export function VisitDialogsHost() {
  const d = useVisitDialogs((s) => s.dialog);
  // mounted again after an unlock: a check-in with typed input comes back
  useEffect(() => reopenDialogAfterUnlock(), []);
  if (!d) return null;
  switch (d.kind) {
    case 'checkin':
      return <CheckInDialog key={d.appointmentId} appointmentId={d.appointmentId} />;
    case 'walkin':
      return <WalkInDialog key={d.patientId} patientId={d.patientId} />;
    case 'book':
      return <BookDialog key={d.patientId ?? ''} patientId={d.patientId} />;
    case 'reschedule':
      return <RescheduleDialog key={d.row.id} row={d.row} />;
    case 'undo':
      return <UndoDialog key={d.row.id} row={d.row} />;
    case 'details':
      return <VisitDetailsDialog key={d.appointmentId} appointmentId={d.appointmentId} />;
    case 'cancel':
      return <CancelDialog row={d.row} />;
    case 'noshow':
      return <NoShowDialog row={d.row} />;
    case 'copay':
      return (
        <CollectPaymentDialog
          isOpen
          onClose={() => {
            useVisitDialogs.getState().close();
            // the check-in dialog that opened the payment is gone: the focus goes back to the screen, not the page
            focusAfterClose();
          }}
          patientId={d.patientId}
          appointmentId={d.appointmentId}
          amountDueCents={d.amountDueCents}
          type={d.type ?? 'copay'}
          patientLabel={d.patientLabel}
          onRecorded={(r) => copayTaken(r.payment, d.patientLabel)}
        />
      );
  }
}

/** The payments API links a copay to its visit in the payment's own transaction; the board says so. */
function copayTaken(p: Payment, patientLabel: string): void {
  const text = p.type === 'copay' && p.appointmentId ? `${patientLabel}: copay collected.` : `${patientLabel}: payment taken, receipt ${p.receiptNo}.`;
  useBoard.getState().setMessage({ tone: 'success', text });
}

/** The ids the board lists when a dialog opens: after the change, the highlight stays on the row or moves to its neighbour. */
function useBoardOrder(): readonly string[] {
  const [ids] = useState(() => visibleRows(useBoard.getState()).map((r) => r.id));
  return ids;
}

function CancelDialog({ row }: { row: RowRef }) {
  const close = useVisitDialogs((s) => s.close);
  const before = useBoardOrder();
  const form = useZodForm(cancelReasonSchema, { code: undefined as unknown as CancelReason['code'], note: '' });
  const [error, setError] = useState<string | null>(null);
  const submit = form.handleSubmit(
    async (reason) => {
      try {
        await api.call('visits.cancel', { id: row.id, reason });
        useBoard.getState().setMessage({ tone: 'success', text: `${row.patientName} (${clock(row.start)}) cancelled: ${CANCEL_REASON_LABELS[reason.code]}.` });
        close();
        void refocusAfterChange(before, row.id);
      } catch (e) {
        setError(applyServerErrors(form, e).message);
      }
    },
    () => setError('Choose a reason. Nothing was saved.'),
  );
  return (
    <GuardedFormDialog
      title={`Cancel the ${clock(row.start)} appointment of ${row.patientName}`}
      label="Cancel appointment"
      isDirty={() => differs(form.getValues(), { code: undefined, note: '' })}
      onClose={close}
      onSubmit={submit}
      error={error}
      submitLabel="Cancel appointment"
      submitVariant="danger"
      submitShortcut="Ctrl+Enter"
      keepLabel="Keep it"
    >
      <FormSelectField
        control={form.control}
        name="code"
        label="Reason"
        isRequired
        autoFocus
        options={CANCEL_REASONS.filter((r) => r !== 'feed').map((r) => ({ value: r, label: CANCEL_REASON_LABELS[r] }))}
      />
      <FormTextField control={form.control} name="note" label="Note" description="Required for “Other”" />
    </GuardedFormDialog>
  );
}

function NoShowDialog({ row }: { row: RowRef }) {
  const close = useVisitDialogs((s) => s.close);
  const before = useBoardOrder();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    if (busy) return; // (no isPending on the focused button: react-aria would announce a label that the closing dialog removes)
    setBusy(true);
    try {
      await api.call('visits.noShow', { id: row.id });
      useBoard.getState().setMessage({ tone: 'success', text: `${row.patientName} (${clock(row.start)}) marked no-show.` });
      close();
      void refocusAfterChange(before, row.id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Not saved. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog isOpen onClose={close} title="Mark as no-show" role="alertdialog">
      {error && <Banner tone="error">{error}</Banner>}
      <p>
        Mark the {clock(row.start)} appointment of <strong>{row.patientName}</strong> as a no-show?
      </p>
      <div className="ad-form-actions">
        <Button variant="danger" autoFocus shortcut="Enter" onPress={() => void confirm()}>
          Mark no-show
        </Button>
        <Button variant="quiet" shortcut="Esc" onPress={close}>
          Keep it
        </Button>
      </div>
    </Dialog>
  );
}
