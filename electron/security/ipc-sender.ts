import { isAppUrl } from './navigation.js';

/** What the main process knows about who sent an IPC message (from IpcMainInvokeEvent). */
export interface IpcSenderInfo {
  /** event.sender.id: the WebContents that sent it */
  webContentsId: number;
  /** event.senderFrame?.url, null when the frame is gone */
  frameUrl: string | null;
  /** event.senderFrame === event.sender.mainFrame */
  isMainFrame: boolean;
}

/**
 * An IPC call is served only when it comes from the main frame of one of our own windows, showing a page of our
 * app origin. A subframe, a navigated-away page, a destroyed frame or an unknown WebContents is refused.
 */
export function isTrustedSender(info: IpcSenderInfo, trustedWebContentsIds: ReadonlySet<number>): boolean {
  return trustedWebContentsIds.has(info.webContentsId) && info.isMainFrame && info.frameUrl !== null && isAppUrl(info.frameUrl);
}
