import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDeskApp, type DeskApp } from '../../electron/app.js';
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
  constructor(dir = tempDir()) {
    this.dir = dir;
    this.app = createDeskApp(dir);
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
