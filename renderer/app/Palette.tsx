import { Autocomplete, Input, Label, ListBox, ListBoxItem, SearchField, useFilter } from 'react-aria-components';
import { Dialog } from '../ui/Dialog.js';
import { useOverlays } from './overlays.js';
import { useSession } from './session.js';
import { paletteCommands } from './commands.js';

/**
 * Command palette (Ctrl+K): react-aria Autocomplete = a search field driving a ListBox (the ComboBox pattern,
 * but the list stays open). Type to filter, ↑/↓ to move, Enter runs, Esc closes. Every command shows its key.
 */
export function Palette() {
  const open = useOverlays((s) => s.palette);
  const close = useOverlays((s) => s.close);
  const isAdmin = useSession((s) => s.user?.role === 'administrator');
  const { contains } = useFilter({ sensitivity: 'base' });
  const isSupervisor = useSession((s) => s.user?.role === 'supervisor' || s.user?.role === 'administrator');
  const commands = paletteCommands(isAdmin, isSupervisor);
  return (
    <Dialog isOpen={open} onClose={close} title="Commands" className="ad-palette" hideClose>
      <Autocomplete filter={contains}>
        <SearchField className="ad-field" autoFocus aria-describedby="palette-hint">
          <Label className="ad-label">Type a command</Label>
          <Input className="ad-input" placeholder="e.g. users, lock, new patient" />
        </SearchField>
        <p id="palette-hint" className="ad-desc">
          ↑ ↓ to choose, Enter to run, Esc to close.
        </p>
        {/* The list scrolls (many commands): its scroll container is itself focusable so the list can be scrolled by
            keyboard too (axe scrollable-region-focusable); ↑/↓ from the search field stay the way to choose. */}
        <div className="ad-list-scroll" tabIndex={0} role="group" aria-label="Command list">
        <ListBox
          className="ad-list"
          aria-label="Commands"
          items={commands}
          renderEmptyState={() => <div className="ad-empty">No command matches.</div>}
          onAction={(key) => {
            const cmd = commands.find((c) => c.id === key);
            close();
            // run after the dialog has closed and returned focus
            if (cmd) setTimeout(() => cmd.run(), 0);
          }}
        >
          {(c) => (
            <ListBoxItem id={c.id} textValue={c.label} className="ad-list-item">
              <span>{c.label}</span>
              {c.keys && <kbd aria-label={`shortcut ${c.keys}`}>{c.keys}</kbd>}
            </ListBoxItem>
          )}
        </ListBox>
        </div>
      </Autocomplete>
    </Dialog>
  );
}
