import { Button as AriaButton, type ButtonProps as AriaButtonProps } from 'react-aria-components';
import { forwardRef, type ReactNode } from 'react';

export interface ButtonProps extends Omit<AriaButtonProps, 'className' | 'children'> {
  children: ReactNode;
  variant?: 'primary' | 'secondary' | 'danger' | 'quiet';
  size?: 'normal' | 'small';
  /** shown as a key hint inside the button, e.g. "Alt+L"; announced via aria-keyshortcuts */
  shortcut?: string;
  className?: string;
  'aria-current'?: 'page' | undefined;
}

/** The app's button (react-aria Button: Enter/Space, press states, focus ring). */
export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { children, variant = 'secondary', size = 'normal', shortcut, className, ...rest },
  ref,
) {
  const cls = ['ad-btn', `ad-btn--${variant}`, size === 'small' ? 'ad-btn--small' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <AriaButton ref={ref} className={cls} aria-keyshortcuts={shortcut ? toAriaKeys(shortcut) : undefined} {...rest}>
      {children}
      {shortcut && <kbd aria-hidden="true">{shortcut}</kbd>}
    </AriaButton>
  );
});

/** "Alt+S" -> "Alt+S", "Ctrl+Enter" -> "Control+Enter", "Esc" -> "Escape" (ARIA key names). */
export function toAriaKeys(k: string): string {
  return k
    .split(' / ')
    .map((one) => one.replace(/\bCtrl\b/g, 'Control').replace(/\bEsc\b/g, 'Escape'))
    .join(' ');
}
