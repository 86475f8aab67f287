/**
 * For tests that edit stored segments as devtools would: a segment's entries as plain objects to
 * change, and back into columns (the inverse of `columnsOf`, trusting the record).
 */
import { entryHashSync } from '../lib/entryHash.ts';
import {
  columnsOf,
  HASH_LENGTH,
  PRESENT,
  type ColumnEntry,
  type SegmentRecord,
  type TextColumn,
} from './segmentColumns.ts';

/** An entry of a segment as it can be edited; `claims` is a stored copy (only migrated entries have one). */
export type EditableEntry = ColumnEntry & { claims?: Record<string, unknown> };

const piece = (c: TextColumn, i: number) => c.text.slice(i ? c.ends[i - 1]! : 0, c.ends[i]!);

export function segmentEntries(s: SegmentRecord): EditableEntry[] {
  return s.tokens.map((token, i) => {
    const e: EditableEntry = {
      token,
      appendedAt: s.appendedAt[i]!,
      prevHash: s.hashes.slice(2 * HASH_LENGTH * i, 2 * HASH_LENGTH * i + HASH_LENGTH),
      entryHash: s.hashes.slice(2 * HASH_LENGTH * i + HASH_LENGTH, 2 * HASH_LENGTH * (i + 1)),
      jti: piece(s.jti, i),
    };
    if (s.present[i]! & PRESENT.receipt) e.receipt = piece(s.receipt, i);
    for (const k of ['wid', 'iss', 'exec_act'] as const)
      if (s.present[i]! & PRESENT[k]) e[k] = piece(s[k], i);
    if (s.claims?.[i]) e.claims = s.claims[i];
    return e;
  });
}

/** The segment with `edit` applied to its entries (which it may also shorten or lengthen). */
export function editSegment(s: SegmentRecord, edit: (entries: EditableEntry[]) => void): SegmentRecord {
  const entries = segmentEntries(s);
  edit(entries);
  const kept: Record<number, Record<string, unknown>> = {};
  entries.forEach((e, i) => {
    if (e.claims) kept[i] = e.claims;
  });
  return columnsOf(s.ledgerId, s.firstSeq, entries, kept);
}

/**
 * `n` entries chained as an append makes them, after `prev`; by default tokens with a newline and
 * an emoji in them (which do not decode), else `tokenAt(i)`.
 */
export function chainedEntries(
  n: number,
  prev = '0'.repeat(64),
  tokenAt = (i: number) => `tok.${i}.${'x'.repeat(i % 7)}\n💥`,
): ColumnEntry[] {
  const out: ColumnEntry[] = [];
  for (let i = 0; i < n; i++) {
    const token = tokenAt(i);
    const entryHash = entryHashSync(prev, token);
    out.push({ token, appendedAt: 1000 + i, prevHash: prev, entryHash, jti: `j${i}` });
    prev = entryHash;
  }
  return out;
}
