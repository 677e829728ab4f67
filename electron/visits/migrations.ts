import type { Migration } from '../store/migration.js';

/** Desk schema of the visits domain (appointments, check-in): migration number 3 is reserved for it. */
export const visitMigrations: Migration[] = [];
