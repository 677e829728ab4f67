/**
 * Where the desk window may go: only our own `app://desk/...` pages. Everything else (http, https, file, other custom
 * schemes, other hosts of our scheme) is refused. Compared with `new URL()` — never with string prefixes, which
 * `app://desk.evil/` or `app://desk@evil/` would fool.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The renderer's entry page. */
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when `url` is a page of our own app origin (app://desk), with no credentials and no explicit port. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    // Node's URL keeps case for non-special schemes; Chromium lowercases standard schemes. Accept both.
    u.hostname.toLowerCase() === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}

/** will-navigate / will-redirect / will-frame-navigate: allowed only within our app origin. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** setWindowOpenHandler: the desk never opens windows from the renderer (no popups, no external links). */
export function windowOpenHandler(_details: { url: string }): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Requests the session may make at all (webRequest.onBeforeRequest): our own origin, plus in-page data:/blob: URLs
 * (images the renderer builds itself) and the devtools front-end in development. No remote content, ever.
 */
export function isAllowedRequestUrl(url: string, opts: { devTools?: boolean } = {}): boolean {
  if (isAppUrl(url)) return true;
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'data:') return true;
  if (u.protocol === 'blob:') return isAppUrl(url.slice('blob:'.length));
  if (opts.devTools && (u.protocol === 'devtools:' || u.protocol === 'chrome-extension:')) return true;
  return false;
}
