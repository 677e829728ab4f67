/**
 * Desks with the real sync worker for the multi-desk specs (sync, board, EOD, review queue, clock skew): each desk is
 * a real web host on its own data directory, set up, with an admin driver session; the worker runs on short intervals
 * so a spec does not wait for production timings. `hub`: enroll it at once (through the API).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { createDeskApp } from '../../../electron/app.js';
import { startWebHost } from '../../../electron/web/host.js';
import { createCode, type TestHub } from '../../hub/support.js';
import { ADMIN, E2EDesk, SITE } from './desk.js';

export const FAST_SYNC = { pullIntervalMs: 700, pushDelayMs: 100, backoffBaseMs: 300, backoffMaxMs: 1500, reviewItemsEveryMs: 0 };

/** `setUp: false`: a desk at its first run (nothing set up, no driver session). */
export async function startSyncDesk(deskLabel: string, opts: { hub?: TestHub; setUp?: boolean } = {}): Promise<E2EDesk> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accessdesk-e2e-sync-'));
  const app = createDeskApp(dir, { sync: { engine: FAST_SYNC } });
  const host = await startWebHost(app, { port: 0, staticDir: process.env.ACCESSDESK_E2E_STATIC ?? path.resolve('build/renderer') });
  const d = new E2EDesk(dir, app, host);
  if (opts.setUp === false) return d;
  await d.call('setup.initialize', { ...SITE, deskLabel, admin: ADMIN });
  await d.adminSession();
  if (opts.hub) await d.call('sync.enroll', { hubUrl: opts.hub.url, code: await createCode(opts.hub), fingerprint: opts.hub.fingerprint });
  return d;
}

export async function stopSyncDesk(d: E2EDesk | undefined): Promise<void> {
  if (!d) return;
  await d.host.close();
  d.app.close();
  fs.rmSync(d.dir, { recursive: true, force: true });
}

/** A browser context at the desk monitor's size, in the site's locale and time zone. */
export async function newDeskPage(browser: Browser): Promise<[BrowserContext, Page]> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'America/Chicago' });
  return [ctx, await ctx.newPage()];
}
