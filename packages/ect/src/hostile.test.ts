/**
 * Hostile claims and headers in the core (issue 7, part 2): markup and
 * invisible characters stay data, huge and deep values neither hang nor crash
 * (a RangeError escaping the core is a bug: verify and audit report, they never
 * throw), duplicate JSON keys are refused, and odd numbers are judged truthfully.
 * No timed assertions: a hang shows up as the test timeout.
 */
import { quote } from './text.ts';
import { describe, it, expect } from 'vitest';
import { encodeBase64Url, encodeBase64UrlText } from './base64url.ts';
import { auditTokens } from './audit.ts';
import type { ErrorCode } from './codes.ts';
import { decodeToken, MAX_TOKEN_LENGTH, type JsonObject } from './decode.ts';
import { splitInput } from './input.ts';
import { MemoryLedger } from './ledger.ts';
import { MemoryReplayStore } from './replay.ts';
import { SettingsError } from './errors.ts';
import { resolveSettings } from './settings.ts';
import { verifyToken, type VerificationReport, type VerifyOptions } from './index.ts';
import { claims, l1Token, makeAgent, NOW, sign, trustFor, uuid, type Agent } from '../test/fixtures.ts';

const alice = await makeAgent('a');
const bob = await makeAgent('b');
const trust = trustFor(alice, bob);
const L1 = resolveSettings({ minLevel: 'L1' });

const verify = (token: string, opts: Partial<VerifyOptions> = {}): Promise<VerificationReport> =>
  verifyToken(token, { trust, now: NOW, audience: bob.iss, ...opts });

const HEADER = (agent: Agent, extra: JsonObject = {}) =>
  JSON.stringify({ alg: 'ES256', typ: 'exec+jwt', kid: agent.kid, ...extra });

/** ES256 with WebCrypto over header and payload given as JSON text (so the text can be anything). */
async function signText(agent: Agent, headerText: string, payloadText: string): Promise<string> {
  const input = `${encodeBase64UrlText(headerText)}.${encodeBase64UrlText(payloadText)}`;
  const sig = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    agent.key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${encodeBase64Url(new Uint8Array(sig))}`;
}

/** Valid claims as JSON text with `extra` (raw JSON text, e.g. `"x":1`) spliced in before the closing brace. */
const claimsText = (extra: string, overrides: JsonObject = {}): string =>
  `${JSON.stringify(claims(alice, overrides)).slice(0, -1)},${extra}}`;

const signedWith = (extra: string, overrides: JsonObject = {}, headerText = HEADER(alice)) =>
  signText(alice, headerText, claimsText(extra, overrides));

const stepOf = (r: VerificationReport, n: number) => r.steps[n - 1]!;
const failed = (r: VerificationReport) => r.steps.filter((s) => s.status === 'fail').map((s) => s.n);

/** Primary `code` from step `n` (the first failing step); the report is consistent. */
function expectCode(r: VerificationReport, code: ErrorCode, n: number, message?: string | RegExp): void {
  expect(r.valid).toBe(false);
  expect(r.code).toBe(code);
  expect(failed(r)[0]).toBe(n);
  const p = stepOf(r, n).problems.find((x) => x.code === code);
  expect(p, `step ${n} has no ${code}`).toBeDefined();
  if (typeof message === 'string') expect(p!.message).toContain(message);
  else if (message) expect(p!.message).toMatch(message);
}

const allMessages = (r: VerificationReport) => r.steps.flatMap((s) => s.problems.map((p) => p.message));

describe('markup and invisible characters stay data', () => {
  const hostile = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    '\u202egnp.exe',
    'a\u200bb\u200cc\u200dd\ufeffe\u2060f',
    '{{constructor.constructor("alert(1)")()}}',
    '${process.exit(1)}',
    '\u0000\u0007\u001b[31mred\u001b[0m\r\n',
    '\ud83d\ude00 \u0645\u0631\u062d\u0628\u0627 \u202b\u202a\u2066\u2069',
  ];

  it('a signed token with them in exec_act, ect_ext and unknown claims verifies, its payload unchanged', async () => {
    const c = claims(alice, {
      exec_act: hostile.join(' '),
      ect_ext: Object.fromEntries(hostile.map((h, i) => [`k${i}${h}`, h])),
      [hostile[0]!]: hostile[1]!,
      note: hostile,
    });
    const t = await sign(alice, c);
    const d = decodeToken(t);
    expect(d.ok && d.decoded.payload).toEqual(c);
    const r = await verify(t, { ledger: new MemoryLedger(), replay: new MemoryReplayStore() });
    expect(r.codes).toEqual([]);
    expect(r.payload).toEqual(c);
    expect(r.entry?.claims).toEqual(c);
  });

  for (const h of hostile) {
    it(`quotes ${JSON.stringify(h)} with invisible characters escaped in messages (jti, kid, typ, aud)`, async () => {
      const r = await verify(
        await signText(
          alice,
          HEADER(alice, { typ: h }),
          JSON.stringify(claims(alice, { jti: h, aud: [h], exec_act: h })),
        ),
      );
      expectCode(r, 'invalid_typ', 3, quote(h));
      expect(r.payload?.exec_act).toBe(h);
      const claimProblem = stepOf(r, 8).problems.find((p) => p.claim === 'jti');
      expect(claimProblem?.message).toContain(quote(h).slice(0, 20));
      expect(stepOf(r, 11).problems[0]!.message).toContain(quote([h]));
      const kidReport = await verify(
        await signText(alice, HEADER(alice, { kid: h }), JSON.stringify(claims(alice))),
      );
      expectCode(kidReport, 'unknown_key', 6, quote(h));
      // JSON escaping removes C0 control characters from every message.
      for (const m of [...allMessages(r), ...allMessages(kidReport)])
        expect(
          [...m].some((c) => c.charCodeAt(0) < 0x20),
          m,
        ).toBe(false);
    });
  }

  it('an L1 token keeps them too', async () => {
    const c = claims(alice, { exec_act: hostile.join('') });
    const r = await verify(l1Token(c), { settings: L1 });
    expect(r.codes).toEqual([]);
    expect(r.payload).toEqual(c);
  });
});

describe('huge values', () => {
  it('decodes a token carrying a 700 kB claim, and verifies it', async () => {
    const c = claims(alice, { exec_act: 'x'.repeat(700_000) });
    const t = await sign(alice, c);
    expect(t.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    const r = await verify(t);
    expect(r.codes).toEqual([]);
    expect(r.payload?.exec_act).toBe(c.exec_act);
  });

  it('refuses a token carrying a 1 MB claim with a message saying why, without decoding it', async () => {
    const t = await sign(alice, claims(alice, { exec_act: '\u00e9'.repeat(1_000_000) }));
    const d = decodeToken(t);
    expect(d.ok).toBe(false);
    expect(!d.ok && d.problem.message).toMatch(/characters long; tokens over 1,000,000 are refused/);
    expectCode(await verify(t), 'malformed', 1, /refused/);
    const l1 = l1Token(claims(alice, { exec_act: 'y'.repeat(1_000_000) }));
    expectCode(await verify(l1, { settings: L1 }), 'malformed', 1, /refused/);
  });

  it('refuses a 1 MB non-UUID jti with a short message (the value is cut)', async () => {
    const t = l1Token(claims(alice, { jti: 'j'.repeat(600_000) }));
    const r = await verify(t, { settings: L1 });
    expectCode(r, 'invalid_claim', 8, /"jti" must be a UUID/);
    expect(stepOf(r, 8).problems[0]!.message.length).toBeLessThan(300);
  });

  describe('100,000 predecessors', () => {
    const pred = Array.from({ length: 100_000 }, (_, i) => i.toString(36));

    it('are too_many_predecessors (step 10), with and without a store, also in an audit', async () => {
      const t = await signText(alice, HEADER(alice), JSON.stringify(claims(alice, { pred })));
      expect(t.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
      for (const opts of [{}, { ledger: new MemoryLedger(), replay: new MemoryReplayStore() }]) {
        const r = await verify(t, opts);
        expectCode(r, 'too_many_predecessors', 10, '"pred" names 100000 predecessors; at most 100');
        expect(r.steps.filter((s) => s.status === 'fail').map((s) => s.n)).toContain(10);
      }
      const audit = await auditTokens([t], { trust });
      expect(audit.nodes[0]!.codes).toContain('too_many_predecessors');
    });

    it('as -00 par in an L1 token, too', async () => {
      const { pred: _p, ...c } = claims(alice, { par: pred });
      void _p;
      const r = await verify(l1Token(c), { settings: L1 });
      expectCode(r, 'too_many_predecessors', 10, '"par" names 100000 predecessors');
    });
  });

  it('an aud of 100,000 strings without the verifier is audience_mismatch; of 100,000 numbers, invalid_claim', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => i.toString(36));
    const r = await verify(l1Token(claims(alice, { aud: many })), { settings: L1 });
    expectCode(r, 'audience_mismatch', 11, bob.iss);
    const ok = await verify(l1Token(claims(alice, { aud: [...many, bob.iss] })), { settings: L1 });
    expect(ok.codes).toEqual([]);
    const nums = await verify(l1Token(claims(alice, { aud: Array(100_000).fill(1) })), { settings: L1 });
    expectCode(
      nums,
      'invalid_claim',
      8,
      /"aud" must be a string or a non-empty array of strings, got an array of 100000/,
    );
  });
});

describe('deep nesting (100,000 levels): reported, never a RangeError out of the core', () => {
  const N = 100_000;
  const DEEP = '['.repeat(N) + ']'.repeat(N);

  it('JSON.parse copes with it (so any crash comes from later recursion)', () => {
    expect(() => JSON.parse(DEEP) as unknown).not.toThrow();
  });

  it('as an unknown claim: ignored, the token verifies', async () => {
    const r = await verify(await signedWith(`"x":${DEEP}`));
    expect(r.codes).toEqual([]);
  });

  it('in ect_ext: invalid_ext (step 9)', async () => {
    const r = await verify(await signedWith(`"ect_ext":{"a":${DEEP}}`));
    expectCode(r, 'invalid_ext', 9, /nested \d+ levels deep/);
  });

  it('as aud, with a verifier id: invalid_claim (step 8) then audience_mismatch (step 11)', async () => {
    const { aud: _a, ...rest } = claims(alice);
    void _a;
    const r = await verify(
      await signText(alice, HEADER(alice), `${JSON.stringify(rest).slice(0, -1)},"aud":${DEEP}}`),
    );
    expectCode(r, 'invalid_claim', 8, /"aud" must be/);
    expect(r.codes).toContain('audience_mismatch');
  });

  it('as pred: invalid_claim (step 8)', async () => {
    const { pred: _p, ...rest } = claims(alice);
    void _p;
    const r = await verify(
      await signText(alice, HEADER(alice), `${JSON.stringify(rest).slice(0, -1)},"pred":${DEEP}}`),
    );
    expectCode(r, 'invalid_claim', 8, /"pred"\[0\] must be a task id string/);
  });

  const headerCases: [string, ErrorCode, number][] = [
    ['typ', 'invalid_typ', 3],
    ['crit', 'crit_unsupported', 5],
    ['kid', 'unknown_key', 6],
  ];
  for (const [name, code, n] of headerCases) {
    it(`as header ${name}: ${code} (step ${n})`, async () => {
      const headerText = `${HEADER(alice).slice(0, -1).replace(`"${name}":`, '"_old":')},"${name}":${DEEP}}`;
      const r = await verify(await signText(alice, headerText, JSON.stringify(claims(alice))));
      expectCode(r, code, n);
    });
  }

  it('as header alg: malformed (decodeToken reports, does not throw)', async () => {
    const t = `${encodeBase64UrlText(`{"typ":"exec+jwt","kid":"k","alg":${DEEP}}`)}.${encodeBase64UrlText('{}')}.c2ln`;
    let d: ReturnType<typeof decodeToken> | undefined;
    expect(() => (d = decodeToken(t))).not.toThrow();
    expect(d?.ok).toBe(false);
    expectCode(await verify(t), 'malformed', 1, /"alg" must be a string/);
  });

  it('in an audited set: a -00 parent with a deep pol_decision, and its child', async () => {
    const parent = claims(alice, { pol: 'p', par: [] });
    delete parent.pred;
    const parentText = `${JSON.stringify(parent).slice(0, -1)},"pol_decision":${DEEP}}`;
    const child = claims(bob, { pred: [String(parent.jti)] });
    const tokens = [
      await signText(alice, HEADER(alice, { typ: 'wimse-exec+jwt' }), parentText),
      await sign(bob, child),
    ];
    const report = await auditTokens(tokens, { trust });
    expect(report.nodes[0]!.codes).toContain('invalid_claim');
    expect(report.violations.some((v) => v.code === 'parent_policy' && v.jti === child.jti)).toBe(true);
  });

  it('as an item of a JSON array given to splitInput: kept (as text), not thrown', () => {
    let result: ReturnType<typeof splitInput> | undefined;
    expect(() => (result = splitInput(`["abc", ${DEEP}]`))).not.toThrow();
    expect(result?.tokens).toHaveLength(2);
    expect(result?.tokens[0]).toBe('abc');
  });

  it('in an L1 token claim, with minLevel L1: verifies (unknown claim)', async () => {
    const t = encodeBase64UrlText(claimsText(`"x":${DEEP}`));
    expect((await verify(t, { settings: L1 })).codes).toEqual([]);
  });
});

describe('duplicate JSON keys (decision: refused as malformed, naming the key)', () => {
  // JSON.parse keeps the last value, other parsers keep the first or refuse: two
  // verifiers could read two different tokens from one signature. RFC 7515
  // section 5.2 and RFC 7519 section 4 allow refusing; the project refuses.
  const expectDuplicate = (d: ReturnType<typeof decodeToken>, part: string, key: string) => {
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.problem.code).toBe('malformed');
    expect(d.problem.part).toBe(part);
    expect(d.problem.message).toMatch(/duplicate/i);
    expect(d.problem.message).toContain(`"${key}"`);
  };

  it('refuses a payload with two jti', async () => {
    const t = await signedWith(`"jti":"${uuid()}"`);
    expectDuplicate(decodeToken(t), 'payload', 'jti');
    expectCode(await verify(t), 'malformed', 1, '"jti"');
  });

  it('refuses two iss, the second one being a trusted issuer', async () => {
    const t = await signText(
      alice,
      HEADER(alice),
      `${JSON.stringify(claims(alice, { iss: 'spiffe://evil/agent' })).slice(0, -1)},"iss":${JSON.stringify(alice.iss)}}`,
    );
    expectCode(await verify(t), 'malformed', 1, '"iss"');
  });

  it('refuses a header with two alg (none first, ES256 last)', async () => {
    const headerText = `{"alg":"none","typ":"exec+jwt","kid":${JSON.stringify(alice.kid)},"alg":"ES256"}`;
    const t = await signText(alice, headerText, JSON.stringify(claims(alice)));
    expectDuplicate(decodeToken(t), 'header', 'alg');
    expectCode(await verify(t), 'malformed', 1, '"alg"');
  });

  it('refuses a duplicate spelled with a JSON escape ("j\\u0074i")', async () => {
    const t = await signedWith(`"j\\u0074i":"${uuid()}"`);
    expectDuplicate(decodeToken(t), 'payload', 'jti');
  });

  it('refuses a duplicate nested in ect_ext (pol_decision rejected, then approved)', async () => {
    const t = await signedWith('"ect_ext":{"pol":"p","pol_decision":"rejected","pol_decision":"approved"}');
    expectDuplicate(decodeToken(t), 'payload', 'pol_decision');
  });

  it('refuses a duplicate in an L1 token', () => {
    expectDuplicate(decodeToken(encodeBase64UrlText(claimsText(`"exp":${NOW + 9999}`))), 'token', 'exp');
  });

  it('still accepts the same key in two different objects', async () => {
    const t = await signedWith('"ect_ext":{"a":{"k":1},"b":{"k":2}}');
    expect((await verify(t)).codes).toEqual([]);
  });
});

describe('numbers in iat and exp', () => {
  const withTimes = (iat: string, exp: string) => {
    const c = claims(alice);
    delete c.iat;
    delete c.exp;
    return signText(alice, HEADER(alice), `${JSON.stringify(c).slice(0, -1)},"iat":${iat},"exp":${exp}}`);
  };

  const invalid: [string, string][] = [
    ['1e309', 'Infinity after parsing'],
    ['-1e309', '-Infinity after parsing'],
    ['1.5', 'not whole'],
    ['9007199254740993', '2^53 + 1, above the safe integers'],
    ['9007199254740992', '2^53, not a safe integer'],
    ['1e300', 'a whole number far above the safe integers'],
  ];
  for (const [text, why] of invalid) {
    it(`refuses iat and exp ${text} (${why}) as invalid_claim`, async () => {
      for (const [iat, exp, claim] of [
        [text, String(NOW + 540), 'iat'],
        [String(NOW - 60), text, 'exp'],
      ] as const) {
        const r = await verify(await withTimes(iat, exp));
        expectCode(r, 'invalid_claim', 8, `"${claim}" must be a whole number of seconds`);
        expect(stepOf(r, 8).problems[0]!.claim).toBe(claim);
        expect(stepOf(r, claim === 'iat' ? 13 : 12).status).toBe('skip');
      }
    });
  }

  it('says Infinity (or the original value) for 1e309, not "null"', async () => {
    const r = await verify(await withTimes('1e309', String(NOW + 540)));
    const m = stepOf(r, 8).problems[0]!.message;
    expect(m).not.toMatch(/\bnull\b/);
    expect(m).toMatch(/Infinity|1e309|too large|finite/i);
  });

  it('reads -0 as 0: a valid claim type, so iat_too_old / expired at the time steps', async () => {
    const r = await verify(await withTimes('-0', String(NOW + 540)));
    expect(stepOf(r, 8).status).toBe('pass');
    expectCode(r, 'iat_too_old', 13, `issued ${NOW} s ago`);
    const e = await verify(await withTimes(String(NOW - 60), '-0'));
    expect(stepOf(e, 8).status).toBe('pass');
    expectCode(e, 'expired', 12, `expired ${NOW} s ago`);
  });

  it('accepts exponent and fraction spellings of whole numbers (1.767e9 style, 60.0)', async () => {
    const r = await verify(await withTimes(`${NOW - 60}.0`, `${(NOW + 540) / 10}e1`));
    expect(r.codes).toEqual([]);
    expect(r.payload?.iat).toBe(NOW - 60);
  });
});

describe('prototype-shaped names', () => {
  it('claims only under "__proto__" are not claims: every one is missing', async () => {
    const inner = JSON.stringify(claims(alice));
    const t = await signText(alice, HEADER(alice), `{"__proto__":${inner}}`);
    const r = await verify(t);
    expect(r.valid).toBe(false);
    expect(r.codes).toContain('missing_claim');
    expect(r.jti).toBeNull();
    expect(({} as Record<string, unknown>).iss).toBeUndefined();
  });

  it('constructor, toString, hasOwnProperty and __proto__ as extra claims are ignored (the token verifies)', async () => {
    const extra = '"constructor":1,"toString":"x","hasOwnProperty":null,"__proto__":{"a":1},"valueOf":[]';
    const t = await signedWith(extra, { ect_ext: { constructor: 'x', ['__proto__']: 1 } });
    const r = await verify(t, { ledger: new MemoryLedger(), replay: new MemoryReplayStore() });
    expect(r.codes).toEqual([]);
  });

  it('resolveSettings refuses Object.prototype names as unknown settings (SettingsError)', () => {
    for (const text of [
      '{"hasOwnProperty":1}',
      '{"isPrototypeOf":1}',
      '{"propertyIsEnumerable":1}',
      '{"constructor":1}',
      '{"toString":1}',
      '{"__proto__":1}',
    ]) {
      expect(() => resolveSettings(JSON.parse(text)), text).toThrow(SettingsError);
      expect(() => resolveSettings(JSON.parse(text)), text).toThrow(/unknown setting/);
    }
  });
});
