/**
 * The flag on a record saved anyway as a likely duplicate (or on the existing record it likely duplicates): which
 * record, who saved it and why, who approved, and that it waits in the review queue (Alt+R, supervisors) until the
 * pair is merged or found to be different people. Shown while any flag of the record is open.
 */
import type { DuplicateFlag } from '../../shared/domain/patient.js';
import { Banner } from '../ui/Banner.js';
import { KeyHint } from '../ui/KeyHint.js';
import { siteDateTime } from './format.js';

export function DuplicateFlagBanner({ patientId, flags }: { patientId: string; flags: DuplicateFlag[] }) {
  const open = flags.filter((f) => f.status === 'open');
  if (open.length === 0) return null;
  return (
    <Banner tone="warning" title="Possible duplicate:">
      <span data-testid="duplicate-flag">
        {open.map((f, i) => (
          <span key={f.id}>
            {i > 0 && ' '}
            {f.patientId === patientId
              ? ` Saved anyway as a likely duplicate of MRN ${f.matchMrn} by ${f.savedBy.userName} on ${siteDateTime(f.createdAt)}${f.approvedBy && f.approvedBy.userId !== f.savedBy.userId ? `, approved by ${f.approvedBy.userName}` : ''}: “${f.reason}”.`
              : ` MRN ${f.patientMrn} was saved anyway as a likely duplicate of this record by ${f.savedBy.userName} on ${siteDateTime(f.createdAt)}.`}
          </span>
        ))}{' '}
        A supervisor reviews it in the review queue (<KeyHint keys="Alt+R" />).
      </span>
    </Banner>
  );
}
