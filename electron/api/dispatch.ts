import { z } from 'zod';
import { contract, type MethodName, type EventName, type EventPayload } from '../../shared/api/contract.js';
import { ApiError, zodFields, type ApiResult } from '../../shared/api/errors.js';
import { roleRank, type Access } from '../../shared/api/define.js';
import type { Handlers, HandlerContext, SignedInUser } from './types.js';
import type { Store } from '../store/store.js';
import type { SessionTable } from '../users/sessions.js';
import { log } from '../log.js';

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface DispatcherDeps {
  store: Store;
  sessions: SessionTable;
  handlers: Handlers;
  /** current idle-lock setting, read per call so an admin change applies at once */
  idleLockSeconds: () => number;
}

/**
 * The single entry point both transports call. Validates the method name, the caller's session and role, and the
 * input against the shared schema; runs the handler; validates the output. Never throws: every failure is a typed
 * ApiError in the result.
 */
export class Dispatcher {
  private readonly listeners = new Set<EventListener>();
  constructor(private readonly deps: DispatcherDeps) {}

  onEvent(l: EventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch (e) {
        log.warn('event listener failed', { event, error: (e as Error).name });
      }
    }
  }

  async call(sessionKey: string, methodName: string, rawInput: unknown): Promise<ApiResult<unknown>> {
    try {
      if (typeof methodName !== 'string' || !Object.prototype.hasOwnProperty.call(contract, methodName)) {
        throw new ApiError('UNKNOWN_METHOD', 'This action is not part of AccessDesk’s API.');
      }
      const name = methodName as MethodName;
      const def = contract[name];
      const user = this.authorize(sessionKey, def.access);

      const parsed = (def.input as z.ZodType).safeParse(rawInput === undefined ? {} : rawInput);
      if (!parsed.success) {
        const fields = zodFields(parsed.error.issues);
        const first = Object.entries(fields)[0];
        throw new ApiError('VALIDATION', first ? `Please check ${labelOf(first[0])}: ${first[1]}` : 'The input is not valid.', { fields });
      }
      const ctx: HandlerContext = {
        store: this.deps.store,
        user,
        sessionKey,
        emit: (e, p) => this.emit(e, p),
      };
      const handler = this.deps.handlers[name] as (input: unknown, ctx: HandlerContext) => unknown;
      const value = await handler(parsed.data, ctx);
      const out = (def.output as z.ZodType).safeParse(value);
      if (!out.success) {
        log.error('handler returned output that breaks the contract', { method: name, fields: Object.keys(zodFields(out.error.issues)) });
        throw new ApiError('INTERNAL', 'AccessDesk produced an unexpected answer. Nothing was lost; please try again.');
      }
      return { ok: true, value: out.data };
    } catch (e) {
      return { ok: false, error: toApiError(e, methodName).toJSON() };
    }
  }

  private authorize(sessionKey: string, access: Access): SignedInUser | null {
    if (access === 'public') {
      const s = this.deps.sessions.get(sessionKey);
      return s ? { userId: s.userId, userName: s.userName, role: s.role } : null;
    }
    const s = this.deps.sessions.refresh(sessionKey, this.deps.idleLockSeconds());
    if (!s) throw new ApiError('UNAUTHENTICATED', 'Please sign in.');
    if (s.locked && access !== 'locked-ok') {
      throw new ApiError('SESSION_LOCKED', 'The screen is locked. Enter your password to continue.');
    }
    if (access !== 'session' && access !== 'locked-ok' && roleRank(s.role) < roleRank(access)) {
      throw new ApiError('FORBIDDEN', `This needs the ${access} role.`);
    }
    if (access !== 'locked-ok') this.deps.sessions.touch(sessionKey);
    return { userId: s.userId, userName: s.userName, role: s.role };
  }
}

function labelOf(path: string): string {
  return path === '_' ? 'the input' : path.replace(/\.(\d+)\./g, ' #$1 ').replace(/\./g, ' ');
}

function toApiError(e: unknown, method: string): ApiError {
  if (e instanceof ApiError) return e;
  const err = e as Error & { code?: string };
  if (err?.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new ApiError('CONFLICT', 'That would duplicate a record that must be unique. Nothing was saved.');
  }
  if (typeof err?.code === 'string' && err.code.startsWith('SQLITE_')) {
    log.error('store error', { method, code: err.code });
    return new ApiError('STORE_UNAVAILABLE', 'The desk’s store could not complete this. Nothing was saved; please try again.');
  }
  // Never log messages that may carry PHI: name and method only.
  log.error('unexpected error in handler', { method, error: err?.name ?? typeof e });
  return new ApiError('INTERNAL', 'Something went wrong. Nothing was saved; please try again.');
}
