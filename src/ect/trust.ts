/**
 * The trust store (ECT-PROFILE.md section 6): public keys bound to issuers,
 * or a plain JWKS whose keys are bound to no issuer. Step 6 resolves the
 * verification key by (`iss`, `kid`).
 */
import type { JWK } from 'jose';
import type { Problem } from './codes.ts';

export interface TrustedKey {
  jwk: JWK;
  kid: string;
  /** The issuer the key is bound to; null for keys from a plain JWKS. */
  issuer: string | null;
}

export interface TrustStore {
  /** 'issuers' for an issuer-bound store, 'jwks' for a plain key set. */
  kind: 'issuers' | 'jwks';
  keys: readonly TrustedKey[];
}

export class TrustStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustStoreError';
  }
}

export const emptyTrustStore = (): TrustStore => ({ kind: 'issuers', keys: [] });

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
  if (o.issuers !== undefined) {
    if (!o.issuers || typeof o.issuers !== 'object' || Array.isArray(o.issuers)) {
      throw new TrustStoreError('"issuers" must be an object mapping each issuer to {"keys": [...]}');
    }
    const keys: TrustedKey[] = [];
    for (const [issuer, entry] of Object.entries(o.issuers as Record<string, unknown>)) {
      const list = entry && typeof entry === 'object' ? (entry as { keys?: unknown }).keys : undefined;
      if (!Array.isArray(list))
        throw new TrustStoreError(`issuer ${JSON.stringify(issuer)} needs a "keys" array`);
      list.forEach((jwk, i) =>
        keys.push({ ...publicPart(jwk, `issuers[${JSON.stringify(issuer)}].keys[${i}]`), issuer }),
      );
    }
    return { kind: 'issuers', keys };
  }
  if (Array.isArray(o.keys)) {
    return {
      kind: 'jwks',
      keys: o.keys.map((jwk, i) => ({ ...publicPart(jwk, `keys[${i}]`), issuer: null })),
    };
  }
  throw new TrustStoreError('a trust store must have "issuers" (issuer-bound keys) or "keys" (a plain JWKS)');
}

/** The issuer-bound JSON form of a store (keys from a plain JWKS go to a JWKS). */
export function serializeTrustStore(store: TrustStore): unknown {
  if (store.kind === 'jwks') return { keys: store.keys.map((k) => k.jwk) };
  const issuers: Record<string, { keys: JWK[] }> = {};
  for (const k of store.keys) (issuers[k.issuer ?? ''] ??= { keys: [] }).keys.push(k.jwk);
  return { issuers };
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
            : `the header "kid" must be a non-empty string, got ${JSON.stringify(kid)}`,
      },
    };
  }
  const byKid = store.keys.filter((k) => k.kid === kid);
  if (store.kind === 'jwks') {
    if (!byKid.length) {
      return {
        ok: false,
        problem: {
          code: 'unknown_key',
          claim: 'kid',
          message: `no trusted key has kid ${JSON.stringify(kid)}`,
        },
      };
    }
    return {
      ok: true,
      candidates: byKid,
      warning:
        'the trust store is a plain JWKS: the key is matched by kid only, so the issuer ("iss") is unchecked',
    };
  }
  const issuers = [...new Set(byKid.map((k) => k.issuer))];
  if (typeof iss !== 'string' || !iss) {
    const message = `the token has no usable "iss", so the key cannot be bound to an issuer`;
    return issuers.length
      ? {
          ok: false,
          problem: {
            code: 'issuer_mismatch',
            claim: 'iss',
            message: `${message}; kid ${JSON.stringify(kid)} belongs to ${issuers.join(', ')}`,
          },
        }
      : { ok: false, problem: { code: 'unknown_key', claim: 'iss', message } };
  }
  const mine = byKid.filter((k) => k.issuer === iss);
  if (mine.length) return { ok: true, candidates: mine };
  if (byKid.length) {
    return {
      ok: false,
      problem: {
        code: 'issuer_mismatch',
        claim: 'kid',
        message: `kid ${JSON.stringify(kid)} is bound to ${issuers.join(', ')}, not to the token's issuer ${JSON.stringify(iss)}`,
      },
    };
  }
  const known = store.keys.some((k) => k.issuer === iss);
  return {
    ok: false,
    problem: {
      code: 'unknown_key',
      claim: 'kid',
      message: known
        ? `issuer ${JSON.stringify(iss)} is trusted, but none of its keys has kid ${JSON.stringify(kid)}`
        : `no trusted key has kid ${JSON.stringify(kid)}, and issuer ${JSON.stringify(iss)} is not in the trust store`,
    },
  };
}
