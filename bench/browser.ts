/**
 * `npm run bench:browser`: the built app in Debian's headless Chromium (Playwright), every figure
 * a ratio against a baseline measured in the same run. Prints a table for people and, as its last
 * line, one JSON object of named figures for machines.
 *
 *   verify:   full-profile verifyToken vs raw `crypto.subtle.verify` of the same signatures, in
 *             the page, one thread (target: at least 0.8 of raw)
 *   import:   10,000 and 100,000 tokens into an IndexedDB ledger through the app's own pipeline
 *             (decode, verify, hash chain, write, chain check, DAG rules) with the verification
 *             workers, vs raw verify of the same tokens on one thread (target: at most 1.5x) and
 *             vs the same import on one thread (target: at least 1.6x faster)
 *   explorer: the Graph tab, from "Add to ledger" to the first full drawing of 1,000 and 5,000
 *             tokens, and frames per second while panning (target: 30 at 1,000 drawn nodes, and
 *             at 5,000 collapsed or culled)
 *   hostile:  one token naming 100,000 parents no ledger holds, from "Add to ledger" to the drawn
 *             graph: the longest main-thread task meanwhile, and its share of the whole wait
 *             (informational; e2e/hostile-ledger.spec.ts checks the behaviour, not the time)
 *   bundle:   the JavaScript index.html loads at once (scripts and modulepreloads), gzipped
 *             (target: at most 250 KB)
 *
 * The app is built into dist-bench-app/ (and the bench page, bench/page/, beside it in _bench/),
 * served by `vite preview` on a free port. BENCH_QUICK=1 shrinks the sizes for a smoke run;
 * BENCH_ONLY=import, BENCH_ONLY=explorer or BENCH_ONLY=hostile runs one part (or a
 * comma-separated list of them).
 *
 * BENCH_LOAD=N runs the import part a second time with N busy-looping processes on the machine
 * (issue 17's loaded case, made reproducible): its figures are named import.loadN.*, the quiet
 * ones import.*. BENCH_WORKERS=1,2 also times the import with that many workers forced (the
 * app's own choice, `workers_ms`, is what the per-import decision makes of it).
 *
 * This file builds, serves and reports; each part is in a module of its own: browser-import.ts
 * (verify and import), browser-explorer.ts (explorer and hostile), browser-huge.ts (huge), and
 * what they share in browser-common.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_LAUNCH } from '../scripts/chromium.ts';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { build as esbuild } from 'esbuild';
import { build } from 'vite';
import { BASE_BUILD, figures, PROFILE, quick, record, rows } from './browser-common.ts';
import { huge } from './browser-huge.ts';
import { verifyAndImport } from './browser-import.ts';
import { explorer, hostile } from './browser-explorer.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = 'dist-bench-app';
/** BENCH_ONLY=import, explorer, hostile or huge runs one part (verify and import are one part; huge only when named). */
const only = process.env.BENCH_ONLY?.split(',');
const runs = (part: 'import' | 'explorer' | 'hostile' | 'huge') =>
  part === 'huge' ? (only?.includes('huge') ?? false) : !only || only.includes(part);
const loadAtStart = loadavg();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function serve(port: number): Promise<ChildProcess> {
  const child = spawn(
    join(ROOT, 'node_modules/.bin/vite'),
    ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', OUT],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('vite preview did not start');
}

/** (7) The JavaScript index.html loads at once: module scripts and modulepreloads, gzipped. */
function initialJs(): { files: string[]; raw: number; gzip: number } {
  const html = readFileSync(join(ROOT, OUT, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  for (const f of new Set(files)) {
    const bytes = readFileSync(join(ROOT, OUT, f));
    raw += bytes.length;
    gzip += gzipSync(bytes).length; // zlib's default level (6), what servers commonly send
  }
  return { files: [...new Set(files)], raw, gzip };
}

async function main() {
  console.error('building the app and the bench page…');
  // Profiled, the app is not minified: the profile's function names are the source's.
  await build({
    root: ROOT,
    logLevel: 'warn',
    build: { outDir: OUT, emptyOutDir: true, ...(PROFILE ? { minify: false } : {}) },
  });
  await build({
    root: ROOT,
    logLevel: 'warn',
    build: {
      outDir: `${OUT}/_bench`,
      emptyOutDir: true,
      rolldownOptions: { input: { bench: join(ROOT, 'bench/page/index.html') } },
      ...(PROFILE ? { minify: false } : {}),
    },
  });
  if (BASE_BUILD) cpSync(BASE_BUILD, join(ROOT, OUT, '_base'), { recursive: true });
  const probe = (
    await esbuild({
      entryPoints: [join(ROOT, 'bench/page/probe.ts')],
      bundle: true,
      format: 'iife',
      target: 'es2022',
      write: false,
    })
  ).outputFiles[0]!.text;

  const js = initialJs();
  const port = await freePort();
  const server = await serve(port);
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const version = browser.version();
    console.error(`Chromium ${version}, ${cpus().length} cores`);

    // ---- (1) verify throughput and (2) import, in the bench page
    if (runs('import')) await verifyAndImport(browser, base);

    // ---- (5) the DAG explorer and (6) a hostile token, in the real app
    if (runs('explorer')) await explorer(browser, base, probe);
    if (runs('hostile')) await hostile(browser, base, probe);

    // ---- (7) a quarter of a million tokens (only with BENCH_ONLY=huge: minutes, and GBs)
    if (runs('huge')) await huge(browser, base, probe);

    // ---- (8) initial JavaScript
    record(
      'bundle.initial_js_gzip_kb',
      js.gzip / 1024,
      `${(js.gzip / 1024).toFixed(1)} KB gzipped initial JS (${(js.raw / 1024).toFixed(0)} KB raw, ${js.files.length} files; target <= 250)`,
    );

    const width = Math.max(...rows.map(([n]) => n.length));
    console.log(
      `ECT Workbench browser bench (Chromium ${version}, Node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, ${quick ? 'quick' : 'full'})`,
    );
    const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    const loadAtEnd = loadavg();
    console.log(`load average (1, 5, 15 min) at start ${loads(loadAtStart)}, at end ${loads(loadAtEnd)}`);
    figures['load.start_1min'] = Math.round(loadAtStart[0]! * 100) / 100;
    figures['load.end_1min'] = Math.round(loadAtEnd[0]! * 100) / 100;
    for (const [name, shown] of rows) console.log(`${name.padEnd(width)}  ${shown}`);
    console.log(JSON.stringify(figures));
  } finally {
    await browser.close();
    server.kill();
  }
}

await main();
