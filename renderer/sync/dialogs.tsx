/**
 * Dialogs of the review work: "Merge into…" (choose the record to keep, give a reason, confirm), "Undo merge"
 * (reason) and closing a review item with a note (not the same person / keep / corrected). Each keeps what was
 * typed on an error and shows the server's message; Enter submits from the text field, Esc cancels.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api/client.js';
import type { Patient } from '../../shared/domain/patient.js';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { RadioGroupField, TextField } from '../ui/fields.js';
import { displayName, usDate } from '../patients/format.js';

function recordLine(p: Patient): string {
  return `MRN ${p.mrn} — ${displayName({ ...p.name, preferredName: p.preferredName })}, born ${usDate(p.birthDate)}`;
}

function errorText(e: unknown, fallback: string): { message: string; field?: string } {
  if (e instanceof ApiError) return { message: e.message, field: e.fields?.reason ?? e.fields?.note };
  return { message: fallback };
}

/** Choose the survivor of two records and merge (patients.merge). `onMerged` gets the survivor and merged ids. */
export function MergeDialog({
  isOpen,
  records,
  onClose,
  onMerged,
}: {
  isOpen: boolean;
  records: [Patient, Patient];
  onClose: () => void;
  onMerged: (r: { survivorId: string; mergedId: string; reason: string }) => void | Promise<void>;
}) {
  // Default: keep the record registered first (it is the one most likely used for visits already).
  const older = [...records].sort((x, y) => x.createdAt.localeCompare(y.createdAt))[0]!;
  const [survivorId, setSurvivorId] = useState(older.id);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const survivor = records.find((r) => r.id === survivorId)!;
  const merged = records.find((r) => r.id !== survivorId)!;
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    if (!reason.trim()) {
      setFieldError('Say why these are the same person');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.call('patients.merge', { survivorId, mergedId: merged.id, reason: reason.trim() });
      await onMerged({ survivorId, mergedId: merged.id, reason: reason.trim() });
    } catch (err) {
      const t = errorText(err, 'The merge did not go through. Nothing was changed.');
      setError(t.message);
      setFieldError(t.field);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Merge duplicate records" role="alertdialog">
      <form onSubmit={(e) => void submit(e)} className="ad-form" aria-label="Merge duplicate records" noValidate>
        {error && <Banner tone="error">{` ${error}`}</Banner>}
        <RadioGroupField
          label="Record to keep (the survivor)"
          value={survivorId}
          onChange={setSurvivorId}
          options={records.map((r) => ({ value: r.id, label: recordLine(r) }))}
          orientation="vertical"
          isRequired
        />
        <p data-testid="merge-explain">
          MRN <strong>{merged.mrn}</strong> will be linked to MRN <strong>{survivor.mrn}</strong> and no longer found by search. Nothing is deleted: the
          linked record stays readable and a supervisor can undo the merge.
        </p>
        <TextField label="Reason" value={reason} onChange={(v) => (setReason(v), setFieldError(undefined))} isRequired errorMessage={fieldError} autoFocus maxLength={500} description="Kept in the audit log" />
        <div className="ad-form-actions">
          <Button type="submit" variant="primary" isPending={busy} shortcut="Enter">
            Merge into MRN {survivor.mrn}
          </Button>
          <Button variant="quiet" onPress={onClose} shortcut="Esc">
            Cancel
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** A reason/note dialog that runs `action(note)`; closes itself only through the caller (onDone). */
export function NoteDialog({
  isOpen,
  title,
  children,
  label,
  confirm,
  danger,
  onClose,
  action,
}: {
  isOpen: boolean;
  title: string;
  children?: ReactNode;
  label: string;
  confirm: string;
  danger?: boolean;
  onClose: () => void;
  action: (note: string) => Promise<void>;
}) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    if (!note.trim()) {
      setFieldError(`${label} is required`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await action(note.trim());
    } catch (err) {
      const t = errorText(err, 'That did not go through. Nothing was changed.');
      setError(t.message);
      setFieldError(t.field);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog isOpen={isOpen} onClose={onClose} title={title} role="alertdialog">
      <form onSubmit={(e) => void submit(e)} className="ad-form" aria-label={title} noValidate>
        {error && <Banner tone="error">{` ${error}`}</Banner>}
        {children}
        <TextField label={label} value={note} onChange={(v) => (setNote(v), setFieldError(undefined))} isRequired errorMessage={fieldError} autoFocus maxLength={500} />
        <div className="ad-form-actions">
          <Button type="submit" variant={danger ? 'danger' : 'primary'} isPending={busy} shortcut="Enter">
            {confirm}
          </Button>
          <Button variant="quiet" onPress={onClose} shortcut="Esc">
            Cancel
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
