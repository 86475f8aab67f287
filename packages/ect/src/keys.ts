/**
 * Signing keys: ES256 key pairs made with WebCrypto (through jose), imported
 * public keys cached per trusted key and algorithm.
 */
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { TrustedKey } from './trust.ts';

export interface GeneratedKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  /** Only when the key was made extractable. */
  privateJwk?: JWK;
}

/**
 * Makes an ES256 key pair. Non-extractable by default: the private key can
 * sign but can never be read out. Without a `kid`, the public key's RFC 7638
 * thumbprint is used.
 */
export async function generateSigningKey(
  opts: { kid?: string; extractable?: boolean } = {},
): Promise<GeneratedKey> {
  const extractable = opts.extractable ?? false;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable });
  const pub = await exportJWK(publicKey);
  const kid = opts.kid ?? (await calculateJwkThumbprint(pub));
  const publicJwk: JWK = { ...pub, kid, alg: 'ES256', use: 'sig' };
  const key: GeneratedKey = { kid, privateKey, publicKey, publicJwk };
  if (extractable) key.privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  return key;
}

const imported = new WeakMap<object, Map<string, Promise<CryptoKey>>>();
/** The same keys once imported, for a caller on the hot path that need not wait a turn for them. */
const ready = new WeakMap<object, Map<string, CryptoKey>>();

/** The trusted key as a CryptoKey for `alg`, imported once and cached. */
export function importTrustedKey(key: TrustedKey, alg: string): Promise<CryptoKey> {
  let byAlg = imported.get(key);
  if (!byAlg) imported.set(key, (byAlg = new Map()));
  let p = byAlg.get(alg);
  if (!p) {
    p = importJWK(importable(key.jwk), alg) as Promise<CryptoKey>;
    byAlg.set(alg, p);
    const map = byAlg;
    p.then(
      (k) => {
        let done = ready.get(key);
        if (!done) ready.set(key, (done = new Map()));
        done.set(alg, k);
      },
      () => map.delete(alg),
    );
  }
  return p;
}

/**
 * The JWK as WebCrypto imports it for verifying: without `key_ops` and `ext`, which jose would
 * hand to WebCrypto as they are (a public key listing "sign", an empty list, or a non-boolean
 * `ext` makes the import or the verify call throw). A usable key's `key_ops` contain "verify"
 * (trust.ts), which is the one usage asked for.
 */
function importable(jwk: JWK): JWK {
  if (jwk.key_ops === undefined && jwk.ext === undefined) return jwk;
  const { key_ops: _ops, ext: _ext, ...rest } = jwk;
  void [_ops, _ext];
  return rest;
}

/** An algorithm a public key's type and curve can verify, to try importing it with. */
function algorithmOf(jwk: JWK): string {
  if (jwk.kty === 'EC') return jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256';
  if (jwk.kty === 'OKP') return 'Ed25519';
  return 'RS256';
}

/**
 * Why WebCrypto cannot import a key the trust store found usable (a point off the curve, a
 * modulus that is no number…), or null when it can: the check of an import form, which has time
 * to try each key once. Such a key fails at step 7 (invalid_signature) when a token names it.
 */
export async function keyImportProblem(jwk: JWK): Promise<string | null> {
  try {
    await importJWK(importable(jwk), algorithmOf(jwk));
    return null;
  } catch (e) {
    return `cannot be imported as a public key: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The trusted key's CryptoKey for `alg` if importTrustedKey has already made it, else undefined. */
export function importedKey(key: TrustedKey, alg: string): CryptoKey | undefined {
  return ready.get(key)?.get(alg);
}

/** A private JWK (with `d`) as a signing CryptoKey. */
export async function importPrivateJwk(jwk: JWK, alg = 'ES256'): Promise<CryptoKey> {
  if (typeof jwk.d !== 'string') throw new Error('the JWK has no private part ("d"), so it cannot sign');
  return (await importJWK(jwk, alg)) as CryptoKey;
}
