/**
 * Hashes ledger entries off the page's thread (entryHashes.ts): each message is a slice of the
 * entries, prev_hash and token side by side, answered with their hashes in the same order.
 */
import { entryHashSync } from '../lib/entryHash.ts';
import type { HashRequest, HashResponse } from './entryHashes.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashResponse): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { id, prev, tokens } = event.data;
  const hashes = new Array<string>(tokens.length);
  for (let i = 0; i < tokens.length; i++) hashes[i] = entryHashSync(prev[i]!, tokens[i]!);
  scope.postMessage({ id, hashes });
};
