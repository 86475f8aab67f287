import { readFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/** A fresh public JWK made in the test process, as a partner would send it. */
async function partnerJwk(kid: string): Promise<JWK> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid };
}

const cards = (page: Page) => page.getByTestId('key-card');
const card = (page: Page, name: string) =>
  cards(page).filter({ has: page.getByRole('heading', { name, exact: true }) });
const generatePanel = (page: Page) => page.getByRole('region', { name: 'Generate a signing key' });
const importPanel = (page: Page) => page.getByRole('region', { name: 'Import keys' });

async function generate(
  page: Page,
  opts: { name: string; issuer: string; kid?: string; extractable?: boolean },
): Promise<void> {
  const panel = generatePanel(page);
  await panel.getByLabel('Name', { exact: true }).fill(opts.name);
  await panel.getByLabel('Issuer (iss) the key is bound to').fill(opts.issuer);
  if (opts.kid) await panel.getByLabel('Key id (kid, optional)').fill(opts.kid);
  if (opts.extractable) await panel.getByLabel('Extractable private key').check();
  await panel.getByRole('button', { name: 'Generate key' }).click();
}

test.describe('Keys & trust', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('./#/keys');
    await expect(page.getByRole('heading', { name: 'Keys & trust' })).toBeVisible();
  });

  test('a first visit shows the three example agents, bound, able to sign, not extractable', async ({
    page,
  }) => {
    await expect(cards(page)).toHaveCount(3);
    await expect(page.getByTestId('key-count')).toHaveText('3 keys · 3 can sign · 3 issuers');
    for (const x of ['a', 'b', 'c']) {
      const c = card(page, `Example agent ${x.toUpperCase()} (test key)`);
      await expect(c.getByTestId('key-kid')).toHaveText(`agent-${x}-key`);
      await expect(c.getByTestId('key-issuer')).toHaveText(`spiffe://example.com/agent/${x}`);
      await expect(c.getByTestId('key-origin')).toHaveText('example test key');
      await expect(c.getByTestId('key-can-sign')).toHaveText('can sign');
      await expect(c.getByTestId('key-extractable')).toHaveText('non-extractable');
    }
    // The public JWK is viewable, without its private part.
    const a = card(page, 'Example agent A (test key)');
    await a.getByText('Public JWK').click();
    await expect(a.getByTestId('public-jwk')).toContainText('"kid": "agent-a-key"');
    await expect(a.getByTestId('public-jwk')).not.toContainText('"d"');
    await expect(page.getByRole('region', { name: 'Example agents' })).toContainText('not secret');
  });

  test('a generated key survives a reload and still signs (its CryptoKey comes back from IndexedDB)', async ({
    page,
  }) => {
    await generate(page, { name: 'Agent X', issuer: 'spiffe://example.com/agent/x' });
    await expect(generatePanel(page).getByRole('status')).toContainText('Generated “Agent X”');

    const x = card(page, 'Agent X');
    await expect(x).toHaveCount(1);
    // No kid given: the RFC 7638 thumbprint, 43 base64url characters.
    await expect(x.getByTestId('key-kid')).toHaveText(/^[A-Za-z0-9_-]{43}$/);
    const kid = await x.getByTestId('key-kid').textContent();
    await expect(x.getByTestId('key-issuer')).toHaveText('spiffe://example.com/agent/x');
    await expect(x.getByTestId('key-origin')).toHaveText('generated here');
    await expect(x.getByTestId('key-extractable')).toHaveText('non-extractable');

    await page.reload();
    await expect(cards(page)).toHaveCount(4);
    const after = card(page, 'Agent X');
    await expect(after.getByTestId('key-kid')).toHaveText(kid!);
    await after.getByRole('button', { name: 'Test sign' }).click();
    await expect(after.getByTestId('test-sign-result')).toContainText(
      'signature OK (verified against the stored public key)',
    );
  });

  test('a duplicate kid is refused with a clear error', async ({ page }) => {
    await generate(page, { name: 'Impostor', issuer: 'spiffe://example.com/agent/z', kid: 'agent-a-key' });
    await expect(generatePanel(page).getByTestId('generate-error')).toHaveText(
      'a key with kid "agent-a-key" already exists; choose another kid',
    );
    await expect(cards(page)).toHaveCount(3);
  });

  test('importing a pasted JWKS with an issuer lists its keys bound to that issuer', async ({ page }) => {
    const jwks = { keys: [await partnerJwk('partner-1'), await partnerJwk('partner-2')] };
    const panel = importPanel(page);
    await panel.getByLabel('Key, JWKS, trust store or PEM').fill(JSON.stringify(jwks, null, 2));
    await panel.getByLabel('Bind unbound keys to issuer (optional)').fill('spiffe://partner.example/agent/y');
    await panel.getByRole('button', { name: 'Import' }).click();
    await expect(panel.getByTestId('import-done')).toContainText('Imported 2 keys');

    await expect(cards(page)).toHaveCount(5);
    for (const kid of ['partner-1', 'partner-2']) {
      const c = card(page, kid);
      await expect(c.getByTestId('key-issuer')).toHaveText('spiffe://partner.example/agent/y');
      await expect(c.getByTestId('key-origin')).toHaveText('imported');
      await expect(c.getByTestId('key-can-sign')).toHaveText('verify only');
      await expect(c.getByRole('button', { name: 'Test sign' })).toHaveCount(0);
    }
    // Importing it again adds nothing.
    await panel.getByLabel('Key, JWKS, trust store or PEM').fill(JSON.stringify(jwks));
    await panel.getByRole('button', { name: 'Import' }).click();
    await expect(panel.getByTestId('import-done')).toHaveText(
      'Nothing new: every key in it is already stored.',
    );
    await expect(cards(page)).toHaveCount(5);
  });

  test('a key file can be chosen or dropped; a JWK without issuer is listed unbound', async ({ page }) => {
    const panel = importPanel(page);
    await panel.getByLabel('Choose a key file').setInputFiles({
      name: 'partner.jwk.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(await partnerJwk('from-file'))),
    });
    await expect(panel.getByLabel('Key, JWKS, trust store or PEM')).toHaveValue(/"kid":"from-file"/);
    await expect(panel).toContainText('Read partner.jwk.json');
    await panel.getByRole('button', { name: 'Import' }).click();
    await expect(card(page, 'from-file').getByTestId('key-issuer')).toHaveText(
      'unbound: matched by kid only, issuer unchecked',
    );

    // Drag and drop: a trust store, whose keys keep their own issuers.
    const store = JSON.stringify({
      issuers: { 'spiffe://dropped.example/agent/d': { keys: [await partnerJwk('dropped')] } },
    });
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'trust.json', { type: 'application/json' }));
      return dt;
    }, store);
    await panel.dispatchEvent('dragenter', { dataTransfer });
    await panel.dispatchEvent('dragover', { dataTransfer });
    await panel.dispatchEvent('drop', { dataTransfer });
    await expect(panel.getByLabel('Key, JWKS, trust store or PEM')).toHaveValue(store);
    await panel.getByRole('button', { name: 'Import' }).click();
    await expect(card(page, 'dropped').getByTestId('key-issuer')).toHaveText(
      'spiffe://dropped.example/agent/d',
    );
  });

  test('bad import text gives the specific error and loses nothing', async ({ page }) => {
    const panel = importPanel(page);
    const text = panel.getByLabel('Key, JWKS, trust store or PEM');
    const importButton = panel.getByRole('button', { name: 'Import' });
    const error = panel.getByTestId('import-error');

    const broken = '{"keys": [\n  {"kty": "EC",}\n]}';
    await text.fill(broken);
    await importButton.click();
    await expect(error).toHaveText(
      'Nothing was imported: not JSON: line 2, column 16: found "}" where a property name in double quotes was expected',
    );
    await expect(text).toHaveValue(broken); // kept, to fix
    await expect(cards(page)).toHaveCount(3);

    const { kid: _kid, ...noKid } = await partnerJwk('x');
    void _kid;
    await text.fill(JSON.stringify(noKid));
    await importButton.click();
    await expect(error).toContainText('the JWK has no "kid"');

    await text.fill('{"kty": "oct", "k": "c2VjcmV0", "kid": "shared"}');
    await importButton.click();
    await expect(error).toContainText('the JWK is not a public key: it is a symmetric key');

    await text.fill('{"keys": []}');
    await importButton.click();
    await expect(error).toHaveText('Nothing was imported: empty: it holds no keys');

    await text.fill('');
    await importButton.click();
    await expect(error).toContainText('Nothing was imported: empty: paste or choose a JWK');

    await expect(cards(page)).toHaveCount(3);
    await page.reload();
    await expect(cards(page)).toHaveCount(3);
  });

  test('the exported trust store holds a new key under its issuer (shown, copied, downloaded)', async ({
    page,
    context,
  }) => {
    await generate(page, { name: 'Agent X', issuer: 'spiffe://example.com/agent/x', kid: 'agent-x-key' });
    await expect(card(page, 'Agent X')).toHaveCount(1);

    const trust = page.getByTestId('export-trust');
    const shown = JSON.parse((await trust.getByTestId('export-trust-json').textContent())!) as {
      issuers: Record<string, { keys: JWK[] }>;
    };
    expect(shown.issuers['spiffe://example.com/agent/x']!.keys.map((k) => k.kid)).toEqual(['agent-x-key']);
    expect(Object.keys(shown.issuers)).toHaveLength(4);
    expect(JSON.stringify(shown)).not.toContain('"d"');

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await trust.getByRole('button', { name: 'Copy Trust store' }).click();
    await expect(trust.getByRole('button', { name: 'Copy Trust store' })).toHaveText('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(copied)).toEqual(shown);

    const downloading = page.waitForEvent('download');
    await trust.getByRole('button', { name: 'Download Trust store' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('ect-trust-store.json');
    expect(JSON.parse(await readFile((await download.path())!, 'utf8'))).toEqual(shown);

    const jwksDownloading = page.waitForEvent('download');
    await page.getByTestId('export-jwks').getByRole('button', { name: 'Download JWKS' }).click();
    const jwks = JSON.parse(await readFile((await (await jwksDownloading).path())!, 'utf8')) as {
      keys: JWK[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(['agent-a-key', 'agent-b-key', 'agent-c-key', 'agent-x-key']);
  });

  test('private export: never for a non-extractable key, after confirming for an extractable one', async ({
    page,
  }) => {
    const a = card(page, 'Example agent A (test key)');
    await expect(a.getByRole('button', { name: /Export private key/ })).toHaveCount(0);
    await expect(a.getByTestId('key-private')).toHaveText(
      'non-extractable: it can sign, but can never be read out',
    );

    await generate(page, { name: 'Portable', issuer: 'spiffe://example.com/agent/p', extractable: true });
    const p = card(page, 'Portable');
    await expect(p.getByTestId('key-extractable')).toHaveText('extractable');
    const exportButton = p.getByRole('button', { name: 'Export private key' });

    // Cancelling shows nothing.
    await exportButton.click();
    const dialog = page.getByRole('dialog', { name: 'Export the private key of “Portable”?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Whoever has it can sign ECTs as this key');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('private-jwk')).toHaveCount(0);

    await exportButton.click();
    await page.getByRole('button', { name: 'Yes, show the private key' }).click();
    const shown = page.getByRole('dialog', { name: 'Private key of “Portable”' });
    const jwk = JSON.parse((await shown.getByTestId('private-jwk').textContent())!) as JWK;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jwk.kid).toBe(await p.getByTestId('key-kid').textContent());
    await shown.getByRole('button', { name: 'Close' }).click();
    await expect(shown).toBeHidden();
    await expect(page.getByTestId('private-jwk')).toHaveCount(0);
  });

  test('deleting asks first; Escape or Cancel keeps the key; deleted stays deleted; examples restore', async ({
    page,
  }) => {
    const b = card(page, 'Example agent B (test key)');
    const deleteButton = b.getByRole('button', { name: 'Delete' });
    await deleteButton.click();
    const dialog = page.getByRole('dialog', { name: 'Delete “Example agent B (test key)”?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(deleteButton).toBeFocused(); // focus returns to the button that opened it
    await expect(cards(page)).toHaveCount(3);

    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Delete key' }).click();
    await expect(dialog).toBeHidden();
    await expect(cards(page)).toHaveCount(2);
    await expect(b).toHaveCount(0);
    // The opener is gone with the card: focus lands on the page's heading, not nowhere.
    await expect(page.getByRole('heading', { name: 'Keys & trust' })).toBeFocused();

    await page.reload();
    await expect(cards(page)).toHaveCount(2); // not seeded again
    const examples = page.getByRole('region', { name: 'Example agents' });
    await expect(examples).toContainText('1 of 3 missing: agent-b-key');
    await examples.getByRole('button', { name: 'Restore example agents' }).click();
    await expect(examples.getByRole('status')).toHaveText('Restored Example agent B (test key).');
    await expect(cards(page)).toHaveCount(3);
  });

  test('rename and re-bind a key, then unbind it; the change persists', async ({ page }) => {
    const c = card(page, 'Example agent C (test key)');
    await c.getByRole('button', { name: 'Rename / re-bind' }).click();
    const form = c.getByRole('form', { name: /Rename or re-bind/ });
    await form.getByLabel('Name').fill('Agent C (renamed)');
    await form.getByLabel('Issuer (iss) bound to').fill('spiffe://example.com/agent/c2');
    await form.getByRole('button', { name: 'Save' }).click();
    const renamed = card(page, 'Agent C (renamed)');
    await expect(renamed.getByTestId('key-issuer')).toHaveText('spiffe://example.com/agent/c2');
    await expect(renamed.getByRole('button', { name: 'Rename / re-bind' })).toBeFocused();
    await expect(page.getByTestId('export-trust-json')).toContainText('"spiffe://example.com/agent/c2"');

    await page.reload();
    await expect(renamed.getByTestId('key-issuer')).toHaveText('spiffe://example.com/agent/c2');
    await renamed.getByRole('button', { name: 'Rename / re-bind' }).click();
    await renamed.getByLabel('Issuer (iss) bound to').fill('');
    await renamed.getByRole('button', { name: 'Save' }).click();
    await expect(renamed.getByTestId('key-issuer')).toHaveText(
      'unbound: matched by kid only, issuer unchecked',
    );
  });

  test('the controls are reachable by keyboard: generate a key without the mouse', async ({ page }) => {
    await expect(cards(page)).toHaveCount(3); // loaded: the forms are enabled
    await generatePanel(page).getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('Keyboard agent');
    await page.keyboard.press('Tab');
    await page.keyboard.type('spiffe://example.com/agent/k');
    await page.keyboard.press('Tab');
    await page.keyboard.type('kbd-key');
    await page.keyboard.press('Tab');
    await expect(generatePanel(page).getByLabel('Extractable private key')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(generatePanel(page).getByRole('button', { name: 'Generate key' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(card(page, 'Keyboard agent').getByTestId('key-kid')).toHaveText('kbd-key');
  });
});

test('without IndexedDB the Keys page says so and nothing blanks', async ({ page }) => {
  // As in a browser that refuses site storage: no indexedDB at all.
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await page.goto('./#/keys');
  await expect(page.getByRole('heading', { name: 'Keys & trust' })).toBeVisible();
  await expect(page.getByTestId('keys-unavailable')).toContainText(
    'Keys cannot be stored in this browser session',
  );
  await expect(page.getByTestId('keys-unavailable')).toContainText('this browser offers no IndexedDB here');
  await expect(generatePanel(page).getByRole('button', { name: 'Generate key' })).toBeDisabled();
  await expect(importPanel(page).getByRole('button', { name: 'Import' })).toBeDisabled();
  await expect(page.getByRole('region', { name: 'Export public keys' })).toBeVisible();
  // The rest of the app still works.
  await page.getByRole('link', { name: 'Inspect' }).click();
  await expect(page.getByLabel('Paste ECTs')).toBeVisible();
});
