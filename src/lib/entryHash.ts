/**
 * The ledger's entry hash (SHA-256 of prev_hash ‖ token, lowercase hex: packages/ect/src/chain.ts)
 * computed synchronously, with @noble/hashes (audited, no dependencies) instead of WebCrypto.
 *
 * Why: a chain of hashes is sequential, and each awaited crypto.subtle.digest costs far more than
 * the digest itself. Chromium settles it within the call, but every await is still a promise
 * round trip plus a copy of the input: ~45 µs an entry in the import and ~22 µs in the ledger
 * check at 100,000 entries, against ~8 µs for the digest (issue 17, session 5's profiles). The
 * result is the same bytes as computeEntryHash's (unit test), so the core's checks agree with it.
 */
import { sha256 } from '@noble/hashes/sha2.js';

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();
/** Reused across calls: tokens are a few hundred bytes, so a copy per call is the larger cost. */
let scratch = new Uint8Array(4096);

/** SHA-256(prevHash ‖ token) as lowercase hex, at once. */
export function entryHashSync(prevHash: string, token: string): string {
  const text = prevHash + token;
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  const digest = sha256(scratch.subarray(0, written));
  let s = '';
  for (let i = 0; i < digest.length; i++) s += HEX[digest[i]!]!;
  return s;
}
