import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { headersFor, parseHeadersFile } from '../scripts/headers.ts';
import { expect, test } from './fixtures.ts';

/**
 * The Content-Security-Policy without 'unsafe-inline' anywhere, the same in the built page's meta
 * tag and in the response headers static hosts send (public/_headers), which add what a meta tag
 * cannot: frame-ancestors 'none'. No tab, doing its main work, trips the policy.
 */

const DIST = process.env.E2E_DIST ?? 'dist';
const ROOT = new URL('..', import.meta.url);
const builtHtml = () => readFileSync(fileURLToPath(new URL(`${DIST}/index.html`, ROOT)), 'utf8');
const headersFile = () =>
  parseHeadersFile(readFileSync(fileURLToPath(new URL('public/_headers', ROOT)), 'utf8'));

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values] as const),
  );

test('the built CSP has no unsafe-inline; public/_headers sends it with frame-ancestors none', async ({
  page,
}) => {
  const html = builtHtml();
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  expect(meta, 'the built index.html carries a CSP').toBeTruthy();
  expect(meta).not.toContain('unsafe-inline');
  expect(meta).not.toContain('unsafe-eval');
  expect(directives(meta!).get('style-src')).toEqual(["'self'"]);

  // The built app ships the headers file, and it holds the same policy plus frame-ancestors.
  expect(readFileSync(fileURLToPath(new URL(`${DIST}/_headers`, ROOT)), 'utf8')).toBe(
    readFileSync(fileURLToPath(new URL('public/_headers', ROOT)), 'utf8'),
  );
  const sent = headersFor(headersFile(), '/');
  const header = directives(sent['Content-Security-Policy']!);
  expect(header.get('frame-ancestors')).toEqual(["'none'"]);
  header.delete('frame-ancestors');
  expect(header).toEqual(directives(meta!));
  expect(sent['X-Frame-Options']).toBe('DENY');
  expect(headersFor(headersFile(), '/sw.js')['Cache-Control']).toBe('no-cache');

  // And the server (vite preview, as a static host) sends them.
  const response = await page.request.get('./');
  expect(response.headers()['content-security-policy']).toBe(sent['Content-Security-Policy']);
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
});

test('no tab trips the policy: React Flow, the virtual table and the dialogs style through the CSSOM', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const violations = () =>
    page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

  await page.goto('./#/inspect');
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
  await page.goto('./#/graph');
  await page.getByRole('button', { name: 'Load the demo ledger' }).click();
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', { timeout: 30_000 });
  await page.locator('[data-testid="graph-node"]').first().click();
  await expect(page.getByTestId('node-panel')).toBeVisible();
  await page.getByRole('link', { name: 'Ledger', exact: true }).click();
  await expect(page.getByTestId('ledger-row')).toHaveCount(14);
  await page.getByTestId('ledger-row').first().click();
  await page.getByRole('link', { name: 'Simulate', exact: true }).click();
  await page.getByRole('button', { name: 'Run all' }).click();
  await expect(page.getByTestId('sim-status')).toContainText('run finished');
  await page.getByRole('navigation', { name: 'Workbench' }).getByRole('link', { name: 'Create' }).click();
  await page.getByLabel('exec_act', { exact: true }).fill('csp_check');
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await page.getByRole('link', { name: 'Learn', exact: true }).click();
  await expect(page.getByTestId('learn-page')).toBeVisible();
  await page.getByRole('link', { name: 'Keys & trust', exact: true }).click();
  await page
    .getByRole('button', { name: /^Delete/ })
    .first()
    .click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  expect(await violations()).toEqual([]);
});

// Chromium logs a refused frame as a console error, which the shared fixture counts: a page of its own.
test('another site cannot frame the workbench (frame-ancestors none)', async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const blocked: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') blocked.push(m.text());
  });
  await page.setContent(`<iframe src="${baseURL}/" title="framed"></iframe>`);
  await expect.poll(() => blocked.join('\n')).toContain("frame-ancestors 'none'");
  const frame = page.frames()[1]!;
  expect(await frame.locator('#root').count()).toBe(0);
  await context.close();
});
