import { describe, expect, it } from 'vitest';
import { decodeToken } from 'wimse-ect';
import { handToken } from '../../packages/ect/test/fixtures.ts';
import { chainedEntries as chained } from './testSegments.ts';
import { columnsOf } from './segmentColumns.ts';
import { hashSegment } from './segmentHashes.ts';

describe('the chain-hash worker’s hashes', () => {
  const entries = chained(5);
  const segment = columnsOf('l', 11, entries);

  it('are each entry’s SHA-256(prevHash ‖ token), beside its stored prevHash and token length', () => {
    const h = hashSegment(segment)!;
    expect(h.firstSeq).toBe(11);
    expect([...h.tokenLengths]).toEqual(entries.map((e) => e.token.length));
    expect(h.prevAndHash).toBe(entries.map((e) => e.prevHash + e.entryHash).join(''));
  });

  it('come with the claims decoded from each token, but none the page must decode itself', () => {
    const header = { alg: 'ES256', typ: 'exec+jwt', kid: 'k' };
    const b64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const raw = (payload: string) => `${b64url(JSON.stringify(header))}.${b64url(payload)}.c2ln`;
    let deep: unknown = 'bottom';
    for (let d = 0; d < 100; d++) deep = [deep];
    const tokens = [
      handToken(header, { jti: 'a', exec_act: 'one', pred: [] }),
      'not a token',
      handToken(header, { jti: 'b', deep }), // too deep for a message to carry safely
      raw('{"jti":"c","__proto__":{"x":1}}'), // an own __proto__ key
      raw('{"jti":"d","n":1e400,"z":-0}'),
    ];
    const h = hashSegment(
      columnsOf(
        'l',
        1,
        chained(tokens.length, undefined, (i) => tokens[i]!),
      ),
    )!;
    expect(h.claims[0]).toEqual({ jti: 'a', exec_act: 'one', pred: [] });
    expect(h.claims.slice(1, 4)).toEqual([null, null, null]);
    const d = decodeToken(tokens[3]!);
    expect(d.ok && Object.hasOwn(d.decoded.payload, '__proto__')).toBe(true);
    // What the page receives is a structured clone: the claims as decoded, Infinity and -0 too.
    const sent = structuredClone(h.claims[4]!);
    expect(sent).toEqual({ jti: 'd', n: Infinity, z: -0 });
    expect(Object.is(sent.z, -0)).toBe(true);
  });

  it('are not made of a segment whose columns are not what version 5 writes', () => {
    const broken: unknown[] = [
      null,
      { ...segment, firstSeq: 0 },
      { ...segment, tokens: 'all of them' },
      { ...segment, tokens: [...segment.tokens.slice(0, 4), 42] },
      { ...segment, tokens: segment.tokens.slice(1) },
      { ...segment, hashes: segment.hashes.slice(64) },
      { ...segment, hashes: 42 },
    ];
    for (const raw of broken) expect(hashSegment(raw)).toBeNull();
  });
});
