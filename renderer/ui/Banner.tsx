import type { ReactNode } from 'react';

export type BannerTone = 'error' | 'info' | 'success' | 'warning';

const ICON: Record<BannerTone, string> = { error: '⚠', info: 'ℹ', success: '✓', warning: '!' };
const WORD: Record<BannerTone, string> = { error: 'Error:', info: 'Note:', success: 'Done:', warning: 'Warning:' };

/**
 * A message strip. Errors use role="alert" (announced at once) and always carry an icon and the word "Error",
 * never colour alone. Others use role="status".
 */
export function Banner({ tone = 'info', title, children, id }: { tone?: BannerTone; title?: string; children?: ReactNode; id?: string }) {
  return (
    <div id={id} className={`ad-banner ad-banner--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <span className="ad-banner__icon" aria-hidden="true">
        {ICON[tone]}
      </span>
      <div>
        <span className="ad-banner__title">{title ?? WORD[tone]}</span>
        {children}
      </div>
    </div>
  );
}

/** Alias: an error banner. */
export function Alert({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <Banner tone="error" title={title}>
      {children}
    </Banner>
  );
}
