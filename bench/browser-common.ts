/**
 * What the browser bench's parts share: the figures and their table, the page types, pages and
 * the bench page, and the DevTools measures (heap peak, retained heap, CPU profiles).
 */
import { writeFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import type { VerifyRun } from '../src/workers/verifyRun.ts';

export const quick = process.env.BENCH_QUICK === '1';

/** The sizes in the comma-separated variable `name` when set; else `quickSizes` or `fullSizes`. */
export function sizesFrom(name: string, quickSizes: number[], fullSizes: number[]): number[] {
  const set = process.env[name];
  return set ? set.split(',').map(Number) : quick ? quickSizes : fullSizes;
}

/** BENCH_ONLY=huge: one import of BENCH_HUGE tokens (default 250,000), issue 17's last figure. */
export const HUGE = Number(process.env.BENCH_HUGE ?? 250000);
/**
 * BENCH_PROFILE=/tmp/x: the huge part writes DevTools CPU profiles of the page, /tmp/x.import.cpuprofile
 * (the import) and /tmp/x.graph.cpuprofile (opening the app on the Graph tab), and traces of both
 * (/tmp/x.import.trace.json, /tmp/x.graph.trace.json: their tasks), the Ledger tab opened
 * (/tmp/x.table.cpuprofile), the app's own import of the file (/tmp/x.appimport.cpuprofile, .trace.json) and the
 * Graph tab clicked after it (/tmp/x.aftergraph.cpuprofile).
 */
export const PROFILE = process.env.BENCH_PROFILE;
/**
 * BENCH_BASE=dir: another build of the app (any commit's `vite build` output: its base is
 * relative) served beside this one, in _base/, so at the same origin it opens the same IndexedDB
 * ledger. The huge part then opens the Graph tab with each build in turn, each in a new tab (the
 * base, this one, this one, the base), for a before/after pair measured at the same load:
 * huge.N.new_tab.*, huge.N.base.new_tab.* and their ratio.
 */
export const BASE_BUILD = process.env.BENCH_BASE;

export const PAN_MS = quick ? 1500 : 3000;

export const rows: [string, string][] = [];
export const figures: Record<string, number> = {};
export const record = (name: string, value: number, shown: string) => {
  figures[name] = Math.round(value * 1000) / 1000;
  rows.push([name, shown]);
  console.error(`  ${name}: ${shown}`); // progress, on stderr: stdout is the table and the JSON
};
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** What bench/page/main.ts and bench/page/probe.ts put on `window` (kept to plain types here). */
export interface InPage {
  ectBench: {
    setup(agents: number): Promise<void>;
    makeTokens(n: number): Promise<number>;
    getTokens(n: number, from?: number): string[];
    manyPredToken(preds: number): Promise<string>;
    rawVerify(n: number): Promise<number>;
    verifyThroughput(n: number, repeat: number): Promise<{ rawMs: number; coreMs: number; singleMs: number }>;
    verifyPass(n: number, kind: 'raw' | 'core' | 'single'): Promise<number>;
    prepareImport(n: number): void;
    importRun(n: number, workers: number, keep?: boolean): Promise<ImportRun>;
    resetLedgers(): Promise<void>;
    watchTasks(): void;
    tasksSeen(): { longestMs: number; over50: number } | null;
  };
  ectProbe: {
    loadAndDraw(
      text: string,
      timeoutMs: number,
    ): Promise<{ ms: number; nodes: number; mounted: number; layoutMs: number; zoom: number }>;
    redrawn(timeoutMs: number): Promise<{ ms: number; nodes: number; layoutMs: number }>;
    reopened(timeoutMs: number): Promise<{ ms: number; nodes: number }>;
    nodePoint(): { x: number; y: number } | null;
    panFor(
      ms: number,
    ): Promise<{ fps: number; frames: number; ms: number; worstMs: number; mounted: number; zoom: number }>;
    viewport(): [number, number, number] | null;
    takeLongTasks(): { longestMs: number; totalMs: number; count: number };
    ledgerMeasures(): Record<string, number>;
    tableShown(timeoutMs: number): Promise<{ firstRowsMs: number; verdictsMs: number; rows: number }>;
    scrollTableFor(
      ms: number,
      pxPerFrame: number,
    ): Promise<{ fps: number; worstMs: number; lastSeq: number }>;
  };
}

/** One import in the bench page (bench/page/main.ts's importRun). */
export interface ImportRun {
  ms: number;
  /** The import's stages, one after another (src/state/ledger/import.ts's measures), ms. */
  stages: Record<string, number>;
  /** Who verified what, and for how long. */
  run: VerifyRun;
}

/**
 * What an import's time went on: the page's stages (wall time; the page's own verifying, its wait
 * for the workers' last verdicts and the making of reports from them are inside the audit's), and
 * the workers' busy and idle time over the whole import.
 */
export function importAccount(r: ImportRun): string {
  const s = r.stages;
  const v = r.run;
  const stage = (name: string) => fmt(s[name] ?? 0);
  const store = s['ect.ledger.write_store'];
  const page = `reading ${stage('reading')}, hashing and writing ${stage('writing')}${store === undefined ? '' : ` (handing the segments to IndexedDB ${fmt(store)})`}, auditing ${stage('auditing')}: verifying ${fmt(v.pageMs)} (${fmt(v.byPage)} tokens)`;
  if (!v.workers) return `${page}`;
  const idle = v.workers * r.ms - v.workerMs;
  return `${page} from ${fmt(v.helpFromMs)} on, waiting for the workers ${fmt(v.waitMs)}, reports from their verdicts ${fmt(v.reportsMs)}; the worker${v.workers === 1 ? '' : 's'}: verifying ${fmt(v.workerMs)} (${fmt(v.byWorkers)} tokens), idle ${fmt(idle)}`;
}

export async function newPage(browser: Browser, probe?: string): Promise<Page> {
  // No service worker: the app's, once registered by a part that opens the app, answers every
  // navigation under its scope with the app's shell, the bench page's too (the explorer's second
  // size then found no bench page: 404s and an HTML stylesheet).
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    serviceWorkers: 'block',
  });
  if (probe) await context.addInitScript({ content: probe });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error(`page ${m.type()}: ${m.text()}`);
  });
  return page;
}

export async function openBenchPage(page: Page, base: string) {
  await page.goto(`${base}/_bench/bench/page/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
}

/**
 * Frames per second while the pane is dragged round in circles for `ms` (bench/page/probe.ts),
 * after a short pan that is not counted (the first frames raster tiles and warm the JIT up).
 */
export async function panFps(page: Page, duration: number) {
  await page.evaluate(() => (globalThis as unknown as InPage).ectProbe.panFor(500));
  return page.evaluate((ms) => (globalThis as unknown as InPage).ectProbe.panFor(ms), duration);
}

/**
 * Fits the graph, then zooms with the wheel over the node nearest the middle of the canvas until
 * React Flow's zoom reaches `target`.
 */
export async function zoomTo(page: Page, target: number) {
  // From the whole graph in view, where there is always a node to zoom in on.
  await page.getByRole('button', { name: 'Fit View' }).click();
  await page.waitForTimeout(300);
  const at = await page.evaluate(() => (globalThis as unknown as InPage).ectProbe.nodePoint());
  const box = await page.getByTestId('graph-canvas').boundingBox();
  if (!box) throw new Error('no graph canvas');
  await page.mouse.move(at?.x ?? box.x + box.width / 2, at?.y ?? box.y + box.height / 2);
  for (let i = 0; i < 60; i++) {
    const vp = await page.evaluate(() => (globalThis as unknown as InPage).ectProbe.viewport());
    if (vp && vp[2] >= target * 0.95) return vp[2];
    await page.mouse.wheel(0, vp && vp[2] > target * 0.6 ? -60 : -300);
    await page.waitForTimeout(120);
  }
  throw new Error('could not zoom in');
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en');

/**
 * The JS heap of the page (main thread; workers apart) sampled over DevTools every 500 ms while
 * `run` runs: its peak, in MB.
 */
export async function heapPeak<T>(page: Page, run: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  let peak = 0;
  const state = { on: true };
  const sample = async () => {
    while (state.on) {
      try {
        const { metrics } = await cdp.send('Performance.getMetrics');
        const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
        if (used > peak) peak = used;
      } catch {
        // the page is navigating
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const sampling = sample();
  try {
    const value = await run();
    return { value, peakMb: peak / 2 ** 20 };
  } finally {
    state.on = false;
    await sampling;
    await cdp.detach().catch(() => undefined);
  }
}

/** The page's JS heap after a full garbage collection: what it really holds. */
export async function retainedHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** A DevTools CPU profile of the page from now; stop() writes it to a file (open it in DevTools). */
export async function startProfile(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      await cdp.detach().catch(() => undefined);
      console.error(`  CPU profile written to ${file}`);
    },
  };
}
