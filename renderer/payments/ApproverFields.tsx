/**
 * A supervisor's credentials typed on the spot (void/refund above the limit, variance sign-off). Bound to a form at
 * `approver.username` / `approver.password`, the paths the API reports errors on. The password lives only in the
 * form while the dialog is open: never stored, never put in a draft.
 */
import type { Control, FieldValues } from 'react-hook-form';
import { z } from 'zod';
import { FormPasswordField, FormTextField } from '../ui/form.js';
import type { ApproverCredentials } from '../../shared/domain/drawer.js';

/** The approver fields of a form as typed (checked when sent: shared approverCredentialsSchema, on the API). */
export const approverFieldsSchema = z.object({ username: z.string(), password: z.string() });

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

/** The approver part of an API input: only when the supervisor typed something. */
export function approverInput(a: ApproverCredentials | undefined): ApproverCredentials | undefined {
  return a && (a.username.trim() || a.password) ? { username: a.username.trim(), password: a.password } : undefined;
}

/** Whether an API error says a supervisor's approval is needed (so the dialog shows the credential fields). */
export function needsApproval(e: unknown): boolean {
  const f = (e as { fields?: Record<string, string> } | null)?.fields;
  return Boolean(f && ('approver.username' in f || 'approver.password' in f));
}
