/**
 * A ledger shared on PostgreSQL, reviewed in the workbench: tokens go into a real PostgreSQL
 * ledger (started here) with `ect ledger import`, `ect ledger export` writes the bundle, and the
 * app's Ledger tab opens it with its chain intact and every token valid in the audit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres, type PostgresServer } from '../packages/ect/test/servers.ts';
import { signToken, uuid, BASE_IAT } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';
import { tableVerdicts } from './ledger-helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VECTORS = fileURLToPath(new URL('../../shared/conformance/sample-vectors.json', import.meta.url));

let postgres: PostgresServer;
let dir = '';
test.beforeAll(async () => {
  postgres = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'ect-pg-e2e-'));
});
test.afterAll(async () => {
  await postgres?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function ect(...args: string[]) {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['packages/ect/src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 24 tasks in 3 workflows by the app's two example agents (the conformance test keys): a DAG. */
function workflowTokens(): { jti: string; token: string }[] {
  const out: { jti: string; token: string }[] = [];
  const ns = 0x9e000000;
  for (let i = 0; i < 24; i++) {
    const w = Math.floor(i / 8);
    const k = i % 8;
    const agent = i % 2 ? 'agent-b' : 'agent-a';
    const jti = uuid(ns, i);
    const payload = {
      iss: agent === 'agent-a' ? 'spiffe://example.com/agent/a' : 'spiffe://example.com/agent/b',
      aud: ['spiffe://example.com/agent/b', 'https://ledger.example.com'],
      iat: BASE_IAT + k,
      exp: BASE_IAT + k + 600,
      jti,
      wid: uuid(ns + 1, w),
      exec_act: 'review_spec',
      pred: k === 0 ? [] : [uuid(ns, w * 8 + Math.floor((k - 1) / 2))],
    };
    out.push({ jti, token: signToken(agent, payload) });
  }
  return out;
}

test('a bundle exported from PostgreSQL opens in the Ledger tab with its chain and audit intact', async ({
  page,
}) => {
  test.setTimeout(240_000); // five runs of the ect command, each a few seconds on a loaded machine
  const db = postgres.createDatabase('shared_ledger');
  const tokens = workflowTokens();
  // The trust store of the two agents, and a ledger key: every entry gets a signed receipt.
  const { keys } = JSON.parse(readFileSync(VECTORS, 'utf8')) as {
    keys: Record<string, { iss: string; jwk: Record<string, string> }>;
  };
  const issuers: Record<string, { keys: unknown[] }> = {};
  for (const name of ['agent-a', 'agent-b']) {
    const { d: _d, ...pub } = keys[name]!.jwk;
    issuers[keys[name]!.iss] = { keys: [pub] };
  }
  const trustFile = join(dir, 'trust.json');
  writeFileSync(trustFile, JSON.stringify({ issuers }));
  const keyFile = join(dir, 'ledger-key.json');
  writeFileSync(keyFile, ect('keygen', '--kid', 'shared-ledger').stdout);
  expect(ect('ledger', 'migrate', '--db', db, '--ledger-key', keyFile).status).toBe(0);
  const tokensFile = join(dir, 'tokens.txt');
  writeFileSync(tokensFile, tokens.map((t) => t.token).join('\n'));
  const imported = ect(
    'ledger',
    'import',
    '--db',
    db,
    '--trust',
    trustFile,
    '--ledger-key',
    keyFile,
    tokensFile,
  );
  expect(imported.stderr).toBe('');
  expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 24, skipped: [] });

  const bundlePath = join(dir, 'shared-ledger.json');
  // With the ledger's private key: the bundle carries a checkpoint of its head, signed by that key.
  const exported = ect(
    'ledger',
    'export',
    '--db',
    db,
    '--trust',
    trustFile,
    '--ledger-key',
    keyFile,
    '--out',
    bundlePath,
  );
  expect(exported.status).toBe(0);
  const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as {
    head: { entryHash: string };
    checkpoint: string;
    entries: { token: string; receipt?: string }[];
  };
  expect(bundle.entries.map((e) => e.token)).toEqual(tokens.map((t) => t.token));
  expect(bundle.entries.every((e) => typeof e.receipt === 'string')).toBe(true);

  await page.goto('./#/ledger');
  await expect(page.getByTestId('ledger-page')).toBeVisible();
  await expect(page.getByTestId('ledger-empty')).toBeVisible();
  // The app checks the bundle's receipts under the ledger key it declares, and its checkpoint, before
  // it takes anything: a copy with two receipts swapped is refused at those two entries.
  const swapped = structuredClone(bundle);
  [swapped.entries[6]!.receipt, swapped.entries[7]!.receipt] = [
    bundle.entries[7]!.receipt,
    bundle.entries[6]!.receipt,
  ];
  const swappedPath = join(dir, 'swapped-receipts.json');
  writeFileSync(swappedPath, JSON.stringify(swapped));
  await page.getByTestId('ledger-file-input').setInputFiles(swappedPath);
  await expect(page.getByTestId('import-outcome')).toHaveAttribute('data-kind', 'refused');
  const problems = page.getByTestId('bundle-problems').getByTestId('ledger-problem');
  await expect(problems).toHaveCount(2);
  for (const [i, seq] of ['7', '8'].entries()) {
    await expect(problems.nth(i)).toHaveAttribute('data-seq', seq);
    await expect(problems.nth(i)).toHaveAttribute('data-code', 'receipt_mismatch');
  }
  await expect(page.getByTestId('ledger-empty')).toBeVisible();
  await page.getByTestId('ledger-file-input').setInputFiles(bundlePath);
  await expect(page.getByTestId('import-outcome')).toContainText('Added 24 entries from shared-ledger.json');
  // The app's ledger re-chains the tokens as its own entries (the same hashes: same tokens, same order).
  await expect(page.getByTestId('chain-status')).toContainText(
    `Chain intact: 24 entries, head ${bundle.head.entryHash.slice(0, 16)}`,
  );
  await expect(page.getByTestId('audit-summary')).toContainText('valid');
  await expect(page.locator('[data-testid="ledger-row"][data-status="pending"]')).toHaveCount(0);
  const verdicts = await tableVerdicts(page);
  expect(Object.keys(verdicts).sort()).toEqual(tokens.map((t) => t.jti).sort());
  for (const jti of Object.keys(verdicts)) expect(verdicts[jti]).toEqual(['valid:']);
});
