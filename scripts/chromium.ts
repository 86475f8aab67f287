/**
 * How every Playwright launch here starts Chromium: Debian's package (Playwright cannot download
 * browsers on these machines; scripts/ensure-debian.mjs installs it), headless, with nothing
 * that would reach the network on its own. Used by playwright.config.ts and bench/browser.ts.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
