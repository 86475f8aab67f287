import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/**
 * Every tab at phone size (390 x 844, an iPhone 12-15): usable, with no horizontal page overflow
 * (wide content scrolls inside its own box), forms in one column, the ledger's status visible.
 * Screenshots of every tab land in test-results/phone/ for a person to look at.
 */
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

/** The page from its top, one screen at a time (at most 4 screens), as a phone shows it. */
async function shot(page: Page, name: string) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let i = 0; i < Math.min(4, Math.ceil(height / 844)); i++) {
    await page.screenshot({
      path: `test-results/phone/${name}-${i + 1}.png`,
      fullPage: true,
      clip: { x: 0, y: i * 844, width: 390, height: Math.min(844, height - i * 844) },
    });
  }
}

/** The page itself never scrolls sideways: what overflows, overflows inside its own scroller. */
async function noHorizontalOverflow(page: Page, where: string) {
  const { scroll, width, culprits } = await page.evaluate(() => {
    const screen = document.documentElement.clientWidth;
    const wide: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= screen + 1) continue;
      // Inside a box that scrolls or clips sideways: not the page's overflow.
      let p = el.parentElement;
      let contained = false;
      while (p && p !== document.body) {
        const ox = getComputedStyle(p).overflowX;
        if (
          (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') &&
          p.getBoundingClientRect().right <= screen + 1
        ) {
          contained = true;
          break;
        }
        p = p.parentElement;
      }
      if (!contained)
        wide.push(
          `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} right=${Math.round(r.right)}`,
        );
    }
    return { scroll: document.documentElement.scrollWidth, width: screen, culprits: wide.slice(0, 5) };
  });
  expect(culprits, `${where}: elements wider than the screen`).toEqual([]);
  expect(scroll, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(width);
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Workbench' }).getByRole('link', { name, exact: true });

test('every tab at 390 x 844: no sideways page scroll, one-column forms, the ledger status in view', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('./#/inspect');
  await expect(page.getByRole('heading', { name: 'ECT Workbench' })).toBeVisible();
  await noHorizontalOverflow(page, 'inspect, empty');
  await shot(page, '1-inspect-empty');
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
  await noHorizontalOverflow(page, 'inspect, a verified token');
  await page.getByTestId('verdict').scrollIntoViewIfNeeded();
  await shot(page, '2-inspect-verified');

  await nav(page, 'Create').click();
  await expect(page.getByLabel('Signing key')).toBeVisible();
  await noHorizontalOverflow(page, 'create');
  // The signing key select gets the width of the screen, not a sliver beside the level.
  const select = await page.getByLabel('Signing key').boundingBox();
  expect(select!.width).toBeGreaterThan(300);
  await page.getByLabel('Signing key').scrollIntoViewIfNeeded();
  await shot(page, '3-create');

  await nav(page, 'Keys & trust').click();
  await expect(page.getByTestId('key-card')).toHaveCount(3);
  await noHorizontalOverflow(page, 'keys');
  await shot(page, '4-keys');

  await nav(page, 'Ledger').click();
  await page.getByRole('button', { name: 'Load the demo ledger' }).click();
  await expect(page.getByTestId('ledger-row')).toHaveCount(14);
  await noHorizontalOverflow(page, 'ledger');
  // Each entry's verdict is on screen beside its number, not only in a column off to the right.
  const marks = page.getByTestId('row-mark');
  await expect(marks).toHaveCount(14);
  await marks.first().scrollIntoViewIfNeeded();
  const mark = (await marks.nth(3).boundingBox())!;
  expect(mark.x).toBeGreaterThanOrEqual(0);
  expect(mark.x + mark.width).toBeLessThanOrEqual(390);
  await expect(marks.nth(3)).toHaveAttribute('title', 'invalid');
  await shot(page, '5-ledger');
  // The full status column is reached by scrolling the table, not the page.
  const status = page.getByTestId('row-status').first();
  await status.scrollIntoViewIfNeeded();
  const box = (await status.boundingBox())!;
  expect(box.x + Math.min(box.width, 40)).toBeLessThanOrEqual(390);
  await noHorizontalOverflow(page, 'ledger, the table scrolled sideways');
  await shot(page, '5b-ledger-status-column');
  await page.getByTestId('ledger-row').nth(12).click();
  await expect(page.getByTestId('entry-detail')).toBeVisible();
  await noHorizontalOverflow(page, 'ledger, an entry open');
  await page.getByTestId('entry-detail').scrollIntoViewIfNeeded();
  await shot(page, '6-ledger-entry');

  await nav(page, 'Graph').click();
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', { timeout: 30_000 });
  await noHorizontalOverflow(page, 'graph');
  await shot(page, '7-graph');

  await nav(page, 'Simulate').click();
  await page.getByRole('button', { name: 'Run all' }).click();
  await expect(page.getByTestId('sim-status')).toContainText('run finished');
  await noHorizontalOverflow(page, 'simulate');
  await shot(page, '8-simulate');

  await nav(page, 'Learn').click();
  await expect(page.getByTestId('learn-page')).toBeVisible();
  await noHorizontalOverflow(page, 'learn');
  await shot(page, '9-learn');
});

test('the first visit at 390 x 844: the example-agents question keeps its answers in one row, and the paste box is in the first screen', async ({
  page,
}) => {
  await page.goto('./#/inspect');
  const choice = page.getByTestId('example-agents-choice');
  await expect(choice).toContainText('Their private keys are published test keys');
  const keep = await choice.getByRole('button', { name: 'Keep the example agents' }).boundingBox();
  const remove = await choice.getByRole('button', { name: 'Remove them, start clean' }).boundingBox();
  // Side by side, not stacked (they were stacked, and the question took a third of the screen).
  expect(Math.abs(keep!.y - remove!.y)).toBeLessThan(2);
  expect(remove!.x).toBeGreaterThan(keep!.x + keep!.width);
  await expect(page.getByTestId('tour-banner')).toBeVisible();
  const paste = await page.getByRole('textbox').first().boundingBox();
  expect(paste!.y + 80).toBeLessThan(844); // at least its first lines without scrolling
});
