import { AxeBuilder } from '@axe-core/playwright';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { computeEntryHash, generateSigningKey, signReceipt, type LedgerBundle } from 'wimse-ect';
import { cleanTokens } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';
import {
  createLedger,
  downloaded,
  importJson,
  openLedgerPage,
  row,
  tableProblems,
  tamper,
} from './tamper-helpers.ts';

/**
 * Tamper evidence that holds (issue #12): a ledger edited behind the app's back, in IndexedDB, or
 * a forged bundle, is found by the core's one ledger check and each problem is shown at the entry
 * where it is: the Ledger table, the entry detail, the Graph. What cannot be found from inside the
 * browser (truncation, a swapped key) is found against a checkpoint kept outside it.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKENS = cleanTokens(10, { ns: 0x7a010000, workflows: 1 });
const EXTRA = cleanTokens(1, { ns: 0x7a020000 })[0]!;
const jtiOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

/** An L3 ledger named `name` holding the ten tokens, checked intact. */
async function l3Ledger(page: Page, name = 'audited') {
  await openLedgerPage(page);
  await createLedger(page, name);
  await importJson(page, 'ten.json', TOKENS);
  await expect(page.getByTestId('import-outcome')).toContainText('Added 10 entries from ten.json');
  await expect(page.getByTestId('chain-status')).toContainText(
    'Chain intact: 10 entries, 10 receipts verified',
  );
}

async function checkpointFile(page: Page): Promise<string> {
  await expect(page.getByTestId('latest-checkpoint')).toHaveAttribute('data-size', '10');
  return downloaded(page, () => page.getByRole('button', { name: 'Download checkpoint' }).click());
}

async function checkAgainst(page: Page, checkpoint: string) {
  await page.getByLabel('Check against a checkpoint').fill(checkpoint);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
}

async function showEntry(page: Page, seq: number) {
  await row(page, seq).click();
  await expect(page.getByTestId('entry-detail')).toContainText(`Entry #${seq}`);
  return page.getByTestId('entry-detail');
}

test.describe('Tamper evidence: the ledger edited in IndexedDB', () => {
  test('a receipt deleted, a time changed, stored claims forged: each at its entry in the table, the detail and the graph', async ({
    page,
  }) => {
    await l3Ledger(page);
    await tamper(page, 'audited', { kind: 'delete-receipt', seq: 3 });
    await tamper(page, 'audited', { kind: 'shift-time', seq: 5, ms: 3_600_000 });
    await tamper(page, 'audited', {
      kind: 'forge-claims',
      seq: 7,
      claims: { jti: 'forged-jti', iss: 'spiffe://evil.example/agent', exec_act: 'approve_payment' },
    });
    await page.reload();
    await expect(page.getByTestId('chain-status')).toContainText('Chain broken at entry #3:');
    await expect(page.getByTestId('chain-problems')).toContainText('3 ledger problems at 3 entries');
    expect(await tableProblems(page)).toEqual(['3:receipt_missing', '5:receipt_mismatch', '7:chain_broken']);
    // Nothing shown comes from the forged copy: the row shows the token's jti, issuer and action.
    await expect(row(page, 7)).toHaveAttribute('data-jti', jtiOf(TOKENS[6]!));
    await expect(row(page, 7)).not.toContainText('evil');
    await expect(row(page, 7)).not.toContainText('approve_payment');
    await expect(page.getByText('forged-jti')).toHaveCount(0);

    let detail = await showEntry(page, 3);
    await expect(detail.getByTestId('entry-chain')).toHaveText('the ledger check fails here:');
    await expect(detail.getByTestId('entry-ledger-problems')).toContainText('entry #3 has no receipt');
    detail = await showEntry(page, 5);
    await expect(detail.getByTestId('entry-ledger-problems')).toContainText(
      "entry #5's receipt signs other values: appended at",
    );
    detail = await showEntry(page, 7);
    await expect(detail.getByTestId('entry-ledger-problems')).toContainText(
      "entry #7's stored claims differ from its token",
    );
    await expect(detail.getByTestId('entry-ledger-problems')).toContainText('jti stored as "forged-jti"');
    await expect(detail.getByTestId('ledger-problem-explanation')).toContainText('Hash chain broken');
    // Entries before the first problem are proven; after it, not.
    detail = await showEntry(page, 2);
    await expect(detail.getByTestId('entry-chain')).toHaveText('proven by the hash chain and its receipt');
    detail = await showEntry(page, 4);
    await expect(detail.getByTestId('entry-chain')).toHaveText(
      'not proven: the ledger check fails earlier, at entry #3',
    );

    await page.getByRole('link', { name: 'Graph', exact: true }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done');
    await expect(page.getByTestId('graph-chain-break')).toContainText(
      'The ledger check fails at entry #3 (and 2 more):',
    );
    const marked = page.locator('[data-testid="graph-node"][data-ledger-problems]');
    await expect(marked).toHaveCount(3);
    const node = (i: number) => page.locator(`[data-testid="graph-node"][data-jti="${jtiOf(TOKENS[i]!)}"]`);
    await expect(node(2)).toHaveAttribute('data-ledger-problems', 'receipt_missing');
    await expect(node(4)).toHaveAttribute('data-ledger-problems', 'receipt_mismatch');
    await expect(node(6)).toHaveAttribute('data-ledger-problems', 'chain_broken');
    await node(4).click();
    await expect(page.getByTestId('node-panel').getByTestId('panel-chain-break')).toContainText(
      "entry #5's receipt signs other values",
    );
  });

  test('a token swapped, every hash recomputed and the receipts removed: receipt_missing from there on', async ({
    page,
  }) => {
    await l3Ledger(page);
    await tamper(page, 'audited', { kind: 'swap-rehash', seq: 4, token: EXTRA, stripReceipts: true });
    await page.reload();
    await expect(page.getByTestId('chain-status')).toContainText('Chain broken at entry #4:');
    expect(await tableProblems(page)).toEqual([4, 5, 6, 7, 8, 9, 10].map((seq) => `${seq}:receipt_missing`));
    await expect(row(page, 4)).toHaveAttribute('data-jti', jtiOf(EXTRA));
    const detail = await showEntry(page, 4);
    await expect(detail).toContainText('none, though this ledger signs one for every append');
    // A checkpoint signed now would vouch for the rewrite: there is none.
    await expect(page.getByTestId('latest-checkpoint-none')).toContainText('the ledger check found problems');
  });

  test('the last two entries deleted: intact on its own, found against the checkpoint kept before', async ({
    page,
  }) => {
    await l3Ledger(page);
    const fingerprint = await page.getByTestId('ledger-key-fingerprint').textContent();
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const checkpoint = await checkpointFile(page);
    expect(JSON.parse(checkpoint)).toMatchObject({ ledger: 'audited', checkpoint: expect.any(String) });
    // The untouched ledger extends its checkpoint.
    await checkAgainst(page, checkpoint);
    await expect(page.getByTestId('pinned-checkpoint')).toHaveAttribute('data-ok', 'true');
    await expect(page.getByTestId('pinned-checkpoint')).toContainText('✓ This ledger extends the checkpoint');

    await tamper(page, 'audited', { kind: 'truncate', count: 2 });
    await page.reload();
    // Nothing inside the ledger shows it: every remaining hash and receipt holds.
    await expect(page.getByTestId('chain-status')).toContainText(
      'Chain intact: 8 entries, 8 receipts verified',
    );
    await checkAgainst(page, checkpoint);
    const pinned = page.getByTestId('pinned-checkpoint');
    await expect(pinned).toHaveAttribute('data-ok', 'false');
    await expect(pinned.getByTestId('ledger-problem')).toHaveAttribute('data-code', 'checkpoint_mismatch');
    await expect(pinned).toContainText(
      'this ledger has only 8 entries: entries #9–#10 were removed (truncated)',
    );
    await expect(page.getByTestId('chain-status')).toContainText('Chain broken at entry #10:');
    await page.getByRole('button', { name: 'Stop checking against it' }).click();
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 8 entries');
  });

  test('the ledger key swapped and every receipt re-signed: another fingerprint, found against the checkpoint', async ({
    page,
  }) => {
    await l3Ledger(page);
    const before = await page.getByTestId('ledger-key-fingerprint').textContent();
    const checkpoint = await checkpointFile(page);
    await tamper(page, 'audited', { kind: 'swap-key', seq: 6, token: EXTRA });
    await page.reload();
    // The rewrite agrees with itself and with the key it now declares…
    await expect(page.getByTestId('chain-status')).toContainText(
      'Chain intact: 10 entries, 10 receipts verified',
    );
    await expect(page.getByTestId('ledger-key-fingerprint')).not.toHaveText(before!);
    // …not with the checkpoint kept outside the browser.
    await checkAgainst(page, checkpoint);
    await expect(page.getByTestId('pinned-checkpoint')).toHaveAttribute('data-ok', 'false');
    await expect(page.getByTestId('pinned-checkpoint')).toContainText('the key was replaced');
    await expect(page.getByTestId('pinned-checkpoint')).toContainText('entry #10 now has hash');
    const problems = await tableProblems(page);
    expect(problems.slice(0, 9)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((seq) => `${seq}:receipt_invalid`));
    expect(problems[9]).toBe('10:receipt_invalid checkpoint_mismatch');
    const detail = await showEntry(page, 1);
    await expect(detail.getByTestId('entry-ledger-problems')).toContainText('its key was replaced');
  });

  test('a stored column of the wrong type: the finding names the segment and the column, every entry still listed', async ({
    page,
  }) => {
    await l3Ledger(page);
    await tamper(page, 'audited', { kind: 'retype-column', column: 'receipt' });
    await page.reload();
    await expect(page.getByTestId('chain-status')).toContainText(
      'Chain broken at entry #1: the stored segment of entries #1–#10 is damaged: its receipt column has end offsets that are Array, not a Uint32Array.',
    );
    // The receipts it held cannot be read: every entry is listed, each said to lack its receipt.
    await expect(page.getByTestId('ledger-row')).toHaveCount(10);
    expect(await tableProblems(page)).toEqual([
      '1:chain_broken receipt_missing',
      ...[2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => `${s}:receipt_missing`),
    ]);
    await expect(row(page, 10)).toHaveAttribute('data-jti', jtiOf(TOKENS[9]!));
  });

  test('a checkpoint that is not one is refused with the reason', async ({ page }) => {
    await l3Ledger(page);
    await checkAgainst(page, 'eyJhbGciOiJub25lIn0.e30.');
    await expect(page.getByTestId('checkpoint-error')).toContainText(
      'This checkpoint cannot be used: this JWS is not a ledger checkpoint',
    );
  });
});

test.describe('Tamper evidence: forged bundles', () => {
  test('each forged bundle is refused, its problems listed at their entries; ect audit fails it too', async ({
    page,
  }) => {
    await l3Ledger(page, 'source');
    const original = JSON.parse(
      await downloaded(page, () => page.getByRole('button', { name: 'Export bundle' }).click()),
    ) as LedgerBundle;
    expect(original.checkpoint).toEqual(expect.any(String));
    expect(original.ledgerKey).not.toHaveProperty('d');
    const copy = () => structuredClone(original);
    const rehash = async (b: LedgerBundle, from: number) => {
      for (let i = from; i < b.entries.length; i++) {
        const e = b.entries[i]!;
        e.prevHash = b.entries[i - 1]!.entryHash;
        e.entryHash = await computeEntryHash(e.prevHash, e.token);
      }
      b.head.entryHash = b.entries.at(-1)!.entryHash;
    };
    const forger = await generateSigningKey({ kid: 'ledger-forged' });
    const forgerKey = { kid: forger.kid, privateKey: forger.privateKey, publicJwk: forger.publicJwk };

    const swapped = copy();
    swapped.entries[2]!.token = EXTRA;
    const forgedReceipt = copy();
    const e2 = forgedReceipt.entries[1]!;
    e2.receipt = await signReceipt({ ...e2, jti: jtiOf(e2.token), claims: {} }, forgerKey);
    const rehashed = copy();
    rehashed.entries[3]!.token = EXTRA;
    await rehash(rehashed, 3);
    const garbage = copy();
    for (const e of garbage.entries) e.entryHash = e.prevHash = 'garbage';
    const reordered = copy();
    reordered.entries.splice(4, 1);
    reordered.entries.reverse();

    await createLedger(page, 'target', false);
    const cases: [string, LedgerBundle, string[]][] = [
      ['swapped.json', swapped, ['3:chain_broken', '3:receipt_mismatch']],
      ['forged-receipt.json', forgedReceipt, ['2:receipt_invalid']],
      [
        'rehashed.json',
        rehashed,
        [
          '4:receipt_mismatch',
          '5:receipt_mismatch',
          '6:receipt_mismatch',
          '7:receipt_mismatch',
          '8:receipt_mismatch',
          '9:receipt_mismatch',
          '10:receipt_mismatch',
          '10:checkpoint_mismatch',
        ],
      ],
    ];
    const outcome = page.getByTestId('import-outcome');
    for (const [name, bundle, expected] of cases) {
      await importJson(page, name, bundle);
      await expect(outcome).toHaveAttribute('data-kind', 'refused');
      await expect(outcome).toContainText(`Import of ${name} refused:`);
      await expect(outcome).toContainText('Nothing was written.');
      const listed = await outcome
        .getByTestId('ledger-problem')
        .evaluateAll((els) =>
          els.map((el) => `${el.getAttribute('data-seq')}:${el.getAttribute('data-code')}`),
        );
      expect([...new Set(listed)], name).toEqual(expected);
    }
    // Each problem names its entry and the entry's jti.
    await expect(outcome.getByTestId('ledger-problem').first()).toContainText(
      `entry #4 (jti ${jtiOf(EXTRA)})`,
    );
    for (const [name, bundle] of [
      ['garbage.json', garbage],
      ['reordered.json', reordered],
    ] as const) {
      await importJson(page, name, bundle);
      await expect(outcome).toHaveAttribute('data-kind', 'refused');
      const codes = await outcome
        .getByTestId('ledger-problem')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-code')));
      expect(codes, name).toContain(name === 'garbage.json' ? 'chain_broken' : 'sequence_gap');
    }
    await expect(page.getByTestId('ledger-empty')).toBeVisible(); // nothing was written

    // The user may still take the tokens, as new entries of this ledger.
    await outcome.getByRole('button', { name: 'Import its tokens anyway' }).click();
    await expect(outcome).toContainText('Added 9 entries from reordered.json');
    await expect(outcome).toContainText('despite');
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 9 entries');

    // The untouched bundle imports at once.
    await importJson(page, 'original.json', original);
    await expect(outcome).toContainText('Added 10 entries from original.json');

    // The command line fails the forged ones too, naming the problem.
    const dir = mkdtempSync(join(tmpdir(), 'ect-tamper-e2e-'));
    const trustPath = join(dir, 'trust.json');
    writeFileSync(trustPath, JSON.stringify(original.trust));
    const audit = (bundle: LedgerBundle) => {
      const path = join(dir, 'bundle.json');
      writeFileSync(path, JSON.stringify(bundle));
      return spawnSync(
        join(ROOT, 'node_modules/.bin/tsx'),
        ['packages/ect/src/cli/main.ts', 'audit', '--trust', trustPath, path],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
    };
    const good = audit(original);
    expect(good.status, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).ledger).toEqual({ entries: 10, receipts: 10, intact: true, problems: [] });
    const bad = audit(swapped);
    expect(bad.status).toBe(1);
    expect(
      (
        JSON.parse(bad.stdout) as { ledger: { problems: { seq: number; code: string }[] } }
      ).ledger.problems.map((p) => `${p.seq}:${p.code}`),
    ).toEqual(['3:chain_broken', '3:receipt_mismatch']);
  });
});

test.describe('Accessibility of what the ledger check shows', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`problems at entries, a checkpoint mismatch and a refused bundle meet WCAG 2.1 AA (${colorScheme})`, async ({
      page,
    }) => {
      test.setTimeout(120_000);
      await page.emulateMedia({ colorScheme });
      await l3Ledger(page);
      const checkpoint = await checkpointFile(page);
      const bundle = JSON.parse(
        await downloaded(page, () => page.getByRole('button', { name: 'Export bundle' }).click()),
      ) as LedgerBundle;
      await tamper(page, 'audited', { kind: 'delete-receipt', seq: 3 });
      await tamper(page, 'audited', { kind: 'truncate', count: 1 });
      await page.reload();
      await checkAgainst(page, checkpoint);
      await expect(page.getByTestId('pinned-checkpoint')).toHaveAttribute('data-ok', 'false');
      await showEntry(page, 3);
      bundle.entries[1]!.token = EXTRA;
      await importJson(page, 'forged.json', bundle);
      await expect(page.getByTestId('import-outcome')).toHaveAttribute('data-kind', 'refused');
      const result = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      expect(
        result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`),
      ).toEqual([]);
    });
  }
});
