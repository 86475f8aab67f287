import { test as base, expect } from '@playwright/test';

/**
 * Every e2e test imports `test` and `expect` from here. The `page` fixture
 * records every request the page makes and fails the test when one leaves
 * the page's own origin (data: and blob: URLs excepted; off-origin requests
 * are also aborted), when the page throws an uncaught error, or when it logs
 * a console error.
 */
export const test = base.extend({
  // The fixture callback is named `run`, not `use`, so that React's hook lint rule leaves it alone.
  page: async ({ page, baseURL }, run) => {
    if (!baseURL) throw new Error('fixtures: baseURL is not set in playwright.config.ts');
    const origin = new URL(baseURL).origin;
    const offOrigin: string[] = [];
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];

    const isAllowed = (url: string) => {
      if (url.startsWith('data:') || url.startsWith('blob:')) return true;
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    };

    page.on('request', (request) => {
      if (!isAllowed(request.url())) offOrigin.push(`${request.method()} ${request.url()}`);
    });
    // Belt and braces: nothing off-origin actually goes out during a test.
    await page.route(
      (url) => !isAllowed(url.href),
      (route) => route.abort('blockedbyclient'),
    );
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        const { url, lineNumber } = message.location();
        consoleErrors.push(`${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
      }
    });

    await run(page);

    expect(offOrigin, 'requests that left the page origin').toEqual([]);
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    expect(consoleErrors, 'console errors').toEqual([]);
  },
});

export { expect };
