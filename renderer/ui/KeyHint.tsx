/** A key as the clerk presses it, e.g. <KeyHint keys="Alt+S" />. Screen readers hear "shortcut Alt+S". */
export function KeyHint({ keys, label }: { keys: string; label?: string }) {
  return (
    <kbd className="ad-kbd" aria-label={label ?? `shortcut ${keys}`}>
      {keys}
    </kbd>
  );
}
