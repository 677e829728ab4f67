/**
 * The hub's secrets and identity files in its data directory:
 *   tls/key.pem (mode 0600), tls/cert.pem  — self-signed certificate made on first start; desks pin its SHA-256
 *   admin-token (mode 0600)                 — bearer token for /admin/*, made on first start
 * plus the hashing of desk credentials and enrollment codes (the hub stores only SHA-256 hashes of both: they are
 * random, high-entropy secrets, so a fast hash is the right tool; passwords would need argon2).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// selfsigned builds the X.509 certificate with Node's WebCrypto: a maintained library rather than hand-written ASN.1.
import { generate as generateCertificate } from 'selfsigned';

export interface HubTls {
  key: string;
  cert: string;
  /** SHA-256 of the certificate (DER), "AB:CD:…" (Node's X509Certificate.fingerprint256 format). */
  fingerprint: string;
}

export function certFingerprint(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256;
}

function writeSecret(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Write to a temp file with mode 0600, then rename: never a moment when the secret is readable by others or half-written.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** Loads the hub's certificate, creating a new self-signed one (EC P-256, 10 years) on first start. */
export async function ensureTls(dataDir: string): Promise<HubTls & { created: boolean }> {
  const dir = path.join(dataDir, 'tls');
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  if (fs.existsSync(keyFile) && fs.existsSync(certFile)) {
    const key = fs.readFileSync(keyFile, 'utf8');
    const cert = fs.readFileSync(certFile, 'utf8');
    return { key, cert, fingerprint: certFingerprint(cert), created: false };
  }
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const host = os.hostname();
  const pems = await generateCertificate([{ name: 'commonName', value: `AccessDesk hub ${host}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 2, value: host }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  writeSecret(keyFile, pems.private);
  fs.writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { key: pems.private, cert: pems.cert, fingerprint: certFingerprint(pems.cert), created: true };
}

export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function sha256(s: string): string {
  return crypto.createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Constant-time comparison of two secrets (compares their hashes, so lengths never leak). */
export function secretEquals(a: string, b: string): boolean {
  return crypto.timingSafeEqual(Buffer.from(sha256(a), 'hex'), Buffer.from(sha256(b), 'hex'));
}

/** The admin token, created (and reported as new, so the caller prints it once) on first start. */
export function ensureAdminToken(dataDir: string): { token: string; created: boolean } {
  const file = path.join(dataDir, 'admin-token');
  if (fs.existsSync(file)) return { token: fs.readFileSync(file, 'utf8').trim(), created: false };
  const token = randomToken();
  writeSecret(file, token + '\n');
  return { token, created: true };
}

// ---- enrollment codes -------------------------------------------------------------------------------------------

/** Crockford base32: no I, L, O, U, so a code read aloud or off paper is typed right. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new one-time code: 8 characters (40 bits) shown as XXXX-XXXX. */
export function newEnrollmentCode(): string {
  const bytes = crypto.randomBytes(8);
  let s = '';
  for (let i = 0; i < 8; i++) s += CROCKFORD[bytes[i]! & 31];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Canonical form of a typed code: upper case, no dashes or spaces, I/L read as 1 and O as 0. Null if malformed. */
export function normalizeEnrollmentCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (s.length !== 8) return null;
  for (const ch of s) if (!CROCKFORD.includes(ch)) return null;
  return s;
}

export function hashEnrollmentCode(normalized: string): string {
  return sha256(`enroll:${normalized}`);
}

export function hashCredential(credential: string): string {
  return sha256(`desk:${credential}`);
}
