import { describe, it, expect } from 'vitest';
import { makeAgent, NOW } from '../test/fixtures.ts';
import { decodeBase64Url } from './base64url.ts';
import { createToken } from './create.ts';
import {
  Base64UrlError,
  ClaimsError,
  EctError,
  KeyError,
  OptionsError,
  SettingsError,
  TrustStoreError,
  type EctErrorCode,
} from './errors.ts';
import { importPrivateJwk, importPublicJwk } from './keys.ts';
import { resolveSettings } from './settings.ts';
import { parseTrustStore } from './trust.ts';

const alice = await makeAgent('a');

/** What `fn` throws or rejects with, failing the test when it does neither. */
async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

/** `e` is an EctError of `cls` with `code`, and a message that does not dump a stack. */
function expectEctError(
  e: unknown,
  cls: abstract new (...args: never[]) => EctError,
  code: EctErrorCode,
): void {
  expect(e).toBeInstanceOf(cls);
  expect(e).toBeInstanceOf(EctError);
  expect(e).toBeInstanceOf(Error);
  const err = e as EctError;
  expect(err.code).toBe(code);
  expect(err.name).toBe(cls.name);
  expect(err.message).not.toMatch(/\n\s+at /);
}

const claims = { iss: alice.iss, aud: ['x'], exec_act: 'review_spec' };

describe('typed errors with stable codes, for what the caller did wrong', () => {
  it('SettingsError: ERR_ECT_SETTINGS', async () => {
    expectEctError(await caught(() => resolveSettings({ clockSkew: -1 })), SettingsError, 'ERR_ECT_SETTINGS');
  });

  it('TrustStoreError: ERR_ECT_TRUST_STORE', async () => {
    expectEctError(await caught(() => parseTrustStore([])), TrustStoreError, 'ERR_ECT_TRUST_STORE');
  });

  it('Base64UrlError: ERR_ECT_BASE64URL, with the position', async () => {
    const e = await caught(() => decodeBase64Url('abc$'));
    expectEctError(e, Base64UrlError, 'ERR_ECT_BASE64URL');
    expect((e as Base64UrlError).position).toBe(3);
  });

  it('KeyError: ERR_ECT_KEY, for a JWK that cannot sign or verify and a key that cannot sign', async () => {
    expectEctError(await caught(() => importPrivateJwk(alice.key.publicJwk)), KeyError, 'ERR_ECT_KEY');
    expectEctError(await caught(() => importPublicJwk({ kty: 'EC', crv: 'P-256' })), KeyError, 'ERR_ECT_KEY');
    const e = await caught(() => createToken(claims, alice.key.publicKey, { kid: alice.kid, now: NOW }));
    expectEctError(e, KeyError, 'ERR_ECT_KEY');
    expect((e as KeyError).cause).toBeDefined();
  });

  it('ClaimsError: ERR_ECT_CLAIMS, each problem with its profile code; OptionsError: ERR_ECT_OPTIONS', async () => {
    const e = await caught(() =>
      createToken({ iss: alice.iss }, alice.key.privateKey, { kid: alice.kid, now: NOW }),
    );
    expectEctError(e, ClaimsError, 'ERR_ECT_CLAIMS');
    expect((e as ClaimsError).problems.map((p) => p.code)).toContain('missing_claim');
    expectEctError(await caught(() => createToken(claims, { now: NOW })), OptionsError, 'ERR_ECT_OPTIONS');
  });

  it('createToken takes the key as its second argument too, as the reference implementations do', async () => {
    const a = await createToken(claims, alice.key.privateKey, { kid: alice.kid, now: NOW });
    const b = await createToken(claims, alice.key.privateJwk!, { now: NOW });
    expect([a.header?.kid, b.header?.kid]).toEqual([alice.kid, alice.kid]);
  });
});
