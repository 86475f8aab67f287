import { generateKeyPair, SignJWT } from 'jose';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { openInspector, signAsAgentA, tamperPayload } from './inspect-helpers.ts';

/**
 * Inspect at scale and for strangers (issue 16): a paste of many tokens gets its counts at the
 * top, a table of every token and a drawing of those that link; a JWT of another kind is named
 * plainly; the encoded token is coloured by part beside its decoded parts, and the two are linked.
 * Every token is made by the test.
 */

const paste = (page: Page, text: string) => page.getByLabel('Paste ECTs').fill(text);

test.describe('Inspect at scale and for strangers', () => {
  test('120 tokens: the counts at the top, one table row each, linked tokens drawn, a row opens its card on the right page', async ({
    page,
  }) => {
    await openInspector(page);
    const wid = crypto.randomUUID();
    const [root, child] = [crypto.randomUUID(), crypto.randomUUID()];
    const tokens = [
      await signAsAgentA({ jti: root, wid, exec_act: 'write_draft' }),
      await signAsAgentA({ jti: child, wid, exec_act: 'review_draft', pred: [root] }),
    ];
    for (let i = 2; i < 120; i++) {
      // Every tenth token is changed after signing (11 of them).
      tokens.push(
        i % 10 === 0
          ? tamperPayload(await signAsAgentA({ exec_act: 'review_spec' }))
          : await signAsAgentA({ exec_act: `task_${i + 1}` }),
      );
    }
    await paste(page, tokens.join('\n'));

    await expect(page.getByTestId('token-count')).toHaveText('120 tokens (read as one token per line)');
    const summary = page.getByTestId('verify-summary');
    await expect(summary).toHaveText('109 valid, 11 invalid', { timeout: 30_000 });
    // The counts and what is shown in detail are at the top of the page, not after the cards.
    await expect(summary).toBeInViewport();
    await expect(page.getByTestId('detail-note')).toHaveText(
      'The table lists all 120; below, 50 at a time are shown in detail (tokens 1–50).',
    );
    await expect(page.getByTestId('cap-note')).toHaveCount(0);

    const rows = page.getByTestId('summary-row');
    await expect(rows).toHaveCount(120);
    await expect(rows.nth(0)).toContainText('✓ valid');
    await expect(rows.nth(0)).toContainText('write_draft');
    await expect(rows.nth(0)).toContainText('spiffe://example.com/agent/a');
    await expect(rows.nth(10)).toHaveAttribute('data-status', 'invalid');
    await expect(rows.nth(10)).toContainText('invalid_signature');
    await expect(page.locator('[data-testid="summary-row"][data-status="invalid"]')).toHaveCount(11);
    await expect(page.getByTestId('token-card')).toHaveCount(50);

    // The two that link are drawn, parent to child.
    const dag = page.getByTestId('tokens-dag');
    await expect(dag).toContainText('2 of the tokens link to each other (1 pred edge)');
    await expect(dag.getByLabel('Token 1, write_draft: valid')).toBeVisible();
    await expect(dag.getByLabel('Token 2, review_draft: valid')).toBeVisible();

    // Row 78's "details" turns to the page that holds its card and brings it into view.
    await page.getByRole('button', { name: 'details of token 78', exact: true }).click();
    const card78 = page.getByRole('article', { name: 'Token 78' });
    await expect(card78).toBeInViewport();
    await expect(card78.getByTestId('card-action')).toHaveText('task_78');
    await expect(page.getByTestId('detail-note')).toContainText('(tokens 51–100)');
    await expect(page.getByTestId('token-card')).toHaveCount(50);
  });

  test('a JWT of another kind is named, with why it is not an ECT, on its card and in the table', async ({
    page,
  }) => {
    await openInspector(page);
    const now = Math.floor(Date.now() / 1000);
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const hs256 = await new SignJWT({ sub: 'user-1', iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(secret);
    const rsa = await generateKeyPair('RS256');
    const access = await new SignJWT({
      iss: 'https://as.example',
      sub: 'user-1',
      aud: 'https://api.example',
      client_id: 'app',
      scope: 'read write',
      iat: now,
      exp: now + 600,
      jti: crypto.randomUUID(),
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'as-key' })
      .sign(rsa.privateKey);
    const idToken = await new SignJWT({
      iss: 'https://op.example',
      sub: 'user-1',
      aud: 'app',
      nonce: 'n-0S6_WzA2Mj',
      azp: 'app',
      iat: now,
      exp: now + 600,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'op-key' })
      .sign(rsa.privateKey);
    const ect = await signAsAgentA();
    await paste(page, [hs256, access, idToken, ect].join('\n'));

    const cards = page.getByTestId('token-card');
    await expect(cards).toHaveCount(4);
    const foreign = (i: number) => cards.nth(i).getByTestId('foreign-jwt');
    await expect(foreign(0)).toContainText('This is a JWT, not an ECT.');
    await expect(foreign(0)).toContainText('alg "HS256": a shared secret (HMAC), which ECTs never use');
    await expect(foreign(0)).toContainText('header typ "JWT"');
    await expect(foreign(1)).toContainText('This is an OAuth 2.0 access token (RFC 9068), not an ECT.');
    await expect(foreign(1)).toContainText('access-token claims scope, client_id');
    await expect(foreign(2)).toContainText('This is an OpenID Connect ID token, not an ECT.');
    await expect(foreign(2)).toContainText('ID-token claims nonce, azp');
    // The ECT gets no such notice, and verifies.
    await expect(foreign(3)).toHaveCount(0);
    await expect(cards.nth(3).getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    // The plain statement comes before the verdict's failed steps.
    for (const i of [0, 1, 2]) {
      await expect(cards.nth(i).getByTestId('verdict')).toHaveAttribute('data-status', 'invalid');
      const [noticeBox, verdictBox] = await Promise.all([
        foreign(i).boundingBox(),
        cards.nth(i).getByTestId('verdict').boundingBox(),
      ]);
      expect(noticeBox!.y).toBeLessThan(verdictBox!.y);
    }

    const rows = page.getByTestId('summary-row');
    await expect(rows.nth(0)).toContainText('not an ECT: a JWT');
    await expect(rows.nth(1)).toContainText('not an ECT: an OAuth 2.0 access token (RFC 9068)');
    await expect(rows.nth(2)).toContainText('not an ECT: an OpenID Connect ID token');
    await expect(rows.nth(3)).not.toContainText('not an ECT');
  });

  test('the encoded token is coloured by part beside its decoded header, payload and signature, and the parts are linked', async ({
    page,
  }) => {
    await openInspector(page);
    const token = await signAsAgentA({ exec_act: 'colour_me' });
    await paste(page, token);
    const parts = page.getByTestId('decoded-parts');
    await expect(parts).toBeVisible();
    const [h, p, s] = token.split('.') as [string, string, string];
    const encoded = parts.getByTestId('encoded-token');
    await expect(encoded).toHaveText(token);
    const part = (name: string) => encoded.locator(`[data-part="${name}"]`);
    await expect(part('header')).toHaveText(h);
    await expect(part('payload')).toHaveText(p);
    await expect(part('signature')).toHaveText(s);
    // Three different colours.
    const colours = await Promise.all(
      ['header', 'payload', 'signature'].map((n) => part(n).evaluate((el) => getComputedStyle(el).color)),
    );
    expect(new Set(colours).size).toBe(3);
    await expect(parts.getByTestId('header-json')).toContainText('"typ": "exec+jwt"');
    await expect(parts.getByTestId('payload-json')).toContainText('"exec_act": "colour_me"');

    // Pointing at the encoded payload rings the decoded payload (and only it).
    const ring = (name: string) =>
      parts.locator(`[data-linked="${name}"]`).evaluate((el) => getComputedStyle(el).boxShadow);
    expect(await ring('payload')).toBe('none');
    await part('payload').hover();
    await expect.poll(() => ring('payload')).not.toBe('none');
    expect(await ring('header')).toBe('none');
    // Pointing at the decoded header underlines the encoded header; keyboard focus does the same.
    await parts.locator('[data-linked="header"]').hover();
    await expect(part('header')).toHaveCSS('text-decoration-line', 'underline');
    await expect(part('payload')).toHaveCSS('text-decoration-line', 'none');
    await part('signature').focus();
    await expect.poll(() => ring('signature')).not.toBe('none');
  });
});
