import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './scripts/chromium.ts';

// The app is built before this runs (npm run test:e2e: ensure-debian chromium, vite build, playwright test).
// Playwright cannot download browsers here: Debian's Chromium is used instead.
// E2E_PORT and E2E_DIST let several people run the suite at once on one machine, each against its own
// build (`vite build --outDir dist-x`); CI uses the defaults.
const port = Number(process.env.E2E_PORT ?? 4173);
const dist = process.env.E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  // Playwright empties its outputDir on every run: keep it apart from test-results/, which also holds
  // other runners' reports (vitest.json) and this run's JSON report.
  outputDir: `test-results/playwright-artifacts${process.env.E2E_PORT ? `-${port}` : ''}`,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A loaded machine stalls now and then: one CI run (session 9's, on a fresh clone) lost two
  // tests, each a first visit whose next step took over 5 s (the default) to show, where they take
  // under 1 s; 40 runs of both at load 3-10 here passed. Under CI a failed test is run once more,
  // and scripts/test-all.mjs names every test that passed only on its retry ("flaky"), so none
  // goes unseen; a test that fails twice fails the run.
  retries: process.env.CI ? 1 : 0,
  expect: { timeout: 15_000 },
  workers: 2,
  reporter: [
    ['list'],
    ['json', { outputFile: `test-results/playwright${process.env.E2E_PORT ? `-${port}` : ''}.json` }],
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    trace: 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: CHROMIUM_LAUNCH,
      },
    },
  ],
  webServer: {
    command: `./node_modules/.bin/vite preview --host 127.0.0.1 --port ${port} --strictPort --outDir ${dist}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
