/**
 * Sandboxed preload (bundled to CommonJS by scripts/build-electron.mjs; a sandboxed preload can only require
 * 'electron'). Exposes exactly `window.accessDesk = { api: { <each contract method> }, onEvent }` — see
 * electron/ipc/bridge.ts. Nothing else crosses the bridge.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './ipc/bridge.js';

contextBridge.exposeInMainWorld('accessDesk', createPreloadBridge(ipcRenderer));
