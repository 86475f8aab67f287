/**
 * A JWT of another kind pasted into the inspector (an OAuth access token, an OpenID Connect ID
 * token, an HS256 JWT, a WIMSE workload token…) fails several ECT steps at once; this says the
 * plain thing first: what it is, and why it is not an ECT.
 */
import type { DecodedToken } from 'wimse-ect';

export interface ForeignJwt {
  /** What it looks like, in words: "an OAuth 2.0 access token (RFC 9068)". */
  kind: string;
  /** The evidence, each a short phrase: 'typ "at+jwt"', 'claims scope, client_id'. */
  signs: string[];
}

const ECT_TYPS = ['exec+jwt', 'wimse-exec+jwt'];

/** Header `typ` values of other JWT kinds, and what each one is. */
const KNOWN_TYPS: Record<string, string> = {
  'at+jwt': 'an OAuth 2.0 access token (RFC 9068)',
  'dpop+jwt': 'a DPoP proof (RFC 9449)',
  'secevent+jwt': 'a Security Event Token (RFC 8417)',
  'logout+jwt': 'an OpenID Connect logout token',
  'txn+jwt': 'an OAuth transaction token',
  'wit+jwt': 'a WIMSE workload identity token',
  'wpt+jwt': 'a WIMSE workload proof token',
  'oauth-authz-req+jwt': 'a signed OAuth authorization request (RFC 9101)',
  'token-introspection+jwt': 'an OAuth token introspection response (RFC 9701)',
  'kb+jwt': 'an SD-JWT key binding JWT',
};

const ACCESS_TOKEN_CLAIMS = ['scope', 'scp', 'client_id', 'cnf', 'roles', 'groups', 'entitlements'];
const ID_TOKEN_CLAIMS = ['nonce', 'auth_time', 'azp', 'at_hash', 'c_hash', 'acr', 'amr', 'email', 'name'];
/** Claims every ECT has and hardly any other JWT. */
const ECT_CLAIMS = ['exec_act', 'pred', 'par', 'ect_ext', 'ext', 'wid'];

const normTyp = (typ: unknown) =>
  typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : null;

/** What kind of JWT this is when it is not an ECT; null for an ECT, or what may be a broken one. */
export function foreignJwt(decoded: DecodedToken): ForeignJwt | null {
  const typ = normTyp(decoded.header?.typ);
  if (typ !== null && ECT_TYPS.includes(typ)) return null;
  const p = decoded.payload;
  const has = (names: string[]) => names.filter((n) => n in p);
  const ectClaims = has(ECT_CLAIMS);
  const known = typ !== null ? KNOWN_TYPS[typ] : undefined;
  // A payload with ECT claims and an odd typ is a broken ECT: the steps say what is wrong with it.
  if (!known && ectClaims.includes('exec_act')) return null;
  if (decoded.level === 'L1' && !known && ectClaims.length) return null;
  const signs: string[] = [];
  if (typ !== null) signs.push(`header typ "${String(decoded.header?.typ)}"`);
  else if (decoded.level === 'L2') signs.push('no typ in the header');
  const alg = decoded.header?.alg;
  if (typeof alg === 'string' && /^HS\d+$/i.test(alg)) {
    signs.push(`alg "${alg}": a shared secret (HMAC), which ECTs never use`);
  }
  const at = has(ACCESS_TOKEN_CLAIMS);
  const id = has(ID_TOKEN_CLAIMS);
  let kind = known;
  if (!kind && at.length) kind = 'an OAuth 2.0 access token';
  if (!kind && id.length) kind = 'an OpenID Connect ID token';
  if (at.length) signs.push(`access-token claims ${at.join(', ')}`);
  if (id.length) signs.push(`ID-token claims ${id.join(', ')}`);
  if (!('exec_act' in p)) signs.push('no exec_act (the task an ECT records)');
  kind ??= decoded.level === 'L2' ? 'a JWT' : 'base64url JSON';
  return { kind, signs };
}
