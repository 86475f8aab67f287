/**
 * The page's side of the chain-hash worker (src/workers/chainHash.worker.ts): started when a
 * large ledger is checked in full, it hashes the stored entries and decodes their tokens while
 * the page reads them, and the check takes each hash and each entry's claims from it when they
 * have come (`hash`, `claims`), else hashes or decodes the entry itself. Both are taken only for
 * an entry whose prevHash and token length, as the page read them, are those the worker read:
 * the two reads are of one database a moment apart. (Decoding was the largest part of the page's
 * work opening a large ledger: 2.2 s of about 10 at 250,000 entries. Claims in a message cost
 * the page about a third of decoding them: 2.4-2.5 against 7.3-9.3 µs a token, Chromium 150,
 * microbenchmark at load 3.5.)
 */
import type { JsonObject } from 'wimse-ect';
import { entryHashSync } from '../../lib/entryHash.ts';
import { HASH_LENGTH } from '../../storage/segmentColumns.ts';
import type { SegmentHashes } from '../../storage/segmentHashes.ts';
import type { ChainHashAnswer, ChainHashRequest } from '../../workers/chainHash.worker.ts';

/**
 * From this many entries on. Starting the worker (its module, its own database connection) costs
 * about what hashing 10,000 entries on the page does (~100 ms): below, the page hashes them itself.
 */
export const WORKER_HASHES_FROM = 10_000;

/** Hashes come from here; `stop` ends the worker (call it once the check is over). */
export interface EntryHashes {
  /** The check's `hashEntry`: SHA-256(prevHash ‖ token), from the worker when it has it. */
  hash(seq: number, prevHash: string, token: string): string;
  /** The check's `decodedClaims`: the claims of entry `seq`'s token, decoded by the worker; undefined: not (yet) there. */
  claims(seq: number, prevHash: string, token: string): JsonObject | undefined;
  /** How many hashes came from the worker (for the bench and DevTools). */
  readonly fromWorker: number;
  /** How many entries' claims came from the worker. */
  readonly claimsFromWorker: number;
  stop(): void;
}

/** Hashes computed elsewhere, looked up by sequence number (segments as the worker sent them). */
export class HashTable {
  readonly #bySeq = new Map<number, SegmentHashes>();
  #last: SegmentHashes | null = null;
  used = 0;
  claimsUsed = 0;

  add(segments: readonly SegmentHashes[]): void {
    for (const s of segments) this.#bySeq.set(s.firstSeq, s);
  }

  /** The segment that holds entry `seq`, if the worker sent it. */
  #segment(seq: number): SegmentHashes | null {
    let s = this.#last;
    if (!s || seq < s.firstSeq || seq >= s.firstSeq + s.tokenLengths.length) {
      s = this.#bySeq.get(seq) ?? null; // entries go in order: a new segment starts at its firstSeq
      if (s) this.#last = s;
    }
    return s;
  }

  /** The segment and index of entry `seq`, if the worker read it with this prevHash and a token of this length. */
  #read(seq: number, prevHash: string, token: string): [SegmentHashes, number] | null {
    const s = this.#segment(seq);
    if (!s) return null;
    const i = seq - s.firstSeq;
    if (s.tokenLengths[i] !== token.length || !s.prevAndHash.startsWith(prevHash, 2 * HASH_LENGTH * i))
      return null;
    return [s, i];
  }

  /** The hash of entry `seq` if it was computed over this prevHash and a token of this length. */
  get(seq: number, prevHash: string, token: string): string | undefined {
    const read = this.#read(seq, prevHash, token);
    if (!read) return undefined;
    const at = 2 * HASH_LENGTH * read[1];
    this.used++;
    return read[0].prevAndHash.slice(at + HASH_LENGTH, at + 2 * HASH_LENGTH);
  }

  /** The claims of entry `seq`'s token if the worker decoded them, reading this prevHash and a token of this length. */
  claims(seq: number, prevHash: string, token: string): JsonObject | undefined {
    const read = this.#read(seq, prevHash, token);
    const claims = read ? read[0].claims[read[1]] : null;
    if (!claims) return undefined;
    this.claimsUsed++;
    return claims;
  }
}

/** Starts hashing ledger `ledgerId` up to `upTo` in a worker; null where there are no workers or too few entries. */
export function hashesFromWorker(ledgerId: string, upTo: number): EntryHashes | null {
  if (typeof Worker !== 'function' || upTo < WORKER_HASHES_FROM) return null;
  let worker: Worker | null;
  try {
    worker = new Worker(new URL('../../workers/chainHash.worker.ts', import.meta.url), {
      type: 'module',
      name: 'ect-chain-hash',
    });
  } catch {
    return null;
  }
  const table = new HashTable();
  const stop = () => {
    worker?.terminate();
    worker = null;
  };
  worker.onmessage = (event: MessageEvent<ChainHashAnswer>) => {
    const answer = event.data;
    if (answer.kind === 'segments') table.add(answer.segments);
    else stop(); // done, or failed: the page hashes whatever is left itself
  };
  worker.onerror = (event) => {
    event.preventDefault();
    stop();
  };
  worker.postMessage({ ledgerId, upTo } satisfies ChainHashRequest);
  return {
    hash(seq, prevHash, token) {
      const hash = table.get(seq, prevHash, token);
      if (hash === undefined) return entryHashSync(prevHash, token);
      // The worker goes from the last segment back, and answers in order: the page's check has
      // reached what the worker did, and what it does next, the page has done already.
      stop();
      return hash;
    },
    claims: (seq, prevHash, token) => table.claims(seq, prevHash, token),
    get fromWorker() {
      return table.used;
    },
    get claimsFromWorker() {
      return table.claimsUsed;
    },
    stop,
  };
}
