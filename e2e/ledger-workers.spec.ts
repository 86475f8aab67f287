import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { cleanTokens, defectLedger } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';
import { tableVerdicts } from './ledger-helpers.ts';

/**
 * A large import is verified by the verification workers (src/workers/, under the app's CSP),
 * a small one on the page: the verdicts must not depend on which did it.
 */
const DEFECTS_FILE = fileURLToPath(new URL('./data/ledger-defects.json', import.meta.url));
const defectTokens = JSON.parse(readFileSync(DEFECTS_FILE, 'utf8')) as string[];
const { expected } = defectLedger();
const CLEAN = cleanTokens(400, { ns: 0x3c000000, workflows: 4 });

async function importTokens(page: Page, name: string, tokens: string[]) {
  await page.getByTestId('ledger-file-input').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tokens)),
  });
  await expect(page.getByTestId('import-outcome')).toContainText(
    `Added ${tokens.length.toLocaleString('en')} entries`,
  );
  await expect(page.getByTestId('audit-summary')).toContainText('valid');
  await expect(page.locator('[data-testid="ledger-row"][data-status="pending"]')).toHaveCount(0);
}

/** The rows that are not valid, by status filter: jti → sorted "status:codes". */
async function problemRows(page: Page): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const status of ['invalid', 'tainted']) {
    await page.getByLabel('Status').selectOption(status);
    // The table filters a render later: read it once no other status is shown.
    await expect(page.locator(`[data-testid="ledger-row"]:not([data-status="${status}"])`)).toHaveCount(0);
    for (const [jti, verdicts] of Object.entries(await tableVerdicts(page)))
      (out[jti] ??= []).push(...verdicts);
  }
  await page.getByLabel('Status').selectOption('');
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

test('verdicts are the same whether the page or the workers verified the tokens', async ({ page }) => {
  test.setTimeout(120_000);
  // A 4-core machine, where a few hundred tokens go to the workers (on 2 cores, only 50,000 and
  // more do: verifyWorkerPlan in src/workers/verifyPool.ts).
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }),
  );
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('./#/ledger');
  await expect(page.getByTestId('ledger-empty')).toBeVisible();

  // 15 tokens: verified on the page.
  await importTokens(page, 'defects.json', defectTokens);
  const onPage = await problemRows(page);
  expect(Object.keys(onPage).length).toBeGreaterThan(5);
  expect(workers.filter((u) => u.includes('verify.worker'))).toEqual([]);

  // The same defects among 400 clean tokens, in a new ledger: verified by the workers.
  await page.getByRole('button', { name: 'New ledger…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New ledger' });
  await dialog.getByLabel('Name').fill('large');
  await dialog.getByRole('button', { name: 'Create ledger' }).click();
  // The dialog closes once the new ledger is open; until then the ledger on screen (and the
  // one an import goes into) is the one open before, empty too.
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('ledger-empty')).toBeVisible();
  await importTokens(page, 'large.json', [...CLEAN.slice(0, 200), ...defectTokens, ...CLEAN.slice(200)]);
  expect(await problemRows(page)).toEqual(onPage);
  expect(workers.filter((u) => u.includes('verify.worker')).length).toBeGreaterThan(0);
  await expect(page.getByTestId('audit-summary')).toContainText(`${(400 + 4).toLocaleString('en')} valid`);

  // Details: a bad signature found by a worker, and a valid token's trace (built when opened).
  await page.getByLabel('Search').fill(expected.tampered!.jti);
  await page.locator(`[data-testid="ledger-row"][data-jti="${expected.tampered!.jti}"]`).click();
  const detail = page.getByTestId('entry-detail');
  await expect(detail.getByTestId('entry-verdict')).toHaveText('invalid');
  await expect(
    detail.locator('[data-testid="code-explanation"][data-code="invalid_signature"]'),
  ).toBeVisible();
  await page.getByLabel('Search').fill(expected.root!.jti);
  await page.locator(`[data-testid="ledger-row"][data-jti="${expected.root!.jti}"]`).click();
  await expect(detail.getByTestId('entry-verdict')).toHaveText('valid');
  await expect(detail.getByTestId('trace').getByTestId('step-7')).toContainText('verified with kid');
});
