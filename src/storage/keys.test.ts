import { generateKeyPairSync } from 'node:crypto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { createToken, generateSigningKey, parseTrustStore, serializeTrustStore } from 'wimse-ect';
import { EXAMPLE_AGENTS } from '../state/exampleAgents.ts';
import { WorkbenchDb } from './db.ts';
import { describeJsonError, jwksOf, KeyImportError, KeyStore, trustStoreOf, type StoredKey } from './keys.ts';

/** Node has no IndexedDB: fake-indexeddb's, which stores CryptoKey objects through structuredClone. */
const fake = { indexedDB, IDBKeyRange };
let db: WorkbenchDb;
let store: KeyStore;

beforeEach(() => {
  db = new WorkbenchDb(`keys-test-${crypto.randomUUID()}`, fake);
  store = new KeyStore(db);
});
afterEach(async () => {
  await db.delete();
});

async function publicJwk(kid?: string, extra: JWK = {}): Promise<JWK> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), ...(kid ? { kid } : {}), ...extra };
}

/** A private JWK (with "d") of a fresh ES256 key. */
async function privateJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
}

/** The keys an import added (importPublic also lists the keys it skipped). */
const importAdded = async (...args: Parameters<KeyStore['importPublic']>) =>
  (await store.importPublic(...args)).added;

const claimsFor = (iss: string) => ({ iss, aud: 'spiffe://example.com/verifier', exec_act: 'test' });

describe('KeyStore.generate', () => {
  it('makes a non-extractable ES256 key by default, kid = the RFC 7638 thumbprint', async () => {
    const key = await store.generate({ name: ' Agent X ', issuer: ' spiffe://example.com/agent/x ' });
    expect(key.name).toBe('Agent X');
    expect(key.issuer).toBe('spiffe://example.com/agent/x');
    expect(key.origin).toBe('generated');
    expect(key.extractable).toBe(false);
    expect(key.privateKey?.extractable).toBe(false);
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk));
    expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256', use: 'sig' });
    expect(key.publicJwk.d).toBeUndefined();
  });

  it('stores the key in IndexedDB, CryptoKey included: it still signs once read back', async () => {
    const made = await store.generate({ name: 'Agent X', issuer: 'spiffe://example.com/agent/x' });
    // A second store over a new connection to the same database: nothing comes from memory.
    const again = new WorkbenchDb(db.name, fake);
    const [stored] = await new KeyStore(again).list();
    again.close();
    expect(stored?.id).toBe(made.id);
    expect(stored?.privateKey?.extractable).toBe(false);
    const { token } = await createToken(claimsFor('spiffe://example.com/agent/x'), {
      key: stored!.privateKey!,
      kid: stored!.kid,
    });
    await expect(compactVerify(token, await importJWK(stored!.publicJwk, 'ES256'))).resolves.toBeTruthy();
  });

  it('takes a given kid (trimmed) and refuses a duplicate kid', async () => {
    const key = await store.generate({ name: 'A', issuer: null, kid: '  my-kid ' });
    expect(key.kid).toBe('my-kid');
    expect(key.issuer).toBeNull();
    await expect(store.generate({ name: 'B', issuer: 'spiffe://b', kid: 'my-kid' })).rejects.toThrow(
      /a key with kid "my-kid" already exists/,
    );
    expect(await store.list()).toHaveLength(1);
  });

  it('makes an extractable key only when asked', async () => {
    const key = await store.generate({ name: 'X', issuer: 'spiffe://x', extractable: true });
    expect(key.extractable).toBe(true);
    expect(key.privateKey?.extractable).toBe(true);
  });

  it('names a nameless key after its kid', async () => {
    const key = await store.generate({ name: '  ', issuer: null, kid: 'k1' });
    expect(key.name).toBe('k1');
  });
});

describe('KeyStore.importPublic', () => {
  it('imports a bare JWK, binding it to the given issuer, dropping the private part', async () => {
    const jwk = await privateJwk('agent-x-key');
    const [key, ...rest] = await importAdded(JSON.stringify(jwk), {
      issuer: 'spiffe://example.com/agent/x',
    });
    expect(rest).toEqual([]);
    expect(key).toMatchObject({
      kid: 'agent-x-key',
      name: 'agent-x-key',
      issuer: 'spiffe://example.com/agent/x',
      origin: 'imported',
      extractable: false,
    });
    expect(key!.privateKey).toBeUndefined();
    expect(key!.publicJwk.d).toBeUndefined();
    const [stored] = await store.list();
    expect(stored!.publicJwk.d).toBeUndefined();
    expect(stored!.publicJwk).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: 'agent-x-key' });
  });

  it('imports a JWKS: every key, unbound without an issuer, bound with one', async () => {
    const jwks = { keys: [await publicJwk('k1'), await publicJwk('k2')] };
    const unbound = await importAdded(JSON.stringify(jwks));
    expect(unbound.map((k) => [k.kid, k.issuer])).toEqual([
      ['k1', null],
      ['k2', null],
    ]);
    const other = { keys: [await publicJwk('k3')] };
    const [bound] = await importAdded(JSON.stringify(other), {
      issuer: 'spiffe://i',
      name: 'Partner',
    });
    expect(bound).toMatchObject({ kid: 'k3', issuer: 'spiffe://i', name: 'Partner' });
  });

  it('numbers the given name when a file holds several keys', async () => {
    const jwks = { keys: [await publicJwk('k1'), await publicJwk('k2')] };
    const added = await importAdded(JSON.stringify(jwks), { name: 'Partner' });
    expect(added.map((k) => k.name)).toEqual(['Partner 1', 'Partner 2']);
  });

  it('imports a trust store: its own issuers win over the given one', async () => {
    const doc = {
      issuers: {
        'spiffe://a': { keys: [await publicJwk('ka')] },
        'spiffe://b': { keys: [await privateJwk('kb')] },
      },
      keys: [await publicJwk('kc')],
    };
    const added = await importAdded(JSON.stringify(doc), { issuer: 'spiffe://given' });
    expect(added.map((k) => [k.kid, k.issuer])).toEqual([
      ['ka', 'spiffe://a'],
      ['kb', 'spiffe://b'],
      ['kc', 'spiffe://given'],
    ]);
    expect(added.every((k) => k.publicJwk.d === undefined && !k.privateKey)).toBe(true);
  });

  it('accepts a byte order mark and surrounding white space', async () => {
    const added = await importAdded(`\uFEFF  ${JSON.stringify(await publicJwk('k1'))}\n`);
    expect(added).toHaveLength(1);
  });

  it('skips a key it already holds (re-importing an export is harmless)', async () => {
    await store.generate({ name: 'Agent X', issuer: 'spiffe://x', kid: 'x-key' });
    const exported = JSON.stringify(serializeTrustStore(trustStoreOf(await store.list())));
    expect(await importAdded(exported)).toEqual([]);
    expect(await store.list()).toHaveLength(1);
  });

  it('keeps another key under an issuer and kid already used (rotation), and skips the same key again', async () => {
    const k1 = await publicJwk('k1');
    await importAdded(JSON.stringify(k1), { issuer: 'spiffe://i' });
    const rotated = await publicJwk('k1');
    const added = await importAdded(JSON.stringify({ keys: [await publicJwk('k2'), rotated, k1] }), {
      issuer: 'spiffe://i',
    });
    expect(added.map((k) => [k.kid, k.publicJwk.x])).toEqual([
      ['k2', expect.any(String)],
      ['k1', rotated.x],
    ]);
    expect((await store.list()).map((k) => k.kid)).toEqual(['k1', 'k2', 'k1']);
    // Both keys under kid k1 are trusted: the verifier tries each (ECT-PROFILE.md section 6).
    expect(trustStoreOf(await store.list()).keys.filter((k) => k.kid === 'k1')).toHaveLength(2);
  });

  it('imports the usable keys and lists the others with their reason (ECT-PROFILE.md section 6)', async () => {
    const { kid: _kid, ...noKid } = await publicJwk('x');
    void _kid;
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-ok' };
    const broken = { ...(await publicJwk('bad')), x: 'AAAA' };
    const doc = {
      keys: [
        noKid,
        await publicJwk('enc', { key_ops: ['encrypt'] }),
        await publicJwk('good'),
        rsaJwk,
        { ...(await publicJwk('for-enc')), use: 'enc' },
        broken,
      ],
    };
    const { added, skipped } = await store.importPublic(JSON.stringify(doc));
    expect(added.map((k) => k.kid)).toEqual(['good', 'rsa-ok']);
    expect(skipped.map((k) => [k.where, k.kid])).toEqual([
      ['keys[0]', null],
      ['keys[1]', 'enc'],
      ['keys[4]', 'for-enc'],
      ['key "bad"', 'bad'],
    ]);
    expect(skipped.map((k) => k.reason)).toEqual([
      expect.stringMatching(/^has no "kid"/),
      expect.stringMatching(/^has "key_ops" \["encrypt"\] without "verify"/),
      expect.stringMatching(/^is marked "use": "enc", not "sig"/),
      expect.stringMatching(/^cannot be imported as a public key: /),
    ]);
    expect((await store.list()).map((k) => k.kid)).toEqual(['good', 'rsa-ok']);
  });

  describe('errors are specific and lose nothing already stored', () => {
    beforeEach(async () => {
      await importAdded(JSON.stringify(await publicJwk('keep-me')), { issuer: 'spiffe://keep' });
    });
    afterEach(async () => {
      expect((await store.list()).map((k) => k.kid)).toEqual(['keep-me']);
    });

    const rejects = (text: string) => expect(store.importPublic(text)).rejects;

    it('empty text', async () => {
      await rejects('  \n ').toThrow(/^empty: paste or choose a JWK/);
      await rejects('').toThrow(KeyImportError);
    });

    it('not JSON, with line and column', async () => {
      await rejects('{\n  "keys": [\n    {"kty": "EC",}\n  ]\n}').toThrow(
        'not JSON: line 3, column 18: found "}" where a property name in double quotes was expected',
      );
      await rejects("{'kty': 'EC'}").toThrow(/^not JSON: line 1, column 2: found "'"/);
      await rejects('{"keys": [').toThrow(/^not JSON: line 1, column 11: the text ends where a value/);
      await rejects('hello').toThrow(/^not JSON: line 1, column 1: found "h" where a value was expected/);
    });

    it('neither a JWK, a JWKS nor a trust store', async () => {
      await rejects('[]').toThrow(/must be a JSON object.*\(accepted: a JWK, a JWKS.*keygen.*PEM/);
      await rejects('{"foo": 1}').toThrow(/must have "issuers".*or "keys"/);
    });

    it('a key without kid, alone or with other unusable keys', async () => {
      const { kid: _kid, ...nokid } = await publicJwk('x');
      void _kid;
      await rejects(JSON.stringify(nokid)).toThrow(/^the JWK has no "kid"/);
      await rejects(JSON.stringify({ keys: [{ ...(await publicJwk('e')), use: 'enc' }, nokid] })).toThrow(
        /^no usable key: keys\[0\] is marked "use": "enc".*; keys\[1\] has no "kid"/,
      );
    });

    it('not a public key', async () => {
      await rejects(JSON.stringify({ kty: 'oct', k: 'c2VjcmV0', kid: 's' })).toThrow(
        /^the JWK is not a public key: it is a symmetric key/,
      );
      await rejects(JSON.stringify({ ...(await publicJwk('bad')), x: 'AAAA' })).toThrow(
        /^the JWK cannot be imported as a public key/,
      );
    });

    it('empty key sets', async () => {
      await rejects('{"keys": []}').toThrow('empty: it holds no keys');
      await rejects('{"issuers": {}}').toThrow('empty: it holds no keys');
    });
  });
});

describe('KeyStore.update, remove', () => {
  it('renames and re-binds, unbinds with null or blank', async () => {
    const key = await store.generate({ name: 'A', issuer: 'spiffe://a', kid: 'k' });
    await store.update(key.id, { name: ' Renamed ', issuer: ' spiffe://b ' });
    expect(await db.keys.get(key.id)).toMatchObject({ name: 'Renamed', issuer: 'spiffe://b' });
    await store.update(key.id, { issuer: '  ' });
    expect((await db.keys.get(key.id))?.issuer).toBeNull();
    await store.update(key.id, { issuer: 'spiffe://c' });
    await store.update(key.id, { issuer: null });
    expect((await db.keys.get(key.id))?.issuer).toBeNull();
  });

  it('refuses a blank name', async () => {
    const key = await store.generate({ name: 'A', issuer: null, kid: 'k' });
    await expect(store.update(key.id, { name: ' ' })).rejects.toThrow('a key needs a name');
    expect((await db.keys.get(key.id))?.name).toBe('A');
  });

  it('removes a key', async () => {
    const a = await store.generate({ name: 'A', issuer: null, kid: 'a' });
    await store.generate({ name: 'B', issuer: null, kid: 'b' });
    await store.remove(a.id);
    expect((await store.list()).map((k) => k.kid)).toEqual(['b']);
  });
});

describe('KeyStore.exportPrivateJwk', () => {
  it('exports an extractable key as a private JWK that signs', async () => {
    const key = await store.generate({ name: 'X', issuer: 'spiffe://x', kid: 'x', extractable: true });
    const jwk = await store.exportPrivateJwk(key.id);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'x', alg: 'ES256', use: 'sig' });
    expect(typeof jwk.d).toBe('string');
    expect([jwk.x, jwk.y]).toEqual([key.publicJwk.x, key.publicJwk.y]);
    const { token } = await createToken(claimsFor('spiffe://x'), { key: jwk });
    await expect(compactVerify(token, await importJWK(key.publicJwk, 'ES256'))).resolves.toBeTruthy();
  });

  it('refuses a non-extractable key: it can sign, but can never be read out', async () => {
    const key = await store.generate({ name: 'X', issuer: 'spiffe://x' });
    await expect(store.exportPrivateJwk(key.id)).rejects.toThrow(
      'this private key was made non-extractable: it can sign, but it can never be read out',
    );
  });

  it('refuses an imported public key and the example agents', async () => {
    const [imported] = await importAdded(JSON.stringify(await publicJwk('pub')));
    await expect(store.exportPrivateJwk(imported!.id)).rejects.toThrow('this key has no private part here');
    const a = EXAMPLE_AGENTS[0]!;
    const example = await store.addPrivateJwk(a.jwk, { name: a.name, issuer: a.issuer, origin: 'example' });
    expect(example.privateKey?.extractable).toBe(false);
    expect(example.publicJwk.d).toBeUndefined();
    await expect(store.exportPrivateJwk(example.id)).rejects.toThrow(/non-extractable/);
  });
});

describe('trustStoreOf, jwksOf', () => {
  it('derive the issuer-bound trust store and the JWKS from the stored keys', async () => {
    const x = await store.generate({ name: 'X', issuer: 'spiffe://x', kid: 'x' });
    const [u] = await importAdded(JSON.stringify(await publicJwk('u')));
    const keys = await store.list();

    expect(jwksOf(keys)).toEqual({ keys: [x.publicJwk, u!.publicJwk] });
    const trust = trustStoreOf(keys);
    expect(trust.kind).toBe('issuers');
    expect(trust.keys.map((k) => [k.kid, k.issuer])).toEqual([
      ['x', 'spiffe://x'],
      ['u', null],
    ]);
    const serialized = serializeTrustStore(trust);
    expect(serialized).toEqual({ issuers: { 'spiffe://x': { keys: [x.publicJwk] } }, keys: [u!.publicJwk] });
    // The serialized store reads back to the same bindings.
    expect(parseTrustStore(serialized).keys.map((k) => [k.kid, k.issuer])).toEqual([
      ['x', 'spiffe://x'],
      ['u', null],
    ]);
  });

  it('leaves a stored key that cannot verify out of the trust store, listed as skipped with its reason', async () => {
    // Stored before the profile's rules on usable keys: written as it was, past today's import.
    const old = { ...(await publicJwk('old')), use: 'enc' };
    await db.keys.add({
      id: 'old-id',
      name: 'Old key',
      kid: 'old',
      issuer: 'spiffe://o',
      publicJwk: old,
      extractable: false,
      origin: 'imported',
      createdAt: 1,
    });
    const trust = trustStoreOf(await store.list());
    expect(trust.keys).toEqual([]);
    expect(trust.skipped).toEqual([
      {
        where: 'key "Old key"',
        kid: 'old',
        issuer: 'spiffe://o',
        reason: expect.stringMatching(/^is marked "use": "enc"/),
      },
    ]);
  });
});

describe('describeJsonError', () => {
  const at = (text: string) => {
    try {
      JSON.parse(text);
      return null;
    } catch (e) {
      return describeJsonError(text, e);
    }
  };
  it('points at the first offending character', () => {
    expect(at('{"a": 1 "b": 2}')).toBe(
      'not JSON: line 1, column 9: found "\\"" where "," or "}" was expected',
    );
    expect(at('[1, 2,]')).toBe('not JSON: line 1, column 7: found "]" where a value was expected');
    expect(at('{"a": "x\ny"}')).toMatch(/^not JSON: line 1, column 9: a line break or control character/);
    expect(at('{"a": "\\q"}')).toMatch(/^not JSON: line 1, column 8: a bad escape sequence/);
    expect(at('{"a": 01}')).toMatch(/^not JSON: line 1, column 8: found "1" where "," or "}"/);
    expect(at('{} x')).toBe('not JSON: line 1, column 4: found "x" after the end of the JSON value');
    expect(at('{"a": "open')).toMatch(/the text ends inside a string/);
  });
});

describe('KeyStore.importKeys: every shape of key users bring', () => {
  const claims = (iss: string) => ({ iss, aud: 'spiffe://example.com/verifier', exec_act: 'test' });

  /** Signs with the stored key's CryptoKey and checks the signature with its public JWK. */
  async function signsAndVerifies(k: StoredKey) {
    const alg = k.alg ?? 'ES256';
    const { token, header } = await createToken(claims('spiffe://x'), {
      key: k.privateKey!,
      kid: k.kid,
      alg,
    });
    expect(header?.alg).toBe(alg);
    await expect(compactVerify(token, await importJWK(k.publicJwk, alg))).resolves.toBeTruthy();
  }

  it('a private JWK becomes a non-extractable signing key (extractable only when asked)', async () => {
    const jwk = await privateJwk('mine');
    const r = await store.importKeys(JSON.stringify(jwk), { issuer: 'spiffe://x' });
    expect(r.kind).toBe('jwk');
    const [k] = r.added;
    expect(k).toMatchObject({ kid: 'mine', issuer: 'spiffe://x', origin: 'imported', extractable: false });
    expect(k!.privateKey?.extractable).toBe(false);
    expect(k!.publicJwk.d).toBeUndefined();
    await signsAndVerifies((await store.list())[0]!);
    await expect(store.exportPrivateJwk(k!.id)).rejects.toThrow(/non-extractable/);

    const [x] = (await store.importKeys(JSON.stringify(await privateJwk('x')), { extractable: true })).added;
    expect(x!.privateKey?.extractable).toBe(true);
    expect((await store.exportPrivateJwk(x!.id)).d).toBeTypeOf('string');
  });

  it('`ect keygen` output {"private", "public"}: one signing key, bound to the given issuer', async () => {
    const made = await generateSigningKey({ kid: 'agent-k', extractable: true });
    const text = JSON.stringify({ private: made.privateJwk, public: made.publicJwk }, null, 2);
    const r = await store.importKeys(text, { issuer: 'spiffe://k' });
    expect(r.kind).toBe('keygen');
    expect(r.added.map((k) => [k.kid, k.issuer, !!k.privateKey])).toEqual([['agent-k', 'spiffe://k', true]]);
    await signsAndVerifies(r.added[0]!);
    // A pair whose halves do not match is refused.
    const other = await generateSigningKey({ kid: 'agent-k' });
    await expect(
      store.importKeys(JSON.stringify({ private: made.privateJwk, public: other.publicJwk })),
    ).rejects.toThrow('"public" is not the public half of "private"');
  });

  it('a public key imported first is completed by its private part later', async () => {
    const made = await generateSigningKey({ kid: 'late', extractable: true });
    await store.importKeys(JSON.stringify(made.publicJwk), { issuer: 'spiffe://l' });
    const r = await store.importKeys(JSON.stringify(made.privateJwk), { issuer: 'spiffe://l' });
    expect(r.added).toEqual([]);
    expect(r.completed.map((k) => k.kid)).toEqual(['late']);
    const [stored] = await store.list();
    expect(stored!.privateKey?.extractable).toBe(false);
    await signsAndVerifies(stored!);
    expect(
      (await store.importKeys(JSON.stringify(made.privateJwk), { issuer: 'spiffe://l' })).already,
    ).toHaveLength(1);
  });

  it('a JWKS or trust store may carry private keys; importPublic drops them', async () => {
    const doc = { issuers: { 'spiffe://p': { keys: [await privateJwk('p1'), await publicJwk('p2')] } } };
    const r = await store.importKeys(JSON.stringify(doc));
    expect(r.kind).toBe('trust-store');
    expect(r.added.map((k) => [k.kid, k.issuer, !!k.privateKey])).toEqual([
      ['p1', 'spiffe://p', true],
      ['p2', 'spiffe://p', false],
    ]);
    const {
      added: [pub],
    } = await store.importPublic(JSON.stringify({ keys: [await privateJwk('q')] }));
    expect(pub!.privateKey).toBeUndefined();
  });

  it('a JWK without kid takes the given one', async () => {
    const { kid: _kid, ...nokid } = await publicJwk('x');
    void _kid;
    const [k] = (await store.importKeys(JSON.stringify(nokid), { kid: 'given', issuer: 'spiffe://g' })).added;
    expect(k).toMatchObject({ kid: 'given', issuer: 'spiffe://g' });
    expect(k!.publicJwk.kid).toBe('given');
    // Several kid-less keys cannot share one kid.
    const two = { keys: [nokid, { ...(await publicJwk()) }] };
    await expect(store.importKeys(JSON.stringify(two), { kid: 'one' })).rejects.toThrow(
      /^no usable key: keys\[0\] has no "kid"/,
    );
  });

  const PEM_CASES = [
    ['EC P-256', 'ES256', { namedCurve: 'P-256' }],
    ['EC P-384', 'ES384', { namedCurve: 'P-384' }],
    ['EC P-521', 'ES512', { namedCurve: 'P-521' }],
    ['RSA', 'RS256', { modulusLength: 2048 }],
    ['Ed25519', 'EdDSA', {}],
  ] as const;

  for (const [name, alg, params] of PEM_CASES) {
    it(`PEM: a PKCS#8 ${name} private key signs (${alg}); its SPKI public key verifies`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...params });
      const pkcs8 = await exportPKCS8(privateKey);
      const spki = await exportSPKI(publicKey);
      const r = await store.importKeys(pkcs8, { issuer: 'spiffe://pem' });
      expect(r.kind).toBe('pem');
      const [k] = r.added;
      expect(k!.alg ?? 'ES256').toBe(alg);
      expect(k!.privateKey?.extractable).toBe(false);
      // No kid in PEM: the RFC 7638 thumbprint, as keys made here get.
      expect(k!.kid).toBe(await calculateJwkThumbprint(await exportJWK(publicKey)));
      await signsAndVerifies(k!);
      // The SPKI public key is the same key: already there.
      const again = await store.importKeys(spki, { issuer: 'spiffe://pem' });
      expect(again.already.map((a) => a.kid)).toEqual([k!.kid]);
      // Under a given kid, for another issuer, it is a new trusted key.
      const [named] = (await store.importKeys(spki, { issuer: 'spiffe://other', kid: 'named' })).added;
      expect(named).toMatchObject({ kid: 'named', issuer: 'spiffe://other' });
      expect(named!.privateKey).toBeUndefined();
    });
  }

  it('PEM: several blocks at once; an X.509 certificate gives its public key', async () => {
    const a = await generateKeyPair('ES256', { extractable: true });
    const b = await generateKeyPair('ES384', { extractable: true });
    const text = `${await exportSPKI(a.publicKey)}\n${await exportSPKI(b.publicKey)}\n${CERT}`;
    const r = await store.importKeys(text);
    expect(r.added.map((k) => [k.alg ?? 'ES256', !!k.privateKey])).toEqual([
      ['ES256', false],
      ['ES384', false],
      ['ES256', false],
    ]);
  });

  it('PEM forms jose does not read are refused with the command that converts them', async () => {
    const sec1 = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----';
    await expect(store.importKeys(sec1)).rejects.toThrow(/SEC1.*openssl pkcs8 -topk8 -nocrypt/);
    const rsa1 = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----';
    await expect(store.importKeys(rsa1)).rejects.toThrow(/PKCS#1/);
    await expect(store.importKeys('-----BEGIN PUBLIC KEY-----\nMFkw')).rejects.toThrow(/never ends/);
    await expect(
      store.importKeys('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
    ).rejects.toThrow(/could not be read as an EC/);
    expect(await store.list()).toEqual([]);
  });

  it('refuses an RSA key under 2048 bits', async () => {
    // jose and WebCrypto refuse to make one: node:crypto does, as an old partner system might.
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'small' };
    await expect(store.importKeys(JSON.stringify(jwk))).rejects.toThrow(/1024 bits.*at least 2048/);
  });
});

/** A self-signed certificate (openssl req -x509, EC P-256, SAN spiffe://example.com/agent/x). */
const CERT = `-----BEGIN CERTIFICATE-----
MIIBojCCAUigAwIBAgIUcJ1obJwroPiIC/SPxeoI9tEuwSQwCgYIKoZIzj0EAwIw
EjEQMA4GA1UEAwwHYWdlbnQteDAeFw0yNjEyMDYwMDIwNDFaFw0zNjEyMDMwMDIw
NDFaMBIxEDAOBgNVBAMMB2FnZW50LXgwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AATekdxgYByMwXgy0iqmMm7D1NzD6h2NxsCIV3rnnDYG2MhiWJOo8dYxB6Mw6ESg
Nvedfi7e9/hwy8GlJYd1pCx3o3wwejAdBgNVHQ4EFgQUgrJ9VGTVL519FewiCZri
i7obqN8wHwYDVR0jBBgwFoAUgrJ9VGTVL519FewiCZrii7obqN8wDwYDVR0TAQH/
BAUwAwEB/zAnBgNVHREEIDAehhxzcGlmZmU6Ly9leGFtcGxlLmNvbS9hZ2VudC94
MAoGCCqGSM49BAMCA0gAMEUCIAKlTD0mWhrrxcCFvpGFj4aClSBvdMXY+P2BLrDX
KP6sAiEArdtMLry6cH+RH8a122nPss8OgCUpvuT58/1Jk/phbiU=
-----END CERTIFICATE-----`;
