import type { Page } from '@playwright/test';
import { createToken } from 'wimse-ect';
import { expect, test } from './fixtures.ts';
import { AGENT_A, AUD } from './inspect-helpers.ts';

/**
 * Screenshots of the Learn tab and the tour for a human to look at
 * (test-results/learn-shots/), in light and dark mode.
 */
const OUT = 'test-results/learn-shots';

/** A small fan-out/fan-in workflow written partly out of order. */
async function workflow(): Promise<string[]> {
  const wid = crypto.randomUUID();
  const id = () => crypto.randomUUID();
  const [a, b, c, d, e] = [id(), id(), id(), id(), id()];
  const sign = async (jti: string, exec_act: string, pred: string[]) =>
    (
      await createToken(
        { iss: AGENT_A.issuer, aud: AUD, jti, wid, exec_act, pred },
        { key: AGENT_A.jwk, kid: AGENT_A.jwk.kid! },
      )
    ).token;
  return [
    await sign(a, 'extract_text', []),
    await sign(c, 'redact_pii', [b]),
    await sign(b, 'classify_document', [a]),
    await sign(d, 'summarize', [b]),
    await sign(e, 'publish_document', [c, d]),
  ];
}

async function shot(page: Page, name: string, full = false) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: full });
}

test.describe('Learn screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`learn and tour, ${scheme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.goto('./');
      await expect(page.getByTestId('tour-banner')).toBeVisible();
      await shot(page, `banner-${scheme}`);

      await page.getByRole('button', { name: 'Take the tour' }).click();
      await expect(page.getByTestId('tour-panel')).toBeVisible();
      await shot(page, `tour-1-${scheme}`);
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await expect(page.getByTestId('tour-spotlight')).toBeVisible();
      await shot(page, `tour-2-${scheme}`);
      await page.getByRole('button', { name: 'Example', exact: true }).click();
      await page.getByRole('button', { name: 'Next', exact: true }).click();
      await shot(page, `tour-3-${scheme}`);
      await page.getByRole('button', { name: 'Skip tour' }).click();

      await page.goto('./#/learn?code=invalid_signature');
      await expect(page.locator('#code-invalid_signature')).toBeInViewport();
      await shot(page, `code-${scheme}`);
      await page.goto('./#/learn?claim=pred');
      await expect(page.locator('[id="claim-pred"]')).toBeInViewport();
      await shot(page, `claim-${scheme}`);
      await page.goto('./#/learn');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, `learn-top-${scheme}`);
      await page.goto('./#/learn?section=steps');
      await shot(page, `steps-${scheme}`);
    });

    test(`replay, ${scheme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1400, height: 1000 });
      const tokens = await workflow();
      await page.goto('./#/ledger');
      await page.getByLabel('Tokens to import').fill(tokens.join('\n'));
      await page.getByRole('button', { name: 'Import pasted' }).click();
      await expect(page.getByTestId('import-outcome')).toContainText('Added 5 entries');
      await page.goto('./#/learn?section=replay');
      await expect(page.getByTestId('replay-ledger-size')).toHaveText('5 entries');
      const slider = page.getByLabel('Entries replayed', { exact: true });
      await slider.fill('2');
      await expect(page.getByTestId('replay-node')).toHaveCount(3);
      await page.getByRole('heading', { name: 'Replay a workflow' }).scrollIntoViewIfNeeded();
      await shot(page, `replay-2-${scheme}`);
      await slider.fill('5');
      await expect(page.getByTestId('replay-node')).toHaveCount(5);
      await shot(page, `replay-5-${scheme}`);
    });
  }
});
