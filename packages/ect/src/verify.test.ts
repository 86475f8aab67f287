import { describe, it, expect } from 'vitest';
import { CompactSign, importJWK, type CryptoKey } from 'jose';
import { encodeBase64Url, encodeBase64UrlText } from './base64url.ts';
import { verifyReceipt } from './chain.ts';
import type { ErrorCode } from './codes.ts';
import { decodeToken, type JsonObject } from './decode.ts';
import { generateSigningKey } from './keys.ts';
import { MemoryLedger } from './ledger.ts';
import { ReplayCache } from './replay.ts';
import { resolveSettings } from './settings.ts';
import { verifyToken, type VerificationReport, type VerifyOptions } from './verify.ts';
import {
  claims,
  flipChar,
  handToken,
  jwksFor,
  l1Token,
  LEDGER_ID,
  makeAgent,
  NOW,
  sign,
  signRaw,
  trustFor,
  uuid,
  type Agent,
} from '../test/fixtures.ts';

const alice = await makeAgent('a');
const bob = await makeAgent('b');
/** Not in the trust store. */
const mallory = await makeAgent('m');
const trust = trustFor(alice, bob);
const BOB_ID = bob.iss;
const CAROL_ID = 'spiffe://example.com/agent/c';

/** The header the core writes, for tokens signed by hand with claims the core refuses to create. */
const hdr = (agent: Agent, extra: JsonObject = {}): JsonObject => ({
  alg: 'ES256',
  typ: 'exec+jwt',
  kid: agent.kid,
  ...extra,
});

/** ES256 over any header with WebCrypto directly: for headers even jose refuses to sign. */
async function rawSign(agent: Agent, header: JsonObject, payload: JsonObject): Promise<string> {
  const input = `${encodeBase64UrlText(JSON.stringify(header))}.${encodeBase64UrlText(JSON.stringify(payload))}`;
  const sig = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    agent.key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${encodeBase64Url(new Uint8Array(sig))}`;
}

/** Verifies as Bob would at NOW, with overrides. */
const verify = (token: string, opts: Partial<VerifyOptions> = {}): Promise<VerificationReport> =>
  verifyToken(token, { trust, now: NOW, audience: BOB_ID, ...opts });

const stepN = (r: VerificationReport, n: number) => {
  const s = r.steps[n - 1]!;
  expect(s.n).toBe(n);
  return s;
};

const failedSteps = (r: VerificationReport) => r.steps.filter((s) => s.status === 'fail').map((s) => s.n);

/**
 * The report is invalid with primary `code` from step `n`, step `n` fails with that code and a
 * message matching `message`; with `only`, no other step fails.
 */
function expectFailure(
  r: VerificationReport,
  code: ErrorCode,
  n: number,
  message: RegExp | string,
  only = true,
): void {
  expect(r.valid).toBe(false);
  expect(r.code).toBe(code);
  expect(r.codes).toContain(code);
  const s = stepN(r, n);
  expect(s.status).toBe('fail');
  const p = s.problems.find((x) => x.code === code);
  expect(p, `step ${n} has no ${code} problem`).toBeDefined();
  if (typeof message === 'string') expect(p!.message).toContain(message);
  else expect(p!.message).toMatch(message);
  expect(failedSteps(r)[0]).toBe(n);
  if (only) expect(failedSteps(r)).toEqual([n]);
}

function expectValid(r: VerificationReport): void {
  expect(r.codes).toEqual([]);
  expect(r.code).toBeNull();
  expect(r.valid).toBe(true);
  expect(failedSteps(r)).toEqual([]);
}

describe('verifyToken: a valid token', () => {
  it('passes every step it can run', async () => {
    const c = claims(alice);
    const r = await verify(await sign(alice, c), { replay: new ReplayCache(), ledger: new MemoryLedger() });
    expectValid(r);
    expect(r.steps.map((s) => s.status)).toEqual(Array(16).fill('pass'));
    expect(r.level).toBe('L2');
    expect(r.version).toBe('01');
    expect(r.jti).toBe(c.jti);
    expect(r.payload).toEqual(c);
    expect(r.header).toEqual({ alg: 'ES256', typ: 'exec+jwt', kid: alice.kid });
    expect(r.key).toEqual({ kid: alice.kid, issuer: alice.iss });
    expect(r.warnings).toEqual([]);
  });

  it('skips the audience step for a verifier without an id (an auditor)', async () => {
    const r = await verify(await sign(alice, claims(alice)), { audience: null });
    expectValid(r);
    expect(stepN(r, 11).status).toBe('skip');
  });

  it('never throws, whatever the input', async () => {
    for (const t of ['', '.', '..', '...', 'e30', 'e30.e30.', '{}', '\u0000', 'a'.repeat(10)]) {
      const r = await verify(t);
      expect(r.valid).toBe(false);
    }
  });
});

describe('step 1: decode (malformed)', () => {
  it('refuses garbage and skips every later step with a note', async () => {
    const r = await verify('not a token!');
    expectFailure(r, 'malformed', 1, /not a JWS/);
    expect(r.level).toBeNull();
    expect(r.payload).toBeNull();
    expect(r.decodeProblem?.position).toBe(3);
    for (const s of r.steps.slice(1)) {
      expect(s.status).toBe('skip');
      expect(s.note).toMatch(/not run: the token could not be decoded/);
    }
  });

  it('refuses a JWS whose payload is not JSON, pointing at the payload', async () => {
    const t = `${encodeBase64UrlText(JSON.stringify(hdr(alice)))}.${encodeBase64UrlText('hello')}.c2ln`;
    const r = await verify(t);
    expectFailure(r, 'malformed', 1, /payload/);
    expect(r.decodeProblem?.part).toBe('payload');
  });

  it('refuses a character outside base64url inside a signed token', async () => {
    const t = await sign(alice, claims(alice));
    const [h, p, s] = t.split('.') as [string, string, string];
    const r = await verify(`${h}.${p}.${s.slice(0, 10)}+${s.slice(11)}`);
    expectFailure(r, 'malformed', 1, '"+"');
    expect(r.decodeProblem?.part).toBe('signature');
    expect(r.decodeProblem?.position).toBe(h.length + p.length + 2 + 10);
  });
});

describe('step 2: level (level_below_minimum)', () => {
  it('refuses an L1 token by default, skipping steps 3-7', async () => {
    const r = await verify(l1Token(claims(alice)));
    expectFailure(r, 'level_below_minimum', 2, /L1 token/);
    expect(r.level).toBe('L1');
    for (const n of [3, 4, 5, 6, 7]) expect(stepN(r, n).status).toBe('skip');
  });

  it('accepts an L1 token with minLevel L1 (steps 3-7 skipped)', async () => {
    const c = claims(alice);
    const r = await verify(l1Token(c), { settings: resolveSettings({ minLevel: 'L1' }) });
    expectValid(r);
    expect(r.level).toBe('L1');
    expect(r.header).toBeNull();
    expect(r.payload).toEqual(c);
    for (const n of [3, 4, 5, 6, 7]) {
      expect(stepN(r, n).status).toBe('skip');
      expect(stepN(r, n).note).toMatch(/L1/);
    }
  });

  it('accepts a padded L1 token with minLevel L1', async () => {
    let c = claims(alice);
    while (l1Token(c).length % 4 === 0) c = claims(alice, { exec_act: `${String(c.exec_act)}x` });
    const t = l1Token(c);
    const r = await verify(t + '='.repeat(4 - (t.length % 4)), {
      settings: resolveSettings({ minLevel: 'L1' }),
    });
    expectValid(r);
  });

  it('requires a receipt for minLevel L3', async () => {
    const settings = resolveSettings({ minLevel: 'L3' });
    const r = await verify(await sign(alice, claims(alice)), { settings });
    expectFailure(r, 'level_below_minimum', 2, /L3/);
  });

  it('accepts L3 from a ledger with a receipt key', async () => {
    const lk = await generateSigningKey({ kid: 'ledger-key' });
    const ledger = new MemoryLedger({ key: lk });
    const r = await verify(await sign(alice, claims(alice)), {
      settings: resolveSettings({ minLevel: 'L3' }),
      ledger,
    });
    expectValid(r);
    expect(r.level).toBe('L3');
  });

  it('minLevel L3 without a receipt key leaves nothing behind (no append, no replay record)', async () => {
    const ledger = new MemoryLedger();
    const replay = new ReplayCache();
    const r = await verify(await sign(alice, claims(alice)), {
      settings: resolveSettings({ minLevel: 'L3' }),
      ledger,
      replay,
    });
    expectFailure(r, 'level_below_minimum', 2, /L3/);
    expect(await ledger.size()).toBe(0);
    expect(replay.size).toBe(0);
  });
});

describe('step 3: typ (invalid_typ)', () => {
  it('refuses typ JWT, naming it', async () => {
    const r = await verify(await signRaw(alice, hdr(alice, { typ: 'JWT' }), claims(alice)));
    expectFailure(r, 'invalid_typ', 3, '"JWT"');
  });

  it('refuses a missing typ', async () => {
    const { typ: _t, ...noTyp } = hdr(alice);
    void _t;
    const r = await verify(await signRaw(alice, noTyp, claims(alice)));
    expectFailure(r, 'invalid_typ', 3, /no "typ"/);
  });

  it('refuses a typ that is not a string, or close but wrong', async () => {
    for (const typ of [
      1,
      'exec+jws',
      'application/jwt',
      'application/exec+jwt; charset=utf-8',
      'xexec+jwt',
    ]) {
      const r = await verify(await signRaw(alice, hdr(alice, { typ }), claims(alice)));
      expectFailure(r, 'invalid_typ', 3, JSON.stringify(typ));
    }
  });

  it('accepts exec+jwt and wimse-exec+jwt case-insensitively, with or without application/', async () => {
    for (const typ of [
      'exec+jwt',
      'EXEC+JWT',
      'application/exec+jwt',
      'Application/Exec+JWT',
      'wimse-exec+jwt',
      'application/WIMSE-exec+jwt',
    ]) {
      const r = await verify(await signRaw(alice, hdr(alice, { typ }), claims(alice)));
      expect(r.codes, typ).toEqual([]);
      expect(r.valid).toBe(true);
    }
  });
});

describe('step 4: alg (alg_not_allowed)', () => {
  const algsWithForbidden = resolveSettings({ allowedAlgs: ['ES256', 'HS256', 'none'] });

  it('refuses alg none, even when listed in allowedAlgs, and checks no signature', async () => {
    const t = handToken({ alg: 'none', typ: 'exec+jwt', kid: alice.kid }, claims(alice), '');
    for (const settings of [undefined, algsWithForbidden]) {
      const r = await verify(t, settings ? { settings } : {});
      expectFailure(r, 'alg_not_allowed', 4, /"none" is always refused/);
      expect(stepN(r, 7).status).toBe('skip');
    }
  });

  it('refuses HS256 signed with the public key as secret, even when listed in allowedAlgs', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(alice.key.publicJwk));
    const t = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims(alice))))
      .setProtectedHeader({ alg: 'HS256', typ: 'exec+jwt', kid: alice.kid })
      .sign(secret);
    for (const settings of [undefined, algsWithForbidden]) {
      const r = await verify(t, settings ? { settings } : {});
      expectFailure(r, 'alg_not_allowed', 4, /"HS256" is always refused/);
      expect(stepN(r, 7).status).toBe('skip');
    }
  });

  it('refuses es256 in lower case (alg is case-sensitive)', async () => {
    const r = await verify(await rawSign(alice, hdr(alice, { alg: 'es256' }), claims(alice)));
    expectFailure(r, 'alg_not_allowed', 4, /"es256" is not in the allow-list \[ES256\]/);
  });

  it('refuses an asymmetric algorithm that is not in the allow-list', async () => {
    const r = await verify(await rawSign(alice, hdr(alice, { alg: 'ES384' }), claims(alice)));
    expectFailure(r, 'alg_not_allowed', 4, /"ES384"/);
  });
});

describe('step 5: crit (crit_unsupported)', () => {
  it('refuses a signed header with crit, whose signature is otherwise fine', async () => {
    const r = await verify(await rawSign(alice, hdr(alice, { crit: ['ect-x'], 'ect-x': 1 }), claims(alice)));
    expectFailure(r, 'crit_unsupported', 5, '["ect-x"]');
    expect(stepN(r, 7).status).toBe('pass');
  });

  it('refuses crit naming b64 (signed by jose)', async () => {
    const r = await verify(await signRaw(alice, hdr(alice, { crit: ['b64'], b64: true }), claims(alice)));
    expectFailure(r, 'crit_unsupported', 5, /b64/);
  });
});

describe('step 6: key (unknown_key, issuer_mismatch)', () => {
  it('refuses a JWS without kid', async () => {
    const { kid: _k, ...noKid } = hdr(alice);
    void _k;
    const r = await verify(await signRaw(alice, noKid, claims(alice)));
    expectFailure(r, 'unknown_key', 6, /no "kid"/);
    expect(stepN(r, 7).status).toBe('skip');
  });

  it('refuses a kid that is not a string', async () => {
    const r = await verify(await signRaw(alice, hdr(alice, { kid: 7 }), claims(alice)));
    expectFailure(r, 'unknown_key', 6, /"kid" must be a non-empty string, got 7/);
  });

  it('refuses an untrusted signer, naming its kid and issuer', async () => {
    const r = await verify(await sign(mallory, claims(mallory)));
    expectFailure(r, 'unknown_key', 6, `no trusted key has kid "${mallory.kid}"`);
    expect(stepN(r, 6).problems[0]!.message).toContain(mallory.iss);
  });

  it('refuses a trusted issuer with a kid it does not have', async () => {
    const r = await verify(await signRaw(alice, hdr(alice, { kid: 'agent-a-old-key' }), claims(alice)));
    expectFailure(r, 'unknown_key', 6, /is trusted, but none of its keys has kid "agent-a-old-key"/);
  });

  it('refuses a kid bound to another issuer (issuer_mismatch)', async () => {
    // Bob signs with his own key but claims to be Alice.
    const r = await verify(await sign(bob, claims(alice)));
    expectFailure(r, 'issuer_mismatch', 6, `kid "${bob.kid}" is bound to ${bob.iss}`);
    expect(stepN(r, 6).problems[0]!.message).toContain(alice.iss);
  });

  it('fails a token without iss at step 6 (issuer_mismatch) before the claim checks', async () => {
    const { iss: _i, ...noIss } = claims(alice);
    void _i;
    const r = await verify(await signRaw(alice, hdr(alice), noIss));
    expectFailure(r, 'issuer_mismatch', 6, /no usable "iss"/, false);
    expect(failedSteps(r)).toEqual([6, 8]);
    expect(r.codes).toEqual(['issuer_mismatch', 'missing_claim']);
  });

  it('fails a token without iss and with an unknown kid at step 6 (unknown_key)', async () => {
    const { iss: _i, ...noIss } = claims(mallory);
    void _i;
    const r = await verify(await signRaw(mallory, hdr(mallory), noIss));
    expectFailure(r, 'unknown_key', 6, /no usable "iss"/, false);
  });

  it('ignores an embedded jwk header, with a warning', async () => {
    const r = await verify(await signRaw(alice, hdr(alice, { jwk: mallory.key.publicJwk }), claims(alice)));
    expectValid(r);
    expect(r.warnings.join(' ')).toMatch(/"jwk".*ignored/);
  });

  it('does not trust a key embedded by an untrusted signer', async () => {
    const r = await verify(
      await signRaw(
        mallory,
        hdr(mallory, { jwk: mallory.key.publicJwk, jku: 'https://evil.example/jwks' }),
        claims(alice),
      ),
    );
    expectFailure(r, 'unknown_key', 6, mallory.kid);
    expect(r.warnings.join(' ')).toMatch(/"jwk"/);
    expect(r.warnings.join(' ')).toMatch(/"jku"/);
  });

  it('verifies against a plain JWKS with a warning that the issuer is unchecked', async () => {
    const r = await verify(await sign(alice, claims(alice)), { trust: jwksFor(alice) });
    expectValid(r);
    expect(r.key).toEqual({ kid: alice.kid, issuer: null });
    expect(r.warnings.join(' ')).toMatch(/plain JWKS/);
    expect(r.warnings.join(' ')).toMatch(/issuer.*unchecked/);
  });

  it('refuses an unknown kid against a plain JWKS', async () => {
    const r = await verify(await sign(mallory, claims(mallory)), { trust: jwksFor(alice) });
    expectFailure(r, 'unknown_key', 6, mallory.kid);
  });
});

describe('step 7: signature (invalid_signature)', () => {
  it('refuses a changed signature byte', async () => {
    const r = await verify(flipChar(await sign(alice, claims(alice)), 2, 10));
    expectFailure(r, 'invalid_signature', 7, `trusted key "${alice.kid}"`);
  });

  it('refuses a changed payload byte that still decodes', async () => {
    const c = claims(alice);
    const token = await sign(alice, c);
    let tampered: string | undefined;
    for (let at = 8; at < 400 && !tampered; at++) {
      const t = flipChar(token, 1, at);
      const d = decodeToken(t);
      // Keep iss intact so the change reaches the signature check.
      if (
        d.ok &&
        d.decoded.payload.iss === alice.iss &&
        JSON.stringify(d.decoded.payload) !== JSON.stringify(c)
      )
        tampered = t;
    }
    expect(tampered).toBeDefined();
    const r = await verify(tampered!);
    expectFailure(r, 'invalid_signature', 7, /changed after signing/, false);
  });

  it('refuses a payload swapped into another signed token', async () => {
    const [h, , s] = (await sign(alice, claims(alice))).split('.');
    const [, p] = (await sign(alice, claims(alice, { exec_act: 'deploy' }))).split('.');
    const r = await verify(`${h}.${p}.${s}`);
    expectFailure(r, 'invalid_signature', 7, /changed after signing/);
  });

  it("refuses a token signed by another key under a trusted agent's kid", async () => {
    const r = await verify(await signRaw(mallory, hdr(alice), claims(alice)));
    expectFailure(r, 'invalid_signature', 7, `"${alice.kid}"`);
  });

  it('refuses an empty signature', async () => {
    const [h, p] = (await sign(alice, claims(alice))).split('.');
    const r = await verify(`${h}.${p}.`);
    expect(r.code).toBe('invalid_signature');
  });

  it('refuses a signature whose last character differs only in unused bits (non-canonical base64url)', async () => {
    const token = await sign(alice, claims(alice));
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = token[token.length - 1]!;
    // An ES256 signature is 64 bytes: 86 characters whose last carries 4 unused bits.
    const changed = token.slice(0, -1) + A[A.indexOf(last) + 1]!;
    expect(changed).not.toBe(token);
    const r = await verify(changed);
    expect(r.valid).toBe(false);
  });
});

describe('step 8: claims (missing_claim, invalid_claim)', () => {
  const signed = (payload: JsonObject) => signRaw(alice, hdr(alice), payload);
  const without = (name: string): JsonObject => {
    const c = claims(alice);
    delete c[name];
    return c;
  };

  for (const name of ['aud', 'iat', 'exp', 'jti', 'exec_act', 'pred']) {
    it(`refuses a missing ${name}`, async () => {
      const r = await verify(await signed(without(name)), { audience: null });
      expectFailure(r, 'missing_claim', 8, `"${name}" is required`);
      expect(stepN(r, 8).problems[0]!.claim).toBe(name);
    });
  }

  const invalid: [string, unknown, RegExp | string][] = [
    ['aud', [], /"aud" must be a string or a non-empty array of strings, got an array of 0/],
    ['aud', 42, /"aud" must be .* got number 42/],
    ['aud', [BOB_ID, 7], /"aud" must be/],
    ['iat', '1767225540', /"iat" must be a whole number .* got string "1767225540"/],
    ['exp', NOW + 0.5, /"exp" must be a whole number/],
    ['jti', 'task-001', /"jti" must be a UUID .* "task-001"/],
    ['jti', 42, /"jti" must be a string, got number 42/],
    ['wid', 'workflow-1', /"wid" must be a UUID .* "workflow-1"/],
    ['exec_act', '', /"exec_act" must be a non-empty string/],
    ['exec_act', ['a'], /"exec_act" must be a non-empty string, got an array/],
    ['pred', 'x', /"pred" must be an array .* got string "x"/],
    ['pred', [''], /"pred"\[0\] must be a task id string/],
    ['inp_hash', 'sha-256:n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg', /"inp_hash" must be .* "sha-256:/],
    ['out_hash', 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCg', /"out_hash" must be .* 43 characters/],
    ['out_hash', 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg', /"out_hash"/],
    ['ect_ext', ['pol'], /"ect_ext" must be a JSON object, got an array/],
    ['ect_ext', 'x', /"ect_ext" must be a JSON object/],
  ];
  for (const [name, value, message] of invalid) {
    it(`refuses ${name} = ${JSON.stringify(value)}`, async () => {
      const r = await verify(await signed(claims(alice, { [name]: value })), { audience: null });
      expectFailure(r, 'invalid_claim', 8, message);
      expect(stepN(r, 8).problems[0]!.claim).toBe(name);
    });
  }

  it('refuses an empty iss at step 6 first, then at step 8', async () => {
    const r = await verify(await signed(claims(alice, { iss: '' })));
    expectFailure(r, 'issuer_mismatch', 6, /no usable "iss"/, false);
    expect(failedSteps(r)).toEqual([6, 8]);
    expect(r.codes).toEqual(['issuer_mismatch', 'invalid_claim']);
    expect(stepN(r, 8).problems[0]!.message).toMatch(/"iss" must be a non-empty string/);
  });

  it('accepts aud as a single string', async () => {
    expectValid(await verify(await sign(alice, claims(alice, { aud: BOB_ID }))));
  });

  it('accepts valid hashes and a wid', async () => {
    const h = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
    expectValid(await verify(await sign(alice, claims(alice, { inp_hash: h, out_hash: h, wid: uuid() }))));
  });

  it('accepts non-UUID ids with requireUuid off', async () => {
    const r = await verify(await signed(claims(alice, { jti: 'task-001', wid: 'wf-1' })), {
      settings: resolveSettings({ requireUuid: false }),
    });
    expectValid(r);
  });

  it('ignores sub and unknown claims in -01', async () => {
    expectValid(await verify(await signed(claims(alice, { sub: 'someone-else', foo: { bar: 1 } }))));
  });

  it('refuses par and pred together', async () => {
    const r = await verify(await signed(claims(alice, { par: [] })));
    expectFailure(r, 'invalid_claim', 8, /mixes -00 claims \(par\) with -01 claims \(pred\)/);
    expect(r.version).toBeNull();
  });

  it('refuses ext and ect_ext together', async () => {
    const r = await verify(await signed(claims(alice, { ext: {}, ect_ext: {} })));
    expectFailure(r, 'invalid_claim', 8, /mixes -00 claims \(ext\) with -01 claims \(pred, ect_ext\)/);
  });

  it('refuses pol without pol_decision in ect_ext (missing_claim)', async () => {
    const r = await verify(await signed(claims(alice, { ect_ext: { pol: 'policy-1' } })));
    expectFailure(r, 'missing_claim', 8, /"ect_ext\.pol_decision" is missing/);
  });

  it('refuses pol_decision without pol in ect_ext (missing_claim)', async () => {
    const r = await verify(await signed(claims(alice, { ect_ext: { pol_decision: 'approved' } })));
    expectFailure(r, 'missing_claim', 8, /"ect_ext\.pol" is missing/);
  });

  it("refuses pol_decision 'maybe' (invalid_claim)", async () => {
    const r = await verify(await signed(claims(alice, { ect_ext: { pol: 'p', pol_decision: 'maybe' } })));
    expectFailure(
      r,
      'invalid_claim',
      8,
      /pol_decision" must be one of approved, rejected, pending_human_review; got string "maybe"/,
    );
  });

  it('refuses a pol that is not a string', async () => {
    const r = await verify(await signed(claims(alice, { ect_ext: { pol: 5, pol_decision: 'approved' } })));
    expectFailure(r, 'invalid_claim', 8, /"ect_ext\.pol" must be a string/);
  });

  it('accepts every pol_decision value on the token itself', async () => {
    for (const d of ['approved', 'rejected', 'pending_human_review']) {
      expectValid(await verify(await sign(alice, claims(alice, { ect_ext: { pol: 'p', pol_decision: d } }))));
    }
  });
});

describe('-00 tokens', () => {
  const v00 = (extra: JsonObject = {}): JsonObject => {
    const { pred: _p, ...c } = claims(alice, { sub: alice.iss, par: [], ...extra });
    void _p;
    return c;
  };

  it('accepts par, typ wimse-exec+jwt, top-level pol/pol_decision approved and sub', async () => {
    const t = await sign(alice, v00({ pol: 'spending-limit', pol_decision: 'approved' }), '00');
    const r = await verify(t);
    expectValid(r);
    expect(r.version).toBe('00');
    expect(r.header?.typ).toBe('wimse-exec+jwt');
  });

  it('accepts a -00 token with typ exec+jwt too', async () => {
    expectValid(await verify(await signRaw(alice, hdr(alice), v00())));
  });

  it('refuses top-level pol without pol_decision (missing_claim)', async () => {
    const r = await verify(await signRaw(alice, hdr(alice, { typ: 'wimse-exec+jwt' }), v00({ pol: 'p' })));
    expectFailure(r, 'missing_claim', 8, /"pol_decision" is missing/);
  });

  it("refuses top-level pol_decision 'maybe' (invalid_claim)", async () => {
    const r = await verify(
      await signRaw(alice, hdr(alice, { typ: 'wimse-exec+jwt' }), v00({ pol: 'p', pol_decision: 'maybe' })),
    );
    expectFailure(r, 'invalid_claim', 8, /"maybe"/);
  });

  it('refuses a -00 token without par, naming par', async () => {
    const { par: _p, ...c } = v00({ ext: {} });
    void _p;
    const r = await verify(await signRaw(alice, hdr(alice), c));
    expectFailure(r, 'missing_claim', 8, /"par"/);
  });
});

describe('step 9: extension limits (invalid_ext)', () => {
  const signed = (payload: JsonObject) => signRaw(alice, hdr(alice), payload);
  const depth = (n: number): JsonObject => {
    let o: JsonObject = {};
    for (let i = 1; i < n; i++) o = { n: o };
    return o;
  };

  it('refuses an ect_ext over 4096 bytes', async () => {
    const r = await verify(await signed(claims(alice, { ect_ext: { blob: 'x'.repeat(4096) } })));
    expectFailure(r, 'invalid_ext', 9, /"ect_ext" is 4107 bytes as compact JSON; the limit is 4096/);
  });

  it('accepts an ect_ext of exactly 4096 bytes', async () => {
    const ect_ext = { blob: 'x'.repeat(4096 - 11) };
    expect(JSON.stringify(ect_ext).length).toBe(4096);
    expectValid(await verify(await signed(claims(alice, { ect_ext }))));
  });

  it('counts bytes as UTF-8, not characters', async () => {
    const ect_ext = { blob: '\u00e9'.repeat(2100) }; // 4200 bytes, 2111 characters
    const r = await verify(await signed(claims(alice, { ect_ext })));
    expectFailure(r, 'invalid_ext', 9, /4211 bytes/);
  });

  it('refuses an ect_ext nested 6 deep, accepts 5', async () => {
    const r = await verify(await signed(claims(alice, { ect_ext: depth(6) })));
    expectFailure(r, 'invalid_ext', 9, /nested 6 levels deep .* the limit is 5/);
    expectValid(await verify(await signed(claims(alice, { ect_ext: depth(5) }))));
  });

  it('counts arrays as a level', async () => {
    const r = await verify(await signed(claims(alice, { ect_ext: { a: [[[[[1]]]]] } })));
    expectFailure(r, 'invalid_ext', 9, /nested 6 levels/);
  });

  it('applies the limits to the -00 ext', async () => {
    const { pred: _p, ...c } = claims(alice, { par: [], ext: depth(7) });
    void _p;
    const r = await verify(await signed(c));
    expectFailure(r, 'invalid_ext', 9, /"ext" is nested 7 levels/);
  });

  it('follows the extMaxBytes and extMaxDepth settings', async () => {
    const t = await signed(claims(alice, { ect_ext: { a: { b: 'xx' } } }));
    const r = await verify(t, { settings: resolveSettings({ extMaxBytes: 10, extMaxDepth: 1 }) });
    expectFailure(r, 'invalid_ext', 9, /limit is 10/);
    expect(
      stepN(r, 9)
        .problems.map((p) => p.message)
        .join(' '),
    ).toMatch(/limit is 1\b/);
  });
});

describe('step 10: predecessor count (too_many_predecessors)', () => {
  const preds = (n: number) => Array.from({ length: n }, () => uuid());

  it('refuses 101 predecessors', async () => {
    const r = await verify(await signRaw(alice, hdr(alice), claims(alice, { pred: preds(101) })));
    expectFailure(r, 'too_many_predecessors', 10, /"pred" names 101 predecessors; at most 100/);
  });

  it('accepts 100 predecessors (no store: DAG step skipped)', async () => {
    const r = await verify(await sign(alice, claims(alice, { pred: preds(100) })));
    expectValid(r);
    expect(stepN(r, 15).status).toBe('skip');
  });

  it('follows maxPredecessors and counts -00 par', async () => {
    const { pred: _p, ...c } = claims(alice, { par: preds(3) });
    void _p;
    const r = await verify(await signRaw(alice, hdr(alice), c), {
      settings: resolveSettings({ maxPredecessors: 2 }),
    });
    expectFailure(r, 'too_many_predecessors', 10, /"par" names 3 predecessors; at most 2/);
  });
});

describe('step 11: audience (audience_mismatch)', () => {
  it('refuses a verifier that is not in aud, naming it', async () => {
    const r = await verify(await sign(alice, claims(alice)), { audience: CAROL_ID });
    expectFailure(r, 'audience_mismatch', 11, CAROL_ID);
    expect(stepN(r, 11).problems[0]!.message).toContain(BOB_ID);
  });

  it('finds the verifier in aud as a string', async () => {
    expectValid(await verify(await sign(alice, claims(alice, { aud: CAROL_ID })), { audience: CAROL_ID }));
    const r = await verify(await sign(alice, claims(alice, { aud: CAROL_ID })));
    expectFailure(r, 'audience_mismatch', 11, BOB_ID);
  });

  it('accepts the ledger as an audience', async () => {
    expectValid(await verify(await sign(alice, claims(alice)), { audience: LEDGER_ID }));
  });
});

describe('step 12: exp (expired)', () => {
  it('refuses a token expired beyond the skew', async () => {
    const r = await verify(await sign(alice, claims(alice, { iat: NOW - 700, exp: NOW - 31 })));
    expectFailure(r, 'expired', 12, /expired 31 s ago \(at 1767225569; allowed skew 30 s\)/);
  });

  it('accepts a token expired within the skew', async () => {
    expectValid(await verify(await sign(alice, claims(alice, { iat: NOW - 700, exp: NOW - 30 }))));
  });

  it('follows clockSkew', async () => {
    const t = await sign(alice, claims(alice, { iat: NOW - 700, exp: NOW - 1 }));
    expectFailure(
      await verify(t, { settings: resolveSettings({ clockSkew: 0 }) }),
      'expired',
      12,
      /allowed skew 0 s/,
    );
  });
});

describe('step 13: iat (iat_in_future, iat_too_old)', () => {
  it('refuses an iat beyond the skew in the future', async () => {
    const r = await verify(await sign(alice, claims(alice, { iat: NOW + 31, exp: NOW + 600 })));
    expectFailure(r, 'iat_in_future', 13, /issued 31 s in the future \(allowed skew 30 s\)/);
  });

  it('accepts an iat within the skew in the future', async () => {
    expectValid(await verify(await sign(alice, claims(alice, { iat: NOW + 30, exp: NOW + 600 }))));
  });

  it('refuses an iat older than iatMaxAge', async () => {
    const r = await verify(await sign(alice, claims(alice, { iat: NOW - 901, exp: NOW + 100 })));
    expectFailure(r, 'iat_too_old', 13, /issued 901 s ago; .* at most 900 s old/);
  });

  it('accepts an iat exactly iatMaxAge old', async () => {
    expectValid(await verify(await sign(alice, claims(alice, { iat: NOW - 900, exp: NOW + 100 }))));
  });

  it('follows iatMaxAge', async () => {
    const t = await sign(alice, claims(alice, { iat: NOW - 120 }));
    const r = await verify(t, { settings: resolveSettings({ iatMaxAge: 60 }) });
    expectFailure(r, 'iat_too_old', 13, /at most 60 s old/);
  });
});

describe('step 14: replay', () => {
  it('refuses the same jti a second time', async () => {
    const replay = new ReplayCache();
    const c = claims(alice);
    const t = await sign(alice, c);
    expectValid(await verify(t, { replay }));
    const r = await verify(t, { replay });
    expectFailure(r, 'replay', 14, `jti ${String(c.jti)} was already accepted`);
  });

  it('refuses another token reusing an accepted jti', async () => {
    const replay = new ReplayCache();
    const c = claims(alice);
    expectValid(await verify(await sign(alice, c), { replay }));
    const r = await verify(await sign(alice, { ...c, exec_act: 'other' }), { replay });
    expectFailure(r, 'replay', 14, String(c.jti));
  });

  it('does not record an invalid token', async () => {
    const replay = new ReplayCache();
    const c = claims(alice);
    await verify(await sign(alice, c), { replay, audience: CAROL_ID });
    expect(replay.size).toBe(0);
    expectValid(await verify(await sign(alice, c), { replay }));
  });

  it('is skipped with replayCache off', async () => {
    const replay = new ReplayCache();
    const settings = resolveSettings({ replayCache: false });
    const t = await sign(alice, claims(alice));
    expectValid(await verify(t, { replay, settings }));
    const r = await verify(t, { replay, settings });
    expectValid(r);
    expect(stepN(r, 14).status).toBe('skip');
  });
});

describe('step 15: DAG rules', () => {
  /** A ledger holding the given tokens, each verified on arrival. */
  async function accepted(...tokens: string[]): Promise<MemoryLedger> {
    const ledger = new MemoryLedger();
    for (const t of tokens) expectValid(await verify(t, { ledger }));
    return ledger;
  }

  it('accepts a child whose parent is in the store', async () => {
    const wid = uuid();
    const parent = claims(alice, { wid });
    const ledger = await accepted(await sign(alice, parent));
    const r = await verify(await sign(bob, claims(bob, { wid, pred: [parent.jti] })), { ledger });
    expectValid(r);
    expect(stepN(r, 15).status).toBe('pass');
    expect(await ledger.size()).toBe(2);
  });

  it('refuses a pred naming the token itself (cycle)', async () => {
    const c = claims(alice);
    c.pred = [c.jti];
    const r = await verify(await sign(alice, c), { ledger: new MemoryLedger() });
    expectFailure(r, 'cycle', 15, `"pred" names this task's own jti ${String(c.jti)}`);
    expect(r.codes).toEqual(['cycle', 'parent_not_found']);
  });

  it('refuses a token whose ancestors name it (cycle in a corrupted store)', async () => {
    const xJti = uuid();
    const a = claims(alice, { pred: [xJti] });
    const ledger = new MemoryLedger();
    await ledger.append(await sign(alice, a), a); // appended without the DAG check
    const r = await verify(await sign(bob, claims(bob, { jti: xJti, pred: [a.jti] })), { ledger });
    expectFailure(r, 'cycle', 15, `ancestor ${String(a.jti)}`);
    expect(r.codes).toEqual(['cycle']);
  });

  it('refuses a jti the store already holds (duplicate_jti)', async () => {
    const c = claims(alice);
    const ledger = await accepted(await sign(alice, c));
    const r = await verify(await sign(alice, { ...c, exec_act: 'again' }), { ledger });
    expectFailure(r, 'duplicate_jti', 15, `already holds a task with jti ${String(c.jti)}`);
  });

  it('scopes duplicate_jti to the wid', async () => {
    const c = claims(alice, { wid: uuid() });
    const ledger = await accepted(await sign(alice, c));
    let r = await verify(await sign(alice, { ...c, exec_act: 'again' }), { ledger });
    expectFailure(r, 'duplicate_jti', 15, `in workflow ${String(c.wid)}`);
    r = await verify(await sign(alice, { ...c, wid: uuid() }), { ledger });
    expectValid(r);
  });

  it('finds a duplicate in any workflow for a token without wid', async () => {
    const c = claims(alice, { wid: uuid() });
    const ledger = await accepted(await sign(alice, c));
    const { wid: _w, ...noWid } = c;
    void _w;
    const r = await verify(await sign(alice, noWid), { ledger });
    expectFailure(r, 'duplicate_jti', 15, `already holds a task with jti ${String(c.jti)}`);
  });

  it('refuses a predecessor that is not in the store (parent_not_found)', async () => {
    const missing = uuid();
    const r = await verify(await sign(alice, claims(alice, { pred: [missing] })), {
      ledger: new MemoryLedger(),
    });
    expectFailure(r, 'parent_not_found', 15, `predecessor ${missing} is not in the store`);
  });

  it('looks a parent up within the same wid first', async () => {
    const [w1, w2] = [uuid(), uuid()];
    const pJti = uuid();
    const ledger = await accepted(
      await sign(alice, claims(alice, { jti: pJti, wid: w2 })),
      await sign(alice, claims(alice, { jti: pJti, wid: w1 })),
    );
    expectValid(await verify(await sign(bob, claims(bob, { wid: w1, pred: [pJti] })), { ledger }));
    expectValid(await verify(await sign(bob, claims(bob, { wid: w2, pred: [pJti] })), { ledger }));
  });

  it('accepts an expired parent', async () => {
    const parent = claims(alice, { iat: NOW - 100_000, exp: NOW - 99_400 });
    const ledger = new MemoryLedger();
    await ledger.append(await sign(alice, parent), parent);
    expectValid(await verify(await sign(bob, claims(bob, { pred: [parent.jti] })), { ledger }));
  });

  it('refuses a parent issued after the child beyond the skew (temporal_violation)', async () => {
    const parent = claims(alice, { iat: NOW - 10 });
    const ledger = await accepted(await sign(alice, parent));
    const r = await verify(await sign(bob, claims(bob, { iat: NOW - 100, pred: [parent.jti] })), { ledger });
    expectFailure(
      r,
      'temporal_violation',
      15,
      `parent ${String(parent.jti)} was issued at ${NOW - 10}, 90 s after`,
    );
    expect(stepN(r, 15).problems[0]!.pred).toBe(parent.jti);
  });

  it('accepts a parent issued after the child within the skew', async () => {
    const parent = claims(alice, { iat: NOW - 70 });
    const ledger = await accepted(await sign(alice, parent));
    expectValid(
      await verify(await sign(bob, claims(bob, { iat: NOW - 100, pred: [parent.jti] })), { ledger }),
    );
  });

  it('refuses a parent in another workflow (workflow_mismatch)', async () => {
    const [w1, w2] = [uuid(), uuid()];
    const parent = claims(alice, { wid: w2 });
    const ledger = await accepted(await sign(alice, parent));
    const r = await verify(await sign(bob, claims(bob, { wid: w1, pred: [parent.jti] })), { ledger });
    expectFailure(
      r,
      'workflow_mismatch',
      15,
      `in workflow ${w1} but parent ${String(parent.jti)} is in workflow ${w2}`,
    );
  });

  it('refuses a parent without wid under a child with one (workflow_mismatch)', async () => {
    const parent = claims(alice);
    const ledger = await accepted(await sign(alice, parent));
    const r = await verify(await sign(bob, claims(bob, { wid: uuid(), pred: [parent.jti] })), { ledger });
    expectFailure(r, 'workflow_mismatch', 15, `parent ${String(parent.jti)} has no "wid"`);
  });

  it('accepts a child without wid under a parent with one', async () => {
    const parent = claims(alice, { wid: uuid() });
    const ledger = await accepted(await sign(alice, parent));
    expectValid(await verify(await sign(bob, claims(bob, { pred: [parent.jti] })), { ledger }));
  });

  it('refuses a parent whose pol_decision is not approved (parent_policy)', async () => {
    for (const decision of ['rejected', 'pending_human_review']) {
      const parent = claims(alice, { ect_ext: { pol: 'p', pol_decision: decision } });
      const ledger = await accepted(await sign(alice, parent));
      const r = await verify(await sign(bob, claims(bob, { pred: [parent.jti] })), { ledger });
      expectFailure(
        r,
        'parent_policy',
        15,
        `parent ${String(parent.jti)} carries pol_decision "${decision}"`,
      );
    }
  });

  it('applies parent_policy to a -00 parent with top-level pol_decision', async () => {
    const { pred: _p, ...parent } = claims(alice, { par: [], pol: 'p', pol_decision: 'rejected' });
    void _p;
    const ledger = await accepted(await sign(alice, parent, '00'));
    const r = await verify(await sign(bob, claims(bob, { pred: [parent.jti] })), { ledger });
    expectFailure(r, 'parent_policy', 15, /"rejected"/);
  });

  it('accepts an approved parent', async () => {
    const parent = claims(alice, { ect_ext: { pol: 'p', pol_decision: 'approved' } });
    const ledger = await accepted(await sign(alice, parent));
    expectValid(await verify(await sign(bob, claims(bob, { pred: [parent.jti] })), { ledger }));
  });

  it('does not apply parent_policy with enforceParentPolicy off', async () => {
    const parent = claims(alice, { ect_ext: { pol: 'p', pol_decision: 'rejected' } });
    const ledger = await accepted(await sign(alice, parent));
    const r = await verify(await sign(bob, claims(bob, { pred: [parent.jti] })), {
      ledger,
      settings: resolveSettings({ enforceParentPolicy: false }),
    });
    expectValid(r);
  });

  it('refuses more than traversalLimit distinct ancestors (traversal_limit)', async () => {
    const root = claims(alice);
    const a = claims(alice, { pred: [root.jti] });
    const b = claims(alice, { pred: [a.jti] });
    const side = claims(alice, { pred: [root.jti] });
    const ledger = await accepted(
      await sign(alice, root),
      await sign(alice, a),
      await sign(alice, b),
      await sign(alice, side),
    );
    const settings = resolveSettings({ traversalLimit: 3 });
    // b, a, root: 3 ancestors.
    expectValid(await verify(await sign(bob, claims(bob, { pred: [b.jti] })), { ledger, settings }));
    // Diamond: b, side, a, root counted once each = 4.
    const r = await verify(await sign(bob, claims(bob, { pred: [b.jti, side.jti] })), { ledger, settings });
    expectFailure(r, 'traversal_limit', 15, /more than 3 distinct ancestors/);
  });

  it('counts an ancestor reached by several paths once', async () => {
    const root = claims(alice);
    const l = claims(alice, { pred: [root.jti] });
    const rr = claims(alice, { pred: [root.jti] });
    const ledger = await accepted(await sign(alice, root), await sign(alice, l), await sign(alice, rr));
    const settings = resolveSettings({ traversalLimit: 3 });
    expectValid(await verify(await sign(bob, claims(bob, { pred: [l.jti, rr.jti] })), { ledger, settings }));
  });

  it('reports DAG problems in the order of section 7', async () => {
    const parent = claims(alice, {
      wid: uuid(),
      iat: NOW - 10,
      ect_ext: { pol: 'p', pol_decision: 'rejected' },
    });
    const ledger = await accepted(await sign(alice, parent));
    const missing = uuid();
    const r = await verify(
      await sign(bob, claims(bob, { jti: parent.jti, wid: parent.wid, iat: NOW - 100, pred: [missing] })),
      { ledger },
    );
    expectFailure(r, 'duplicate_jti', 15, String(parent.jti));
    expect(r.codes).toEqual(['duplicate_jti', 'parent_not_found']);
    const r2 = await verify(
      await sign(bob, claims(bob, { wid: uuid(), iat: NOW - 100, pred: [parent.jti] })),
      { ledger },
    );
    expect(r2.code).toBe('temporal_violation');
    expect(r2.codes).toEqual(['temporal_violation', 'workflow_mismatch', 'parent_policy']);
  });

  it('uses an explicit index over the ledger', async () => {
    const parent = claims(alice);
    const withParent = await accepted(await sign(alice, parent));
    const ledger = new MemoryLedger();
    const r = await verify(await sign(bob, claims(bob, { pred: [parent.jti] })), {
      ledger,
      index: withParent.index,
    });
    expectValid(r);
    expect(await ledger.size()).toBe(1);
  });
});

describe('step 16: append and record', () => {
  it('appends a valid token to the ledger and records its jti for replay', async () => {
    const ledger = new MemoryLedger();
    const replay = new ReplayCache();
    const c = claims(alice, { wid: uuid() });
    const t = await sign(alice, c);
    const r = await verify(t, { ledger, replay });
    expectValid(r);
    expect(stepN(r, 16).status).toBe('pass');
    expect(r.entry?.seq).toBe(1);
    expect(r.entry?.token).toBe(t);
    expect(r.entry?.claims).toEqual(c);
    expect(r.entry?.receipt).toBeUndefined();
    expect(r.level).toBe('L2');
    expect(await ledger.size()).toBe(1);
    expect(ledger.index.tasks(String(c.jti))).toHaveLength(1);
    expect(replay.has(String(c.jti), NOW)).toBe(true);

    const again = await verify(t, { ledger, replay });
    expectFailure(again, 'replay', 14, String(c.jti), false);
    expect(again.codes).toEqual(['replay', 'duplicate_jti']);
    expect(await ledger.size()).toBe(1);
  });

  it('appends nothing and records nothing for an invalid token', async () => {
    const ledger = new MemoryLedger();
    const replay = new ReplayCache();
    const r = await verify(await sign(alice, claims(alice, { iat: NOW - 2000, exp: NOW - 1400 })), {
      ledger,
      replay,
    });
    expect(r.valid).toBe(false);
    expect(stepN(r, 16).status).toBe('skip');
    expect(stepN(r, 16).note).toMatch(/not appended/);
    expect(r.entry).toBeUndefined();
    expect(await ledger.size()).toBe(0);
    expect(replay.size).toBe(0);
  });

  it('records for replay without a ledger', async () => {
    const replay = new ReplayCache();
    const c = claims(alice);
    const r = await verify(await sign(alice, c), { replay });
    expectValid(r);
    expect(stepN(r, 16).status).toBe('pass');
    expect(replay.has(String(c.jti), NOW)).toBe(true);
  });

  it('makes the token L3 with a signed receipt when the ledger has a key', async () => {
    const lk = await generateSigningKey({ kid: 'ledger-key' });
    const ledger = new MemoryLedger({
      key: { kid: lk.kid, privateKey: lk.privateKey, publicJwk: lk.publicJwk },
    });
    const c = claims(alice);
    const r = await verify(await sign(alice, c), { ledger });
    expectValid(r);
    expect(r.level).toBe('L3');
    expect(stepN(r, 16).note).toMatch(/receipt/);
    const receipt = r.entry?.receipt;
    expect(typeof receipt).toBe('string');
    const receiptClaims = await verifyReceipt(
      receipt!,
      (await importJWK(lk.publicJwk, 'ES256')) as CryptoKey,
    );
    expect(receiptClaims).toMatchObject({ seq: 1, entry_hash: r.entry!.entryHash, jti: c.jti });
    expect((await ledger.verifyChain()).ok).toBe(true);
  });
});

describe('the report lists every problem', () => {
  it('gives the first failing step as primary and keeps later codes (steps 8 and 12)', async () => {
    const c = claims(alice, { iat: NOW - 700, exp: NOW - 100 });
    delete c.exec_act;
    const r = await verify(await signRaw(alice, hdr(alice), c));
    expectFailure(r, 'missing_claim', 8, /"exec_act" is required/, false);
    expect(failedSteps(r)).toEqual([8, 12]);
    expect(r.codes).toEqual(['missing_claim', 'expired']);
    expect(stepN(r, 12).problems[0]!.code).toBe('expired');
  });

  it('lists several problems of one step and of several steps in step order', async () => {
    const c = claims(alice, { jti: 'task-1', iat: NOW + 100, exp: NOW + 700, ect_ext: { a: [[[[[]]]]] } });
    delete c.aud;
    const r = await verify(await signRaw(alice, hdr(alice, { typ: 'JWT' }), c));
    expect(r.code).toBe('invalid_typ');
    expect(r.codes).toEqual([
      'invalid_typ',
      'missing_claim',
      'invalid_claim',
      'invalid_ext',
      'audience_mismatch',
      'iat_in_future',
    ]);
    expect(failedSteps(r)).toEqual([3, 8, 9, 11, 13]);
  });

  it('still checks the claims of an L1 token below the minimum level', async () => {
    const c = claims(alice);
    delete c.jti;
    const r = await verify(l1Token(c));
    expect(r.code).toBe('level_below_minimum');
    expect(r.codes).toEqual(['level_below_minimum', 'missing_claim']);
  });

  it('runs steps 1-10 only in stored mode', async () => {
    const r = await verify(await sign(alice, claims(alice, { iat: NOW - 5000, exp: NOW - 4400 })), {
      mode: 'stored',
      audience: CAROL_ID,
    });
    expectValid(r);
    for (const n of [11, 12, 13, 14, 15, 16]) expect(stepN(r, n).status).toBe('skip');
  });
});
