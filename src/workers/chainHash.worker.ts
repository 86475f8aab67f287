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
    let lower = 1;
    for (;;) {
      const batch = await db.segments
        .where('[ledgerId+firstSeq]')
        .between([ledgerId, lower], [ledgerId, upTo], true, true)
        .limit(BATCH)
        .toArray();
      // Each segment as soon as it is hashed: the page's check takes what has come when it gets there.
      for (const raw of batch) {
        const hashed = hashSegment(raw);
        if (hashed) scope.postMessage({ kind: 'segments', segments: [hashed] }, [hashed.tokenLengths.buffer]);
      }
      if (batch.length < BATCH) return;
      lower = batch[batch.length - 1]!.firstSeq + 1;
    }
  } finally {
    db.close();
  }
}
