/**
 * How pasted tokens link to each other: an edge from a parent to each child that names the
 * parent's `jti` in its `pred` (-01) or `par` (-00), and a layer per token (the longest chain of
 * parents above it), to draw the set as a small DAG when they link.
 */
import type { JsonObject } from 'wimse-ect';

export interface TokenEdge {
  /** The parent's index in the pasted list. */
  from: number;
  /** The child's index. */
  to: number;
}

export function tokenLinks(payloads: readonly (JsonObject | null)[]): TokenEdge[] {
  const byJti = new Map<string, number>();
  payloads.forEach((p, i) => {
    if (p && typeof p.jti === 'string' && !byJti.has(p.jti)) byJti.set(p.jti, i);
  });
  const edges: TokenEdge[] = [];
  payloads.forEach((p, i) => {
    const preds = p ? (Array.isArray(p.pred) ? p.pred : Array.isArray(p.par) ? p.par : []) : [];
    for (const id of new Set(preds)) {
      const parent = typeof id === 'string' ? byJti.get(id) : undefined;
      if (parent !== undefined && parent !== i) edges.push({ from: parent, to: i });
    }
  });
  return edges;
}

/** Each node's layer: 0 for roots, else one more than its deepest parent (a cycle stops the count). */
export function layersOf(count: number, edges: readonly TokenEdge[]): number[] {
  const parents: number[][] = Array.from({ length: count }, () => []);
  for (const e of edges) parents[e.to]!.push(e.from);
  const layer = new Array<number>(count).fill(-1);
  const visiting = new Set<number>();
  const depth = (i: number): number => {
    if (layer[i]! >= 0) return layer[i]!;
    if (visiting.has(i)) return 0; // a cycle: the audit on the Ledger tab reports it
    visiting.add(i);
    let d = 0;
    for (const p of parents[i]!) d = Math.max(d, depth(p) + 1);
    visiting.delete(i);
    layer[i] = d;
    return d;
  };
  for (let i = 0; i < count; i++) depth(i);
  return layer;
}
