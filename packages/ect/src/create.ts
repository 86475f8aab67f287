/**
 * Creating ECTs: fills `iat`, `exp`, `jti` and `pred` (or `par`) when absent,
 * refuses a payload it would refuse to verify (steps 8-10), then signs a
 * JWS (L2; ES256 unless asked otherwise) or encodes the claims as L1.
 */
import { CompactSign, type CryptoKey, type JWK } from 'jose';
import { encodeBase64UrlText, utf8Encode } from './base64url.ts';
import {
  checkClaims,
  checkExt,
  checkPredCount,
  CLAIM_NAMES,
  detectVersion,
  jsonDeeperThan,
  jsonDepth,
} from './claims.ts';
import { ClaimsError, KeyError, OptionsError } from './errors.ts';
import type { JsonObject } from './decode.ts';
import { importPrivateJwk } from './keys.ts';
import { DEFAULT_SETTINGS, isForbiddenAlg, type Settings, type Version } from './settings.ts';
import { quote } from './text.ts';

/** The header `typ` each version's tokens are created with. */
export const TYP_BY_VERSION: Readonly<Record<Version, string>> = { '01': 'exec+jwt', '00': 'wimse-exec+jwt' };

/** The options of {@link createToken}. */
export interface CreateOptions {
  /** Default: what the payload's claim names say, else -01. */
  version?: Version;
  /** Default L2. */
  level?: 'L1' | 'L2';
  /** The signing key (required for L2): a CryptoKey, or a private JWK. */
  key?: CryptoKey | JWK;
  /** Required for L2 unless the JWK carries one. */
  kid?: string;
  /**
   * The JWS algorithm (header `alg`), default ES256; it must fit the key (ES384 for a P-384 key,
   * EdDSA or Ed25519 for Ed25519, RS256/PS256… for RSA). The verifier's allow-list decides whether
   * the token then verifies.
   */
  alg?: string;
  /** Unix seconds; defaults to the real clock. */
  now?: number;
  settings?: Settings;
}

/** A token made by {@link createToken}, with the header and the payload as signed (claims filled in). */
export interface CreatedToken {
  token: string;
  header: JsonObject | null;
  payload: JsonObject;
  level: 'L1' | 'L2';
  version: Version;
}

/** The payload with `iat`, `exp`, `jti` and the predecessor claim filled in where absent. */
export function fillClaims(
  claims: JsonObject,
  version: Version,
  now: number,
  settings: Settings,
): JsonObject {
  const out: JsonObject = { ...claims };
  if (out.iat === undefined) out.iat = now;
  if (out.exp === undefined) out.exp = (typeof out.iat === 'number' ? out.iat : now) + settings.defaultExpiry;
  if (out.jti === undefined) out.jti = crypto.randomUUID();
  const pred = CLAIM_NAMES[version].pred;
  if (out[pred] === undefined) out[pred] = [];
  return out;
}

/**
 * Creates an ECT: fills `iat`, `exp`, `jti` and `pred` (`par` for -00) where absent, refuses
 * claims it would refuse to verify (a `ClaimsError` listing each problem), then signs a JWS
 * (L2) or encodes the claims as L1. The key may be given as the second argument, as the reference
 * implementations' `Create(payload, key, opts)` takes it, or as `opts.key`. Throws an
 * `OptionsError` for an L2 token without a key or kid, a `KeyError` for a key that cannot sign.
 */
export function createToken(claims: JsonObject, opts?: CreateOptions): Promise<CreatedToken>;
export function createToken(
  claims: JsonObject,
  key: CryptoKey | JWK,
  opts?: Omit<CreateOptions, 'key'>,
): Promise<CreatedToken>;
export async function createToken(
  claims: JsonObject,
  keyOrOpts: CreateOptions | CryptoKey | JWK = {},
  more: Omit<CreateOptions, 'key'> = {},
): Promise<CreatedToken> {
  const opts: CreateOptions = isKey(keyOrOpts) ? { ...more, key: keyOrOpts } : (keyOrOpts as CreateOptions);
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const level = opts.level ?? 'L2';
  const detected = detectVersion(claims);
  if (detected.conflict)
    throw new ClaimsError(detected.conflict, [{ code: 'invalid_claim', message: detected.conflict }]);
  const version = opts.version ?? detected.version ?? '01';
  if (detected.version && detected.version !== version) {
    const names = CLAIM_NAMES[version];
    const message = `the payload uses -${detected.version} claim names but version -${version} was asked for; in -${version} use "${names.pred}" and "${names.ext}"`;
    throw new ClaimsError(message, [{ code: 'invalid_claim', message }]);
  }
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const payload = fillClaims(claims, version, now, settings);

  const problems = [
    ...checkClaims(payload, settings),
    ...checkExt(payload, settings),
    ...checkPredCount(payload, settings),
  ];
  if (problems.length) {
    throw new ClaimsError(
      `refusing to create a token that would not verify: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
  }

  refuseDeepPayload(payload);
  const json = JSON.stringify(payload);
  if (level === 'L1') {
    return { token: encodeBase64UrlText(json), header: null, payload, level, version };
  }
  if (!opts.key) throw new OptionsError('an L2 token needs a signing key');
  const jwk = isCryptoKey(opts.key) ? undefined : opts.key;
  const kid = opts.kid ?? jwk?.kid;
  if (!kid)
    throw new OptionsError('the signing key has no "kid"; give one so verifiers can find the public key');
  const alg = opts.alg ?? 'ES256';
  if (isForbiddenAlg(alg))
    throw new OptionsError(`"${alg}" is never accepted by a verifier: sign with an asymmetric algorithm`);
  const key = jwk ? await importPrivateJwk(jwk, alg) : (opts.key as CryptoKey);
  const header = { alg, typ: TYP_BY_VERSION[version], kid };
  let token: string;
  try {
    token = await new CompactSign(utf8Encode(json)).setProtectedHeader(header).sign(key);
  } catch (e) {
    throw new KeyError(
      `cannot sign with this key as ${alg}: ${e instanceof Error ? e.message : String(e)} (the key must fit the algorithm: a P-256 private key for ES256, P-384 for ES384, Ed25519 for EdDSA, RSA for RS256/PS256)`,
      e,
    );
  }
  return { token, header, payload, level, version };
}

/**
 * The deepest nesting a created payload may have, counted as jsonDepth does (the payload itself is
 * 1). JSON.stringify overflows the stack somewhere past 7,000 levels in V8 (less in other
 * engines): a fixed limit far below that makes the refusal the same everywhere. No claim needs
 * more (the extension object is limited to 5).
 */
export const MAX_CREATE_DEPTH = 1000;

/** Refuses a payload nested deeper than MAX_CREATE_DEPTH, naming the claim (an OptionsError: the CLI's exit 2). */
function refuseDeepPayload(payload: JsonObject): void {
  if (!jsonDeeperThan(payload, MAX_CREATE_DEPTH)) return;
  const claim = Object.keys(payload).find((k) => jsonDeeperThan(payload[k], MAX_CREATE_DEPTH - 1));
  const depth = claim === undefined ? jsonDepth(payload) : jsonDepth(payload[claim]) + 1;
  throw new OptionsError(
    `the payload is nested ${depth.toLocaleString('en-US')} levels deep${claim === undefined ? '' : ` (in claim ${quote(claim)})`}; a payload to sign may nest at most ${MAX_CREATE_DEPTH.toLocaleString('en-US')} levels: flatten that claim`,
  );
}

/** The second argument of createToken is a key (a CryptoKey, or a JWK: it has "kty"), not options. */
function isKey(v: unknown): v is CryptoKey | JWK {
  return (
    typeof v === 'object' && v !== null && (isCryptoKey(v as CryptoKey) || typeof (v as JWK).kty === 'string')
  );
}

function isCryptoKey(k: CryptoKey | JWK): k is CryptoKey {
  return (
    typeof k === 'object' &&
    k !== null &&
    typeof (k as CryptoKey).algorithm === 'object' &&
    typeof (k as CryptoKey).usages === 'object'
  );
}
