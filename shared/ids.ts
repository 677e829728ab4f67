import { v7 as uuidv7, validate, version } from 'uuid';

/** New time-ordered id (UUIDv7), made on the desk. */
export function newId(): string {
  return uuidv7();
}

export function isUuidV7(s: string): boolean {
  return validate(s) && version(s) === 7;
}
