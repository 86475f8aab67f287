/**
 * Edge crossings of a drawing, each edge a straight line between its nodes' centres (what the
 * issue's layout-quality figure counts, for our layout and dagre's alike). Edges that share a node
 * do not cross; a pair is counted once. Edges are bucketed by their extent on the x axis, so that
 * only pairs whose extents overlap are tested: fine for the bench's thousands of edges.
 */
export function countCrossings(
  cx: ArrayLike<number>,
  cy: ArrayLike<number>,
  src: ArrayLike<number>,
  dst: ArrayLike<number>,
): number {
  const m = src.length;
  const order = Array.from({ length: m }, (_, k) => k).filter((k) => src[k] !== dst[k]);
  const lo = (k: number) => Math.min(cx[src[k]!]!, cx[dst[k]!]!);
  const hi = (k: number) => Math.max(cx[src[k]!]!, cx[dst[k]!]!);
  order.sort((a, b) => lo(a) - lo(b));
  let count = 0;
  for (let i = 0; i < order.length; i++) {
    const a = order[i]!;
    const aHi = hi(a);
    for (let j = i + 1; j < order.length; j++) {
      const b = order[j]!;
      if (lo(b) > aHi) break;
      if (cross(a, b)) count++;
    }
  }
  return count;

  function cross(a: number, b: number): boolean {
    const p = src[a]!;
    const q = dst[a]!;
    const r = src[b]!;
    const s = dst[b]!;
    if (p === r || p === s || q === r || q === s) return false;
    const d1 = orient(r, s, p);
    const d2 = orient(r, s, q);
    const d3 = orient(p, q, r);
    const d4 = orient(p, q, s);
    return d1 * d2 < 0 && d3 * d4 < 0;
  }
  function orient(a: number, b: number, c: number): number {
    const v = (cx[b]! - cx[a]!) * (cy[c]! - cy[a]!) - (cy[b]! - cy[a]!) * (cx[c]! - cx[a]!);
    return v > 1e-9 ? 1 : v < -1e-9 ? -1 : 0;
  }
}
