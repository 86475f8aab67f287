import type { Page } from '@playwright/test';
import { cleanTokens } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';
import { createLedger, importJson, openLedgerPage, orphanSegments } from './tamper-helpers.ts';

/**
 * A ledger deleted while it is being written to (in another tab), and entries an earlier version
 * left without their ledger: nothing is written to a deleted ledger, nothing is left orphaned.
 * (Moved out of tamper.spec.ts, which had grown to 478 lines.)
 */

test.describe('A deleted ledger receives nothing', () => {
  test('deleted in one tab while another imports: refused before its write, deleted with it after; nothing orphaned', async ({
    page,
    context,
  }) => {
    test.setTimeout(180_000);
    const other = await context.newPage();
    const select = (p: Page) => p.getByLabel('Ledger', { exact: true });
    const outcome = page.getByTestId('import-outcome');
    /** Creates the ledger in `page`, starts importing `tokens` into it, and deletes it in `other` once `phase` shows. */
    const race = async (name: string, tokens: string[], phase: RegExp) => {
      await createLedger(page, name, false);
      if (!other.url().includes('#/ledger')) await other.goto('./#/ledger');
      await expect(select(other).locator('option', { hasText: name })).toHaveCount(1);
      await select(other).selectOption({ label: name });
      await expect(select(other)).toHaveValue(await select(page).inputValue());
      // The dialog is opened before the import starts, so that the delete lands in `phase` with one
      // click: reading 20,000 tokens now takes well under a second, and opening the dialog after it
      // showed let the delete land after the write in one CI run of three.
      await other.getByRole('button', { name: 'Delete…' }).click();
      const confirm = other
        .getByRole('dialog', { name: 'Delete ledger?' })
        .getByRole('button', { name: 'Delete ledger' });
      await expect(confirm).toBeVisible();
      await importJson(page, `${name}.json`, tokens);
      await expect(page.getByTestId('import-phase')).toContainText(phase, { timeout: 60_000 });
      await confirm.click();
      await expect(select(other).locator('option')).toHaveText(['My first ledger'], { timeout: 60_000 });
    };
    await openLedgerPage(page);

    // Deleted while the tokens are still being read: the write finds no ledger and writes nothing.
    // 60,000 tokens: since the import no longer waits for verification before it writes (session
    // 7), reading is all the time there is; 20,000 were read before the delete landed in one CI
    // run of two (at load 4-9).
    await race('early', cleanTokens(60_000, { ns: 0x7a030000 }), /Reading the tokens/);
    await expect(outcome).toContainText(
      'Import of early.json failed. the ledger “early” was deleted (perhaps in another tab) before this import was written: nothing was written',
      { timeout: 60_000 },
    );
    await expect(select(page).locator('option')).toHaveText(['My first ledger']);
    expect(await orphanSegments(page)).toBe(0);

    // Deleted while the batch is being written: the delete waits for the write, then takes it along.
    await race('late', cleanTokens(2_000, { ns: 0x7a040000 }), /Hashing, chaining and writing/);
    await expect(outcome).toContainText('Added 2,000 entries from late.json', { timeout: 60_000 });
    await expect(select(page).locator('option')).toHaveText(['My first ledger']);
    expect(await orphanSegments(page)).toBe(0);
    await other.close();
  });

  test('entries that an earlier version left without their ledger are removed when the app opens', async ({
    page,
  }) => {
    await page.route('**/old-app.html', (r) =>
      r.fulfill({ contentType: 'text/html', body: '<p>old app</p>' }),
    );
    await page.goto('./old-app.html');
    // The database as version 3 of the schema (Dexie's 30) left it after such a race.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('ect-workbench', 30);
          req.onupgradeneeded = () => {
            const db = req.result;
            const keys = db.createObjectStore('keys', { keyPath: 'id' });
            for (const i of ['kid', 'issuer', 'createdAt']) keys.createIndex(i, i);
            db.createObjectStore('meta', { keyPath: 'key' });
            const ledgers = db.createObjectStore('ledgers', { keyPath: 'id' });
            for (const i of ['name', 'createdAt']) ledgers.createIndex(i, i);
            const segments = db.createObjectStore('segments', { keyPath: ['ledgerId', 'firstSeq'] });
            segments.createIndex('[ledgerId+lastSeq]', ['ledgerId', 'lastSeq']);
          };
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const db = req.result;
            const tx = db.transaction('segments', 'readwrite');
            const entry = {
              token: 'x',
              claims: {},
              appendedAt: 0,
              prevHash: '0'.repeat(64),
              entryHash: '0'.repeat(64),
            };
            for (const firstSeq of [1, 1001])
              tx.objectStore('segments').add({
                ledgerId: 'deleted-ledger',
                firstSeq,
                lastSeq: firstSeq,
                entries: [entry],
              });
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await openLedgerPage(page);
    await expect(page.getByTestId('ledger-empty')).toBeVisible();
    expect(await orphanSegments(page)).toBe(0);
  });
});
