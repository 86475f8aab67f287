import { EXAMPLE_TOKEN } from '../src/features/inspect/exampleToken.ts';
import { expect, test } from './fixtures.ts';
import { loadFreshExample, openInspector } from './inspect-helpers.ts';

test.describe('Inspect: paste and decode', () => {
  test.beforeEach(async ({ page }) => {
    await openInspector(page);
  });

  test('a first visit explains what to paste', async ({ page }) => {
    const empty = page.getByTestId('empty-state');
    await expect(empty).toBeVisible();
    await expect(empty).toContainText('Execution-Context: eyJ');
    await expect(empty).toContainText('JSON array');
    await expect(empty.getByRole('button', { name: 'Try an example' })).toBeVisible();
  });

  test('the conformance token decodes to one L2 -01 card', async ({ page }) => {
    await page.getByLabel('Paste ECTs').fill(EXAMPLE_TOKEN);

    const cards = page.getByTestId('token-card');
    await expect(cards).toHaveCount(1);
    await expect(page.getByTestId('decode-error')).toHaveCount(0);
    await expect(page.getByTestId('empty-state')).toHaveCount(0);
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

  test('the Example button fills in a freshly signed token', async ({ page }) => {
    const token = await loadFreshExample(page);
    expect(token).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{86}$/);
    expect(token).not.toBe(EXAMPLE_TOKEN);
    await expect(page.getByTestId('token-card')).toHaveCount(1);
    await expect(page.getByTestId('notice')).toContainText('signed just now');
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
