import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { explain } from 'wimse-ect';
import { defectLedger } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';
import { changeStoredToken, tableVerdicts } from './ledger-helpers.ts';

const DEFECTS_FILE = fileURLToPath(new URL('./data/ledger-defects.json', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// ECDSA signatures are randomized: the tokens are the file's, the names and jtis (fixed) the generator's.
const { expected } = defectLedger();
const defectTokens = JSON.parse(readFileSync(DEFECTS_FILE, 'utf8')) as string[];

async function openLedgerPage(page: Page) {
  await page.goto('./#/ledger');
  await expect(page.getByTestId('ledger-page')).toBeVisible();
}

async function importFile(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }) {
  await page.getByTestId('ledger-file-input').setInputFiles(file);
}

/** Waits until the audit has run over every entry (no row says "auditing…"). */
async function auditDone(page: Page) {
  await expect(page.getByTestId('audit-summary')).toContainText('valid');
  await expect(page.locator('[data-testid="ledger-row"][data-status="pending"]')).toHaveCount(0);
}

const row = (page: Page, jti: string) => page.locator(`[data-testid="ledger-row"][data-jti="${jti}"]`);

async function importDefects(page: Page) {
  await openLedgerPage(page);
  await expect(page.getByTestId('ledger-empty')).toContainText('This ledger is empty');
  await importFile(page, DEFECTS_FILE);
  await expect(page.getByTestId('import-outcome')).toContainText(
    `Added ${defectTokens.length} entries from ledger-defects.json`,
  );
  await expect(page.getByTestId('chain-status')).toContainText(
    `Chain intact: ${defectTokens.length} entries, head`,
  );
  await auditDone(page);
}

test.describe('Ledger', () => {
  test('a new user sees what a ledger is and how to fill it', async ({ page }) => {
    await openLedgerPage(page);
    const empty = page.getByTestId('ledger-empty');
    await expect(empty).toContainText('append-only');
    await expect(empty).toContainText('drop a file');
    await expect(empty).toContainText('Graph tab');
    await expect(page.getByLabel('Ledger', { exact: true })).toHaveValue(/.+/);
    await expect(page.getByLabel('Ledger', { exact: true }).locator('option')).toHaveText([
      'My first ledger',
    ]);
  });

  test('importing the defects file shows each planted defect on its row', async ({ page }) => {
    await importDefects(page);
    await expect(page.getByTestId('ledger-row')).toHaveCount(defectTokens.length);

    for (const [name, exp] of Object.entries(expected)) {
      const rows = row(page, exp.jti);
      const n = name.startsWith('dup') ? 2 : 1;
      await expect(rows, name).toHaveCount(n);
      for (let i = 0; i < n; i++) {
        const r = rows.nth(i);
        if (exp.codes.length) {
          await expect(r, name).toHaveAttribute('data-status', 'invalid');
          for (const code of exp.codes) await expect(r.getByTestId('status-code'), name).toHaveText(code);
        } else if (exp.tainted) {
          await expect(r, name).toHaveAttribute('data-status', 'tainted');
          await expect(r.getByTestId('status-tainted')).toHaveText('tainted');
        } else {
          await expect(r, name).toHaveAttribute('data-status', 'valid');
          await expect(r.getByTestId('status-valid')).toBeVisible();
        }
      }
    }
    // the duplicate on both copies, the cycle on both members
    await expect(row(page, expected.dup1!.jti).getByText('duplicate_jti')).toHaveCount(2);
    await expect(page.locator('[data-testid="ledger-row"][data-codes="cycle"]')).toHaveCount(2);
    await expect(page.getByTestId('audit-summary')).toContainText('4 valid');
    await expect(page.getByTestId('audit-summary')).toContainText('1 tainted');
    await expect(page.getByTestId('audit-summary')).toContainText('9 invalid');
  });

  test('a failing row explains why it failed, and links to the graph', async ({ page }) => {
    await importDefects(page);

    await row(page, expected.tampered!.jti).click();
    const detail = page.getByTestId('entry-detail');
    await expect(detail.getByRole('heading', { name: 'Entry #13', exact: true })).toBeVisible();
    await expect(detail.getByTestId('entry-verdict')).toHaveText('invalid');
    const why = detail.locator('[data-testid="code-explanation"][data-code="invalid_signature"]');
    await expect(why).toContainText(explain('invalid_signature').title);
    await expect(why).toContainText(explain('invalid_signature').what);
    await expect(why).toContainText(explain('invalid_signature').fix);
    await expect(detail.getByTestId('entry-token')).toHaveText(defectTokens[12]!);

    // An edge violation names the predecessor it is about.
    await row(page, expected.early!.jti).click();
    const temporal = detail.locator('[data-testid="code-explanation"][data-code="temporal_violation"]');
    await expect(temporal).toContainText(explain('temporal_violation').why);
    await expect(temporal).toContainText(`edge to pred ${expected.test!.jti}`);

    // The tainted entry says where its taint comes from; that link selects the invalid ancestor.
    await row(page, expected.downstream!.jti).click();
    await expect(detail.getByTestId('entry-verdict')).toHaveText('tainted');
    await detail.getByRole('button', { name: /#13/ }).click();
    await expect(detail.getByRole('heading', { name: 'Entry #13', exact: true })).toBeVisible();

    // Keyboard: arrows move the selection through the table.
    await row(page, expected.root!.jti).focus();
    await page.keyboard.press('Enter');
    await expect(detail.getByRole('heading', { name: 'Entry #1', exact: true })).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await expect(detail.getByRole('heading', { name: 'Entry #2', exact: true })).toBeVisible();
    await expect(row(page, expected.build!.jti)).toBeFocused();

    const link = detail.getByRole('link', { name: 'Show in graph' });
    await expect(link).toHaveAttribute('href', `#/graph?jti=${expected.build!.jti}`);
    await link.click();
    await expect(page).toHaveURL(new RegExp(`#/graph\\?jti=${expected.build!.jti}$`));
  });

  test('search and filters narrow the table', async ({ page }) => {
    await importDefects(page);
    const shown = page.getByTestId('ledger-shown');

    // A jti no entry names in pred (the search looks at pred too: e2e/ledger-table.spec.ts).
    await page.getByLabel('Search').fill(expected.orphan!.jti.slice(0, 6));
    await expect(page.getByTestId('ledger-row')).toHaveCount(1);
    await expect(shown).toHaveText(`Showing 1 of ${defectTokens.length} entries`);
    await page.getByLabel('Search').fill('sync_state');
    await expect(page.getByTestId('ledger-row')).toHaveCount(2);
    await page.getByRole('button', { name: 'Clear filters' }).click();

    await page.getByLabel('Status').selectOption('code:duplicate_jti');
    await expect(page.getByTestId('ledger-row')).toHaveCount(2);
    await page.getByLabel('Status').selectOption('tainted');
    await expect(page.getByTestId('ledger-row')).toHaveCount(1);
    await page.getByLabel('Status').selectOption('');

    await page.getByLabel('Issuer').selectOption('spiffe://example.com/agent/c');
    await expect(page.getByTestId('ledger-row')).toHaveCount(4); // test, dup1, dup2, tampered
    await page.getByLabel('Issuer').selectOption('');
    await page.getByLabel('Action').selectOption('deploy_prod');
    await expect(page.getByTestId('ledger-row')).toHaveCount(1);
    await page.getByLabel('Action').selectOption('');

    // iat up to 2025-12-31T23:49:00Z: only the entry issued too early (the workflow starts 23:50:00).
    await page.getByLabel('iat to (UTC)').fill('2025-12-31T23:49:00');
    await expect(page.getByTestId('ledger-row')).toHaveCount(1);
    await expect(row(page, expected.early!.jti)).toBeVisible();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(page.getByTestId('ledger-row')).toHaveCount(defectTokens.length);
  });

  test('the ledger survives a reload intact', async ({ page }) => {
    await importDefects(page);
    const before = await tableVerdicts(page);
    const head = await page.getByTestId('chain-status').textContent();

    await page.reload();
    await expect(page.getByTestId('chain-status')).toHaveText(head!);
    await auditDone(page);
    await expect(page.getByTestId('ledger-row')).toHaveCount(defectTokens.length);
    expect(await tableVerdicts(page)).toEqual(before);
  });

  test('pasted text: tokens are added, what is not a token is skipped with the reason', async ({ page }) => {
    await openLedgerPage(page);
    await page.getByLabel('Tokens to import').fill(`not-a-token!\n${defectTokens[0]}\n${defectTokens[1]}`);
    await page.getByRole('button', { name: 'Import pasted' }).click();
    const outcome = page.getByTestId('import-outcome');
    await expect(outcome).toContainText('Added 2 entries from the pasted text');
    await expect(outcome).toContainText('1 item skipped (not a token)');
    await expect(outcome).toContainText('item 1:');
    await expect(page.getByLabel('Tokens to import')).toHaveValue('');

    await page.getByLabel('Tokens to import').fill('hello\nworld');
    await page.getByRole('button', { name: 'Import pasted' }).click();
    await expect(outcome).toContainText('Nothing was added from the pasted text');
    await expect(outcome).toContainText('2 items skipped');
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 2 entries');
  });

  test('a file dropped anywhere on the page is imported', async ({ page }) => {
    await openLedgerPage(page);
    await page.evaluate(
      (text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
        for (const type of ['dragenter', 'dragover', 'drop']) {
          document.body.dispatchEvent(
            new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }),
          );
        }
      },
      JSON.stringify(defectTokens.slice(0, 3)),
    );
    await expect(page.getByTestId('import-outcome')).toContainText('Added 3 entries from dropped.json');
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 3 entries');
  });

  test('a storage failure during the write is explained, and nothing is written', async ({ page }) => {
    await importDefects(page);
    // The browser refuses the write, as it does when the origin's storage quota is used up.
    await page.evaluate(() => {
      const add = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function (...args: Parameters<typeof add>) {
        if (this.name === 'segments')
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return add.apply(this, args);
      };
    });
    await importFile(page, DEFECTS_FILE);
    const outcome = page.getByTestId('import-outcome');
    await expect(outcome).toContainText('Import of ledger-defects.json failed.');
    await expect(outcome).toContainText('storage quota exceeded');
    await expect(outcome).toContainText('Nothing was written');
    await expect(page.getByTestId('chain-status')).toContainText(
      `Chain intact: ${defectTokens.length} entries`,
    );
    await page.getByRole('button', { name: 'Re-check' }).click();
    await expect(page.getByTestId('ledger-meta')).toContainText(`${defectTokens.length} entries`);
    await expect(page.getByTestId('chain-status')).toContainText(
      `Chain intact: ${defectTokens.length} entries`,
    );
  });

  test('create, rename and delete ledgers; they persist across reloads', async ({ page }) => {
    await openLedgerPage(page);
    const select = page.getByLabel('Ledger', { exact: true });

    await page.getByRole('button', { name: 'New ledger…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New ledger' });
    await expect(dialog.getByLabel('Name')).toBeFocused();
    await dialog.getByLabel('Name').fill('release pipeline');
    await dialog.getByLabel(/Sign receipts \(L3\)/).check();
    await dialog.getByRole('button', { name: 'Create ledger' }).click();
    await expect(dialog).toBeHidden();
    await expect(select.locator('option:checked')).toHaveText('release pipeline (L3 receipts)');
    await expect(page.getByTestId('ledger-meta')).toContainText('signs a receipt for every append');

    await importFile(page, DEFECTS_FILE);
    await auditDone(page);
    await expect(page.locator('[data-testid="ledger-row"] >> text=L3')).toHaveCount(defectTokens.length);
    await row(page, expected.root!.jti).click();
    await expect(page.getByTestId('entry-detail')).toContainText('ES256 receipt by ledger key');

    await page.getByRole('button', { name: 'Rename…' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename ledger' });
    await rename.getByLabel('New name').fill('release-2026');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(select.locator('option:checked')).toHaveText('release-2026 (L3 receipts)');

    await page.reload();
    await expect(select.locator('option')).toHaveText(['My first ledger', 'release-2026 (L3 receipts)']);
    await select.selectOption({ label: 'release-2026 (L3 receipts)' });
    await expect(page.getByTestId('chain-status')).toContainText(
      `Chain intact: ${defectTokens.length} entries`,
    );

    await page.getByRole('button', { name: 'Delete…' }).click();
    const del = page.getByRole('dialog', { name: 'Delete ledger?' });
    await expect(del).toContainText(`“release-2026” and its ${defectTokens.length} entries`);
    await del.getByRole('button', { name: 'Keep it' }).click();
    await expect(select.locator('option')).toHaveCount(2);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await del.getByRole('button', { name: 'Delete ledger' }).click();
    await expect(select.locator('option')).toHaveText(['My first ledger']);
    await expect(page.getByTestId('ledger-empty')).toBeVisible();
  });

  test('an exported bundle imports into an empty ledger with the same audit, and `ect audit` reads it', async ({
    page,
  }) => {
    await importDefects(page);
    const original = await tableVerdicts(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export bundle' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('ect-ledger-My-first-ledger.json');
    const dir = mkdtempSync(join(tmpdir(), 'ect-ledger-e2e-'));
    const bundlePath = join(dir, download.suggestedFilename());
    await download.saveAs(bundlePath);
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as {
      entries: { token: string }[];
      trust: unknown;
    };
    expect(bundle.entries.map((e) => e.token)).toEqual(defectTokens);

    await page.getByRole('button', { name: 'New ledger…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New ledger' });
    await dialog.getByLabel('Name').fill('restored');
    await dialog.getByRole('button', { name: 'Create ledger' }).click();
    // The dialog closes once the new ledger is open; until then the ledger on screen (and the
    // one an import goes into) is the one open before, empty too.
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('ledger-empty')).toBeVisible();
    await importFile(page, bundlePath);
    await expect(page.getByTestId('import-outcome')).toContainText(`Added ${defectTokens.length} entries`);
    await auditDone(page);
    expect(await tableVerdicts(page)).toEqual(original);

    // The command-line audit reads the same file, with the trust store the bundle carries.
    const trustPath = join(dir, 'trust.json');
    writeFileSync(trustPath, JSON.stringify(bundle.trust));
    const cli = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['packages/ect/src/cli/main.ts', 'audit', '--trust', trustPath, bundlePath],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(cli.stderr).toBe('');
    const report = JSON.parse(cli.stdout) as {
      nodes: { jti: string; valid: boolean; tainted: boolean; codes: string[] }[];
    };
    const fromCli: Record<string, string[]> = {};
    for (const n of report.nodes) {
      (fromCli[n.jti] ??= []).push(
        `${!n.valid ? 'invalid' : n.tainted ? 'tainted' : 'valid'}:${n.codes.join(' ')}`,
      );
    }
    for (const k of Object.keys(fromCli)) fromCli[k]!.sort();
    expect(fromCli).toEqual(original);
  });

  test('an entry changed behind the app breaks the chain there, and Re-check shows it', async ({ page }) => {
    await importDefects(page);
    // As devtools would: rewrite entry 5's token straight in IndexedDB.
    const changed = await changeStoredToken(page, 5);
    expect(changed).toBe(expected.cycleA!.jti);
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact'); // not noticed yet
    await page.getByRole('button', { name: 'Re-check' }).click();
    await expect(page.getByTestId('chain-status')).toContainText('Chain broken at entry #5:');
    await expect(page.getByTestId('chain-status')).toContainText('was changed after it was appended');
    const broken = page.locator('[data-testid="ledger-row"][data-chain-break="true"]');
    await expect(broken).toHaveCount(1);
    await expect(broken).toHaveAttribute('data-seq', '5');
    await page.getByRole('button', { name: 'Show entry #5' }).click();
    await expect(page.getByTestId('entry-chain')).toHaveText('the ledger check fails here:');
    await expect(
      page.getByTestId('entry-ledger-problems').getByTestId('ledger-problem').first(),
    ).toHaveAttribute('data-code', 'chain_broken');
  });

  test('two tabs on one ledger: an import in one shows in the other', async ({ page, context }) => {
    await openLedgerPage(page);
    const other = await context.newPage();
    await other.goto('./#/ledger');
    await expect(other.getByTestId('ledger-empty')).toBeVisible();

    await importFile(page, DEFECTS_FILE);
    await expect(page.getByTestId('import-outcome')).toContainText('Added');
    // The other tab hears of it (BroadcastChannel) and catches up without a reload.
    await expect(other.getByTestId('chain-status')).toContainText(
      `Chain intact: ${defectTokens.length} entries`,
    );
    await expect(other.getByTestId('ledger-row')).toHaveCount(defectTokens.length);

    // Both tabs import at once: every append is kept once, the chain stays intact.
    await other.getByLabel('Tokens to import').fill(defectTokens.slice(0, 3).join('\n'));
    await page.getByLabel('Tokens to import').fill(defectTokens.slice(3, 8).join('\n'));
    await Promise.all([
      other.getByRole('button', { name: 'Import pasted' }).click(),
      page.getByRole('button', { name: 'Import pasted' }).click(),
    ]);
    await expect(page.getByTestId('import-outcome')).toContainText('Added 5 entries');
    await expect(other.getByTestId('import-outcome')).toContainText('Added 3 entries');
    const total = defectTokens.length + 8;
    await expect(page.getByTestId('chain-status')).toContainText(`Chain intact: ${total} entries`);
    await expect(other.getByTestId('chain-status')).toContainText(`Chain intact: ${total} entries`);
    await other.close();
  });
});
