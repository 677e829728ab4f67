import type { Migration } from '../store/migration.js';

/** Desk schema of the payments and drawer domains: migration number 4 is reserved for it. */
export const paymentMigrations: Migration[] = [];
