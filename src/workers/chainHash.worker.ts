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

/** Segments per request, as the page's own reading (src/storage/ledger.ts). */
const BATCH = 10;

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
    // decoding and 0.5 s hashing).
    let upper = upTo;
    for (;;) {
      const batch = await db.segments
        .where('[ledgerId+firstSeq]')
        .between([ledgerId, 1], [ledgerId, upper], true, true)
        .reverse()
        .limit(BATCH)
        .toArray();
      // Each segment as soon as it is hashed: the page's check takes what has come when it gets there.
      for (const raw of batch) {
        const hashed = hashSegment(raw);
        if (hashed) scope.postMessage({ kind: 'segments', segments: [hashed] }, [hashed.tokenLengths.buffer]);
      }
      if (batch.length < BATCH) return;
      upper = batch[batch.length - 1]!.firstSeq - 1;
      if (upper < 1) return;
    }
  } finally {
    db.close();
  }
}
