import type { Page } from '@playwright/test';
import { cleanTokens, defectLedger } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';

/**
 * Learn › Replay on ledgers made here: it keeps its own ledger choice (the Ledger and Graph tabs
 * keep theirs), plays at the speed chosen, and fits the drawing at every position, End included.
 */
const { tokens: defectTokens } = defectLedger();
const tab = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Workbench' }).getByRole('link', { name, exact: true });

async function importInto(page: Page, name: string | null, tokens: string[]) {
  await page.goto('./#/ledger');
  await expect(page.getByTestId('ledger-page')).toBeVisible({ timeout: 30_000 });
  if (name !== null) {
    await page.getByRole('button', { name: 'New ledger…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New ledger' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Create ledger' }).click();
    await expect(dialog).toBeHidden();
  }
  await page.getByLabel('Tokens to import').evaluate((el, text) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, text);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, tokens.join('\n'));
  await page.getByRole('button', { name: 'Import pasted' }).click();
  await expect(page.getByTestId('import-outcome')).toContainText(
    `Added ${tokens.length.toLocaleString('en')}`,
    {
      timeout: 60_000,
    },
  );
}

/** Every node React Flow drew lies inside the replay's canvas. */
async function expectFitted(page: Page) {
  await expect(async () => {
    const r = await page.getByTestId('replay-canvas').evaluate((canvas) => {
      const c = canvas.getBoundingClientRect();
      const nodes = [...canvas.querySelectorAll('.react-flow__node')].map((n) => n.getBoundingClientRect());
      return {
        count: nodes.length,
        outside: nodes.filter(
          (b) => b.left < c.left - 1 || b.top < c.top - 1 || b.right > c.right + 1 || b.bottom > c.bottom + 1,
        ).length,
      };
    });
    expect(r.count).toBeGreaterThan(0);
    expect(r.outside).toBe(0);
  }).toPass({ timeout: 10_000 });
}

test('Replay keeps its own ledger, plays at the chosen speed, and fits every position', async ({ page }) => {
  test.setTimeout(180_000);
  await importInto(page, null, defectTokens);
  await importInto(page, 'four hundred', cleanTokens(400, { ns: 0x3e000000, workflows: 2 }));
  // The Ledger and Graph tabs have "four hundred" open; go back to the first ledger there.
  await page.getByLabel('Ledger', { exact: true }).selectOption({ label: 'My first ledger' });
  await expect(page.getByTestId('ledger-row')).toHaveCount(defectTokens.length);

  await page.goto('./#/learn');
  await page.getByRole('link', { name: 'Replay a workflow' }).click();
  await expect(page.getByTestId('replay-ledger-size')).toHaveText(`${defectTokens.length} entries`);
  await page.getByLabel('Ledger to replay').selectOption({ label: 'four hundred' });
  await expect(page.getByTestId('replay-ledger-size')).toHaveText('400 entries', { timeout: 30_000 });

  // End: the last 300 entries, all of them in view.
  await page.getByRole('button', { name: 'End »' }).click();
  await expect(page.getByTestId('replay-k')).toHaveText('400 / 400');
  await expect(page.getByTestId('replay-canvas')).toHaveAttribute('data-nodes', '300');
  await expectFitted(page);
  await page.getByTestId('replay-canvas').screenshot({ path: 'test-results/learn-replay/end.png' });
  // Any other position too.
  const slider = page.getByLabel('Entries replayed', { exact: true });
  await slider.fill('150');
  await expect(page.getByTestId('replay-k')).toHaveText('150 / 400');
  await expectFitted(page);

  // Fast: from the start to the end in a few seconds, not 400.
  await page.getByRole('button', { name: '« Start' }).click();
  await page.getByTestId('replay-speed').selectOption('500');
  await page.getByRole('button', { name: '▶ Play' }).click();
  await expect(page.getByTestId('replay-k')).toHaveText('400 / 400', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: '▶ Play again' })).toBeVisible();

  // Choosing a ledger in the replay left the other tabs' choice as it was.
  await tab(page, 'Ledger').click();
  await expect(page.getByLabel('Ledger', { exact: true }).locator('option:checked')).toHaveText(
    'My first ledger',
  );
  await expect(page.getByTestId('ledger-row')).toHaveCount(defectTokens.length);
  await tab(page, 'Graph').click();
  await expect(page.getByTestId('count-tokens')).toHaveText(`${defectTokens.length} tokens`);
  // And the replay still has its own.
  await tab(page, 'Learn').click();
  await page.getByRole('link', { name: 'Replay a workflow' }).click();
  await expect(page.getByLabel('Ledger to replay').locator('option:checked')).toHaveText('four hundred');
});
