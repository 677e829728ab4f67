import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { SafeStorageCredentialStore, FileCredentialStore, isStrongSafeStorage, type SafeStorageLike } from '../../electron/sync/credentials.js';
import { tempDir } from '../support/desk.js';

const dirs: string[] = [];
const dir = () => {
  const d = tempDir('ad-cred-');
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const keyring = (backend: string, available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  getSelectedStorageBackend: () => backend,
  encryptString: (s) => Buffer.from(s, 'utf8').reverse(),
  decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
});

const SECRET = 'desk-credential-0123456789abcdefghijklmnopqrstu';

describe('hub credential storage', () => {
  it('safeStorage: the credential is stored encrypted, owner-only, and read back', () => {
    const d = dir();
    const store = new SafeStorageCredentialStore(d, keyring('gnome_libsecret'));
    store.save(SECRET);
    const raw = fs.readFileSync(store.file);
    expect(raw.toString('utf8')).not.toContain(SECRET);
    expect(fs.statSync(store.file).mode & 0o077).toBe(0);
    expect(store.load()).toBe(SECRET);
    store.clear();
    expect(store.load()).toBeNull();
  });

  it("refuses Linux's plain-text fallback and a missing keyring instead of pretending to protect the credential", () => {
    expect(isStrongSafeStorage(keyring('basic_text'))).toBe(false);
    expect(isStrongSafeStorage(keyring('kwallet6', false))).toBe(false);
    expect(isStrongSafeStorage(keyring('kwallet6'))).toBe(true);
    const d = dir();
    const weak = new SafeStorageCredentialStore(d, keyring('basic_text'));
    expect(() => weak.save(SECRET)).toThrow(/no protected storage/);
    expect(fs.existsSync(path.join(d, 'sync-credential.bin'))).toBe(false);
  });

  it('web host: a protected file (0600) in the data directory', () => {
    const d = dir();
    const store = new FileCredentialStore(d);
    store.save(SECRET);
    const files = fs.readdirSync(d);
    expect(files.length).toBe(1);
    expect(fs.statSync(path.join(d, files[0]!)).mode & 0o077).toBe(0);
    expect(store.load()).toBe(SECRET);
  });
});

describe('Electron shell', () => {
  it('hands the desk a safeStorage-backed credential store (never the plain file store)', () => {
    const main = fs.readFileSync(path.join(import.meta.dirname, '../../electron/main.ts'), 'utf8');
    expect(main).toMatch(/createDeskApp\(dataDir, \{ sync: \{ credentials: new SafeStorageCredentialStore\(dataDir, safeStorage\) \} \}\)/);
    expect(main).not.toMatch(/FileCredentialStore/);
  });
});
