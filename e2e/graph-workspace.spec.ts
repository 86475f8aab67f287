import type { Page } from '@playwright/test';
import { defectLedger } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';

/**
 * The Graph tab as a workspace, on ledgers made here: the full-height layout at a desktop and a
 * phone size (screenshots in test-results/graph-workspace/ for a human to look at).
 */
const OUT = 'test-results/graph-workspace';
const { tokens } = defectLedger();

async function load(page: Page, list: string[]) {
  await page.goto('./#/graph');
  await page.getByLabel('Tokens to add to the ledger').evaluate((el, text) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, text);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, list.join('\n'));
  await page.getByRole('button', { name: 'Add to ledger' }).click();
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', { timeout: 60_000 });
}

test.describe('Graph workspace', () => {
  for (const [w, h] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    test(`at ${w}x${h} the canvas and its controls are in view`, async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await load(page, tokens);
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${OUT}/workspace-${w}.png` });
    });
  }
});
