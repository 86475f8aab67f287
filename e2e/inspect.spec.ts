import { EXAMPLE_TOKEN } from '../src/features/inspect/example.ts';
import { expect, test } from './fixtures.ts';

test.describe('Inspect: paste and decode', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('./');
    await expect(page.getByRole('heading', { name: 'ECT Workbench' })).toBeVisible();
  });

  test('the example token decodes to one L2 -01 card', async ({ page }) => {
    await page.getByLabel('Paste ECTs').fill(EXAMPLE_TOKEN);

    const cards = page.getByTestId('token-card');
    await expect(cards).toHaveCount(1);
    await expect(page.getByTestId('decode-error')).toHaveCount(0);
    const card = cards.first();
    await expect(card.getByTestId('level-badge')).toHaveText('L2');
    await expect(card.getByTestId('version-badge')).toHaveText('-01');
    await expect(card.getByTestId('header-json')).toContainText('"kid": "agent-a-key"');
    await expect(card.getByTestId('payload-json')).toContainText('"exec_act": "review_spec"');
    // iat 1767225540 shown as an ISO date too.
    await expect(card.getByTestId('time-iat')).toContainText('1767225540');
    await expect(card.getByTestId('time-iat')).toContainText('2025-12-31T23:59:00');
    await expect(page.getByTestId('token-count')).toHaveText(/^1 token\b/);
  });

  test('the Example button fills in the same token', async ({ page }) => {
    await page.getByRole('button', { name: 'Example' }).click();
    await expect(page.getByLabel('Paste ECTs')).toHaveValue(EXAMPLE_TOKEN);
    await expect(page.getByTestId('token-card')).toHaveCount(1);
  });

  test('garbage shows a decode error that names the base64url alphabet', async ({ page }) => {
    await page.getByLabel('Paste ECTs').fill('not a token!!');

    const error = page.getByTestId('decode-error');
    await expect(error).toHaveCount(1);
    await expect(error).toContainText('base64url alphabet');
    await expect(error).toContainText('token'); // the part
    await expect(error).toContainText('character 3'); // the position
    await expect(page.getByTestId('token-card')).toHaveCount(0);
  });

  test('two tokens on two lines give two cards', async ({ page }) => {
    await page.getByLabel('Paste ECTs').fill(`${EXAMPLE_TOKEN}\n${EXAMPLE_TOKEN}`);

    await expect(page.getByTestId('token-card')).toHaveCount(2);
    await expect(page.getByTestId('token-count')).toHaveText('2 tokens (read as one token per line)');
  });

  test('an Execution-Context header line gives one card', async ({ page }) => {
    await page.getByLabel('Paste ECTs').fill(`Execution-Context: ${EXAMPLE_TOKEN}`);

    await expect(page.getByTestId('token-card')).toHaveCount(1);
    await expect(page.getByTestId('level-badge')).toHaveText('L2');
    await expect(page.getByTestId('decode-error')).toHaveCount(0);
  });
});
