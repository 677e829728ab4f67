import type { MenuItemConstructorOptions } from 'electron';

/**
 * A minimal application menu: quit, the standard edit roles (so copy/paste shortcuts work in inputs), zoom, and
 * developer tools only in development. No "open URL", no "reload from remote", nothing that loads content.
 */
export function menuTemplate(opts: { isMac: boolean; devTools: boolean }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (opts.devTools) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  return [
    ...(opts.isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: '&File', submenu: [opts.isMac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
  ];
}
