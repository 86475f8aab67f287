/**
 * The page's side of the chain-hash worker (src/workers/chainHash.worker.ts): started when a
 * large ledger is checked in full, it hashes the stored entries while the page reads and decodes
 * them, and the check takes each hash from it when it has come (`hashOf`), else hashes the entry
 * itself. A hash is taken only for an entry whose prevHash and token length, as the page read
 * them, are those the worker hashed: the two reads are of one database a moment apart.
 */
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
  /** How many hashes came from the worker (for the bench and DevTools). */
  readonly fromWorker: number;
  stop(): void;
}

/** Hashes computed elsewhere, looked up by sequence number (segments as the worker sent them). */
export class HashTable {
  readonly #bySeq = new Map<number, SegmentHashes>();
  #last: SegmentHashes | null = null;
  used = 0;

  add(segments: readonly SegmentHashes[]): void {
    for (const s of segments) this.#bySeq.set(s.firstSeq, s);
  }

  /** The hash of entry `seq` if it was computed over this prevHash and a token of this length. */
  get(seq: number, prevHash: string, token: string): string | undefined {
    let s = this.#last;
    if (!s || seq < s.firstSeq || seq >= s.firstSeq + s.tokenLengths.length) {
      s = this.#bySeq.get(seq) ?? null; // entries go in order: a new segment starts at its firstSeq
      if (!s) return undefined;
      this.#last = s;
    }
    const i = seq - s.firstSeq;
    const at = 2 * HASH_LENGTH * i;
    if (s.tokenLengths[i] !== token.length || !s.prevAndHash.startsWith(prevHash, at)) return undefined;
    this.used++;
    return s.prevAndHash.slice(at + HASH_LENGTH, at + 2 * HASH_LENGTH);
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
    hash: (seq, prevHash, token) => table.get(seq, prevHash, token) ?? entryHashSync(prevHash, token),
    get fromWorker() {
      return table.used;
    },
    stop,
  };
}
