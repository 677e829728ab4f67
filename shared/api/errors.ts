import { z } from 'zod';

/** Every failed call returns one of these codes; the renderer shows `message` and maps `fields` onto form fields. */
export const ERROR_CODES = [
  'VALIDATION', // input failed the shared schema; `fields` says where
  'UNAUTHENTICATED', // no signed-in user for this window/browser
  'SESSION_LOCKED', // idle lock is on: unlock with the password first
  'FORBIDDEN', // signed in, but the role may not do this
  'NOT_FOUND',
  'CONFLICT', // e.g. edited from an old version, username taken
  'DUPLICATE_SUSPECTED', // likely duplicate patient: save needs an override with a reason
  'ACCOUNT_LOCKED', // too many failed sign-ins
  'BAD_CREDENTIALS',
  'SETUP_REQUIRED',
  'ALREADY_SET_UP',
  'UNKNOWN_METHOD',
  'STORE_UNAVAILABLE',
  'HUB_UNAVAILABLE', // the clinic hub cannot be reached right now (local work is unaffected)
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const apiErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** field path ("name.family", "phones.0.number") -> message */
  fields: z.record(z.string(), z.string()).optional(),
  /** extra machine-readable data, e.g. duplicate matches */
  data: z.unknown().optional(),
});
export type ApiErrorShape = z.infer<typeof apiErrorSchema>;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly fields?: Record<string, string>;
  readonly data?: unknown;
  constructor(code: ErrorCode, message: string, opts: { fields?: Record<string, string>; data?: unknown } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.fields = opts.fields;
    this.data = opts.data;
  }
  toJSON(): ApiErrorShape {
    const out: ApiErrorShape = { code: this.code, message: this.message };
    if (this.fields) out.fields = this.fields;
    if (this.data !== undefined) out.data = this.data;
    return out;
  }
  static from(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, { fields: shape.fields, data: shape.data });
  }
}

/** Turns zod issues into a field map ("name.family" -> "Required"). */
export function zodFields(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.') || '_';
    if (!(key in out)) out[key] = i.message;
  }
  return out;
}

/** The envelope both transports carry. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };
