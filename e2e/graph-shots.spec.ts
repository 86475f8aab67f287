import type { Page } from '@playwright/test';
import { cleanTokens, defectLedger } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';

/**
 * Screenshots of the Graph tab for a human to look at (test-results/graph-shots/):
 * the defect ledger in light and dark mode, a selected node, the PNG export,
 * 1,000 tokens. Run on demand: GRAPH_SHOTS=1 npx playwright test e2e/graph-shots.
 */
const OUT = 'test-results/graph-shots';
const { tokens, expected } = defectLedger();

async function load(page: Page, list: string[]) {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto('./#/graph');
  await page.getByLabel('Tokens to add to the ledger').evaluate((el, text) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, text);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, list.join('\n'));
  await page.getByRole('button', { name: 'Add to ledger' }).click();
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', { timeout: 60_000 });
  await page.waitForTimeout(400);
}

test.describe('Graph screenshots', () => {
  test.skip(!process.env.GRAPH_SHOTS, 'screenshots on demand: GRAPH_SHOTS=1');
  for (const scheme of ['light', 'dark'] as const) {
    test(`defects, ${scheme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await load(page, tokens);
      await page.screenshot({ path: `${OUT}/defects-${scheme}.png`, fullPage: true });
      await page.getByRole('button', { name: 'Export' }).click();
      const [png] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'PNG' }).click(),
      ]);
      await page.keyboard.press('Escape');
      await png.saveAs(`${OUT}/export-${scheme}.png`);
      await page.getByTestId('graph-canvas').screenshot({ path: `${OUT}/canvas-${scheme}.png` });
      await page.locator(`[data-testid="graph-node"][data-jti="${expected.downstream!.jti}"]`).click();
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${OUT}/selected-${scheme}.png`, fullPage: true });
      await page.getByRole('button', { name: 'Top → bottom' }).click();
      await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-direction', 'TB');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Fit View' }).click();
      await page.waitForTimeout(400);
      await page.getByTestId('graph-canvas').screenshot({ path: `${OUT}/canvas-tb-${scheme}.png` });
    });
  }

  test('1,000 tokens', async ({ page }) => {
    test.setTimeout(120_000);
    await load(page, cleanTokens(1000, { ns: 0x5a000000 }));
    await page.screenshot({ path: `${OUT}/thousand.png`, fullPage: true });
    await page.getByLabel('Group').selectOption('wid');
    await page.waitForTimeout(600);
    await page.getByTestId('graph-canvas').screenshot({ path: `${OUT}/thousand-grouped.png` });
  });
});
