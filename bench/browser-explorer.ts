/**
 * `npm run bench:browser`'s parts in the real app's Graph tab: the DAG explorer (from "Add to
 * ledger" to the drawn graph of 1,000 and 5,000 tokens, then panning at several zooms) and a
 * hostile token naming 100,000 parents no ledger holds. See browser.ts's header for the targets.
 */
import type { Browser } from '@playwright/test';
import {
  fmt,
  newPage,
  openBenchPage,
  PAN_MS,
  panFps,
  quick,
  record,
  sizesFrom,
  zoomTo,
  type InPage,
} from './browser-common.ts';

/** BENCH_GRAPH_SIZES=5000 (comma-separated) overrides the explorer's sizes. */
const GRAPH_SIZES = sizesFrom('BENCH_GRAPH_SIZES', [300, 1000], [1000, 5000]);

/** (5) The DAG explorer, in the real app at `base`; `probe` is the page script it measures with. */
export async function explorer(browser: Browser, base: string, probe: string) {
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
    const o = await page.evaluate((ms) => (globalThis as unknown as InPage).ectProbe.reopened(ms), 300_000);
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
      const e = await page.evaluate((ms) => (globalThis as unknown as InPage).ectProbe.redrawn(ms), 300_000);
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

/** (6) One token with 100,000 missing parents, in the real app. */
export async function hostile(browser: Browser, base: string, probe: string) {
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
  const d = await page.evaluate(([t, ms]) => (globalThis as unknown as InPage).ectProbe.loadAndDraw(t, ms), [
    token,
    300_000,
  ] as const);
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
