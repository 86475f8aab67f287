/**
 * A segment of a ledger as IndexedDB stores it since version 5 of the database: columns, not an
 * object per entry. Structured clone (IndexedDB's write and read) costs per value cloned: 1,000
 * entries as objects of ten properties were ~11,000 values a segment, the largest cost of the
 * import's write and of the opening's read (issue 17: Dexie's add 2.0 s of the page's main thread
 * at 100,000 entries). As columns a segment is about twenty values, whatever its size.
 *
 * The columns: the tokens as one array of strings, prevHash and entryHash as one string of 64-character
 * pieces (both kept: the check compares each prevHash with the entryHash before it, that is how a
 * change is found), appendedAt as a Float64Array, and receipt, jti, wid, iss and exec_act each as
 * one string with ends, with a presence bit per entry where absent is not empty.
 *
 * Reading (segmentRead.ts) never trusts the record: a segment edited behind the app's back is
 * read as far as it can be, and what is wrong is said naming the segment and its entries.
 */

/** Many strings as one: piece i is text.slice(ends[i - 1] ?? 0, ends[i]). */
export interface TextColumn {
  text: string;
  ends: Uint32Array;
}

/** One IndexedDB record (version 5): entries firstSeq to lastSeq of one ledger, as columns. */
export interface SegmentRecord {
  ledgerId: string;
  firstSeq: number;
  lastSeq: number;
  /**
   * The tokens, one string each in one array. Not one string with end offsets: the entries read
   * would hold slices of it, slower to decode and hash than strings of their own, and at 250,000
   * entries the opening read twice as long (bench:browser, session 8).
   */
  tokens: string[];
  /** Per entry its prevHash then its entryHash, HASH_LENGTH characters each. */
  hashes: string;
  appendedAt: Float64Array;
  /** Per entry: which of receipt, wid, iss, exec_act it has (the PRESENT bits). */
  present: Uint8Array;
  receipt: TextColumn;
  /** The token's jti ('' when it has none), as the append decoded it: the check compares it. */
  jti: TextColumn;
  wid: TextColumn;
  iss: TextColumn;
  exec_act: TextColumn;
  /**
   * Stored copies of claims, by index in the segment: only entries migrated from version 2, which
   * stored them (the check compares them with the token, so a copy edited back then is found).
   */
  claims?: Record<number, Record<string, unknown>>;
}

/** What a segment stores of an entry: an EntryRecord as appended is one. */
export interface ColumnEntry {
  token: string;
  appendedAt: number;
  prevHash: string;
  entryHash: string;
  receipt?: string;
  jti: string;
  wid?: string;
  iss?: string;
  exec_act?: string;
}

export const HASH_LENGTH = 64;

/** Entries per segment written: large enough that the per-record cost vanishes, small enough to read a part. */
export const SEGMENT_SIZE = 1000;
export const PRESENT = { receipt: 1, wid: 2, iss: 4, exec_act: 8 } as const;
export const COPIES = ['wid', 'iss', 'exec_act'] as const;

/** A column of `n` pieces, `piece(i)` each ('' where absent). */
function textColumn(n: number, piece: (i: number) => string | undefined): TextColumn {
  const parts = new Array<string>(n);
  const ends = new Uint32Array(n);
  let end = 0;
  for (let i = 0; i < n; i++) {
    const p = piece(i) ?? '';
    parts[i] = p;
    end += p.length;
    ends[i] = end;
  }
  return { text: parts.join(''), ends };
}

/**
 * Entries as one segment record. Typed arrays of exactly `n` elements: a view on a larger buffer
 * would be stored with the whole buffer. `kept`: stored claims to keep (a migration's).
 */
export function columnsOf(
  ledgerId: string,
  firstSeq: number,
  entries: readonly ColumnEntry[],
  kept?: Record<number, Record<string, unknown>>,
): SegmentRecord {
  const n = entries.length;
  const appendedAt = new Float64Array(n);
  const present = new Uint8Array(n);
  // prevHash and entryHash of each entry side by side, joined once (no string per entry made to be joined).
  const hashes = new Array<string>(2 * n);
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    appendedAt[i] = e.appendedAt;
    hashes[2 * i] = e.prevHash;
    hashes[2 * i + 1] = e.entryHash;
    let bits = 0;
    if (e.receipt !== undefined) bits |= PRESENT.receipt;
    if (e.wid !== undefined) bits |= PRESENT.wid;
    if (e.iss !== undefined) bits |= PRESENT.iss;
    if (e.exec_act !== undefined) bits |= PRESENT.exec_act;
    present[i] = bits;
  }
  const seg: SegmentRecord = {
    ledgerId,
    firstSeq,
    lastSeq: firstSeq + n - 1,
    tokens: entries.map((e) => e.token),
    hashes: hashes.join(''),
    appendedAt,
    present,
    receipt: textColumn(n, (i) => entries[i]!.receipt),
    jti: textColumn(n, (i) => entries[i]!.jti),
    wid: textColumn(n, (i) => entries[i]!.wid),
    iss: textColumn(n, (i) => entries[i]!.iss),
    exec_act: textColumn(n, (i) => entries[i]!.exec_act),
  };
  if (kept && Object.keys(kept).length) seg.claims = kept;
  return seg;
}
