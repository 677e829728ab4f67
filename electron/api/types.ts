import type { MethodName, MethodParsedInput, MethodOutput, EventName, EventPayload } from '../../shared/api/contract.js';
import type { Store, Actor } from '../store/store.js';
import type { Role } from '../../shared/api/define.js';

export interface SignedInUser extends Actor {
  role: Role;
}

/** What a handler gets besides its validated input. */
export interface HandlerContext {
  store: Store;
  /** the signed-in user (null only for 'public' methods) */
  user: SignedInUser | null;
  /** transport-scoped session key: one per Electron window or browser session */
  sessionKey: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export type Handler<M extends MethodName> = (input: MethodParsedInput<M>, ctx: HandlerContext) => MethodOutput<M> | Promise<MethodOutput<M>>;

/** The one handler table: exactly one handler per contract method. */
export type Handlers = { [M in MethodName]: Handler<M> };

/** A domain contributes the handlers for its own methods. */
export type DomainHandlers<K extends MethodName> = { [M in K]: Handler<M> };

/** Narrow `ctx.user` for non-public methods (the dispatcher guarantees it). */
export function requireUser(ctx: HandlerContext): SignedInUser {
  if (!ctx.user) throw new Error('handler called without a user');
  return ctx.user;
}
