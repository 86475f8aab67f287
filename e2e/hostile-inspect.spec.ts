import { expect, test } from './fixtures.ts';
import {
  deepJson,
  expectInert,
  expectResponsive,
  hasRawInvisible,
  manyPreds,
  payloadText,
  RLO,
  setPasteBox,
  signClaims,
  signRaw,
  watchDialogs,
  XSS_IMG,
  XSS_SCRIPT,
  ZWJ,
  ZWSP,
} from './hostile-helpers.ts';
import { AGENT_A, openInspector } from './inspect-helpers.ts';

/**
 * Hostile claims pasted into the inspector (issue #7): shown as text, truthfully, with
 * invisible and direction-changing characters made visible; never executed; never freezing
 * the page, never crashing it.
 */
test.describe('Hostile claims in Inspect', () => {
  let dialogs: string[];
  test.beforeEach(async ({ page }) => {
    dialogs = watchDialogs(page);
    await openInspector(page);
  });

  test('markup in claim values and names stays text', async ({ page }) => {
    const token = await signClaims({
      exec_act: XSS_SCRIPT,
      jti: XSS_IMG,
      [XSS_IMG]: XSS_SCRIPT,
      ect_ext: { note: XSS_IMG },
    });
    await setPasteBox(page, token);
    const card = page.getByTestId('token-card');
    // Signed by agent a, so the signature holds; the jti is no UUID.
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'invalid_claim');
    await expect(card.getByTestId('card-action')).toHaveText(XSS_SCRIPT);
    await expect(card.getByTestId('claim-row-jti')).toContainText(XSS_IMG);
    await expect(card.getByTestId(`claim-row-${XSS_IMG}`)).toContainText(XSS_SCRIPT);
    await expect(card.getByTestId('claim-row-ect_ext.note')).toContainText(XSS_IMG);
    await expect(card.getByTestId('payload-json')).toContainText(`"exec_act": "${XSS_SCRIPT}"`);
    await expect(card.getByTestId('step-8')).toContainText('<img src=x');
    await expectInert(page, dialogs);
    await expectResponsive(page);
  });

  test('a right-to-left override and zero-width characters are marked, not obeyed', async ({ page }) => {
    const jti = crypto.randomUUID();
    const token = await signClaims({
      // Reads "review_specexe.doc" on screen when the override is obeyed.
      exec_act: `review_spec${RLO}cod.exe`,
      // Looks exactly like agent a's issuer.
      iss: `${AGENT_A.issuer}${ZWSP}`,
      jti: `${jti}${ZWJ}`,
    });
    await setPasteBox(page, token);
    const card = page.getByTestId('token-card');
    // Not agent a: the key is bound to another issuer.
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'issuer_mismatch');
    await expect(card.getByTestId('card-action')).toHaveText('review_spec\\u202ecod.exe');
    await expect(card.getByTestId('card-issuer')).toHaveText(`by ${AGENT_A.issuer}\\u200b`);
    await expect(card.getByTestId('card-issuer')).toHaveAttribute('title', `iss: ${AGENT_A.issuer}\\u200b`);
    await expect(card.getByTestId('claim-row-jti')).toContainText(`${jti}\\u200d`);
    await expect(card.getByTestId('payload-json')).toContainText(`"iss": "${AGENT_A.issuer}\\u200b"`);
    // Each is a marked badge that names the character.
    const marks = card.getByTestId('invisible-char');
    await expect(marks.filter({ hasText: '\\u202e' }).first()).toHaveAttribute(
      'title',
      /U\+202E RIGHT-TO-LEFT OVERRIDE/,
    );
    await expect(marks.filter({ hasText: '\\u200b' }).first()).toHaveAttribute(
      'title',
      /U\+200B ZERO WIDTH SPACE/,
    );
    // Nowhere in the card (header, verdict, claims, JSON, trace) is one left raw.
    expect(await hasRawInvisible(page, 'token-card')).toBe(false);
    expect(
      await page.locator('body').evaluate((b) => /[\u202e\u200b\u200d]/.test((b as HTMLElement).innerText)),
    ).toBe(false);

    // In a token that cannot be decoded, the excerpt marks it too.
    const [h, p, s] = token.split('.') as [string, string, string];
    await setPasteBox(page, `${h}.${p.slice(0, 10)}${RLO}${p.slice(10)}.${s}`);
    const error = page.getByTestId('decode-error');
    await expect(error).toContainText('\\u202e');
    await expect(error.locator('mark')).toHaveText('\\u202e');
    await expect(error.locator('mark')).toHaveAttribute('title', /U\+202E RIGHT-TO-LEFT OVERRIDE/);
    expect(await hasRawInvisible(page, 'decode-error')).toBe(false);

    // A dropped file's name is shown marked too ("tokens<U+202E>txt.exe" reads "tokensexe.txt").
    await page.getByLabel('Paste ECTs').evaluate((el, text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'tokens\u202etxt.exe', { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, token);
    await expect(page.getByTestId('notice')).toHaveText('Read from tokens\\u202etxt.exe.');
    await expectInert(page, dialogs);
  });

  test('a 1 MB claim is refused with the size said; 700,000 characters are shown cut', async ({ page }) => {
    const huge = await signClaims({ note: 'x'.repeat(1_048_576) });
    await setPasteBox(page, huge);
    await expect(page.getByTestId('decode-error-message')).toHaveText(
      `the token is ${huge.length.toLocaleString('en')} characters long; tokens over 1,000,000 are refused`,
    );
    await expect(page.getByTestId('large-input')).toBeVisible();
    await expectResponsive(page);

    await page.getByRole('button', { name: 'Clear' }).click();
    await setPasteBox(page, await signClaims({ note: 'y'.repeat(700_000) }));
    const card = page.getByTestId('token-card');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await expect(card.getByTestId('claim-row-note')).toContainText(`"${'y'.repeat(100)}`);
    await expect(card.getByTestId('claim-row-note')).toContainText('… (700,002 characters)');
    await expect(card.getByTestId('json-cut').first()).toContainText('Shown up to 100,000 characters');
    await expectResponsive(page);
  });

  test('100,000 predecessors fail at step 10, and the page stays responsive', async ({ page }) => {
    const token = await signClaims({ pred: manyPreds(100_000) });
    expect(token.length).toBeLessThan(1_000_000);
    await setPasteBox(page, token);
    const card = page.getByTestId('token-card');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'too_many_predecessors', {
      timeout: 15_000,
    });
    await expect(card.getByTestId('step-10')).toContainText('"pred" names 100000 predecessors');
    await expect(card.getByTestId('claim-row-pred')).toContainText('… (100,000 elements)');
    await expectResponsive(page);

    // The creator refuses to load it into its text boxes (laying them out would freeze the page).
    await card.getByRole('button', { name: 'Open in creator' }).click();
    await expect(page.getByRole('alert')).toContainText('characters of JSON, too large to edit here');
    await expectResponsive(page);
  });

  test('10,000 levels of nesting in ect_ext fail at step 9 without crashing the page or the creator', async ({
    page,
  }) => {
    const token = await signRaw(payloadText({}, `"ect_ext":{"deep":${deepJson(10_000)}}`));
    await setPasteBox(page, token);
    const card = page.getByTestId('token-card');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'invalid_ext');
    await expect(card.getByTestId('step-9')).toContainText('nested 10001 levels deep');
    await expect(card.getByTestId('payload-json')).toContainText('"deep": [');
    await expect(card.getByTestId('claim-row-ect_ext.deep')).toContainText('[[[[');
    await expectResponsive(page);

    // Edit and re-sign it: the creator opens with it (or says why not), and the page survives.
    await card.getByRole('button', { name: 'Open in creator' }).click();
    await expect(page).toHaveURL(/#\/create/);
    await expect(page.getByRole('alert')).toContainText(
      "The token's claims are nested 10002 levels deep, too deep to edit here",
    );
    await page.getByRole('link', { name: 'Inspect', exact: true }).click();
    await expect(page.getByTestId('token-card')).toBeVisible();
  });

  test('duplicate JSON keys are refused as malformed: "duplicate key"', async ({ page }) => {
    // Two parsers may keep different copies: which action did this task perform?
    await setPasteBox(page, await signRaw(payloadText({}, '"exec_act":"deploy_prod"')));
    const error = page.getByTestId('decode-error');
    await expect(error).toContainText('malformed');
    await expect(error.getByTestId('decode-error-message')).toContainText('duplicate key "exec_act"');
    await expectInert(page, dialogs);
  });

  test('1e309 is shown as what the parser read (Infinity), not as null', async ({ page }) => {
    const text = payloadText().replace(/"iat":\d+/, '"iat":1e309');
    await setPasteBox(page, await signRaw(text));
    const card = page.getByTestId('token-card');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'invalid_claim');
    const iat = card.getByTestId('claim-row-iat');
    await expect(iat).toContainText('Infinity');
    await expect(iat.getByTestId('number-overflow')).toContainText('1e309');
    await expect(iat).not.toContainText('null');
    await expect(card.getByTestId('payload-json')).toContainText('"iat": Infinity');
  });
});
