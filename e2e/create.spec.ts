import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const AGENT_A = 'Example agent A (test key) · kid agent-a-key · spiffe://example.com/agent/a';

async function openCreate(page: Page) {
  await page.goto('./#/create');
  await expect(page.getByRole('heading', { name: 'Create and sign a token' })).toBeVisible();
  // The keyring seeds the example agents on a first visit.
  await page.getByLabel('Signing key').selectOption({ label: AGENT_A });
}

async function signWith(page: Page, execAct: string) {
  await page.getByLabel('exec_act', { exact: true }).fill(execAct);
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await expect(page.getByTestId('result-token')).toBeVisible();
}

const traceStep = (page: Page, n: number) => page.getByTestId('trace').getByTestId(`step-${n}`);

test.describe('Create: fill in, sign, verify', () => {
  test('sign a -01 token with agent A: token, header line and a passing verification', async ({ page }) => {
    await openCreate(page);
    await expect(page.getByLabel('iss', { exact: true })).toHaveValue('spiffe://example.com/agent/a');
    await expect(page.getByLabel('aud', { exact: true })).toHaveValue('spiffe://example.com/agent/b');
    await expect(page.getByLabel('jti', { exact: true })).toHaveValue(/^[0-9a-f-]{36}$/);

    await signWith(page, 'review_spec');

    const token = (await page.getByTestId('result-token').textContent()) ?? '';
    expect(token).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    await expect(page.getByTestId('header-line')).toHaveText(`Execution-Context: ${token}`);
    await expect(page.getByRole('button', { name: 'Copy token' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Copy header line' })).toBeVisible();
    await expect(page.getByTestId('result-header')).toContainText('"typ": "exec+jwt"');
    await expect(page.getByTestId('result-header')).toContainText('"kid": "agent-a-key"');
    await expect(page.getByTestId('result-payload')).toContainText('"exec_act": "review_spec"');
    await expect(page.getByTestId('result-payload')).toContainText('"pred": []');

    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
    await expect(page.getByTestId('verdict')).toContainText('Verifies');
    await expect(traceStep(page, 7)).toHaveAttribute('data-status', 'pass');
    await expect(page.getByTestId('trace').locator('[data-status="fail"]')).toHaveCount(0);
  });

  test('-00 renames the claims and the typ', async ({ page }) => {
    await openCreate(page);
    const editor = page.getByLabel('Payload JSON');
    // -01: the policy pair lives inside ect_ext.
    await page.getByLabel('pol', { exact: true }).fill('spending-limit-v2');
    await page.getByLabel('pol_decision', { exact: true }).selectOption('approved');
    await expect(editor).toHaveValue(
      /"ect_ext": \{\n {4}"pol": "spending-limit-v2",\n {4}"pol_decision": "approved"/,
    );

    await page.getByLabel('Version').selectOption('00');
    await expect(page.getByLabel('par', { exact: true })).toBeVisible();
    await expect(editor).toHaveValue(/"par": \[\]/);
    // -00: top-level pol and pol_decision, no extension object.
    await expect(editor).toHaveValue(/\n {2}"pol": "spending-limit-v2",\n {2}"pol_decision": "approved"/);
    await expect(editor).not.toHaveValue(/ect_ext|"ext"/);

    await signWith(page, 'draft_summary');

    await expect(page.getByTestId('result-version')).toHaveText('-00');
    await expect(page.getByTestId('result-header')).toContainText('"typ": "wimse-exec+jwt"');
    await expect(page.getByTestId('result-payload')).toContainText('"par": []');
    await expect(page.getByTestId('result-payload')).not.toContainText('"pred"');
    await expect(page.getByTestId('result-payload')).toContainText('"pol_decision": "approved"');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
  });

  test('an invalid inp_hash shows its error and Sign is refused with the message', async ({ page }) => {
    await openCreate(page);
    await page.getByLabel('exec_act', { exact: true }).fill('review_spec');
    await page.getByLabel('inp_hash', { exact: true }).fill('sha-256:abc');

    const fieldError = page.getByTestId('error-inp_hash');
    await expect(fieldError).toContainText('exactly 43 characters');
    await expect(fieldError).toContainText('sha-256:');
    await expect(page.getByLabel('inp_hash', { exact: true })).toHaveAttribute('aria-invalid', 'true');

    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const refusal = page.getByTestId('sign-error');
    await expect(refusal).toContainText('Not signed');
    await expect(refusal).toContainText('inp_hash');
    await expect(refusal).toContainText('refusing to create a token that would not verify');
    await expect(page.getByTestId('result-token')).toHaveCount(0);

    // "Hash some text" fixes it: base64url SHA-256, 43 characters, computed in the page.
    await page.getByText('Hash some text into inp_hash').click();
    await page.getByLabel('Text to hash for inp_hash').fill('hello');
    await page.getByRole('button', { name: 'Hash into inp_hash' }).click();
    await expect(page.getByLabel('inp_hash', { exact: true })).toHaveValue(
      'LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ',
    );
    await expect(fieldError).toHaveCount(0);
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
    await expect(page.getByTestId('sign-error')).toHaveCount(0);
  });

  test('form and JSON editor follow each other; broken JSON says where and keeps the form', async ({
    page,
  }) => {
    await openCreate(page);
    const editor = page.getByLabel('Payload JSON');
    await page.getByLabel('exec_act', { exact: true }).fill('plan_trip');
    await expect(editor).toHaveValue(/"exec_act": "plan_trip"/);

    const text = await editor.inputValue();
    await editor.fill(text.replace('"plan_trip"', '"book_hotel"'));
    await expect(page.getByLabel('exec_act', { exact: true })).toHaveValue('book_hotel');

    // A missing quote: line and column, and the form keeps its values.
    await editor.fill('{\n  "iss": "spiffe://example.com/agent/a",\n  "exec_act": book_hotel\n}');
    const error = page.getByTestId('json-error');
    await expect(error).toContainText('Line 3, column 15');
    await expect(error).toContainText('double quotes');
    await expect(page.getByLabel('exec_act', { exact: true })).toHaveValue('book_hotel');
    await expect(page.getByLabel('aud', { exact: true })).toHaveValue('spiffe://example.com/agent/b');
    // Sign refuses while the editor and the form disagree.
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByTestId('sign-error')).toContainText('payload JSON editor');
    await expect(page.getByTestId('sign-error')).toContainText('line 3, column 15');
    await expect(page.getByTestId('result-token')).toHaveCount(0);

    // Not an object.
    await editor.fill('["a"]');
    await expect(error).toContainText('must be a JSON object');
    await expect(error).toContainText('an array');
    await expect(page.getByLabel('exec_act', { exact: true })).toHaveValue('book_hotel');

    // The date picker writes seconds.
    await page.getByLabel('iat as a UTC date and time').fill('2026-01-01T00:00:00');
    await expect(page.getByLabel('iat', { exact: true })).toHaveValue('1767225600');
    await expect(editor).toHaveValue(/"iat": 1767225600/);

    // Emptying a required claim in the form shows the core's message at the field.
    await page.getByLabel('exec_act', { exact: true }).fill('');
    await expect(page.getByTestId('error-exec_act')).toContainText('"exec_act" is required');
    await expect(editor).not.toHaveValue(/exec_act/);
  });

  test('tamper with a claim without re-signing: step 7 invalid_signature', async ({ page }) => {
    await openCreate(page);
    await signWith(page, 'review_spec');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
    const signed = (await page.getByTestId('result-token').textContent()) ?? '';

    await page.getByLabel('Claim to change').selectOption('exec_act');
    await page.getByLabel('New value (text)').fill('approve_payment');
    await page.getByRole('button', { name: 'Apply without re-signing' }).click();

    await expect(page.getByTestId('tampered-badge')).toHaveText('TAMPERED');
    await expect(page.getByTestId('result')).toHaveAttribute('data-tampered', 'true');
    const tampered = (await page.getByTestId('result-token').textContent()) ?? '';
    expect(tampered).not.toBe(signed);
    // Same header and signature, new payload part.
    expect(tampered.split('.')[0]).toBe(signed.split('.')[0]);
    expect(tampered.split('.')[2]).toBe(signed.split('.')[2]);
    await expect(page.getByTestId('result-payload')).toContainText('"exec_act": "approve_payment"');

    await expect(traceStep(page, 7)).toHaveAttribute('data-status', 'fail');
    await expect(traceStep(page, 7)).toContainText('invalid_signature');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'false');
    await expect(page.getByTestId('verdict')).toContainText('step 7');
    await expect(page.getByTestId('verdict')).toContainText('invalid_signature');

    await page.getByRole('button', { name: 'Undo tampering' }).click();
    await expect(page.getByTestId('result-token')).toHaveText(signed);
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
  });

  test('tamper with one character of the signature: step 7 fails', async ({ page }) => {
    await openCreate(page);
    await signWith(page, 'review_spec');
    const signed = (await page.getByTestId('result-token').textContent()) ?? '';
    const position = signed.length - 20;
    await page.getByLabel('Position').fill(String(position));
    await expect(page.getByTestId('tamper-position-info')).toContainText('signature part');
    await page.getByLabel('New character').fill(signed[position] === 'Q' ? 'R' : 'Q');
    await page.getByRole('button', { name: 'Change character' }).click();

    await expect(page.getByTestId('tampered-badge')).toBeVisible();
    await expect(page.getByTestId('result-token').locator('mark')).toHaveText(/^[QR]$/);
    await expect(traceStep(page, 7)).toHaveAttribute('data-status', 'fail');
    await expect(traceStep(page, 7)).toContainText('invalid_signature');
  });

  test('L1: no dots, and the default minimum level L2 refuses it at step 2', async ({ page }) => {
    await openCreate(page);
    await page.getByLabel('Level').selectOption('L1');
    await page.getByLabel('exec_act', { exact: true }).fill('review_spec');
    await page.getByRole('button', { name: 'Create L1 token' }).click();

    const token = (await page.getByTestId('result-token').textContent()) ?? '';
    expect(token).toMatch(/^[\w-]+$/);
    expect(token).not.toContain('.');
    expect(token).not.toContain('=');
    await expect(page.getByTestId('result-level')).toHaveText('L1');
    await expect(page.getByTestId('result-header')).toContainText('None');
    await expect(traceStep(page, 2)).toHaveAttribute('data-status', 'fail');
    await expect(traceStep(page, 2)).toContainText('level_below_minimum');
    await expect(traceStep(page, 7)).toHaveAttribute('data-status', 'skip');
  });

  test('edit and re-sign: change exec_act and sign again', async ({ page }) => {
    await openCreate(page);
    await signWith(page, 'review_spec');
    const first = (await page.getByTestId('result-token').textContent()) ?? '';

    await page.getByRole('link', { name: 'Inspect' }).click();
    await page.getByLabel('Paste ECTs').fill(first);
    await expect(page.getByTestId('token-card')).toHaveCount(1);
    const openInCreator = page.getByRole('button', { name: 'Open in creator' });
    if ((await openInCreator.count()) > 0) {
      await openInCreator.first().click();
      await expect(page.getByTestId('handoff-notice')).toContainText('Loaded from the inspector');
      await expect(page.getByLabel('Signing key').locator('option:checked')).toHaveText(AGENT_A);
      await expect(page.getByLabel('Version')).toHaveValue('01');
      await expect(page.getByLabel('Level')).toHaveValue('L2');
      await expect(page.getByTestId('result-token')).toHaveText(first);
    } else {
      test.info().annotations.push({
        type: 'note',
        description:
          'The inspector has no "Open in creator" button yet: the hand-over was not exercised; the creator kept its form.',
      });
      await page.getByRole('link', { name: 'Create' }).click();
    }
    await expect(page.getByLabel('exec_act', { exact: true })).toHaveValue('review_spec');

    await page.getByLabel('exec_act', { exact: true }).fill('approve_spec');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByTestId('result-payload')).toContainText('"exec_act": "approve_spec"');
    const second = (await page.getByTestId('result-token').textContent()) ?? '';
    expect(second).not.toBe(first);
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
    await expect(traceStep(page, 7)).toHaveAttribute('data-status', 'pass');
  });

  test('a handed-over token whose kid the keyring lacks says which kid is needed', async ({ page }) => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = [
      b64({ alg: 'ES256', typ: 'exec+jwt', kid: 'agent-z-key' }),
      b64({
        iss: 'spiffe://example.com/agent/z',
        aud: 'spiffe://example.com/agent/b',
        iat: now,
        exp: now + 600,
        jti: '7d3a0f2e-59b4-4c1e-9a8e-0c2b5d6f7a81',
        exec_act: 'summarize',
        pred: [],
      }),
      'A'.repeat(86),
    ].join('.');
    await page.goto('./#/inspect');
    await page.getByLabel('Paste ECTs').fill(token);
    await expect(page.getByTestId('token-card')).toHaveCount(1);
    const openInCreator = page.getByRole('button', { name: 'Open in creator' });
    test.skip((await openInCreator.count()) === 0, 'the inspector has no "Open in creator" button yet');
    await openInCreator.first().click();

    await expect(page.getByTestId('needed-kid')).toContainText('agent-z-key');
    await expect(page.getByLabel('exec_act', { exact: true })).toHaveValue('summarize');
    await expect(page.getByLabel('aud', { exact: true })).toHaveValue('spiffe://example.com/agent/b');
    await expect(page.getByLabel('Signing key')).toHaveValue('');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByTestId('sign-error')).toContainText('no private key with kid "agent-z-key"');

    // Choosing agent A moves on: the warning says iss must match the key's issuer, and fixes it.
    await page.getByLabel('Signing key').selectOption({ label: AGENT_A });
    await expect(page.getByTestId('field-iss')).toContainText('issuer_mismatch');
    await page.getByRole('button', { name: 'Use spiffe://example.com/agent/a' }).click();
    await expect(page.getByLabel('iss', { exact: true })).toHaveValue('spiffe://example.com/agent/a');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');
  });

  test('keyboard: Enter in a field signs, and the key select is reachable with Tab', async ({ page }) => {
    await openCreate(page);
    await page.getByLabel('Version').focus();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Level')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Signing key')).toBeFocused();

    await page.getByLabel('exec_act', { exact: true }).fill('review_spec');
    await page.getByLabel('exec_act', { exact: true }).press('Enter');
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');

    await page.getByRole('button', { name: 'Start over' }).click();
    await expect(page.getByTestId('result')).toHaveCount(0);
    await expect(page.getByLabel('exec_act', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('iss', { exact: true })).toHaveValue('spiffe://example.com/agent/a');
  });
});
