/**
 * Where the focus goes when a payments dialog closes and the element it came from is gone (the check-in dialog that
 * opened the payment, a sign-off form that unmounted): never the page body. The screen's own target when there is
 * one (the patient search box, the board's list keep their own focus rules), else the screen's heading.
 */
export function focusAfterClose(preferred?: () => HTMLElement | null): void {
  requestAnimationFrame(() => {
    const a = document.activeElement;
    if (a && a !== document.body && a.isConnected) return;
    const target = preferred?.() ?? document.querySelector<HTMLElement>('#patient-search-input') ?? document.querySelector<HTMLElement>('main h1[tabindex="-1"]') ?? document.querySelector<HTMLElement>('main');
    target?.focus();
  });
}
