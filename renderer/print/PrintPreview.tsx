/**
 * The print preview: a modal dialog (react-aria, via renderer/ui Dialog) showing every page of a PDF drawn by pdf.js,
 * with Print (Enter, Ctrl+P), Save PDF (Ctrl+S) and Close (Esc). Focus starts on Print, so Enter prints.
 */
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../ui/Dialog.js';
import { Button } from '../ui/Button.js';
import { Banner } from '../ui/Banner.js';
import { ApiError } from '../api/client.js';
import { matchesCombo } from '../app/shortcuts.js';
import { base64ToBytes, openPdf, type PdfHandle } from './pdf-pages.js';
import { printPdf, savePdf } from './print-out.js';
import { closePrint, usePrintStore, type PrintJob } from './usePrint.js';
import './print.css';

/** Preview size: pages scaled to fit about 560 x 560 CSS px, never enlarged more than 2.5x. */
function previewScale(wPt: number, hPt: number): number {
  return Math.min(2.5, 560 / wPt, 640 / hPt);
}

function inches(pt: number): string {
  return `${Math.round((pt / 72) * 100) / 100}"`;
}

function PrintPreview({ job, onClose }: { job: PrintJob; onClose: () => void }) {
  const [doc, setDoc] = useState<{ handle: PdfHandle; bytes: Uint8Array; fileName: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const pagesRef = useRef<HTMLDivElement>(null);
  const printRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    let handle: PdfHandle | null = null;
    (async () => {
      try {
        const out = await job.load();
        const bytes = base64ToBytes(out.pdfBase64);
        handle = await openPdf(bytes);
        if (!live) return void handle.destroy();
        setDoc({ handle, bytes, fileName: out.fileName });
      } catch (e) {
        if (live) setError(e instanceof ApiError ? e.message : 'The document could not be made. Nothing was printed.');
      }
    })();
    return () => {
      live = false;
      void handle?.destroy();
    };
  }, [job]);

  // draw the pages once the document is open
  useEffect(() => {
    if (!doc || !pagesRef.current) return;
    const host = pagesRef.current;
    let live = true;
    (async () => {
      const s = previewScale(doc.handle.widthPt, doc.handle.heightPt);
      const dpr = window.devicePixelRatio || 1;
      for (let n = 1; n <= doc.handle.pageCount && live; n++) {
        const canvas = await doc.handle.render(n, s * dpr);
        if (!live) return;
        canvas.style.width = `${Math.round(doc.handle.widthPt * s)}px`;
        canvas.style.height = `${Math.round(doc.handle.heightPt * s)}px`;
        canvas.className = 'pr-page';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `Page ${n} of ${doc.handle.pageCount}`);
        host.appendChild(canvas);
      }
      if (live) host.dataset.rendered = String(doc.handle.pageCount);
      printRef.current?.focus();
    })();
    return () => {
      live = false;
      host.replaceChildren();
      delete host.dataset.rendered;
    };
  }, [doc]);

  const doPrint = async () => {
    if (!doc || busy) return;
    setBusy(true);
    setStatus('Sending to the printer…');
    try {
      const r = await printPdf(doc.handle);
      setStatus(r === 'printed' ? 'Sent to the printer.' : r === 'cancelled' ? 'Printing was cancelled.' : r === 'failed' ? 'The printer reported a problem. Try again or save the PDF.' : 'Print dialog closed.');
    } catch {
      setStatus('Printing failed. Try again or save the PDF.');
    } finally {
      setBusy(false);
      // keep the keyboard in the dialog (Enter prints again, Esc closes)
      printRef.current?.focus();
    }
  };
  const doSave = () => {
    if (!doc) return;
    savePdf(doc.bytes, doc.fileName);
    setStatus(`Saved as ${doc.fileName} (your downloads).`);
  };

  // Ctrl+P / Ctrl+S while the preview is open: this dialog's print/save, never the browser's print of the app
  const keys = useRef({ doPrint, doSave });
  keys.current = { doPrint, doSave };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (matchesCombo(e, 'Ctrl+P')) {
        e.preventDefault();
        void keys.current.doPrint();
      } else if (matchesCombo(e, 'Ctrl+S')) {
        e.preventDefault();
        keys.current.doSave();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, []);

  const h = doc?.handle;
  return (
    <Dialog isOpen onClose={onClose} title={job.title} className="pr-dialog">
      {error && <Banner tone="error">{error}</Banner>}
      {!error && (
        <p className="pr-meta" role="status">
          {h ? `${inches(h.widthPt)} × ${inches(h.heightPt)} · ${h.pageCount} ${h.pageCount === 1 ? 'page' : 'pages'} · printed at actual size` : 'Preparing the document…'}
        </p>
      )}
      <div className="pr-pages" ref={pagesRef} aria-label="Print preview" role="group" tabIndex={0} />
      <div className="pr-actions">
        <Button ref={printRef} variant="primary" shortcut="Enter / Ctrl+P" isDisabled={!doc} onPress={() => void doPrint()}>
          Print
        </Button>
        <Button shortcut="Ctrl+S" isDisabled={!doc} onPress={doSave}>
          Save PDF
        </Button>
        <span className="pr-status" aria-live="polite">
          {status}
        </span>
      </div>
    </Dialog>
  );
}

/** Mounted once in the main layout: shows the preview of the current print job. */
export function PrintHost() {
  const job = usePrintStore((s) => s.job);
  if (!job) return null;
  return <PrintPreview key={job.seq} job={job} onClose={closePrint} />;
}
