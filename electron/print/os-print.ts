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

/** The slice of Electron's WebContents the printer uses (structural, so tests pass a fake). */
export interface PrintableContents {
  id: number;
  isDestroyed(): boolean;
  print(
    options: { silent: boolean; printBackground: boolean; margins: { marginType: 'none' }; pageSize: { width: number; height: number }; landscape: boolean },
    callback: (success: boolean, failureReason: string) => void,
  ): void;
}

/**
 * Electron's printer: prints the desk window (which is showing its print-only view, renderer/print/print-out.ts)
 * through the OS print dialog, at the document's exact media size and with no margins. Only the window whose
 * IPC session asked may print itself.
 */
export function windowPrinter(getContents: () => PrintableContents | null, sessionKeyOf: (webContentsId: number) => string): OsPrinter {
  return (sessionKey, job) => {
    const wc = getContents();
    if (!wc || wc.isDestroyed() || sessionKeyOf(wc.id) !== sessionKey) return null;
    return new Promise<OsPrintOutcome>((resolve) => {
      wc.print(
        {
          silent: false,
          printBackground: true,
          margins: { marginType: 'none' },
          pageSize: { width: ptToMicrons(job.widthPt), height: ptToMicrons(job.heightPt) },
          landscape: job.landscape,
        },
        (success, reason) => resolve(success ? 'printed' : /cancel/i.test(reason) ? 'cancelled' : 'failed'),
      );
    });
  };
}
