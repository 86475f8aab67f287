/**
 * Measuring aids for the Ledger tab (bench/browser.ts, the huge part): when its table shows rows
 * with their verdicts, and frames counted while its virtualized list is scrolled as a reader
 * flicks through it. Injected with probe.ts.
 */

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

const rows = () => document.querySelectorAll<HTMLElement>('[data-testid="ledger-row"]');

/**
 * Waits (a frame at a time) until the table shows rows, then until none of them waits for its
 * verdict; the two times from now, in ms, and the entries the table says it has (aria-rowcount).
 */
async function tableShown(
  timeoutMs: number,
): Promise<{ firstRowsMs: number; verdictsMs: number; rows: number }> {
  const t0 = performance.now();
  let firstRowsMs = -1;
  for (;;) {
    await nextFrame();
    const now = performance.now() - t0;
    if (now > timeoutMs) throw new Error(`the Ledger table did not show its rows within ${timeoutMs} ms`);
    const shown = rows();
    if (!shown.length) continue;
    if (firstRowsMs < 0) firstRowsMs = now;
    if ([...shown].some((r) => r.dataset.status === 'pending')) continue;
    const grid = document.querySelector<HTMLElement>('[data-testid="ledger-table"]');
    return { firstRowsMs, verdictsMs: now, rows: Number(grid?.getAttribute('aria-rowcount') ?? 1) - 1 };
  }
}

/**
 * Scrolls the table's list down by `pxPerFrame` each frame for `ms` (wrapping to the top at the
 * end), then jumps to the last row; frames per second meanwhile, the worst frame, and the
 * sequence number of the last row shown (the ledger's length when the table reaches its end).
 */
async function scrollTableFor(
  ms: number,
  pxPerFrame: number,
): Promise<{ fps: number; worstMs: number; lastSeq: number }> {
  const list = document.querySelector<HTMLElement>('[data-testid="ledger-scroll"]');
  if (!list) throw new Error('no Ledger table to scroll');
  const frames: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    frames.push(await nextFrame());
    const next = list.scrollTop + pxPerFrame;
    list.scrollTop = next >= list.scrollHeight - list.clientHeight ? 0 : next;
  }
  list.scrollTop = list.scrollHeight;
  for (let i = 0; i < 5; i++) await nextFrame();
  const span = frames.length > 1 ? frames[frames.length - 1]! - frames[0]! : 0;
  let worstMs = 0;
  for (let i = 1; i < frames.length; i++) worstMs = Math.max(worstMs, frames[i]! - frames[i - 1]!);
  const lastSeq = Math.max(0, ...[...rows()].map((r) => Number(r.dataset.seq ?? 0)));
  return { fps: span > 0 ? ((frames.length - 1) * 1000) / span : 0, worstMs, lastSeq };
}

export const tableProbe = { tableShown, scrollTableFor };
