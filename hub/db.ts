/**
 * The hub's database behind one tiny interface, so the same SQL runs on an embedded PGlite (default: a data
 * directory, nothing to install) and on a PostgreSQL server through `pg` (DATABASE_URL).
 *
 * Concurrency model: every WRITE transaction first takes one transaction-scoped advisory lock
 * (pg_advisory_xact_lock(HUB_WRITE_LOCK)), so writes are serialised across all hub processes and connections, and
 * everything a write transaction reads after taking the lock is committed state (READ COMMITTED takes a new snapshot
 * per statement). That is what makes `changes.server_seq` safe for cursors: a sequence number is allocated under the
 * lock and the lock is held until commit, so seq N+1 can only become visible after seq N (a bare bigserial can
 * become visible out of commit order; see reference/sync-anchors.md). Reads (pull, status) run without the lock.
 *
 * PGlite is one connection: the adapter queues every query and transaction behind one promise chain so a plain query
 * never runs inside someone else's open transaction.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export interface HubDb extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** A write transaction holding the hub write lock: commits when `fn` resolves, rolls back when it throws. */
  write<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Key of the hub-wide write lock (any constant; "ADhub" in ASCII). */
export const HUB_WRITE_LOCK = 0x4144687562;

/** Runs `fn` inside SAVEPOINT `name`: released on success, rolled back to (and rethrown) on failure. */
export async function savepoint<T>(tx: Queryable, name: string, fn: () => Promise<T>): Promise<T> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const r = await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return r;
  } catch (e) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    throw e;
  }
}

/**
 * A Buffer parameter for a bytea goes to PGlite as it is (binary format), like pg sends it: PGlite would otherwise
 * spell it in hex, byte by byte in JS. (hub/materialize.ts sends a push's payload texts as one UTF-8 buffer.)
 */
const BYTEA_OID = 17;
const BYTEA_AS_IS = { serializers: { [BYTEA_OID]: (v: unknown) => v as string } };

class PgliteDb implements HubDb {
  readonly kind = 'pglite' as const;
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly pg: PGlite) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async raw<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    const r = await this.pg.query<T>(sql, params, BYTEA_AS_IS);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }

  query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    return this.serial(() => this.raw<T>(sql, params));
  }

  write<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      await this.raw('BEGIN');
      try {
        await this.raw('SELECT pg_advisory_xact_lock($1)', [HUB_WRITE_LOCK]);
        const r = await fn({ query: (sql, params) => this.raw(sql, params) });
        await this.raw('COMMIT');
        return r;
      } catch (e) {
        await this.raw('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      if (!this.pg.closed) await this.pg.close();
    });
  }
}

class PostgresDb implements HubDb {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}

  async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    const r = await this.pool.query(sql, params);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  }

  async write<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [HUB_WRITE_LOCK]);
        const r = await fn({
          query: async (sql, params) => {
            const res = await client.query(sql, params);
            return { rows: res.rows, rowCount: res.rowCount ?? 0 };
          },
        });
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface OpenDbOptions {
  /** postgres://… : use a PostgreSQL server. */
  databaseUrl?: string;
  /** With databaseUrl: a schema to use (created if missing); tests give each hub its own. */
  schema?: string;
  /** Without databaseUrl: PGlite data directory; undefined = in memory. */
  pgliteDir?: string;
}

export async function openHubDb(opts: OpenDbOptions): Promise<HubDb> {
  if (opts.databaseUrl) {
    if (opts.schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(opts.schema)) throw new Error('Invalid schema name');
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      options: opts.schema ? `-c search_path=${opts.schema}` : undefined,
    });
    // An idle client's error (server restart) must not crash the hub: the next query reconnects.
    pool.on('error', () => undefined);
    if (opts.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
    return new PostgresDb(pool);
  }
  const db = opts.pgliteDir ? new PGlite(opts.pgliteDir) : new PGlite();
  await db.waitReady;
  return new PgliteDb(db);
}

/** SQLSTATE classes that mean "this data can never be written" (integrity / data exceptions): permanent. */
export function isPermanentDbError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
