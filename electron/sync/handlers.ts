/**
 * The sync API methods (shared/api/contract.ts): status, enroll, sync now, review items. They reach the desk's
 * DeskSync (desk-sync.ts) through the store they run against; a bare store (no DeskSync) is a standalone desk.
 */
import { ApiError } from '../../shared/api/errors.js';
import type { DomainHandlers } from '../api/types.js';
import { requireUser } from '../api/types.js';
import { deskSyncFor, notEnrolledStatus } from './desk-sync.js';

type SyncMethods = 'setup.join' | 'setup.joinProgress' | 'sync.status' | 'sync.enroll' | 'sync.now' | 'sync.reviewItems' | 'sync.resolveReviewItem';

export function syncHandlers(): DomainHandlers<SyncMethods> {
  return {
    'setup.join': async (input, ctx) => {
      const sync = deskSyncFor(ctx.store);
      if (!sync) throw new ApiError('INTERNAL', 'Sync is not available in this desk process.');
      return sync.join(input);
    },

    'setup.joinProgress': (_i, ctx) => deskSyncFor(ctx.store)?.joinProgress() ?? { joining: false, done: 0, of: 0 },

    'sync.status': (_i, ctx) => deskSyncFor(ctx.store)?.status() ?? notEnrolledStatus(),

    'sync.enroll': async (input, ctx) => {
      const user = requireUser(ctx);
      const sync = deskSyncFor(ctx.store);
      if (!sync) throw new ApiError('INTERNAL', 'Sync is not available in this desk process.');
      return sync.enroll(user, input);
    },

    'sync.now': async (_i, ctx) => {
      const sync = deskSyncFor(ctx.store);
      if (!sync || !sync.enrolled) return notEnrolledStatus();
      await sync.syncOnce();
      return sync.status();
    },

    'sync.reviewItems': async (input, ctx) => {
      requireUser(ctx);
      const sync = deskSyncFor(ctx.store);
      if (!sync) throw new ApiError('CONFLICT', 'This desk is not enrolled with a hub, so there are no review items here.');
      const items = await sync.reviewItems(input.status);
      return { items, fetchedAt: ctx.store.clock.now().toISOString() };
    },

    'sync.resolveReviewItem': async (input, ctx) => {
      const user = requireUser(ctx);
      const sync = deskSyncFor(ctx.store);
      if (!sync) throw new ApiError('CONFLICT', 'This desk is not enrolled with a hub, so there are no review items here.');
      await sync.resolveReviewItem(user, input.id, input.resolution, input.note);
      return { ok: true as const };
    },
  };
}
