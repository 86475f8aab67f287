/**
 * The trust store (ECT-PROFILE.md section 6): public keys bound to issuers,
 * or a plain JWKS whose keys are bound to no issuer. Step 6 resolves the
 * verification key by (`iss`, `kid`).
 */
import { quote } from './text.ts';
import type { JWK } from 'jose';
import type { Problem } from './codes.ts';
import { TrustStoreError } from './errors.ts';

export interface TrustedKey {
  jwk: JWK;
  kid: string;
  /** The issuer the key is bound to; null for keys from a plain JWKS. */
  issuer: string | null;
}

export interface TrustStore {
  /**
   * 'issuers' for an issuer-bound store, 'jwks' for a plain key set. A store
   * may hold both kinds of key: unbound keys match by kid alone, with a warning.
   */
  kind: 'issuers' | 'jwks';
  keys: readonly TrustedKey[];
}

/** Checks that a JWK is a usable public key and strips any private part. */
function publicPart(jwk: unknown, where: string): { jwk: JWK; kid: string } {
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk))
    throw new TrustStoreError(`${where} is not a JWK object`);
  const k = jwk as Record<string, unknown>;
  if (typeof k.kty !== 'string') throw new TrustStoreError(`${where} has no "kty"`);
  if (typeof k.kid !== 'string' || !k.kid) {
    throw new TrustStoreError(
      `${where} has no "kid": tokens select their key by kid, so every trusted key needs one`,
    );
  }
  // Private members (EC/OKP "d", RSA primes) never belong in a trust store: drop them.
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, ...pub } = k;
  void [_d, _p, _q, _dp, _dq, _qi, _oth, _k];
  return { jwk: pub as JWK, kid: k.kid };
}

/** Reads `{"issuers": {iss: {"keys": [...]}}}` or `{"keys": [...]}`; throws a `TrustStoreError` saying what is wrong. */
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
  if (o.issuers !== undefined) {
    if (!o.issuers || typeof o.issuers !== 'object' || Array.isArray(o.issuers)) {
      throw new TrustStoreError('"issuers" must be an object mapping each issuer to {"keys": [...]}');
    }
    for (const [issuer, entry] of Object.entries(o.issuers as Record<string, unknown>)) {
      const list = entry && typeof entry === 'object' ? (entry as { keys?: unknown }).keys : undefined;
      if (!Array.isArray(list)) throw new TrustStoreError(`issuer ${quote(issuer)} needs a "keys" array`);
      list.forEach((jwk, i) =>
        keys.push({ ...publicPart(jwk, `issuers[${quote(issuer)}].keys[${i}]`), issuer }),
      );
    }
  }
  if (o.keys !== undefined) {
    if (!Array.isArray(o.keys)) throw new TrustStoreError('"keys" must be an array of JWKs');
    o.keys.forEach((jwk, i) => keys.push({ ...publicPart(jwk, `keys[${i}]`), issuer: null }));
  }
  return { kind: o.issuers === undefined ? 'jwks' : 'issuers', keys };
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
  { ok: true; candidates: TrustedKey[]; warning?: string } | { ok: false; problem: Problem };

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
  const byKid = store.keys.filter((k) => k.kid === kid);
  const bound = byKid.filter((k) => k.issuer !== null);
  const unbound = byKid.filter((k) => k.issuer === null);
  const unboundMatch = (): KeyResolution => ({
    ok: true,
    candidates: unbound,
    warning: `key ${quote(kid)} is bound to no issuer (a plain JWKS key): it is matched by kid only, so "iss" is unchecked`,
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
      : { ok: false, problem: { code: 'unknown_key', claim: 'iss', message } };
  }
  const mine = bound.filter((k) => k.issuer === iss);
  if (mine.length) return { ok: true, candidates: mine };
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
      message: known
        ? `issuer ${quote(iss)} is trusted, but none of its keys has kid ${quote(kid)}`
        : `no trusted key has kid ${quote(kid)}, and issuer ${quote(iss)} is not in the trust store`,
    },
  };
}
