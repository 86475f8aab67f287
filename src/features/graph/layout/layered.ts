/**
 * A layered (Sugiyama-style) layout that stays linear-ish, for DAGs of up to
 * tens of thousands of nodes. General-purpose engines (dagre, ELK) are
 * super-linear and take seconds past ~1k nodes; an ECT workflow comes with a
 * natural rank (its depth), so this is enough:
 *
 * 1. cycles are broken by ignoring the back edges an iterative DFS finds
 *    (self-loops are ignored outright);
 * 2. rank = longest path from the roots over the remaining edges (Kahn order);
 * 3. order within each rank: DFS pre-order, then a few ordering rounds once
 *    coordinates exist (step 4): every rank sorted by the mean drawn position
 *    of its nodes' parents and children (any rank: ECT edges skip ranks, and
 *    there are no dummy nodes), the node's own position weighing as two
 *    neighbours, then placed again;
 * 4. coordinates: each rank is placed in turn, every node as close as it can
 *    get to the mean of its neighbours in the ranks already placed, without
 *    overlaps (the mean of a left-packed and a right-packed placement, which is
 *    itself overlap-free);
 * 5. weakly connected components are laid out apart and packed into columns.
 *
 * Pure and synchronous: it runs in the layout worker (layout.worker.ts), never
 * on the main thread, and in Node for its tests.
 */

export type Direction = 'LR' | 'TB';

export interface LayoutInput {
  n: number;
  /** Edge k goes from src[k] (the parent) to dst[k] (the child). */
  src: Int32Array;
  dst: Int32Array;
  /** Node sizes: one number for every node, or one per node. */
  width: number | Float64Array;
  height: number | Float64Array;
  /** LR: ranks left to right (time flows right); TB: ranks top to bottom. */
  direction: Direction;
  /** Space between ranks, along the rank axis. Default 80. */
  rankGap?: number;
  /** Space between neighbours within a rank. Default 24. */
  nodeGap?: number;
  /** Space between connected components. Default 72. */
  componentGap?: number;
  /** Ordering rounds (step 3), each followed by a placement. Default 6. */
  sweeps?: number;
}

export interface LayoutResult {
  /** Top-left corner of each node. */
  x: Float64Array;
  y: Float64Array;
  rank: Int32Array;
  /** Position within its rank (within its component). */
  order: Int32Array;
  component: Int32Array;
  /** Edges ignored to break cycles (self-loops included). */
  backEdges: number;
  /** Extent of the whole drawing. */
  width: number;
  height: number;
}

/** How much a node's own position counts against its neighbours' in an ordering round (step 3). */
const OWN_WEIGHT = 2;

export function layeredLayout(input: LayoutInput): LayoutResult {
  const { n, src, dst, direction } = input;
  const m = src.length;
  const rankGap = input.rankGap ?? 80;
  const nodeGap = input.nodeGap ?? 24;
  const componentGap = input.componentGap ?? 72;
  const sweeps = input.sweeps ?? 6;
  const sizeOf = (s: number | Float64Array) =>
    typeof s === 'number' ? new Float64Array(n).fill(s) : Float64Array.from(s);
  const w = sizeOf(input.width);
  const h = sizeOf(input.height);
  // "along" = size on the rank axis, "across" = size on the axis nodes of one rank are spread on.
  const along = direction === 'LR' ? w : h;
  const across = direction === 'LR' ? h : w;

  // --- adjacency (CSR), edges checked ---
  const valid = new Uint8Array(m);
  const outDeg = new Int32Array(n);
  const inDeg = new Int32Array(n);
  let backEdges = 0;
  for (let k = 0; k < m; k++) {
    const s = src[k]!;
    const d = dst[k]!;
    if (s < 0 || d < 0 || s >= n || d >= n) continue;
    if (s === d) {
      backEdges++;
      continue;
    }
    valid[k] = 1;
    outDeg[s]!++;
    inDeg[d]!++;
  }
  const outStart = prefix(outDeg);
  const outEdge = new Int32Array(outStart[n]!);
  const fillOut = outStart.slice(0, n);
  for (let k = 0; k < m; k++) if (valid[k]) outEdge[fillOut[src[k]!]!++] = k;

  // --- 1. back edges by iterative DFS, roots first; pre-order kept for the initial ordering ---
  const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
  const pre = new Int32Array(n);
  let preCounter = 0;
  const stackNode = new Int32Array(n);
  const stackNext = new Int32Array(n);
  const dfs = (root: number) => {
    let top = 0;
    stackNode[0] = root;
    stackNext[0] = outStart[root]!;
    state[root] = 1;
    pre[root] = preCounter++;
    while (top >= 0) {
      const v = stackNode[top]!;
      const i = stackNext[top]!;
      if (i < outStart[v + 1]!) {
        stackNext[top] = i + 1;
        const k = outEdge[i]!;
        const c = dst[k]!;
        if (state[c] === 1) {
          valid[k] = 0; // back edge: ignored from here on
          backEdges++;
        } else if (state[c] === 0) {
          state[c] = 1;
          pre[c] = preCounter++;
          top++;
          stackNode[top] = c;
          stackNext[top] = outStart[c]!;
        }
        continue;
      }
      state[v] = 2;
      top--;
    }
  };
  for (let v = 0; v < n; v++) if (inDeg[v] === 0 && state[v] === 0) dfs(v);
  for (let v = 0; v < n; v++) if (state[v] === 0) dfs(v);

  // Forward adjacency over the remaining (acyclic) edges, both ways.
  const fOutDeg = new Int32Array(n);
  const fInDeg = new Int32Array(n);
  for (let k = 0; k < m; k++) {
    if (!valid[k]) continue;
    fOutDeg[src[k]!]!++;
    fInDeg[dst[k]!]!++;
  }
  const fOutStart = prefix(fOutDeg);
  const fInStart = prefix(fInDeg);
  const children = new Int32Array(fOutStart[n]!);
  const parents = new Int32Array(fInStart[n]!);
  {
    const oi = fOutStart.slice(0, n);
    const ii = fInStart.slice(0, n);
    for (let k = 0; k < m; k++) {
      if (!valid[k]) continue;
      children[oi[src[k]!]!++] = dst[k]!;
      parents[ii[dst[k]!]!++] = src[k]!;
    }
  }

  // --- 2. ranks: longest path from the roots (Kahn) ---
  const rank = new Int32Array(n);
  {
    const pending = Int32Array.from(fInDeg);
    const queue = new Int32Array(n);
    let qEnd = 0;
    for (let v = 0; v < n; v++) if (pending[v] === 0) queue[qEnd++] = v;
    for (let q = 0; q < qEnd; q++) {
      const v = queue[q]!;
      for (let i = fOutStart[v]!; i < fOutStart[v + 1]!; i++) {
        const c = children[i]!;
        if (rank[v]! + 1 > rank[c]!) rank[c] = rank[v]! + 1;
        if (--pending[c]! === 0) queue[qEnd++] = c;
      }
    }
  }

  // --- 5a. weakly connected components (union-find over every edge, back edges included) ---
  const parentUf = new Int32Array(n);
  for (let v = 0; v < n; v++) parentUf[v] = v;
  const find = (v: number) => {
    while (parentUf[v] !== v) {
      parentUf[v] = parentUf[parentUf[v]!]!;
      v = parentUf[v]!;
    }
    return v;
  };
  for (let k = 0; k < m; k++) {
    const s = src[k]!;
    const d = dst[k]!;
    if (s < 0 || d < 0 || s >= n || d >= n || s === d) continue;
    const a = find(s);
    const b = find(d);
    if (a !== b) parentUf[a < b ? b : a] = a < b ? a : b;
  }
  const component = new Int32Array(n);
  const compOfRoot = new Int32Array(n).fill(-1);
  let compCount = 0;
  for (let v = 0; v < n; v++) {
    const r = find(v);
    if (compOfRoot[r] === -1) compOfRoot[r] = compCount++;
    component[v] = compOfRoot[r]!;
  }

  // --- buckets: nodes sorted by (component, rank, DFS pre-order) ---
  // Ranks are per component; a bucket is one (component, rank) pair.
  const compMaxRank = new Int32Array(compCount);
  for (let v = 0; v < n; v++)
    if (rank[v]! > compMaxRank[component[v]!]!) compMaxRank[component[v]!] = rank[v]!;
  const compBucketStart = new Int32Array(compCount + 1);
  for (let c = 0; c < compCount; c++) compBucketStart[c + 1] = compBucketStart[c]! + compMaxRank[c]! + 1;
  const bucketCount = compBucketStart[compCount]!;
  const bucketOf = (v: number) => compBucketStart[component[v]!]! + rank[v]!;
  const bucketSize = new Int32Array(bucketCount);
  for (let v = 0; v < n; v++) bucketSize[bucketOf(v)]!++;
  const bucketStart = prefix(bucketSize);
  const byPre = new Int32Array(n);
  for (let v = 0; v < n; v++) byPre[pre[v]!] = v;
  const slots = new Int32Array(n); // nodes, bucket by bucket, in order
  {
    const fill = bucketStart.slice(0, bucketCount);
    for (let i = 0; i < n; i++) {
      const v = byPre[i]!;
      slots[fill[bucketOf(v)]!++] = v;
    }
  }
  const order = new Int32Array(n);
  const setOrder = (b: number) => {
    for (let i = bucketStart[b]!; i < bucketStart[b + 1]!; i++) order[slots[i]!] = i - bucketStart[b]!;
  };
  for (let b = 0; b < bucketCount; b++) setOrder(b);

  // --- 4. coordinates across the ranks (centres) ---
  const cross = new Float64Array(n);
  const desired = new Float64Array(n);
  const fwd = new Float64Array(n);
  const sep = (a: number, b: number) => (across[a]! + across[b]!) / 2 + nodeGap;
  const placeBucket = (b: number, useParents: boolean, keepOwn: boolean) => {
    const start = bucketStart[b]!;
    const end = bucketStart[b + 1]!;
    if (start === end) return;
    const from = useParents ? fInStart : fOutStart;
    const list = useParents ? parents : children;
    let any = false;
    for (let i = start; i < end; i++) {
      const v = slots[i]!;
      let sum = 0;
      let count = 0;
      for (let j = from[v]!; j < from[v + 1]!; j++) {
        sum += cross[list[j]!]!;
        count++;
      }
      if (count) {
        desired[v] = sum / count;
        any = true;
      } else desired[v] = keepOwn ? cross[v]! : NaN;
      if (keepOwn) any = true;
    }
    if (!any) {
      // Nothing to align with: pack around 0.
      let c = 0;
      for (let i = start; i < end; i++) {
        if (i > start) c += sep(slots[i - 1]!, slots[i]!);
        desired[slots[i]!] = c;
      }
    } else {
      // Nodes with no neighbour to follow sit next to the ones that have one.
      for (let i = start + 1; i < end; i++) {
        const v = slots[i]!;
        const u = slots[i - 1]!;
        if (Number.isNaN(desired[v]!) && !Number.isNaN(desired[u]!)) desired[v] = desired[u]! + sep(u, v);
      }
      for (let i = end - 2; i >= start; i--) {
        const v = slots[i]!;
        const u = slots[i + 1]!;
        if (Number.isNaN(desired[v]!)) desired[v] = desired[u]! - sep(v, u);
      }
    }
    // Left-packed (forward, max) and right-packed (backward, min) placements; their mean is overlap-free.
    for (let i = start; i < end; i++) {
      const v = slots[i]!;
      fwd[v] = i === start ? desired[v]! : Math.max(desired[v]!, fwd[slots[i - 1]!]! + sep(slots[i - 1]!, v));
    }
    let next = 0;
    for (let i = end - 1; i >= start; i--) {
      const v = slots[i]!;
      const bwd = i === end - 1 ? desired[v]! : Math.min(desired[v]!, next - sep(v, slots[i + 1]!));
      next = bwd;
      cross[v] = (fwd[v]! + bwd) / 2;
    }
  };
  const place = () => {
    for (let c = 0; c < compCount; c++) {
      const base = compBucketStart[c]!;
      const maxR = compMaxRank[c]!;
      for (let r = 0; r <= maxR; r++) placeBucket(base + r, true, false);
      for (let r = maxR - 1; r >= 0; r--) placeBucket(base + r, false, true);
      for (let r = 1; r <= maxR; r++) placeBucket(base + r, true, true);
    }
  };
  place();
  const key = new Float64Array(n);
  const scratch: number[] = [];
  // --- 3. ordering rounds: each rank sorted by where its neighbours are drawn, then placed again ---
  // Crossings (straight lines between centres) over dagre's on the same random ECT-like graphs of
  // 300 and 1,000 nodes, 4 seeds each (issue 17): the previous barycenter sweeps over rank order
  // gave 1.06-2.02x, worse than none (1.11-1.42x: ranks of different sizes and edges that skip
  // ranks make order a poor stand-in for position); sorting by drawn position gave 0.78-1.37x and
  // swung from round to round; the own position as a weight steadies it: 0.80-1.11x in 6 rounds.
  // Each round costs one placement and a sort per rank.
  for (let round = 0; round < sweeps; round++) {
    for (let b = 0; b < bucketCount; b++) {
      const start = bucketStart[b]!;
      const end = bucketStart[b + 1]!;
      if (end - start < 2) continue;
      scratch.length = 0;
      for (let i = start; i < end; i++) {
        const v = slots[i]!;
        let sum = 0;
        let count = 0;
        for (let j = fInStart[v]!; j < fInStart[v + 1]!; j++) {
          sum += cross[parents[j]!]!;
          count++;
        }
        for (let j = fOutStart[v]!; j < fOutStart[v + 1]!; j++) {
          sum += cross[children[j]!]!;
          count++;
        }
        key[v] = count ? (sum + OWN_WEIGHT * cross[v]!) / (count + OWN_WEIGHT) : cross[v]!;
        scratch.push(v);
      }
      scratch.sort((a, c) => key[a]! - key[c]! || order[a]! - order[c]!);
      for (let i = start; i < end; i++) slots[i] = scratch[i - start]!;
      setOrder(b);
    }
    place();
  }

  // --- rank axis: each rank as wide as its widest node ---
  const rankSize = new Float64Array(bucketCount);
  for (let v = 0; v < n; v++) {
    const b = bucketOf(v);
    if (along[v]! > rankSize[b]!) rankSize[b] = along[v]!;
  }
  const rankPos = new Float64Array(bucketCount);
  const compAlong = new Float64Array(compCount);
  for (let c = 0; c < compCount; c++) {
    let p = 0;
    for (let r = 0; r <= compMaxRank[c]!; r++) {
      rankPos[compBucketStart[c]! + r] = p;
      p += rankSize[compBucketStart[c]! + r]! + (r < compMaxRank[c]! ? rankGap : 0);
    }
    compAlong[c] = p;
  }

  // --- 5b. pack the components into columns (LR) or rows (TB) ---
  const compMin = new Float64Array(compCount).fill(Infinity);
  const compMax = new Float64Array(compCount).fill(-Infinity);
  for (let v = 0; v < n; v++) {
    const c = component[v]!;
    const lo = cross[v]! - across[v]! / 2;
    const hi = cross[v]! + across[v]! / 2;
    if (lo < compMin[c]!) compMin[c] = lo;
    if (hi > compMax[c]!) compMax[c] = hi;
  }
  let area = 0;
  let tallest = 0;
  for (let c = 0; c < compCount; c++) {
    const extent = compMax[c]! - compMin[c]!;
    area += (extent + componentGap) * (compAlong[c]! + componentGap);
    tallest = Math.max(tallest, extent);
  }
  // Columns no longer than the largest component, or than a roughly 16:9 drawing would need.
  const aspect = direction === 'LR' ? 9 / 16 : 16 / 9;
  const limit = Math.max(tallest, Math.sqrt(area * aspect));
  const compCrossOff = new Float64Array(compCount);
  const compAlongOff = new Float64Array(compCount);
  let colAlong = 0;
  let colWidth = 0;
  let colCross = 0;
  let totalCross = 0;
  for (let c = 0; c < compCount; c++) {
    const extent = compMax[c]! - compMin[c]!;
    if (colCross > 0 && colCross + extent > limit) {
      colAlong += colWidth + componentGap;
      colWidth = 0;
      colCross = 0;
    }
    compCrossOff[c] = colCross - compMin[c]!;
    compAlongOff[c] = colAlong;
    colCross += extent + componentGap;
    colWidth = Math.max(colWidth, compAlong[c]!);
    totalCross = Math.max(totalCross, colCross - componentGap);
  }
  const totalAlong = colAlong + colWidth;

  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const c = component[v]!;
    const b = bucketOf(v);
    const a = compAlongOff[c]! + rankPos[b]! + (rankSize[b]! - along[v]!) / 2;
    const k = compCrossOff[c]! + cross[v]! - across[v]! / 2;
    if (direction === 'LR') {
      x[v] = a;
      y[v] = k;
    } else {
      x[v] = k;
      y[v] = a;
    }
  }
  return {
    x,
    y,
    rank,
    order,
    component,
    backEdges,
    width: direction === 'LR' ? totalAlong : totalCross,
    height: direction === 'LR' ? totalCross : totalAlong,
  };
}

/** Exclusive prefix sums: out[i] = sum of counts[0..i), out[n] = total. */
function prefix(counts: Int32Array): Int32Array {
  const out = new Int32Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) out[i + 1] = out[i]! + counts[i]!;
  return out;
}
