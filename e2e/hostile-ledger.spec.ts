import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  deepJson,
  expectInert,
  hasRawInvisible,
  manyPreds,
  payloadText,
  RLO,
  signClaims,
  signRaw,
  watchDialogs,
  XSS_IMG,
  XSS_SCRIPT,
  ZWJ,
  ZWSP,
} from './hostile-helpers.ts';
import { AGENT_A } from './inspect-helpers.ts';

/**
 * Hostile tokens imported into a ledger (issue #7), then browsed in the Ledger table, its entry
 * details and the Graph: text stays text, invisible characters are marked, nothing freezes.
 */

const RTL_JTI = crypto.randomUUID();

/** The hostile set, in ledger order (the duplicate-key token is not a token: it is skipped). */
async function hostileSet() {
  const xss = await signClaims({ exec_act: XSS_SCRIPT, [XSS_IMG]: XSS_SCRIPT, ect_ext: { note: XSS_IMG } });
  const rtl = await signClaims({
    exec_act: `review_spec${RLO}cod.exe`,
    iss: `${AGENT_A.issuer}${ZWSP}`,
    jti: `${RTL_JTI}${ZWJ}`,
  });
  const deep = await signRaw(payloadText({}, `"ect_ext":{"deep":${deepJson(10_000)}}`));
  const inf = await signRaw(payloadText().replace(/"iat":\d+/, '"iat":1e309'));
  const dup = await signRaw(payloadText({}, '"exec_act":"deploy_prod"'));
  return { xss, rtl, deep, inf, dup };
}

async function auditDone(page: Page) {
  await expect(page.getByTestId('audit-summary')).toContainText('valid', { timeout: 20_000 });
  await expect(page.locator('[data-testid="ledger-row"][data-status="pending"]')).toHaveCount(0);
}

async function importTokens(page: Page, tokens: string[], name: string) {
  await page.goto('./#/ledger');
  await expect(page.getByTestId('ledger-empty')).toBeVisible();
  await page.getByTestId('ledger-file-input').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tokens)),
  });
}

const seqRow = (page: Page, seq: number) => page.locator(`[data-testid="ledger-row"][data-seq="${seq}"]`);

test.describe('Hostile tokens in a ledger and the graph', () => {
  let dialogs: string[];
  test.beforeEach(async ({ page }) => {
    dialogs = watchDialogs(page);
  });

  test('imported, audited and shown as text; the entry details mark invisible characters', async ({
    page,
  }) => {
    const t = await hostileSet();
    await importTokens(page, [t.xss, t.rtl, t.dup, t.inf], 'hostile.json');
    const outcome = page.getByTestId('import-outcome');
    await expect(outcome).toContainText('Added 3 entries from hostile.json');
    await expect(outcome).toContainText('1 item skipped (not a token)');
    await expect(outcome).toContainText('item 3:');
    await expect(outcome).toContainText('duplicate key "exec_act"');
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 3 entries');
    await auditDone(page);
    await expect(seqRow(page, 1)).toContainText(XSS_SCRIPT);
    await expect(seqRow(page, 2)).toHaveAttribute('data-codes', /issuer_mismatch/);
    await expect(seqRow(page, 3)).toHaveAttribute('data-codes', /invalid_claim/);
    await expectInert(page, dialogs);

    // The markup entry's details: its claims as text.
    await seqRow(page, 1).click();
    const detail = page.getByTestId('entry-detail');
    await expect(detail.getByTestId('claim-row-exec_act')).toContainText(XSS_SCRIPT);
    await expect(detail.getByTestId(`claim-row-${XSS_IMG}`)).toContainText(XSS_SCRIPT);

    // The disguised entry's claims: each invisible character marked.
    await seqRow(page, 2).click();
    await expect(detail.getByRole('heading', { name: 'Entry #2', exact: true })).toBeVisible();
    await expect(detail.getByTestId('claim-row-exec_act')).toContainText('review_spec\\u202ecod.exe');
    await expect(detail.getByTestId('claim-row-iss')).toContainText(`${AGENT_A.issuer}\\u200b`);
    await expect(detail.getByTestId('claim-row-jti')).toContainText(`${RTL_JTI}\\u200d`);
    expect(await hasRawInvisible(page, 'claims-table')).toBe(false);

    // 1e309: what the parser read.
    await seqRow(page, 3).click();
    await expect(detail.getByTestId('claim-row-iat')).toContainText('Infinity');

    await expectInert(page, dialogs);
    await page.getByRole('link', { name: 'Graph', exact: true }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done');
    // The graph of these entries is usable: the disguised one is found by its jti and its details open.
    await page.getByLabel('Find by jti (prefix)').fill(RTL_JTI.slice(0, 13));
    await page.getByLabel('Find by jti (prefix)').press('Enter');
    await expect(page.getByTestId('node-panel').getByTestId('panel-jti')).toContainText(RTL_JTI);
    await expectInert(page, dialogs);
  });

  // IndexedDB's structured clone overflows on claims nested this deep: the ledger stores them
  // empty and decodes them again from the token on read (src/storage/ledger.ts, MAX_STORED_DEPTH).
  test('a token nested 10,000 levels deep imports like any other defective token', async ({ page }) => {
    const t = await hostileSet();
    await importTokens(page, [t.xss, t.deep], 'deep.json');
    await expect(page.getByTestId('import-outcome')).toContainText('Added 2 entries from deep.json');
    await auditDone(page);
    await expect(seqRow(page, 2)).toHaveAttribute('data-codes', /invalid_ext/);
    await seqRow(page, 2).click();
    const detail = page.getByTestId('entry-detail');
    await expect(detail.locator('[data-testid="code-explanation"][data-code="invalid_ext"]')).toBeVisible();
    await expect(detail.getByTestId('claim-row-ect_ext.deep')).toContainText('[[[[');
    await page.getByRole('link', { name: 'Graph', exact: true }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done');
    await expect(page.locator('[data-testid="graph-node"][data-codes~="invalid_ext"]')).toHaveCount(1);
    await expectInert(page, dialogs);
  });

  // Fails today: src/features/ledger (LedgerTable.tsx, EntryDetail.tsx header) shows exec_act, iss
  // and jti raw, so U+202E reorders the row and U+200B hides in it (not this suite's files to fix).
  test('the ledger table and the entry header do not show invisible characters raw', async ({ page }) => {
    const t = await hostileSet();
    await importTokens(page, [t.rtl], 'disguised.json');
    await auditDone(page);
    await seqRow(page, 1).click();
    await expect(page.getByTestId('entry-detail')).toBeVisible();
    expect(await hasRawInvisible(page, 'ledger-table'), 'raw U+202E/U+200B in the ledger table').toBe(false);
    expect(await hasRawInvisible(page, 'entry-detail'), 'raw U+202E/U+200D in the entry details').toBe(false);
  });

  test('the graph draws hostile claims as text, marks invisible characters, and exports them escaped', async ({
    page,
  }) => {
    const t = await hostileSet();
    await page.goto('./#/graph');
    await page.getByLabel('Tokens to add to the ledger').fill([t.xss, t.rtl, t.inf].join('\n'));
    await page.getByRole('button', { name: 'Add to ledger' }).click();
    const canvas = page.getByTestId('graph-canvas');
    await expect(canvas).toHaveAttribute('data-layout', 'done', { timeout: 20_000 });
    await expect(page.getByTestId('count-tokens')).toHaveText('3 tokens');

    const nodes = page.getByTestId('graph-node');
    await expect(nodes.filter({ hasText: XSS_SCRIPT })).toHaveCount(1);
    const disguised = nodes.filter({ hasText: 'review_spec\\u202ecod.exe' });
    await expect(disguised).toHaveCount(1);
    expect(await hasRawInvisible(page, 'graph-canvas')).toBe(false);
    await expectInert(page, dialogs);

    // Its details: the full jti and iss, marked.
    await page.getByRole('button', { name: 'Fit View' }).click();
    await disguised.click();
    const panel = page.getByTestId('node-panel');
    await expect(panel.getByTestId('panel-jti')).toHaveText(`${RTL_JTI}\\u200d`);
    await expect(panel).toContainText(`${AGENT_A.issuer}\\u200b`);
    expect(await hasRawInvisible(page, 'node-panel')).toBe(false);

    // The SVG export: markup escaped, invisible characters written as escapes (valid XML).
    await page.getByRole('button', { name: 'Export' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'SVG', exact: true }).click(),
    ]);
    const svg = readFileSync((await download.path())!, 'utf8');
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<img');
    // (Labels are cut to the node's width.)
    expect(svg).toContain('&lt;script&gt;alert(1)');
    expect(svg).toContain('review_spec\\u202ecod.');
    expect(svg).toContain('agent/a\\u200b');
    expect(svg).not.toMatch(/[\u202e\u200b\u200d]/);
    const parsed = await page.evaluate(
      (text) => new DOMParser().parseFromString(text, 'image/svg+xml').querySelector('parsererror') === null,
      svg,
    );
    expect(parsed, 'the SVG parses as XML').toBe(true);
    await expectInert(page, dialogs);
  });

  test('100,000 predecessors: drawn as one group with its missing parents, the page responsive', async ({
    page,
  }) => {
    const jti = crypto.randomUUID();
    const token = await signClaims({ jti, pred: manyPreds(100_000) });
    await page.goto('./#/graph');
    await page.getByLabel('Tokens to add to the ledger').evaluate((el, value) => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, token);
    await page.getByRole('button', { name: 'Add to ledger' }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('count-invalid')).toHaveText('1 invalid');
    await expect(page.getByTestId('count-missing')).toHaveText('100,000 missing parents');
    await expect(page.getByTestId('graph-view-note')).toContainText('collapsed by agent');
    // Responsive: another tab opens at once, and the graph comes back.
    await page.getByRole('link', { name: 'Ledger', exact: true }).click();
    await expect(page.getByTestId('ledger-row')).toHaveCount(1);
    await expect(page.getByTestId('ledger-row')).toHaveAttribute('data-codes', /too_many_predecessors/);
    await page.getByRole('link', { name: 'Graph', exact: true }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done');
    // Still a working explorer: Find opens the token's details with the code that marks it. How long
    // the main thread is blocked meanwhile is measured by npm run bench:browser (hostile.*), not here.
    await page.getByLabel('Find by jti (prefix)').fill(jti.slice(0, 13));
    await page.getByLabel('Find by jti (prefix)').press('Enter');
    const panel = page.getByTestId('node-panel');
    await expect(panel.getByTestId('panel-jti')).toHaveText(jti);
    await expect(panel).toContainText('too_many_predecessors');
    // Its 100,000 parent violations counted, not listed one by one.
    await expect(panel.getByTestId('node-violations-more')).toContainText(/[\d,]+ more parent_not_found/);
    await expectInert(page, dialogs);
  });
});
