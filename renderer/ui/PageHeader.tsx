import { useEffect, useRef, type ReactNode } from 'react';
import { Toolbar as AriaToolbar } from 'react-aria-components';

/**
 * A screen's title row: <h1> plus optional subtitle and actions. With `focusOnMount` the heading takes focus when
 * the screen opens, so keyboard and screen-reader users start at the top of the new screen. `truncateTitle`: a title
 * that can be very long (a patient's name) is cut with an ellipsis on one line; the whole of it stays the heading's
 * text (read by assistive technology) and its tooltip.
 */
export function PageHeader({
  title,
  subtitle,
  children,
  focusOnMount = false,
  truncateTitle = false,
}: {
  title: string;
  subtitle?: ReactNode;
  children?: ReactNode;
  focusOnMount?: boolean;
  truncateTitle?: boolean;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  return (
    <div className="ad-page-header">
      <h1 ref={ref} tabIndex={-1} className={truncateTitle ? 'ad-title--truncate' : undefined} title={truncateTitle ? title : undefined}>
        {title}
      </h1>
      {subtitle && <span className="ad-sub">{subtitle}</span>}
      <span className="ad-spacer" />
      {children}
    </div>
  );
}

/** A row of controls (react-aria Toolbar: arrow keys move between them, Tab leaves). */
export function Toolbar({ children, label }: { children: ReactNode; label: string }) {
  return (
    <AriaToolbar aria-label={label} className="ad-toolbar">
      {children}
    </AriaToolbar>
  );
}
