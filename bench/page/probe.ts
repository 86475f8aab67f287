/**
 * Measuring aids that `npm run bench:browser` injects into the real app page (as an init script,
 * through the DevTools protocol, so the app's CSP and bundle stay as they are): the time from
 * "Add to ledger" to the first full drawing of the Graph tab, and frames counted with
 * requestAnimationFrame while Playwright pans.
 */

import { tableProbe } from './tableProbe.ts';

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

function canvas(): HTMLElement | null {
  return document.querySelector<HTMLElement>('[data-testid="graph-canvas"]');
}

/** React Flow's viewport transform: [x, y, zoom]. */
function viewport(): [number, number, number] | null {
  const el = document.querySelector<HTMLElement>('.react-flow__viewport');
  if (!el) return null;
  const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(el.style.transform);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Laid out, fitted to the canvas, every node of the view mounted; then two frames for the paint. */
async function drawn(timeoutMs: number, started: number): Promise<void> {
  for (;;) {
    await nextFrame();
    const c = canvas();
    const vp = viewport();
    const want = Number(c?.dataset.nodes ?? 0);
    const mounted = document.querySelectorAll('.react-flow__node').length;
    const fitted = vp !== null && (vp[0] !== 0 || vp[1] !== 0 || vp[2] !== 1);
    if (c?.dataset.layout === 'done' && want > 0 && mounted >= want && fitted) break;
    if (performance.now() - started > timeoutMs)
      throw new Error(
        `not drawn after ${timeoutMs} ms (layout ${c?.dataset.layout}, ${mounted}/${want} nodes)`,
      );
  }
  await nextFrame();
  await nextFrame();
}

/** Pastes `text` into the Graph tab's "Load tokens" box, adds it, and times until it is drawn. */
async function loadAndDraw(
  text: string,
  timeoutMs: number,
): Promise<{ ms: number; nodes: number; mounted: number; layoutMs: number; zoom: number }> {
  const box = document.querySelector<HTMLTextAreaElement>(
    'textarea[aria-label="Tokens to add to the ledger"]',
  );
  if (!box) throw new Error('no "Tokens to add to the ledger" box: is the ledger empty?');
  Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(box, text);
  box.dispatchEvent(new Event('input', { bubbles: true }));
  await nextFrame();
  const button = [...document.querySelectorAll('button')].find(
    (b) => b.textContent?.trim() === 'Add to ledger',
  );
  if (!button || button.disabled) throw new Error('the "Add to ledger" button is missing or disabled');
  const t0 = performance.now();
  button.click();
  await drawn(timeoutMs, t0);
  const ms = performance.now() - t0;
  const c = canvas()!;
  return {
    ms,
    nodes: Number(c.dataset.nodes),
    mounted: document.querySelectorAll('.react-flow__node').length,
    layoutMs: Number(c.dataset.layoutMs),
    zoom: viewport()?.[2] ?? 0,
  };
}

/** Waits for a new layout (after a grouping change) to be drawn and fitted. */
async function redrawn(timeoutMs: number): Promise<{ ms: number; nodes: number; layoutMs: number }> {
  const t0 = performance.now();
  // The change has been made: wait for the layout to restart, then for the drawing.
  while (canvas()?.dataset.layout === 'done' && performance.now() - t0 < 2000) await nextFrame();
  await drawn(timeoutMs, t0);
  const c = canvas()!;
  return { ms: performance.now() - t0, nodes: Number(c.dataset.nodes), layoutMs: Number(c.dataset.layoutMs) };
}

/**
 * Leaves the Graph tab for the Ledger tab and comes back: the time to the drawn graph with the
 * audit already in memory, so the Graph tab's own work only (model, grouping, layout, React),
 * without the import that "Add to ledger" times as well.
 */
async function reopened(timeoutMs: number): Promise<{ ms: number; nodes: number }> {
  location.hash = '#/ledger';
  while (canvas()) await nextFrame();
  for (let i = 0; i < 10; i++) await nextFrame();
  const t0 = performance.now();
  location.hash = '#/graph';
  await drawn(timeoutMs, t0);
  return { ms: performance.now() - t0, nodes: Number(canvas()!.dataset.nodes) };
}

/** A point of the canvas where a drag pans (the pane itself: no node, edge or control there). */
function panePoint(): { x: number; y: number } | null {
  const c = canvas();
  if (!c) return null;
  const r = c.getBoundingClientRect();
  for (let fy = 0.5; fy < 0.95; fy += 0.05)
    for (const sign of [1, -1])
      for (let fx = 0.5; fx < 0.95; fx += 0.03) {
        const x = r.left + r.width * (sign > 0 ? fx : 1 - fx);
        const y = r.top + r.height * fy;
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
  return null;
}

/** The centre of the drawn node nearest the middle of the canvas: where to zoom in to see many. */
function nodePoint(): { x: number; y: number } | null {
  const c = canvas();
  if (!c) return null;
  const r = c.getBoundingClientRect();
  const mx = r.left + r.width / 2;
  const my = r.top + r.height / 2;
  let best: { x: number; y: number } | null = null;
  let bestD = Infinity;
  for (const el of document.querySelectorAll('.react-flow__node')) {
    const b = el.getBoundingClientRect();
    const x = b.left + b.width / 2;
    const y = b.top + b.height / 2;
    const d = (x - mx) ** 2 + (y - my) ** 2;
    // In the canvas and not under the minimap or the controls: a wheel there zooms the graph.
    const top = d < bestD ? document.elementFromPoint(x, y)?.closest('.react-flow__node') : null;
    if (top === el && x > r.left && x < r.right && y > r.top && y < r.bottom) {
      bestD = d;
      best = { x, y };
    }
  }
  return best;
}

let frames: number[] = [];
let counting = false;
let mostMounted = 0;
const mountedNodes = document.getElementsByClassName('react-flow__node');

function startFrames(): void {
  frames = [];
  mostMounted = 0;
  counting = true;
  const tick = (t: number) => {
    if (!counting) return;
    frames.push(t);
    mostMounted = Math.max(mostMounted, mountedNodes.length);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Frames per second since startFrames, the longest frame, and the most nodes mounted meanwhile. */
function stopFrames(): {
  fps: number;
  frames: number;
  ms: number;
  worstMs: number;
  mounted: number;
  zoom: number;
} {
  counting = false;
  const ms = frames.length > 1 ? frames[frames.length - 1]! - frames[0]! : 0;
  let worstMs = 0;
  for (let i = 1; i < frames.length; i++) worstMs = Math.max(worstMs, frames[i]! - frames[i - 1]!);
  return {
    fps: ms > 0 ? ((frames.length - 1) * 1000) / ms : 0,
    frames: frames.length,
    ms,
    worstMs,
    mounted: mostMounted,
    zoom: viewport()?.[2] ?? 0,
  };
}

/**
 * Drags the pane round in circles for `ms`, one step per frame as a mouse would (Chromium delivers
 * mouse moves once per frame), and counts the frames the page manages meanwhile.
 */
async function panFor(ms: number) {
  const at = panePoint();
  if (!at) throw new Error('no empty spot of the pane to start a drag on');
  const target = document.elementFromPoint(at.x, at.y)!;
  const mouse = (type: string, x: number, y: number) => {
    const init = { clientX: x, clientY: y, screenX: x, screenY: y, button: 0, buttons: 1 };
    const event = new MouseEvent(type, { ...init, bubbles: true, cancelable: true, view: window });
    (type === 'mousedown' ? target : document).dispatchEvent(event);
  };
  const before = viewport();
  mouse('mousedown', at.x, at.y);
  startFrames();
  const t0 = performance.now();
  let a = 0;
  let x = at.x;
  let y = at.y;
  while (performance.now() - t0 < ms) {
    await nextFrame();
    a += 0.08;
    x = at.x + 160 * Math.sin(a);
    y = at.y + 100 * (1 - Math.cos(a));
    mouse('mousemove', x, y);
  }
  const r = stopFrames();
  mouse('mouseup', x, y);
  const after = viewport();
  const moved = !!before && !!after && (before[0] !== after[0] || before[1] !== after[1]);
  if (!moved) throw new Error('the pane did not pan');
  return r;
}

// Main-thread tasks over 50 ms (the Long Tasks API), from the page's first script on: how long the
// page could not answer input while it worked.
let longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push(e.duration);
}).observe({ type: 'longtask', buffered: true });

/** The longest and the summed long tasks since the last call; then starts counting afresh. */
function takeLongTasks(): { longestMs: number; totalMs: number; count: number } {
  const r = {
    longestMs: Math.max(0, ...longTasks),
    totalMs: longTasks.reduce((a, b) => a + b, 0),
    count: longTasks.length,
  };
  longTasks = [];
  return r;
}

/** The storage's measures in this document (src/storage/ledger.ts: `ect.ledger.read`, …), summed by name. */
function ledgerMeasures(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of performance.getEntriesByType('measure'))
    if (m.name.startsWith('ect.ledger.')) out[m.name] = (out[m.name] ?? 0) + m.duration;
  return out;
}

const probe = {
  loadAndDraw,
  ledgerMeasures,
  redrawn,
  reopened,
  panePoint,
  nodePoint,
  panFor,
  startFrames,
  stopFrames,
  viewport,
  takeLongTasks,
  ...tableProbe,
};
export type Probe = typeof probe;
(window as unknown as { ectProbe: Probe }).ectProbe = probe;
