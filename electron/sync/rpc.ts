/**
 * A minimal request/response channel over a MessagePort (worker_threads), used between the sync worker and the main
 * thread. Each side serves a table of async handlers and can call the other's. Errors cross as {name, code, status,
 * message, body}; HubRequestError is rebuilt so the engine's error rules work the same on both sides.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { HubRequestError } from '../../shared/sync/hub-client.js';

type Port = Pick<MessagePort | Worker, 'postMessage' | 'on' | 'off'>;

interface Req {
  t: 'req';
  id: number;
  m: string;
  a: unknown[];
}
interface Res {
  t: 'res';
  id: number;
  ok: boolean;
  v?: unknown;
  e?: { name: string; code?: string; status?: number; message: string; body?: unknown };
}
interface Note {
  t: 'note';
  m: string;
  a: unknown[];
}
export type RpcMessage = Req | Res | Note;

export type Handlers = Record<string, (...a: never[]) => unknown>;

export class Rpc {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;
  private readonly listener = (msg: RpcMessage) => void this.onMessage(msg);

  constructor(
    private readonly port: Port,
    private readonly handlers: Handlers,
    private readonly onNote: (m: string, a: unknown[]) => void = () => undefined,
  ) {
    port.on('message', this.listener);
  }

  call<T>(m: string, ...a: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error('sync channel closed'));
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.port.postMessage({ t: 'req', id, m, a } satisfies Req);
    });
  }

  /** One-way message (no answer). */
  notify(m: string, ...a: unknown[]): void {
    if (!this.closed) this.port.postMessage({ t: 'note', m, a } satisfies Note);
  }

  close(): void {
    this.closed = true;
    this.port.off('message', this.listener);
    for (const w of this.waiting.values()) w.reject(new Error('sync channel closed'));
    this.waiting.clear();
  }

  private async onMessage(msg: RpcMessage): Promise<void> {
    if (msg.t === 'note') return this.onNote(msg.m, msg.a);
    if (msg.t === 'res') {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.ok) w.resolve(msg.v);
      else w.reject(rebuild(msg.e!));
      return;
    }
    let res: Res;
    try {
      if (this.closed) throw new Error('sync channel closed');
      const h = this.handlers[msg.m];
      if (!h) throw new Error(`unknown sync call ${msg.m}`);
      res = { t: 'res', id: msg.id, ok: true, v: await (h as (...a: unknown[]) => unknown)(...msg.a) };
    } catch (e) {
      const err = e as Error & { code?: string; status?: number; body?: unknown };
      res = { t: 'res', id: msg.id, ok: false, e: { name: err?.name ?? 'Error', code: err?.code, status: err?.status, message: err?.message ?? String(e), body: err?.body } };
    }
    if (!this.closed) this.port.postMessage(res);
  }
}

function rebuild(e: NonNullable<Res['e']>): Error {
  if (e.name === 'HubRequestError') return new HubRequestError(e.status ?? 0, e.code as HubRequestError['code'], e.message, e.body);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
