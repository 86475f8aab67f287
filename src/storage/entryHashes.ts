/**
 * The entry hashes of a ledger being opened, computed by a worker while the page decodes the same
 * entries (the ledger check's `entryHashes`). Opening 100,000 entries, the check was 2.8 s of the
 * page's thread, 1.0 s of it hashing (issue 17, profiled at load 5): that second goes to the
 * other core. The worker runs the page's own function (entryHashSync), so the check compares the
 * same hashes; one that cannot start, or fails, leaves the hashing to the page.
 */
import { entryHashSync } from '../lib/entryHash.ts';
import { yieldToPage } from '../lib/yieldToPage.ts';

export interface HashRequest {
  id: number;
  /** UTF-8 of prev_hash ‖ token of each entry, one after the other. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Where each entry's bytes end. */
  ends: Int32Array<ArrayBuffer>;
}
export interface HashResponse {
  id: number;
  /** The hashes, 64 hex digits each, in order. */
  hashes: string;
}

/** Below this many entries the page hashes them itself: a worker's start costs more. */
export const ASIDE_FROM = 5000;
/**
 * Entries per message: copying 10,000 tokens (a few MB) into a message is a short task of its own;
 * the whole of 100,000 in one message would be one long one.
 */
const SLICE = 10_000;
const encoder = new TextEncoder();

/**
 * The hashes of `entries` (SHA-256(prev_hash ‖ token), hex), from a worker; null where no worker
 * helps (few entries, or no Worker at all: the caller hashes as usual). A slice the worker does
 * not answer is hashed here.
 */
export function hashEntriesAside(
  entries: readonly { prevHash: unknown; token: unknown }[],
): Promise<string[]> | null {
  if (entries.length < ASIDE_FROM || typeof Worker !== 'function') return null;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./entryHash.worker.ts', import.meta.url), {
      type: 'module',
      name: 'ect-entry-hashes',
    });
  } catch {
    return null;
  }
  // Filled in order (the worker answers the slices in order): a packed array, where a new Array of
  // 100,000 would start out sparse (slow elements).
  const hashes: string[] = [];
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  /** Hashes slice `id` on the page (the worker failed). */
  const here = (id: number) => {
    const end = Math.min(entries.length, (id + 1) * SLICE);
    for (let i = id * SLICE; i < end; i++)
      hashes[i] = entryHashSync(text(entries[i]!.prevHash), text(entries[i]!.token));
  };
  const slices = Math.ceil(entries.length / SLICE);
  return new Promise<string[]>((resolve) => {
    let answered = 0;
    const done = new Uint8Array(slices);
    let finished = false;
    const finish = async (failed: boolean) => {
      if (finished) return;
      finished = true;
      worker.terminate();
      if (failed)
        for (let id = 0; id < slices; id++)
          if (!done[id]) {
            here(id);
            await yieldToPage();
          }
      resolve(hashes);
    };
    worker.onmessage = (event: MessageEvent<HashResponse>) => {
      const { id, hashes: got } = event.data;
      const n = got.length / 64;
      for (let k = 0; k < n; k++) hashes[id * SLICE + k] = got.slice(k * 64, k * 64 + 64);
      done[id] = 1;
      if (++answered === slices) void finish(false);
    };
    worker.onerror = () => void finish(true);
    void (async () => {
      for (let id = 0; id < slices; id++) {
        const end = Math.min(entries.length, (id + 1) * SLICE);
        const texts: string[] = [];
        let size = 0;
        for (let i = id * SLICE; i < end; i++) {
          const t = text(entries[i]!.prevHash) + text(entries[i]!.token);
          texts.push(t);
          size += t.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
        }
        const bytes = new Uint8Array(size);
        const ends = new Int32Array(texts.length);
        let at = 0;
        for (let k = 0; k < texts.length; k++) {
          at += encoder.encodeInto(texts[k]!, bytes.subarray(at)).written;
          ends[k] = at;
        }
        const req: HashRequest = { id, bytes, ends };
        worker.postMessage(req, [bytes.buffer, ends.buffer]);
        await yieldToPage();
      }
    })();
  });
}
