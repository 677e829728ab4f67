import type { HubMigration } from '../migration-kit.js';

/** Hub schema of the visits domain: migration number 3 is reserved for it. */
export const visitHubMigrations: HubMigration[] = [];
