/**
 * Signed checkpoints of a ledger (ECT-PROFILE.md section 8): a statement, signed by the ledger
 * key, of the ledger's size, its head `entry_hash` and the time. Kept outside the ledger (a file,
 * a ticket, a CI variable), a checkpoint is what a later reader checks the ledger against: a ledger
 * that is shorter than it, or whose entry at its size has another hash, was truncated or rewritten.
 *
 * The checkpoint is a compact JWS (typ `ect-checkpoint+jwt`) whose protected header carries the
 * ledger's public key (`jwk`) and whose payload names that key by its RFC 7638 thumbprint: a
 * checkpoint alone pins both the state and the key, so a ledger whose key was replaced (and its
 * receipts re-signed) does not match it either.
 */
import { calculateJwkThumbprint, CompactSign, compactVerify, decodeProtectedHeader, type JWK } from 'jose';
import { utf8Encode } from './base64url.ts';
import type { LedgerKey } from './chain.ts';
import { quote } from './text.ts';

/** The `typ` of a checkpoint's JWS header. */
export const CHECKPOINT_TYP = 'ect-checkpoint+jwt';

/** What a checkpoint states. */
export interface CheckpointClaims {
  /** Number of entries in the ledger (its last sequence number). */
  size: number;
  /** The `entry_hash` of entry `size` (64 zeros for an empty ledger). */
  head: string;
  /** When it was signed, Unix seconds. */
  time: number;
  /** RFC 7638 thumbprint (SHA-256, base64url) of the ledger key that signed it. */
  key: string;
}

/** A checkpoint that was read and whose signature verified under the key it names. */
export interface Checkpoint extends CheckpointClaims {
  /** The compact JWS, as given. */
  jws: string;
  /** The ledger's public key, from the JWS header (public members only). */
  jwk: JWK;
}

/** A checkpoint that cannot be used: not a checkpoint, or its signature or key does not hold. */
export class CheckpointError extends Error {
  readonly code = 'checkpoint_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** The public members of an EC key: what a checkpoint or a bundle may carry of the ledger key. */
export function publicJwkOf(jwk: JWK): JWK {
  const out: JWK = { kty: jwk.kty };
  for (const k of ['crv', 'x', 'y', 'kid'] as const) if (typeof jwk[k] === 'string') out[k] = jwk[k];
  return out;
}

/**
 * The ledger key's fingerprint: its RFC 7638 thumbprint (SHA-256 over the required public
 * members, base64url). What a person compares to know two copies of a key are the same key.
 */
export function keyFingerprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(publicJwkOf(jwk), 'sha256');
}

/**
 * Signs a checkpoint of the ledger's state with its key. Sign only a ledger that was checked and
 * found intact: a checkpoint vouches for everything up to `size`.
 */
export async function createCheckpoint(
  state: { size: number; head: string; time?: number },
  key: LedgerKey,
): Promise<string> {
  const jwk = publicJwkOf(key.publicJwk);
  const claims: CheckpointClaims = {
    size: state.size,
    head: state.head,
    time: state.time ?? Math.floor(Date.now() / 1000),
    key: await keyFingerprint(jwk),
  };
  return new CompactSign(utf8Encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ES256', typ: CHECKPOINT_TYP, kid: key.kid, jwk })
    .sign(key.privateKey);
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Reads a checkpoint: the compact JWS itself, or a JSON object holding it as `"checkpoint"` (a
 * bundle, or a saved checkpoint file). Its signature must verify under the key in its header, and
 * that key must be the one its payload names. Throws a `CheckpointError` saying what is wrong.
 * Which key a ledger should have is for the caller to decide (see checkLedger).
 */
export async function readCheckpoint(input: string): Promise<Checkpoint> {
  let jws = input.trim();
  if (jws.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(jws);
    } catch (e) {
      throw new CheckpointError(`the checkpoint is not JSON: ${(e as Error).message}`);
    }
    const inner = doc && typeof doc === 'object' ? (doc as { checkpoint?: unknown }).checkpoint : undefined;
    if (typeof inner !== 'string')
      throw new CheckpointError('this JSON holds no "checkpoint" (a ledger checkpoint or bundle has one)');
    jws = inner.trim();
  }
  if (!jws) throw new CheckpointError('the checkpoint is empty');
  if (jws.split('.').length !== 3)
    throw new CheckpointError(
      `a checkpoint is a compact JWS (three parts separated by dots), not ${quote(jws)}`,
    );
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new CheckpointError('the checkpoint header does not decode: it was cut or changed');
  }
  if (header.typ !== CHECKPOINT_TYP)
    throw new CheckpointError(
      `this JWS is not a ledger checkpoint (typ ${quote(header.typ)}, expected "${CHECKPOINT_TYP}")`,
    );
  const jwk = header.jwk;
  if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'EC' || jwk.crv !== 'P-256')
    throw new CheckpointError(
      'the checkpoint does not carry its ledger key (an EC P-256 "jwk" in its header)',
    );
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, jwk, { algorithms: ['ES256'] }));
  } catch {
    throw new CheckpointError(
      'the checkpoint signature does not verify under the key it carries: it was changed',
    );
  }
  let claims: Partial<CheckpointClaims>;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as Partial<CheckpointClaims>;
  } catch {
    throw new CheckpointError('the checkpoint payload is not JSON');
  }
  const { size, head, time, key } = claims;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new CheckpointError(`the checkpoint's "size" must be a whole number, not ${quote(size)}`);
  if (typeof head !== 'string' || !HEX64.test(head))
    throw new CheckpointError(`the checkpoint's "head" must be 64 hex digits, not ${quote(head)}`);
  if (typeof time !== 'number' || !Number.isFinite(time))
    throw new CheckpointError(`the checkpoint's "time" must be Unix seconds, not ${quote(time)}`);
  const publicJwk = publicJwkOf(jwk as JWK);
  const fingerprint = await keyFingerprint(publicJwk);
  if (key !== fingerprint)
    throw new CheckpointError(`the checkpoint names key ${quote(key)} but is signed by key ${fingerprint}`);
  return { size, head, time, key: fingerprint, jws, jwk: publicJwk };
}
