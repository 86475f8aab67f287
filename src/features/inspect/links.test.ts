import { describe, expect, it } from 'vitest';
import { layersOf, tokenLinks } from './links.ts';

describe('tokenLinks, layersOf', () => {
  it('links parents to children by pred (and -00 par), ignoring unknown and self references', () => {
    const payloads = [
      { jti: 'a', pred: [] },
      { jti: 'b', pred: ['a'] },
      { jti: 'c', par: ['a', 'b', 'zzz'] },
      null,
      { jti: 'd', pred: ['d', 'c', 'c'] },
    ];
    const edges = tokenLinks(payloads);
    expect(edges).toEqual([
      { from: 0, to: 1 },
      { from: 0, to: 2 },
      { from: 1, to: 2 },
      { from: 2, to: 4 },
    ]);
    expect(layersOf(5, edges)).toEqual([0, 1, 2, 0, 3]);
  });

  it('a cycle ends, with finite layers', () => {
    const edges = tokenLinks([
      { jti: 'a', pred: ['b'] },
      { jti: 'b', pred: ['a'] },
    ]);
    expect(edges).toHaveLength(2);
    expect(layersOf(2, edges).every((l) => l >= 0 && l <= 2)).toBe(true);
  });
});
