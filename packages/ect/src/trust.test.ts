/**
 * The trust store (ECT-PROFILE.md section 6): which keys are usable, what is skipped and why, and
 * which documents are refused whole. Keys are real: ES256, RSA and Ed25519 made with jose.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import {
  parseTrustStore,
  resolveKey,
  serializeTrustStore,
  unusableKeyReason,
  type TrustStore,
} from './trust.ts';
import { TrustStoreError } from './errors.ts';

const publicJwk = async (alg: string, kid: string, opts: { modulusLength?: number } = {}): Promise<JWK> => {
  const { publicKey } = await generateKeyPair(alg, { extractable: true, ...opts });
  return { ...(await exportJWK(publicKey)), kid };
};

const ec = await publicJwk('ES256', 'ec-key');
const rsa2048 = await publicJwk('RS256', 'rsa-key', { modulusLength: 2048 });
const ed = await publicJwk('Ed25519', 'ed-key');
/** jose refuses to make RSA keys under 2048 bits; node:crypto still can. */
const rsa1024: JWK = {
  ...(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as JWK),
  kid: 'rsa-small',
};
const ISS = 'spiffe://example.com/agent/a';

const kids = (store: TrustStore) => store.keys.map((k) => k.kid);

describe('unusableKeyReason: the usable keys of section 6', () => {
  it('accepts public EC, RSA (2048 bits or more) and Ed25519 keys with a kid', () => {
    expect(unusableKeyReason(ec)).toBeNull();
    expect(unusableKeyReason(rsa2048)).toBeNull();
    expect(unusableKeyReason(ed)).toBeNull();
    expect(unusableKeyReason({ ...ec, use: 'sig', key_ops: ['verify'] })).toBeNull();
    expect(unusableKeyReason({ ...ec, key_ops: ['sign', 'verify'] })).toBeNull();
  });

  it('says why each other key cannot verify', () => {
    const { kid: _kid, ...noKid } = ec;
    void _kid;
    const cases: [unknown, RegExp][] = [
      [noKid, /^has no "kid"/],
      [{ ...ec, kid: '' }, /^has a "kid" that is not a non-empty string: ""/],
      [{ ...ec, kid: 7 }, /^has a "kid" that is not a non-empty string: 7/],
      [{ ...ec, use: 'enc' }, /^is marked "use": "enc", not "sig"/],
      [{ ...ec, key_ops: [] }, /^has "key_ops" \[\] without "verify"/],
      [{ ...ec, key_ops: ['encrypt'] }, /^has "key_ops" \["encrypt"\] without "verify"/],
      [{ ...ec, key_ops: 'verify' }, /^has "key_ops" "verify", which is not a list/],
      [rsa1024, /^is an RSA key of 1024 bits; RSA keys need at least 2048 bits/],
      [{ ...rsa2048, n: 'not base64url!' }, /modulus "n" is not base64url/],
      [{ kty: 'RSA', kid: 'r', e: 'AQAB' }, /without its modulus "n"/],
      [{ kty: 'oct', k: 'c2VjcmV0', kid: 's' }, /^is not a public key: it is a symmetric key/],
      [{ ...ec, crv: 'secp256k1' }, /^is an EC key on curve "secp256k1"/],
      [{ kty: 'EC', crv: 'P-256', kid: 'e' }, /without its public point/],
      [{ ...ed, crv: 'X25519' }, /^is an OKP key on curve "X25519"/],
      [{ kty: 'AKP', kid: 'pq' }, /^has key type "AKP"/],
      [{ kid: 'k' }, /^has no "kty"/],
      ['a string', /^is not a JWK object/],
    ];
    for (const [jwk, reason] of cases) expect(unusableKeyReason(jwk), JSON.stringify(jwk)).toMatch(reason);
  });

  it('counts RSA bits without leading zero bytes', () => {
    // A 2048-bit modulus written with a leading zero byte is still 2048 bits.
    const bytes = Buffer.from(rsa2048.n!, 'base64url');
    expect(
      unusableKeyReason({ ...rsa2048, n: Buffer.concat([Buffer.from([0]), bytes]).toString('base64url') }),
    ).toBeNull();
    // 2047 bits (top bit cleared) is too small.
    const small = Buffer.from(bytes);
    small[0] = 0x40; // the top byte 0100 0000: 7 bits, so 255 * 8 + 7 = 2047
    expect(unusableKeyReason({ ...rsa2048, n: small.toString('base64url') })).toMatch(/of 2047 bits/);
  });
});

describe('parseTrustStore: unusable keys are skipped, not fatal', () => {
  it('keeps the usable keys of a plain JWKS and lists the others with their place and reason', () => {
    const { kid: _kid, ...noKid } = ec;
    void _kid;
    const store = parseTrustStore({
      keys: [noKid, rsa2048, { ...ed, key_ops: ['encrypt'] }, rsa1024, { ...ec, use: 'enc', kid: 'enc' }, ed],
    });
    expect(store.kind).toBe('jwks');
    expect(kids(store)).toEqual(['rsa-key', 'ed-key']);
    expect(store.skipped.map((s) => [s.where, s.kid, s.issuer])).toEqual([
      ['keys[0]', null, null],
      ['keys[2]', 'ed-key', null],
      ['keys[3]', 'rsa-small', null],
      ['keys[4]', 'enc', null],
    ]);
    expect(store.skipped[0]!.reason).toMatch(/^has no "kid"/);
    expect(store.skipped[2]!.reason).toMatch(/1024 bits/);
  });

  it('skips per issuer in an issuer-bound store, naming the issuer', () => {
    const store = parseTrustStore({
      issuers: { [ISS]: { keys: [{ ...ec, key_ops: [] }, rsa2048] } },
    });
    expect(store.kind).toBe('issuers');
    expect(store.keys).toEqual([{ jwk: rsa2048, kid: 'rsa-key', issuer: ISS }]);
    expect(store.skipped).toEqual([
      {
        where: `issuers["${ISS}"].keys[0]`,
        kid: 'ec-key',
        issuer: ISS,
        reason: 'has "key_ops" [] without "verify": it is not allowed to verify signatures',
      },
    ]);
  });

  it('a store whose every key is unusable is still a store (with no keys)', () => {
    const store = parseTrustStore({ keys: [{ ...ec, use: 'enc' }] });
    expect(store.keys).toEqual([]);
    expect(store.skipped).toHaveLength(1);
  });

  it('keeps several keys under one kid (rotation) and drops private members', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = { ...(await exportJWK(privateKey)), kid: 'ec-key' };
    const store = parseTrustStore({ issuers: { [ISS]: { keys: [ec, priv] } } });
    expect(kids(store)).toEqual(['ec-key', 'ec-key']);
    expect(store.keys[1]!.jwk.d).toBeUndefined();
    expect(serializeTrustStore(store)).toEqual({
      issuers: { [ISS]: { keys: [ec, { ...priv, d: undefined }] } },
    });
  });
});

describe('parseTrustStore: any other shape is refused whole', () => {
  const refused: [string, unknown, RegExp][] = [
    ['null', null, /must be a JSON object/],
    ['an array of JWKs', [ec], /must be a JSON object/],
    ['a string', 'keys', /must be a JSON object/],
    ['an empty object', {}, /must have "issuers".*or "keys"/],
    ['"keys" an object', { keys: { 0: ec } }, /must have "issuers".*or "keys"/],
    ['"issuers" an array', { issuers: [] }, /"issuers" must be an object/],
    ['"issuers" null', { issuers: null }, /"issuers" must be an object/],
    [
      'an issuer mapped to a bare array of JWKs',
      { issuers: { [ISS]: [ec] } },
      /issuer "spiffe:\/\/example.com\/agent\/a" must map to \{"keys": \[\.\.\.\]\}, not to a bare array/,
    ],
    ['an issuer whose "keys" is one JWK', { issuers: { [ISS]: { keys: ec } } }, /must map to \{"keys"/],
    ['an issuer mapped to null', { issuers: { [ISS]: null } }, /must map to \{"keys"/],
    ['"keys" a string beside "issuers"', { issuers: {}, keys: 'x' }, /"keys" must be an array/],
    ['a string among the keys', { keys: [ec, 'not a key'] }, /^keys\[1\] is not a JWK object/],
    ['an array among the keys', { keys: [[ec]] }, /^keys\[0\] is not a JWK object/],
  ];
  it.each(refused)('%s', (_name, doc, message) => {
    expect(() => parseTrustStore(doc)).toThrow(TrustStoreError);
    expect(() => parseTrustStore(doc)).toThrow(message);
  });
});

describe('resolveKey (step 6) over skipped keys', () => {
  it('a kid that only a skipped key has is unknown_key, saying why the key was skipped', () => {
    const store = parseTrustStore({ keys: [{ ...ec, use: 'enc' }, rsa2048] });
    const r = resolveKey(store, ISS, 'ec-key');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.code).toBe('unknown_key');
    expect(r.problem.message).toMatch(
      /no trusted key has kid "ec-key".*key keys\[0\] has this kid but is not usable: it is marked "use": "enc"/,
    );
  });

  it('a plain JWKS key matches by kid with a warning that starts "issuer unchecked"', () => {
    const r = resolveKey(parseTrustStore({ keys: [rsa2048] }), ISS, 'rsa-key');
    expect(r.ok && r.warning).toMatch(/^issuer unchecked: key "rsa-key"/);
  });

  it('every key under a shared kid is a candidate (rotation)', () => {
    const other = { ...rsa2048, kid: 'ec-key' };
    const r = resolveKey(parseTrustStore({ issuers: { [ISS]: { keys: [ec, other] } } }), ISS, 'ec-key');
    expect(r.ok && r.candidates.map((c) => c.jwk)).toEqual([ec, other]);
  });
});
