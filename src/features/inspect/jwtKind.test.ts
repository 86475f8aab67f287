import { describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { decodeToken, generateSigningKey, createToken } from 'wimse-ect';
import { foreignJwt } from './jwtKind.ts';

const secret = new TextEncoder().encode('a-shared-secret-of-32-bytes-long!!');
const key = await generateSigningKey({ kid: 'k' });
const decoded = (token: string) => {
  const r = decodeToken(token);
  if (!r.ok) throw new Error(r.problem.message);
  return r.decoded;
};

describe('foreignJwt: a JWT of another kind is named, with why it is not an ECT', () => {
  it('an HS256 JWT with typ JWT', async () => {
    const t = await new SignJWT({ sub: 'alice', iss: 'https://idp.example' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(secret);
    const f = foreignJwt(decoded(t));
    expect(f?.kind).toBe('a JWT');
    expect(f?.signs).toEqual([
      'header typ "JWT"',
      'alg "HS256": a shared secret (HMAC), which ECTs never use',
      'no exec_act (the task an ECT records)',
    ]);
  });

  it('an OAuth access token (typ at+jwt) and one without typ', async () => {
    const at = await new SignJWT({ scope: 'read', client_id: 'app', sub: 'u' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' })
      .sign(key.privateKey);
    expect(foreignJwt(decoded(at))?.kind).toBe('an OAuth 2.0 access token (RFC 9068)');
    const bare = await new SignJWT({ scope: 'read', client_id: 'app' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .sign(key.privateKey);
    const f = foreignJwt(decoded(bare));
    expect(f?.kind).toBe('an OAuth 2.0 access token');
    expect(f?.signs).toContain('access-token claims scope, client_id');
  });

  it('an OpenID Connect ID token', async () => {
    const t = await new SignJWT({ iss: 'https://idp', sub: 'u', aud: 'app', nonce: 'n', auth_time: 1 })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'k' })
      .sign(key.privateKey);
    expect(foreignJwt(decoded(t))?.kind).toBe('an OpenID Connect ID token');
  });

  it('nothing for an ECT, nor for a broken ECT (the steps explain those)', async () => {
    const { token } = await createToken(
      { iss: 'spiffe://a', aud: 'spiffe://b', exec_act: 'x' },
      { key: key.privateKey, kid: 'k' },
    );
    expect(foreignJwt(decoded(token))).toBeNull();
    const wrongTyp = await new SignJWT({ iss: 'spiffe://a', exec_act: 'x', pred: [] })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'k' })
      .sign(key.privateKey);
    expect(foreignJwt(decoded(wrongTyp))).toBeNull();
  });

  it('an unsecured JWT (alg none) of another kind is named too', () => {
    const t = new UnsecuredJWT({ scope: 'read' }).encode();
    expect(foreignJwt(decoded(t))?.kind).toBe('an OAuth 2.0 access token');
  });
});
