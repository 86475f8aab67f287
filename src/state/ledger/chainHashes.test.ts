import { describe, expect, it } from 'vitest';
import { chainedEntries as chained } from '../../storage/testSegments.ts';
import { columnsOf } from '../../storage/segmentColumns.ts';
import { hashSegment } from '../../storage/segmentHashes.ts';
import { HashTable } from './chainHashes.ts';

describe('hashes from the chain-hash worker', () => {
  const entries = chained(5);
  const segment = columnsOf('l', 11, entries);

  it('are taken by the page only for the very prevHash and token length it read', () => {
    const table = new HashTable();
    const next = chained(3, entries.at(-1)!.entryHash);
    table.add([hashSegment(segment)!, hashSegment(columnsOf('l', 16, next))!]);
    entries.forEach((e, i) => expect(table.get(11 + i, e.prevHash, e.token)).toBe(e.entryHash));
    next.forEach((e, i) => expect(table.get(16 + i, e.prevHash, e.token)).toBe(e.entryHash));
    expect(table.used).toBe(8);
    // Read differently by the page (changed between the two reads): the page hashes it itself.
    expect(table.get(12, entries[0]!.prevHash, entries[1]!.token)).toBeUndefined();
    expect(table.get(12, entries[1]!.prevHash, `${entries[1]!.token}!`)).toBeUndefined();
    // Not hashed by the worker at all.
    expect(table.get(10, entries[0]!.prevHash, entries[0]!.token)).toBeUndefined();
    expect(table.get(19, next[2]!.entryHash, 'tok')).toBeUndefined();
    expect(table.used).toBe(8);
  });

  it('give the claims the worker decoded under the same conditions as their hashes', () => {
    const table = new HashTable();
    const hashed = hashSegment(segment)!;
    hashed.claims = entries.map((_, i) => (i === 2 ? null : { jti: `j${i}` }));
    table.add([hashed]);
    const [a, b, c] = entries;
    expect(table.claims(11, a!.prevHash, a!.token)).toEqual({ jti: 'j0' });
    // Read differently by the page, or not decoded by the worker: the page decodes it itself.
    expect(table.claims(12, a!.prevHash, b!.token)).toBeUndefined();
    expect(table.claims(12, b!.prevHash, `${b!.token}!`)).toBeUndefined();
    expect(table.claims(13, c!.prevHash, c!.token)).toBeUndefined();
    expect(table.claims(16, b!.prevHash, b!.token)).toBeUndefined();
    expect(table.claimsUsed).toBe(1);
  });
});
