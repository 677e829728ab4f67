/**
 * The OS print dialog, when there is one. Electron's main process registers a printer (electron/main.ts: it prints
 * the calling window's print view with webContents.print at the exact media size, no margins); the web host and
 * tests have none, and 'print.osPrint' answers "browser" so the page prints itself (window.print()).
 * Kept as a tiny registry so the handler table stays transport-free (it runs in plain Node).
 */
export interface OsPrintJob {
  widthPt: number;
  heightPt: number;
  landscape: boolean;
}
export type OsPrintOutcome = 'printed' | 'cancelled' | 'failed';
/** Prints what the window of `sessionKey` shows; null when that session is not a window this printer knows. */
export type OsPrinter = (sessionKey: string, job: OsPrintJob) => Promise<OsPrintOutcome> | null;

let printer: OsPrinter | null = null;

export function setOsPrinter(p: OsPrinter | null): void {
  printer = p;
}

export function osPrinter(): OsPrinter | null {
  return printer;
}

/** Microns for webContents.print's pageSize (1 pt = 1/72 in = 352.777... µm). */
export function ptToMicrons(pt: number): number {
  return Math.round((pt * 25400) / 72);
}
