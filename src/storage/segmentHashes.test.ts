import { describe, expect, it } from 'vitest';
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
