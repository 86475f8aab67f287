/**
 * The view laid out in the worker (layout/): a new request for every new view
 * or direction; a request still running is superseded, never piled up.
 */
import { useEffect, useState } from 'react';
import { LayoutSuperseded, layoutInWorker } from './layout/client.ts';
import type { Direction } from './layout/layered.ts';
import type { Laid } from './flowElements.ts';
import type { GraphModel } from './model.ts';
import type { View } from './view.ts';
import { sizeOf } from './sizes.ts';

export interface LayoutState {
  /** The latest layout done (it may be of an older view while a new one runs). */
  layout: Laid | null;
  error: string | null;
  /** The layout is of this very view and direction. */
  done: boolean;
}

export function useLayout(model: GraphModel, view: View, direction: Direction): LayoutState {
  const [layout, setLayout] = useState<Laid | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const n = view.nodes.length;
    const src = new Int32Array(view.edges.length);
    const dst = new Int32Array(view.edges.length);
    view.edges.forEach((e, k) => {
      src[k] = e.source;
      dst[k] = e.target;
    });
    const width = new Float64Array(n);
    const height = new Float64Array(n);
    view.nodes.forEach((v, i) => {
      [width[i], height[i]] = sizeOf(v.kind);
    });
    layoutInWorker({
      n,
      src,
      dst,
      width,
      height,
      direction,
      // Room for an edge's violation label between two ranks.
      rankGap: direction === 'LR' ? 150 : 96,
      nodeGap: direction === 'LR' ? 28 : 36,
      // Room for a cycle's back edge, which arcs just outside its nodes.
      componentGap: 100,
    }).then(
      (r) => {
        if (cancelled) return;
        setError(null);
        setLayout({ model, view, direction, x: r.x, y: r.y, ms: r.ms });
      },
      (e: unknown) => {
        if (cancelled || e instanceof LayoutSuperseded) return;
        setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [model, view, direction]);
  return { layout, error, done: layout !== null && layout.view === view && layout.direction === direction };
}
