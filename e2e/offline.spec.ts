import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/**
 * Offline after the first visit: the service worker precaches the whole app (the lazy tabs and the
 * workers too), so a reload with the network cut opens it, and every tab works, still without a
 * request to any other origin (the service worker's own requests included).
 */

/**
 * Cuts the network and reloads. Debian's Chromium 150 with Playwright 1.64 forgets the offline
 * emulation's navigator.onLine on a reload (seen 2026-12-06: false before the reload, true after,
 * while fetch fails): so the emulation is set again once the page is up, as a network that drops
 * would, and the page gets its 'offline' event. The reload itself happens with the network cut.
 */
async function reloadOffline(page: Page, context: BrowserContext) {
  await context.setOffline(true);
  await page.reload();
  if (await page.evaluate(() => navigator.onLine)) {
    await context.setOffline(false);
    await context.setOffline(true);
  }
}

test('after one visit the app reloads and works with the network cut, every tab', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  // The context sees the service worker's requests too (its precache downloads).
  context.on('request', (r) => requests.push(r.url()));

  await page.goto('./#/inspect');
  const status = page.getByTestId('offline-status');
  await expect(status).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(status).toHaveText('✓ Works offline');
  // The manifest and its icons are there for installing it.
  const manifest = (await (await page.request.get('./manifest.webmanifest')).json()) as {
    name: string;
    icons: { src: string; sizes: string }[];
  };
  expect(manifest.name).toBe('ECT Workbench');
  expect(manifest.icons.map((i) => i.sizes)).toEqual(['192x192', '512x512', '512x512', 'any']);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await reloadOffline(page, context);
  await expect(page.getByRole('heading', { name: 'ECT Workbench' })).toBeVisible();
  await expect(status).toHaveText('Offline now: everything still works');
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  // The page the worker serves from its cache carries the same policy: own origin only, nothing inline.
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self';");
  expect(csp).toContain("connect-src 'self';");
  expect(csp).toContain("style-src 'self';");
  expect(csp).not.toContain('unsafe-inline');

  // Inspect: an example signed and verified.
  await page.getByRole('button', { name: 'Try an example' }).click();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
  // Graph: React Flow and the layout worker load from the cache.
  await page.getByRole('link', { name: 'Graph', exact: true }).click();
  await page.getByRole('button', { name: 'Load the demo ledger' }).click();
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', { timeout: 30_000 });
  // Ledger, Simulate, Learn, Create, Keys: each chunk from the cache.
  await page.getByRole('link', { name: 'Ledger', exact: true }).click();
  await expect(page.getByTestId('ledger-row')).toHaveCount(14);
  await page.getByRole('link', { name: 'Simulate', exact: true }).click();
  await page.getByRole('button', { name: 'Run all' }).click();
  await expect(page.getByTestId('sim-status')).toContainText('run finished');
  await page.getByRole('link', { name: 'Learn', exact: true }).click();
  await expect(page.getByTestId('learn-page')).toBeVisible();
  await page.getByRole('navigation', { name: 'Workbench' }).getByRole('link', { name: 'Create' }).click();
  await page.getByLabel('exec_act', { exact: true }).fill('offline_task');
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-valid', 'true');

  // A second reload, still offline, straight onto a lazy tab.
  await page.goto('./#/graph');
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', { timeout: 30_000 });

  await context.setOffline(false);
  expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob):/.test(u))).toEqual([]);
});

/**
 * A plain static file server (no _headers, no rewrites, the app in a sub-folder): the relative base
 * and the worker's relative scope are all it needs. Served here by node:http from the build the
 * tests run against, on a port of its own.
 */
test('from a plain static file server, in a sub-folder: works, goes offline, says so', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const root = resolve(process.env.E2E_DIST ?? 'dist');
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.webmanifest': 'application/manifest+json',
    '.json': 'application/json',
    '.map': 'application/json',
  };
  const served: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    served.push(path);
    if (!path.startsWith('/tools/ect/')) return void res.writeHead(404).end('not found');
    const file = join(root, path.slice('/tools/ect/'.length) || 'index.html');
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile())
      return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context = await browser.newContext();
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${origin}/tools/ect/`);
    const status = page.getByTestId('offline-status');
    await expect(status).toHaveText('✓ Works offline', { timeout: 60_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // Every file came from the sub-folder: nothing asked of the server's root.
    expect(served.filter((p) => !p.startsWith('/tools/ect/'))).toEqual([]);

    await reloadOffline(page, context);
    await expect(status).toHaveText('Offline now: everything still works');
    await page.getByRole('button', { name: 'Try an example' }).click();
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', 'valid');
    await page.getByRole('link', { name: 'Ledger', exact: true }).click();
    await page.getByTestId('ledger-empty').getByRole('button', { name: 'Load the demo ledger' }).click();
    await expect(page.getByTestId('ledger-row')).toHaveCount(14);
    await context.setOffline(false);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob):/.test(u))).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await new Promise((done) => server.close(done));
  }
});
