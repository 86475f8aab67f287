import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Page } from '@playwright/test';
import { createToken, type JsonObject } from 'wimse-ect';
import { expect, test } from './fixtures.ts';

/**
 * The first hour of a user who arrives with keys and tokens made elsewhere (issue 16): trust a key
 * from where it is missing, bring your own keys (a keygen pair made by the CLI, PEM), and text that
 * lands in the wrong place offered its place. Every key and token here is made by the test.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `ect keygen --kid KID`, run as a user would: {"private": JWK, "public": JWK}. */
function cliKeygen(kid: string): { text: string; private: JWK; public: JWK } {
  const text = execFileSync(process.execPath, ['scripts/ect.mjs', 'keygen', '--kid', kid], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const pair = JSON.parse(text) as { private: JWK; public: JWK };
  return { text, ...pair };
}

async function sign(key: CryptoKey | JWK, kid: string, claims: JsonObject, alg = 'ES256'): Promise<string> {
  const { token } = await createToken(
    { aud: 'spiffe://example.com/agent/b', exec_act: 'review_spec', pred: [], ...claims },
    { key, kid, alg },
  );
  return token;
}

const verdict = (page: Page) => page.getByTestId('verdict');

async function inspect(page: Page, text: string) {
  await page.goto('./#/inspect');
  await page.getByLabel('Paste ECTs').fill(text);
}

test.describe('Trust from where it is missing', () => {
  test('unknown_key in Inspect: the issuer’s PEM key, with issuer and kid from the token, and the token verifies in place', async ({
    page,
  }) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const iss = 'spiffe://partner.example/agent/p';
    const token = await sign(privateKey, 'partner-key-1', { iss });
    await inspect(page, token);
    await expect(verdict(page)).toHaveAttribute('data-code', 'unknown_key');

    await verdict(page).getByRole('button', { name: 'Add the issuer’s key…' }).click();
    const dialog = page.getByTestId('trust-key-dialog');
    await expect(dialog.getByLabel('Bind to issuer')).toHaveValue(iss);
    await expect(dialog.getByLabel('Key id (kid) for a key without one')).toHaveValue('partner-key-1');
    // Something else first: a clear error, nothing imported, the dialog stays.
    await dialog.getByLabel(/The issuer's key/).fill('{"kty": "oct", "k": "c2VjcmV0"}');
    await dialog.getByRole('button', { name: 'Trust this key' }).click();
    await expect(dialog.getByTestId('trust-key-error')).toContainText('symmetric key');

    await dialog.getByLabel(/The issuer's key/).fill(await exportSPKI(publicKey));
    await dialog.getByRole('button', { name: 'Trust this key' }).click();
    const done = dialog.getByTestId('trust-key-done');
    await expect(done).toContainText('Imported 1 key from PEM');
    await expect(done.getByTestId('imported-key')).toContainText(`partner-key-1 · bound to ${iss}`);
    await expect(done.getByTestId('imported-key')).toContainText('verifies only');
    // Verified again behind the dialog, then closed.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
    await expect(verdict(page)).toHaveAttribute('data-status', 'valid');
    await expect(verdict(page)).toContainText(`kid "partner-key-1" bound to ${iss}`);
  });

  test('issuer_mismatch in Inspect: a JWK dropped on the dialog binds the key to the token’s issuer', async ({
    page,
  }) => {
    // Another issuer whose key happens to use the kid of example agent A.
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const iss = 'spiffe://other.example/agent/o';
    await inspect(page, await sign(privateKey, 'agent-a-key', { iss }));
    await expect(verdict(page)).toHaveAttribute('data-code', 'issuer_mismatch');
    await verdict(page).getByRole('button', { name: 'Add this issuer’s key…' }).click();
    const dialog = page.getByTestId('trust-key-dialog');
    await expect(dialog).toContainText('spiffe://example.com/agent/a');

    const jwk = JSON.stringify(await exportJWK(publicKey)); // no kid: the token's is used
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'other.jwk', { type: 'application/json' }));
      return dt;
    }, jwk);
    await dialog.getByTestId('trust-key-drop').dispatchEvent('drop', { dataTransfer });
    await expect(dialog.getByLabel(/The issuer's key/)).toHaveValue(jwk);
    await dialog.getByRole('button', { name: 'Trust this key' }).click();
    await expect(dialog.getByTestId('imported-key')).toContainText(`agent-a-key · bound to ${iss}`);
    await page.keyboard.press('Escape');
    await expect(verdict(page)).toHaveAttribute('data-status', 'valid');
  });

  test('a ledger imported before its keys points to them; its trust store dropped on the import is offered as keys, and the ledger re-audits', async ({
    page,
  }) => {
    const a = await generateKeyPair('ES256', { extractable: true });
    const b = await generateKeyPair('ES256', { extractable: true });
    const issA = 'spiffe://first.example/agent/a';
    const issB = 'spiffe://first.example/agent/b';
    const root = crypto.randomUUID();
    const tokens = [await sign(a.privateKey, 'first-a', { iss: issA, jti: root })];
    for (let i = 0; i < 11; i++) {
      tokens.push(await sign(b.privateKey, 'first-b', { iss: issB, pred: [root] }));
    }
    const trust = {
      issuers: {
        [issA]: { keys: [{ ...(await exportJWK(a.publicKey)), kid: 'first-a' }] },
        [issB]: { keys: [{ ...(await exportJWK(b.publicKey)), kid: 'first-b' }] },
      },
    };

    await page.goto('./#/ledger');
    await expect(page.getByTestId('ledger-page')).toBeVisible();
    const file = page.getByTestId('ledger-file-input');
    await file.setInputFiles({
      name: 'tokens.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tokens)),
    });
    await expect(page.getByTestId('import-outcome')).toContainText('Added 12 entries');
    const missing = page.getByTestId('missing-keys');
    await expect(missing).toContainText('12 entries fail with unknown_key');
    await expect(missing).toContainText(`${issB}, kid first-b: 11 entries`);
    await expect(missing).toContainText(`${issA}, kid first-a: 1 entry`);
    await expect(missing.getByRole('link', { name: 'Keys & trust' })).toBeVisible();

    // The trust store, dropped on the ledger's import: not 2 "not a token" errors, but an offer.
    await file.setInputFiles({
      name: 'trust.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(trust)),
    });
    const offer = page.getByTestId('wrong-place');
    await expect(offer).toContainText('This is a trust store (2 keys), not tokens or a ledger bundle');
    await expect(page.getByTestId('ledger-row')).toHaveCount(12);
    await offer.getByRole('button', { name: 'Import as keys' }).click();
    await expect(offer.getByTestId('imported-key')).toHaveCount(2);
    await expect(missing).toBeHidden();
    await expect(page.locator('[data-testid="ledger-row"][data-status="valid"]')).toHaveCount(12);
  });

  test('the Ledger entry detail and the Graph side panel offer the same fix, and re-audit', async ({
    page,
  }) => {
    const g = await generateKeyPair('ES256', { extractable: true });
    const h = await generateKeyPair('ES256', { extractable: true });
    const issG = 'spiffe://graph.example/agent/g';
    const issH = 'spiffe://graph.example/agent/h';
    const rootJti = crypto.randomUUID();
    const childJti = crypto.randomUUID();
    const tokens = [
      await sign(g.privateKey, 'graph-g', { iss: issG, jti: rootJti }),
      await sign(h.privateKey, 'graph-h', { iss: issH, jti: childJti, pred: [rootJti] }),
    ];
    await page.goto('./#/graph');
    await page.getByLabel('Tokens to add to the ledger').fill(tokens.join('\n'));
    await page.getByRole('button', { name: 'Add to ledger' }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', {
      timeout: 30_000,
    });

    // Graph: the root's side panel.
    await page.getByRole('button', { name: 'Fit View' }).click();
    await page.locator(`[data-testid="graph-node"][data-jti="${rootJti}"]`).click();
    const panel = page.getByTestId('node-panel');
    await expect(panel.getByTestId('panel-status')).toHaveText('invalid');
    await panel.getByRole('button', { name: 'Add the issuer’s key…' }).click();
    const dialog = page.getByTestId('trust-key-dialog');
    await expect(dialog.getByLabel('Bind to issuer')).toHaveValue(issG);
    await dialog.getByLabel(/The issuer's key/).fill(JSON.stringify(await exportJWK(g.publicKey)));
    await dialog.getByRole('button', { name: 'Trust this key' }).click();
    await expect(dialog.getByTestId('imported-key')).toContainText(`graph-g · bound to ${issG}`);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(panel.getByTestId('panel-status')).toHaveText('valid');

    // Ledger: the child's entry detail.
    await page.getByRole('link', { name: 'Ledger', exact: true }).click();
    await page.locator(`[data-testid="ledger-row"][data-jti="${childJti}"]`).click();
    const detail = page.getByTestId('entry-detail');
    await expect(detail.getByTestId('entry-verdict')).toHaveText('invalid');
    await detail.getByRole('button', { name: 'Add the issuer’s key…' }).click();
    await expect(dialog.getByLabel('Key id (kid) for a key without one')).toHaveValue('graph-h');
    await dialog.getByLabel(/The issuer's key/).fill(await exportSPKI(h.publicKey));
    await dialog.getByRole('button', { name: 'Trust this key' }).click();
    await expect(dialog.getByTestId('imported-key')).toContainText(`graph-h · bound to ${issH}`);
    await page.keyboard.press('Escape');
    await expect(detail.getByTestId('entry-verdict')).toHaveText('valid');
  });
});

test.describe('Bring your own keys', () => {
  test('a keygen pair made by the CLI signs in Create, and "Open in creator" picks it for its token', async ({
    page,
  }) => {
    const pair = cliKeygen('cli-agent-key');
    const iss = 'spiffe://cli.example/agent/c';
    const token = await sign(pair.private, 'cli-agent-key', { iss });

    await page.goto('./#/keys');
    const panel = page.getByRole('region', { name: 'Import keys' });
    await panel.getByLabel('Key, JWKS, trust store or PEM').fill(pair.text);
    await panel.getByLabel('Bind unbound keys to issuer (optional)').fill(iss);
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    const done = panel.getByTestId('import-done');
    await expect(done).toContainText('Imported 1 key (1 can sign) from `ect keygen` output.');
    await expect(done.getByTestId('imported-key')).toContainText(
      `cli-agent-key · bound to ${iss} · EC P-256, ES256 · can sign (non-extractable)`,
    );
    const card = page.locator('[data-testid="key-card"][data-kid="cli-agent-key"]');
    await expect(card.getByTestId('key-can-sign')).toHaveText('can sign');
    await expect(card.getByTestId('key-extractable')).toHaveText('non-extractable');
    await card.getByRole('button', { name: /Test sign/ }).click();
    await expect(card.getByTestId('test-sign-result')).toContainText('signature OK');

    await page.getByRole('link', { name: 'Inspect', exact: true }).click();
    await page.getByLabel('Paste ECTs').fill(token);
    await expect(verdict(page)).toHaveAttribute('data-status', 'valid');
    await page.getByRole('button', { name: 'Open in creator' }).click();
    await expect(page.getByTestId('handoff-notice')).toContainText('cli-agent-key');
    await expect(page.getByTestId('handoff-notice')).toContainText('is selected');
    await page.getByLabel('exec_act', { exact: true }).fill('approve_spec');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByTestId('result-payload')).toContainText('"exec_act": "approve_spec"');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
  });

  for (const [name, alg, params] of [
    ['EC P-384', 'ES384', {}],
    ['Ed25519', 'EdDSA', {}],
    ['RSA 2048-bit', 'RS256', { modulusLength: 2048 }],
  ] as const) {
    test(`a PKCS#8 PEM ${name} private key is imported non-extractable and signs (${alg})`, async ({
      page,
    }) => {
      const { privateKey } = await generateKeyPair(alg, { extractable: true, ...params });
      await page.goto('./#/keys');
      const panel = page.getByRole('region', { name: 'Import keys' });
      await panel.getByLabel('Key, JWKS, trust store or PEM').fill(await exportPKCS8(privateKey));
      await panel.getByLabel('Bind unbound keys to issuer (optional)').fill('spiffe://pem.example/agent');
      await panel.getByLabel('Key id for a key without one (optional)').fill(`pem-${alg}`);
      await panel.getByRole('button', { name: 'Import', exact: true }).click();
      await expect(panel.getByTestId('imported-key')).toContainText(
        `pem-${alg} · bound to spiffe://pem.example/agent · ${name}, ${alg} · can sign (non-extractable)`,
      );
      const card = page.locator(`[data-testid="key-card"][data-kid="pem-${alg}"]`);
      await expect(card.getByTestId('key-type')).toHaveText(`${name} · ${alg}`);
      await card.getByRole('button', { name: /Test sign/ }).click();
      await expect(card.getByTestId('test-sign-result')).toContainText('signature OK');

      // Create signs with it, in its own algorithm; the default allow-list (ES256) is said to refuse it.
      await page.getByRole('link', { name: 'Create', exact: true }).click();
      await page
        .getByLabel('Signing key')
        .selectOption({ label: `pem-${alg} · kid pem-${alg} · spiffe://pem.example/agent` });
      await expect(page.locator('#create-key-help')).toContainText(`alg ${alg}`);
      await expect(page.locator('#create-key-help')).toContainText(
        `${alg} is not in the verifier's allowed algorithms`,
      );
      await page.getByLabel('exec_act', { exact: true }).fill('pem_signed');
      await page.getByRole('button', { name: 'Sign', exact: true }).click();
      await expect(page.getByTestId('result-header')).toContainText(`"alg": "${alg}"`);
      await expect(page.getByTestId('verdict')).toContainText('alg_not_allowed');
    });
  }

  test('text of another kind pasted into Keys & trust is offered its place: tokens go to Inspect', async ({
    page,
  }) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const token = await sign(privateKey, 'elsewhere-key', { iss: 'spiffe://elsewhere.example/e' });
    await page.goto('./#/keys');
    const panel = page.getByRole('region', { name: 'Import keys' });
    await panel.getByLabel('Key, JWKS, trust store or PEM').fill(token);
    const offer = panel.getByTestId('wrong-place');
    await expect(offer).toContainText('This is 1 token, not a key.');
    await offer.getByRole('button', { name: 'Inspect them' }).click();
    await expect(page.getByTestId('notice')).toContainText('Sent here from the Keys & trust tab.');
    await expect(verdict(page)).toHaveAttribute('data-code', 'unknown_key');

    // And keys pasted into Inspect are offered as keys, imported there and then.
    await page
      .getByLabel('Paste ECTs')
      .fill(JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'elsewhere-key' }] }));
    const back = page.getByTestId('wrong-place');
    await expect(back).toContainText('This is a JWKS, not tokens.');
    await expect(page.getByTestId('token-card')).toHaveCount(0);
    await back.getByRole('button', { name: 'Import as keys' }).click();
    await expect(back.getByTestId('imported-key')).toContainText('elsewhere-key · unbound');
  });

  test('a scenario file and a ledger bundle pasted into Inspect are offered their tabs, and arrive there', async ({
    page,
  }) => {
    // A scenario file, as Simulate saves it.
    await page.goto('./#/simulate');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download file' }).click(),
    ]);
    const scenario = JSON.parse(readFileSync(await download.path(), 'utf8')) as { name: string };
    scenario.name = 'Pasted on the wrong tab';
    await page.goto('./#/inspect');
    await page.getByLabel('Paste ECTs').fill(JSON.stringify(scenario, null, 2));
    const offer = page.getByTestId('wrong-place');
    await expect(offer).toHaveAttribute('data-kind', 'scenario');
    await expect(offer).toContainText('Scenarios run on the Simulate tab.');
    await expect(page.getByTestId('token-card')).toHaveCount(0);
    await offer.getByRole('button', { name: 'Open in Simulate' }).click();
    await expect(page.getByTestId('sim-scenario-name')).toHaveText('Pasted on the wrong tab');
    await expect(page.getByTestId('sim-notice')).toContainText('Loaded “Pasted on the wrong tab”');

    // A ledger bundle, as the Ledger tab exports it: its tokens are inspected, and it is offered a ledger.
    await page.goto('./#/ledger');
    await page.getByTestId('ledger-empty').getByRole('button', { name: 'Load the demo ledger' }).click();
    await expect(page.getByTestId('ledger-row')).toHaveCount(14);
    const [exported] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export bundle' }).click(),
    ]);
    const bundle = readFileSync(await exported.path(), 'utf8');
    await page.goto('./#/inspect');
    await page.getByLabel('Paste ECTs').fill(bundle);
    const bundleOffer = page.getByTestId('wrong-place');
    await expect(bundleOffer).toHaveAttribute('data-kind', 'ledger-bundle');
    await expect(page.getByTestId('summary-row')).toHaveCount(14);
    await bundleOffer.getByRole('button', { name: 'Import into a ledger…' }).click();
    await expect(page.getByRole('link', { name: 'Ledger', exact: true })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await expect(
      page.getByText('Sent here from the Inspect tab: check it, then Import pasted.'),
    ).toBeVisible();
  });
});
