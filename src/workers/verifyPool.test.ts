import { describe, expect, it } from 'vitest';
import {
  chunkSize,
  MIN_FOR_WORKERS,
  MIN_FOR_WORKERS_FEW_CORES,
  positionsIn,
  verifyWorkerPlan,
} from './verifyPool.ts';

/** The per-import decision (issue 17): the rule, not its speed (that is `npm run bench:browser`). */
describe('verifyWorkerPlan', () => {
  it('verifies a small set on the page, whatever the cores', () => {
    for (const cores of [1, 2, 8]) {
      expect(verifyWorkerPlan(0, cores)).toBe(0);
      expect(verifyWorkerPlan(MIN_FOR_WORKERS - 1, cores)).toBe(0);
    }
  });

  it('starts no worker on one core: nothing to share', () => {
    expect(verifyWorkerPlan(100_000, 1)).toBe(0);
    expect(verifyWorkerPlan(100_000, 0)).toBe(0);
  });

  it('on 2 or 3 cores, starts workers only for the largest sets, one core left to the page', () => {
    for (const cores of [2, 3]) {
      expect(verifyWorkerPlan(10_000, cores)).toBe(0);
      expect(verifyWorkerPlan(MIN_FOR_WORKERS_FEW_CORES - 1, cores)).toBe(0);
      expect(verifyWorkerPlan(MIN_FOR_WORKERS_FEW_CORES, cores)).toBe(cores - 1);
    }
    expect(verifyWorkerPlan(100_000, 2)).toBe(1);
  });

  it('on 4 cores and more, starts workers from a few hundred tokens, one core left to the page', () => {
    expect(verifyWorkerPlan(MIN_FOR_WORKERS, 4)).toBe(3);
    expect(verifyWorkerPlan(10_000, 4)).toBe(3);
  });

  it('starts at most 4 workers, however many cores', () => {
    expect(verifyWorkerPlan(100_000, 64)).toBe(4);
  });
});

describe('chunkSize', () => {
  it('hands out every token exactly once, in chunks of 100 to 1,000', () => {
    for (const [total, threads] of [
      [200, 2],
      [10_000, 2],
      [100_000, 5],
      [1_234, 1],
    ] as const) {
      let next = 0;
      const sizes: number[] = [];
      while (next < total) {
        const size = chunkSize(total - next, threads);
        expect(size).toBeGreaterThan(0);
        sizes.push(size);
        next += size;
      }
      expect(next).toBe(total);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
      // Only the last chunk may be under 100: it is what was left.
      expect(Math.min(...sizes.slice(0, -1), 100)).toBe(100);
    }
  });

  it('shrinks towards the end, so little is left in flight to be verified twice', () => {
    const threads = 2;
    let next = 0;
    const sizes: number[] = [];
    while (next < 10_000) next += sizes[sizes.push(chunkSize(10_000 - next, threads)) - 1]!;
    expect(sizes[0]).toBe(1000);
    // The last four chunks (two in flight per worker) hold at most 4% of the set.
    expect(sizes.slice(-4).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(400);
  });
});

/** Which tokens of the set being verified a later call gets (the audit's, after an import). */
describe('positionsIn', () => {
  const all = ['a', 'b', 'not a token', 'c', 'd'];
  it('finds the same tokens in the same order, also with some left out', () => {
    expect(Array.from(positionsIn(all, all)!)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(positionsIn(['a', 'b', 'c', 'd'], all)!)).toEqual([0, 1, 3, 4]);
    expect(Array.from(positionsIn(['d'], all)!)).toEqual([4]);
  });

  it('finds nothing when a token is not there, or not in that order', () => {
    expect(positionsIn(['a', 'x'], all)).toBeNull();
    expect(positionsIn(['b', 'a'], all)).toBeNull();
    // The same token twice is two tokens to verify: one copy in the set is not enough.
    expect(positionsIn(['a', 'a'], all)).toBeNull();
    expect(Array.from(positionsIn(['a', 'a'], ['a', 'x', 'a'])!)).toEqual([0, 2]);
  });
});
