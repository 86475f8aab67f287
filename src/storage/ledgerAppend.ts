/**
 * The entries of an append, a segment's worth at a time: each chained to the one before (its
 * prevHash and entry hash), its claims' copies made, its receipt signed when the ledger has a key.
 * IndexedDbLedger's write (ledger.ts) hands each segment to IndexedDB while the next is prepared.
 */
import { signReceipt, type LedgerKey } from 'wimse-ect';
import { entryHashSync } from '../lib/entryHash.ts';
import { yieldToPage } from '../lib/yieldToPage.ts';
import { copyClaims, type EntryRecord } from './ledgerEntries.ts';

const PROGRESS_EVERY = 250;
/** The append's hashing gives the page a turn once it has run this long (ms). */
const YIELD_MS = 20;

export interface AppendOptions {
  /** Unix milliseconds recorded as the append time (default: now). */
  now?: number;
  /** Cancels the append until its last entry is prepared; nothing is written then. */
  signal?: AbortSignal;
  /** Progress of preparing the batch (hashes, receipts); done === total when only the write is left. */
  onProgress?: (done: number, total: number) => void;
}

/** Entries `start` to `end` of `items`, as seqs baseSeq + start + 1 on, chained from `prevHash`. */
export async function prepareEntries(
  ledgerId: string,
  key: LedgerKey | undefined,
  items: readonly { token: string; claims: Record<string, unknown> }[],
  start: number,
  end: number,
  baseSeq: number,
  prevHash: string,
  now: number,
  opts: AppendOptions,
): Promise<EntryRecord[]> {
  const out: EntryRecord[] = [];
  let prev = prevHash;
  let since = performance.now();
  for (let i = start; i < end; i++) {
    if (i % PROGRESS_EVERY === 0) {
      opts.signal?.throwIfAborted();
      if (i) opts.onProgress?.(i, items.length);
      // A segment's hashing, its record and IndexedDB's clone of it were one task: 100-160 ms
      // at load 4-6 for 1,000 entries of the 250,000 import (traced; 30-60 ms of it this
      // thread's own CPU). The page gets a turn when the hashing has taken YIELD_MS.
      if (i > start && performance.now() - since > YIELD_MS) {
        await yieldToPage(); // Dexie.waitFor keeps the transaction open, as across signReceipt
        since = performance.now();
      }
    }
    const { token, claims } = items[i]!;
    const entry: EntryRecord = {
      ledgerId,
      seq: baseSeq + i + 1,
      token,
      jti: typeof claims.jti === 'string' ? claims.jti : '',
      claims,
      appendedAt: now,
      prevHash: prev,
      entryHash: entryHashSync(prev, token),
    };
    copyClaims(entry);
    if (key) entry.receipt = await signReceipt(entry, key);
    out.push(entry);
    prev = entry.entryHash;
  }
  return out;
}
