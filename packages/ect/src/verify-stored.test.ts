import { describe, expect, it } from 'vitest';
import {
  claims,
  flipChar,
  handToken,
  jwksFor,
  l1Token,
  makeAgent,
  NOW,
  sign,
  signRaw,
  trustFor,
} from '../test/fixtures.ts';
import { auditReports } from './audit.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { MemoryReplayStore } from './replay.ts';
import {
  signatureOutcomeOf,
  validStoredReport,
  verifyStoredWith,
  verifyToken,
  verifyTokens,
} from './index.ts';

/**
 * verifyStoredWith and validStoredReport rebuild, without crypto, the report verifyToken makes of
 * a stored token, from step 7's outcome found elsewhere (the verification workers): they must be
 * the same reports, whatever is wrong with the token.
 */
describe('stored verification from a known signature outcome', async () => {
  const a = await makeAgent('a');
  const b = await makeAgent('b');
  const stranger = await makeAgent('x');
  const valid = await sign(a, claims(a));
  const tokens: Record<string, string> = {
    valid,
    'valid, by b': await sign(b, claims(b, { pred: ['00000000-0000-4000-8000-00000000abcd'] })),
    'changed payload': flipChar(valid, 1, 12),
    'changed signature': flipChar(valid, 2, 3),
    'unknown key': await sign(stranger, claims(stranger)),
    'no kid': await signRaw(a, { alg: 'ES256', typ: 'exec+jwt' }, claims(a)),
    'wrong typ': await signRaw(a, { alg: 'ES256', typ: 'JWT', kid: a.kid }, claims(a)),
    crit: await signRaw(
      a,
      { alg: 'ES256', typ: 'exec+jwt', kid: a.kid, crit: ['b64'], b64: true },
      claims(a),
    ),
    'alg none': handToken({ alg: 'none', typ: 'exec+jwt', kid: a.kid }, claims(a), ''),
    'missing claim': await sign(a, { ...claims(a), exec_act: undefined } as never).catch(() =>
      handToken({ alg: 'ES256', typ: 'exec+jwt', kid: a.kid }, { iss: a.iss }),
    ),
    'bad claims, good signature': await signRaw(
      a,
      { alg: 'ES256', typ: 'exec+jwt', kid: a.kid },
      { ...claims(a), jti: 'not-a-uuid', iat: 'yesterday' },
    ),
    L1: l1Token(claims(a)),
    malformed: 'not a token at all',
    'padded with spaces': `  ${valid}  `,
  };
  const settingsL1 = { ...DEFAULT_SETTINGS, minLevel: 'L1' as const };

  for (const [trustName, trust] of [
    ['issuer-bound', trustFor(a, b)],
    ['plain JWKS', jwksFor(a, b)],
  ] as const) {
    for (const settings of [DEFAULT_SETTINGS, settingsL1]) {
      it(`gives verifyToken's report for every kind of token (${trustName}, min ${settings.minLevel})`, async () => {
        for (const [name, token] of Object.entries(tokens)) {
          const full = await verifyToken(token, { trust, settings, mode: 'stored', now: NOW });
          const outcome = signatureOutcomeOf(full);
          expect(verifyStoredWith(token, { trust, settings }, outcome), name).toEqual(full);
          if (full.valid && full.payload) {
            // Its signer is read without making the report again (the Ledger table reads every
            // entry's): the options are not even looked at until something else is read.
            let looked = 0;
            const opts = {
              get trust() {
                looked++;
                return trust;
              },
              settings,
            };
            const lazy = validStoredReport(full.token, full.payload, outcome, opts);
            expect(lazy.key, name).toEqual(full.key);
            expect(looked, name).toBe(0);
            expect({ ...lazy }, name).toEqual(full);
            expect(looked, name).toBe(1);
          }
        }
      });
    }
  }

  it('verifyTokens gives the reports of verifyToken one token after another', async () => {
    const trust = trustFor(a, b);
    const list = [...Object.values(tokens), ...Object.values(tokens).reverse()];
    for (const opts of [
      { trust, mode: 'stored' as const },
      { trust, now: NOW, audience: 'spiffe://example.com/agent/b' },
      { trust, now: NOW, settings: settingsL1 },
    ]) {
      const one: unknown[] = [];
      for (const t of list) one.push(await verifyToken(t, opts));
      const progress: number[] = [];
      expect(await verifyTokens(list, opts, (done) => progress.push(done))).toEqual(one);
      expect(progress.at(-1)).toBe(list.length);
    }
    // With a replay cache the order matters: the second copy of a token is a replay.
    const replay = new MemoryReplayStore();
    const reports = await verifyTokens([valid, valid], { trust, now: NOW, replay });
    expect(reports.map((r) => r.code)).toEqual([null, 'replay']);
  });

  it("lazy reports print as verifyToken's: the same keys in the same order, the same JSON", async () => {
    const trust = trustFor(a, b);
    const list = [valid, tokens['valid, by b']!, tokens['changed signature']!];
    for (const opts of [
      { trust, mode: 'stored' as const },
      { trust, now: NOW },
    ]) {
      const set = await verifyTokens(list, opts);
      for (const [i, t] of list.entries()) {
        const one = await verifyToken(t, opts);
        expect(Object.keys(set[i]!)).toEqual(Object.keys(one));
        expect(JSON.stringify(set[i])).toBe(JSON.stringify(one));
        expect(JSON.stringify({ ...set[i] })).toBe(JSON.stringify(one));
      }
    }
    const full = await verifyToken(valid, { trust, mode: 'stored' });
    const lazy = validStoredReport(full.token, full.payload!, signatureOutcomeOf(full), { trust });
    expect(Object.keys(lazy)).toEqual([
      'token',
      'valid',
      'code',
      'codes',
      'payload',
      'jti',
      'level',
      'version',
      'header',
      'steps',
      'key',
      'warnings',
    ]);
    expect(JSON.parse(JSON.stringify(lazy))).toEqual(JSON.parse(JSON.stringify(full)));
    // Two lazy reports of the same token are independent: reading one's steps leaves the other's alone.
    const other = validStoredReport(full.token, full.payload!, signatureOutcomeOf(full), { trust });
    expect(lazy.steps).not.toBe(other.steps);
    expect(lazy.steps).toBe(lazy.steps);
  });

  it('refuses an outcome that does not fit the token', () => {
    const trust = trustFor(a);
    expect(() => verifyStoredWith(valid, { trust }, null)).toThrow(/signature outcome/);
  });

  it('a lazy report builds its steps only when asked, and the audit does not ask', () => {
    const trust = trustFor(a);
    const d = JSON.parse(atob(valid.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
    let built = 0;
    const lazy = validStoredReport(valid, d, { ok: true, kid: a.kid, issuer: a.iss }, { trust });
    const steps = Object.getOwnPropertyDescriptor(lazy, 'steps')!.get!;
    Object.defineProperty(lazy, 'steps', {
      get() {
        built++;
        return steps.call(lazy);
      },
    });
    const audit = auditReports([lazy]);
    expect(audit.nodes[0]!.valid).toBe(true);
    expect(built).toBe(0);
    expect(lazy.steps.every((s) => s.status !== 'fail')).toBe(true);
    expect(built).toBe(1);
  });

  it('a lazy report tells the signature outcome it was made from without making itself', async () => {
    const trust = trustFor(a);
    const full = await verifyToken(valid, { trust, mode: 'stored' });
    const outcome = signatureOutcomeOf(full);
    expect(outcome).toEqual({ ok: true, kid: a.kid, issuer: a.iss });
    const lazy = validStoredReport(full.token, full.payload!, outcome, { trust });
    // Every lazily made property counts its reads (each one would make the whole report).
    let made = 0;
    for (const name of ['level', 'version', 'header', 'steps', 'key', 'warnings']) {
      const get = Object.getOwnPropertyDescriptor(lazy, name)!.get!;
      Object.defineProperty(lazy, name, {
        get() {
          made++;
          return get.call(lazy);
        },
      });
    }
    expect(signatureOutcomeOf(lazy)).toEqual(outcome);
    expect(made).toBe(0);
    // An L1 token, valid without a signature: no outcome, as verifyToken's report says.
    const l1 = l1Token(claims(a));
    const l1Full = await verifyToken(l1, { trust, settings: settingsL1, mode: 'stored' });
    expect(signatureOutcomeOf(l1Full)).toBeNull();
    expect(signatureOutcomeOf(validStoredReport(l1, l1Full.payload!, null, { trust }))).toBeNull();
  });
});
