import { describe, expect, it } from 'vitest';
import { claims, makeAgent, NOW, sign, trustFor } from '../test/fixtures.ts';
import { verifyToken, verifyTokens } from './index.ts';

/**
 * In Node, an ECDSA signature is checked within the call with node:crypto (signature.ts,
 * checkSignatureNow); every answer must stay the one WebCrypto gives, whatever the signature or
 * the key.
 */
describe('the signature check within the call (Node)', async () => {
  const a = await makeAgent('a');
  const b = await makeAgent('b');
  const trust = trustFor(a);
  const opts = { trust, now: NOW, audience: 'https://ledger.example.com' };
  const valid = await sign(a, claims(a));
  const [h, p, s] = valid.split('.') as [string, string, string];
  const byB = (await sign(b, claims(a))).split('.')[2]!;
  const cases: Record<string, string> = {
    'a signature two bytes short': `${h}.${p}.${s.slice(0, -3)}`,
    'a signature with a byte more': `${h}.${p}.${s}AA`,
    "another key's signature": `${h}.${p}.${byB}`,
    'an empty signature': `${h}.${p}.`,
  };

  it('accepts a good signature and names the key, one at a time and in a set', async () => {
    const one = await verifyToken(valid, opts);
    const [set] = await verifyTokens([valid], opts);
    for (const r of [one, set!]) {
      expect(r.valid).toBe(true);
      expect(r.key?.kid).toBe(a.kid);
    }
  });

  for (const [name, token] of Object.entries(cases))
    it(`refuses ${name} as invalid_signature (or a decode error), the same way one at a time and in a set`, async () => {
      const one = await verifyToken(token, opts);
      const [set] = await verifyTokens([token], opts);
      expect(one.valid).toBe(false);
      expect(['invalid_signature', 'malformed']).toContain(one.code);
      expect(set!.code).toBe(one.code);
      expect(set!.steps.map((x) => x.problems.map((q) => q.message))).toEqual(
        one.steps.map((x) => x.problems.map((q) => q.message)),
      );
    });

  it('leaves a resolver key of another curve to WebCrypto, whose answer is a mismatch', async () => {
    const { privateKey: _unused, publicKey } = await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-384' },
      false,
      ['sign', 'verify'],
    );
    void _unused;
    const report = await verifyToken(valid, {
      resolveKey: () => publicKey,
      now: NOW,
      audience: 'https://ledger.example.com',
    });
    expect(report.code).toBe('invalid_signature');
    expect(report.steps.find((x) => x.id === 'signature')?.problems[0]?.message).toMatch(
      /does not verify under trusted key/,
    );
  });
});
