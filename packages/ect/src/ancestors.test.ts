/**
 * The ancestor rules of the whole-set audit (issue 17): `overTraversalLimit` agrees with a plain
 * count of distinct ancestors on any graph (loops, self-loops, repeated parents, any order), and
 * its work stays within a small multiple of the graph's size on the shapes a hostile or merely
 * large ledger may have. Work is counted (nodes and edges looked at), not timed.
 */
import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { overTraversalLimit } from './ancestors.ts';
import { stronglyConnected, type WorkCounter } from './components.ts';

/** The profile's definition, literally: for each node, a walk collecting distinct ancestors. */
function ancestorCounts(parentsOf: readonly (readonly number[])[]): number[] {
  return parentsOf.map((_, v) => {
    const seen = new Set<number>();
    const queue = [v];
    for (let q = 0; q < queue.length; q++)
      for (const p of parentsOf[queue[q]!]!) {
        if (seen.has(p)) continue;
        seen.add(p);
        queue.push(p);
      }
    seen.delete(v); // the token itself is not counted, even on a loop
    return seen.size;
  });
}

function bruteForce(parentsOf: readonly (readonly number[])[], limit: number): number[] {
  return ancestorCounts(parentsOf).flatMap((count, v) => (count > limit ? [v] : []));
}

const SEED = 20261117;

describe('overTraversalLimit agrees with a plain count of distinct ancestors', () => {
  const graph = (maxNodes: number) =>
    fc.integer({ min: 0, max: maxNodes }).chain((n) =>
      fc.array(fc.array(fc.nat({ max: Math.max(0, n - 1) }), { maxLength: n ? 4 : 0 }), {
        minLength: n,
        maxLength: n,
      }),
    );

  it('on any small graph (loops, self-loops, repeated parents), at any limit', () => {
    fc.assert(
      fc.property(graph(12), fc.nat({ max: 13 }), (parentsOf, limit) => {
        expect(overTraversalLimit(parentsOf, limit)).toEqual(bruteForce(parentsOf, limit));
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('on DAGs of a few hundred nodes whose counts straddle the limit (the walks and kept sets)', () => {
    // Parents among the recent nodes, in creation order or shuffled: many nodes need a walk.
    const dag = fc.record({
      n: fc.integer({ min: 50, max: 300 }),
      window: fc.integer({ min: 1, max: 40 }),
      fanIn: fc.integer({ min: 1, max: 4 }),
      shuffle: fc.boolean(),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(dag, fc.nat(), fc.integer({ min: -1, max: 1 }), (d, pick, off) => {
        const parentsOf = recentDag(d.n, d.window, d.fanIn, d.seed, d.shuffle);
        // A limit at some node's exact count (or one off): off-by-one mistakes show there.
        const counts = ancestorCounts(parentsOf);
        const limit = Math.max(0, counts[pick % d.n]! + off);
        const expected = counts.flatMap((count, v) => (count > limit ? [v] : []));
        expect(overTraversalLimit(parentsOf, limit)).toEqual(expected);
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});

/** A deterministic random source (the tests must not depend on the run). */
function random(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/** Each node names 1..fanIn parents among the `window` before it; optionally renumbered at random. */
function recentDag(n: number, window: number, fanIn: number, seed: number, shuffle = false): number[][] {
  const rnd = random(seed);
  const parentsOf = Array.from({ length: n }, (_, v) => {
    if (v === 0) return [];
    const k = 1 + Math.floor(rnd() * fanIn);
    return Array.from({ length: k }, () => v - 1 - Math.floor(rnd() * Math.min(v, window)));
  });
  if (!shuffle) return parentsOf;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const renamed: number[][] = new Array<number[]>(n);
  parentsOf.forEach((ps, v) => (renamed[order[v]!] = ps.map((p) => order[p]!)));
  return renamed;
}

describe('overTraversalLimit, the kept sets', () => {
  it('counts a node below a kept set exactly, at the limit and one past it', () => {
    // 10 unrelated roots (so that position alone decides nothing), then a0 <- a1 <- b, c; r <- b, c
    // (4 ancestors, the sum over its parents says 6: r is walked and its set kept);
    // x <- r, a0: r's set and r, 5 ancestors, no more.
    const g: number[][] = Array.from({ length: 10 }, () => []);
    const a0 = g.push([]) - 1;
    const a1 = g.push([a0]) - 1;
    const b = g.push([a1]) - 1;
    const c = g.push([a1]) - 1;
    const r = g.push([b, c]) - 1;
    const x = g.push([r, a0]) - 1;
    expect(overTraversalLimit(g, 5)).toEqual([]);
    expect(overTraversalLimit(g, 4)).toEqual([x]);
    expect(overTraversalLimit(g, 3)).toEqual([r, x]);
  });
});

describe('overTraversalLimit does near-linear work on large shapes (50,000 nodes, limit 10,000)', () => {
  const n = 50_000;
  const limit = 10_000;
  const chain = (i: number) => (i ? [i - 1] : []);
  const rnd = random(17);
  const shapes: Record<string, () => number[][]> = {
    // One long workflow: each task names the one before, every third also a random earlier one;
    // tasks pass the limit from the 10,001st on.
    'a long workflow with fan-in': () =>
      Array.from({ length: n }, (_, i) => (i % 3 || !i ? chain(i) : [i - 1, Math.floor(rnd() * i)])),
    'a long chain': () => Array.from({ length: n }, (_, i) => chain(i)),
    'a 50,000-node loop': () => Array.from({ length: n }, (_, i) => [(i + n - 1) % n]),
    'many loops: 25,000 two-node loops in a row': () =>
      Array.from({ length: n }, (_, i) => (i % 2 ? [i - 1] : i ? [i + 1, i - 1] : [1])),
    'many separate loops of 3': () => Array.from({ length: n }, (_, i) => [i % 3 ? i - 1 : i + 2]),
    'wide fan-in: one task naming 49,999 roots': () =>
      Array.from({ length: n }, (_v, i) => (i === n - 1 ? Array.from({ length: n - 1 }, (_, j) => j) : [])),
    'wide fan-in: every task names the 20 before it': () =>
      Array.from({ length: n }, (_v, i) => Array.from({ length: Math.min(i, 20) }, (_, j) => i - 1 - j)),
    'wide fan-out: 49,999 children of one root': () => Array.from({ length: n }, (_, i) => (i ? [0] : [])),
    'four workflows interleaved in the ledger': () =>
      Array.from({ length: n }, (_, i) =>
        i < 4 ? [] : i % 3 ? [i - 4] : [i - 4, (i % 4) + 4 * Math.floor(rnd() * Math.floor(i / 4))],
      ),
    'the long workflow, shuffled': () => {
      const g = Array.from({ length: n }, (_, i) =>
        i % 3 || !i ? chain(i) : [i - 1, Math.floor(rnd() * i)],
      );
      const order = Array.from({ length: n }, (_, i) => i).sort(() => rnd() - 0.5);
      const renamed: number[][] = new Array<number[]>(n);
      g.forEach((ps, v) => (renamed[order[v]!] = ps.map((p) => order[p]!)));
      return renamed;
    },
  };
  const expected: Record<string, number> = {
    'a long workflow with fan-in': n - limit - 1, // tasks 10,001 and on
    'a long chain': n - limit - 1,
    'a 50,000-node loop': n,
    'many loops: 25,000 two-node loops in a row': n - limit, // node 10,000 has 9,999 before it and its partner
    'many separate loops of 3': 0,
    'wide fan-in: one task naming 49,999 roots': 1,
    'wide fan-in: every task names the 20 before it': n - limit - 1,
    'wide fan-out: 49,999 children of one root': 0,
    'the long workflow, shuffled': n - limit - 1,
  };
  for (const [name, make] of Object.entries(shapes)) {
    it(name, () => {
      const parentsOf = make();
      const edges = parentsOf.reduce((sum, ps) => sum + ps.length, 0);
      const counter: WorkCounter = { work: 0 };
      const over = overTraversalLimit(parentsOf, limit, counter);
      // Before issue 17 the long workflow cost about 400 million steps (a bounded walk per task),
      // the loop 500 million. Now a few per node and edge.
      expect(counter.work).toBeLessThanOrEqual(8 * (n + edges));
      // And the answer is right where it is known.
      if (name in expected) expect(over.length).toBe(expected[name]);
    });
  }

  it('walks with kept sets on a random DAG of recent parents (the bench graph), within 60 per node and edge', () => {
    const parentsOf = recentDag(n, 50, 3, 4);
    const edges = parentsOf.reduce((sum, ps) => sum + ps.length, 0);
    const counter: WorkCounter = { work: 0 };
    overTraversalLimit(parentsOf, limit, counter);
    // Measured 47 (a bounded walk per node whose count is near the limit, ~1,700 of them). Without
    // the kept sets it would be one walk of ~8,000 components each: about 100 per node and edge.
    expect(counter.work).toBeLessThanOrEqual(60 * (n + edges));
  });
});

describe('stronglyConnected', () => {
  it('numbers components so that parents come first (a topological order of the condensation)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat({ max: 19 }), { maxLength: 3 }), { minLength: 20, maxLength: 20 }),
        (parentsOf) => {
          const comp = stronglyConnected(parentsOf);
          parentsOf.forEach((ps, v) => ps.forEach((p) => expect(comp[p]).toBeLessThanOrEqual(comp[v]!)));
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });
});
