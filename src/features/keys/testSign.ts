/**
 * "Test sign": signs a sample ECT with a stored private key and verifies it
 * against the same key's stored public JWK with the core verifier, proving the
 * key pair still works (for example after a reload, where the private key is
 * the CryptoKey read back from IndexedDB).
 */
import { createToken, DEFAULT_SETTINGS, verifyToken } from 'wimse-ect';
import { trustStoreOf, type StoredKey } from '../../storage/keys.ts';

export const TEST_AUDIENCE = 'urn:ect-workbench:test-sign';

export type TestSignResult = { ok: true; token: string } | { ok: false; message: string; token?: string };

export async function testSign(key: StoredKey): Promise<TestSignResult> {
  if (!key.privateKey) return { ok: false, message: 'no private key here: this key can only verify' };
  let token: string;
  try {
    const created = await createToken(
      { iss: key.issuer ?? TEST_AUDIENCE, aud: TEST_AUDIENCE, exec_act: 'workbench_test_sign' },
      { key: key.privateKey, kid: key.kid, alg: key.alg ?? 'ES256' },
    );
    token = created.token;
  } catch (e) {
    return { ok: false, message: `signing failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  const report = await verifyToken(token, {
    trust: trustStoreOf([key]),
    audience: TEST_AUDIENCE,
    // The key's own algorithm, whatever the verifier's allow-list says: this tests the key pair.
    settings: { ...DEFAULT_SETTINGS, allowedAlgs: [key.alg ?? 'ES256'], replayCache: false },
  });
  const failed = report.steps.find((s) => (s.id === 'key' || s.id === 'signature') && s.status === 'fail');
  if (failed) {
    return {
      ok: false,
      token,
      message: `signed, but the signature does not verify against the stored public key: ${failed.problems
        .map((p) => p.message)
        .join('; ')}`,
    };
  }
  if (report.steps.find((s) => s.id === 'signature')?.status !== 'pass') {
    return { ok: false, token, message: `the test token could not be checked (${report.code ?? 'unknown'})` };
  }
  return { ok: true, token };
}
