#!/usr/bin/env node
// `npm run ect -- …`: runs the ect CLI (packages/ect/src/cli/main.ts). The TypeScript is
// bundled with esbuild into node_modules/.cache/ect/ whenever a source file is
// newer than the bundle (about 50 ms), then imported: a run starts in ~0.1 s
// instead of ~0.6 s through a TypeScript loader. The bundle is written to a
// temporary file and renamed, so parallel runs never read a half-written one.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'packages/ect/src/cli/main.ts');
const out = join(root, 'node_modules/.cache/ect/ect.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

let built = 0;
try {
  built = statSync(out).mtimeMs;
} catch {
  // not built yet
}
const sources = Math.max(
  newestSource(join(root, 'packages/ect/src')),
  statSync(join(root, 'package-lock.json')).mtimeMs,
);
if (sources > built) {
  const { build } = await import('esbuild');
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: tmp,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  renameSync(tmp, out);
}
await import(pathToFileURL(out).href);
