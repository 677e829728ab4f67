/**
 * E2E fixtures: a REAL desk per test file — createDeskApp on a fresh temp data dir + the web host on port 0 serving
 * build/renderer — and helpers that drive it like a clerk, by keyboard only.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDeskApp, type DeskApp } from '../../../electron/app.js';
import { startWebHost, type WebHost } from '../../../electron/web/host.js';
import type { MethodName, MethodInput, MethodOutput } from '../../../shared/api/contract.js';

export const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };
export const SITE = { siteName: 'Riverside Clinic', timeZone: 'America/Chicago', deskLabel: 'Front desk 1' };

export class E2EDesk {
  private seq = 0;
  constructor(
    readonly dir: string,
    readonly app: DeskApp,
    readonly host: WebHost,
  ) {}

  get launchUrl(): string {
    return this.host.launchUrl;
  }

  /** A call through the real dispatcher, as a separate (non-browser) session; throws on error. */
  async call<M extends MethodName>(method: M, input: MethodInput<M>, sessionKey = 'e2e:driver'): Promise<MethodOutput<M>> {
    const r = await this.app.dispatcher.call(sessionKey, method, input);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
    return r.value as MethodOutput<M>;
  }

  async isSetUp(): Promise<boolean> {
    return (await this.call('app.status', {})).setupDone;
  }

  /** First-run setup through the API (for specs that are not about setup), and an admin driver session. */
  async setupViaApi(): Promise<void> {
    if (!(await this.isSetUp())) await this.call('setup.initialize', { ...SITE, admin: ADMIN });
    await this.adminSession();
  }

  /** Signs the driver session in as the administrator (for API-side arrangement). */
  async adminSession(): Promise<string> {
    const key = 'e2e:driver';
    const cur = await this.call('session.current', {}, key);
    if (!cur.user || cur.locked) await this.call('session.signIn', { username: ADMIN.username, password: ADMIN.password }, key);
    return key;
  }

  /** Adds a user through the API; returns its credentials. */
  async addUser(role: 'clerk' | 'supervisor' | 'administrator', name = `user${++this.seq}`) {
    await this.adminSession();
    const u = { username: name, displayName: `${name[0]!.toUpperCase()}${name.slice(1)} Tester`, role, password: 'a long enough password' };
    await this.call('users.create', u);
    return u;
  }

  count(table: string, where = '1=1', ...params: unknown[]): number {
    return (this.app.store.db.prepare(`SELECT COUNT(*) n FROM ${table} WHERE ${where}`).get(...params) as { n: number }).n;
  }
}

async function startDesk(): Promise<E2EDesk> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accessdesk-e2e-'));
  const app = createDeskApp(dir);
  const host = await startWebHost(app, { port: 0, staticDir: process.env.ACCESSDESK_E2E_STATIC ?? path.resolve('build/renderer') });
  return new E2EDesk(dir, app, host);
}

async function stopDesk(d: E2EDesk): Promise<void> {
  await d.host.close();
  d.app.close();
  fs.rmSync(d.dir, { recursive: true, force: true });
}

/** One desk per test file: the worker keeps the current file's desk and replaces it when the file changes. */
export const test = base.extend<{ desk: E2EDesk }, { deskPool: { file: string; desk: E2EDesk } | { file: null; desk: null } }>({
  deskPool: [
    async ({}, use) => {
      const pool: { file: string | null; desk: E2EDesk | null } = { file: null, desk: null };
      await use(pool as { file: null; desk: null });
      if (pool.desk) await stopDesk(pool.desk);
    },
    { scope: 'worker' },
  ],
  desk: async ({ deskPool }, use, testInfo) => {
    const pool = deskPool as { file: string | null; desk: E2EDesk | null };
    if (pool.file !== testInfo.file || !pool.desk) {
      if (pool.desk) await stopDesk(pool.desk);
      pool.desk = await startDesk();
      pool.file = testInfo.file;
    }
    await use(pool.desk);
  },
});
export { expect };

// ---- keyboard helpers -----------------------------------------------------------------------------

/** Presses Tab until the focused element has this accessible label (by aria/labels), at most `max` times. */
export async function tabTo(page: Page, label: string | RegExp, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    const name = await focusedName(page);
    if (typeof label === 'string' ? name === label : label.test(name)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach "${label}" with Tab (last focus: "${await focusedName(page)}")`);
}

/** The accessible-ish name of the focused element: its label(s), aria-label, or text. */
export async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    /** visible-to-AT text: aria-hidden parts (key hints, required stars, check marks) removed */
    const textOf = (n: Element | null): string => {
      if (!n) return '';
      const c = n.cloneNode(true) as Element;
      c.querySelectorAll('[aria-hidden="true"], .ad-visually-hidden').forEach((h) => h.remove());
      return (c.textContent ?? '').replace(/\s+/g, ' ').trim();
    };
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '';
    const aria = el.getAttribute('aria-label');
    if (aria) return aria.trim();
    const labelledby = el.getAttribute('aria-labelledby');
    if (labelledby) {
      const t = labelledby
        .split(/\s+/)
        .map((id) => textOf(document.getElementById(id)))
        .join(' ')
        .trim();
      if (t) return t;
    }
    const labels = (el as HTMLInputElement).labels;
    if (labels && labels.length) return textOf(labels[0]!);
    return textOf(el);
  });
}

/** Types into the focused field (replacing its content). */
export async function typeHere(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  if (text) await page.keyboard.type(text);
}

/** Tab to a field by label and type into it. */
export async function fillByKeyboard(page: Page, label: string | RegExp, text: string): Promise<void> {
  await tabTo(page, label);
  await typeHere(page, text);
}

/** Opens the app for this desk (launch URL carries the per-launch key). */
export async function openDesk(page: Page, desk: E2EDesk): Promise<void> {
  await page.goto(desk.launchUrl);
  await expect(page.locator('main')).toBeVisible();
}

/** Fills the first-run setup form by keyboard and submits with Enter. */
export async function runSetup(page: Page, opts: { confirm?: string } = {}): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Set up this desk' })).toBeVisible();
  await fillByKeyboard(page, 'Site name', SITE.siteName);
  // time zone: leave the default (from Intl / the browser's zone)
  await fillByKeyboard(page, 'Desk name', SITE.deskLabel);
  await fillByKeyboard(page, 'User name', ADMIN.username);
  await fillByKeyboard(page, 'Display name', ADMIN.displayName);
  await fillByKeyboard(page, 'Password', ADMIN.password);
  await fillByKeyboard(page, 'Confirm password', opts.confirm ?? ADMIN.password);
  await page.keyboard.press('Enter');
}

/** Signs in by keyboard from the sign-in screen. */
export async function signIn(page: Page, user: { username: string; password: string } = ADMIN): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await fillByKeyboard(page, 'User name', user.username);
  await fillByKeyboard(page, 'Password', user.password);
  await page.keyboard.press('Enter');
}

/** Opens the desk (set up via API if needed) and signs in; ends on the main layout. */
/** The patient search box (the shell's contract with the search screen: SEARCH_INPUT_ID). */
export const SEARCH_INPUT = '#patient-search-input';

/** The nav button of the current screen. */
export function currentScreen(page: Page) {
  return page.getByRole('navigation', { name: 'Screens' }).locator('[aria-current="page"]');
}

export async function openSignedIn(page: Page, desk: E2EDesk, user: { username: string; password: string } = ADMIN): Promise<void> {
  await desk.setupViaApi();
  await openDesk(page, desk);
  await signIn(page, user);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
}

// ---- checks ---------------------------------------------------------------------------------------

/** axe-core on the whole page: no serious or critical violations. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`),
    `axe on ${what}`,
  ).toEqual([]);
}

/** Screenshot at the test viewport (1366x768) under test-results/screens/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join('test-results', 'screens', `${name}.png`) });
}
