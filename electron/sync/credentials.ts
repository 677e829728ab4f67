/**
 * Where the desk keeps its hub credential (a bearer token: whoever holds it can push as this desk). Never in the
 * SQLite file (backups and copies of the store must not carry it), never logged. `meta.sync.credential_ref` records
 * only which store holds it ("file:sync-credential.json", "safeStorage:sync-credential.bin").
 *
 *   FileCredentialStore        web host / tests: <dataDir>/sync-credential.json, mode 0600, written atomically
 *   SafeStorageCredentialStore Electron: the token encrypted with Electron's safeStorage (OS keychain / DPAPI /
 *                              libsecret) in <dataDir>/sync-credential.bin, mode 0600. Takes the safeStorage object as
 *                              a parameter, so this module does not import 'electron'.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export interface CredentialStore {
  /** what meta records about where the credential is (never the credential) */
  readonly ref: string;
  load(): string | null;
  save(credential: string): void;
  clear(): void;
}

function writeProtected(file: string, data: string | Buffer): void {
  const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600); // umask cannot widen it, but be explicit
  fs.renameSync(tmp, file);
}

export const CREDENTIAL_FILE = 'sync-credential.json';

export class FileCredentialStore implements CredentialStore {
  readonly ref = `file:${CREDENTIAL_FILE}`;
  readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, CREDENTIAL_FILE);
  }
  load(): string | null {
    try {
      const v = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { credential?: unknown };
      return typeof v.credential === 'string' && v.credential ? v.credential : null;
    } catch {
      return null;
    }
  }
  save(credential: string): void {
    writeProtected(this.file, JSON.stringify({ credential }));
  }
  clear(): void {
    fs.rmSync(this.file, { force: true });
  }
}

/** The part of Electron's safeStorage this store needs. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring and a hard-coded key — not protection (Electron safeStorage docs). */
  getSelectedStorageBackend?(): string;
}

/** Whether safeStorage really protects secrets here (a keyring/DPAPI/Keychain, not Linux's basic_text fallback). */
export function isStrongSafeStorage(safe: SafeStorageLike): boolean {
  if (!safe.isEncryptionAvailable()) return false;
  return safe.getSelectedStorageBackend?.() !== 'basic_text';
}

export const SAFE_CREDENTIAL_FILE = 'sync-credential.bin';

export class SafeStorageCredentialStore implements CredentialStore {
  readonly ref = `safeStorage:${SAFE_CREDENTIAL_FILE}`;
  readonly file: string;
  constructor(
    dataDir: string,
    private readonly safe: SafeStorageLike,
  ) {
    this.file = path.join(dataDir, SAFE_CREDENTIAL_FILE);
  }
  load(): string | null {
    try {
      if (!this.safe.isEncryptionAvailable()) return null;
      return this.safe.decryptString(fs.readFileSync(this.file)) || null;
    } catch {
      return null;
    }
  }
  save(credential: string): void {
    if (!isStrongSafeStorage(this.safe)) {
      throw new Error('This computer offers no protected storage for the hub credential (no keyring: safeStorage is unavailable or uses its plain-text fallback). Set up the OS keyring, then enroll again.');
    }
    writeProtected(this.file, this.safe.encryptString(credential));
  }
  clear(): void {
    fs.rmSync(this.file, { force: true });
  }
}
