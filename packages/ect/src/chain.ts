/**
 * The ledger's hash chain and receipts (ECT-PROFILE.md section 8), shared by
 * every `Ledger` implementation. Checking them is ledgerCheck.ts's job.
 *
 * entry_hash = SHA-256(prev_hash ‖ token), both as text: `prev_hash` is the
 * previous entry's hash in lowercase hex (64 zeros for the first entry) and
 * the token is its compact serialization; the hash is stored as lowercase hex.
 */
import { CompactSign, compactVerify, type CryptoKey, type JWK } from 'jose';
import { utf8Encode } from './base64url.ts';

/** The previous hash of a ledger's first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);
/** The `typ` of a ledger receipt's JWS header. */
export const RECEIPT_TYP = 'ect-receipt+jwt';

/** One entry of a ledger: the token, its claims, its place in the hash chain and its receipt. */
export interface LedgerEntry {
  /** 1 for the first entry, then +1 per append. */
  seq: number;
  token: string;
  jti: string;
  claims: Record<string, unknown>;
  /** Unix milliseconds. */
  appendedAt: number;
  prevHash: string;
  entryHash: string;
  /** Compact JWS signed by the ledger key, when the ledger has one: what makes the entry L3. */
  receipt?: string;
}

/** The claims a receipt signs: the entry's sequence number, hash, append time and jti. */
export interface ReceiptClaims {
  seq: number;
  entry_hash: string;
  /** Unix seconds. */
  appended_at: number;
  jti: string;
}

/** A ledger's own signing key: with it, every append gets a signed receipt (L3). */
export interface LedgerKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/**
 * Lowercase hex, one flat string: built with `s += HEX[b]` a 32-byte digest was a rope of some
 * thirty pieces, kept as such by whatever holds the hash (830 bytes against 85; issue 17).
 */
const hex = (buf: ArrayBuffer): string => Array.from(new Uint8Array(buf), (b) => HEX[b]!).join('');

/**
 * The bytes whose SHA-256 is an entry's `entry_hash`: `prev_hash ‖ token` as UTF-8. For a store
 * that hashes with a synchronous SHA-256 of its platform (node:crypto) inside its append lock.
 */
export function entryHashInput(prevHash: string, token: string): Uint8Array<ArrayBuffer> {
  return utf8Encode(prevHash + token);
}

/** An entry's hash: SHA-256 of the previous entry's hash and the token, as lowercase hex. For Ledger implementations. */
export async function computeEntryHash(prevHash: string, token: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', entryHashInput(prevHash, token)));
}

/** What an entry's receipt says (the JWS payload). Shared with the PostgreSQL ledger's synchronous signer. */
export function receiptClaims(entry: LedgerEntry): ReceiptClaims {
  return {
    seq: entry.seq,
    entry_hash: entry.entryHash,
    appended_at: Math.floor(entry.appendedAt / 1000),
    jti: entry.jti,
  };
}

/** Signs an entry's receipt with the ledger key (ES256, typ ect-receipt+jwt). For Ledger implementations. */
export async function signReceipt(entry: LedgerEntry, key: LedgerKey): Promise<string> {
  return new CompactSign(utf8Encode(JSON.stringify(receiptClaims(entry))))
    .setProtectedHeader({ alg: 'ES256', typ: RECEIPT_TYP, kid: key.kid })
    .sign(key.privateKey);
}

/** The receipt's claims when its signature verifies under `key`; null otherwise. */
export async function verifyReceipt(receipt: string, key: CryptoKey): Promise<ReceiptClaims | null> {
  try {
    const { payload, protectedHeader } = await compactVerify(receipt, key, { algorithms: ['ES256'] });
    if (protectedHeader.typ !== RECEIPT_TYP) return null;
    return JSON.parse(new TextDecoder().decode(payload)) as ReceiptClaims;
  } catch {
    return null;
  }
}
