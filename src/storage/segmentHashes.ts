/**
 * The entry hashes of a stored segment (segmentColumns.ts), computed from its columns without
 * making an entry object each, and the claims decoded from its tokens: what the chain-hash worker
 * (src/workers/chainHash.worker.ts) sends the page, so that the page's ledger check need neither
 * hash nor decode those entries itself.
 *
 * Nothing here is trusted either: a segment whose columns are not what version 5 writes gives
 * null (the page then hashes and decodes those entries as it reads them, and segmentRead.ts says
 * what is wrong). And for every entry the page uses a hash or claims only if the prevHash and
 * the token length it read are those hashed here (chainHashes.ts).
 */
import { decodeToken, jsonDeeperThan, type JsonObject } from 'wimse-ect';
import { entryHashSync } from '../lib/entryHash.ts';
import { HASH_LENGTH } from './segmentColumns.ts';

/** A segment's entries, hashed: entry i's stored prevHash and its computed hash, and its token's length. */
export interface SegmentHashes {
  firstSeq: number;
  /** Per entry, its prevHash as stored then SHA-256(prevHash ‖ token): 2 × HASH_LENGTH characters. */
  prevAndHash: string;
  tokenLengths: Uint32Array;
  /**
   * Per entry, its token's payload as decodeToken gives it; null where the page decodes the token
   * itself: a token that does not decode (the page says why), or claims a message could not
   * carry as they are (see `sendable`).
   */
  claims: (JsonObject | null)[];
}

/**
 * Claims nested deeper than this are left to the page: a message's structured clone recurses, and
 * one hostile token nested thousands of levels deep would fail its whole segment's message.
 */
const MAX_SENT_DEPTH = 64;

/**
 * Whether the page gets these claims back from a message exactly as decoded: not so deep that
 * the structured clone fails, and without an own `__proto__` key (which JSON.parse makes a
 * property, and which is not worth trusting a clone with).
 */
function sendable(claims: JsonObject): boolean {
  return (
    !Object.prototype.hasOwnProperty.call(claims, '__proto__') && !jsonDeeperThan(claims, MAX_SENT_DEPTH)
  );
}

/** The claims of `token` for the page, or null when the page is to decode it itself. */
function claimsOf(token: string): JsonObject | null {
  const d = decodeToken(token);
  return d.ok && sendable(d.decoded.payload) ? d.decoded.payload : null;
}

/** The hashes (and claims) of a stored segment's entries, or null when its columns are not usable. */
export function hashSegment(raw: unknown): SegmentHashes | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { firstSeq, tokens, hashes } = raw as { firstSeq?: unknown; tokens?: unknown; hashes?: unknown };
  if (typeof firstSeq !== 'number' || !Number.isSafeInteger(firstSeq) || firstSeq < 1) return null;
  if (!Array.isArray(tokens) || typeof hashes !== 'string') return null;
  const n = tokens.length;
  if (hashes.length !== n * 2 * HASH_LENGTH) return null;
  const pieces = new Array<string>(n);
  const tokenLengths = new Uint32Array(n);
  const claims = new Array<JsonObject | null>(n);
  for (let i = 0; i < n; i++) {
    const token: unknown = tokens[i];
    if (typeof token !== 'string') return null;
    const at = 2 * HASH_LENGTH * i;
    const prev = hashes.slice(at, at + HASH_LENGTH);
    pieces[i] = prev + entryHashSync(prev, token);
    tokenLengths[i] = token.length;
    claims[i] = claimsOf(token);
  }
  return { firstSeq, prevAndHash: pieces.join(''), tokenLengths, claims };
}
