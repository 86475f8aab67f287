/**
 * Hashes ledger entries off the page's thread (entryHashes.ts). Each message is a slice of the
 * entries as UTF-8 bytes, prev_hash ‖ token of entry k at bytes[ends[k - 1]..ends[k]), answered
 * with their hashes as one string of 64 hex digits each, in the same order: bytes travel as a
 * transfer, and one string is one copy (10,000 strings in a message were a 110-150 ms task to
 * send, issue 17, profiled at load 5).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { HashRequest, HashResponse } from './entryHashes.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashResponse): void;
}
const scope = self as unknown as WorkerScope;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

scope.onmessage = (event) => {
  const { id, bytes, ends } = event.data;
  const parts = new Array<string>(ends.length);
  let start = 0;
  for (let k = 0; k < ends.length; k++) {
    const digest = sha256(bytes.subarray(start, ends[k]));
    start = ends[k]!;
    let s = '';
    for (let i = 0; i < digest.length; i++) s += HEX[digest[i]!]!;
    parts[k] = s;
  }
  scope.postMessage({ id, hashes: parts.join('') });
};
