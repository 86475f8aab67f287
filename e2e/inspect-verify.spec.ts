import { explain } from 'wimse-ect';
import { EXAMPLE_TOKEN } from '../src/features/inspect/exampleToken.ts';
import { expect, test } from './fixtures.ts';
import {
  loadFreshExample,
  openInspector,
  signAsAgentA,
  signWithEmbeddedJwk,
  tamperPayload,
} from './inspect-helpers.ts';

test.describe('Inspect: verify', () => {
  test.beforeEach(async ({ page }) => {
    await openInspector(page);
  });

  test('the example verifies: badges, explained claims, a passing trace', async ({ page }) => {
    await loadFreshExample(page);
    const card = page.getByTestId('token-card');

    await expect(card.getByTestId('verdict')).toContainText('Valid');
    await expect(card.getByTestId('verdict')).toContainText(
      'kid "agent-a-key" bound to spiffe://example.com/agent/a',
    );
    await expect(card.getByTestId('level-badge')).toHaveText('L2');
    await expect(card.getByTestId('version-badge')).toHaveText('-01');

    const table = card.getByTestId('claims-table');
    await expect(table.getByTestId('claim-row-exec_act')).toContainText('"review_spec"');
    await expect(table.getByTestId('claim-row-exec_act')).toContainText('The action the agent performed');
    await expect(table.getByTestId('claim-row-aud')).toContainText('spiffe://example.com/agent/b');
    await expect(table.getByTestId('claim-row-aud')).toContainText('Every intended verifier');
    await expect(table.getByTestId('claim-row-pred')).toContainText('Predecessors');
    await expect(table.getByTestId('claim-row-kid')).toContainText('Key id');
    await expect(table.getByTestId('claim-row-exp')).toContainText(/expires in (9|10) min/);
    await expect(card.getByTestId('time-summary')).toContainText(/expires in (9|10) min/);

    const trace = card.getByTestId('trace');
    await expect(trace.getByTestId('trace-key')).toContainText(
      'Key used: kid "agent-a-key" bound to spiffe://example.com/agent/a',
    );
    for (let n = 1; n <= 16; n++) {
      await expect(trace.getByTestId(`step-${n}`)).toHaveAttribute('data-status', /^(pass|skip)$/);
    }
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 16]) {
      await expect(trace.getByTestId(`step-${n}`)).toHaveAttribute('data-status', 'pass');
    }
    // No verifier id: step 11 skipped; no replay cache or DAG store here: 14 and 15 skipped, and the page says why.
    await expect(trace.getByTestId('step-11')).toContainText('no id of its own');
    await expect(trace.getByTestId('step-15')).toHaveAttribute('data-status', 'skip');
    await expect(page.getByText('DAG rules need a ledger')).toBeVisible();
    await expect(page.getByTestId('verify-summary')).toHaveText('1 valid, 0 invalid');
  });

  test('a tampered payload fails step 7 with invalid_signature, explained', async ({ page }) => {
    const token = await loadFreshExample(page);
    await page.getByLabel('Paste ECTs').fill(tamperPayload(token));

    const card = page.getByTestId('token-card');
    const verdict = card.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-status', 'invalid');
    await expect(verdict).toContainText('invalid_signature');
    const e = explain('invalid_signature');
    await expect(verdict).toContainText(e.title);

    const step7 = card.getByTestId('step-7');
    await expect(step7).toHaveAttribute('data-status', 'fail');
    await expect(step7).toContainText('invalid_signature');
    await expect(step7).toContainText('the token was changed after signing');
    await expect(card.getByTestId('trace-key')).toContainText(
      'Key found (kid "agent-a-key" bound to spiffe://example.com/agent/a), but the signature does not verify under it',
    );
    const explanation = step7.getByTestId('explanation');
    await expect(explanation).toContainText(e.what);
    await expect(explanation).toContainText(e.why);
    await expect(explanation).toContainText(e.fix);
    // The claims still decode and show the changed value.
    await expect(card.getByTestId('claim-row-exec_act')).toContainText('"review_spek"');
  });

  test('the conformance token is expired now and verifies as of 2026-01-01T00:00 UTC', async ({ page }) => {
    await page.getByLabel('Paste ECTs').fill(EXAMPLE_TOKEN);
    const card = page.getByTestId('token-card');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'expired');
    await expect(card.getByTestId('step-12')).toHaveAttribute('data-status', 'fail');
    await expect(card.getByTestId('step-12')).toContainText(explain('expired').fix);
    await expect(card.getByTestId('time-summary')).toContainText(/expired \d+ (days|years) ago/);

    await page.getByLabel('Date and time (UTC)').fill('2026-01-01T00:00');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await expect(page.getByTestId('now-seconds')).toHaveValue('1767225600');
    await expect(page.getByTestId('clock-state')).toContainText('verifying as of 2026-01-01T00:00:00Z');
    await expect(card.getByTestId('time-summary')).toContainText('expires in 9 min');
    await expect(card.getByTestId('time-summary')).toContainText('issued 1 min ago');

    // Back to the real clock: expired again.
    await page.getByRole('button', { name: 'Now', exact: true }).click();
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'expired');
  });

  test('a verifier id missing from aud fails step 11 with audience_mismatch', async ({ page }) => {
    await loadFreshExample(page);
    const card = page.getByTestId('token-card');
    const verifierId = page.getByLabel('Verifier id (audience)');

    await verifierId.fill('spiffe://example.com/agent/z');
    await expect(card.getByTestId('step-11')).toHaveAttribute('data-status', 'fail');
    await expect(card.getByTestId('step-11')).toContainText('audience_mismatch');
    await expect(card.getByTestId('step-11')).toContainText(explain('audience_mismatch').what);
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'audience_mismatch');

    await verifierId.fill('spiffe://example.com/agent/b');
    await expect(card.getByTestId('step-11')).toHaveAttribute('data-status', 'pass');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
  });

  test('settings re-verify at once, and invalid numbers never reach the verifier', async ({ page }) => {
    await loadFreshExample(page);
    const card = page.getByTestId('token-card');
    const maxAge = page.getByLabel('iat max age (s)');

    await maxAge.fill('abc');
    await expect(page.getByText('"abc" is not a whole number of 0 or more. Still using 900.')).toBeVisible();
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');

    await maxAge.fill('');
    await expect(page.getByText('Enter a whole number of seconds. Still using 900.')).toBeVisible();

    // Minimum level L3 needs a ledger that signs receipts: refused at step 2.
    await page.getByLabel('Minimum level').selectOption('L3');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'level_below_minimum');
    await page.getByLabel('Minimum level').selectOption('L2');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');

    // Allowing only ES384 refuses the ES256 token at step 4.
    await page.getByLabel('ES384').check();
    await page.getByLabel('ES256').uncheck();
    await expect(card.getByTestId('step-4')).toHaveAttribute('data-status', 'fail');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-code', 'alg_not_allowed');

    await page.getByRole('button', { name: 'Defaults' }).click();
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await expect(maxAge).toHaveValue('900');
  });

  test('a share link opened in a new page restores the token and its verdict', async ({ page, context }) => {
    const token = await loadFreshExample(page);
    await page.getByRole('button', { name: 'Share link' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    expect(link).toContain('#/inspect?token=');
    expect(link).not.toContain('"d"'); // never a key
    await expect(page.getByTestId('share-panel')).toContainText('never send that fragment to a server');

    const other = await context.newPage();
    await other.goto(link);
    await expect(other.getByLabel('Paste ECTs')).toHaveValue(token);
    await expect(other.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await other.close();

    // Following another share link in the same page (hashchange) restores that token too.
    const second = await signAsAgentA({ exec_act: 'write_code' });
    await page.evaluate((t) => {
      location.hash = `#/inspect?token=${encodeURIComponent(t)}`;
    }, second);
    await expect(page.getByLabel('Paste ECTs')).toHaveValue(second);
    await expect(page.getByTestId('claim-row-exec_act')).toContainText('"write_code"');
  });

  test('a -00 token shows its migration hints, and unknown claims are marked ignored', async ({ page }) => {
    const token = await signAsAgentA({ sub: 'spiffe://example.com/agent/a', foo: 'bar' }, '00');
    await page.getByLabel('Paste ECTs').fill(token);
    const card = page.getByTestId('token-card');
    await expect(card.getByTestId('version-badge')).toHaveText('-00');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    const migration = card.getByTestId('migration');
    await expect(migration).toContainText('par → pred');
    await expect(migration).toContainText('wimse-exec+jwt');
    await expect(card.getByTestId('claim-row-foo')).toContainText('Not an ECT claim: ignored');
    await expect(card.getByTestId('claim-row-par')).toContainText('-00 only');
  });

  test('an embedded jwk in the header is reported as ignored', async ({ page }) => {
    await page.getByLabel('Paste ECTs').fill(await signWithEmbeddedJwk());
    const card = page.getByTestId('token-card');
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await expect(card.getByTestId('warnings')).toContainText(
      'the header carries "jwk"; embedded key material is ignored, keys come only from the trust store',
    );
    await expect(card.getByTestId('claim-row-jwk')).toContainText('Never trusted by itself');
  });

  test('Open in creator hands the token to the Create tab', async ({ page }) => {
    await loadFreshExample(page);
    await page.getByRole('button', { name: 'Open in creator' }).click();
    await expect(page).toHaveURL(/#\/create$/);
  });

  test('every action is reachable from the keyboard', async ({ page }) => {
    // Tab from the textarea to the toolbar is not needed: Example comes first.
    await page.getByRole('button', { name: 'Example', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');

    const share = page.getByRole('button', { name: 'Share link' });
    await share.focus();
    await expect(share).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('share-panel')).toBeVisible();
    await expect(share).toHaveAttribute('aria-expanded', 'true');

    const trace = page.getByRole('button', { name: 'Verification trace' });
    await trace.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('trace')).toHaveCount(0);
    await page.keyboard.press('Space');
    await expect(page.getByTestId('trace')).toBeVisible();
  });
});
