/**
 * Reading a segment record (segmentColumns.ts) back into EntryRecords, without trusting it: the
 * database is the user's, and devtools or a script in the page can put anything in a record. A
 * column of the wrong type or length is not used; the entries are read with what is left (a token
 * missing, a hash missing: the ledger check then fails at each of them), and one SegmentDamage
 * says which segment, which entries and what is wrong. Never a throw: a throw here would leave
 * the whole ledger unreadable, its good entries too.
 */
import { decodeToken, quote, type ChainReport } from 'wimse-ect';
import { CLAIMS_NOT_READ, fromV4, type EntryRecord, type V4SegmentRecord } from './ledgerEntries.ts';
import { COPIES, HASH_LENGTH, PRESENT, type SegmentRecord, type TextColumn } from './segmentColumns.ts';

/** What is wrong with a stored segment, at the first of its entries that was read. */
export interface SegmentDamage {
  seq: number;
  message: string;
}

/** A segment holds at most this many entries; a record claiming more is not believed. */
const MAX_ENTRIES = 1_000_000;

const typeName = (x: unknown): string =>
  x === null ? 'null' : typeof x === 'object' ? Object.prototype.toString.call(x).slice(8, -1) : typeof x;
const isA = (x: unknown, name: string): boolean => Object.prototype.toString.call(x) === `[object ${name}]`;
const count = (n: number) => n.toLocaleString('en');

/** `c` as a text column of `n` pieces (any n when undefined), or why it is not one. */
function textColumn(c: unknown, n: number | undefined): TextColumn | string {
  if (typeof c !== 'object' || c === null) return `is ${typeName(c)}, not text with end offsets`;
  const { text, ends } = c as Partial<TextColumn>;
  if (typeof text !== 'string') return `has text that is ${typeName(text)}, not a string`;
  if (!isA(ends, 'Uint32Array')) return `has end offsets that are ${typeName(ends)}, not a Uint32Array`;
  const e = ends!;
  if (n !== undefined && e.length !== n) return `has ${count(e.length)} end offsets for ${count(n)} entries`;
  let prev = 0;
  for (let i = 0; i < e.length; i++) {
    if (e[i]! < prev) return `has end offsets that go back at its piece ${i + 1}`;
    prev = e[i]!;
  }
  if (prev !== text.length)
    return `ends at offset ${count(prev)}, but its text has ${count(text.length)} characters`;
  return { text, ends: e };
}

/** `c` as the tokens column (an array of strings), or why it is not one. */
function tokenColumn(c: unknown): string[] | string {
  if (!Array.isArray(c)) return `is ${typeName(c)}, not an array of strings`;
  if (c.length > MAX_ENTRIES) return `has ${count(c.length)} pieces, more than a segment holds`;
  for (let i = 0; i < c.length; i++)
    if (typeof c[i] !== 'string') return `has ${typeName(c[i])} as its piece ${i + 1}, not a string`;
  return c as string[];
}

const piece = (c: TextColumn, i: number): string => c.text.slice(i ? c.ends[i - 1]! : 0, c.ends[i]!);

function claimsOf(token: string): Record<string, unknown> {
  const d = decodeToken(token);
  return d.ok ? d.decoded.payload : {};
}

/**
 * Appends to `out` the entries from `from` to `to` of the stored segment `raw`, as read (claims
 * decoded from the token when `decode`, else CLAIMS_NOT_READ: see ledgerEntries.ts). Returns what
 * is wrong with the segment, or null.
 */
export function readSegment(
  raw: unknown,
  ledgerId: string,
  from: number,
  to: number,
  decode: boolean,
  out: EntryRecord[],
): SegmentDamage | null {
  const problems: string[] = [];
  let s = raw as Partial<SegmentRecord> & { entries?: unknown };
  const firstSeq = s.firstSeq;
  const lastSeq = s.lastSeq;
  const name = `the stored segment of entries #${quote(firstSeq)}–#${quote(lastSeq)}`;
  if (typeof firstSeq !== 'number' || !Number.isSafeInteger(firstSeq) || firstSeq < 1) {
    const at = typeof lastSeq === 'number' && Number.isSafeInteger(lastSeq) ? lastSeq : from;
    return {
      seq: at,
      message: `${name} has no usable first sequence number: none of its entries can be placed`,
    };
  }
  if (s.tokens === undefined && Array.isArray(s.entries)) {
    // Version 4's form (an object per entry), written after the database moved to columns.
    problems.push(
      'is in the form of version 4 (an object per entry), written behind the app after version 5',
    );
    s = fromV4(s as V4SegmentRecord);
  }
  const declared =
    typeof lastSeq === 'number' && Number.isSafeInteger(lastSeq) ? lastSeq - firstSeq + 1 : NaN;
  const tokens = tokenColumn(s.tokens);
  let n: number;
  if (typeof tokens === 'string') {
    problems.push(`its tokens column ${tokens}`);
    n = declared >= 0 && declared <= MAX_ENTRIES ? declared : 0;
  } else {
    n = tokens.length;
    if (n !== declared)
      problems.push(
        `it is keyed #${firstSeq}–#${quote(lastSeq)} (${Number.isNaN(declared) ? 'no count' : count(declared)} entries) but holds ${count(n)} tokens`,
      );
  }
  let hashes: string | null = null;
  if (typeof s.hashes !== 'string') problems.push(`its hashes are ${typeName(s.hashes)}, not a string`);
  else if (s.hashes.length !== n * 2 * HASH_LENGTH)
    problems.push(
      `its hashes have ${count(s.hashes.length)} characters, not ${2 * HASH_LENGTH} for each of ${count(n)} entries (${count(n * 2 * HASH_LENGTH)})`,
    );
  else hashes = s.hashes;
  let times: Float64Array | null = null;
  if (!isA(s.appendedAt, 'Float64Array'))
    problems.push(`its append times are ${typeName(s.appendedAt)}, not a Float64Array`);
  else if (s.appendedAt!.length !== n)
    problems.push(`its append times hold ${count(s.appendedAt!.length)} values for ${count(n)} entries`);
  else times = s.appendedAt!;
  let present: Uint8Array | null = null;
  if (!isA(s.present, 'Uint8Array') || s.present!.length !== n)
    problems.push(
      `its presence flags are ${isA(s.present, 'Uint8Array') ? `${count(s.present!.length)} for ${count(n)} entries` : `${typeName(s.present)}, not a Uint8Array`} (a piece is taken as present when not empty)`,
    );
  else present = s.present!;
  const column = (k: 'receipt' | 'jti' | (typeof COPIES)[number]): TextColumn | null => {
    const c = textColumn(s[k], n);
    if (typeof c === 'string') {
      problems.push(`its ${k} column ${c}`);
      return null;
    }
    return c;
  };
  const receipt = column('receipt');
  const jti = column('jti');
  const copies = COPIES.map(column);
  let kept: Record<number, unknown> | null = null;
  if (s.claims !== undefined) {
    if (typeof s.claims === 'object' && s.claims !== null && !Array.isArray(s.claims)) kept = s.claims;
    else problems.push(`its stored claims are ${typeName(s.claims)}, not an object`);
  }
  const has = (bit: number, c: TextColumn, i: number) =>
    present ? (present[i]! & bit) !== 0 : c.ends[i] !== (i ? c.ends[i - 1] : 0);

  const start = Math.max(0, from - firstSeq);
  const end = Math.min(n, to - firstSeq + 1);
  for (let i = start; i < end; i++) {
    const token = typeof tokens === 'string' ? '' : tokens[i]!;
    const stored = kept?.[i];
    const legacy = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : null;
    const claims = legacy ?? (decode ? claimsOf(token) : CLAIMS_NOT_READ);
    const e: EntryRecord = {
      ledgerId,
      seq: firstSeq + i,
      token,
      jti: '',
      claims,
      appendedAt: times ? times[i]! : NaN,
      prevHash: hashes ? hashes.slice(i * 2 * HASH_LENGTH, (2 * i + 1) * HASH_LENGTH) : '',
      entryHash: hashes ? hashes.slice((2 * i + 1) * HASH_LENGTH, (2 * i + 2) * HASH_LENGTH) : '',
    };
    if (receipt && has(PRESENT.receipt, receipt, i)) e.receipt = piece(receipt, i);
    if (legacy || !jti) {
      // No copy to read: the claims' own (none yet when not decoded: the check sets them).
      if (claims !== CLAIMS_NOT_READ) e.jti = typeof claims.jti === 'string' ? claims.jti : '';
      else delete (e as Partial<EntryRecord>).jti;
      for (const k of COPIES) if (typeof claims[k] === 'string') e[k] = claims[k] as string;
    } else {
      e.jti = piece(jti, i);
      COPIES.forEach((k, c) => {
        const col = copies[c];
        if (col && has(PRESENT[k], col, i)) e[k] = piece(col, i);
        else if (!col && typeof claims[k] === 'string') e[k] = claims[k] as string;
      });
    }
    out.push(e);
  }
  if (!problems.length) return null;
  const a = firstSeq;
  const b = firstSeq + Math.max(n, 1) - 1;
  return {
    seq: Math.max(a, Math.min(from, b)),
    message: `the stored segment of entries #${a}–#${b} is damaged: ${problems.join('; ')}. It was changed behind the app; what could be read of it is shown, and it is kept as it is`,
  };
}

/**
 * A ledger check's report with the damage of the segments its entries were read from: each a
 * `chain_broken` problem at its segment's first entry read (the stored form is what the chain's
 * proof rests on; the core's check sees entries, not how they are stored).
 */
export function withDamage(report: ChainReport, damage: readonly SegmentDamage[]): ChainReport {
  if (!damage.length) return report;
  // The damage first at its entry (a stable sort): it explains the problems found there after it.
  const problems = [
    ...damage.map((d) => ({ seq: d.seq, code: 'chain_broken' as const, message: d.message })),
    ...report.problems,
  ].sort((a, b) => a.seq - b.seq);
  return { ...report, ok: false, problems, firstBreak: problems[0]! };
}
