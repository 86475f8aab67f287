import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { explain } from 'wimse-ect';
import { BASE_IAT, cleanTokens, defectLedger, signToken, uuid } from './data/make-ledgers.mjs';
import { expect, test } from './fixtures.ts';

/**
 * The Graph tab as a new user meets it: an empty ledger, tokens pasted into
 * "Load tokens", and every planted defect drawn where it belongs.
 */
const { tokens: defectTokens, expected, missingParent } = defectLedger();
const W = uuid(0x11110000, 1);
/** A near miss: issued 10 s before its parent (run_tests, iat +120), within the 30 s clock skew. */
const NEAR_JTI = uuid(0xd0000000, 50);
const nearMiss = signToken('agent-b', {
  iss: 'spiffe://example.com/agent/b',
  aud: ['https://ledger.example.com'],
  iat: BASE_IAT + 110,
  exp: BASE_IAT + 710,
  jti: NEAR_JTI,
  wid: W,
  exec_act: 'collect_results',
  pred: [expected.test!.jti],
});
const TOKENS = [...defectTokens, nearMiss];

async function loadIntoGraph(page: Page, tokens: string[]) {
  await page.goto('./#/graph');
  await expect(page.getByTestId('graph-empty')).toBeVisible();
  const box = page.getByLabel('Tokens to add to the ledger');
  if (tokens.length <= 100) await box.fill(tokens.join('\n'));
  else {
    // What a paste does: the value at once, one input event. (Playwright's fill takes ~25 s for 1 MB.)
    await box.evaluate((el, text) => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, text);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, tokens.join('\n'));
  }
  await page.getByRole('button', { name: 'Add to ledger' }).click();
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done', { timeout: 30_000 });
}

const node = (page: Page, jti: string) => page.locator(`[data-testid="graph-node"][data-jti="${jti}"]`);
const wrapperOf = (page: Page, jti: string) =>
  page.locator('.react-flow__node', { has: page.locator(`[data-jti="${jti}"]`) });
const panel = (page: Page) => page.getByTestId('node-panel');

/** Clicks a node as a user would: the whole graph in view first (the side panel narrows the canvas). */
async function clickNode(page: Page, target: Locator) {
  await page.getByRole('button', { name: 'Fit View' }).click();
  await target.click();
}

async function center(l: Locator) {
  const b = (await l.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

test.describe('Graph: the DAG explorer', () => {
  test('an empty ledger explains itself and links to the Ledger tab', async ({ page }) => {
    await page.goto('./#/graph');
    const empty = page.getByTestId('graph-empty');
    await expect(empty).toContainText('This ledger is empty');
    await empty.getByRole('link', { name: 'Ledger tab' }).click();
    await expect(page).toHaveURL(/#\/ledger$/);
  });

  test('every planted defect is drawn where it is', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    await expect(page.getByTestId('count-tokens')).toHaveText(`${TOKENS.length} tokens`);
    await expect(page.getByTestId('graph-node')).toHaveCount(TOKENS.length + 1); // + one ghost

    // The missing parent: a dashed ghost node, labelled with its id, and a dashed edge to its child.
    const ghost = page.locator('[data-testid="graph-node"][data-status="ghost"]');
    await expect(ghost).toHaveCount(1);
    await expect(ghost).toHaveAttribute('data-jti', missingParent);
    await expect(ghost).toContainText(`missing: ${missingParent.slice(0, 8)}`);
    await expect(page.locator('[data-testid="graph-edge"][data-status="missing"]')).toHaveCount(1);

    // Each invalid task is red and carries its code as a badge.
    for (const [name, e] of Object.entries(expected)) {
      const nodes = node(page, e.jti);
      const status = e.codes.length ? 'invalid' : e.tainted ? 'tainted' : 'valid';
      const n = name === 'dup1' || name === 'dup2' ? 2 : 1;
      await expect(nodes, name).toHaveCount(n);
      for (let k = 0; k < n; k++) {
        await expect(nodes.nth(k), name).toHaveAttribute('data-status', status);
        for (const code of e.codes) {
          await expect(nodes.nth(k).getByTestId('node-code').filter({ hasText: code }), name).toHaveCount(1);
        }
      }
    }
    // The tainted node is shaded and says why.
    await expect(node(page, expected.downstream!.jti)).toHaveClass(/gnode--tainted/);
    await expect(node(page, expected.downstream!.jti)).toContainText('downstream of invalid');

    // The 2-node cycle: both edges red.
    const cycle = page.locator('[data-testid="graph-edge"][data-status="cycle"]');
    await expect(cycle).toHaveCount(2);
    // Edge violations are labelled on the edge with their code.
    for (const code of ['temporal_violation', 'workflow_mismatch', 'parent_policy']) {
      const edge = page.locator(`[data-testid="graph-edge"][data-codes~="${code}"]`);
      await expect(edge, code).toHaveCount(1);
      await expect(edge).toHaveAttribute('data-status', 'violation');
      await expect(edge.getByTestId('edge-label')).toContainText(code);
    }
    // The near miss is a warning, not a violation.
    await expect(page.locator('[data-testid="graph-edge"][data-status="near-miss"]')).toHaveCount(1);
    await expect(node(page, NEAR_JTI)).toHaveAttribute('data-status', 'valid');
    await expect(page.getByTestId('graph-legend')).toContainText('tainted');
  });

  test('clicking a node says why it failed and highlights its lineage; Escape clears', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    await node(page, expected.tampered!.jti).click();
    const p = panel(page);
    await expect(p.getByTestId('panel-status')).toHaveText('invalid');
    await expect(p.getByTestId('panel-jti')).toHaveText(expected.tampered!.jti);
    const v = p.locator('[data-testid="node-violation"][data-code="invalid_signature"]');
    await expect(v).toContainText(explain('invalid_signature').title);
    await expect(v).toContainText(explain('invalid_signature').fix.slice(0, 40));
    // The verification trace is open on the failing step.
    await expect(p.getByTestId('trace').locator('[data-step="signature"]')).toHaveAttribute(
      'data-status',
      'fail',
    );
    await expect(page).toHaveURL(new RegExp(`#/graph\\?jti=${expected.tampered!.jti}$`));

    // Lineage: its ancestors (test, build, root) and its descendant are lit, the rest dimmed.
    const canvas = page.getByTestId('graph-canvas');
    await expect(canvas).toHaveClass(/has-focus/);
    for (const name of ['root', 'build', 'test', 'downstream']) {
      await expect(wrapperOf(page, expected[name]!.jti), name).toHaveClass(/is-related/);
    }
    await expect(wrapperOf(page, expected.orphan!.jti)).not.toHaveClass(/is-related/);

    // The tainted child names its source; following the link selects it.
    await clickNode(page, node(page, expected.downstream!.jti));
    await expect(p.getByTestId('panel-status')).toHaveText('tainted');
    await expect(p).toContainText('Tainted by');
    await p
      .getByRole('region', { name: 'Why' })
      .getByRole('button', { name: /publish_secrets/ })
      .click();
    await expect(p.getByTestId('panel-jti')).toHaveText(expected.tampered!.jti);

    // An edge violation is explained on its child, the ghost on its own.
    await clickNode(page, node(page, expected.early!.jti));
    await expect(p.locator('[data-testid="node-violation"][data-code="temporal_violation"]')).toContainText(
      explain('temporal_violation').title,
    );
    await clickNode(page, page.locator('[data-testid="graph-node"][data-status="ghost"]'));
    await expect(p.getByTestId('panel-status')).toHaveText('missing parent');
    await expect(p).toContainText('fetch_deps');

    await page.keyboard.press('Escape');
    await expect(panel(page)).toHaveCount(0);
    await expect(canvas).not.toHaveClass(/has-focus/);
  });

  test('a node is reachable by keyboard: focus, Enter selects', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    await wrapperOf(page, expected.cycleA!.jti).focus();
    await page.keyboard.press('Enter');
    await expect(panel(page).getByTestId('panel-jti')).toHaveText(expected.cycleA!.jti);
    await expect(panel(page).locator('[data-testid="node-violation"][data-code="cycle"]')).toHaveCount(1);
  });

  test('search by jti prefix selects and centres the node', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    const target = expected.stranger!.jti;
    await page.getByLabel('Find by jti (prefix)').fill(target.slice(0, 6));
    await expect(page.getByRole('listbox').getByRole('option')).toHaveCount(1);
    await page.getByLabel('Find by jti (prefix)').press('Enter');
    await expect(panel(page).getByTestId('panel-jti')).toHaveText(target);
    // Centred: the node sits in the middle of the canvas (give the animation time).
    const canvas = page.getByTestId('graph-canvas');
    await expect(async () => {
      const c = await center(canvas);
      const n = await center(node(page, target));
      expect(Math.abs(c.x - n.x)).toBeLessThan(40);
      expect(Math.abs(c.y - n.y)).toBeLessThan(40);
    }).toPass({ timeout: 5000 });
  });

  test('#/graph?jti=… opens focused on that node', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    const target = expected.deploy!.jti;
    await page.goto(`./#/graph?jti=${target}`);
    await page.reload();
    await expect(panel(page).getByTestId('panel-jti')).toHaveText(target);
    await expect(
      panel(page).locator('[data-testid="node-violation"][data-code="parent_policy"]'),
    ).toHaveCount(1);
  });

  test('filters narrow the graph; status filter keeps the problems', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    await page.getByLabel('Agent (iss)').selectOption('spiffe://example.com/agent/c');
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done');
    await expect(page.getByTestId('graph-node')).toHaveCount(4); // test, dup1, dup2, tampered
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Status').selectOption('invalid');
    await expect(page.locator('[data-testid="graph-node"]:not([data-status="invalid"])')).toHaveCount(0);
    await expect(page.getByTestId('graph-node')).toHaveCount(9);
  });

  test('the layout toggle turns time from left→right to top→bottom', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    const canvas = page.getByTestId('graph-canvas');
    await expect(canvas).toHaveAttribute('data-direction', 'LR');
    let root = await center(node(page, expected.root!.jti));
    let build = await center(node(page, expected.build!.jti));
    expect(build.x).toBeGreaterThan(root.x + 50);
    await page.getByRole('button', { name: 'Top → bottom' }).click();
    await expect(canvas).toHaveAttribute('data-direction', 'TB');
    await expect(canvas).toHaveAttribute('data-layout', 'done');
    await expect(async () => {
      root = await center(node(page, expected.root!.jti));
      build = await center(node(page, expected.build!.jti));
      expect(build.y).toBeGreaterThan(root.y + 30);
    }).toPass({ timeout: 5000 });
    await expect(page.getByRole('button', { name: 'Top → bottom' })).toHaveAttribute('aria-pressed', 'true');
  });

  test('the timeline is linked to the graph and warns about clock skew', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    const timeline = page.getByTestId('timeline');
    const warnings = page.getByTestId('skew-warning');
    // sign_off 7 min before its parent; collect_results 10 s and sync_state (the cycle) 10 s: near misses.
    await expect(warnings).toHaveCount(3);
    await expect(warnings.filter({ hasText: 'temporal_violation' })).toHaveCount(1);
    await expect(warnings.filter({ hasText: 'temporal_violation' })).toContainText('sign_off');
    await expect(warnings.filter({ hasText: 'near miss' })).toHaveCount(2);
    await expect(warnings.filter({ hasText: 'collect_results' })).toContainText('10 s before its parent');

    // Clicking a bar selects the node.
    const bar = timeline.locator(`[data-testid="timeline-bar"][data-jti="${expected.early!.jti}"]`);
    await expect(bar).toHaveAttribute('data-skew', 'violation');
    await bar.click();
    await expect(panel(page).getByTestId('panel-jti')).toHaveText(expected.early!.jti);
    await expect(bar).toHaveAttribute('aria-pressed', 'true');
    // Selecting a node in the graph highlights its bar.
    await clickNode(page, node(page, expected.build!.jti));
    await expect(
      timeline.locator(`[data-testid="timeline-bar"][data-jti="${expected.build!.jti}"]`),
    ).toHaveAttribute('aria-pressed', 'true');
    await expect(bar).toHaveAttribute('aria-pressed', 'false');
    // Agent lanes.
    await timeline.getByRole('button', { name: 'One lane per agent' }).click();
    await expect(page.getByTestId('timeline-lanes').locator('> div')).toHaveCount(3);
  });

  test('the audit exports as a JSON report; the view as PNG and SVG', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'JSON report' }).click(),
    ]);
    expect(json.suggestedFilename()).toMatch(/^ect-audit-.*\.json$/);
    const report = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    expect(report.format).toBe('ect-workbench-audit-report');
    expect(report.summary.tokens).toBe(TOKENS.length);
    expect(report.missing).toEqual([missingParent]);
    const codes = report.violations.map((v: { code: string }) => v.code).sort();
    expect(codes).toEqual(
      [
        'cycle',
        'cycle',
        'duplicate_jti',
        'duplicate_jti',
        'invalid_signature',
        'parent_not_found',
        'parent_policy',
        'temporal_violation',
        'workflow_mismatch',
      ].sort(),
    );
    const downstream = report.nodes.find((n: { jti: string }) => n.jti === expected.downstream!.jti);
    expect(downstream.status).toBe('tainted');

    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'PNG' }).click(),
    ]);
    const pngBytes = readFileSync((await png.path())!);
    expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
    expect(pngBytes.length).toBeGreaterThan(10_000);
    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'SVG' }).click(),
    ]);
    const svgText = readFileSync((await svg.path())!, 'utf8');
    expect(svgText).toContain('<svg');
    expect(svgText).toContain('missing: ');
    expect(svgText).toContain('publish_secrets');
  });

  test('grouping collapses by agent into counted groups, expandable', async ({ page }) => {
    await loadIntoGraph(page, TOKENS);
    await page.getByLabel('Group').selectOption('iss');
    const groups = page.getByTestId('graph-group');
    await expect(groups).toHaveCount(3);
    await expect(page.getByTestId('graph-node')).toHaveCount(0);
    const c = groups.filter({ hasText: 'agent/c' });
    await expect(c).toContainText('4 tokens');
    await expect(c).toContainText('3 invalid'); // run_tests is valid
    await c.getByRole('button', { name: 'expand' }).click();
    await expect(groups).toHaveCount(2);
    await expect(page.getByTestId('graph-node')).toHaveCount(4);
  });

  test('1,000 tokens: laid out in the worker, drawn, and the pane pans', async ({ page }) => {
    test.setTimeout(120_000);
    await loadIntoGraph(page, cleanTokens(1000, { ns: 0x9a000000 }));
    const canvas = page.getByTestId('graph-canvas');
    await expect(canvas).toHaveAttribute('data-nodes', '1000');
    const drawn = await page.locator('.react-flow__node').count();
    expect(drawn).toBeGreaterThan(0);
    const viewport = page.locator('.react-flow__viewport');
    const before = await viewport.getAttribute('style');
    // Banners above the graph (the first visit's example-agents question, the tour offer) can push
    // the pane's middle below the window: bring it into view first, as a user would scroll.
    await page.locator('.react-flow__pane').scrollIntoViewIfNeeded();
    const pane = await page.locator('.react-flow__pane').boundingBox();
    const x = pane!.x + pane!.width / 2;
    const y = pane!.y + pane!.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 150, y - 80, { steps: 8 });
    await page.mouse.move(x - 300, y - 160, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => viewport.getAttribute('style')).not.toBe(before);
    await expect(page.getByTestId('layout-status')).toContainText('in a worker');
  });

  test('past 2,000 tokens the graph collapses by agent; search opens the right group', async ({ page }) => {
    test.setTimeout(180_000);
    const big = cleanTokens(2500, { ns: 0x6b000000, workflows: 5 });
    await loadIntoGraph(page, big);
    const groups = page.getByTestId('graph-group');
    await expect(groups).toHaveCount(3);
    await expect(page.getByTestId('graph-view-note')).toContainText('collapsed by agent into 3 groups');
    await expect(groups.first()).toContainText(/\d{3} tokens/);
    // A token found by its jti: its agent's group opens, the node is selected and centred.
    const line = big[1234]!;
    const payload = JSON.parse(Buffer.from(line.split('.')[1]!, 'base64url').toString());
    await page.getByLabel('Find by jti (prefix)').fill(payload.jti.slice(0, 12));
    await page.getByLabel('Find by jti (prefix)').press('Enter');
    await expect(panel(page).getByTestId('panel-jti')).toHaveText(payload.jti);
    await expect(groups).toHaveCount(2);
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'done');
    await expect(node(page, payload.jti)).toBeVisible();
  });
});
