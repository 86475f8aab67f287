/**
 * Step 7: checking a JWS signature under the keys step 6 resolved. ECDSA goes straight to
 * WebCrypto (the header and payload are already decoded and checked strictly at step 1, so a
 * second parse by jose would only cost time on the hot path); other algorithms through jose.
 */
import { compactVerify, errors as joseErrors, type CryptoKey, type JWK } from 'jose';
import { decodeBase64Url } from './base64url.ts';
import { importedKey, importTrustedKey } from './keys.ts';
import { quote } from './text.ts';
import type { TrustedKey } from './trust.ts';

/** A key that may have signed a token: from the trust store (a JWK), or from a key resolver (a JWK or a CryptoKey). */
export interface KeyCandidate {
  kid: string;
  /** The issuer the key is bound to; null for a plain JWKS key. */
  issuer: string | null;
  jwk?: JWK;
  cryptoKey?: CryptoKey;
}

/**
 * Step 7's outcome: the trusted key whose signature check passed, or why none did. What a worker
 * sends back instead of a whole report (see verifyStoredWith).
 */
export type SignatureOutcome =
  { ok: true; kid: string; issuer: string | null } | { ok: false; message: string };

/** WebCrypto parameters for the ECDSA algorithms, whose JWS signature (r || s) WebCrypto takes as it is. */
const ECDSA: Readonly<Record<string, { name: 'ECDSA'; hash: string }>> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  ES384: { name: 'ECDSA', hash: 'SHA-384' },
  ES512: { name: 'ECDSA', hash: 'SHA-512' },
};

/**
 * The JWS signing input `header.payload` as bytes: both parts are base64url (ASCII), checked at
 * step 1, so each character is its byte. Copied by hand: the template string and
 * TextEncoder.encodeInto it replaces (a rope flattened, then a native call) cost Chromium 150
 * about 12 µs a token of the set's 55 µs beside the signature check itself (issue 17).
 */
function asciiBytes(header: string, payload: string): Uint8Array<ArrayBuffer> {
  const h = header.length;
  const bytes = new Uint8Array(h + 1 + payload.length);
  for (let i = 0; i < h; i++) bytes[i] = header.charCodeAt(i);
  bytes[h] = 46; // '.'
  for (let i = 0, o = h + 1; i < payload.length; i++, o++) bytes[o] = payload.charCodeAt(i);
  return bytes;
}

const mismatch = (kid: string) =>
  `the signature does not verify under trusted key ${quote(kid)}: the token was changed after signing, or signed by another key`;

const unusable = (kid: string, alg: string, e: unknown) =>
  `trusted key ${quote(kid)} cannot be used with ${alg}: ${e instanceof Error ? e.message : String(e)}`;

/** The candidate's CryptoKey for `alg` when it is at hand without waiting (given, or imported before). */
function readyKey(candidate: KeyCandidate, alg: string): CryptoKey | undefined {
  return candidate.cryptoKey ?? (candidate.jwk ? importedKey(candidate as TrustedKey, alg) : undefined);
}

/**
 * Node's crypto module, where there is one (Node >= 20.16, without an import a browser bundle would
 * have to resolve). Its `verify` checks an ECDSA signature with the same OpenSSL as Node's WebCrypto,
 * within the call: Node's `crypto.subtle.verify` spends 25-40 µs of this thread on argument
 * normalisation and a hand-off to its thread pool, then the result waits for a turn of the event
 * loop. Measured (Node 20.20, 2 cores, load 5-10): 148-195 µs per awaited WebCrypto verify, 70-84
 * µs for the same check with `crypto.verify` (issue 17).
 */
interface NodeCrypto {
  KeyObject: { from(key: CryptoKey): unknown };
  verify(
    alg: string,
    data: Uint8Array,
    key: { key: unknown; dsaEncoding: 'ieee-p1363' },
    signature: Uint8Array,
  ): boolean;
}
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

/** The curve and hash each ECDSA algorithm takes, as Node's crypto names them. */
const ECDSA_NODE: Readonly<Record<string, { curve: string; hash: string }>> = {
  ES256: { curve: 'P-256', hash: 'sha256' },
  ES384: { curve: 'P-384', hash: 'sha384' },
  ES512: { curve: 'P-521', hash: 'sha512' },
};

const keyObjects = new WeakMap<CryptoKey, unknown>();

/**
 * The ECDSA check at once with Node's crypto: true or false, or undefined where WebCrypto must
 * answer (not Node, a key not an ECDSA public verify key on the alg's curve, or Node refusing the
 * input), so that every outcome and message stays WebCrypto's.
 */
function verifyNow(
  alg: string,
  key: CryptoKey,
  signature: Uint8Array,
  data: Uint8Array,
): boolean | undefined {
  const want = ECDSA_NODE[alg];
  if (!nodeCrypto || !want) return undefined;
  const algorithm = key.algorithm as { name?: string; namedCurve?: string };
  if (
    key.type !== 'public' ||
    algorithm.name !== 'ECDSA' ||
    algorithm.namedCurve !== want.curve ||
    !key.usages.includes('verify')
  )
    return undefined;
  try {
    let keyObject = keyObjects.get(key);
    if (keyObject === undefined) keyObjects.set(key, (keyObject = nodeCrypto.KeyObject.from(key)));
    return nodeCrypto.verify(want.hash, data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return undefined;
  }
}

/**
 * Step 7 at once, without waiting: the outcome where it can be had within the call (Node, one
 * ECDSA key already imported), otherwise undefined (then `checkSignature`).
 */
export function checkSignatureNow(
  parts: readonly [string, string, string],
  alg: string,
  candidates: readonly KeyCandidate[],
): SignatureOutcome | undefined {
  if (!nodeCrypto || candidates.length !== 1) return undefined;
  const only = candidates[0]!;
  const key = ECDSA[alg] ? readyKey(only, alg) : undefined;
  if (!key) return undefined;
  const ok = verifyNow(alg, key, decodeBase64Url(parts[2]), asciiBytes(parts[0], parts[1]));
  if (ok === undefined) return undefined;
  return ok ? { ok: true, kid: only.kid, issuer: only.issuer } : { ok: false, message: mismatch(only.kid) };
}

/** Checks the signature of a JWS whose parts step 1 decoded; valid when any candidate verifies it. */
export function checkSignature(
  token: string,
  parts: readonly [string, string, string],
  alg: string,
  candidates: readonly KeyCandidate[],
  crit: unknown[],
): Promise<SignatureOutcome> {
  const now = checkSignatureNow(parts, alg, candidates);
  if (now) return Promise.resolve(now);
  // The common case, kept lean: one key, already imported, an ECDSA signature.
  const ecdsa = ECDSA[alg];
  const only = candidates.length === 1 ? candidates[0]! : undefined;
  const key = ecdsa && only ? readyKey(only, alg) : undefined;
  if (ecdsa && only && key) {
    const signature = decodeBase64Url(parts[2]) as Uint8Array<ArrayBuffer>;
    return crypto.subtle.verify(ecdsa, key, signature, asciiBytes(parts[0], parts[1])).then(
      (ok): SignatureOutcome =>
        ok ? { ok: true, kid: only.kid, issuer: only.issuer } : { ok: false, message: mismatch(only.kid) },
      // A key of another type or without the "verify" usage (a resolver's CryptoKey).
      (e: unknown): SignatureOutcome => ({ ok: false, message: unusable(only.kid, alg, e) }),
    );
  }
  return checkSignatureWithAnyKey(token, parts, alg, candidates, crit);
}

async function checkSignatureWithAnyKey(
  token: string,
  parts: readonly [string, string, string],
  alg: string,
  candidates: readonly KeyCandidate[],
  crit: unknown[],
): Promise<SignatureOutcome> {
  let last = 'the signature does not verify under the trusted key';
  const ecdsa = ECDSA[alg];
  const signingInput = ecdsa ? asciiBytes(parts[0], parts[1]) : undefined;
  const signature = ecdsa ? decodeBase64Url(parts[2]) : undefined;
  // crit was judged at step 5; tell jose the names are known so it still checks the signature.
  const critOption = () =>
    Object.fromEntries(crit.filter((c): c is string => typeof c === 'string').map((c) => [c, false]));
  for (const candidate of candidates) {
    let cryptoKey: CryptoKey;
    try {
      cryptoKey = readyKey(candidate, alg) ?? (await importTrustedKey(candidate as TrustedKey, alg));
    } catch (e) {
      last = unusable(candidate.kid, alg, e);
      continue;
    }
    if (ecdsa && signingInput && signature) {
      let ok: boolean;
      try {
        ok =
          verifyNow(alg, cryptoKey, signature, signingInput) ??
          (await crypto.subtle.verify(ecdsa, cryptoKey, signature as Uint8Array<ArrayBuffer>, signingInput));
      } catch (e) {
        last = unusable(candidate.kid, alg, e);
        continue;
      }
      if (ok) return { ok: true, kid: candidate.kid, issuer: candidate.issuer };
      last = mismatch(candidate.kid);
      continue;
    }
    try {
      await compactVerify(token, cryptoKey, { algorithms: [alg], crit: critOption() });
      return { ok: true, kid: candidate.kid, issuer: candidate.issuer };
    } catch (e) {
      last =
        e instanceof joseErrors.JWSSignatureVerificationFailed
          ? mismatch(candidate.kid)
          : `the signature could not be checked: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return { ok: false, message: last };
}
