import { EXAMPLE_TOKEN } from '../src/features/inspect/exampleToken.ts';
import { expect, test } from './fixtures.ts';
import { notJsonToken, openInspector, pasteText, signAsAgentA } from './inspect-helpers.ts';

test.describe('Inspect: bad input, said where it went wrong', () => {
  test.beforeEach(async ({ page }) => {
    await openInspector(page);
  });

  test('a character outside base64url is named, with the spot highlighted', async ({ page }) => {
    const [h, p, s] = EXAMPLE_TOKEN.split('.') as [string, string, string];
    const bad = `${h}.${p.slice(0, 20)}+${p.slice(21)}.${s}`;
    await page.getByLabel('Paste ECTs').fill(bad);

    const error = page.getByTestId('decode-error');
    await expect(error).toContainText('character "+" at position 20 is not in the base64url alphabet');
    await expect(error).toContainText('Part: payload');
    await expect(error).toContainText(`at character ${h.length + 1 + 20} of the token`);
    await expect(error.locator('mark')).toHaveText('+');
  });

  test('a payload that is not JSON says so, and what it starts with', async ({ page }) => {
    await page.getByLabel('Paste ECTs').fill(notJsonToken(EXAMPLE_TOKEN));

    const error = page.getByTestId('decode-error');
    await expect(error).toContainText('the JWS payload (second part) is unreadable: it is not JSON');
    await expect(error).toContainText('it starts "hello, this is not JSON"');
    await expect(error).toContainText('Part: payload');
  });

  test('a token without its signature part is called truncated', async ({ page }) => {
    const [h, p] = EXAMPLE_TOKEN.split('.') as [string, string, string];
    await page.getByLabel('Paste ECTs').fill(`${h}.${p}`);

    const error = page.getByTestId('decode-error');
    await expect(error).toContainText('the token has 2 dot-separated parts');
    await expect(error.getByTestId('decode-error-hint')).toContainText(
      'Truncated: this looks like a JWS without its signature',
    );
  });

  test('a token cut mid-way is called truncated where it was cut', async ({ page }) => {
    const token = await signAsAgentA();
    const input = page.getByLabel('Paste ECTs');

    // Cut inside the payload: its JSON stops early (or its length is impossible).
    const [h, p] = token.split('.') as [string, string, string];
    await input.fill(`${h}.${p.slice(0, 60)}`);
    await expect(page.getByTestId('decode-error-hint')).toContainText('Truncated');

    // Cut inside the signature: it decodes, fails step 7, and the card says the signature is short.
    await input.fill(token.slice(0, -30));
    const card = page.getByTestId('token-card');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'invalid_signature');
    await expect(card.getByTestId('warnings')).toContainText(
      'The signature is 56 characters long, but an ES256 signature is 86: the token looks truncated',
    );
  });

  test('5 MB of text is refused with a message, and the page stays responsive', async ({ page }) => {
    await pasteText(page, 'A'.repeat(5_000_000));

    // Within a normal test timeout even on a loaded machine (it takes well under a second on an idle one).
    await expect(page.getByTestId('decode-error-message')).toHaveText(
      'the token is 5,000,000 characters long; tokens over 1,000,000 are refused',
      { timeout: 15_000 },
    );
    // The text is kept out of the text box, which would take the browser ages to lay out.
    await expect(page.getByTestId('large-input')).toContainText('5,000,000 characters on 1 line pasted');
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(page.getByLabel('Paste ECTs')).toHaveValue('');
    await expect(page.getByTestId('empty-state')).toBeVisible();
  });

  test('5 MB of tokens, one per line: the top says how many are read and left out; a table lists them, cards a page at a time', async ({
    page,
  }) => {
    // The waits below are generous for a loaded machine; the test's own 30 s ran out first at load
    // 10+ (36.7 s in all, while the reading was still on time for its 60 s wait).
    test.setTimeout(120_000);
    const line = `${EXAMPLE_TOKEN}\n`;
    const count = Math.ceil(5_000_000 / line.length);
    await pasteText(page, line.repeat(count));

    const cap = page.getByTestId('cap-note');
    // Reading 2,000 of the tokens and drawing their table: the whole test took 21 s at load 13 on
    // 2 cores, and a 15 s wait ran out at load 28. A generous wait, not a speed check.
    await expect(cap).toHaveText(
      `Only the first 2,000 of ${count.toLocaleString('en')} tokens are read and verified; the other ${(count - 2000).toLocaleString('en')} are left out. Import them into a ledger to audit them all.`,
      { timeout: 60_000 },
    );
    // Said at the top, where the counts are, not after the cards.
    await expect(cap).toBeInViewport();
    await expect(page.getByTestId('verify-summary')).toHaveText('0 valid, 2,000 invalid', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('verify-summary')).toBeInViewport();
    await expect(page.getByTestId('summary-row')).toHaveCount(2000);
    await expect(page.getByTestId('token-card')).toHaveCount(50);
    await expect(page.getByTestId('detail-note')).toHaveText(
      'The table lists all 2,000; below, 50 at a time are shown in detail (tokens 1–50).',
    );
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(page.getByLabel('Paste ECTs')).toHaveValue('');

    // Typing still works at once afterwards.
    await page.getByLabel('Paste ECTs').pressSequentially('abc!');
    await expect(page.getByTestId('decode-error')).toContainText('character "!"');
  });

  test('dropping a text file onto the box reads its tokens', async ({ page }) => {
    const token = await signAsAgentA();
    await page.getByLabel('Paste ECTs').evaluate((el, text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([`${text}\n${text}\n`], 'tokens.txt', { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, token);

    await expect(page.getByTestId('token-card')).toHaveCount(2);
    await expect(page.getByTestId('notice')).toContainText('Read from tokens.txt');
    await expect(page.getByTestId('verify-summary')).toHaveText('2 valid, 0 invalid');
  });
});
