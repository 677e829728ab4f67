/**
 * The fonts every printed page uses, embedded (subset) into each PDF: DejaVu Sans Condensed regular + bold, shipped
 * with the repo in resources/fonts/ (Bitstream Vera licence, resources/fonts/LICENSE-DejaVu.txt). Embedding means a
 * label looks the same on every machine and printer; nothing depends on a system font (CI machines have none
 * guaranteed, and pdfkit's standard-14 fonts are only referenced, not embedded). Condensed, because labels and
 * wristbands are narrow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FONT_REGULAR = 'DejaVuSansCondensed.ttf';
export const FONT_BOLD = 'DejaVuSansCondensed-Bold.ttf';

let cache: { regular: Buffer; bold: Buffer } | null = null;

/** Where resources/fonts is: next to the sources (tsx, vitest), next to the esbuild bundle (build/electron/ -> ../../resources), or the packaged app's resources. */
function candidates(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const list = [path.resolve(here, '..', '..', 'resources', 'fonts')];
  if (process.env.ACCESSDESK_RESOURCES_DIR) list.unshift(path.join(process.env.ACCESSDESK_RESOURCES_DIR, 'fonts'));
  const rp = (process as { resourcesPath?: string }).resourcesPath;
  if (rp) list.push(path.join(rp, 'fonts'), path.join(rp, 'resources', 'fonts'));
  return list;
}

export function printFonts(): { regular: Buffer; bold: Buffer } {
  if (cache) return cache;
  for (const dir of candidates()) {
    const r = path.join(dir, FONT_REGULAR);
    const b = path.join(dir, FONT_BOLD);
    if (fs.existsSync(r) && fs.existsSync(b)) {
      cache = { regular: fs.readFileSync(r), bold: fs.readFileSync(b) };
      return cache;
    }
  }
  throw new Error('AccessDesk cannot find its print fonts (resources/fonts). Reinstall the app.');
}
