/**
 * The chain-hash worker: reads a ledger's stored segments from IndexedDB itself, computes every
 * entry's hash and decodes its token's claims (segmentHashes.ts), a batch of segments at a time,
 * while the page reads the same entries. Hashing was about 45% of the page's ledger check when a
 * large ledger opens (50,000 entries: 581 of 1,257 ms, Chromium at load 7), and decoding the
 * tokens most of the rest; on a second core they cost the page only taking the answers. The page
 * asks with ChainHashRequest and takes each ChainHashAnswer as it comes
 * (src/state/ledger/chainHashes.ts); what has not come when the page's check reaches it, the page
 * hashes and decodes itself.
 */
import { WorkbenchDb } from '../storage/db.ts';
import { SEGMENT_SIZE } from '../storage/segmentColumns.ts';
import { hashSegment, type SegmentHashes } from '../storage/segmentHashes.ts';

export interface ChainHashRequest {
  ledgerId: string;
  /** The last sequence number to hash (the page's head when it asked). */
  upTo: number;
}

export type ChainHashAnswer =
  { kind: 'segments'; segments: SegmentHashes[] } | { kind: 'done' } | { kind: 'failed'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<ChainHashRequest>) => void) | null;
  postMessage(message: ChainHashAnswer, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

/** Entries per request: ten segments as appends write them, as the page's own reading (src/storage/ledger.ts). */
const SPAN = 10 * SEGMENT_SIZE;

scope.onmessage = (event) => {
  void hashLedger(event.data).then(
    () => scope.postMessage({ kind: 'done' }),
    (e: unknown) =>
      scope.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) }),
  );
};

async function hashLedger({ ledgerId, upTo }: ChainHashRequest): Promise<void> {
  const db = new WorkbenchDb();
  try {
    // From the last segment back: the page's check goes from the first entry on, doing itself
    // what has not come, and the two meet somewhere in between, each entry done once. Going
    // forward, the page caught up with the worker and then hashed and decoded every entry left
    // as the worker did the same (100,000 entries, load 3-4: the page still spent about 0.6 s
    // decoding and 0.5 s hashing). Each request is a forward range, the segments of SPAN entries
    // below the last ones read, taken last first: IndexedDB reads a range at once going forward
    // (Dexie's getAll), a reverse cursor a record at a time.
    let upper = upTo;
    while (upper >= 1) {
      const lower = Math.max(1, upper - SPAN + 1);
      const batch = await db.segments
        .where('[ledgerId+firstSeq]')
        .between([ledgerId, lower], [ledgerId, upper], true, true)
        .toArray();
      // Each segment as soon as it is hashed: the page's check takes what has come when it gets there.
      for (let k = batch.length - 1; k >= 0; k--) {
        const hashed = hashSegment(batch[k]);
        if (hashed) scope.postMessage({ kind: 'segments', segments: [hashed] }, [hashed.tokenLengths.buffer]);
      }
      upper = lower - 1;
      if (!batch.length && upper >= 1) {
        // A gap (segments edited behind the app): on to the next segment below, not range by range.
        const below = (await db.segments
          .where('[ledgerId+firstSeq]')
          .between([ledgerId, 1], [ledgerId, upper], true, true)
          .lastKey()) as [string, number] | undefined;
        if (!below) return;
        upper = Math.floor(below[1]);
      }
    }
  } finally {
    db.close();
  }
}
