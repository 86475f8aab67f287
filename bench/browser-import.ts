/**
 * `npm run bench:browser`'s verify and import part, in the bench page (bench/page/): full-profile
 * verifyTokens and verifyToken against raw `crypto.subtle.verify` of the same signatures (rates,
 * then CPU time), and the import of 10,000 and 100,000 tokens through the app's own pipeline with
 * the app's choice of verification workers, against raw verify and against one thread. See
 * browser.ts's header for the targets and the BENCH_* variables read here.
 */
import { spawn } from 'node:child_process';
import type { Browser, Page } from '@playwright/test';
import {
  fmt,
  importAccount,
  median,
  newPage,
  openBenchPage,
  quick,
  record,
  sizesFrom,
  type InPage,
} from './browser-common.ts';

/** BENCH_SIZES=10000 (comma-separated) overrides the import sizes. */
const SIZES = sizesFrom('BENCH_SIZES', [1000, 5000], [10000, 100000]);
/** BENCH_LOAD=N: the import part again with N busy-looping processes (see the header). */
const BUSY = Math.max(0, Math.floor(Number(process.env.BENCH_LOAD ?? 0)));
/** BENCH_WORKERS=1,2: worker counts timed besides the app's own choice and one thread. */
const FORCED_WORKERS = (process.env.BENCH_WORKERS ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number)
  .filter((n) => n > 0);

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

/** (1) verify throughput and (2) the import, in the bench page at `base`. */
export async function verifyAndImport(browser: Browser, base: string) {
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
