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
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_LAUNCH } from '../scripts/chromium.ts';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { build as esbuild } from 'esbuild';
import { build } from 'vite';
import {
  BASE_BUILD,
  figures,
  fmt,
  importAccount,
  median,
  newPage,
  openBenchPage,
  PAN_MS,
  panFps,
  PROFILE,
  quick,
  record,
  rows,
  zoomTo,
  type InPage,
} from './browser-common.ts';
import { huge } from './browser-huge.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = 'dist-bench-app';
/** BENCH_ONLY=import, explorer, hostile or huge runs one part (verify and import are one part; huge only when named). */
const only = process.env.BENCH_ONLY?.split(',');
const runs = (part: 'import' | 'explorer' | 'hostile' | 'huge') =>
  part === 'huge' ? (only?.includes('huge') ?? false) : !only || only.includes(part);
/** BENCH_SIZES=10000 (comma-separated) overrides the import sizes. */
const SIZES = process.env.BENCH_SIZES
  ? process.env.BENCH_SIZES.split(',').map(Number)
  : quick
    ? [1000, 5000]
    : [10000, 100000];
const loadAtStart = loadavg();
/** BENCH_LOAD=N: the import part again with N busy-looping processes (see the header). */
const BUSY = Math.max(0, Math.floor(Number(process.env.BENCH_LOAD ?? 0)));
/** BENCH_WORKERS=1,2: worker counts timed besides the app's own choice and one thread. */
const FORCED_WORKERS = (process.env.BENCH_WORKERS ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number)
  .filter((n) => n > 0);
/** BENCH_GRAPH_SIZES=5000 (comma-separated) overrides the explorer's sizes. */
const GRAPH_SIZES = process.env.BENCH_GRAPH_SIZES
  ? process.env.BENCH_GRAPH_SIZES.split(',').map(Number)
  : quick
    ? [300, 1000]
    : [1000, 5000];

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

/**
 * `n` processes that loop without end (BENCH_LOAD), started now; the function returned ends them
 * (each by its pid; also when this process exits early). Each in a session of its own, as other
 * people's work on the machine is: Linux (autogroup) shares the CPU fairly between sessions, then
 * between the threads of a session, so loops started in the bench's own session would only
 * compete with Chromium's threads, and the more threads (workers) the larger the bench's share.
 */
function busyLoops(n: number): () => void {
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', detached: true }),
  );
  const stop = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.once('exit', stop);
  return () => {
    stop();
    process.off('exit', stop);
  };
}

/**
 * (2) The import of `size` tokens, rounds of: raw verify on one thread, the import with the app's
 * own choice of workers, the same with each BENCH_WORKERS count forced, and on one thread.
 * `busy`: how many busy loops run meanwhile (0: quiet), named in the figures as import.loadN.
 */
async function importFigures(page: Page, size: number, busy: number, cpuNow: () => Promise<number>) {
  const name = busy ? `import.load${busy}.${size}` : `import.${size}`;
  const under = busy ? ` (${busy} busy loop${busy === 1 ? '' : 's'})` : '';
  const repeat = size <= 10000 ? 3 : 1;
  const raw: number[] = [];
  const pool: number[] = [];
  const one: number[] = [];
  const forced = new Map<number, number[]>(FORCED_WORKERS.map((w) => [w, []]));
  let poolAccount = '';
  let oneAccount = '';
  let workers = 0;
  const split: number[] = [];
  const poolCpu: number[] = [];
  const oneCpu: number[] = [];
  // The CPU time of every Chromium process (page, workers, the browser's IndexedDB) over the run:
  // what the import cost the machine, which other work on it disturbs less than the wall time.
  const run = async (tokens: number, count: number, cpu?: number[]) => {
    const c0 = await cpuNow();
    const result = await page.evaluate(
      ([n, w]) => (globalThis as unknown as InPage).ectBench.importRun(n, w),
      [tokens, count] as const,
    );
    cpu?.push((await cpuNow()) - c0);
    return result;
  };
  for (let r = 0; r < repeat; r++) {
    console.error(`import of ${fmt(size)} tokens${under}, round ${r + 1}/${repeat}…`);
    raw.push(await page.evaluate((n) => (globalThis as unknown as InPage).ectBench.rawVerify(n), size));
    const p = await run(size, -1, poolCpu);
    pool.push(p.ms);
    workers = p.run.workers;
    split.push(p.run.byPage / Math.max(1, p.run.byPage + p.run.byWorkers));
    if (p.ms === median(pool)) poolAccount = importAccount(p);
    for (const [w, times] of forced) times.push((await run(size, w)).ms);
    const o = await run(size, 0, oneCpu);
    one.push(o.ms);
    if (o.ms === median(one)) oneAccount = importAccount(o);
  }
  const rawMs = median(raw);
  const poolMs = median(pool);
  const oneMs = median(one);
  record(
    `${name}.raw_verify_ms`,
    rawMs,
    `${fmt(rawMs)} ms raw verify of ${fmt(size)} tokens, one thread${under}`,
  );
  record(
    `${name}.workers_ms`,
    poolMs,
    `${fmt(poolMs)} ms import, the app's choice: ${workers ? `${workers} verification worker${workers === 1 ? '' : 's'}` : 'no workers'} (${poolAccount})`,
  );
  record(`${name}.workers`, workers, `${workers} workers chosen by the per-import decision (issue 17)`);
  record(
    `${name}.page_share`,
    median(split),
    `${(median(split) * 100).toFixed(0)}% of the tokens verified by the page itself`,
  );
  for (const [w, times] of forced)
    record(
      `${name}.forced_${w}_workers_ms`,
      median(times),
      `${fmt(median(times))} ms import with ${w} worker${w === 1 ? '' : 's'} forced: ${(oneMs / median(times)).toFixed(2)}x faster than one thread`,
    );
  record(`${name}.one_thread_ms`, oneMs, `${fmt(oneMs)} ms import on one thread (${oneAccount})`);
  record(
    `${name}.cpu_vs_one_thread`,
    median(poolCpu) / median(oneCpu),
    `${(median(poolCpu) / median(oneCpu)).toFixed(2)}x the CPU time of one thread: ${median(poolCpu).toFixed(2)} s vs ${median(oneCpu).toFixed(2)} s (all Chromium processes; the app's choice)`,
  );
  record(
    `${name}.vs_raw`,
    poolMs / rawMs,
    `${(poolMs / rawMs).toFixed(2)}x the raw verify time (target <= 1.5)`,
  );
  record(
    `${name}.speedup`,
    oneMs / poolMs,
    `${(oneMs / poolMs).toFixed(2)}x faster than one thread (target >= 1.6 at 100,000; never below 1)`,
  );
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
    if (runs('import')) {
      const page = await newPage(browser);
      const cdp = await browser.newBrowserCDPSession();
      const cpuNow = async () =>
        (await cdp.send('SystemInfo.getProcessInfo')).processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
      await openBenchPage(page, base);
      const largest = Math.max(...SIZES);
      console.error(`signing ${fmt(largest)} tokens in the page…`);
      await page.evaluate(() => (globalThis as unknown as InPage).ectBench.setup(4));
      await page.evaluate((n) => (globalThis as unknown as InPage).ectBench.makeTokens(n), largest);

      const count = quick ? 1000 : 3000;
      const v = await page.evaluate(
        ([n, r]) => (globalThis as unknown as InPage).ectBench.verifyThroughput(n, r),
        [count, 5] as const,
      );
      const rawRate = count / (v.rawMs / 1000);
      const coreRate = count / (v.coreMs / 1000);
      record(
        'verify.raw_per_s',
        rawRate,
        `${fmt(rawRate)} /s raw crypto.subtle.verify (${count} tokens, one thread)`,
      );
      const singleRate = count / (v.singleMs / 1000);
      record('verify.core_per_s', coreRate, `${fmt(coreRate)} /s verifyTokens (a set), full profile`);
      record(
        'verify.core_vs_raw',
        coreRate / rawRate,
        `${(coreRate / rawRate).toFixed(2)} core / raw (target >= 0.8)`,
      );
      record('verify.single_per_s', singleRate, `${fmt(singleRate)} /s verifyToken, one after another`);
      record(
        'verify.single_vs_raw',
        singleRate / rawRate,
        `${(singleRate / rawRate).toFixed(2)} verifyToken / raw (informational)`,
      );

      // The same three, a pass at a time, interleaved, with the CPU time of the page's process
      // around each: per token, what the wall time says less reliably on a shared machine.
      const cpu: Record<'raw' | 'core' | 'single', number[]> = { raw: [], core: [], single: [] };
      // Not counted: the raw pass's inputs are prepared (once) on the first call.
      await page.evaluate((n) => (globalThis as unknown as InPage).ectBench.verifyPass(n, 'raw'), count);
      for (let r = 0; r < 5; r++)
        for (const kind of ['raw', 'core', 'single'] as const) {
          const c0 = await cpuNow();
          await page.evaluate(([n, k]) => (globalThis as unknown as InPage).ectBench.verifyPass(n, k), [
            count,
            kind,
          ] as const);
          cpu[kind].push((((await cpuNow()) - c0) * 1e6) / count);
        }
      const us = (kind: keyof typeof cpu) => median(cpu[kind]);
      record(
        'verify.cpu_core_vs_raw',
        us('raw') / us('core'),
        `${(us('raw') / us('core')).toFixed(2)} core / raw in CPU time: ${us('core').toFixed(0)} µs a token against ${us('raw').toFixed(0)} (verifyToken one at a time ${us('single').toFixed(0)} µs; all Chromium processes)`,
      );

      for (const busy of BUSY ? [0, BUSY] : [0]) {
        const stop = busy ? busyLoops(busy) : () => undefined;
        try {
          if (busy) await new Promise((r) => setTimeout(r, 2000)); // the loops take their share
          for (const size of SIZES) await importFigures(page, size, busy, cpuNow);
        } finally {
          stop();
        }
      }
      await page.context().close();
    }

    // ---- (5) the DAG explorer, in the real app
    if (runs('explorer')) {
      const page = await newPage(browser, probe);
      await openBenchPage(page, base);
      await page.evaluate(() => (globalThis as unknown as InPage).ectBench.setup(4));
      await page.evaluate(
        (n) => (globalThis as unknown as InPage).ectBench.makeTokens(n),
        Math.max(...GRAPH_SIZES),
      );
      const tokens = await page.evaluate(
        (n) => (globalThis as unknown as InPage).ectBench.getTokens(n),
        Math.max(...GRAPH_SIZES),
      );
      for (const size of GRAPH_SIZES) {
        console.error(`explorer, ${fmt(size)} tokens…`);
        await openBenchPage(page, base);
        await page.evaluate(() => (globalThis as unknown as InPage).ectBench.resetLedgers());
        await page.goto(`${base}/#/graph`);
        await page.getByTestId('graph-empty').waitFor();
        const text = tokens.slice(0, size).join('\n');
        const d = await page.evaluate(
          ([t, ms]) => (globalThis as unknown as InPage).ectProbe.loadAndDraw(t, ms),
          [text, 300_000] as const,
        );
        record(
          `explorer.${size}.first_render_ms`,
          d.ms,
          `${fmt(d.ms)} ms from "Add to ledger" to the drawn graph (${fmt(d.nodes)} nodes drawn, layout ${d.layoutMs.toFixed(0)} ms in its worker)`,
        );
        // The same drawing without the import: the Graph tab left and opened again.
        const o = await page.evaluate(
          (ms) => (globalThis as unknown as InPage).ectProbe.reopened(ms),
          300_000,
        );
        record(
          `explorer.${size}.reopen_render_ms`,
          o.ms,
          `${fmt(o.ms)} ms from opening the Graph tab again to the drawn graph (${fmt(o.nodes)} nodes; the Graph tab's own work, no import)`,
        );
        const f = await panFps(page, PAN_MS);
        record(
          `explorer.${size}.pan_fps`,
          f.fps,
          `${f.fps.toFixed(1)} fps panning, up to ${fmt(f.mounted)} nodes mounted at zoom ${f.zoom.toFixed(2)}, worst frame ${fmt(f.worstMs)} ms (target >= 30)`,
        );
        if (d.nodes < size) {
          // Collapsed (auto grouping): also every token drawn, all in view, then culled at zoom 1.
          await page.getByLabel('Group').selectOption('none');
          const e = await page.evaluate(
            (ms) => (globalThis as unknown as InPage).ectProbe.redrawn(ms),
            300_000,
          );
          record(
            `explorer.${size}.expanded_render_ms`,
            e.ms,
            `${fmt(e.ms)} ms to draw all ${fmt(e.nodes)} nodes after "no grouping" (layout ${e.layoutMs.toFixed(0)} ms in its worker; informational)`,
          );
          const all = await panFps(page, PAN_MS);
          record(
            `explorer.${size}.expanded_fit_pan_fps`,
            all.fps,
            `${all.fps.toFixed(1)} fps panning all ${fmt(e.nodes)} nodes in view (zoom ${all.zoom.toFixed(2)}, not culled: informational)`,
          );
        }
        // Culled (full detail): just past the low-detail zoom, where the most full nodes are in view, then at 1.
        for (const [name, zoom] of [
          ['zoom04', 0.4],
          ['zoom1', 1],
        ] as const) {
          await zoomTo(page, zoom);
          const z = await panFps(page, PAN_MS);
          record(
            `explorer.${size}.${name}_pan_fps`,
            z.fps,
            `${z.fps.toFixed(1)} fps panning at zoom ${z.zoom.toFixed(2)}, culled to at most ${fmt(z.mounted)} mounted nodes (target >= 30)`,
          );
        }
      }
      await page.context().close();
    }

    // ---- (6) a hostile token: 100,000 missing parents, in the real app
    if (runs('hostile')) {
      const preds = quick ? 10_000 : 100_000;
      const page = await newPage(browser, probe);
      await openBenchPage(page, base);
      await page.evaluate(() => (globalThis as unknown as InPage).ectBench.setup(1));
      const token = await page.evaluate(
        (n) => (globalThis as unknown as InPage).ectBench.manyPredToken(n),
        preds,
      );
      await page.evaluate(() => (globalThis as unknown as InPage).ectBench.resetLedgers());
      await page.goto(`${base}/#/graph`);
      await page.getByTestId('graph-empty').waitFor();
      console.error(`hostile, one token with ${fmt(preds)} predecessors…`);
      await page.evaluate(() => (globalThis as unknown as InPage).ectProbe.takeLongTasks());
      const d = await page.evaluate(
        ([t, ms]) => (globalThis as unknown as InPage).ectProbe.loadAndDraw(t, ms),
        [token, 300_000] as const,
      );
      const lt = await page.evaluate(() => (globalThis as unknown as InPage).ectProbe.takeLongTasks());
      record(
        `hostile.${preds}_preds.draw_ms`,
        d.ms,
        `${fmt(d.ms)} ms from "Add to ledger" to the drawn graph (${fmt(d.nodes)} nodes drawn)`,
      );
      record(
        `hostile.${preds}_preds.longest_task_ms`,
        lt.longestMs,
        `${fmt(lt.longestMs)} ms the longest main-thread task meanwhile (${lt.count} over 50 ms, ${fmt(lt.totalMs)} ms in all)`,
      );
      record(
        `hostile.${preds}_preds.longest_task_share`,
        d.ms > 0 ? lt.longestMs / d.ms : 0,
        `${(d.ms > 0 ? lt.longestMs / d.ms : 0).toFixed(2)} of the wait in one unanswerable piece (informational)`,
      );
      await page.context().close();
    }

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
