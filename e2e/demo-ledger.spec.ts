import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/**
 * The demo ledger (src/state/demoLedger.ts): a first-time visitor loads it from an empty Graph or
 * Ledger tab and finds each planted defect where the guide says it is.
 */
const keyCard = (page: Page, name: string) =>
  page.getByTestId('key-card').filter({ has: page.getByRole('heading', { name, exact: true }) });
const graphNode = (page: Page, act: string) =>
  page.locator('[data-testid="graph-node"]').filter({ hasText: act });

test.describe('The demo ledger', () => {
  test('loaded from the empty Graph tab: every planted defect drawn, the guide lists them, kept on reload', async ({
    page,
  }) => {
    await page.goto('./#/graph');
    await expect(page.getByTestId('graph-empty')).toBeVisible();
    await page.getByRole('button', { name: 'Load the demo ledger' }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', {
      timeout: 30_000,
    });
    await expect(
      page.getByRole('heading', { name: /Demo: release workflow with planted defects/ }),
    ).toBeVisible();
    await expect(page.getByTestId('count-tokens')).toHaveText('14 tokens');
    await expect(page.getByTestId('count-valid')).toHaveText('4 valid');
    await expect(page.getByTestId('count-tainted')).toHaveText('1 tainted');

    const expectCode = async (act: string, code: string, count = 1) => {
      const nodes = graphNode(page, act);
      await expect(nodes, act).toHaveCount(count);
      for (let k = 0; k < count; k++) {
        await expect(nodes.nth(k), act).toHaveAttribute('data-status', 'invalid');
        await expect(nodes.nth(k).getByTestId('node-code').filter({ hasText: code }), act).toHaveCount(1);
      }
    };
    await expectCode('fetch_deps', 'parent_not_found');
    await expectCode('sync_state', 'cycle', 2);
    await expectCode('lint_code', 'duplicate_jti');
    await expectCode('lint_again', 'duplicate_jti');
    await expectCode('publish_secrets', 'invalid_signature');
    await expect(graphNode(page, 'announce')).toHaveAttribute('data-status', 'tainted');
    for (const code of ['temporal_violation', 'workflow_mismatch', 'parent_policy']) {
      await expect(page.locator(`[data-testid="graph-edge"][data-codes~="${code}"]`), code).toHaveCount(1);
    }
    await expect(page.locator('[data-testid="graph-node"][data-status="ghost"]')).toHaveCount(1);

    const guide = page.getByTestId('demo-guide');
    await guide.getByText('8 planted defects to find').click();
    await expect(guide).toContainText(
      'fetch_deps: names a parent that is not in the ledger (parent_not_found)',
    );
    await expect(guide).toContainText('announce: valid itself, but built on publish_secrets (tainted)');
    await expect(guide.getByTestId('demo-keys')).not.toContainText('added back');

    await page.reload();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('count-tokens')).toHaveText('14 tokens');
    await page.getByRole('link', { name: 'Ledger', exact: true }).click();
    await expect(page.getByTestId('ledger-row')).toHaveCount(14);
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 14 entries');
    await expect(page.getByTestId('demo-guide')).toBeVisible();
  });

  test('with the example agents deleted, loading the demo from the Ledger tab puts their keys back and says so', async ({
    page,
  }) => {
    await page.goto('./#/keys');
    for (const name of ['Example agent A (test key)', 'Example agent C (test key)']) {
      const card = keyCard(page, name);
      await card.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete key' }).click();
      await expect(card).toHaveCount(0);
    }
    await page.getByRole('link', { name: 'Ledger', exact: true }).click();
    await expect(page.getByTestId('ledger-empty')).toBeVisible();
    await page.getByTestId('ledger-empty').getByRole('button', { name: 'Load the demo ledger' }).click();
    await expect(page.getByTestId('audit-summary')).toContainText('4 valid', { timeout: 30_000 });
    await expect(page.locator('[data-testid="ledger-row"][data-status="invalid"]')).toHaveCount(9);
    await expect(page.getByTestId('demo-keys')).toContainText('they were added back');
    await page.getByRole('link', { name: 'Keys & trust', exact: true }).click();
    await expect(keyCard(page, 'Example agent A (test key)')).toBeVisible();
    await expect(keyCard(page, 'Example agent C (test key)')).toBeVisible();
  });

  test('Learn offers the demo to replay, entry by entry, ending on the same audit', async ({ page }) => {
    await page.goto('./#/learn');
    await page.getByRole('link', { name: 'Replay a workflow' }).click();
    const empty = page.getByTestId('replay-empty');
    await expect(empty).toContainText('This ledger is empty');
    await empty.getByRole('button', { name: 'Load the demo ledger' }).click();
    await expect(page.getByTestId('replay-ledger-size')).toHaveText('14 entries', { timeout: 30_000 });
    const slider = page.getByLabel('Entries replayed', { exact: true });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('replay-added')).toContainText('plan_release');
    await expect(page.getByTestId('replay-added')).toHaveAttribute('data-status', 'valid');
    await page.keyboard.press('End');
    await expect(slider).toHaveValue('14');
    await expect(page.getByTestId('replay-summary')).toContainText('4 valid · 9 invalid · 1 tainted');
  });
});
