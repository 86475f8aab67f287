import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { defectLedger } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';

/**
 * The Ledger table as a reviewer uses it, on a ledger made here: sorting by a column, searching
 * pred and violation codes, exporting what is shown as CSV, and the demo ledger still on offer
 * once the ledger has entries.
 */
const { tokens, expected, missingParent } = defectLedger();

async function openWithDefects(page: Page) {
  await page.goto('./#/ledger');
  await expect(page.getByTestId('ledger-page')).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Tokens to import').fill(tokens.join('\n'));
  await page.getByRole('button', { name: 'Import pasted' }).click();
  await expect(page.getByTestId('import-outcome')).toContainText(`Added ${tokens.length} entries`);
  await expect(page.locator('[data-testid="ledger-row"][data-status="pending"]')).toHaveCount(0);
}

const jtis = (page: Page) =>
  page.getByTestId('ledger-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-jti')!));

test('the ledger table sorts, searches pred and codes, and exports what it shows as CSV', async ({
  page,
}) => {
  await openWithDefects(page);
  const header = (name: string) => page.getByRole('columnheader', { name });

  // Sorting by jti: ascending, then descending, then back to ledger order.
  const ledgerOrder = await jtis(page);
  await header('jti').getByRole('button').click();
  await expect(header('jti')).toHaveAttribute('aria-sort', 'ascending');
  expect(await jtis(page)).toEqual([...ledgerOrder].sort());
  await header('jti').getByRole('button').click();
  await expect(header('jti')).toHaveAttribute('aria-sort', 'descending');
  expect(await jtis(page)).toEqual([...ledgerOrder].sort().reverse());
  await header('jti').getByRole('button').click();
  await expect(header('jti')).not.toHaveAttribute('aria-sort', /./);
  expect(await jtis(page)).toEqual(ledgerOrder);
  // By status: the problems first.
  await header('status').getByRole('button').click();
  const statuses = await page
    .getByTestId('ledger-row')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')!));
  expect(statuses.indexOf('valid')).toBeGreaterThan(statuses.lastIndexOf('invalid'));

  // Search finds an entry by a parent it names, and by a violation code.
  const search = page.getByLabel('Search');
  await search.fill(missingParent);
  await expect(page.getByTestId('ledger-row')).toHaveCount(1);
  await expect(page.getByTestId('ledger-row')).toHaveAttribute('data-jti', expected.orphan!.jti);
  await search.fill('workflow_mismatch');
  await expect(page.getByTestId('ledger-row')).toHaveCount(1);
  await expect(page.getByTestId('ledger-row')).toHaveAttribute('data-jti', expected.stranger!.jti);
  await search.fill('invalid_signature');
  await expect(page.getByTestId('ledger-row')).toHaveCount(1);

  // CSV of what is shown: the cycle's two entries, sorted by status then ledger order.
  await search.fill('cycle');
  await expect(page.getByTestId('ledger-row')).toHaveCount(2);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^ect-ledger-.*\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(csv[0]).toBe(
    'seq,appended_at,jti,wid,iss,exec_act,iat,iat_utc,status,codes,ledger_problems,pred,receipt',
  );
  expect(csv).toHaveLength(3);
  expect(csv[1]).toContain(`,${expected.cycleA!.jti},`);
  expect(csv[1]).toContain(',invalid,cycle,,');
  expect(csv[1]).toContain(`,${expected.cycleB!.jti},`); // its pred
  expect(csv[2]).toContain(`,${expected.cycleB!.jti},`);
});

test('the demo ledger is on offer from the Ledger and Graph tabs when the ledger has entries', async ({
  page,
}) => {
  await openWithDefects(page);
  await page
    .getByRole('region', { name: 'Ledgers' })
    .getByRole('button', { name: 'Load the demo ledger' })
    .click();
  await expect(page.getByLabel('Ledger', { exact: true }).locator('option:checked')).toHaveText(
    /Demo: release workflow/,
    { timeout: 30_000 },
  );
  await expect(page.getByTestId('ledger-row')).toHaveCount(14, { timeout: 30_000 });

  await page.getByLabel('Ledger', { exact: true }).selectOption({ label: 'My first ledger' });
  await page.getByRole('navigation', { name: 'Workbench' }).getByRole('link', { name: 'Graph' }).click();
  await expect(page.getByTestId('count-tokens')).toHaveText(`${tokens.length} tokens`, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Load' }).click();
  await expect(page.getByRole('button', { name: 'Load the demo ledger' })).toBeVisible();
});
