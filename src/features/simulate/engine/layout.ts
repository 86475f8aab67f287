/**
 * A small layered layout for the run's DAG: x from the depth (0 for a root,
 * else one more than the deepest predecessor), y from the position within
 * that depth, in the order the nodes were added.
 */
import { taskDepths } from './validate.ts';

export interface LayoutInput {
  id: string;
  pred: readonly string[];
}

export interface Placed {
  id: string;
  depth: number;
  row: number;
  x: number;
  y: number;
}

export function layoutByDepth(
  nodes: readonly LayoutInput[],
  opts: { dx?: number; dy?: number } = {},
): Map<string, Placed> {
  const dx = opts.dx ?? 220;
  const dy = opts.dy ?? 90;
  const depths = taskDepths(nodes);
  const rows = new Map<number, number>();
  const out = new Map<string, Placed>();
  for (const n of nodes) {
    const depth = depths.get(n.id) ?? 0;
    const row = rows.get(depth) ?? 0;
    rows.set(depth, row + 1);
    out.set(n.id, { id: n.id, depth, row, x: depth * dx, y: row * dy });
  }
  return out;
}
