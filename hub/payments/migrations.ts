import type { HubMigration } from '../migration-kit.js';

/** Hub schema of the payments and drawer domains: migration number 4 is reserved for it. */
export const paymentHubMigrations: HubMigration[] = [];
