/**
 * JOSE header attacks (issue 7, part 3; ECT-PROFILE.md section 2): each one
 * is refused for the right reason, that is with the right code at the right
 * step, and nothing embedded in the token (jwk, jku, x5u) is ever trusted or
 * fetched. Cases verify.test.ts already covers (HS256 with the JWK JSON as
 * secret, plain `none`, `es256`, crit ["b64"], kid 7, untrusted embedded jwk)
 * are not repeated here.
 */
import { quote } from './text.ts';
import { describe, it, expect, vi, afterEach } from 'vitest';
import { CompactSign } from 'jose';
import { decodeBase64Url, encodeBase64Url, encodeBase64UrlText } from './base64url.ts';
import type { ErrorCode } from './codes.ts';
import type { JsonObject } from './decode.ts';
import { resolveSettings } from './settings.ts';
import { verifyToken, type VerificationReport, type VerifyOptions } from './index.ts';
import { claims, handToken, makeAgent, NOW, sign, trustFor, type Agent } from '../test/fixtures.ts';

const alice = await makeAgent('a');
const bob = await makeAgent('b');
/** Not in the trust store: the attacker. */
const mallory = await makeAgent('m');
const trust = trustFor(alice, bob);

const verify = (token: string, opts: Partial<VerifyOptions> = {}): Promise<VerificationReport> =>
  verifyToken(token, { trust, now: NOW, audience: bob.iss, ...opts });

const hdr = (agent: Agent, extra: JsonObject = {}): JsonObject => ({
  alg: 'ES256',
  typ: 'exec+jwt',
  kid: agent.kid,
  ...extra,
});

/** ES256 with WebCrypto over any header text and payload text (what jose would refuse to write). */
async function signText(agent: Agent, headerText: string, payloadText: string): Promise<string> {
  const input = `${encodeBase64UrlText(headerText)}.${encodeBase64UrlText(payloadText)}`;
  const sig = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    agent.key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${encodeBase64Url(new Uint8Array(sig))}`;
}

const rawSign = (agent: Agent, header: JsonObject, payload: JsonObject) =>
  signText(agent, JSON.stringify(header), JSON.stringify(payload));

const failed = (r: VerificationReport) => r.steps.filter((s) => s.status === 'fail').map((s) => s.n);

/** Invalid with primary `code` raised by step `n`, the first failing step; with `only`, the only one. */
function expectRefused(
  r: VerificationReport,
  code: ErrorCode,
  n: number,
  message?: string | RegExp,
  only = true,
) {
  expect(r.valid).toBe(false);
  expect(r.code).toBe(code);
  const step = r.steps[n - 1]!;
  expect(step.n).toBe(n);
  expect(step.status).toBe('fail');
  const p = step.problems.find((x) => x.code === code);
  expect(p, `step ${n} has no ${code}`).toBeDefined();
  if (typeof message === 'string') expect(p!.message).toContain(message);
  else if (message) expect(p!.message).toMatch(message);
  expect(failed(r)[0]).toBe(n);
  if (only) expect(failed(r)).toEqual([n]);
}

const status = (r: VerificationReport, n: number) => r.steps[n - 1]!.status;

describe('alg confusion: HMAC keyed with the public key', () => {
  const x = String(alice.key.publicJwk.x);
  const secrets: [string, Uint8Array][] = [
    ['the x coordinate as base64url text', new TextEncoder().encode(x)],
    ['the x coordinate as bytes', decodeBase64Url(x)],
    [
      'x || y as bytes',
      new Uint8Array([...decodeBase64Url(x), ...decodeBase64Url(String(alice.key.publicJwk.y))]),
    ],
  ];
  for (const [name, secret] of secrets) {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      it(`refuses ${alg} keyed with ${name}, even when allowedAlgs lists it`, async () => {
        const t = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims(alice))))
          .setProtectedHeader({ alg, typ: 'exec+jwt', kid: alice.kid })
          .sign(secret);
        for (const settings of [undefined, resolveSettings({ allowedAlgs: ['ES256', alg] })]) {
          const r = await verify(t, settings ? { settings } : {});
          expectRefused(r, 'alg_not_allowed', 4, `"${alg}" is always refused`);
          expect(r.steps[3]!.problems[0]!.claim).toBe('alg');
          expect(status(r, 7)).toBe('skip');
        }
      });
    }
  }
});

describe('alg none and its spellings', () => {
  const payload = () => claims(alice);
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    for (const [what, sig] of [
      ['an empty signature', ''],
      ['a non-empty signature', 'c2lnbmF0dXJl'],
    ] as const) {
      it(`refuses alg ${JSON.stringify(alg)} with ${what}, even when allowedAlgs lists it`, async () => {
        const t = handToken({ alg, typ: 'exec+jwt', kid: alice.kid }, payload(), sig);
        for (const settings of [undefined, resolveSettings({ allowedAlgs: ['ES256', alg] })]) {
          const r = await verify(t, settings ? { settings } : {});
          expectRefused(r, 'alg_not_allowed', 4, `${JSON.stringify(alg)} is always refused`);
          expect(status(r, 7)).toBe('skip');
          expect(r.key).toBeUndefined();
        }
      });
    }
  }

  it('refuses a real ES256 token whose header was re-labelled none and signature stripped', async () => {
    const [, p] = (await sign(alice, claims(alice))).split('.');
    const h = encodeBase64UrlText(JSON.stringify({ alg: 'none', typ: 'exec+jwt', kid: alice.kid }));
    expectRefused(await verify(`${h}.${p}.`), 'alg_not_allowed', 4, /always refused/);
  });
});

describe('an ES256 token re-labelled with another algorithm', () => {
  const relabel = async (alg: string) => {
    const [, p, s] = (await sign(alice, claims(alice))).split('.');
    return `${encodeBase64UrlText(JSON.stringify(hdr(alice, { alg })))}.${p}.${s}`;
  };

  for (const alg of ['RS256', 'PS256', 'EdDSA', 'ES384', 'ES512']) {
    it(`refuses ${alg} by default (alg_not_allowed), checking no signature`, async () => {
      const r = await verify(await relabel(alg));
      expectRefused(r, 'alg_not_allowed', 4, `${JSON.stringify(alg)} is not in the allow-list [ES256]`);
      expect(status(r, 7)).toBe('skip');
    });
  }

  for (const alg of ['RS256', 'PS256', 'EdDSA', 'Ed25519', 'ES384', 'ES512']) {
    it(`with ${alg} allowed, an EC P-256 key cannot verify it (invalid_signature, not a crash)`, async () => {
      const settings = resolveSettings({ allowedAlgs: ['ES256', alg] });
      // Re-labelled (signature over the old header) and signed afresh with the P-256 key under the new label.
      for (const t of [await relabel(alg), await rawSign(alice, hdr(alice, { alg }), claims(alice))]) {
        const r = await verify(t, { settings });
        expectRefused(r, 'invalid_signature', 7, undefined);
        expect(r.steps[3]!.status).toBe('pass');
        expect(r.key).toBeUndefined();
      }
    });
  }

  it('RS1 or ES256K cannot even be put in the allow-list (not supported algorithms)', () => {
    expect(() => resolveSettings({ allowedAlgs: ['ES256', 'RS1'] })).toThrow(/not RS1/);
    expect(() => resolveSettings({ allowedAlgs: ['ES256', 'ES256K'] })).toThrow(/not ES256K/);
  });
});

describe('crit', () => {
  const cases: [string, unknown][] = [
    ['an empty array', []],
    ['a string instead of an array', 'b64'],
    ['null', null],
    ['an object', { b64: true }],
    ['a registered-looking claim name', ['exp']],
    ['a known-looking extension with its parameter present', ['ect-version']],
  ];
  for (const [name, crit] of cases) {
    it(`refuses crit as ${name} (crit_unsupported), the signature itself being fine`, async () => {
      const extra: JsonObject = { crit };
      if (Array.isArray(crit) && crit[0] === 'ect-version') extra['ect-version'] = '01';
      const r = await verify(await rawSign(alice, hdr(alice, extra), claims(alice)));
      expectRefused(r, 'crit_unsupported', 5, JSON.stringify(crit));
      expect(r.steps[4]!.problems[0]!.claim).toBe('crit');
      expect(status(r, 7)).toBe('pass');
    });
  }
});

describe('embedded key material and key URLs', () => {
  const fetchSpy = vi.fn(() => {
    throw new Error('the verifier must never fetch anything');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    fetchSpy.mockClear();
  });

  it("refuses the attacker's own jwk in the header, signed by that key, under a trusted kid", async () => {
    const t = await rawSign(mallory, hdr(alice, { jwk: mallory.key.publicJwk }), claims(alice));
    const r = await verify(t);
    expectRefused(r, 'invalid_signature', 7, `"${alice.kid}"`);
    expect(r.steps[5]!.status).toBe('pass');
    expect(r.warnings.join(' ')).toMatch(/"jwk"; embedded key material is ignored/);
  });

  it('refuses an attacker jwk that even claims the trusted kid, with x5c alongside', async () => {
    const jwk = { ...mallory.key.publicJwk, kid: alice.kid };
    const t = await rawSign(mallory, hdr(alice, { jwk, x5c: ['MIIB'] }), claims(alice));
    const r = await verify(t);
    expectRefused(r, 'invalid_signature', 7);
    expect(r.warnings.join(' ')).toMatch(/"jwk"/);
    expect(r.warnings.join(' ')).toMatch(/"x5c"/);
  });

  const urls = {
    jku: 'https://evil.example/jwks.json',
    x5u: 'https://evil.example/cert.pem',
  };

  it('never fetches jku or x5u: untrusted kid (unknown_key), trusted kid with a foreign signature, and a valid token', async () => {
    vi.stubGlobal('fetch', fetchSpy);
    const unknown = await verify(await rawSign(mallory, hdr(mallory, urls), claims(mallory)));
    expectRefused(unknown, 'unknown_key', 6, mallory.kid);
    const forged = await verify(await rawSign(mallory, hdr(alice, urls), claims(alice)));
    expectRefused(forged, 'invalid_signature', 7);
    const genuine = await verify(await rawSign(alice, hdr(alice, urls), claims(alice)));
    expect(genuine.code).toBeNull();
    expect(genuine.valid).toBe(true);
    for (const r of [unknown, forged, genuine]) {
      expect(r.warnings.join(' ')).toMatch(/"jku"; embedded key material is ignored/);
      expect(r.warnings.join(' ')).toMatch(/"x5u"; embedded key material is ignored/);
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('kid tricks', () => {
  for (const kid of [
    '../../etc/passwd',
    'agent-a-key\u0000',
    'agent-a-key\u0000../x',
    '\u0000',
    'constructor',
    '__proto__',
  ]) {
    it(`refuses kid ${JSON.stringify(kid)} (unknown_key), quoting it JSON-escaped`, async () => {
      const r = await verify(await rawSign(alice, hdr(alice, { kid }), claims(alice)));
      expectRefused(r, 'unknown_key', 6, JSON.stringify(kid));
      expect(r.steps[5]!.problems[0]!.message).not.toContain('\u0000');
      expect(status(r, 7)).toBe('skip');
    });
  }

  it("refuses a kid of a key bound to another issuer (issuer_mismatch), even signed by the token's issuer", async () => {
    const r = await verify(await rawSign(alice, hdr(alice, { kid: bob.kid }), claims(alice)));
    expectRefused(r, 'issuer_mismatch', 6, `kid "${bob.kid}" is bound to ${bob.iss}`);
    expect(status(r, 7)).toBe('skip');
  });

  const notStrings: unknown[] = [0, -1, 1.5, true, null, '', [], [alice.kid], {}, { kid: alice.kid }];
  for (const kid of notStrings) {
    it(`refuses kid ${JSON.stringify(kid)} (unknown_key with a message)`, async () => {
      const r = await verify(await rawSign(alice, hdr(alice, { kid }), claims(alice)));
      expectRefused(r, 'unknown_key', 6, `"kid" must be a non-empty string, got ${JSON.stringify(kid)}`);
      expect(r.steps[5]!.problems[0]!.claim).toBe('kid');
    });
  }
});

describe('typ variations', () => {
  for (const typ of ['EXEC+JWT', 'application/exec+jwt', 'APPLICATION/WIMSE-EXEC+JWT']) {
    it(`accepts typ ${JSON.stringify(typ)}`, async () => {
      const r = await verify(await rawSign(alice, hdr(alice, { typ }), claims(alice)));
      expect(r.codes).toEqual([]);
      expect(r.valid).toBe(true);
    });
  }

  const refused: unknown[] = [
    'exec+jwt; charset=x',
    'jwt',
    'JWT',
    ' exec+jwt',
    'exec+jwt ',
    'exec+jwt\n',
    'exec+jwt\u0000',
    'application/application/exec+jwt',
    'application/',
    '',
    'wim\u017fe-exec+jwt', // LATIN SMALL LETTER LONG S upper-cases to S: must not match
    '\u0435xec+jwt', // CYRILLIC SMALL LETTER IE
    'exec+jwt\u200b',
    null,
    ['exec+jwt'],
    { typ: 'exec+jwt' },
  ];
  for (const typ of refused) {
    it(`refuses typ ${JSON.stringify(typ)} (invalid_typ), quoting it`, async () => {
      const r = await verify(await rawSign(alice, hdr(alice, { typ }), claims(alice)));
      expectRefused(r, 'invalid_typ', 3, quote(typ));
      expect(r.steps[2]!.problems[0]!.claim).toBe('typ');
      // typ is not part of key selection: the signature is still checked, and fine.
      expect(status(r, 7)).toBe('pass');
    });
  }
});

describe('signature encodings', () => {
  const parts = async () => (await sign(alice, claims(alice))).split('.') as [string, string, string];

  for (const [name, change] of [
    ['63 bytes (last byte cut)', (s: Uint8Array) => s.slice(0, 63)],
    ['65 bytes (a zero byte appended)', (s: Uint8Array) => new Uint8Array([...s, 0])],
    ['65 bytes (a zero byte prepended)', (s: Uint8Array) => new Uint8Array([0, ...s])],
    ['32 bytes (r only)', (s: Uint8Array) => s.slice(0, 32)],
    ['128 bytes (r || s twice)', (s: Uint8Array) => new Uint8Array([...s, ...s])],
    ['64 zero bytes', () => new Uint8Array(64)],
    ['DER (ASN.1 SEQUENCE of r and s) instead of raw r || s', (s: Uint8Array) => toDer(s)],
  ] as const) {
    it(`refuses a signature of ${name} (invalid_signature)`, async () => {
      const [h, p, s] = await parts();
      const r = await verify(`${h}.${p}.${encodeBase64Url(change(decodeBase64Url(s)))}`);
      expectRefused(r, 'invalid_signature', 7, `trusted key "${alice.kid}"`);
    });
  }

  it('a malleated ECDSA signature (r, n - s) cannot replay an accepted token: the jti is a replay', async () => {
    const { MemoryReplayStore } = await import('./replay.ts');
    const replay = new MemoryReplayStore();
    const t = await sign(alice, claims(alice));
    const [h, p, s] = t.split('.') as [string, string, string];
    const sig = decodeBase64Url(s);
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const sValue = BigInt(`0x${Buffer.from(sig.slice(32)).toString('hex')}`);
    const flipped = (n - sValue).toString(16).padStart(64, '0');
    const other = `${h}.${p}.${encodeBase64Url(new Uint8Array([...sig.slice(0, 32), ...Buffer.from(flipped, 'hex')]))}`;
    expect(other).not.toBe(t);
    expect((await verify(t, { replay })).valid).toBe(true);
    const again = await verify(other, { replay });
    expect(again.valid).toBe(false);
    expect(again.codes).toContain('replay');
  });
});

describe('b64 (RFC 7797 unencoded payload)', () => {
  it('ignores b64:false without crit, as any unknown header parameter (the payload is still base64url)', async () => {
    const c = claims(alice);
    const r = await verify(await rawSign(alice, hdr(alice, { b64: false }), c));
    expect(r.codes).toEqual([]);
    expect(r.payload).toEqual(c);
  });

  it('refuses b64:false with crit ["b64"] and a raw JSON payload as malformed (payload outside base64url)', async () => {
    const header = encodeBase64UrlText(JSON.stringify(hdr(alice, { b64: false, crit: ['b64'] })));
    const payload = JSON.stringify(claims(alice));
    const sig = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      alice.key.privateKey,
      new TextEncoder().encode(`${header}.${payload}`),
    );
    const r = await verify(`${header}.${payload}.${encodeBase64Url(new Uint8Array(sig))}`);
    expectRefused(r, 'malformed', 1);
    // The raw JSON has dots of its own (in iss), so the token splits into more than three parts.
    expect(['token', 'payload']).toContain(r.decodeProblem?.part);
  });

  it('refuses b64:false with crit ["b64"] even when the payload is base64url text (crit_unsupported)', async () => {
    const r = await verify(await rawSign(alice, hdr(alice, { b64: false, crit: ['b64'] }), claims(alice)));
    expectRefused(r, 'crit_unsupported', 5, '["b64"]');
  });
});

/** ECDSA r || s (32 bytes each) as the DER SEQUENCE { INTEGER r, INTEGER s } that some libraries emit. */
function toDer(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array): number[] => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = [...b.slice(i)];
    if (v[0]! & 0x80) v.unshift(0);
    return [0x02, v.length, ...v];
  };
  const body = [...int(raw.slice(0, 32)), ...int(raw.slice(32))];
  return new Uint8Array([0x30, body.length, ...body]);
}
