import { ApiError } from '../../shared/api/errors.js';
import type { DomainHandlers } from '../api/types.js';

// PLACEHOLDER (the desk sync engine replaces this in this session): a standalone desk that cannot enroll yet.
type SyncMethods = 'sync.status' | 'sync.enroll' | 'sync.now' | 'sync.reviewItems' | 'sync.resolveReviewItem';
const standalone = () => ({
  enrolled: false,
  hubUrl: '',
  state: 'not-enrolled' as const,
  refusal: null,
  pending: 0,
  rejected: 0,
  lastSyncAt: null,
  lastAttemptAt: null,
  nextAttemptAt: null,
  clockSkewMs: null,
  openReviewItems: 0,
});
const notYet = () => {
  throw new ApiError('INTERNAL', 'Sync with a hub is not available on this desk yet.');
};
export function syncHandlers(): DomainHandlers<SyncMethods> {
  return { 'sync.status': standalone, 'sync.now': standalone, 'sync.enroll': notYet, 'sync.reviewItems': notYet, 'sync.resolveReviewItem': notYet };
}
