import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The renderer's webPreferences: an isolated, sandboxed page with no Node, normal web security, no <webview>, no
 * mixed content, no spellchecker (it would send typed PHI to a dictionary service on some platforms).
 */
export function windowWebPreferences(preloadPath: string, opts: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    experimentalFeatures: false,
    enableWebSQL: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    devTools: opts.devTools ?? false,
  };
}

/** The one desk window. */
export function mainWindowOptions(preloadPath: string, opts: { devTools?: boolean; icon?: string } = {}): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    title: 'AccessDesk',
    show: false, // shown on ready-to-show: no white flash
    backgroundColor: '#ffffff',
    autoHideMenuBar: false,
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: windowWebPreferences(preloadPath, { devTools: opts.devTools }),
  };
}
