/**
 * The sync API methods (shared/api/contract.ts): status, enroll, sync now, review items. They reach the desk's
 * DeskSync (desk-sync.ts) through the store they run against; a bare store (no DeskSync) is a standalone desk.
 */
import { ApiError } from '../../shared/api/errors.js';
import type { DomainHandlers } from '../api/types.js';
import { requireUser } from '../api/types.js';
import { deskSyncFor, notEnrolledStatus } from './desk-sync.js';
import { LOCAL_ITEM_PREFIX, localReviewItems, resolveLocalItem } from '../patients/duplicate-flags.js';
import { readSettings } from '../users/repo.js';

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
      // this desk's own items (likely duplicates saved anyway here) come first; a desk without a hub has only those
      const local = localReviewItems(ctx.store.db, input.status, readSettings(ctx.store.db)?.deskLabel ?? '');
      const fetchedAt = ctx.store.clock.now().toISOString();
      if (!sync || !sync.enrolled) return { items: local, fetchedAt };
      const items = await sync.reviewItems(input.status);
      return { items: [...local, ...items], fetchedAt };
    },

    'sync.resolveReviewItem': async (input, ctx) => {
      const user = requireUser(ctx);
      if (input.id.startsWith(LOCAL_ITEM_PREFIX)) {
        resolveLocalItem(ctx.store, user, input.id, input.resolution, input.note);
        return { ok: true as const };
      }
      const sync = deskSyncFor(ctx.store);
      if (!sync) throw new ApiError('CONFLICT', 'This desk is not enrolled with a hub, so there are no review items here.');
      await sync.resolveReviewItem(user, input.id, input.resolution, input.note);
      return { ok: true as const };
    },
  };
}
