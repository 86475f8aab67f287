#!/usr/bin/env node
// Builds the library package (packages/ect): ESM JavaScript and type declarations in
// packages/ect/dist/, from the TypeScript sources, with relative `.ts` imports rewritten to `.js`
// (TypeScript's rewriteRelativeImportExtensions). Run by `npm run build:lib` and by `npm pack`
// (prepack); the app, the unit tests and `npm run ect` read the sources directly.
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages/ect');
rmSync(join(pkg, 'dist'), { recursive: true, force: true });
const r = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(pkg, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);
chmodSync(join(pkg, 'dist/cli/main.js'), 0o755);
