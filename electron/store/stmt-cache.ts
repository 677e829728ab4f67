import type Database from 'better-sqlite3';

/**
 * Prepared statements cached per database connection and SQL text. `db.prepare` parses and plans the SQL every time
 * (tens of microseconds); hot paths (pulled-change apply, search keys) run the same few statements hundreds of
 * thousands of times, so they prepare once per connection and reuse. Keyed weakly: a closed, dropped connection takes
 * its statements with it. Only for fixed SQL text (never SQL built from data).
 */
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function stmt<P extends unknown[] | {} = unknown[], R = unknown>(db: Database.Database, sql: string): Database.Statement<P, R> {
  let m = cache.get(db);
  if (!m) {
    m = new Map();
    cache.set(db, m);
  }
  let s = m.get(sql);
  if (!s) {
    s = db.prepare(sql);
    m.set(sql, s);
  }
  return s as unknown as Database.Statement<P, R>;
}
