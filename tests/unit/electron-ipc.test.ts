import { afterEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { createBridge, createPreloadBridge } from '../../electron/ipc/bridge.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../electron/ipc/channels.js';
import { createIpcCallHandler, ipcSessionKey, type InvokeEventLike } from '../../electron/ipc/main-handler.js';
import { APP_START_URL } from '../../electron/security/navigation.js';
import { METHOD_NAMES } from '../../shared/api/contract.js';
import { TestDesk, ADMIN } from '../support/desk.js';

describe('preload bridge', () => {
  it('exposes exactly the contract methods and onEvent, nothing else', () => {
    const bridge = createBridge(async () => ({ ok: true, value: null }), () => () => {});
    expect(Object.keys(bridge).sort()).toEqual(['api', 'onEvent']);
    expect(Object.keys(bridge.api)).toEqual(METHOD_NAMES);
    expect(Object.getOwnPropertyNames(bridge.api)).toEqual(METHOD_NAMES);
    for (const m of METHOD_NAMES) expect(typeof bridge.api[m]).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.api)).toBe(true);
    expect('send' in bridge || 'invoke' in bridge || 'ipcRenderer' in bridge).toBe(false);
  });

  it('each method invokes its own name with the input, and returns the result', async () => {
    const calls: [string, unknown][] = [];
    const bridge = createBridge(async (m, i) => {
      calls.push([m, i]);
      return { ok: true, value: m };
    }, () => () => {});
    await expect(bridge.api['patients.search']({ q: 'smith' })).resolves.toEqual({ ok: true, value: 'patients.search' });
    await bridge.api['app.status']({});
    expect(calls).toEqual([
      ['patients.search', { q: 'smith' }],
      ['app.status', {}],
    ]);
  });

  it('over ipcRenderer: one invoke channel; events reach the listener without the Electron event object', async () => {
    const invoked: unknown[][] = [];
    const ipc = new (class extends EventEmitter {
      invoke(channel: string, ...args: unknown[]) {
        invoked.push([channel, ...args]);
        return Promise.resolve({ ok: true, value: 1 });
      }
    })();
    const bridge = createPreloadBridge(ipc);
    await bridge.api['session.current']({});
    expect(invoked).toEqual([[IPC_CALL_CHANNEL, 'session.current', {}]]);

    const got: unknown[][] = [];
    const off = bridge.onEvent((...args: unknown[]) => got.push(args));
    const fakeEvent = { sender: ipc, senderId: 0 };
    ipc.emit(IPC_EVENT_CHANNEL, fakeEvent, 'patients.changed', { id: 'x', version: 2 });
    ipc.emit(IPC_EVENT_CHANNEL, fakeEvent, { not: 'a name' }, {});
    expect(got).toEqual([['patients.changed', { id: 'x', version: 2 }]]);
    off();
    expect(ipc.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
    ipc.emit(IPC_EVENT_CHANNEL, fakeEvent, 'patients.changed', {});
    expect(got).toHaveLength(1);
    expect(() => bridge.onEvent('nope' as never)).toThrow(TypeError);
  });
});

describe('main IPC handler (real dispatcher, real SQLite store)', () => {
  let desk: TestDesk | null = null;
  afterEach(() => {
    desk?.destroy();
    desk = null;
  });
  const frame = { url: APP_START_URL };
  const ev = (id: number, opts: { url?: string | null; subframe?: boolean } = {}): InvokeEventLike => {
    const mainFrame = { url: opts.url ?? APP_START_URL };
    return { sender: { id, mainFrame }, senderFrame: opts.url === null ? null : opts.subframe ? frame : mainFrame };
  };

  it('serves our window with one session per window, and refuses anyone else', async () => {
    desk = new TestDesk();
    const handle = createIpcCallHandler(desk.app.dispatcher, new Set([1, 2]));
    const setup = await handle(ev(1), 'setup.initialize', { siteName: 'Riverside', timeZone: 'America/Chicago', deskLabel: 'Desk 1', admin: ADMIN });
    expect(setup).toEqual({ ok: true, value: { ok: true } });
    const signIn = await handle(ev(1), 'session.signIn', { username: ADMIN.username, password: ADMIN.password });
    expect(signIn.ok).toBe(true);
    expect(desk.app.sessions.get(ipcSessionKey(1))?.userName).toBe(ADMIN.displayName);

    // Window 1 is signed in, window 2 is not: sessions are per WebContents.
    expect((await handle(ev(1), 'users.list', {})).ok).toBe(true);
    const other = await handle(ev(2), 'users.list', {});
    expect(other.ok === false && other.error.code).toBe('UNAUTHENTICATED');

    const auditBefore = desk.count('audit_log');
    for (const bad of [ev(3), ev(1, { subframe: true }), ev(1, { url: null }), ev(1, { url: 'https://evil.example/' }), ev(1, { url: 'app://desk.evil/' })]) {
      const r = await handle(bad, 'users.list', {});
      expect(r.ok === false && r.error.code).toBe('FORBIDDEN');
    }
    expect(desk.count('audit_log')).toBe(auditBefore);

    const unknown = await handle(ev(1), { toString: () => 'users.list' }, {});
    expect(unknown.ok === false && unknown.error.code).toBe('UNKNOWN_METHOD');
  });
});
