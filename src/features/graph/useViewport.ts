/**
 * The canvas's viewport: fit a new drawing; centre and zoom on the selection
 * when asked (search, violations, timeline, links: `centerTick`), framing the
 * other end of an edge with it; keep a clicked node in view when the side
 * panel opening narrows the canvas. A centring asked for while the view is
 * being laid out again (a group expanded to show the node) waits for that
 * layout: centring on the old one and then fitting the new one would leave
 * the view at fit-to-all.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { useReactFlow } from '@xyflow/react';
import { viewIndexOf, type Laid } from './flowElements.ts';
import { sizeOf } from './sizes.ts';

/** Fit the drawing with room on the left for the zoom controls, and above for cycle arcs. */
export const FIT = {
  padding: { top: '80px', right: '32px', bottom: '32px', left: '64px' },
  maxZoom: 1.1,
  minZoom: 0.02,
} as const;

/** The zoom a centred node is shown at (its text readable), unless the view is closer already. */
const CENTRE_ZOOM = 1;
const MAX_CENTRE_ZOOM = 1.6;
/** Room kept around framed nodes, in screen pixels. */
const FRAME_PAD = 48;

export function useViewport({
  layout,
  done,
  selected,
  frame,
  centerTick,
  canvasRef,
}: {
  layout: Laid | null;
  /** Whether `layout` is of the view drawn now. */
  done: boolean;
  selected: string | null;
  frame: readonly string[];
  centerTick: number;
  canvasRef: RefObject<HTMLDivElement | null>;
}): void {
  const rf = useReactFlow();
  const fittedFor = useRef<Laid | null>(null);
  const centeredTick = useRef(0);
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (!layout) return;
    const pending = centerTick !== centeredTick.current && selected !== null;
    // A centring waits for the layout of the view it was asked in.
    if (pending && !done) return;
    const id = requestAnimationFrame(() => {
      const el = canvasRef.current;
      if (!el) return;
      // The canvas's size now (the side panel may just have opened), not React Flow's last measure.
      const W = el.clientWidth;
      const H = el.clientHeight;
      const box = (vis: number[]) => {
        let x0 = Infinity;
        let y0 = Infinity;
        let x1 = -Infinity;
        let y1 = -Infinity;
        for (const vi of vis) {
          const [w, h] = sizeOf(layout.view.nodes[vi]!.kind);
          x0 = Math.min(x0, layout.x[vi]!);
          y0 = Math.min(y0, layout.y[vi]!);
          x1 = Math.max(x1, layout.x[vi]! + w);
          y1 = Math.max(y1, layout.y[vi]! + h);
        }
        return { x0, y0, x1, y1 };
      };
      const goTo = (b: { x0: number; y0: number; x1: number; y1: number }, zoom: number) =>
        void rf.setViewport(
          { x: W / 2 - ((b.x0 + b.x1) / 2) * zoom, y: H / 2 - ((b.y0 + b.y1) / 2) * zoom, zoom },
          { duration: 250 },
        );
      if (pending) {
        centeredTick.current = centerTick;
        const vis = [selected, ...frame].map((k) => viewIndexOf(layout, k)).filter((vi) => vi >= 0);
        if (vis.length) {
          fittedFor.current = layout;
          revealed.current = selected;
          const b = box([...new Set(vis)]);
          const fitZoom = Math.min(
            (W - 2 * FRAME_PAD) / Math.max(1, b.x1 - b.x0),
            (H - 2 * FRAME_PAD) / Math.max(1, b.y1 - b.y0),
          );
          const zoom = Math.max(
            0.05,
            Math.min(MAX_CENTRE_ZOOM, fitZoom, Math.max(rf.getViewport().zoom, CENTRE_ZOOM)),
          );
          goTo(b, zoom);
          return;
        }
      }
      if (fittedFor.current !== layout) {
        fittedFor.current = layout;
        revealed.current = selected;
        void rf.fitView(FIT);
        return;
      }
      if (selected !== revealed.current) {
        revealed.current = selected;
        const vi = viewIndexOf(layout, selected);
        if (vi < 0) return;
        const vp = rf.getViewport();
        const b = box([vi]);
        const left = b.x0 * vp.zoom + vp.x;
        const top = b.y0 * vp.zoom + vp.y;
        const inside = left >= 0 && top >= 0 && b.x1 * vp.zoom + vp.x <= W && b.y1 * vp.zoom + vp.y <= H;
        if (!inside) goTo(b, vp.zoom);
      }
    });
    return () => cancelAnimationFrame(id);
  }, [layout, done, centerTick, selected, frame, rf, canvasRef]);
}
