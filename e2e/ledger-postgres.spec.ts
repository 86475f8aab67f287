/**
 * A ledger shared on PostgreSQL, reviewed in the workbench: tokens go into a real PostgreSQL
 * ledger (started here) with `ect ledger import`, `ect ledger export` writes the bundle, and the
 * app's Ledger tab opens it with its chain intact and every token valid in the audit. Then the
 * same through `ect serve`: the app and the ledger from one origin, opened with one button.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
/** `ect serve`'s port: beside this run's own (E2E_PORT), so that parallel runs do not collide. */
const SERVE_PORT = Number(process.env.E2E_PORT ?? 4173) + 100;
const SERVE_URL = `http://127.0.0.1:${SERVE_PORT}`;

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
function workflowTokens(ns = 0x9e000000): { jti: string; token: string }[] {
  const out: { jti: string; token: string }[] = [];
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

/**
 * A PostgreSQL ledger with a key (every entry gets a signed receipt) holding `tokens`, put there
 * by `ect ledger migrate` and `ect ledger import` under the two agents' trust store.
 */
function sharedLedger(db: string, tokens: { token: string }[]): { trustFile: string; keyFile: string } {
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
  expect(JSON.parse(imported.stdout)).toMatchObject({ imported: tokens.length, skipped: [] });
  return { trustFile, keyFile };
}

test('a bundle exported from PostgreSQL opens in the Ledger tab with its chain and audit intact', async ({
  page,
}) => {
  test.setTimeout(240_000); // five runs of the ect command, each a few seconds on a loaded machine
  const db = postgres.createDatabase('shared_ledger');
  const tokens = workflowTokens();
  const { trustFile, keyFile } = sharedLedger(db, tokens);

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

  // Served by a plain static host (vite preview): the app asks whether it is `ect serve`, is told
  // no, and shows nothing of it.
  const probed = page.waitForResponse((r) => r.url().endsWith('/api/info'));
  await page.goto('./#/ledger');
  await expect(page.getByTestId('ledger-page')).toBeVisible();
  await expect(page.getByTestId('ledger-empty')).toBeVisible();
  await probed;
  await expect(page.getByTestId('server-ledger')).toHaveCount(0);
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

test.describe('served by ect serve', () => {
  test.use({ baseURL: SERVE_URL });
  let served: ChildProcess | null = null;
  test.afterAll(async () => {
    if (served && served.exitCode === null) {
      served.kill('SIGTERM');
      await new Promise((r) => served!.once('exit', r));
    }
  });

  test("the Ledger tab opens the server's shared ledger with one button: chain intact, every token valid", async ({
    page,
  }) => {
    test.setTimeout(240_000); // three runs of the ect command and a server start on a loaded machine
    const db = postgres.createDatabase('served_ledger');
    const tokens = workflowTokens(0x9f000000);
    sharedLedger(db, tokens);
    const dist = join(ROOT, process.env.E2E_DIST ?? 'dist');
    served = spawn(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['packages/ect/src/cli/main.ts', 'serve', '--db', db, '--port', String(SERVE_PORT), '--dir', dist],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    served.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = await new Promise<string>((resolve) => {
      let out = '';
      served!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out);
      });
      served!.once('exit', () => resolve(`exited: ${stderr}`));
    });
    expect(JSON.parse(started)).toMatchObject({ url: `${SERVE_URL}/`, schema: 'ect' });

    const response = await page.goto('./#/ledger');
    // The static host's security headers, from the build's _headers or the defaults.
    const csp = response!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    await expect(page.getByTestId('ledger-empty')).toBeVisible();
    const offer = page.getByTestId('server-ledger');
    await expect(offer).toContainText('served_ledger/ect (24 entries when the page opened)');
    await offer.getByRole('button', { name: "Open the server's ledger" }).click();
    await expect(page.getByTestId('import-outcome')).toContainText(
      "Added 24 entries from the server's ledger served_ledger/ect",
    );
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 24 entries');
    await expect(page.locator('[data-testid="ledger-row"][data-status="pending"]')).toHaveCount(0);
    const verdicts = await tableVerdicts(page);
    expect(Object.keys(verdicts).sort()).toEqual(tokens.map((t) => t.jti).sort());
    for (const jti of Object.keys(verdicts)) expect(verdicts[jti]).toEqual(['valid:']);
    expect(stderr).toBe('');
  });
});
