import type { z } from 'zod';

export type Role = 'clerk' | 'supervisor' | 'administrator';
export const ROLES: readonly Role[] = ['clerk', 'supervisor', 'administrator'];

/**
 * Who may call a method:
 *  - 'public': no sign-in (app status, first-run setup, sign-in itself)
 *  - 'session': any signed-in, unlocked user
 *  - a role: that role or higher (clerk < supervisor < administrator)
 *  - 'locked-ok': signed in, allowed while the idle lock is on (unlock, sign-out)
 */
export type Access = 'public' | 'session' | 'locked-ok' | Role;

export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  access: Access;
  /** one line for the API reference and the help overlay */
  summary: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(def: MethodDef<I, O>): MethodDef<I, O> {
  return def;
}

export function roleRank(r: Role): number {
  return r === 'administrator' ? 3 : r === 'supervisor' ? 2 : 1;
}
