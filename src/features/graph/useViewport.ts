/**
 * The canvas's viewport: fit a new drawing, centre the selection when asked
 * (search, timeline, links: `centerTick`), and bring a clicked node into view
 * when the side panel opening hides it.
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

export function useViewport({
  layout,
  selected,
  centerTick,
  canvasRef,
}: {
  layout: Laid | null;
  selected: string | null;
  centerTick: number;
  canvasRef: RefObject<HTMLDivElement | null>;
}): void {
  const rf = useReactFlow();
  const fittedFor = useRef<Laid | null>(null);
  const centeredTick = useRef(0);
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (!layout) return;
    const id = requestAnimationFrame(() => {
      const el = canvasRef.current;
      const vi = viewIndexOf(layout, selected);
      // The canvas's size now (the side panel may just have opened), not React Flow's last measure.
      const move = (how: 'center' | 'reveal') => {
        if (!el || vi < 0) return;
        const [w, h] = sizeOf(layout.view.nodes[vi]!.kind);
        const vp = rf.getViewport();
        const zoom = how === 'center' ? Math.min(2, Math.max(vp.zoom, 0.9)) : vp.zoom;
        const cx = layout.x[vi]! + w / 2;
        const cy = layout.y[vi]! + h / 2;
        if (how === 'reveal') {
          const left = layout.x[vi]! * zoom + vp.x;
          const top = layout.y[vi]! * zoom + vp.y;
          const inside =
            left >= 0 && top >= 0 && left + w * zoom <= el.clientWidth && top + h * zoom <= el.clientHeight;
          if (inside) return;
        }
        void rf.setViewport(
          { x: el.clientWidth / 2 - cx * zoom, y: el.clientHeight / 2 - cy * zoom, zoom },
          { duration: 250 },
        );
      };
      if (centerTick !== centeredTick.current && selected !== null && vi >= 0) {
        centeredTick.current = centerTick;
        fittedFor.current = layout;
        revealed.current = selected;
        move('center');
        return;
      }
      if (fittedFor.current !== layout) {
        fittedFor.current = layout;
        revealed.current = selected;
        void rf.fitView(FIT);
        return;
      }
      if (selected !== revealed.current) {
        revealed.current = selected;
        move('reveal');
      }
    });
    return () => cancelAnimationFrame(id);
  }, [layout, centerTick, selected, rf, canvasRef]);
}
