import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations, LATEST_SCHEMA_VERSION } from './migrations.js';
import { newId } from '../../shared/ids.js';
import { stmt } from './stmt-cache.js';

export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

export const DB_FILE = 'accessdesk.sqlite';

/**
 * Opens (creating if needed) the desk's store in `dataDir`: the one writer connection of this process.
 * WAL + synchronous=FULL + foreign keys; migrations applied; integrity checked. Throws StoreOpenError with a message
 * a person can act on when the directory or file is unusable.
 */
export function openDatabase(dataDir: string, opts: { quickCheck?: boolean } = {}): Database.Database {
  if (fs.existsSync(dataDir) && !fs.statSync(dataDir).isDirectory()) {
    throw new StoreOpenError(`${dataDir} is a file, not a directory. Choose a directory for AccessDesk's data.`);
  }
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw new StoreOpenError(`The data directory ${dataDir} cannot be created (${(e as NodeJS.ErrnoException).code ?? 'error'}). Choose another directory with --data-dir or ACCESSDESK_DATA_DIR.`);
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(dataDir);
  } catch {
    throw new StoreOpenError(`The data directory ${dataDir} cannot be read.`);
  }
  if (!st.isDirectory()) throw new StoreOpenError(`${dataDir} is a file, not a directory. Choose a directory for AccessDesk's data.`);
  try {
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    throw new StoreOpenError(`AccessDesk cannot write to ${dataDir}. Check the folder's permissions or choose another directory.`);
  }

  const file = path.join(dataDir, DB_FILE);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 5000 });
  } catch (e) {
    throw new StoreOpenError(`The store ${file} cannot be opened: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('journal_size_limit = 67108864');
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    const mode = db.pragma('journal_mode', { simple: true });
    const sync = db.pragma('synchronous', { simple: true });
    if (mode !== 'wal' || sync !== 2) throw new StoreOpenError(`The store could not be put in WAL/FULL mode (got ${String(mode)}/${String(sync)}).`);

    const check = db.pragma(opts.quickCheck ? 'quick_check' : 'integrity_check', { simple: true });
    if (check !== 'ok') throw new StoreOpenError(`The store ${file} failed its integrity check (${String(check)}). It has not been changed; restore it from a backup or contact support.`);

    migrate(db);
    ensureDeskIdentity(db);
  } catch (e) {
    db.close();
    if (e instanceof StoreOpenError) throw e;
    const msg = (e as Error).message;
    if (/file is not a database|malformed/i.test(msg)) {
      throw new StoreOpenError(`The store ${file} is damaged or not an AccessDesk store (${msg}). It has not been changed; restore it from a backup.`);
    }
    throw new StoreOpenError(`The store ${file} cannot be used: ${msg}`);
  }
  return db;
}

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) {
    throw new StoreOpenError(`This store was written by a newer AccessDesk (schema ${current}; this version knows ${LATEST_SCHEMA_VERSION}). Update AccessDesk.`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

/** Every desk has a stable id and an epoch (a restored or reinstalled desk gets a new epoch: see sync). */
function ensureDeskIdentity(db: Database.Database): void {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const put = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING');
  db.transaction(() => {
    if (!get.get('desk_id')) put.run('desk_id', newId());
    if (!get.get('desk_epoch')) put.run('desk_epoch', '1');
  }).immediate();
}

export function getMeta(db: Database.Database, key: string): string | undefined {
  return stmt<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(key)?.value;
}

export function setMeta(db: Database.Database, key: string, value: string): void {
  stmt(db, 'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
