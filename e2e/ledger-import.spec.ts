import type { Page } from '@playwright/test';
import { cleanTokens } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';
import { changeStoredToken } from './ledger-helpers.ts';
import { openLedgerPage } from './tamper-helpers.ts';

/**
 * Large files into the Ledger tab: 10,000 tokens with progress, cancelled, searched and re-checked;
 * and a file of lines larger than one of the slices the app reads a file in (4 MiB:
 * src/lib/readText.ts), whose slices are split into lines where they lie and never joined
 * (src/lib/textParts.ts), so a line cut between two slices must still arrive whole.
 */
const SLICE = 4 << 20;

async function importFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  await page.getByTestId('ledger-file-input').setInputFiles(file);
}

const row = (page: Page, jti: string) => page.locator(`[data-testid="ledger-row"][data-jti="${jti}"]`);

test('a file of lines over one read slice: a CRLF cut between slices, a 4 MB junk line, a BOM', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const tokens = cleanTokens(50, { ns: 0x5e1f0000, workflows: 2 });
  const head = `\uFEFF${tokens.slice(0, 20).join('\r\n')}\r\n`;
  // Not a token, with characters of 2, 3 and 4 bytes; padded so that its "\r" is the first
  // slice's last byte and its "\n" the next slice's first.
  let junk = 'not a token: é€𝄞 '.repeat(180_000);
  junk += 'x'.repeat(SLICE - Buffer.byteLength(head + junk + '\r'));
  const text = `${head}${junk}\r\n${tokens.slice(20).join('\r\n')}`;
  expect(Buffer.byteLength(`${head}${junk}\r`)).toBe(SLICE);
  expect(Buffer.byteLength(text)).toBeGreaterThan(SLICE);

  await openLedgerPage(page);
  await page.getByTestId('ledger-file-input').setInputFiles({
    name: 'lines.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
  const outcome = page.getByTestId('import-outcome');
  await expect(outcome).toContainText('Added 50 entries from lines.txt', { timeout: 60_000 });
  await expect(outcome).toContainText('1 item skipped (not a token)');
  await expect(outcome).toContainText('item 21: the token is 3,2');
  await expect(page.getByTestId('audit-summary')).toContainText('50 valid', { timeout: 60_000 });
  await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 50 entries');
});

test('10,000 tokens import with progress; a cancelled import writes nothing', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const tokens = cleanTokens(10_000);
  // 5.7 MB: the file is read in two slices (src/lib/readText.ts, 4 MB each), the 4 MB cut inside
  // a token; every token must still arrive whole.
  const file = {
    name: 'ledger-10k.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tokens)),
  };
  await openLedgerPage(page);
  await expect(page.getByTestId('ledger-empty')).toBeVisible();

  // Record every progress line the page shows (the import may be faster than polling).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenPhases: string[] }).seenPhases = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="import-phase"]')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const t0 = Date.now();
  await importFile(page, file);
  await expect(page.getByTestId('import-progress')).toBeVisible();
  const outcome = page.getByTestId('import-outcome');
  await expect(outcome).toContainText('Added 10,000 entries from ledger-10k.json', { timeout: 120_000 });
  const written = Date.now() - t0;
  const phases = await page.evaluate(() => (window as unknown as { seenPhases: string[] }).seenPhases);
  expect(
    phases.some((p) =>
      /Importing ledger-10k\.json: Hashing, chaining and writing the entries, in one transaction — [\d,]+ \/ 10,000/.test(
        p,
      ),
    ),
  ).toBe(true);
  expect(phases.some((p) => /Committing the transaction — 10,000 \/ 10,000/.test(p))).toBe(true);
  await expect(page.getByTestId('audit-summary')).toContainText('10,000 valid', { timeout: 120_000 });
  const audited = Date.now() - t0;
  const inPage = (await outcome.textContent())?.match(/in ([\d.]+ m?s)/)?.[1];
  testInfo.annotations.push({
    type: 'timing',
    description: `10,000-token import: ${written} ms to "added" (page says ${inPage}), ${audited} ms until audited`,
  });
  console.log(
    `10,000-token import: ${written} ms to "added" (page says ${inPage}), ${audited} ms until audited`,
  );

  await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 10,000 entries');
  await expect(page.getByTestId('ledger-shown')).toHaveText('10,000 entries, in ledger order');
  // Virtualized: only the rows in view are in the DOM.
  expect(await page.getByTestId('ledger-row').count()).toBeLessThan(60);
  // Scroll to the end: the last entry is there.
  await page.getByTestId('ledger-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('[data-testid="ledger-row"][data-seq="10000"]')).toBeVisible();
  // Search over 10,000 rows.
  const probe = JSON.parse(Buffer.from(tokens[7777]!.split('.')[1]!, 'base64url').toString()) as {
    jti: string;
  };
  await page.getByLabel('Search').fill(probe.jti.slice(0, 13));
  await expect(page.getByTestId('ledger-shown')).toHaveText('Showing 1 of 10,000 entries');
  await expect(row(page, probe.jti)).toHaveAttribute('data-seq', '7778');
  await page.getByLabel('Search').fill('');

  // Another large import, cancelled before its write: the ledger is unchanged. The page clicks
  // Cancel the moment it appears (as a quick user would): a click from the test process could
  // arrive after a fast machine had already started the write, when cancelling is no longer offered.
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      const button = [...document.querySelectorAll('button')].find(
        (b) => b.textContent?.trim() === 'Cancel import',
      );
      if (button && !button.disabled) {
        observer.disconnect();
        button.click();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await importFile(page, { ...file, name: 'again-10k.json' });
  await expect(outcome).toContainText('Import of again-10k.json cancelled: nothing was written.');
  await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 10,000 entries');
  await page.getByRole('button', { name: 'Re-check' }).click();
  await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 10,000 entries');
  await expect(page.getByTestId('ledger-meta')).toContainText('10,000 entries');

  // A ledger this large is also hashed in a worker while the page reads it (chainHashes.ts): the
  // Re-checks above ran with it, and an entry changed behind the app is still found.
  await changeStoredToken(page, 7777);
  await page.getByRole('button', { name: 'Re-check' }).click();
  await expect(page.getByTestId('chain-status')).toContainText('Chain broken at entry #7777:');
  await expect(page.getByTestId('chain-status')).toContainText('was changed after it was appended');
  const marked = (name: string) =>
    page.evaluate(
      (n) => performance.getEntriesByName(n).map((m) => (m as PerformanceMark).detail as number),
      name,
    );
  const fromWorker = await marked('ect.ledger.worker_hashes');
  // The claims the worker decoded (the page decodes what has not come yet itself).
  const claimsFromWorker = await marked('ect.ledger.worker_claims');
  // How many came from the worker depends on the machine's load (the page hashes what has not
  // come yet itself); that the worker ran is what holds.
  expect(fromWorker.length).toBeGreaterThan(0);
  expect(claimsFromWorker.length).toBe(fromWorker.length);
  test.info().annotations.push({
    type: 'worker hashes',
    description: `${fromWorker.at(-1)} of 10,000 entry hashes and ${claimsFromWorker.at(-1)} entries' claims came from the chain-hash worker`,
  });
});
