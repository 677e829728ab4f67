/**
 * The renderer's typed client: `api.call('patients.search', { q })`. It does not know its transport:
 * Electron's preload (window.accessDesk) or the web host (HTTP + WebSocket on 127.0.0.1).
 */
import type { MethodName, MethodInput, MethodOutput, EventName, EventPayload } from '../../shared/api/contract.js';
import { ApiError, type ApiResult } from '../../shared/api/errors.js';

export interface PreloadBridge {
  api: { [M in MethodName]: (input: unknown) => Promise<ApiResult<unknown>> };
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    accessDesk?: PreloadBridge;
  }
}

type Listener = (event: EventName, payload: unknown) => void;

const KEY_STORAGE = 'accessdesk.key';

/** The web host's per-launch secret arrives in the URL fragment once; kept for this tab only. */
function launchKey(): string {
  const m = /(?:^#|&)key=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(KEY_STORAGE, m[1]!);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

class Client {
  private listeners = new Set<Listener>();
  private errorListeners = new Set<(error: ApiError, method: MethodName) => void>();
  private socket: WebSocket | null = null;
  private key = '';

  constructor() {
    if (window.accessDesk) {
      window.accessDesk.onEvent((e, p) => this.fire(e as EventName, p));
    } else {
      this.key = launchKey();
      this.connectEvents();
    }
  }

  get hasLaunchKey(): boolean {
    return Boolean(window.accessDesk) || this.key.length > 0;
  }

  /** Calls a method; resolves with its output or rejects with an ApiError. */
  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    let result: ApiResult<unknown>;
    if (window.accessDesk) {
      result = await window.accessDesk.api[method](input);
    } else {
      let res: Response;
      try {
        res = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-accessdesk-key': this.key },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        throw new ApiError('STORE_UNAVAILABLE', 'The desk service is not answering. Is AccessDesk still running?');
      }
      result = (await res.json()) as ApiResult<unknown>;
    }
    if (!result.ok) {
      const err = ApiError.from(result.error);
      for (const l of this.errorListeners) l(err, method);
      throw err;
    }
    return result.value as MethodOutput<M>;
  }

  /** Every failed call, from anywhere (the shell flips to the lock / sign-in screen on SESSION_LOCKED / UNAUTHENTICATED). */
  onError(fn: (error: ApiError, method: MethodName) => void): () => void {
    this.errorListeners.add(fn);
    return () => this.errorListeners.delete(fn);
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    const l: Listener = (e, p) => {
      if (e === event) fn(p as EventPayload<E>);
    };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private fire(event: EventName, payload: unknown) {
    for (const l of this.listeners) l(event, payload);
  }

  private connectEvents(retryMs = 500) {
    if (!this.key) return;
    const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${window.location.host}/events`, [`accessdesk.${this.key}`]);
    this.socket = ws;
    ws.onmessage = (m) => {
      try {
        const { event, payload } = JSON.parse(String(m.data)) as { event: EventName; payload: unknown };
        this.fire(event, payload);
      } catch {
        /* ignore malformed pushes */
      }
    };
    ws.onclose = () => {
      this.socket = null;
      setTimeout(() => this.connectEvents(Math.min(retryMs * 2, 10_000)), retryMs);
    };
  }
}

export const api = new Client();
export { ApiError };
