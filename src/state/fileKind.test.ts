import { describe, expect, it } from 'vitest';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { createToken, generateSigningKey } from 'wimse-ect';
import { classifyText, describeKind } from './fileKind.ts';

const key = await generateSigningKey({ kid: 'k1', extractable: true });
const token = (
  await createToken(
    { iss: 'spiffe://x', aud: 'spiffe://y', exec_act: 'a' },
    { key: key.privateKey, kid: 'k1' },
  )
).token;

describe('classifyText: what a pasted or dropped text is', () => {
  it('tokens in any input form', () => {
    expect(classifyText(token)).toEqual({ kind: 'tokens', count: 1 });
    expect(classifyText(`Execution-Context: ${token}, ${token}`)).toEqual({ kind: 'tokens', count: 2 });
    expect(classifyText(JSON.stringify([token, token, token]))).toEqual({ kind: 'tokens', count: 3 });
  });

  it('a large text of lines: told apart from its first lines, counted whole, as splitInput counts it', () => {
    // Past the 64 KB blocks the sample is taken from: one junk line of 70,000 characters first, so
    // the sample must go on into the next block to find a token.
    const lines = [
      'x'.repeat(70_000),
      ...Array.from({ length: 400 }, (_, i) => (i % 3 ? token : `${token}, ${token}`)),
    ];
    const text = lines.join('\r\n');
    const what = classifyText(text);
    expect(what.kind).toBe('tokens');
    expect(what).toEqual({ kind: 'tokens', count: 1 + 400 + 134 });
    expect(classifyText(['x'.repeat(70_000), 'not a token'].join('\n'))).toEqual({ kind: 'unknown' });
  });

  it('a ledger bundle, with or without its trust store', () => {
    const bundle = {
      format: 'ect-workbench-ledger',
      version: 1,
      name: 'release',
      head: { seq: 1, entryHash: 'a' },
      trust: { issuers: {} },
      entries: [{ seq: 1, token }],
    };
    expect(classifyText(JSON.stringify(bundle))).toEqual({
      kind: 'ledger-bundle',
      count: 1,
      name: 'release',
      hasTrust: true,
    });
    expect(describeKind(classifyText(JSON.stringify(bundle)))).toBe('a ledger bundle (“release”) of 1 entry');
  });

  it('keys in every shape: JWK, private JWK, JWKS, trust store, keygen output, PEM', async () => {
    expect(classifyText(JSON.stringify(key.publicJwk))).toMatchObject({ shape: 'jwk', private: false });
    expect(classifyText(JSON.stringify(key.privateJwk))).toMatchObject({ shape: 'jwk', private: true });
    expect(classifyText(JSON.stringify({ keys: [key.publicJwk, key.publicJwk] }))).toMatchObject({
      kind: 'keys',
      shape: 'jwks',
      count: 2,
    });
    const store = {
      issuers: { 'spiffe://x': { keys: [key.publicJwk] }, 'spiffe://y': { keys: [key.publicJwk] } },
    };
    expect(classifyText(JSON.stringify(store))).toMatchObject({
      kind: 'keys',
      shape: 'trust-store',
      count: 2,
    });
    expect(describeKind(classifyText(JSON.stringify(store)))).toBe('a trust store (2 keys)');
    expect(classifyText(JSON.stringify({ private: key.privateJwk, public: key.publicJwk }))).toMatchObject({
      shape: 'keygen',
      private: true,
    });
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });
    expect(classifyText(await exportPKCS8(privateKey))).toMatchObject({
      shape: 'pem',
      private: true,
      count: 1,
    });
    expect(classifyText(JSON.stringify(await exportJWK(privateKey)))).toMatchObject({ kind: 'keys' });
  });

  it('a scenario, empty text, and anything else', () => {
    expect(classifyText('{"format": "ect-workbench-scenario", "name": "Demo"}')).toEqual({
      kind: 'scenario',
      name: 'Demo',
    });
    expect(classifyText('  \n')).toEqual({ kind: 'empty' });
    expect(classifyText('hello world')).toEqual({ kind: 'unknown' });
    expect(classifyText('{"foo": 1}')).toEqual({ kind: 'unknown' });
    // A "keys" array of things that are not JWKs is not a key set.
    expect(classifyText('{"keys": ["a", "b"]}')).toEqual({ kind: 'unknown' });
  });
});
