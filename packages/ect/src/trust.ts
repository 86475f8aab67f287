/**
 * The trust store (ECT-PROFILE.md section 6): public keys bound to issuers,
 * or a plain JWKS whose keys are bound to no issuer. Step 6 resolves the
 * verification key by (`iss`, `kid`).
 */
import { quote } from './text.ts';
import type { JWK } from 'jose';
import { decodeBase64Url } from './base64url.ts';
import type { Problem } from './codes.ts';
import { TrustStoreError } from './errors.ts';

/** A public key of a trust store, with its kid and the issuer it is bound to. */
export interface TrustedKey {
  jwk: JWK;
  kid: string;
  /** The issuer the key is bound to; null for keys from a plain JWKS. */
  issuer: string | null;
}

/** A key of the document that cannot verify, and why (ECT-PROFILE.md section 6): left out, not fatal. */
export interface SkippedKey {
  /** Where the key is in the document, e.g. `keys[2]` or `issuers["spiffe://…"].keys[0]`. */
  where: string;
  /** Its `kid` when it has a usable one. */
  kid: string | null;
  /** The issuer it was listed under; null in a plain JWKS. */
  issuer: string | null;
  /** Why it is not usable, a phrase that follows the key's name: `has no "kid": …`. */
  reason: string;
}

/**
 * Parsed trusted keys (ECT-PROFILE.md section 6): what step 6 resolves a token's `iss` and `kid`
 * against. Made by {@link parseTrustStore}; a document that is not a trust store or JWKS at all is
 * refused whole with a `TrustStoreError`.
 */
export interface TrustStore {
  /**
   * 'issuers' for an issuer-bound store, 'jwks' for a plain key set. A store
   * may hold both kinds of key: unbound keys match by kid alone, with a warning.
   */
  kind: 'issuers' | 'jwks';
  /** The usable keys: only these are considered at step 6. */
  keys: readonly TrustedKey[];
  /** The keys left out as unusable, for the CLI and the app to show. */
  skipped: readonly SkippedKey[];
}

/** The smallest RSA modulus accepted (ECT-PROFILE.md sections 2 and 6). */
export const MIN_RSA_BITS = 2048;

const EC_CURVES: Readonly<Record<string, string>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
};

/** Bits of a base64url big-endian unsigned integer (leading zero bytes not counted); null if not base64url. */
function bitLength(b64: string): number | null {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64Url(b64);
  } catch {
    return null;
  }
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return i === bytes.length ? 0 : (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * Why a JWK cannot verify an ECT, or null when it is usable (ECT-PROFILE.md section 6): it needs
 * a `kid`; `use`, if present, must be `sig`; `key_ops`, if present, must contain `verify`; an
 * RSA modulus needs at least 2048 bits. A key that is not a public key of a type and curve this
 * verifier can check (EC P-256/384/521, RSA, OKP Ed25519) cannot verify either (RFC 7517
 * section 5: keys not understood are ignored). The answer is a phrase that follows the key's
 * name ("keys[0] has no …").
 */
export function unusableKeyReason(jwk: unknown): string | null {
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) return 'is not a JWK object';
  const k = jwk as Record<string, unknown>;
  if (typeof k.kty !== 'string') return 'has no "kty" (key type): it is not a JWK';
  if (k.kid === undefined) {
    return 'has no "kid": tokens select their key by kid, so a key without one can never be chosen';
  }
  if (typeof k.kid !== 'string' || !k.kid)
    return `has a "kid" that is not a non-empty string: ${quote(k.kid)}`;
  if (k.use !== undefined && k.use !== 'sig') {
    return `is marked "use": ${quote(k.use)}, not "sig": it is not a key for signatures`;
  }
  if (k.key_ops !== undefined) {
    if (!Array.isArray(k.key_ops))
      return `has "key_ops" ${quote(k.key_ops)}, which is not a list of operations`;
    if (!k.key_ops.includes('verify')) {
      return `has "key_ops" ${quote(k.key_ops)} without "verify": it is not allowed to verify signatures`;
    }
  }
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  switch (k.kty) {
    case 'EC':
      if (typeof k.crv !== 'string' || !EC_CURVES[k.crv]) {
        return `is an EC key on curve ${quote(k.crv)}; the curves that verify here are P-256 (ES256), P-384 (ES384) and P-521 (ES512)`;
      }
      return str(k.x) && str(k.y) ? null : 'is an EC key without its public point ("x" and "y")';
    case 'OKP':
      if (k.crv !== 'Ed25519') {
        return `is an OKP key on curve ${quote(k.crv)}; only Ed25519 keys (alg EdDSA or Ed25519) verify here`;
      }
      return str(k.x) ? null : 'is an Ed25519 key without its public value "x"';
    case 'RSA': {
      if (!str(k.n) || !str(k.e)) return 'is an RSA key without its modulus "n" or exponent "e"';
      const bits = bitLength(k.n as string);
      if (bits === null) return 'is an RSA key whose modulus "n" is not base64url';
      return bits < MIN_RSA_BITS
        ? `is an RSA key of ${bits} bits; RSA keys need at least ${MIN_RSA_BITS} bits`
        : null;
    }
    case 'oct':
      return 'is not a public key: it is a symmetric key (kty "oct"), a shared secret, which cannot verify ECT signatures';
    default:
      return `has key type ${quote(k.kty)}, which verifies none of the supported algorithms (key types EC, RSA, OKP)`;
  }
}

/** The public part of a JWK: private members (EC/OKP "d", RSA primes, "k") never belong in a trust store. */
function publicPart(k: Record<string, unknown>): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, ...pub } = k;
  void [_d, _p, _q, _dp, _dq, _qi, _oth, _k];
  return pub as JWK;
}

/**
 * Reads `{"issuers": {iss: {"keys": [...]}}}` or `{"keys": [...]}` (ECT-PROFILE.md section 6).
 * Unusable keys are skipped, each with its reason (`skipped`); any other shape of document
 * throws a `TrustStoreError` saying what is wrong.
 */
export function parseTrustStore(doc: unknown): TrustStore {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new TrustStoreError('a trust store must be a JSON object with "issuers" or "keys"');
  }
  const o = doc as Record<string, unknown>;
  if (o.issuers === undefined && !Array.isArray(o.keys)) {
    throw new TrustStoreError(
      'a trust store must have "issuers" (issuer-bound keys) or "keys" (a plain JWKS)',
    );
  }
  const keys: TrustedKey[] = [];
  const skipped: SkippedKey[] = [];
  const add = (list: unknown[], prefix: string, issuer: string | null) => {
    list.forEach((jwk, i) => {
      const where = `${prefix}[${i}]`;
      if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) {
        throw new TrustStoreError(`${where} is not a JWK object: "keys" must be an array of JWK objects`);
      }
      const k = jwk as Record<string, unknown>;
      const reason = unusableKeyReason(k);
      if (reason) {
        const kid = typeof k.kid === 'string' && k.kid ? k.kid : null;
        skipped.push({ where, kid, issuer, reason });
      } else keys.push({ jwk: publicPart(k), kid: k.kid as string, issuer });
    });
  };
  if (o.issuers !== undefined) {
    if (!o.issuers || typeof o.issuers !== 'object' || Array.isArray(o.issuers)) {
      throw new TrustStoreError('"issuers" must be an object mapping each issuer to {"keys": [...]}');
    }
    for (const [issuer, entry] of Object.entries(o.issuers as Record<string, unknown>)) {
      const list =
        entry && typeof entry === 'object' && !Array.isArray(entry)
          ? (entry as { keys?: unknown }).keys
          : undefined;
      if (!Array.isArray(list)) {
        throw new TrustStoreError(
          `issuer ${quote(issuer)} must map to {"keys": [...]}${Array.isArray(entry) ? ', not to a bare array of JWKs' : ''}`,
        );
      }
      add(list, `issuers[${quote(issuer)}].keys`, issuer);
    }
  }
  if (o.keys !== undefined) {
    if (!Array.isArray(o.keys)) throw new TrustStoreError('"keys" must be an array of JWKs');
    add(o.keys, 'keys', null);
  }
  return { kind: o.issuers === undefined ? 'jwks' : 'issuers', keys, skipped };
}

/** The JSON form of a store: issuer-bound keys under "issuers", unbound ones under "keys". */
export function serializeTrustStore(store: TrustStore): {
  issuers?: Record<string, { keys: JWK[] }>;
  keys?: JWK[];
} {
  const issuers: Record<string, { keys: JWK[] }> = {};
  const unbound: JWK[] = [];
  for (const k of store.keys) {
    if (k.issuer === null) unbound.push(k.jwk);
    else (issuers[k.issuer] ??= { keys: [] }).keys.push(k.jwk);
  }
  return {
    ...(store.kind === 'issuers' || Object.keys(issuers).length ? { issuers } : {}),
    ...(unbound.length || store.kind === 'jwks' ? { keys: unbound } : {}),
  };
}

export type KeyResolution =
  | {
      ok: true;
      candidates: TrustedKey[];
      warning?: string;
      /** Set when more keys share the kid than are tried (MAX_KEYS_PER_KID): a warning for the report. */
      capped?: string;
    }
  | { ok: false; problem: Problem };

/**
 * The most keys tried for one token: of the keys of its issuer (or the unbound keys) that share
 * its `kid`, the first ones listed. Key rotation puts a few keys under one kid; a verifier that
 * tried every one would let a trust store of 10,000 keys under one kid cost 3.2 s per token
 * (issue 17), so past this bound the report says how many keys were left untried.
 */
export const MAX_KEYS_PER_KID = 8;

function capped(
  keys: TrustedKey[],
  kid: string,
  issuer: string | null,
): { candidates: TrustedKey[]; capped?: string } {
  if (keys.length <= MAX_KEYS_PER_KID) return { candidates: keys };
  return {
    candidates: keys.slice(0, MAX_KEYS_PER_KID),
    capped: `the trust store has ${keys.length} keys with kid ${quote(kid)}${issuer === null ? ' bound to no issuer' : ` for issuer ${quote(issuer)}`}; only the first ${MAX_KEYS_PER_KID} were tried (a bound on the work per token), so a signature by any of the other ${keys.length - MAX_KEYS_PER_KID} does not verify here`,
  };
}

/** The store's keys by kid, made once per list of keys (step 6 looks a kid up for every token). */
const byKidIndex = new WeakMap<readonly TrustedKey[], { size: number; index: Map<string, TrustedKey[]> }>();

function keysWithKid(store: TrustStore, kid: string): TrustedKey[] {
  let cached = byKidIndex.get(store.keys);
  if (!cached || cached.size !== store.keys.length) {
    const index = new Map<string, TrustedKey[]>();
    for (const k of store.keys) {
      const list = index.get(k.kid);
      if (list) list.push(k);
      else index.set(k.kid, [k]);
    }
    cached = { size: store.keys.length, index };
    byKidIndex.set(store.keys, cached);
  }
  return cached.index.get(kid) ?? [];
}

/** Step 6: the keys that may have signed a token with this `iss` and `kid`. */
export function resolveKey(store: TrustStore, iss: unknown, kid: unknown): KeyResolution {
  if (typeof kid !== 'string' || !kid) {
    return {
      ok: false,
      problem: {
        code: 'unknown_key',
        claim: 'kid',
        message:
          kid === undefined
            ? 'the JWS header has no "kid", so no key can be selected'
            : `the header "kid" must be a non-empty string, got ${quote(kid)}`,
      },
    };
  }
  const byKid = keysWithKid(store, kid);
  const bound = byKid.filter((k) => k.issuer !== null);
  const unbound = byKid.filter((k) => k.issuer === null);
  const unboundMatch = (): KeyResolution => ({
    ok: true,
    ...capped(unbound, kid, null),
    warning: `issuer unchecked: key ${quote(kid)} comes from a plain JWKS, bound to no issuer, so it is matched by kid alone and "iss" is not checked`,
  });
  const issuers = [...new Set(bound.map((k) => k.issuer))];
  if (typeof iss !== 'string' || !iss) {
    const message = 'the token has no usable "iss", so the key cannot be bound to an issuer';
    if (issuers.length) {
      return {
        ok: false,
        problem: {
          code: 'issuer_mismatch',
          claim: 'iss',
          message: `${message}; kid ${quote(kid)} belongs to ${issuers.join(', ')}`,
        },
      };
    }
    return unbound.length
      ? unboundMatch()
      : {
          ok: false,
          problem: { code: 'unknown_key', claim: 'iss', message: message + skippedNote(store, kid) },
        };
  }
  const mine = bound.filter((k) => k.issuer === iss);
  if (mine.length) return { ok: true, ...capped(mine, kid, iss) };
  if (bound.length) {
    return {
      ok: false,
      problem: {
        code: 'issuer_mismatch',
        claim: 'kid',
        message: `kid ${quote(kid)} is bound to ${issuers.join(', ')}, not to the token's issuer ${quote(iss)}`,
      },
    };
  }
  if (unbound.length) return unboundMatch();
  const known = store.keys.some((k) => k.issuer === iss);
  return {
    ok: false,
    problem: {
      code: 'unknown_key',
      claim: 'kid',
      message:
        (known
          ? `issuer ${quote(iss)} is trusted, but none of its keys has kid ${quote(kid)}`
          : `no trusted key has kid ${quote(kid)}, and issuer ${quote(iss)} is not in the trust store`) +
        skippedNote(store, kid),
    },
  };
}

/** Why the keys of the document with this `kid` were left out, if any were: the likely cause of an unknown_key. */
function skippedNote(store: TrustStore, kid: string): string {
  const same = store.skipped.filter((s) => s.kid === kid);
  if (!same.length) return '';
  const first = same[0]!;
  return `; the trust store's key ${first.where} has this kid but is not usable: it ${first.reason}${
    same.length > 1 ? ` (and ${same.length - 1} more)` : ''
  }`;
}
