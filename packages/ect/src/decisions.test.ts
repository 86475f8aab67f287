/**
 * The profile's second round of decisions (issue 11), each checked with tokens of our own: replay
 * keyed on jti alone, a parent named twice as one edge, RSA and Ed25519 issuers, EdDSA and Ed25519
 * as two allow-list names, unusable keys skipped, key rotation under one kid.
 */
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { claims, jwksFor, LEDGER_ID, makeAgent, NOW, sign, trustFor, uuid } from '../test/fixtures.ts';
import { auditTokens } from './audit.ts';
import { encodeBase64UrlText } from './base64url.ts';
import type { JsonObject } from './decode.ts';
import { MemoryLedger } from './ledger.ts';
import { MemoryReplayStore } from './replay.ts';
import { resolveSettings } from './settings.ts';
import { MAX_KEYS_PER_KID, parseTrustStore, type TrustStore } from './trust.ts';
import { verifyToken, type VerificationReport, type VerifyOptions } from './index.ts';

const alice = await makeAgent('a');
const bob = await makeAgent('b');
const BOB_ID = bob.iss;
const ISS = 'spiffe://example.com/agent/r';

const verify = (token: string, opts: Partial<VerifyOptions> & { trust: TrustStore }) =>
  verifyToken(token, { now: NOW, audience: BOB_ID, ...opts });

/** An issuer with a key pair of any JOSE algorithm, made by jose. */
async function issuer(alg: string, kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid } as JWK };
}

/** Signs -01 claims with any key and header algorithm. */
const signWith = (key: CryptoKey, alg: string, kid: string, payload: JsonObject) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, typ: 'exec+jwt', kid })
    .sign(key);

const rootClaims = (overrides: JsonObject = {}): JsonObject => ({
  iss: ISS,
  aud: [BOB_ID, LEDGER_ID],
  iat: NOW - 60,
  exp: NOW + 540,
  jti: uuid(),
  exec_act: 'review_spec',
  pred: [],
  ...overrides,
});

const brief = (r: VerificationReport) => ({ valid: r.valid, code: r.code });

describe('replay keys on jti alone (section 4)', () => {
  const trust = trustFor(alice, bob);

  it('the same jti in another workflow is a replay', async () => {
    const replay = new MemoryReplayStore();
    const jti = uuid();
    const first = await sign(alice, claims(alice, { jti, wid: uuid() }));
    const second = await sign(bob, claims(bob, { jti, wid: uuid() }));
    expect(brief(await verify(first, { trust, replay }))).toEqual({ valid: true, code: null });
    const r = await verify(second, { trust, replay });
    expect(brief(r)).toEqual({ valid: false, code: 'replay' });
    expect(r.steps[13]!.problems[0]!.message).toContain(`jti ${jti} was already accepted`);
  });

  it('with a wid on one token only, either way round', async () => {
    for (const [w1, w2] of [
      [uuid(), undefined],
      [undefined, uuid()],
    ]) {
      const replay = new MemoryReplayStore();
      const jti = uuid();
      const a = await sign(alice, claims(alice, { jti, ...(w1 ? { wid: w1 } : {}) }));
      const b = await sign(alice, claims(alice, { jti, ...(w2 ? { wid: w2 } : {}) }));
      expect((await verify(a, { trust, replay })).valid).toBe(true);
      expect((await verify(b, { trust, replay })).code).toBe('replay');
    }
  });

  it('is forgotten once the first token is past exp + clockSkew', async () => {
    const replay = new MemoryReplayStore();
    const jti = uuid();
    const first = await sign(alice, claims(alice, { jti, wid: uuid(), exp: NOW + 10 }));
    expect((await verify(first, { trust, replay })).valid).toBe(true);
    const later = NOW + 10 + 31;
    const second = await sign(alice, claims(alice, { jti, wid: uuid(), iat: later - 5, exp: later + 600 }));
    expect(brief(await verify(second, { trust, replay, now: later }))).toEqual({ valid: true, code: null });
  });

  it('duplicate_jti stays scoped by wid: a store holding the jti in another workflow is no duplicate', async () => {
    const ledger = new MemoryLedger();
    const jti = uuid();
    const w1 = await sign(alice, claims(alice, { jti, wid: uuid() }));
    const w2 = await sign(bob, claims(bob, { jti, wid: uuid() }));
    // No replay cache: only the store's rule applies.
    expect((await verify(w1, { trust, ledger })).valid).toBe(true);
    expect(brief(await verify(w2, { trust, ledger }))).toEqual({ valid: true, code: null });
    // The same workflow is a duplicate.
    const wid = uuid();
    expect((await verify(await sign(alice, claims(alice, { jti, wid })), { trust, ledger })).valid).toBe(
      true,
    );
    const again = await verify(await sign(bob, claims(bob, { jti, wid })), { trust, ledger });
    expect(again.codes).toEqual(['duplicate_jti']);
  });
});

describe('a parent named twice in pred is one edge (section 7)', () => {
  const trust = trustFor(alice, bob);

  it('on arrival: one parent_not_found for a missing parent named twice', async () => {
    const ghost = uuid();
    const r = await verify(await sign(alice, claims(alice, { pred: [ghost, ghost] })), {
      trust,
      ledger: new MemoryLedger(),
    });
    expect(r.code).toBe('parent_not_found');
    expect(r.steps[14]!.problems.map((p) => [p.code, p.pred])).toEqual([['parent_not_found', ghost]]);
  });

  it('on arrival: a present parent named twice is valid, and a late one is one temporal_violation', async () => {
    const ledger = new MemoryLedger();
    const parent = claims(alice, { iat: NOW - 60 });
    expect((await verify(await sign(alice, parent), { trust, ledger })).valid).toBe(true);
    const child = claims(bob, { pred: [parent.jti!, parent.jti!], iat: NOW - 50 });
    expect((await verify(await sign(bob, child), { trust, ledger })).valid).toBe(true);
    const early = claims(bob, { pred: [parent.jti!, parent.jti!], iat: NOW - 200 });
    const r = await verify(await sign(bob, early), { trust, ledger });
    expect(r.steps[14]!.problems.map((p) => [p.code, p.pred])).toEqual([['temporal_violation', parent.jti]]);
  });

  it('in the audit: one violation per distinct (child, parent) pair, and one edge', async () => {
    const ghost = uuid();
    const root = claims(alice, { iat: NOW - 60, ect_ext: { pol: 'p', pol_decision: 'rejected' } });
    const child = claims(bob, { pred: [root.jti!, ghost, root.jti!, ghost], iat: NOW - 200 });
    const self = claims(alice, {});
    self.pred = [self.jti!, self.jti!];
    const report = await auditTokens(
      [await sign(alice, root), await sign(bob, child), await sign(alice, self)],
      {
        trust,
      },
    );
    const found = report.violations.map(
      (v) =>
        `${v.code} ${v.jti === child.jti ? 'child' : 'self'} ${v.pred === ghost ? 'ghost' : v.pred === root.jti ? 'root' : 'self'}`,
    );
    expect(found.sort()).toEqual([
      'cycle self self',
      'parent_not_found child ghost',
      'parent_policy child root',
      'temporal_violation child root',
    ]);
    expect(report.edges.filter((e) => e.from === 1).map((e) => e.pred)).toEqual([root.jti, ghost]);
    expect(report.edges.filter((e) => e.from === 2)).toHaveLength(1);
  });
});

describe('RSA issuers (RS256/384/512, PS256; 2048 bits or more)', () => {
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256']) {
    it(`${alg}: valid when allowed, alg_not_allowed by default`, async () => {
      const k = await issuer(alg, `rsa-${alg}`);
      const trust = parseTrustStore({ issuers: { [ISS]: { keys: [k.publicJwk] } } });
      const token = await signWith(k.privateKey, alg, k.kid, rootClaims());
      const allowed = await verify(token, {
        trust,
        settings: resolveSettings({ allowedAlgs: ['ES256', alg] }),
      });
      expect(brief(allowed)).toEqual({ valid: true, code: null });
      expect(allowed.key).toEqual({ kid: k.kid, issuer: ISS });
      expect((await verify(token, { trust })).code).toBe('alg_not_allowed');
      // Another RSA algorithm over the same key and signature does not verify.
      const other = alg === 'RS256' ? 'RS384' : 'RS256';
      const [, p, s] = token.split('.');
      const relabelled = `${encodeBase64UrlText(JSON.stringify({ alg: other, typ: 'exec+jwt', kid: k.kid }))}.${p}.${s}`;
      const r = await verify(relabelled, { trust, settings: resolveSettings({ allowedAlgs: [alg, other] }) });
      expect(r.code).toBe('invalid_signature');
    });
  }

  it('a 1024-bit RSA key is skipped: its tokens are unknown_key, the others verify', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const smallJwk = { ...(small.publicKey.export({ format: 'jwk' }) as JWK), kid: 'rsa-small' };
    const big = await issuer('RS256', 'rsa-big');
    const trust = parseTrustStore({ issuers: { [ISS]: { keys: [smallJwk, big.publicJwk] } } });
    expect(trust.skipped.map((s) => s.reason)).toEqual([
      'is an RSA key of 1024 bits; RSA keys need at least 2048 bits',
    ]);
    // jose refuses to sign with a short key, so node:crypto signs this one.
    const input = `${encodeBase64UrlText(JSON.stringify({ alg: 'RS256', typ: 'exec+jwt', kid: 'rsa-small' }))}.${encodeBase64UrlText(JSON.stringify(rootClaims()))}`;
    const smallToken = `${input}.${nodeSign('sha256', Buffer.from(input), small.privateKey).toString('base64url')}`;
    const settings = resolveSettings({ allowedAlgs: ['RS256'] });
    const r = await verify(smallToken, { trust, settings });
    expect(brief(r)).toEqual({ valid: false, code: 'unknown_key' });
    expect(r.steps[5]!.problems[0]!.message).toMatch(
      /has this kid but is not usable: it is an RSA key of 1024 bits/,
    );
    const bigToken = await signWith(big.privateKey, 'RS256', big.kid, rootClaims());
    expect((await verify(bigToken, { trust, settings })).valid).toBe(true);
  });
});

describe('EdDSA and Ed25519 are two allow-list names (section 2)', () => {
  const cases: [string, string[], boolean][] = [
    ['EdDSA', ['EdDSA'], true],
    ['EdDSA', ['Ed25519'], false],
    ['Ed25519', ['Ed25519'], true],
    ['Ed25519', ['EdDSA'], false],
    ['EdDSA', ['ES256', 'EdDSA', 'Ed25519'], true],
    ['Ed25519', ['ES256', 'EdDSA', 'Ed25519'], true],
  ];
  it.each(cases)('a token with alg %s, allow-list %j: valid %s', async (alg, allowedAlgs, valid) => {
    const k = await issuer('Ed25519', 'ed-key');
    expect(k.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    const trust = parseTrustStore({ issuers: { [ISS]: { keys: [k.publicJwk] } } });
    const r = await verify(await signWith(k.privateKey, alg, k.kid, rootClaims()), {
      trust,
      settings: resolveSettings({ allowedAlgs }),
    });
    expect(brief(r)).toEqual(valid ? { valid: true, code: null } : { valid: false, code: 'alg_not_allowed' });
  });
});

describe('usable keys (section 6): others are skipped, never a crash', () => {
  it('a key with empty key_ops, use enc or key_ops ["encrypt"] gives unknown_key; the usable keys verify', async () => {
    for (const bad of [{ key_ops: [] }, { use: 'enc' }, { key_ops: ['encrypt'] }]) {
      const trust = parseTrustStore({ keys: [{ ...alice.key.publicJwk, ...bad }, bob.key.publicJwk] });
      expect(trust.skipped).toHaveLength(1);
      const r = await verify(await sign(alice, claims(alice)), { trust });
      expect(brief(r), JSON.stringify(bad)).toEqual({ valid: false, code: 'unknown_key' });
      expect((await verify(await sign(bob, claims(bob)), { trust })).valid).toBe(true);
    }
  });

  it('key_ops ["sign", "verify"] or ["verify"] on a public key verifies (WebCrypto is asked for verify only)', async () => {
    for (const key_ops of [['sign', 'verify'], ['verify'], ['verify', 'encrypt']]) {
      const jwk = { ...alice.key.publicJwk, key_ops };
      const trust = parseTrustStore({ issuers: { [alice.iss]: { keys: [jwk] } } });
      const r = await verify(await sign(alice, claims(alice)), { trust });
      expect(brief(r), JSON.stringify(key_ops)).toEqual({ valid: true, code: null });
    }
  });

  it('a usable-looking key that WebCrypto cannot import is invalid_signature with the reason', async () => {
    const broken = { ...alice.key.publicJwk, x: bob.key.publicJwk.x }; // not a point on the curve
    const trust = parseTrustStore({ issuers: { [alice.iss]: { keys: [broken] } } });
    const r = await verify(await sign(alice, claims(alice)), { trust });
    expect(r.code).toBe('invalid_signature');
    expect(r.steps[6]!.problems[0]!.message).toMatch(
      /^trusted key "agent-a-key" cannot be used with ES256: /,
    );
  });

  it('a plain JWKS key verifies with a warning starting "issuer unchecked"', async () => {
    const r = await verify(await sign(alice, claims(alice)), { trust: jwksFor(alice) });
    expect(r.valid).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('issuer unchecked'))).toBe(true);
    expect((await verify(await sign(alice, claims(alice)), { trust: trustFor(alice) })).warnings).toEqual([]);
  });
});

describe('several keys under one kid (rotation)', () => {
  it('valid if any of them verifies, in an issuer-bound store and in a plain JWKS', async () => {
    const old = await issuer('ES256', 'rot');
    const current = await issuer('ES256', 'rot');
    const stranger = await issuer('ES256', 'rot');
    for (const doc of [
      { issuers: { [ISS]: { keys: [old.publicJwk, current.publicJwk] } } },
      { keys: [old.publicJwk, current.publicJwk] },
    ]) {
      const trust = parseTrustStore(doc);
      for (const k of [old, current]) {
        const r = await verify(await signWith(k.privateKey, 'ES256', 'rot', rootClaims()), { trust });
        expect(brief(r)).toEqual({ valid: true, code: null });
      }
      const r = await verify(await signWith(stranger.privateKey, 'ES256', 'rot', rootClaims()), { trust });
      expect(brief(r)).toEqual({ valid: false, code: 'invalid_signature' });
    }
  });

  it(`tries at most ${MAX_KEYS_PER_KID} keys per kid, and says so in a warning`, async () => {
    // 10,000 keys under one kid (a hostile store: every one was tried, 3.2 s per token). The
    // signer listed 3rd verifies; listed last, it is never reached.
    const signer = await issuer('ES256', 'many');
    const decoy = (await issuer('ES256', 'many')).publicJwk;
    const token = await signWith(signer.privateKey, 'ES256', 'many', rootClaims());
    const decoys = Array.from({ length: 9_999 }, () => decoy);
    for (const doc of [
      { issuers: { [ISS]: { keys: [decoy, decoy, signer.publicJwk, ...decoys.slice(3)] } } },
      { keys: [decoy, decoy, signer.publicJwk, ...decoys.slice(3)] },
    ]) {
      const r = await verify(token, { trust: parseTrustStore(doc) });
      expect(brief(r)).toEqual({ valid: true, code: null });
      expect(r.warnings.find((w) => w.includes('were tried'))).toMatch(
        new RegExp(`has 9999 keys with kid "many".*only the first ${MAX_KEYS_PER_KID} were tried`),
      );
    }
    const last = parseTrustStore({ issuers: { [ISS]: { keys: [...decoys, signer.publicJwk] } } });
    const r = await verify(token, { trust: last });
    expect(brief(r)).toEqual({ valid: false, code: 'invalid_signature' });
    expect(r.warnings.some((w) => w.includes('10000 keys with kid "many"'))).toBe(true);
    // Within the bound, no warning.
    const few = parseTrustStore({ issuers: { [ISS]: { keys: [...decoys.slice(0, 7), signer.publicJwk] } } });
    expect((await verify(token, { trust: few })).warnings).toEqual([]);
    expect(brief(await verify(token, { trust: few }))).toEqual({ valid: true, code: null });
  });

  it('keys of different types under one kid: the one that fits the algorithm verifies', async () => {
    const rsa = await issuer('RS256', 'mixed');
    const ec = await issuer('ES256', 'mixed');
    const ed = await issuer('Ed25519', 'mixed');
    const trust = parseTrustStore({
      issuers: { [ISS]: { keys: [ed.publicJwk, ec.publicJwk, rsa.publicJwk] } },
    });
    const settings = resolveSettings({ allowedAlgs: ['ES256', 'RS256', 'Ed25519'] });
    for (const k of [rsa, ec, ed]) {
      const r = await verify(await signWith(k.privateKey, k.alg, 'mixed', rootClaims()), { trust, settings });
      expect(brief(r), k.alg).toEqual({ valid: true, code: null });
    }
  });
});
