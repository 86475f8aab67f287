import { describe, expect, it } from 'vitest';
import { countCrossings } from './crossings.ts';
import { layeredLayout, type Direction, type LayoutInput, type LayoutResult } from './layered.ts';

const W = 200;
const H = 64;

function graph(n: number, edges: [number, number][], direction: Direction = 'LR'): LayoutInput {
  return {
    n,
    src: Int32Array.from(edges.map((e) => e[0])),
    dst: Int32Array.from(edges.map((e) => e[1])),
    width: W,
    height: H,
    direction,
  };
}

/** A random DAG like a ledger: each node has 1-3 parents among the nodes before it (roots now and then). */
function randomDag(n: number, seed = 1): [number, number][] {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const edges: [number, number][] = [];
  for (let v = 1; v < n; v++) {
    if (rnd() < 0.05) continue; // a new root
    const k = 1 + Math.floor(rnd() * 3);
    const seen = new Set<number>();
    for (let j = 0; j < k; j++) {
      // mostly recent parents, as in a running workflow
      const p = Math.max(0, v - 1 - Math.floor(rnd() * Math.min(v, 50)));
      if (!seen.has(p)) {
        seen.add(p);
        edges.push([p, v]);
      }
    }
  }
  return edges;
}

/** No two node boxes overlap: boxes in one lane (same rank-axis position) sorted, plus all pairs for small n. */
function expectNoOverlap(r: LayoutResult, n: number, direction: Direction) {
  const lanes = new Map<number, number[]>();
  for (let v = 0; v < n; v++) {
    const a = direction === 'LR' ? r.x[v]! : r.y[v]!;
    const list = lanes.get(a);
    if (list) list.push(v);
    else lanes.set(a, [v]);
  }
  const size = direction === 'LR' ? H : W;
  const bad: string[] = [];
  for (const list of lanes.values()) {
    const pos = list.map((v) => (direction === 'LR' ? r.y[v]! : r.x[v]!)).sort((a, b) => a - b);
    for (let i = 1; i < pos.length; i++)
      if (pos[i]! - pos[i - 1]! < size - 1e-6) bad.push(`lane at ${pos[i]}`);
  }
  if (n <= 400) {
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) {
        const overlapX = Math.min(r.x[a]! + W, r.x[b]! + W) - Math.max(r.x[a]!, r.x[b]!);
        const overlapY = Math.min(r.y[a]! + H, r.y[b]! + H) - Math.max(r.y[a]!, r.y[b]!);
        if (overlapX > 1e-6 && overlapY > 1e-6) bad.push(`nodes ${a} and ${b}`);
      }
  }
  expect(bad, 'overlapping boxes').toEqual([]);
}

describe('layeredLayout', () => {
  it('puts every child in a later rank than its parents, left to right', () => {
    const edges = randomDag(300, 7);
    const r = layeredLayout(graph(300, edges));
    expect(r.backEdges).toBe(0);
    for (const [p, c] of edges) {
      expect(r.rank[c]!).toBeGreaterThan(r.rank[p]!);
      expect(r.x[c]!).toBeGreaterThan(r.x[p]!);
    }
  });

  it('takes the longest path from the roots as the rank', () => {
    // 0 -> 1 -> 2 -> 3 and 0 -> 3: node 3 is at rank 3, not 1.
    const r = layeredLayout(
      graph(4, [
        [0, 1],
        [1, 2],
        [2, 3],
        [0, 3],
      ]),
    );
    expect([...r.rank]).toEqual([0, 1, 2, 3]);
  });

  it('runs top to bottom when asked', () => {
    const edges = randomDag(200, 3);
    const r = layeredLayout(graph(200, edges, 'TB'));
    for (const [p, c] of edges) expect(r.y[c]!).toBeGreaterThan(r.y[p]!);
    expectNoOverlap(r, 200, 'TB');
  });

  it('never overlaps two nodes of one rank (or of two components)', () => {
    for (const seed of [1, 2, 3]) {
      const edges = randomDag(350, seed);
      const r = layeredLayout(graph(350, edges));
      expectNoOverlap(r, 350, 'LR');
    }
  });

  it('handles variable sizes without overlaps', () => {
    const n = 120;
    const edges = randomDag(n, 11);
    const width = Float64Array.from({ length: n }, (_, i) => 120 + (i % 5) * 40);
    const height = Float64Array.from({ length: n }, (_, i) => 40 + (i % 3) * 30);
    const r = layeredLayout({ ...graph(n, edges), width, height });
    const bad: string[] = [];
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) {
        const ox = Math.min(r.x[a]! + width[a]!, r.x[b]! + width[b]!) - Math.max(r.x[a]!, r.x[b]!);
        const oy = Math.min(r.y[a]! + height[a]!, r.y[b]! + height[b]!) - Math.max(r.y[a]!, r.y[b]!);
        if (ox > 1e-6 && oy > 1e-6) bad.push(`nodes ${a} and ${b}`);
      }
    expect(bad, 'overlapping boxes').toEqual([]);
  });

  it('aligns a plain chain on one line', () => {
    const r = layeredLayout(
      graph(5, [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
      ]),
    );
    expect(new Set(r.y).size).toBe(1);
  });

  it('keeps a parent between its children', () => {
    const r = layeredLayout(
      graph(3, [
        [0, 1],
        [0, 2],
      ]),
    );
    expect(r.y[0]!).toBeGreaterThan(Math.min(r.y[1]!, r.y[2]!));
    expect(r.y[0]!).toBeLessThan(Math.max(r.y[1]!, r.y[2]!));
  });

  it('breaks cycles instead of hanging: a 2-cycle, a self-loop, a ring of 10,000', () => {
    const two = layeredLayout(
      graph(3, [
        [0, 1],
        [1, 0],
        [1, 2],
      ]),
    );
    expect(two.backEdges).toBe(1);
    expect(two.rank[2]!).toBeGreaterThan(two.rank[1]!);

    const self = layeredLayout(
      graph(2, [
        [0, 0],
        [0, 1],
      ]),
    );
    expect(self.backEdges).toBe(1);
    expect([...self.rank]).toEqual([0, 1]);

    const n = 10_000;
    const ring: [number, number][] = Array.from({ length: n }, (_, i) => [i, (i + 1) % n]);
    const r = layeredLayout(graph(n, ring));
    expect(r.backEdges).toBe(1);
    expect(Math.max(...r.rank)).toBe(n - 1);
  });

  it('ignores edges to nodes that do not exist', () => {
    const r = layeredLayout(
      graph(2, [
        [0, 1],
        [0, 5],
        [-1, 1],
      ]),
    );
    expect([...r.rank]).toEqual([0, 1]);
  });

  it('lays out separate workflows apart, and an empty graph', () => {
    const r = layeredLayout(
      graph(4, [
        [0, 1],
        [2, 3],
      ]),
    );
    expect(r.component[0]).toBe(r.component[1]);
    expect(r.component[0]).not.toBe(r.component[2]);
    expectNoOverlap(r, 4, 'LR');
    const empty = layeredLayout(graph(0, []));
    expect(empty.width).toBe(0);
  });

  it('draws fewer edge crossings with its ordering rounds than with the first order alone', () => {
    const crossings = (input: LayoutInput) => {
      const r = layeredLayout(input);
      const cx = Array.from(r.x, (x) => x + W / 2);
      const cy = Array.from(r.y, (y) => y + H / 2);
      return countCrossings(cx, cy, input.src, input.dst);
    };
    for (const seed of [3, 300]) {
      const input = graph(300, randomDag(300, seed));
      const first = crossings({ ...input, sweeps: 0 });
      const rounds = crossings(input);
      expect(rounds, `seed ${seed}: ${rounds} crossings after the rounds, ${first} before`).toBeLessThan(
        first * 0.9,
      );
    }
  });

  it('counts crossings of straight edges between centres, not edges sharing a node', () => {
    // 0 (0,0) -> 1 (10,10) and 2 (0,10) -> 3 (10,0) cross; 0 -> 3 shares a node with both.
    const cx = [0, 10, 0, 10];
    const cy = [0, 10, 10, 0];
    expect(countCrossings(cx, cy, [0, 2, 0], [1, 3, 3])).toBe(1);
    expect(countCrossings(cx, cy, [0, 0], [1, 3])).toBe(0);
  });

  it('is deterministic', () => {
    const edges = randomDag(500, 5);
    const a = layeredLayout(graph(500, edges));
    const b = layeredLayout(graph(500, edges));
    expect([...a.x]).toEqual([...b.x]);
    expect([...a.y]).toEqual([...b.y]);
  });

  it('lays out 20,000 nodes in well under a second', () => {
    const n = 20_000;
    const edges = randomDag(n, 42);
    const input = graph(n, edges);
    layeredLayout(graph(1000, randomDag(1000, 1))); // warm up the JIT
    const t0 = performance.now();
    const r = layeredLayout(input);
    const ms = performance.now() - t0;
    console.info(`layeredLayout: ${n} nodes, ${edges.length} edges in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1500); // a generous bound for slow CI machines; ~100-200 ms here
    expect(edges.filter(([p, c]) => r.rank[c]! <= r.rank[p]!)).toEqual([]);
    expectNoOverlap(r, n, 'LR');
    expect(r.x.every(Number.isFinite) && r.y.every(Number.isFinite)).toBe(true);
  });
});
