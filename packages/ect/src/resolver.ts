/**
 * Step 6 with a key resolver instead of a trust store: the caller's callback (a JWKS it fetched,
 * a KMS, a WIT) names the key for a token's `kid` and `iss`, as the reference implementations'
 * `ResolveKey` does. Whatever the callback does (returns nothing, something that is not a key,
 * throws, rejects), the outcome is a key or a problem: never an exception out of verification.
 */
import type { CryptoKey, JWK } from 'jose';
import type { Problem } from './codes.ts';
import type { KeyCandidate } from './signature.ts';
import { quote } from './text.ts';
import { unusableKeyReason } from './trust.ts';

/** What a {@link KeyResolver} may return: a public JWK or a CryptoKey. */
export type ResolvedKey = JWK | CryptoKey;

/**
 * A key resolver: the verification key for a token's header `kid` and claim `iss` (undefined
 * when the token has no string `iss`), or undefined (or null) when it knows none; sync or async.
 * It is called for signed tokens only, with a non-empty `kid`. The resolver is responsible for
 * binding the key to `iss`: the verifier reports the key as bound to the `iss` it was asked for.
 * Returning the same JWK object for the same key lets the verifier reuse its import.
 */
export type KeyResolver = (
  kid: string,
  iss: string | undefined,
) => ResolvedKey | null | undefined | Promise<ResolvedKey | null | undefined>;

/** Step 6's outcome from a resolver: the candidate key, or the problem. */
export type ResolverOutcome = { ok: true; candidate: KeyCandidate } | { ok: false; problem: Problem };

/** The candidate made of each JWK object a resolver returned, so that its import is cached with it. */
const byJwk = new WeakMap<object, Map<string, KeyCandidate>>();

/** Private members of a JWK (EC/OKP "d", RSA primes, oct "k"): never used to verify. */
const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const describe = (kid: string, iss: string | undefined) =>
  `kid ${quote(kid)}${iss === undefined ? '' : ` (iss ${quote(iss)})`}`;

function isCryptoKey(v: object): v is CryptoKey {
  const k = v as { algorithm?: unknown; type?: unknown; usages?: unknown };
  return typeof k.algorithm === 'object' && typeof k.type === 'string' && Array.isArray(k.usages);
}

/** Calls the resolver and turns whatever it does into a candidate key or an `unknown_key` problem. */
export async function resolveWithResolver(
  resolver: KeyResolver,
  kid: string,
  iss: string | undefined,
): Promise<ResolverOutcome> {
  const problem = (message: string): ResolverOutcome => ({
    ok: false,
    problem: { code: 'unknown_key', claim: 'kid', message },
  });
  let value: unknown;
  try {
    value = await resolver(kid, iss);
  } catch (e) {
    return problem(
      `the key resolver failed for ${describe(kid, iss)}: ${e instanceof Error ? e.message : quote(e)}`,
    );
  }
  if (value === undefined || value === null)
    return problem(`the key resolver knows no key for ${describe(kid, iss)}`);
  const issuer = iss ?? null;
  if (typeof value === 'object' && isCryptoKey(value)) {
    if (value.type !== 'public') {
      return problem(
        `the key resolver returned a ${value.type} CryptoKey for ${describe(kid, iss)}; it must return the public key`,
      );
    }
    return { ok: true, candidate: { kid, issuer, cryptoKey: value } };
  }
  if (typeof value === 'object' && !Array.isArray(value) && typeof (value as JWK).kty === 'string') {
    const jwk = value as JWK;
    // The rules of the trust store (ECT-PROFILE.md section 6), the kid being the one asked for.
    const reason = unusableKeyReason({ ...jwk, kid });
    if (reason)
      return problem(`the key resolver's key for ${describe(kid, iss)} is not usable: it ${reason}`);
    let perIssuer = byJwk.get(jwk);
    if (!perIssuer) byJwk.set(jwk, (perIssuer = new Map()));
    let candidate = perIssuer.get(`${kid}\u0000${iss ?? ''}`);
    if (!candidate) {
      const pub = Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE.includes(name))) as JWK;
      candidate = { kid, issuer, jwk: pub };
      perIssuer.set(`${kid}\u0000${iss ?? ''}`, candidate);
    }
    return { ok: true, candidate };
  }
  return problem(
    `the key resolver returned ${quote(value)} for ${describe(kid, iss)}, which is neither a JWK (an object with "kty") nor a CryptoKey`,
  );
}
