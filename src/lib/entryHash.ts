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

const encoder = new TextEncoder();
/** Reused across calls: tokens are a few hundred bytes, so a copy per call is the larger cost. */
let scratch = new Uint8Array(4096);
/** scratch after a 64-character prevHash (every hash this ledger makes is one): no view per call. */
let afterHash = scratch.subarray(64);

/** Per byte value, the char codes of its two lowercase hex digits. */
const HEX_CODES = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, '0');
  HEX_CODES[2 * b] = h.charCodeAt(0);
  HEX_CODES[2 * b + 1] = h.charCodeAt(1);
}
const hexOut = new Uint8Array(64);

/**
 * A digest as lowercase hex, one flat string. Built with `s += HEX[b]` it was a rope of some thirty
 * pieces that the ledger's entries kept (IndexedDB's clone of the segment's joined column never
 * flattened them): about 830 bytes a hash against 85 flat, 208 MB against 21 MB for 250,000 hashes
 * (Node 20), and work for each scavenge while the import wrote (issue 17).
 */
function hexOf(digest: Uint8Array): string {
  for (let i = 0; i < 32; i++) {
    const b = digest[i]!;
    hexOut[2 * i] = HEX_CODES[2 * b]!;
    hexOut[2 * i + 1] = HEX_CODES[2 * b + 1]!;
  }
  return String.fromCharCode.apply(null, hexOut as unknown as number[]);
}

/**
 * One SHA-256 instance reused, reset from a fresh one's state (noble's own clone(), into it) before
 * each entry: `sha256(bytes)` made an instance per entry, each with its buffer, a DataView and the
 * digest's copy, ArrayBuffers the page's mark-compact then swept one by one (its external-pointer
 * phase was 109 of a 248 ms GC during the 250,000 import's write; issue 17).
 */
const initial = sha256.create();
const hasher = sha256.create();
const digest = new Uint8Array(32);

/** SHA-256(prevHash ‖ token) as lowercase hex, at once. */
export function entryHashSync(prevHash: string, token: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  const need = (prevHash.length + token.length) * 3;
  if (scratch.length < need) {
    scratch = new Uint8Array(need);
    afterHash = scratch.subarray(64);
  }
  let length: number;
  const last = prevHash.charCodeAt(prevHash.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    // A lone high surrogate at the end (only a damaged ledger's prevHash): with the token's first
    // character it may be one code point, so the two are encoded as one string.
    length = encoder.encodeInto(prevHash + token, scratch).written;
  } else {
    // Each encoded where it goes: prevHash + token was a flat copy of both per entry, made only
    // to be encoded (150 MB of garbage at 250,000 entries).
    const first = encoder.encodeInto(prevHash, scratch).written;
    length = first + encoder.encodeInto(token, first === 64 ? afterHash : scratch.subarray(first)).written;
  }
  // oxlint-disable-next-line no-underscore-dangle -- noble's clone() is _cloneInto() into a new instance; given one, it reuses it
  initial._cloneInto(hasher).update(scratch.subarray(0, length)).digestInto(digest);
  return hexOf(digest);
}
