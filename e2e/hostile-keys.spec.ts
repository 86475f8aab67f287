import { exportJWK, generateKeyPair } from 'jose';
import { expect, test } from './fixtures.ts';
import { expectInert, RLO, watchDialogs, XSS_IMG, ZWSP } from './hostile-helpers.ts';

test('a trust store whose issuer and kid hide invisible characters shows them marked', async ({ page }) => {
  const dialogs = watchDialogs(page);
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  // Bound to an issuer that looks exactly like agent a, with a kid that reverses on screen.
  const issuer = `spiffe://example.com/agent/a${ZWSP}`;
  const kid = `agent-a-key${RLO}yek-rettab`;
  const store = { issuers: { [issuer]: { keys: [{ ...(await exportJWK(publicKey)), kid }] } } };
  await page.goto('./#/keys');
  const panel = page.getByRole('region', { name: 'Import keys' });
  await panel.getByLabel('Key, JWKS, trust store or PEM').fill(JSON.stringify(store));
  await panel.getByLabel('Name (optional)').fill(XSS_IMG);
  await panel.getByRole('button', { name: 'Import' }).click();
  await expect(panel.getByTestId('import-done')).toContainText('agent-a-key\\u202eyek-rettab');
  await expect(panel.getByTestId('import-done')).toContainText('agent/a\\u200b');

  const card = page.locator(`[data-testid="key-card"][data-kid="${kid}"]`);
  await expect(card.getByTestId('key-name')).toHaveText(XSS_IMG);
  await expect(card.getByTestId('key-kid')).toHaveText('agent-a-key\\u202eyek-rettab');
  await expect(card.getByTestId('key-issuer')).toHaveText('spiffe://example.com/agent/a\\u200b');
  const raw = await page
    .getByRole('main')
    .evaluate((el) => /[\u202e\u200b]/.test((el as HTMLElement).innerText));
  expect(raw, 'a raw U+202E or U+200B on the Keys page').toBe(false);
  await expectInert(page, dialogs);
});
