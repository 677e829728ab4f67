import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Builds the renderer once if build/renderer is missing or older than its sources, then snapshots it into a temp
 * directory that the test hosts serve (ACCESSDESK_E2E_STATIC): a `vite build` run elsewhere during the tests
 * (it empties build/renderer first) cannot pull the files out from under a running test.
 */
export default function globalSetup() {
  const root = process.cwd();
  const index = path.join(root, 'build/renderer/index.html');
  const builtAt = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (builtAt === 0 || newestSource([path.join(root, 'renderer'), path.join(root, 'shared')]) > builtAt || process.env.ACCESSDESK_REBUILD === '1') {
    execSync('npx vite build --logLevel warn', { stdio: 'inherit', cwd: root });
  }
  const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'accessdesk-e2e-renderer-'));
  fs.cpSync(path.join(root, 'build/renderer'), snapshot, { recursive: true });
  process.env.ACCESSDESK_E2E_STATIC = snapshot;
  return () => fs.rmSync(snapshot, { recursive: true, force: true });
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) if (fs.existsSync(d)) walk(d);
  return newest;
}
