import type { Page } from '@playwright/test';
import { ERROR_CODES, CLAIMS, explain, createToken } from 'wimse-ect';
import { expect, test } from './fixtures.ts';
import { AGENT_A, AUD } from './inspect-helpers.ts';

/**
 * The Learn tab as a new visitor meets it: the first-visit tour offer, the
 * guided tour across the tabs, error codes and claims linking to their
 * dictionary entries, the dictionaries' filters, and replaying a ledger.
 */

const tab = (page: Page, name: string) => page.getByRole('link', { name, exact: true });
const panel = (page: Page) => page.getByTestId('tour-panel');

async function firstVisit(page: Page) {
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'ECT Workbench' })).toBeVisible();
}

/** A chain draft → review → publish signed by example agent A (the conformance test key), child first. */
async function childFirstChain() {
  const wid = crypto.randomUUID();
  const [root, middle, leaf] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  const sign = async (jti: string, exec_act: string, pred: string[]) =>
    (
      await createToken(
        { iss: AGENT_A.issuer, aud: AUD, jti, wid, exec_act, pred },
        { key: AGENT_A.jwk, kid: AGENT_A.jwk.kid! },
      )
    ).token;
  const tokens = [
    await sign(leaf, 'publish_report', [middle]),
    await sign(middle, 'review_draft', [root]),
    await sign(root, 'write_draft', []),
  ];
  return { tokens, root, middle, leaf };
}

test.describe('Learn: the tour', () => {
  test('a first visit offers the tour, which walks through the tabs', async ({ page }) => {
    await firstVisit(page);
    const banner = page.getByTestId('tour-banner');
    await expect(banner).toContainText('New here? Take the 2-minute tour');
    await banner.getByRole('button', { name: 'Take the tour' }).click();
    await expect(banner).toBeHidden();

    // 1: what an ECT is, on the Learn tab's introduction.
    await expect(panel(page)).toContainText('1 of 5');
    await expect(panel(page).getByRole('heading', { name: 'What an ECT is' })).toBeVisible();
    await expect(tab(page, 'Learn')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { name: 'Introduction' })).toBeInViewport();
    await expect(panel(page).getByRole('button', { name: 'Back' })).toBeDisabled();

    // 2: decode one, on Inspect, pointing at the Example button.
    await panel(page).getByRole('button', { name: 'Next', exact: true }).click();
    await expect(panel(page)).toContainText('2 of 5');
    await expect(panel(page).getByRole('heading', { name: 'Decode one' })).toBeVisible();
    await expect(tab(page, 'Inspect')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('tour-spotlight')).toBeVisible();
    // The page stays usable under the tour: press Example as the panel says.
    await page.getByRole('button', { name: 'Example', exact: true }).click();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await expect(page.getByTestId('level-badge')).toHaveText('L2');

    // 3: verify it: the trace.
    await panel(page).getByRole('button', { name: 'Next', exact: true }).click();
    await expect(panel(page)).toContainText('3 of 5');
    await expect(panel(page).getByRole('heading', { name: 'Verify it' })).toBeVisible();
    await expect(panel(page)).toContainText('16 steps');
    await expect(page.getByTestId('trace')).toBeVisible();

    // 4: break it: "Open in creator" moves the tour on by itself.
    await page.getByRole('button', { name: 'Open in creator' }).click();
    await expect(tab(page, 'Create')).toHaveAttribute('aria-current', 'page');
    await expect(panel(page)).toContainText('4 of 5');
    await expect(panel(page).getByRole('heading', { name: 'Break it' })).toBeVisible();
    await page.getByLabel('Claim to change').selectOption('exec_act');
    await page.getByLabel('New value (text)').fill('approve_payment');
    await page.getByRole('button', { name: 'Apply without re-signing' }).click();
    const step7 = page.getByTestId('trace').getByTestId('step-7');
    await expect(step7).toHaveAttribute('data-status', 'fail');
    await expect(step7.getByTestId('step-code')).toHaveText('invalid_signature');

    // Back returns to step 3 and its tab; Next goes forward again.
    await panel(page).getByRole('button', { name: 'Back' }).click();
    await expect(panel(page)).toContainText('3 of 5');
    await expect(tab(page, 'Inspect')).toHaveAttribute('aria-current', 'page');
    await panel(page).getByRole('button', { name: 'Next', exact: true }).click();
    await expect(panel(page)).toContainText('4 of 5');
    await expect(tab(page, 'Create')).toHaveAttribute('aria-current', 'page');

    // 5: see the DAG, in Simulate.
    await panel(page).getByRole('button', { name: 'Next', exact: true }).click();
    await expect(panel(page)).toContainText('5 of 5');
    await expect(panel(page).getByRole('heading', { name: 'See the DAG' })).toBeVisible();
    await expect(tab(page, 'Simulate')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('button', { name: 'Run all' })).toBeVisible();
    await panel(page).getByRole('button', { name: 'Graph tab' }).click();
    await expect(tab(page, 'Graph')).toHaveAttribute('aria-current', 'page');
    // The tour survives moving between tabs.
    await expect(panel(page)).toContainText('5 of 5');
    await panel(page).getByRole('button', { name: 'Finish' }).click();
    await expect(panel(page)).toBeHidden();

    // Taking the tour used up the offer: no banner after a reload.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'ECT Workbench' })).toBeVisible();
    await expect(page.getByTestId('tour-banner')).toBeHidden();
  });

  test('on the Graph workspace the offer sits in the header and covers none of the graph or timeline', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 }); // where the timeline opens by itself
    await page.goto('./#/graph');
    await page.getByRole('button', { name: 'Keep the example agents' }).click();
    await page.getByRole('button', { name: 'Load the demo ledger' }).click();
    const timeline = page.getByTestId('timeline');
    await expect(timeline).toBeVisible();
    const offer = page.getByRole('banner').getByTestId('tour-banner');
    await expect(offer).toContainText('New here?');
    await expect(page.getByTestId('tour-banner')).toHaveCount(1);
    // Nothing of the workspace lies under it (it floated over the timeline's corner before).
    const [o, t, c] = await Promise.all([
      offer.boundingBox(),
      timeline.boundingBox(),
      page.locator('.react-flow').boundingBox(),
    ]);
    for (const b of [t!, c!]) expect(o!.y + o!.height).toBeLessThanOrEqual(b.y);
    // It starts the tour as the banner does, and the tour's panel shows.
    await offer.getByRole('button', { name: 'Take the tour' }).click();
    await expect(panel(page)).toContainText('1 of 5');
    await expect(page.getByTestId('tour-banner')).toHaveCount(0);
  });

  test('the offer can be dismissed for good; the tour can be skipped and restarted from Learn', async ({
    page,
  }) => {
    await firstVisit(page);
    await page.getByTestId('tour-banner').getByRole('button', { name: 'No thanks' }).click();
    await expect(page.getByTestId('tour-banner')).toBeHidden();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'ECT Workbench' })).toBeVisible();
    await expect(page.getByTestId('tour-banner')).toBeHidden();

    await tab(page, 'Learn').click();
    await page.getByTestId('learn-page').getByRole('button', { name: 'Take the tour' }).click();
    await expect(panel(page)).toContainText('1 of 5');
    await panel(page).getByRole('button', { name: 'Next', exact: true }).click();
    await expect(panel(page)).toContainText('2 of 5');
    await panel(page).getByRole('button', { name: 'Skip tour' }).click();
    await expect(panel(page)).toBeHidden();
    await expect(tab(page, 'Inspect')).toHaveAttribute('aria-current', 'page');

    // Escape closes it too.
    await tab(page, 'Learn').click();
    await page.getByTestId('learn-page').getByRole('button', { name: 'Take the tour' }).click();
    await expect(panel(page)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(panel(page)).toBeHidden();
    await page.reload();
    await expect(page.getByTestId('learn-page')).toBeVisible();
    await expect(page.getByTestId('tour-banner')).toBeHidden();
  });
});

test.describe('Learn: dictionaries', () => {
  test('a code in a verification trace opens its explanation', async ({ page }) => {
    await firstVisit(page);
    await page.getByRole('button', { name: 'Load the expired conformance token' }).click();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-code', 'expired');
    const step12 = page.getByTestId('trace').getByTestId('step-12');
    await expect(step12).toHaveAttribute('data-status', 'fail');
    const link = step12.getByTestId('step-code').getByRole('link', { name: 'expired' });
    await expect(link).toHaveAttribute('title', new RegExp(explain('expired').title));
    await link.click();

    await expect(tab(page, 'Learn')).toHaveAttribute('aria-current', 'page');
    expect(page.url()).toContain('#/learn?code=expired');
    const entry = page.locator('#code-expired');
    await expect(entry).toHaveAttribute('data-highlighted', 'true');
    await expect(entry).toBeInViewport();
    await expect(entry).toBeFocused();
    await expect(entry).toContainText(explain('expired').title);
    await expect(entry).toContainText(explain('expired').what);
    await expect(entry).toContainText(explain('expired').fix);
    await expect(entry.getByTestId('code-where')).toContainText('Raised at step 12 (Not expired)');
    await expect(entry.getByTestId('code-where')).toContainText('403 Forbidden');
    // Only the entry pointed at is highlighted.
    await expect(page.locator('[data-testid="code-entry"][data-highlighted]')).toHaveCount(1);
  });

  test('a claim name in the claims table opens its dictionary entry', async ({ page }) => {
    await firstVisit(page);
    await page.getByRole('button', { name: 'Example', exact: true }).click();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await page
      .getByTestId('claims-table')
      .getByTestId('claim-row-pred')
      .getByRole('link', { name: 'pred' })
      .click();
    await expect(tab(page, 'Learn')).toHaveAttribute('aria-current', 'page');
    const entry = page.locator('[id="claim-pred"]');
    await expect(entry).toHaveAttribute('data-highlighted', 'true');
    await expect(entry).toBeInViewport();
    await expect(entry).toContainText('Predecessors');
    await expect(entry).toContainText('called par in -00');
    // The rename links to the -00 name's own entry.
    await entry.getByRole('link', { name: 'par' }).click();
    await expect(page.locator('[id="claim-par"]')).toHaveAttribute('data-highlighted', 'true');
    await expect(page.locator('[id="claim-par"]')).toBeInViewport();
    await expect(entry).not.toHaveAttribute('data-highlighted', 'true');
  });

  test('the dictionaries list every code, claim and step, and filter', async ({ page }) => {
    await page.goto('./#/learn');
    await expect(page.getByTestId('learn-page')).toBeVisible();
    await expect(page.getByTestId('code-entry')).toHaveCount(24);
    expect(ERROR_CODES).toHaveLength(24);
    for (const code of ERROR_CODES) {
      await expect(page.locator(`[data-testid="code-entry"][data-code="${code}"]`)).toContainText(
        explain(code).title,
      );
    }
    await expect(page.getByTestId('claim-entry')).toHaveCount(CLAIMS.length);
    await expect(page.getByTestId('learn-step')).toHaveCount(16);
    await expect(page.locator('[data-testid="learn-step"][data-step="15"]').getByRole('link')).toHaveCount(7);

    const codeFilter = page.getByLabel('Filter error codes');
    await codeFilter.fill('signature');
    await expect(page.getByTestId('codes-count')).toHaveText(/^\d+ of 24 codes$/);
    await expect(page.locator('[data-code="invalid_signature"][data-testid="code-entry"]')).toBeVisible();
    await expect(page.locator('[data-code="replay"][data-testid="code-entry"]')).toHaveCount(0);
    await codeFilter.fill('step 15');
    await expect(page.getByTestId('code-entry')).toHaveCount(7);
    await codeFilter.fill('no such thing');
    await expect(page.getByTestId('code-entry')).toHaveCount(0);
    await expect(page.getByText('No error code matches.')).toBeVisible();
    await codeFilter.press('Escape');
    await expect(page.getByTestId('code-entry')).toHaveCount(24);

    const claimFilter = page.getByLabel('Filter claims');
    await claimFilter.fill('hash');
    await expect(page.getByTestId('claim-entry')).toHaveCount(2);
    await expect(page.locator('[id="claim-inp_hash"]')).toBeVisible();
    await expect(page.locator('[id="claim-out_hash"]')).toBeVisible();

    // A step's code links to its entry on the same page.
    await page.locator('[data-testid="learn-step"][data-step="7"]').getByRole('link').click();
    await expect(page.locator('#code-invalid_signature')).toHaveAttribute('data-highlighted', 'true');
    await expect(page.locator('#code-invalid_signature')).toBeInViewport();
  });
});

test.describe('Learn: replay', () => {
  test('a child appended before its parent is parent_not_found until the parent arrives', async ({
    page,
  }) => {
    const { tokens, root, middle, leaf } = await childFirstChain();
    await page.goto('./#/ledger');
    await expect(page.getByTestId('ledger-page')).toBeVisible();
    await page.getByLabel('Tokens to import').fill(tokens.join('\n'));
    await page.getByRole('button', { name: 'Import pasted' }).click();
    await expect(page.getByTestId('import-outcome')).toContainText('Added 3 entries');

    await tab(page, 'Learn').click();
    await page.getByRole('link', { name: 'Replay a workflow' }).click();
    await expect(page.getByTestId('replay-ledger-size')).toHaveText('3 entries');
    const slider = page.getByLabel('Entries replayed', { exact: true });
    await expect(slider).toHaveValue('0');
    await expect(page.getByTestId('replay-added')).toContainText('None yet');
    await expect(page.getByTestId('replay-head-hash')).toHaveText('0'.repeat(64));

    const node = (jti: string) => page.locator(`[data-testid="replay-node"][data-jti="${jti}"]`);

    // k = 1: only the leaf, whose parent has not arrived.
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(slider).toHaveValue('1');
    await expect(page.getByTestId('replay-k')).toHaveText('1 / 3');
    await expect(node(leaf)).toHaveAttribute('data-status', 'invalid');
    await expect(node(leaf)).toHaveAttribute('data-codes', 'parent_not_found');
    await expect(node(middle)).toHaveAttribute('data-status', 'ghost');
    const added = page.getByTestId('replay-added');
    await expect(added).toHaveAttribute('data-status', 'invalid');
    await expect(added).toContainText('publish_report');
    await expect(added).toContainText(leaf);
    await expect(added).toContainText(AGENT_A.issuer);
    await expect(added.getByRole('link', { name: 'parent_not_found' })).toBeVisible();
    await expect(page.getByTestId('replay-arrives')).toContainText('arrives later, as entry 2');
    await expect(page.getByTestId('replay-head-hash')).toHaveText(/^[0-9a-f]{64}$/);
    await expect(page.getByTestId('replay-head-hash')).not.toHaveText('0'.repeat(64));

    // k = 2: the middle task arrives; it misses its own parent, and taints the leaf.
    await page.getByRole('button', { name: 'Step ▶' }).click();
    await expect(slider).toHaveValue('2');
    await expect(node(middle)).toHaveAttribute('data-status', 'invalid');
    await expect(node(leaf)).toHaveAttribute('data-status', 'tainted');
    await expect(node(root)).toHaveAttribute('data-status', 'ghost');

    // k = 3: the root arrives and every task is valid.
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect(slider).toHaveValue('3');
    for (const jti of [root, middle, leaf]) await expect(node(jti)).toHaveAttribute('data-status', 'valid');
    await expect(page.getByTestId('replay-node')).toHaveCount(3);
    await expect(page.getByTestId('replay-summary')).toContainText('3 valid · 0 invalid · 0 tainted');
    await expect(page.getByTestId('replay-added')).toHaveAttribute('data-status', 'valid');
    await expect(page.getByTestId('replay-row')).toHaveCount(3);

    // Back to the start with the keyboard.
    await slider.focus();
    await page.keyboard.press('Home');
    await expect(slider).toHaveValue('0');
    await expect(page.getByTestId('replay-node')).toHaveCount(0);
  });
});
