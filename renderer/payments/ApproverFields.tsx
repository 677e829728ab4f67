/**
 * A supervisor's credentials typed on the spot (void/refund above the limit, variance sign-off). Bound to a form at
 * `approver.username` / `approver.password`, the paths the API reports errors on. The password lives only in the
 * form while the dialog is open: never stored, never put in a draft.
 */
import type { Control, FieldValues, UseFormSetError } from 'react-hook-form';
import { z } from 'zod';
import { FormPasswordField, FormTextField } from '../ui/form.js';
import type { ApproverCredentials } from '../../shared/domain/drawer.js';

/** The approver fields of a form as typed (checked when sent: shared approverCredentialsSchema, on the API). */
export const approverFieldsSchema = z.object({ username: z.string(), password: z.string() });

/**
 * The variant for a form that always needs the supervisor (the drawer's variance sign-off): both fields required on
 * the form itself, the user name trimmed.
 */
export const requiredApproverFieldsSchema = z.object({
  username: z.string().trim().min(1, { error: 'Supervisor user name is required' }),
  password: z.string().min(1, { error: 'Supervisor password is required' }),
});

/** The approver fields' default values (nothing typed). */
export const noApprover = (): ApproverCredentials => ({ username: '', password: '' });

/**
 * For a form whose approval is only sometimes needed (void, refund): when it is needed and no supervisor user name
 * was typed, says so on the field (focused) and returns true: the form is not sent.
 */
export function approverMissing<T extends FieldValues>(setError: UseFormSetError<T>, approval: boolean, a: ApproverCredentials): boolean {
  if (!approval || a.username.trim()) return false;
  setError('approver.username' as never, { message: 'Supervisor user name is required' }, { shouldFocus: true });
  return true;
}

export function ApproverFields<T extends FieldValues>({ control, why }: { control: Control<T, unknown, unknown>; why: string }) {
  return (
    <fieldset className="ad-fieldset pay-approver">
      <legend>Supervisor approval</legend>
      <p className="pay-muted">{why} The supervisor types their own user name and password here.</p>
      <div className="pay-row">
        <FormTextField control={control} name={'approver.username' as never} label="Supervisor user name" isRequired autoComplete="off" />
        <FormPasswordField control={control} name={'approver.password' as never} label="Supervisor password" isRequired autoComplete="off" />
      </div>
    </fieldset>
  );
}

/** The credentials as the API takes them: the user name trimmed, the password exactly as typed. */
export function approverCredentials(a: ApproverCredentials): ApproverCredentials {
  return { username: a.username.trim(), password: a.password };
}

/** The approver part of an API input: only when the supervisor typed something. */
export function approverInput(a: ApproverCredentials | undefined): ApproverCredentials | undefined {
  return a && (a.username.trim() || a.password) ? approverCredentials(a) : undefined;
}

/** Whether an API error says a supervisor's approval is needed (so the dialog shows the credential fields). */
export function needsApproval(e: unknown): boolean {
  const f = (e as { fields?: Record<string, string> } | null)?.fields;
  return Boolean(f && ('approver.username' in f || 'approver.password' in f));
}
