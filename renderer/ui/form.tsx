/**
 * Forms: react-hook-form + the shared zod schemas (@hookform/resolvers 7 supports zod 4 schemas: it detects
 * `schema._zod` and maps zod 4 issues). Fields are bound with <FormTextField control={form.control} name="..."/>
 * and friends, or <FormField> with a render function for anything else. A field shows its zod error under itself
 * (aria-invalid + aria-describedby via react-aria). Server errors are mapped with applyServerErrors().
 * Typed input is never cleared on an error: nothing here resets a form except an explicit form.reset().
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import {
  useForm,
  useController,
  type Control,
  type FieldPath,
  type FieldValues,
  type UseFormProps,
  type UseFormReturn,
  type DefaultValues,
} from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { ApiError } from '../../shared/api/errors.js';
import {
  TextField,
  PasswordField,
  SelectField,
  CheckboxField,
  RadioGroupField,
  TypedDateField,
  NumberField,
  type TextFieldProps,
  type SelectFieldProps,
  type RadioGroupFieldProps,
  type NumberFieldProps,
  type TypedDateFieldProps,
  type CheckboxFieldProps,
} from './fields.js';

/**
 * useForm with a zod schema. Validates on blur first, then on every keystroke for a field already touched
 * ("validate as the clerk types" without shouting at an empty form).
 */
export function useZodForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  defaultValues: DefaultValues<z.input<S>>,
  opts: Omit<UseFormProps<z.input<S>, unknown, z.output<S>>, 'resolver' | 'defaultValues'> = {},
): UseFormReturn<z.input<S>, unknown, z.output<S>> {
  return useForm<z.input<S>, unknown, z.output<S>>({
    // zodResolver's overloads are typed per zod major; the runtime detects zod 4 by `_zod`.
    resolver: zodResolver(schema as never) as never,
    defaultValues,
    mode: 'onTouched',
    reValidateMode: 'onChange',
    shouldFocusError: true,
    ...opts,
  });
}

/**
 * Puts a server ApiError's `fields` ("name.family" -> message) onto the form's fields. Paths that are not fields
 * of this form are returned so the caller can show them in a banner. Values are left untouched.
 * `map` renames server paths to form paths when they differ (e.g. { 'admin.password': 'password' }).
 */
export function applyServerErrors<T extends FieldValues>(
  form: Pick<UseFormReturn<T, unknown, unknown>, 'setError' | 'getValues'>,
  error: unknown,
  map: Record<string, string> = {},
): { unmatched: string[]; applied: string[]; message: string } {
  if (!(error instanceof ApiError)) {
    return { unmatched: [], applied: [], message: error instanceof Error ? 'Something went wrong. Nothing was saved; please try again.' : String(error) };
  }
  const applied: string[] = [];
  const unmatched: string[] = [];
  const values = form.getValues() as Record<string, unknown>;
  let first = true;
  for (const [serverPath, message] of Object.entries(error.fields ?? {})) {
    const path = map[serverPath] ?? serverPath;
    if (path !== '_' && hasPath(values, path)) {
      form.setError(path as FieldPath<T>, { type: 'server', message }, { shouldFocus: first });
      first = false;
      applied.push(path);
    } else {
      unmatched.push(`${serverPath}: ${message}`);
    }
  }
  return { unmatched, applied, message: error.message };
}

/**
 * A form's submit: validates (zod), runs `action` with the parsed values while `busy`; a failure puts the server's
 * field errors at their fields and its message in `error` (every typed value kept). `invalid`: the message when the
 * form's own checks fail. `onError` sees the failure too (e.g. to react to one error code).
 */
export function useFormSubmit<TIn extends FieldValues, TOut>(
  form: UseFormReturn<TIn, unknown, TOut>,
  action: (values: TOut) => Promise<void>,
  invalid: string,
  onError?: (e: unknown) => void,
): { submit: (e?: FormEvent) => Promise<void>; busy: boolean; error: string | null } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = form.handleSubmit(
    async (v) => {
      setBusy(true);
      setError(null);
      try {
        await action(v);
      } catch (e) {
        setError(applyServerErrors(form, e).message);
        onError?.(e);
      } finally {
        setBusy(false);
      }
    },
    () => setError(invalid),
  );
  return { submit, busy, error };
}

function hasPath(obj: unknown, path: string): boolean {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as Record<string, unknown>))) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return true;
}

/**
 * A <form> that: never validates natively (zod does), submits on Enter from a text field (via the submit button)
 * and on Ctrl+Enter from anywhere inside it.
 */
export function AppForm({ onSubmit, children, label, className, id }: { onSubmit: (e?: FormEvent) => void; children: ReactNode; label?: string; className?: string; id?: string }) {
  return (
    <form
      id={id}
      className={`ad-form ${className ?? ''}`}
      noValidate
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(e);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          // fields that commit on blur (react-aria NumberField) commit first; focus stays where it was
          const el = document.activeElement as HTMLElement | null;
          el?.blur();
          el?.focus();
          (e.currentTarget as HTMLFormElement).requestSubmit();
        }
      }}
    >
      {children}
    </form>
  );
}

// ---- bound fields -------------------------------------------------------------------------------

interface Bound<T extends FieldValues> {
  control: Control<T, unknown, unknown>;
  name: FieldPath<T>;
}

/** Generic binding: render anything with value/onChange/onBlur/errorMessage/inputRef. */
export function FormField<T extends FieldValues, V = unknown>({
  control,
  name,
  render,
}: Bound<T> & {
  render: (f: { value: V; onChange: (v: V) => void; onBlur: () => void; name: string; errorMessage?: string; inputRef: (el: HTMLElement | null) => void }) => ReactNode;
}) {
  const { field, fieldState } = useController({ control, name });
  return (
    <>
      {render({
        value: field.value as V,
        onChange: field.onChange as (v: V) => void,
        onBlur: field.onBlur,
        name: field.name,
        errorMessage: fieldState.error?.message,
        inputRef: field.ref as (el: HTMLElement | null) => void,
      })}
    </>
  );
}

type Omitted = 'value' | 'onChange' | 'onBlur' | 'name' | 'errorMessage' | 'inputRef';

export function FormTextField<T extends FieldValues>({ control, name, ...rest }: Bound<T> & Omit<TextFieldProps, Omitted>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <TextField
      {...rest}
      name={field.name}
      value={(field.value as string | undefined) ?? ''}
      onChange={field.onChange}
      onBlur={field.onBlur}
      inputRef={field.ref}
      errorMessage={fieldState.error?.message}
    />
  );
}

export function FormPasswordField<T extends FieldValues>(p: Bound<T> & Omit<TextFieldProps, Omitted | 'type'>) {
  const { control, name, ...rest } = p;
  const { field, fieldState } = useController({ control, name });
  return (
    <PasswordField
      {...rest}
      name={field.name}
      value={(field.value as string | undefined) ?? ''}
      onChange={field.onChange}
      onBlur={field.onBlur}
      inputRef={field.ref}
      errorMessage={fieldState.error?.message}
    />
  );
}

export function FormNumberField<T extends FieldValues>({ control, name, ...rest }: Bound<T> & Omit<NumberFieldProps, Omitted>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <NumberField
      {...rest}
      name={field.name}
      value={field.value as number | undefined}
      onChange={field.onChange}
      onBlur={field.onBlur}
      inputRef={field.ref}
      errorMessage={fieldState.error?.message}
    />
  );
}

export function FormSelectField<T extends FieldValues, V extends string = string>({ control, name, ...rest }: Bound<T> & Omit<SelectFieldProps<V>, Omitted>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <SelectField<V>
      {...rest}
      name={field.name}
      value={field.value as V | undefined}
      onChange={(v) => {
        field.onChange(v);
        field.onBlur();
      }}
      onBlur={field.onBlur}
      inputRef={field.ref}
      errorMessage={fieldState.error?.message}
    />
  );
}

export function FormRadioGroupField<T extends FieldValues, V extends string = string>({ control, name, ...rest }: Bound<T> & Omit<RadioGroupFieldProps<V>, Omitted>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <RadioGroupField<V>
      {...rest}
      name={field.name}
      value={field.value as V | undefined}
      onChange={field.onChange}
      onBlur={field.onBlur}
      errorMessage={fieldState.error?.message}
    />
  );
}

export function FormCheckboxField<T extends FieldValues>({ control, name, ...rest }: Bound<T> & Omit<CheckboxFieldProps, Omitted>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <CheckboxField
      {...rest}
      name={field.name}
      value={Boolean(field.value)}
      onChange={field.onChange}
      onBlur={field.onBlur}
      errorMessage={fieldState.error?.message}
    />
  );
}

export function FormDateField<T extends FieldValues>({ control, name, ...rest }: Bound<T> & Omit<TypedDateFieldProps, Omitted>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <TypedDateField
      {...rest}
      name={field.name}
      value={(field.value as string | undefined) ?? ''}
      onChange={field.onChange}
      onBlur={field.onBlur}
      inputRef={field.ref}
      errorMessage={fieldState.error?.message}
    />
  );
}

/** Runs `fn` once when the component mounts (e.g. focus the first field). */
export function useMountEffect(fn: () => void) {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(fn, []);
}
