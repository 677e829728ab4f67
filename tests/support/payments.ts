/** Helpers for payments/drawer tests: users of each role, a registered patient, a float. */
import type { TestDesk } from './desk.js';

export const PW = 'correct horse battery';
export const CLERK = { username: 'clara', displayName: 'Clara Clerk', role: 'clerk' as const, password: PW };
export const SUPER = { username: 'sam', displayName: 'Sam Supervisor', role: 'supervisor' as const, password: PW };
export const SUPER2 = { username: 'sue', displayName: 'Sue Supervisor', role: 'supervisor' as const, password: PW };

interface Caller {
  call: TestDesk['call'];
}

export async function addUsers(d: Caller): Promise<void> {
  for (const u of [CLERK, SUPER, SUPER2]) await d.call('users.create', u);
}

export async function signIn(d: Caller, session: string, u: { username: string; password: string }): Promise<void> {
  await (d as TestDesk).call('session.signIn', { username: u.username, password: u.password }, session);
}

export async function registerPatient(d: Caller, family = 'Gonzalez', session?: string): Promise<string> {
  const r = await (d as TestDesk).call(
    'patients.register',
    {
      patient: {
        name: { family, given: 'Maria' },
        birthDate: '1980-04-12',
        sexAtBirth: 'female',
        phones: [{ use: 'mobile', number: '(312) 555-0147' }],
        addresses: [{ line1: '12 Elm St', city: 'Springfield', state: 'IL', postalCode: '62701' }],
      },
      
    } as never,
    session,
  );
  return r.patient.id;
}

/** $150.00 float: 5 x $20, 4 x $10, 2 x $5 */
export const FLOAT = { b20: 5, b10: 4, b5: 2 };
export const FLOAT_CENTS = 15000;
