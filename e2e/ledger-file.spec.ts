import { cleanTokens } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';
import { openLedgerPage } from './tamper-helpers.ts';

/**
 * A file of tokens, one per line, larger than one of the slices the app reads a file in (4 MiB:
 * src/lib/readText.ts): the slices are split into lines where they lie and never joined
 * (src/lib/textParts.ts), so a line cut between two slices must still arrive whole.
 */
const SLICE = 4 << 20;

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
