/**
 * Usable keys and the new algorithms in the app (ECT-PROFILE.md sections 2 and 6, issue 11): an
 * imported JWKS keeps its usable keys and lists the others with their reason; an RS256 token from
 * the imported RSA key is refused until RS256 is allowed in the verifier settings.
 */
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { AUD } from './inspect-helpers.ts';

const PARTNER = 'spiffe://example.com/partner/r';

async function keyPair(alg: string, kid?: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), ...(kid ? { kid } : {}) } as JWK };
}

/** A -01 token signed now with any key and algorithm. */
function signToken(key: CryptoKey, alg: string, kid: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: PARTNER,
    aud: AUD,
    iat: now,
    exp: now + 600,
    jti: crypto.randomUUID(),
    exec_act: 'review_spec',
    pred: [],
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, typ: 'exec+jwt', kid })
    .sign(key);
}

const importPanel = (page: Page) => page.getByRole('region', { name: 'Import keys' });
const cards = (page: Page) => page.getByTestId('key-card');

test('an imported JWKS keeps its usable key and lists the others as unusable; RS256 verifies once allowed', async ({
  page,
}) => {
  const rsa = await keyPair('RS256', 'partner-rsa');
  const noKid = await keyPair('ES256');
  const encrypting = await keyPair('ES256', 'partner-enc');
  const jwks = {
    keys: [noKid.publicJwk, rsa.publicJwk, { ...encrypting.publicJwk, key_ops: ['encrypt'] }],
  };

  await page.goto('./#/keys');
  await expect(cards(page)).toHaveCount(3); // the example agents
  const panel = importPanel(page);
  await panel.getByLabel('Key, JWKS, trust store or PEM').fill(JSON.stringify(jwks));
  await panel.getByLabel('Bind unbound keys to issuer (optional)').fill(PARTNER);
  await panel.getByRole('button', { name: 'Import' }).click();

  await expect(panel.getByTestId('import-done')).toContainText('Imported 1 key from a JWKS.');
  await expect(panel.getByTestId('imported-key')).toContainText(`partner-rsa · bound to ${PARTNER}`);
  const skipped = panel.getByTestId('import-skipped');
  await expect(skipped).toContainText('2 keys were not imported: unusable for verification.');
  await expect(skipped.getByTestId('import-skipped-key')).toHaveText([
    'keys[0] has no "kid": tokens select their key by kid, so a key without one can never be chosen',
    'keys[2] (kid partner-enc) has "key_ops" ["encrypt"] without "verify": it is not allowed to verify signatures',
  ]);
  await expect(cards(page)).toHaveCount(4);
  const card = cards(page).filter({ has: page.getByRole('heading', { name: 'partner-rsa', exact: true }) });
  await expect(card.getByTestId('key-issuer')).toHaveText(PARTNER);
  await expect(card.getByTestId('key-unusable')).toHaveCount(0);
  // The unusable keys were not stored: a reload shows the same four.
  await page.reload();
  await expect(cards(page)).toHaveCount(4);

  // The RS256 token: refused by the default allow-list [ES256], valid once RS256 is chosen.
  const token = await signToken(rsa.privateKey, 'RS256', 'partner-rsa');
  await page.goto('./');
  await page.getByLabel('Paste ECTs').fill(token);
  const tokenCard = page.getByTestId('token-card');
  await expect(tokenCard.getByTestId('verdict')).toHaveAttribute('data-code', 'alg_not_allowed');
  const settings = page.getByTestId('settings');
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'EdDSA', 'Ed25519'])
    await expect(settings.getByLabel(alg, { exact: true })).not.toBeChecked();
  await settings.getByLabel('RS256', { exact: true }).check();
  await expect(tokenCard.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
  await expect(tokenCard.getByTestId('step-6')).toHaveAttribute('data-status', 'pass');
  await expect(tokenCard.getByTestId('step-7')).toHaveAttribute('data-status', 'pass');

  // A token under the kid of the key left out is unknown_key.
  const other = await signToken(encrypting.privateKey, 'ES256', 'partner-enc');
  await page.getByLabel('Paste ECTs').fill(other);
  await expect(tokenCard.getByTestId('verdict')).toHaveAttribute('data-code', 'unknown_key');
});

test('a file of unusable keys only imports nothing and says why each is unusable', async ({ page }) => {
  const small = await keyPair('ES256', 'for-enc');
  await page.goto('./#/keys');
  const panel = importPanel(page);
  await panel.getByLabel('Key, JWKS, trust store or PEM').fill(
    JSON.stringify({
      keys: [
        { ...small.publicJwk, use: 'enc' },
        { ...small.publicJwk, key_ops: [] },
      ],
    }),
  );
  await panel.getByRole('button', { name: 'Import' }).click();
  await expect(panel.getByTestId('import-error')).toHaveText(
    'Nothing was imported: no usable key: keys[0] is marked "use": "enc", not "sig": it is not a key for signatures; ' +
      'keys[1] has "key_ops" [] without "verify": it is not allowed to verify signatures',
  );
  await expect(cards(page)).toHaveCount(3);
});
