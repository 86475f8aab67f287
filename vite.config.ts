import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { headersFor, readHeadersFile } from './scripts/headers.ts';

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
  plugins: [react(), tailwindcss(), securityHeaders()],
  resolve: { conditions: ['ect-source', ...defaultClientConditions] },
  build: { target: 'es2022', sourcemap: true },
  preview: { port: 4173, strictPort: true },
  server: { port: 5173 },
});
