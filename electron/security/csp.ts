/**
 * One strict Content-Security-Policy for both the Electron window and the web host: only our own scripts and
 * styles, no eval, no remote content, no plugins, no framing. connect-src 'self' covers the web host's API and
 * WebSocket (same origin).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'self'",
].join('; ');
