/**
 * The main process's one ipcMain.handle body. Pure (no 'electron' import): main.ts passes the real event, tests pass
 * fakes. It checks the sender, then calls the same Dispatcher the web host uses, with one session per window.
 */
import type { ApiResult } from '../../shared/api/errors.js';
import { isTrustedSender, type IpcSenderInfo } from '../security/ipc-sender.js';

export interface DispatcherLike {
  call(sessionKey: string, method: string, input: unknown): Promise<ApiResult<unknown>>;
}

/** The parts of IpcMainInvokeEvent we read. */
export interface InvokeEventLike {
  sender: { id: number; mainFrame: unknown };
  senderFrame: { url: string } | null;
}

export function ipcSessionKey(webContentsId: number): string {
  return `ipc:${webContentsId}`;
}

export function senderInfo(event: InvokeEventLike): IpcSenderInfo {
  const frame = event.senderFrame;
  return { webContentsId: event.sender.id, frameUrl: frame ? frame.url : null, isMainFrame: frame !== null && frame === event.sender.mainFrame };
}

export function createIpcCallHandler(dispatcher: DispatcherLike, trustedWebContentsIds: ReadonlySet<number>) {
  return async (event: InvokeEventLike, method: unknown, input: unknown): Promise<ApiResult<unknown>> => {
    if (!isTrustedSender(senderInfo(event), trustedWebContentsIds)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'This window may not use AccessDesk’s API.' } };
    }
    return dispatcher.call(ipcSessionKey(event.sender.id), typeof method === 'string' ? method : '', input);
  };
}
