import { describe, it, expect } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import { parseTrustStore } from './trust.ts';
import { EctError } from './errors.ts';
import { UUID_RE } from './claims.ts';
import { createToken, type CreateOptions } from './create.ts';
import { decodeToken } from './decode.ts';
import { resolveSettings } from './settings.ts';
import { verifyToken } from './index.ts';
import { claims, makeAgent, NOW, sign, trustFor, uuid } from '../test/fixtures.ts';
import type { JsonObject } from './decode.ts';

const alice = await makeAgent('a');
const trust = trustFor(alice);
const keyOpts: CreateOptions = { key: alice.key.privateKey, kid: alice.kid, now: NOW };

const minimal = (extra: JsonObject = {}): JsonObject => ({
  iss: alice.iss,
  aud: 'spiffe://example.com/agent/b',
  exec_act: 'review_spec',
  ...extra,
});

/** The EctError `p` rejects with, failing the test when it resolves. */
async function rejection(p: Promise<unknown>): Promise<EctError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EctError);
    return e as EctError;
  }
  throw new Error('expected createToken to refuse');
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('createToken: filled claims', () => {
  it('fills iat, exp (iat + 600), jti (a UUID) and pred ([])', async () => {
    const c = await createToken(minimal(), keyOpts);
    expect(c.payload.iat).toBe(NOW);
    expect(c.payload.exp).toBe(NOW + 600);
    expect(c.payload.jti).toMatch(UUID_RE);
    expect(c.payload.pred).toEqual([]);
    expect(c.payload).not.toHaveProperty('par');
    expect(c.level).toBe('L2');
    expect(c.version).toBe('01');
    expect(c.header).toEqual({ alg: 'ES256', typ: 'exec+jwt', kid: alice.kid });
    const d = decodeToken(c.token);
    expect(d.ok && d.decoded.payload).toEqual(c.payload);
    expect(d.ok && d.decoded.header).toEqual(c.header);
  });

  it('gives each token a fresh jti', async () => {
    const a = await createToken(minimal(), keyOpts);
    const b = await createToken(minimal(), keyOpts);
    expect(a.payload.jti).not.toBe(b.payload.jti);
  });

  it('computes exp from a given iat and from the defaultExpiry setting', async () => {
    expect((await createToken(minimal({ iat: NOW - 100 }), keyOpts)).payload.exp).toBe(NOW + 500);
    const settings = resolveSettings({ defaultExpiry: 60 });
    expect((await createToken(minimal(), { ...keyOpts, settings })).payload.exp).toBe(NOW + 60);
  });

  it('keeps given claims unchanged and does not modify its argument', async () => {
    const given = claims(alice, {
      wid: uuid(),
      pred: [uuid(), uuid()],
      inp_hash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
      ect_ext: { pol: 'policy-1', pol_decision: 'approved', note: { deep: [1, 2] } },
      sub: 'ignored-in-01',
    });
    const copy = structuredClone(given);
    const c = await createToken(given, keyOpts);
    expect(c.payload).toEqual(copy);
    expect(given).toEqual(copy);
  });

  it('uses par and typ wimse-exec+jwt for -00', async () => {
    const c = await createToken(minimal({ sub: alice.iss }), { ...keyOpts, version: '00' });
    expect(c.version).toBe('00');
    expect(c.payload.par).toEqual([]);
    expect(c.payload).not.toHaveProperty('pred');
    expect(c.header?.typ).toBe('wimse-exec+jwt');
    const d = decodeToken(c.token);
    expect(d.ok && d.decoded.version).toBe('00');
  });

  it('takes the version from -00 claim names when none is asked for', async () => {
    const c = await createToken(minimal({ par: [] }), keyOpts);
    expect(c.version).toBe('00');
    expect(c.header?.typ).toBe('wimse-exec+jwt');
  });

  it('makes L1 tokens without dots or padding that decode back', async () => {
    // Vary the length so every base64 remainder occurs.
    for (let i = 0; i < 3; i++) {
      const c = await createToken(minimal({ exec_act: `act${'x'.repeat(i)}` }), { level: 'L1', now: NOW });
      expect(c.level).toBe('L1');
      expect(c.header).toBeNull();
      expect(c.token).toMatch(/^[A-Za-z0-9_-]+$/);
      const d = decodeToken(c.token);
      expect(d.ok && d.decoded.level).toBe('L1');
      expect(d.ok && d.decoded.payload).toEqual(c.payload);
    }
  });
});

describe('createToken: refuses what it would not verify', () => {
  it('missing exec_act', async () => {
    const { exec_act: _e, ...rest } = minimal();
    void _e;
    const e = await rejection(createToken(rest, keyOpts));
    expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'missing_claim']);
    expect(e.message).toMatch(/exec_act/);
    expect(e.problems.map((p) => p.claim)).toContain('exec_act');
  });

  it('an inp_hash with a prefix or the wrong length', async () => {
    for (const inp_hash of [
      'sha-256:n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
      'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg=',
      'abc',
    ]) {
      const e = await rejection(createToken(minimal({ inp_hash }), keyOpts));
      expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'invalid_claim']);
      expect(e.message).toMatch(/inp_hash/);
    }
  });

  it('an ect_ext nested too deep or too big', async () => {
    const deep = { a: { b: { c: { d: { e: {} } } } } }; // depth 6
    let e = await rejection(createToken(minimal({ ect_ext: deep }), keyOpts));
    expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'invalid_ext']);
    expect(e.message).toMatch(/6 levels/);
    e = await rejection(createToken(minimal({ ect_ext: { blob: 'x'.repeat(5000) } }), keyOpts));
    expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'invalid_ext']);
    expect(e.message).toMatch(/4096/);
  });

  it('-00 claim names with version 01', async () => {
    const e = await rejection(createToken(minimal({ par: [] }), { ...keyOpts, version: '01' }));
    expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'invalid_claim']);
    expect(e.message).toMatch(/-00/);
    expect(e.message).toMatch(/"pred"/);
  });

  it('-01 claim names with version 00', async () => {
    const e = await rejection(createToken(minimal({ pred: [] }), { ...keyOpts, version: '00' }));
    expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'invalid_claim']);
  });

  it('par and pred together', async () => {
    const e = await rejection(createToken(minimal({ par: [], pred: [] }), keyOpts));
    expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'invalid_claim']);
    expect(e.message).toMatch(/par/);
    expect(e.message).toMatch(/pred/);
  });

  it('a jti that is not a UUID, unless requireUuid is off', async () => {
    const e = await rejection(createToken(minimal({ jti: 'task-001' }), keyOpts));
    expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'invalid_claim']);
    expect(e.message).toMatch(/task-001/);
    const settings = resolveSettings({ requireUuid: false });
    expect((await createToken(minimal({ jti: 'task-001' }), { ...keyOpts, settings })).payload.jti).toBe(
      'task-001',
    );
  });

  it('too many predecessors', async () => {
    const pred = Array.from({ length: 101 }, () => uuid());
    const e = await rejection(createToken(minimal({ pred }), keyOpts));
    expect([e.code, e.problems[0]?.code]).toEqual(['ERR_ECT_CLAIMS', 'too_many_predecessors']);
  });

  it('an L2 token without a kid or without a key', async () => {
    let e = await rejection(createToken(minimal(), { key: alice.key.privateKey, now: NOW }));
    expect(e.code).toBe('ERR_ECT_OPTIONS');
    expect(e.message).toMatch(/kid/);
    e = await rejection(createToken(minimal(), { kid: alice.kid, now: NOW }));
    expect(e.code).toBe('ERR_ECT_OPTIONS');
  });

  it('signs with a private JWK, taking its kid', async () => {
    const jwk = alice.key.privateJwk!;
    const c = await createToken(minimal(), { key: jwk, now: NOW });
    expect(c.header?.kid).toBe(alice.kid);
    expect((await verifyToken(c.token, { trust, now: NOW })).valid).toBe(true);
  });

  it('signs with another algorithm when asked, and the token verifies where that algorithm is allowed', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    const pub = { ...(await exportJWK(publicKey)), kid: 'p384' };
    const store = parseTrustStore({ issuers: { [alice.iss]: { keys: [pub] } } });
    const c = await createToken(minimal(), { key: privateKey, kid: 'p384', alg: 'ES384', now: NOW });
    expect(c.header?.alg).toBe('ES384');
    const allowed = resolveSettings({ allowedAlgs: ['ES256', 'ES384'] });
    expect((await verifyToken(c.token, { trust: store, now: NOW, settings: allowed })).valid).toBe(true);
    expect((await verifyToken(c.token, { trust: store, now: NOW })).code).toBe('alg_not_allowed');
    // A key of another kind than the algorithm names is refused (a KeyError naming both), not signed.
    const e = await rejection(createToken(minimal(), { key: privateKey, kid: 'p384', now: NOW }));
    expect(e.code).toBe('ERR_ECT_KEY');
    expect(e.message).toMatch(/^cannot sign with this key as ES256: .*a P-256 private key for ES256/);
  });

  it('refuses to sign with none or a symmetric algorithm', async () => {
    for (const alg of ['HS256', 'none']) {
      const e = await rejection(createToken(minimal(), { ...keyOpts, alg }));
      expect(e.code).toBe('ERR_ECT_OPTIONS');
      expect(e.message).toBe(`"${alg}" is never accepted by a verifier: sign with an asymmetric algorithm`);
    }
  });
});

describe('createToken: a payload nested too deep to serialize', () => {
  const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

  it('refuses 100,000 levels in a claim, naming the claim and the depth (L2 and L1)', async () => {
    for (const opts of [keyOpts, { level: 'L1' as const, now: NOW }]) {
      const e = await rejection(createToken(minimal({ notes: nested(100_000) as JsonObject }), opts));
      expect(e.code).toBe('ERR_ECT_OPTIONS');
      expect(e.message).toBe(
        'the payload is nested 100,001 levels deep (in claim "notes"); a payload to sign may nest at most 1,000 levels: flatten that claim',
      );
    }
  });

  it('signs 999 levels (the payload itself is level 1), and the token verifies', async () => {
    const c = await createToken(minimal({ notes: nested(999) as JsonObject }), keyOpts);
    expect((await verifyToken(c.token, { trust, now: NOW })).valid).toBe(true);
    const e = await rejection(createToken(minimal({ notes: nested(1000) as JsonObject }), keyOpts));
    expect(e.message).toMatch(/^the payload is nested 1,001 levels deep/);
  });
});

describe('createToken: round trip', () => {
  it('a created token verifies', async () => {
    const token = await sign(alice, claims(alice));
    const r = await verifyToken(token, { trust, now: NOW, audience: 'spiffe://example.com/agent/b' });
    expect(r.codes).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.level).toBe('L2');
    expect(r.version).toBe('01');
  });

  it('a created -00 token verifies', async () => {
    const token = await sign(alice, { ...minimal({ sub: alice.iss }), par: [] }, '00');
    expect((await verifyToken(token, { trust, now: NOW })).valid).toBe(true);
  });

  it('no single-character change of a valid token verifies', async () => {
    const { token } = await createToken(
      { iss: alice.iss, aud: 'b', exec_act: 'x', jti: '00000000-0000-4000-8000-000000000001' },
      keyOpts,
    );
    expect((await verifyToken(token, { trust, now: NOW })).valid).toBe(true);
    const accepted: string[] = [];
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const idx = BASE64URL.indexOf(token[i]!);
      const changed = token.slice(0, i) + BASE64URL[(idx + 1) % 64] + token.slice(i + 1);
      const r = await verifyToken(changed, { trust, now: NOW });
      if (r.valid) accepted.push(`position ${i}: ${token[i]} -> ${changed[i]}`);
    }
    expect(accepted).toEqual([]);
  });
});
