import { Dialog } from '../ui/Dialog.js';
import { useOverlays } from './overlays.js';
import { useSession } from './session.js';
import { SCOPE_LABELS, SHORTCUTS, keysLabel, type ShortcutScope } from './shortcuts.js';

/** F1 / Shift+?: every key from SHORTCUTS, grouped by scope. */
export function HelpOverlay() {
  const open = useOverlays((s) => s.help);
  const close = useOverlays((s) => s.close);
  const isAdmin = useSession((s) => s.user?.role === 'administrator');
  const isSupervisor = useSession((s) => s.user?.role === 'supervisor' || s.user?.role === 'administrator');
  const visible = SHORTCUTS.filter((s) => (isAdmin || !s.adminOnly) && (isSupervisor || !s.supervisorOnly));
  const scopes = [...new Set(visible.map((s) => s.scope))] as ShortcutScope[];
  return (
    <Dialog isOpen={open} onClose={close} title="Keyboard keys" className="ad-help">
      <div className="ad-help-grid" tabIndex={0} aria-label="Keys by area">
        {scopes.map((scope) => (
          <section key={scope} aria-labelledby={`help-${scope}`}>
            <h3 id={`help-${scope}`}>{SCOPE_LABELS[scope]}</h3>
            <table>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Does</th>
                </tr>
              </thead>
              <tbody>
                {visible.filter((s) => s.scope === scope).map((s) => (
                  <tr key={s.id}>
                    <td>
                      <kbd>{keysLabel(s)}</kbd>
                    </td>
                    <td>{s.label}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
