/**
 * What the preload exposes as `window.accessDesk`: one function per contract method (METHOD_NAMES, nothing more) and
 * onEvent. Pure (no 'electron' import) so unit tests build it with fakes; preload.ts feeds it ipcRenderer.
 * Never exposes ipcRenderer, a generic send/invoke(channel), or Electron's event objects (their `sender` is the
 * ipcRenderer itself).
 */
import { METHOD_NAMES, type MethodName } from '../../shared/api/contract.js';
import type { ApiResult } from '../../shared/api/errors.js';
import type { PreloadBridge } from '../../renderer/api/client.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './channels.js';

export type Invoke = (method: MethodName, input: unknown) => Promise<ApiResult<unknown>>;
export type EventSink = (event: string, payload: unknown) => void;
export type Subscribe = (listener: EventSink) => () => void;

export function createBridge(invoke: Invoke, subscribe: Subscribe): PreloadBridge {
  const api = {} as PreloadBridge['api'];
  for (const m of METHOD_NAMES) {
    Object.defineProperty(api, m, { value: (input: unknown) => invoke(m, input), enumerable: true, writable: false, configurable: false });
  }
  Object.freeze(api);
  return Object.freeze({
    api,
    onEvent(listener: EventSink): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
      return subscribe((event, payload) => listener(event, payload));
    },
  });
}

/** The slice of ipcRenderer the bridge uses (structural, so a fake EventEmitter can stand in for it in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The bridge wired to ipcRenderer on our two channels; the renderer's listener gets (event name, payload) only. */
export function createPreloadBridge(ipc: IpcRendererLike): PreloadBridge {
  return createBridge(
    (method, input) => ipc.invoke(IPC_CALL_CHANNEL, method, input) as Promise<ApiResult<unknown>>,
    (listener) => {
      const h = (_e: unknown, event: unknown, payload: unknown) => {
        if (typeof event === 'string') listener(event, payload);
      };
      ipc.on(IPC_EVENT_CHANNEL, h);
      return () => {
        ipc.removeListener(IPC_EVENT_CHANNEL, h);
      };
    },
  );
}
