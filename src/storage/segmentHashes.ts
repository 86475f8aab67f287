/**
 * The entry hashes of a stored segment (segmentColumns.ts), computed from its columns without
 * making an entry object each: what the chain-hash worker (src/workers/chainHash.worker.ts)
 * sends the page, so that the page's ledger check need not hash the entries itself.
 *
 * Nothing here is trusted either: a segment whose columns are not what version 5 writes gives
 * null (the page then hashes those entries as it reads them, and segmentRead.ts says what is
 * wrong). And for every entry the page uses a hash only if the prevHash and the token length it
 * read are those hashed here (chainHashes.ts).
 */
import { entryHashSync } from '../lib/entryHash.ts';
import { HASH_LENGTH } from './segmentColumns.ts';

/** A segment's entries, hashed: entry i's stored prevHash and its computed hash, and its token's length. */
export interface SegmentHashes {
  firstSeq: number;
  /** Per entry, its prevHash as stored then SHA-256(prevHash ‖ token): 2 × HASH_LENGTH characters. */
  prevAndHash: string;
  tokenLengths: Uint32Array;
}

/** The hashes of a stored segment's entries, or null when its columns are not usable. */
export function hashSegment(raw: unknown): SegmentHashes | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { firstSeq, tokens, hashes } = raw as { firstSeq?: unknown; tokens?: unknown; hashes?: unknown };
  if (typeof firstSeq !== 'number' || !Number.isSafeInteger(firstSeq) || firstSeq < 1) return null;
  if (!Array.isArray(tokens) || typeof hashes !== 'string') return null;
  const n = tokens.length;
  if (hashes.length !== n * 2 * HASH_LENGTH) return null;
  const pieces = new Array<string>(n);
  const tokenLengths = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const token: unknown = tokens[i];
    if (typeof token !== 'string') return null;
    const at = 2 * HASH_LENGTH * i;
    const prev = hashes.slice(at, at + HASH_LENGTH);
    pieces[i] = prev + entryHashSync(prev, token);
    tokenLengths[i] = token.length;
  }
  return { firstSeq, prevAndHash: pieces.join(''), tokenLengths };
}
