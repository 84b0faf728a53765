/**
 * The Content-Security-Policy of the built app: scripts and workers only from the app's own origin (no
 * inline script, no eval), data fetched only from it, nothing embedded. Style attributes stay allowed:
 * React and recharts set element styles. Vite's dev server injects inline scripts (hot reload), so
 * the policy goes into the build's HTML (a <meta> tag, so it travels wherever the files are served)
 * and the preview server's headers.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** A Vite plugin that writes the policy into every HTML page of the build. */
export function cspVite() {
  return {
    name: 'optiplay-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
    ],
  };
}
