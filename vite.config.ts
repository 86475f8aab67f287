import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// Relative base so the built app works from any folder (file server, GitHub Pages, a zip).
// The `ect-source` condition makes `wimse-ect` (the library in packages/ect) resolve to its
// TypeScript sources, so the app never waits for, or runs on a stale, build of the library.
export default defineConfig({
  base: './',
  plugins: [react(), tailwindcss()],
  resolve: { conditions: ['ect-source', ...defaultClientConditions] },
  build: { target: 'es2022', sourcemap: true },
  preview: { port: 4173, strictPort: true },
  server: { port: 5173 },
});
