/**
 * On the record of a merged patient: "Merged into <name, MRN>" with Open survivor (Enter) and, for supervisors,
 * Undo merge (U, asks for a reason). The surviving record is read with patients.get (a recorded view).
 */
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.js';
import type { Patient } from '../../shared/domain/patient.js';
import { Banner } from '../ui/Banner.js';
import { Button } from '../ui/Button.js';
import { useNav } from '../app/nav.js';
import { useSession } from '../app/session.js';
import { NoteDialog } from '../sync/dialogs.js';
import { useScreenKeys } from './keys.js';
import { displayName } from './format.js';

export function MergedBanner({ patient }: { patient: Patient }) {
  const survivorId = patient.mergedInto;
  const role = useSession((s) => s.user?.role);
  const canUndo = role === 'supervisor' || role === 'administrator';
  const go = useNav((s) => s.go);
  const [survivor, setSurvivor] = useState<Patient | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [undoing, setUndoing] = useState(false);
  useEffect(() => {
    setSurvivor(null);
    if (!survivorId) return;
    api
      .call('patients.get', { id: survivorId })
      .then((r) => setSurvivor(r.patient))
      .catch((e) => setError(e instanceof ApiError ? e.message : 'Could not load the surviving record.'));
  }, [survivorId]);
  const open = () => survivorId && go({ name: 'patient', id: survivorId });
  useScreenKeys(survivorId ? { Enter: () => open(), ...(canUndo ? { U: () => setUndoing(true) } : {}) } : {});
  if (!survivorId) return null;
  const name = survivor ? `${displayName({ ...survivor.name, preferredName: survivor.preferredName })}, MRN ${survivor.mrn}` : error ? 'another record' : '…';
  return (
    <>
      <Banner tone="warning" title="Merged:">
        <span data-testid="merged-banner">{` This record was merged into ${name}. It is kept for reference and is not found by search.`}</span>{' '}
        <Button size="small" variant="primary" shortcut="Enter" onPress={open}>
          Open survivor
        </Button>{' '}
        {canUndo && (
          <Button size="small" shortcut="U" onPress={() => setUndoing(true)}>
            Undo merge…
          </Button>
        )}
      </Banner>
      {undoing && (
        <NoteDialog
          isOpen
          title="Undo merge"
          label="Reason"
          confirm="Undo merge"
          danger
          onClose={() => setUndoing(false)}
          action={async (reason) => {
            await api.call('patients.unmerge', { mergedId: patient.id, reason });
            setUndoing(false);
          }}
        >
          <p>
            MRN {patient.mrn} becomes a patient record of its own again{survivor ? `, separate from MRN ${survivor.mrn}` : ''}. This syncs to the other desks.
          </p>
        </NoteDialog>
      )}
    </>
  );
}
