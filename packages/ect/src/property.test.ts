/**
 * Property-based tests of the core (issue 7, part 1), with fast-check: for any
 * input, `splitInput`, `decodeToken`, `verifyToken` and `auditTokens` never
 * throw and always return a consistent report (codes from ERROR_CODES, `valid`
 * exactly when `code` is null, every step pass/fail/skip, every problem raised
 * by a step that may raise its code); and a valid token with any single
 * character changed, deleted or inserted never verifies.
 */
import { quote } from './text.ts';
import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { auditTokens, type AuditReport } from './audit.ts';
import { encodeBase64Url, encodeBase64UrlText } from './base64url.ts';
import { ERROR_CODES, isErrorCode } from './codes.ts';
import { decodeToken, type DecodeResult, type JsonObject } from './decode.ts';
import { splitInput, type SplitResult } from './input.ts';
import { MemoryLedger } from './ledger.ts';
import { MemoryReplayStore } from './replay.ts';
import { resolveSettings, type Level } from './settings.ts';
import { verifyToken, type VerificationReport } from './index.ts';
import { claims, jwksFor, makeAgent, NOW, sign, trustFor, type Agent } from '../test/fixtures.ts';

const alice = await makeAgent('a');
const bob = await makeAgent('b');
const trust = trustFor(alice, bob);
const jwks = jwksFor(alice);

const SEED = 20260101;
const runs = (numRuns: number) => ({ numRuns, seed: SEED });

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STATUSES: readonly string[] = ['pass', 'fail', 'skip'];
const PARTS: readonly string[] = ['token', 'header', 'payload', 'signature'];
const FORMS: readonly string[] = ['empty', 'json-array', 'bundle', 'lines'];

// ---------------------------------------------------------------------------
// Invariants (plain checks: vitest's expect is too slow for thousands of runs)

function check(cond: unknown, what: string, detail?: unknown): asserts cond {
  if (!cond) throw new Error(detail === undefined ? what : `${what}: ${JSON.stringify(detail)}`);
}

const isPlainObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkDecode(d: DecodeResult, input: string): void {
  const token = input.trim();
  if (d.ok) {
    const x = d.decoded;
    check(x.token === token, 'decoded.token is the trimmed input');
    check(x.level === 'L1' || x.level === 'L2', 'level L1 or L2', x.level);
    check(x.version === null || x.version === '00' || x.version === '01', 'version', x.version);
    check(isPlainObject(x.payload), 'payload is a JSON object');
    if (x.level === 'L2') {
      check(typeof x.header.alg === 'string', 'a JWS header has a string alg');
      check(x.parts.join('.') === token, 'the parts make the token');
    } else {
      check(x.header === null, 'L1 has no header');
      check(!token.includes('.'), 'L1 has no dot');
    }
    return;
  }
  const p = d.problem;
  check(p.code === 'malformed', 'a decode problem is malformed', p);
  check(PARTS.includes(p.part), 'part', p);
  check(typeof p.message === 'string' && p.message.length > 0, 'a message', p);
  if (p.position !== undefined) {
    check(
      Number.isInteger(p.position) && p.position >= 0 && p.position < token.length,
      'position in the token',
      {
        p,
        length: token.length,
      },
    );
    // The position points at the character the message names.
    if (p.message.includes('is not in the base64url alphabet')) {
      check(p.message.includes(`character ${quote(token[p.position])}`), 'position names the character', {
        p,
        at: token[p.position],
      });
    }
  }
}

function checkReport(r: VerificationReport, input: string): void {
  check(r.token === input.trim(), 'report.token is the trimmed input');
  check(r.steps.length === 16, 'sixteen steps');
  r.steps.forEach((s, i) => {
    check(s.n === i + 1, 'steps in order');
    check(STATUSES.includes(s.status), 'status pass/fail/skip', s.status);
    check((s.status === 'fail') === s.problems.length > 0, 'a step fails exactly when it has problems', s);
    for (const p of s.problems) {
      check(isErrorCode(p.code), 'a known code', p);
      // Each code is raised by the step the profile gives it (section 4).
      check(s.codes.includes(p.code), `code raised by its own step (${s.id})`, p);
      check(typeof p.message === 'string' && p.message.length > 0, 'a message', p);
    }
  });
  check(r.code === null || ERROR_CODES.includes(r.code), 'code null or known', r.code);
  check(r.valid === (r.code === null), 'valid === (code === null)', { valid: r.valid, code: r.code });
  check(r.valid === !r.steps.some((s) => s.status === 'fail'), 'valid === no failing step');
  check(r.codes.every(isErrorCode), 'codes known', r.codes);
  check(new Set(r.codes).size === r.codes.length, 'codes without repeats', r.codes);
  check(r.code === null ? r.codes.length === 0 : r.codes[0] === r.code, 'code first in codes', r.codes);
  const first = r.steps[0]!;
  check(first.status !== 'skip', 'decode always runs');
  if (first.status === 'fail') {
    check(r.code === 'malformed', 'a failed decode is malformed');
    check(
      r.steps.slice(1).every((s) => s.status === 'skip'),
      'nothing runs after a failed decode',
    );
  } else {
    check(r.level === 'L1' || r.level === 'L2' || r.level === 'L3', 'a level', r.level);
    check(isPlainObject(r.payload), 'a payload');
  }
}

function checkSplit(s: SplitResult): void {
  check(FORMS.includes(s.form), 'form', s.form);
  check(Array.isArray(s.tokens) && s.tokens.every((t) => typeof t === 'string'), 'tokens are strings');
  if (s.form === 'empty') check(s.tokens.length === 0, 'empty has no tokens');
  if (s.form === 'lines') {
    for (const t of s.tokens)
      check(t.length > 0 && t === t.trim() && !/[,\n]/.test(t), 'a trimmed line item', t);
  }
}

function checkAudit(a: AuditReport, tokens: readonly string[]): void {
  check(a.nodes.length === tokens.length, 'one node per token');
  a.nodes.forEach((n, i) => {
    check(n.index === i, 'node index');
    checkReport(n.report, tokens[i]!);
    // Stored mode: the arrival-time steps 11-16 are not applied.
    check(
      n.report.steps.slice(10).every((s) => s.status === 'skip'),
      'steps 11-16 skipped in an audit',
    );
    check(n.codes.every(isErrorCode), 'node codes known', n.codes);
    check(n.valid === (n.codes.length === 0), 'node valid === no codes', n.codes);
    if (n.tainted) check(n.valid, 'only a valid node is tainted');
  });
  for (const v of a.violations) {
    check(isErrorCode(v.code), 'violation code known', v);
    check(v.index >= 0 && v.index < tokens.length, 'violation index', v);
    const n = a.nodes[v.index]!;
    check(!n.valid && n.codes.includes(v.code), 'the violation makes its node invalid', v);
    check(v.jti === n.jti, 'the violation names its node', v);
    check(typeof v.message === 'string', 'a message', v);
  }
  for (const e of a.edges) check(e.codes.every(isErrorCode), 'edge codes known', e);
}

// ---------------------------------------------------------------------------
// Arbitraries

/** Any UTF-16 code unit, lone surrogates included. */
const anyChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const anyString = fc.string({ unit: anyChar, maxLength: 120 });
const fullUnicode = fc.string({ unit: 'binary', maxLength: 80 });
/** Strings made of token-ish characters, so dots, padding and separators are frequent. */
const tokenChar = fc.constantFrom(
  ...B64URL,
  '.',
  '.',
  '.',
  '=',
  '+',
  '/',
  ' ',
  '\n',
  '\r',
  ',',
  '\u0000',
  '\u00e9',
  '[',
  '"',
);
const tokenish = fc.string({ unit: tokenChar, maxLength: 200 });
const bytes = fc.uint8Array({ maxLength: 160 });
const latin1 = bytes.map((b) => String.fromCharCode(...b));
const utf8 = bytes.map((b) => new TextDecoder().decode(b));
const b64OfBytes = bytes.map((b) => encodeBase64Url(b));
const threeB64Parts = fc.tuple(b64OfBytes, b64OfBytes, b64OfBytes).map((p) => p.join('.'));

const CLAIM_NAMES = [
  'iss',
  'aud',
  'iat',
  'exp',
  'jti',
  'wid',
  'exec_act',
  'pred',
  'par',
  'ext',
  'ect_ext',
  'inp_hash',
  'out_hash',
  'pol',
  'pol_decision',
  'sub',
  '__proto__',
  'constructor',
] as const;

const json = fc.jsonValue({ maxDepth: 3 });
const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 6 });

/** Valid claims with some of them replaced by any JSON value (or removed). */
const claimsArb = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...CLAIM_NAMES), fc.option(json, { nil: undefined }), { maxKeys: 4 }),
    fc.constantFrom<Agent>(alice, bob),
  )
  .map(([overrides, agent]) => {
    const c: JsonObject = claims(agent);
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete c[k];
      else Object.defineProperty(c, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return c;
  });

/** Any JSON as a payload: mostly objects, sometimes anything (the core must refuse non-objects). */
const payloadArb = fc.oneof(claimsArb, claimsArb, jsonObject, json);

const headerArb = fc
  .tuple(
    fc.record(
      {
        alg: fc.oneof(
          fc.constantFrom('ES256', 'ES256', 'ES384', 'PS256', 'EdDSA', 'none', 'None', 'HS256', 'es256'),
          json,
        ),
        typ: fc.oneof(fc.constantFrom('exec+jwt', 'wimse-exec+jwt', 'application/EXEC+jwt', 'JWT'), json),
        kid: fc.oneof(fc.constantFrom(alice.kid, bob.kid, 'nope'), json),
        crit: json,
        jwk: json,
        jku: fc.webUrl(),
      },
      { requiredKeys: [] },
    ),
    jsonObject,
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** A JWS made by hand from any header and payload JSON, with a real ES256 signature or junk. */
const handJws = fc.record({
  header: fc.oneof(headerArb, json),
  payload: payloadArb,
  signature: fc.oneof(fc.constant('real'), fc.constant(''), b64OfBytes, anyString),
});

async function buildJws(x: { header: unknown; payload: unknown; signature: string }): Promise<string> {
  const input = `${encodeBase64UrlText(JSON.stringify(x.header) ?? 'null')}.${encodeBase64UrlText(JSON.stringify(x.payload) ?? 'null')}`;
  if (x.signature !== 'real') return `${input}.${x.signature}`;
  const sig = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    alice.key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${encodeBase64Url(new Uint8Array(sig))}`;
}

const l1Arb = fc
  .tuple(payloadArb, fc.constantFrom('', '=', '=='))
  .map(([p, pad]) => encodeBase64UrlText(JSON.stringify(p) ?? 'null') + pad);

const optionsArb = fc.record({
  minLevel: fc.constantFrom<Level>('L1', 'L1', 'L2', 'L3'),
  audience: fc.constantFrom<string | null>(null, bob.iss, 'spiffe://example.com/agent/z'),
  mode: fc.constantFrom<'arrival' | 'stored'>('arrival', 'arrival', 'stored'),
  withLedger: fc.boolean(),
  jwks: fc.boolean(),
  allowedAlgs: fc.subarray(['ES256', 'ES384', 'PS256', 'EdDSA', 'none', 'HS256'], { minLength: 1 }),
  requireUuid: fc.boolean(),
});

type Options = typeof optionsArb extends fc.Arbitrary<infer T> ? T : never;

const verifyWith = (token: string, o: Options): Promise<VerificationReport> =>
  verifyToken(token, {
    trust: o.jwks ? jwks : trust,
    settings: resolveSettings({
      minLevel: o.minLevel,
      allowedAlgs: o.allowedAlgs,
      requireUuid: o.requireUuid,
    }),
    now: NOW,
    audience: o.audience,
    mode: o.mode,
    ...(o.withLedger ? { ledger: new MemoryLedger(), replay: new MemoryReplayStore() } : {}),
  });

/** Decodes, then verifies with random settings, checking both. */
async function checkAll(input: string, o: Options): Promise<VerificationReport> {
  checkDecode(decodeToken(input), input);
  const r = await verifyWith(input, o);
  checkReport(r, input);
  return r;
}

// ---------------------------------------------------------------------------

describe('splitInput, decodeToken and verifyToken never throw and report consistently', () => {
  const cases: [string, fc.Arbitrary<string>, number][] = [
    ['any UTF-16 string (lone surrogates included)', anyString, 300],
    ['any Unicode string', fullUnicode, 150],
    ['token-ish strings (dots, padding, separators)', tokenish, 300],
    ['random bytes read as Latin-1', latin1, 150],
    ['random bytes read as UTF-8', utf8, 150],
    ['base64url of random bytes', b64OfBytes, 200],
    ['three base64url parts of random bytes', threeB64Parts, 200],
    ['L1 tokens of any JSON (padded or not)', l1Arb, 200],
  ];
  for (const [name, arb, numRuns] of cases) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(arb, optionsArb, async (input, o) => {
          const split = splitInput(input);
          checkSplit(split);
          await checkAll(input, o);
          for (const t of split.tokens.slice(0, 3)) await checkAll(t, o);
        }),
        runs(numRuns),
      );
    });
  }

  it('hand-made JWS from any JSON header and payload, signed for real or not', async () => {
    await fc.assert(
      fc.asyncProperty(handJws, optionsArb, async (x, o) => {
        await checkAll(await buildJws(x), o);
      }),
      runs(300),
    );
  });

  it('a real ES256 signature over a header that passes steps 3-5 reaches the signature step and passes it', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, jsonObject, async (payload, extra) => {
        const header = { ...extra, alg: 'ES256', typ: 'exec+jwt', kid: alice.kid };
        delete (header as JsonObject).crit;
        const t = await buildJws({ header, payload, signature: 'real' });
        const r = await verifyToken(t, { trust, now: NOW });
        checkReport(r, t);
        if (r.steps[5]!.status === 'pass') expect(r.steps[6]!.status).toBe('pass');
      }),
      runs(150),
    );
  });

  it('any JSON document given to splitInput (arrays, bundles, objects) splits into strings', () => {
    const doc = fc.oneof(
      json,
      fc.array(fc.oneof(json, fc.string()), { maxLength: 5 }),
      fc.record({ entries: fc.array(fc.oneof(json, fc.record({ token: fc.oneof(fc.string(), json) }))) }),
      fc.record({ tokens: fc.array(fc.oneof(fc.string(), json)) }),
    );
    fc.assert(
      fc.property(doc, fc.constantFrom('', ' ', '\n'), (d, pad) => {
        const text = pad + (JSON.stringify(d) ?? '') + pad;
        const s = splitInput(text);
        checkSplit(s);
        if (Array.isArray(d)) {
          expect(s.form).toBe('json-array');
          expect(s.tokens).toHaveLength(d.length);
        }
      }),
      runs(300),
    );
  });
});

const VALID_FOR_AUDIT = await sign(alice, claims(alice));

describe('auditTokens never throws and reports consistently', () => {
  const tokenArb = fc.oneof(
    tokenish,
    b64OfBytes,
    l1Arb,
    handJws.map((x) => ({ jws: x })),
    fc.constant(VALID_FOR_AUDIT),
  );
  it('over sets of up to 6 tokens of every kind, with duplicates and cross-links', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(tokenArb, { maxLength: 6 }),
        fc.constantFrom<Level>('L1', 'L2'),
        fc.nat({ max: 3 }),
        async (items, minLevel, traversalLimit) => {
          const tokens: string[] = [];
          for (const item of items) tokens.push(typeof item === 'string' ? item : await buildJws(item.jws));
          const a = await auditTokens(tokens, {
            trust,
            settings: resolveSettings({ minLevel, traversalLimit }),
            now: NOW,
          });
          checkAudit(a, tokens);
        },
      ),
      runs(120),
    );
  });

  it('over linked L1 sets (random pred links, repeated jti, wid, policies)', async () => {
    const ids = ['a', 'b', 'c', 'd'];
    const node = fc.record({
      jti: fc.constantFrom(...ids),
      pred: fc.subarray(ids),
      wid: fc.constantFrom(undefined, 'w1', 'w2'),
      iat: fc.integer({ min: NOW - 100, max: NOW }),
      decision: fc.constantFrom(undefined, 'approved', 'rejected', 7),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(node, { maxLength: 7 }),
        fc.nat({ max: 4 }),
        async (nodes, traversalLimit) => {
          const tokens = nodes.map((n) =>
            encodeBase64UrlText(
              JSON.stringify(
                claims(alice, {
                  jti: n.jti,
                  pred: n.pred,
                  iat: n.iat,
                  ...(n.wid ? { wid: n.wid } : {}),
                  ...(n.decision === undefined ? {} : { ect_ext: { pol: 'p', pol_decision: n.decision } }),
                }),
              ),
            ),
          );
          const a = await auditTokens(tokens, {
            trust,
            settings: resolveSettings({ minLevel: 'L1', requireUuid: false, traversalLimit }),
          });
          checkAudit(a, tokens);
          // Self-loops are always cycles.
          nodes.forEach((n, i) => {
            if (n.pred.includes(n.jti)) {
              expect(a.violations.some((v) => v.index === i && v.code === 'cycle' && v.pred === n.jti)).toBe(
                true,
              );
            }
          });
        },
      ),
      runs(150),
    );
  });
});

const VALID = await sign(alice, claims(alice, { wid: '00000000-0000-4000-8000-00000000beef' }));

describe('a valid token with any single character changed never verifies', () => {
  const verifyAsBob = (t: string) => verifyToken(t, { trust, now: NOW, audience: bob.iss });

  it('the unchanged token verifies (sanity)', async () => {
    expect((await verifyAsBob(VALID)).valid).toBe(true);
  });

  const mutationChar = fc.oneof(
    fc.constantFrom(...B64URL),
    fc.constantFrom(
      '.',
      '=',
      '+',
      '/',
      ' ',
      '\t',
      '\n',
      '\u0000',
      '%',
      '\u202e',
      '\u200b',
      '\u00e9',
      '\ud800',
      '\ud83d\ude00',
    ),
    anyChar,
  );

  it('replacement, deletion or insertion at any position, of any character', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('replace', 'delete', 'insert'),
        fc.nat({ max: VALID.length }),
        mutationChar,
        async (op, at, ch) => {
          const i = op === 'insert' ? at : Math.min(at, VALID.length - 1);
          const t =
            op === 'replace'
              ? VALID.slice(0, i) + ch + VALID.slice(i + 1)
              : op === 'delete'
                ? VALID.slice(0, i) + VALID.slice(i + 1)
                : VALID.slice(0, i) + ch + VALID.slice(i);
          // The same character, or white space added at either end (trimmed by design), is no change.
          fc.pre(t.trim() !== VALID);
          const r = await verifyAsBob(t);
          checkReport(r, t);
          expect(r.valid).toBe(false);
        },
      ),
      runs(2000),
    );
  });

  it('exhaustively: every position replaced by the next base64url character, and every position deleted', async () => {
    for (let i = 0; i < VALID.length; i++) {
      const c = VALID[i]!;
      const next = c === '.' ? 'A' : B64URL[(B64URL.indexOf(c) + 1) % 64]!;
      for (const t of [
        VALID.slice(0, i) + next + VALID.slice(i + 1),
        VALID.slice(0, i) + VALID.slice(i + 1),
      ]) {
        const r = await verifyAsBob(t);
        expect(r.valid, `${i}: ${t}`).toBe(false);
      }
    }
  });
});
