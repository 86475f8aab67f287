/**
 * Reads key material in every shape users bring it in: a bare JWK (public or private), a JWKS,
 * a trust store, the output of `ect keygen` (`{"private": JWK, "public": JWK}`), and PEM (SPKI
 * public keys, PKCS#8 private keys, X.509 certificates) for EC P-256/P-384/P-521, RSA and Ed25519.
 * PEM goes through jose's importSPKI / importPKCS8 / importX509 and exportJWK: nothing here parses
 * key bytes. The result is a list of candidates, each a public JWK with its kid, issuer and
 * algorithm, and the private JWK when the text held one; the key store checks and stores them.
 */
import {
  calculateJwkThumbprint,
  exportJWK,
  importPKCS8,
  importSPKI,
  importX509,
  type CryptoKey,
  type JWK,
} from 'jose';
import { isForbiddenAlg, parseTrustStore, quote, unusableKeyReason } from 'wimse-ect';

export interface KeyCandidate {
  kid: string;
  /** The issuer a trust store binds the key to; null when the text says none. */
  issuer: string | null;
  /** The JWS algorithm the key signs (and its tokens verify) with. */
  alg: string;
  /** The public key, without private members, key_ops or ext. */
  publicJwk: JWK;
  /** The private key as JWK, when the text held one. */
  privateJwk?: JWK;
  /** Where in the text it came from, for messages: "the JWK", "keys[1]", "PEM block 2". */
  where: string;
  /** How the kid was chosen when the text gave none. */
  kidFrom: 'text' | 'given' | 'thumbprint';
  /** What the text held, in words: "EC P-256 private key (PKCS#8 PEM)". */
  describe: string;
}

export type KeyTextKind = 'pem' | 'jwk' | 'jwks' | 'trust-store' | 'keygen';

export interface ReadKeys {
  kind: KeyTextKind;
  candidates: KeyCandidate[];
  /** Keys of a JWKS or trust store that cannot verify (the core's rules), with where and why. */
  skipped: { where: string; kid: string | null; reason: string }[];
}

export class KeyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFormatError';
  }
}

/** What the import accepts, said in every error about the text's shape. */
export const ACCEPTED_KEY_TEXT =
  'a JWK, a JWKS {"keys": [...]}, a trust store {"issuers": {...}}, `ect keygen` output {"private": ..., "public": ...}, or PEM (SPKI public key, PKCS#8 private key, certificate)';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * The public part of a JWK: private members dropped, and for a private JWK its key_ops and ext
 * too (they describe the private half: "sign", where the public half verifies).
 */
export function publicJwkOf(jwk: JWK): JWK {
  const out: Record<string, unknown> = { ...jwk };
  const members: string[] = isPrivateJwk(jwk) ? [...PRIVATE_MEMBERS, 'key_ops', 'ext'] : [...PRIVATE_MEMBERS];
  for (const m of members) delete out[m];
  return out as JWK;
}

export const isPrivateJwk = (jwk: JWK): boolean => typeof jwk.d === 'string';

/** The JWS algorithm a JWK is for: its own "alg" when it has one, else what its key type implies. */
export function algForJwk(jwk: JWK): string {
  if (typeof jwk.alg === 'string' && jwk.alg) return jwk.alg;
  if (jwk.kty === 'EC') return jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  // RSA keys do not say whether they sign PKCS#1 v1.5 (RS256) or PSS (PS256); RS256 is the common one.
  if (jwk.kty === 'RSA') return 'RS256';
  return 'ES256';
}

/** "EC P-256", "RSA 2048-bit", "Ed25519": the kind of key, for lists and messages. */
export function keyTypeName(jwk: JWK): string {
  if (jwk.kty === 'EC') return `EC ${jwk.crv ?? '(no curve)'}`;
  if (jwk.kty === 'OKP') return jwk.crv ?? 'OKP';
  if (jwk.kty === 'RSA') return `RSA ${rsaBits(jwk)}-bit`;
  return String(jwk.kty);
}

/** The RSA modulus size in bits, from the length of "n" (base64url, leading zero bytes stripped by the spec). */
function rsaBits(jwk: JWK): number {
  const n = typeof jwk.n === 'string' ? jwk.n.replace(/=+$/, '') : '';
  return Math.floor((n.length * 6) / 8) * 8;
}

/** Reads the text; `opts.kid` names a key that carries no kid of its own (PEM, a JWK without one). */
export async function readKeyText(text: string, opts: { kid?: string } = {}): Promise<ReadKeys> {
  const source = text.replace(/^\uFEFF/, '').trim();
  if (!source) throw new KeyFormatError(`empty: paste or choose ${ACCEPTED_KEY_TEXT}`);
  const givenKid = opts.kid?.trim() || undefined;
  if (source.includes('-----BEGIN ')) {
    return { kind: 'pem', candidates: await readPem(source, givenKid), skipped: [] };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch (e) {
    throw new KeyFormatError(describeJsonError(source, e));
  }
  const o = (isObject(doc) ? doc : {}) as Record<string, unknown>;
  if (typeof o.kty === 'string' || (isObject(o.private) && isObject(o.public))) {
    const keygen = typeof o.kty !== 'string';
    let jwk = o as JWK;
    if (keygen) {
      // The private JWK holds the public members too; the public one is checked to be its pair.
      const priv = o.private as JWK;
      const pub = o.public as JWK;
      if (!sameKeyMaterial(publicJwkOf(priv), pub)) {
        throw new KeyFormatError('"public" is not the public half of "private": they hold different keys');
      }
      jwk = { ...pub, ...priv };
    }
    const withKid = jwk.kid === undefined && givenKid ? { ...jwk, kid: givenKid } : jwk;
    const reason = unusableKeyReason(publicJwkOf(withKid));
    if (reason) {
      throw new KeyFormatError(
        `the JWK ${reason}${reason.startsWith('has no "kid"') ? '; give it in the Key id field' : ''}`,
      );
    }
    return {
      kind: keygen ? 'keygen' : 'jwk',
      candidates: [
        candidateOf(
          withKid,
          withKid.kid!,
          null,
          'the JWK',
          withKid === jwk ? 'text' : 'given',
          keygen ? 'keygen' : 'JWK',
        ),
      ],
      skipped: [],
    };
  }
  // A JWKS or a trust store: the core reads its shape and says which keys cannot verify (and
  // why); it drops private members, so the keys are walked again here, in its order (issuers
  // first, then "keys"), to keep them.
  let store;
  try {
    store = parseTrustStore(withKids(doc, givenKid));
  } catch (e) {
    const message = (e as Error).message;
    throw new KeyFormatError(
      /^(a trust store|"issuers"|"keys")/.test(message)
        ? `${message} (accepted: ${ACCEPTED_KEY_TEXT})`
        : message,
    );
  }
  const raw: { jwk: JWK; issuer: string | null; where: string }[] = [];
  const filled = withKids(doc, givenKid) as { issuers?: Record<string, { keys: JWK[] }>; keys?: JWK[] };
  for (const [issuer, entry] of Object.entries(filled.issuers ?? {})) {
    entry.keys.forEach((jwk, i) => raw.push({ jwk, issuer, where: `issuers[${quote(issuer)}].keys[${i}]` }));
  }
  (filled.keys ?? []).forEach((jwk, i) => raw.push({ jwk, issuer: null, where: `keys[${i}]` }));
  const left = new Set(store.skipped.map((k) => k.where));
  const candidates = raw
    .filter((r) => !left.has(r.where))
    .map((r) => candidateOf(r.jwk, r.jwk.kid!, r.issuer, r.where, 'text', 'JWK'));
  return {
    kind: filled.issuers !== undefined ? 'trust-store' : 'jwks',
    candidates,
    skipped: store.skipped.map((k) => ({ where: k.where, kid: k.kid, reason: k.reason })),
  };
}

/** A JWKS with the given kid filled into its one kid-less key. */
function withKids(doc: unknown, kid: string | undefined): unknown {
  if (
    !kid ||
    !isObject(doc) ||
    !Array.isArray(doc.keys) ||
    doc.keys.length !== 1 ||
    doc.issuers !== undefined
  ) {
    return doc;
  }
  const [only] = doc.keys as unknown[];
  return isObject(only) && only.kid === undefined ? { ...doc, keys: [{ ...only, kid }] } : doc;
}

function candidateOf(
  jwk: JWK,
  kid: string,
  issuer: string | null,
  where: string,
  kidFrom: KeyCandidate['kidFrom'],
  format: string,
): KeyCandidate {
  const alg = algForJwk(jwk);
  if (isForbiddenAlg(alg)) {
    throw new KeyFormatError(`${where} is for "${alg}", which no ECT verifier accepts`);
  }
  const publicJwk = { ...publicJwkOf(jwk), kid };
  const priv = isPrivateJwk(jwk);
  return {
    kid,
    issuer,
    alg,
    publicJwk,
    ...(priv ? { privateJwk: { ...jwk, kid } } : {}),
    where,
    kidFrom,
    describe: `${keyTypeName(jwk)} ${priv ? 'private' : 'public'} key (${format})`,
  };
}

/** Algorithms tried, in order, to import a PEM key: jose needs one up front, and PEM does not say it. */
const PEM_PROBES = ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256'] as const;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Why a PEM label we cannot read is refused, and how to convert it. */
const PEM_REFUSED: Record<string, string> = {
  'EC PRIVATE KEY':
    'an EC private key in SEC1 form ("BEGIN EC PRIVATE KEY"); convert it to PKCS#8 first: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.p8.pem',
  'RSA PRIVATE KEY':
    'an RSA private key in PKCS#1 form ("BEGIN RSA PRIVATE KEY"); convert it to PKCS#8 first: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.p8.pem',
  'RSA PUBLIC KEY':
    'an RSA public key in PKCS#1 form ("BEGIN RSA PUBLIC KEY"); convert it to SPKI first: openssl rsa -RSAPublicKey_in -in key.pem -pubout -out key.spki.pem',
  'ENCRYPTED PRIVATE KEY':
    'an encrypted private key; decrypt it first (the workbench never asks for a key password): openssl pkcs8 -in key.pem -out key.p8.pem',
  'OPENSSH PRIVATE KEY':
    'an OpenSSH private key; convert it to PKCS#8 first: ssh-keygen -p -m PKCS8 -f key (on a copy)',
};

async function readPem(source: string, givenKid: string | undefined): Promise<KeyCandidate[]> {
  const blocks = [...source.matchAll(PEM_BLOCK)];
  if (!blocks.length) {
    throw new KeyFormatError('a PEM block starts ("-----BEGIN") but never ends with its "-----END" line');
  }
  if (givenKid && blocks.length > 1) givenKid = undefined; // one kid cannot name several keys
  const out: KeyCandidate[] = [];
  for (const [n, block] of blocks.entries()) {
    const label = block[1]!;
    const pem = block[0];
    const where = blocks.length > 1 ? `PEM block ${n + 1} (${label})` : `the PEM ${label.toLowerCase()}`;
    const refused = PEM_REFUSED[label];
    if (refused) throw new KeyFormatError(`${where} is ${refused}`);
    const reader =
      label === 'PUBLIC KEY'
        ? { format: 'SPKI PEM', read: (alg: string) => importSPKI(pem, alg, { extractable: true }) }
        : label === 'PRIVATE KEY'
          ? { format: 'PKCS#8 PEM', read: (alg: string) => importPKCS8(pem, alg, { extractable: true }) }
          : label === 'CERTIFICATE'
            ? {
                format: 'X.509 certificate',
                read: (alg: string) => importX509(pem, alg, { extractable: true }),
              }
            : null;
    if (!reader) {
      throw new KeyFormatError(
        `${where}: a PEM "${label}" holds no key the workbench reads; it takes "PUBLIC KEY" (SPKI), "PRIVATE KEY" (PKCS#8) and "CERTIFICATE"`,
      );
    }
    let key: CryptoKey | undefined;
    let probed: string | undefined;
    for (const alg of PEM_PROBES) {
      try {
        key = await reader.read(alg);
        probed = alg;
        break;
      } catch {
        // not this algorithm: try the next
      }
    }
    if (!key || !probed) {
      throw new KeyFormatError(
        `${where} could not be read as an EC P-256/P-384/P-521, RSA or Ed25519 key (damaged, or another kind of key)`,
      );
    }
    // The key was imported extractable only to be read out as a JWK; the key store imports the
    // private part again, non-extractable unless asked otherwise, and this one is dropped.
    const jwk = await exportJWK(key);
    const kid = givenKid ?? (await calculateJwkThumbprint(publicJwkOf(jwk)));
    // RS256 and PS256 keys are the same RSA key; the probe order picks RS256 unless the key is PSS-only.
    const c = candidateOf(
      { ...jwk, alg: jwk.kty === 'RSA' ? probed : algForJwk(jwk) },
      kid,
      null,
      where,
      givenKid ? 'given' : 'thumbprint',
      reader.format,
    );
    const reason = unusableKeyReason(c.publicJwk);
    if (reason) throw new KeyFormatError(`${where} ${reason}`);
    out.push(c);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** Whether two public JWKs hold the same key (the members RFC 7638 thumbprints cover). */
export function sameKeyMaterial(a: JWK, b: JWK): boolean {
  const members = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;
  return members.every((m) => a[m] === b[m]);
}

/**
 * Says where JSON text stops being JSON, as "line L, column C" and what was
 * found there. JSON.parse's own messages differ between browsers and often
 * give no position, so the text is scanned again here.
 */
export function describeJsonError(text: string, parseError: unknown): string {
  const found = findJsonError(text);
  if (!found) return `not JSON: ${parseError instanceof Error ? parseError.message : String(parseError)}`;
  const before = text.slice(0, found.at);
  const line = before.split('\n').length;
  const column = found.at - before.lastIndexOf('\n');
  return `not JSON: line ${line}, column ${column}: ${found.message}`;
}

function findJsonError(text: string): { at: number; message: string } | null {
  let i = 0;
  class Stop {
    constructor(
      readonly at: number,
      readonly message: string,
    ) {}
  }
  const here = () => (i >= text.length ? 'the text ends' : `found ${JSON.stringify(text[i])}`);
  const fail = (expected: string): never => {
    throw new Stop(i, `${here()} where ${expected} was expected`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) throw new Stop(i, 'the text ends inside a string (a closing " is missing)');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i, 'a bad escape sequence in a string');
      } else if (c < ' ') {
        throw new Stop(i, 'a line break or control character inside a string (it must be escaped)');
      } else i++;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    if (c !== undefined && /[-0-9]/.test(c) && NUMBER.exec(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Stop(i, `${here()} after the end of the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Stop) return { at: e.at, message: e.message };
    throw e;
  }
}
