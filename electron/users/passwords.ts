import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's minimum configuration (m=19 MiB, t=2, p=1). @node-rs/argon2 is a maintained binding that
 * ships prebuilt binaries inside its npm package (no download at install), so it works on offline build machines.
 */
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum in the typings)
export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A fixed hash to verify against when the user does not exist, so timing does not reveal user names. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('accessdesk-dummy-password');
  return dummy;
}
