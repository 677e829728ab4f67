import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDeskApp, type DeskApp } from '../../electron/app.js';
import type { Clock } from '../../electron/store/store.js';
import type { MethodName, MethodInput, MethodOutput } from '../../shared/api/contract.js';
import type { ApiResult } from '../../shared/api/errors.js';

export function tempDir(prefix = 'accessdesk-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const ADMIN = { username: 'admin', displayName: 'Ada Admin', password: 'correct horse battery' };

/** A desk on a real SQLite file in a temp directory, driven through the real dispatcher. */
export class TestDesk {
  readonly dir: string;
  readonly app: DeskApp;
  constructor(dir = tempDir(), opts: { clock?: Clock } = {}) {
    this.dir = dir;
    this.app = createDeskApp(dir, { clock: opts.clock });
  }
  /** Raw call: returns the envelope (for error assertions). */
  raw(method: string, input: unknown, sessionKey = 'test:1'): Promise<ApiResult<unknown>> {
    return this.app.dispatcher.call(sessionKey, method, input);
  }
  /** Typed call that throws on error. */
  async call<M extends MethodName>(method: M, input: MethodInput<M>, sessionKey = 'test:1'): Promise<MethodOutput<M>> {
    const r = await this.app.dispatcher.call(sessionKey, method, input);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message} ${JSON.stringify(r.error.fields ?? {})}`);
    return r.value as MethodOutput<M>;
  }
  async setup(sessionKey = 'test:1'): Promise<void> {
    await this.call('setup.initialize', { siteName: 'Riverside Clinic', timeZone: 'America/Chicago', deskLabel: 'Front desk 1', admin: ADMIN }, sessionKey);
    await this.call('session.signIn', { username: ADMIN.username, password: ADMIN.password }, sessionKey);
  }
  count(table: string): number {
    return (this.app.store.db.prepare(`SELECT COUNT(*) n FROM ${table}`).get() as { n: number }).n;
  }
  close(): void {
    this.app.close();
  }
  destroy(): void {
    this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A clock that runs with real time but reads as today's business day at 12:00 in `tz` (plus the time elapsed since it
 * was made): a test that books "a few minutes from now" and expects one business day holds at any hour it runs
 * (at 23:55 in Chicago, "now + 10 minutes" is tomorrow).
 */
export function middayClock(tz = 'America/Chicago'): Clock & { nowMs(): number } {
  const t0 = Date.now();
  const hm = new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(t0));
  const part = (k: string) => Number(hm.find((p) => p.type === k)!.value);
  const base = t0 + ((12 - part('hour')) * 3600 - part('minute') * 60 - part('second')) * 1000;
  const nowMs = () => base + (Date.now() - t0);
  return { now: () => new Date(nowMs()), nowMs };
}
