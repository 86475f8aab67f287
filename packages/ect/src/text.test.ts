import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { stringifyJson } from './text.ts';

describe('stringifyJson', () => {
  it('writes what JSON.stringify writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(stringifyJson(v)).toBe(JSON.stringify(v));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('writes 100,000 levels of nesting, where JSON.stringify overflows the stack', () => {
    const text = `{"a":${'[{"b":'.repeat(50_000)}1${'}]'.repeat(50_000)},"c":"x"}`;
    const value = JSON.parse(text) as unknown;
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(stringifyJson(value)).toBe(text);
  });

  it('leaves out undefined members and writes them null in arrays, as JSON.stringify does, at depth', () => {
    const deep = (inner: unknown) => {
      let v = inner;
      for (let i = 0; i < 20_000; i++) v = [v];
      return v;
    };
    const value = { x: undefined, y: deep({ u: undefined, n: Infinity, list: [undefined, 1] }), z: 2 };
    expect(stringifyJson(value)).toBe(
      `{"y":${'['.repeat(20_000)}{"n":null,"list":[null,1]}${']'.repeat(20_000)},"z":2}`,
    );
  });
});
