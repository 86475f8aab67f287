/**
 * The ledger's hash chain and receipts (ECT-PROFILE.md section 8), shared by
 * every `Ledger` implementation.
 *
 * entry_hash = SHA-256(prev_hash ‖ token), both as text: `prev_hash` is the
 * previous entry's hash in lowercase hex (64 zeros for the first entry) and
 * the token is its compact serialization; the hash is stored as lowercase hex.
 */
import { CompactSign, compactVerify, type CryptoKey, type JWK } from 'jose';
import { utf8Encode } from './base64url.ts';

export const GENESIS_HASH = '0'.repeat(64);
export const RECEIPT_TYP = 'ect-receipt+jwt';

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

export interface ReceiptClaims {
  seq: number;
  entry_hash: string;
  /** Unix seconds. */
  appended_at: number;
  jti: string;
}

export interface LedgerKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const hex = (buf: ArrayBuffer): string => {
  let s = '';
  for (const b of new Uint8Array(buf)) s += HEX[b]!;
  return s;
};

/**
 * The bytes whose SHA-256 is an entry's `entry_hash`: `prev_hash ‖ token` as UTF-8. For a store
 * that hashes with a synchronous SHA-256 of its platform (node:crypto) inside its append lock.
 */
export function entryHashInput(prevHash: string, token: string): Uint8Array<ArrayBuffer> {
  return utf8Encode(prevHash + token);
}

export async function computeEntryHash(prevHash: string, token: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', entryHashInput(prevHash, token)));
}

export async function signReceipt(entry: LedgerEntry, key: LedgerKey): Promise<string> {
  const claims: ReceiptClaims = {
    seq: entry.seq,
    entry_hash: entry.entryHash,
    appended_at: Math.floor(entry.appendedAt / 1000),
    jti: entry.jti,
  };
  return new CompactSign(utf8Encode(JSON.stringify(claims)))
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

export interface ChainBreak {
  seq: number;
  reason: 'seq_gap' | 'prev_mismatch' | 'hash_mismatch' | 'receipt_invalid';
  message: string;
}

export interface ChainReport {
  ok: boolean;
  length: number;
  /** The last entry's hash, or the genesis hash for an empty ledger. */
  head: string;
  /** The first entry where the chain breaks; every later entry is unproven. */
  firstBreak?: ChainBreak;
}

/** Recomputes the chain over `entries` (in order) and checks receipts when a key is given. */
export async function verifyChain(
  entries: readonly LedgerEntry[],
  receiptKey?: CryptoKey,
): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const fail = (reason: ChainBreak['reason'], message: string): ChainReport => ({
      ok: false,
      length: entries.length,
      head: entries[entries.length - 1]!.entryHash,
      firstBreak: { seq: e.seq, reason, message },
    });
    if (e.seq !== i + 1) return fail('seq_gap', `entry ${i + 1} carries sequence number ${e.seq}`);
    if (e.prevHash !== prev) {
      return fail(
        'prev_mismatch',
        `entry ${e.seq} points to previous hash ${e.prevHash.slice(0, 12)}…, but entry ${e.seq - 1} hashes to ${prev.slice(0, 12)}…`,
      );
    }
    const expected = await computeEntryHash(prev, e.token);
    if (expected !== e.entryHash) {
      return fail(
        'hash_mismatch',
        `entry ${e.seq} (jti ${e.jti}) was changed after it was appended: its token hashes to ${expected.slice(0, 12)}…, not ${e.entryHash.slice(0, 12)}…`,
      );
    }
    if (receiptKey && e.receipt !== undefined) {
      const r = await verifyReceipt(e.receipt, receiptKey);
      if (!r || r.seq !== e.seq || r.entry_hash !== e.entryHash) {
        return fail(
          'receipt_invalid',
          `entry ${e.seq}'s receipt does not verify under the ledger key or does not match the entry`,
        );
      }
    }
    prev = e.entryHash;
  }
  return { ok: true, length: entries.length, head: prev };
}
