import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { VitePWA } from 'vite-plugin-pwa';
import { headersFor, readHeadersFile } from './scripts/headers.ts';

/**
 * Offline after the first visit: a service worker (Workbox's generateSW, bundled into sw.js at
 * build time: nothing is fetched from a CDN, at build or at run time) precaches the app shell and
 * every chunk (the lazy tabs and the workers included), and serves them when the network is gone.
 * The app registers it itself (src/app/offline.ts) and says so in the header; there is no
 * auto-reload on update (an open ledger import must never be cut by one): a new version takes
 * over on the next visit.
 */
const pwa = VitePWA({
  injectRegister: false,
  registerType: 'prompt',
  strategies: 'generateSW',
  filename: 'sw.js',
  // The glob below already takes the icons and the manifest; listing them again would repeat them.
  includeManifestIcons: false,
  manifest: {
    name: 'ECT Workbench',
    short_name: 'ECT Workbench',
    description:
      'Decode, verify, create and audit Execution Context Tokens (draft-nennemann-wimse-ect), in your browser, offline.',
    start_url: './',
    scope: './',
    display: 'standalone',
    background_color: '#f8fafc',
    theme_color: '#0369a1',
    icons: [
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{html,js,css,svg,png,webmanifest}'],
    // The largest chunk (the graph explorer) is under 1 MB; the default cap of 2 MB leaves room.
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    skipWaiting: true,
    // The Workbox runtime goes into sw.js itself: one file, no importScripts of anything.
    inlineWorkboxRuntime: true,
    sourcemap: false,
  },
});

/**
 * The security headers of public/_headers (which static hosts read) are sent by `vite preview`
 * too, so the tests see what a deployed app gets. The development server injects the CSS as
 * <style> elements, which the app's CSP (no 'unsafe-inline') blocks: only there, style-src allows
 * inline styles. The build keeps the strict policy.
 */
function securityHeaders(): Plugin {
  const rules = readHeadersFile(new URL('./public/_headers', import.meta.url));
  return {
    name: 'ect-security-headers',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        for (const [name, value] of Object.entries(headersFor(rules, path))) res.setHeader(name, value);
        next();
      });
    },
    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        return ctx.server ? html.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';") : html;
      },
    },
  };
}

// Relative base so the built app works from any folder (file server, GitHub Pages, a zip).
// The `ect-source` condition makes `wimse-ect` (the library in packages/ect) resolve to its
// TypeScript sources, so the app never waits for, or runs on a stale, build of the library.
export default defineConfig({
  base: './',
  plugins: [react(), tailwindcss(), securityHeaders(), pwa],
  resolve: { conditions: ['ect-source', ...defaultClientConditions] },
  build: { target: 'es2022', sourcemap: true },
  preview: { port: 4173, strictPort: true },
  server: { port: 5173 },
});
