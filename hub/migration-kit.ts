import type { Queryable } from './db.js';

/** One numbered, forward-only step of the hub schema (see migrations.ts for the numbering rule). */
export interface HubMigration {
  version: number;
  name: string;
  up: (tx: Queryable) => Promise<void>;
}

/** Runs a script of statements separated by ";" at line ends (PGlite and pg take one statement per query here). */
export async function exec(tx: Queryable, sql: string): Promise<void> {
  for (const stmt of sql.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await tx.query(stmt);
}
