import type Database from 'better-sqlite3';

/** One numbered, forward-only step of the desk schema (see migrations.ts for the numbering rule). */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}
