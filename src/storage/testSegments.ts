/**
 * For tests that edit stored segments as devtools would: a segment's entries as plain objects to
 * change, and back into columns (the inverse of `columnsOf`, trusting the record).
 */
import {
  columnsOf,
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
      prevHash: s.hashes.slice(i * 128, i * 128 + 64),
      entryHash: s.hashes.slice(i * 128 + 64, i * 128 + 128),
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
