/**
 * The desk needs no browser permission (camera, microphone, geolocation, notifications, clipboard-read, HID, serial,
 * USB, MIDI, fullscreen, ...). Every request and every check is refused, whatever is asked and by whom.
 */

/** session.setPermissionRequestHandler: deny everything. */
export function permissionRequestHandler(_webContents: unknown, _permission: string, callback: (granted: boolean) => void, _details?: unknown): void {
  callback(false);
}

/** session.setPermissionCheckHandler: deny everything. */
export function permissionCheckHandler(_webContents: unknown, _permission: string, _requestingOrigin?: string, _details?: unknown): boolean {
  return false;
}

/** session.setDevicePermissionHandler (WebHID/WebUSB/Web Serial device access): deny everything. */
export function devicePermissionHandler(_details: unknown): boolean {
  return false;
}
