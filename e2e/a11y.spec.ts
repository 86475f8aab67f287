import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/**
 * Accessibility, checked by axe-core against WCAG 2.1 A and AA (contrast, names, roles, labels…) on
 * every tab and on the states a new user reaches first, in the light and the dark colour scheme.
 */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}, at ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join('; ')}`,
  );
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every tab and the first states meet WCAG 2.1 AA (${colorScheme})`, async ({ page }) => {
    // axe runs over about ten states; at load 20+ one run passed 90 s (a time-out, no violation found).
    test.setTimeout(300_000);
    await page.emulateMedia({ colorScheme });
    const found: Record<string, string[]> = {};
    const check = async (name: string) => {
      const v = await violations(page);
      if (v.length) found[name] = v;
    };
    for (const tab of ['inspect', 'create', 'keys', 'ledger', 'graph', 'simulate', 'learn']) {
      await page.goto(`./#/${tab}`);
      await expect(page.getByRole('main')).not.toBeEmpty();
      await expect(page.getByText(/^Opening the ledgers/)).toHaveCount(0);
      await check(tab);
    }
    await page.goto('./#/inspect');
    await page.getByRole('button', { name: 'Try an example' }).click();
    await expect(page.getByTestId('verdict')).toBeVisible();
    await check('inspect, a verified token');

    await page.goto('./#/graph');
    await page.getByRole('button', { name: 'Load the demo ledger' }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', {
      timeout: 30_000,
    });
    await check('graph, the demo ledger');
    await page.getByRole('link', { name: 'Ledger', exact: true }).click();
    await expect(page.getByTestId('ledger-row')).toHaveCount(14);
    await check('ledger, the demo ledger');

    await page.getByRole('link', { name: 'Simulate', exact: true }).click();
    await page.getByRole('button', { name: 'Run all' }).click();
    await expect(page.getByTestId('sim-status')).toContainText('run finished');
    await check('simulate, a finished run');

    expect(found).toEqual({});
  });
}
