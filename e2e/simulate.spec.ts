import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { STEPS } from 'wimse-ect';
import {
  BUILTIN_SCENARIOS,
  defaultFaultTask,
  FAULT_KINDS,
  FAULTS,
  type FaultKind,
} from '../src/features/simulate/engine/index.ts';
import { expect, test } from './fixtures.ts';

async function openSimulator(page: Page, scenarioId?: string) {
  await page.goto('./#/simulate');
  await expect(page.getByTestId('simulate-page')).toBeVisible();
  if (scenarioId) await page.getByLabel('Scenario', { exact: true }).selectOption(`builtin:${scenarioId}`);
}

async function runAll(page: Page) {
  await page.getByRole('button', { name: 'Run all' }).click();
  await expect(page.getByTestId('sim-status')).toHaveAttribute('data-state', 'done');
}

const steps = (page: Page) => page.getByTestId('sim-step');

test.describe('Simulate: built-in scenarios', () => {
  test('the tab is in the navigation and explains itself', async ({ page }) => {
    await page.goto('./');
    await page.getByRole('link', { name: 'Simulate' }).click();
    await expect(page).toHaveURL(/#\/simulate$/);
    await expect(page.getByTestId('simulate-page')).toContainText('Execution-Context');
    await expect(page.getByTestId('sim-status')).toContainText('Ready: 2 steps planned');
    await expect(page.getByTestId('sim-step-pending')).toHaveCount(2);
  });

  for (const b of BUILTIN_SCENARIOS) {
    test(`${b.scenario.name}: Run all ends with no violation`, async ({ page }) => {
      await openSimulator(page, b.id);
      await expect(page.getByTestId('sim-scenario-name')).toHaveText(b.scenario.name);
      await runAll(page);
      const n = b.scenario.tasks.length;
      await expect(steps(page)).toHaveCount(n);
      await expect(page.getByTestId('sim-step-pending')).toHaveCount(0);
      const summary = page.getByTestId('sim-summary');
      await expect(summary).toHaveAttribute('data-violations', '0');
      await expect(summary).toContainText('No violation.');
      await expect(page.getByTestId('sim-status')).toContainText(`Step ${n} of ${n} done`);
      await expect(page.getByTestId('sim-graph-canvas')).toHaveAttribute('data-nodes', String(n));
      await expect(page.getByTestId('sim-node')).toHaveCount(n);

      if (b.id === 'cross-org') {
        // The one expected finding: the lab's store lacks the hospital's task.
        await expect(summary).toContainText('3 valid, 1 expected finding (partial DAG verification)');
        await expect(page.locator('[data-testid="sim-step"][data-outcome="accepted"]')).toHaveCount(3);
        const order = page.locator('[data-testid="sim-step"][data-task="order"]');
        await expect(order).toHaveAttribute('data-outcome', 'partial');
        await expect(order).toContainText('expected finding');
        await expect(order).toContainText('parent_not_found at verification step 15');
        await order.click();
        const verdict = page.getByTestId('sim-verdict');
        await expect(verdict).toHaveAttribute('data-outcome', 'partial');
        await expect(verdict).toContainText('Expected finding: partial DAG verification');
        await expect(verdict).toContainText('collect (');
        await expect(verdict).toContainText('not a failure of the run');
        await expect(page.getByTestId('step-15')).toHaveAttribute('data-status', 'fail');
        await expect(page.getByTestId('step-15')).toContainText('parent_not_found');
        await expect(page.locator('[data-testid="sim-node"][data-status="partial"]')).toHaveCount(1);
        await expect(page.getByTestId('sim-store')).toHaveCount(2);
        await expect(page.locator('[data-testid="sim-store"][data-name="lab.example store"]')).toContainText(
          '3 entries',
        );
      } else {
        await expect(summary).toContainText(`Run finished: ${n} valid.`);
        await expect(page.locator('[data-testid="sim-step"][data-outcome="accepted"]')).toHaveCount(n);
        await expect(page.locator('[data-testid="sim-node"][data-status="accepted"]')).toHaveCount(n);
        await expect(page.getByTestId('sim-ledger-entry')).toHaveCount(n);
        await expect(page.getByTestId('sim-verdict')).toContainText('Valid.');
        await expect(page.getByTestId('trace')).toContainText('16 passed · 0 failed');
      }
      await expect(page.getByTestId('sim-chain').first()).toContainText('Hash chain intact');

      if (b.scenario.level === 'L3') {
        await expect(page.locator('[data-testid="sim-ledger-entry"][data-receipt="yes"]')).toHaveCount(n);
        await expect(page.getByTestId('sim-chain')).toContainText(
          'every receipt verifies under the ledger key',
        );
        await expect(page.getByTestId('sim-entry')).toContainText('with a signed receipt (L3)');
      } else {
        await expect(page.locator('[data-testid="sim-ledger-entry"][data-receipt="yes"]')).toHaveCount(0);
      }
    });
  }
});

test.describe('Simulate: fault switches', () => {
  FAULT_KINDS.forEach((kind: FaultKind, i) => {
    // Spread the faults over the scenarios so each scenario is broken at least twice.
    const b = BUILTIN_SCENARIOS[i % BUILTIN_SCENARIOS.length]!;
    const info = FAULTS[kind];
    const task = defaultFaultTask(kind, b.scenario)!;
    test(`${info.label} on ${b.id}: ${info.code} at verification step ${info.step}`, async ({ page }) => {
      await openSimulator(page, b.id);
      await page.getByTestId('sim-faults').locator('summary').click();
      const row = page.locator(`[data-testid="sim-fault"][data-kind="${kind}"]`);
      await expect(row.getByLabel(`Task for ${info.label}`)).toHaveValue(task);
      await row.getByLabel(info.label, { exact: true }).check();
      await runAll(page);

      const result = page.locator(`[data-testid="sim-fault-result"][data-kind="${kind}"]`);
      await expect(result).toHaveAttribute('data-status', 'detected');
      await expect(result).toContainText('detected as expected');
      await expect(result).toContainText(`${info.code} at verification step ${info.step}`);
      const at = await result.getAttribute('data-step');

      const step = page.locator(`[data-testid="sim-step"][data-n="${at}"]`);
      await expect(step).toHaveAttribute('data-outcome', 'refused');
      await expect(step).toHaveAttribute('data-code', info.code);
      await expect(step).toHaveAttribute('data-task', task);
      await expect(step).toContainText(`${info.code} at verification step ${info.step}`);
      await step.click();
      const verdict = page.getByTestId('sim-verdict');
      await expect(verdict).toContainText('Fault detected as expected');
      await expect(verdict).toContainText(
        `refused with ${info.code} at verification step ${info.step} (${STEPS[info.step - 1]!.title})`,
      );
      await expect(verdict).toContainText('403 Forbidden');
      await expect(page.getByTestId('sim-notes')).toBeVisible();
      const trace = page.getByTestId(`step-${info.step}`);
      await expect(trace).toHaveAttribute('data-status', 'fail');
      await expect(trace.getByTestId('step-code').first()).toHaveText(info.code);
      await expect(page.locator(`[data-testid="explanation"][data-code="${info.code}"]`)).toBeVisible();
      // The fault is the only refusal: nothing else went wrong.
      await expect(page.locator('[data-testid="sim-step"][data-outcome="refused"]')).toHaveCount(1);
      await expect(page.getByTestId('sim-summary')).toContainText('1 refused by a fault switch, as expected');
      await expect(page.getByTestId('sim-summary')).toHaveAttribute('data-violations', '0');
      await expect(page.locator('[data-testid="sim-node"][data-status="refused"]').first()).toBeVisible();
    });
  });
});

test.describe('Simulate: step by step', () => {
  test('Next step shows the request of the current step with its Execution-Context header', async ({
    page,
    context,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openSimulator(page, 'refimpl-demo');
    const next = page.getByRole('button', { name: 'Next step' });
    await next.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('sim-status')).toContainText('Step 1 of 2 done');
    const request = page.getByTestId('sim-request');
    await expect(request).toContainText('POST /agent/b/tasks HTTP/1.1');
    await expect(request).toContainText('Host: example.com');
    await expect(request).toContainText(/Execution-Context: eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    await expect(page.getByTestId('sim-response')).toHaveText('← HTTP/1.1 202 Accepted');
    await expect(page.getByTestId('sim-detail')).toContainText(
      'Agent A sends task review (review_spec) to Agent B',
    );
    await expect(page.getByTestId('sim-claims')).toContainText('"exec_act": "review_spec"');
    await expect(page.getByTestId('sim-claims')).toContainText('"pol_decision": "approved"');
    await expect(page.getByTestId('sim-ledger-entry')).toHaveCount(1);
    await expect(page.getByTestId('sim-node')).toHaveCount(1);
    await expect(page.getByTestId('sim-step-pending')).toHaveCount(1);

    await page.getByRole('button', { name: 'Copy Execution-Context' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/^Execution-Context: eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    await expect(request).toContainText(copied);

    await next.click();
    await expect(page.getByTestId('sim-status')).toContainText('Step 2 of 2 done');
    await expect(page.getByTestId('sim-status')).toContainText('run finished');
    await expect(request).toContainText('POST /agent/a/tasks HTTP/1.1');
    await expect(request).not.toContainText(copied.slice('Execution-Context: '.length));
    await expect(page.getByTestId('sim-claims')).toContainText('"exec_act": "process_reviewed_spec"');
    await expect(page.getByTestId('sim-node')).toHaveCount(2);
    await expect(page.getByTestId('sim-ledger-entry')).toHaveCount(2);
    await expect(next).toBeDisabled();

    // An earlier step can be opened again, from the list, the ledger or its node in the DAG.
    await page.locator('[data-testid="sim-step"][data-n="1"]').click();
    await expect(request).toContainText(copied);
    await page.getByTestId('sim-node').nth(1).click();
    await expect(page.getByTestId('sim-claims')).toContainText('"exec_act": "process_reviewed_spec"');
    await page.getByTestId('sim-node').first().click();
    await expect(request).toContainText(copied);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByTestId('sim-status')).toContainText('Ready: 2 steps planned');
    await expect(steps(page)).toHaveCount(0);
  });
});

test.describe('Simulate: scenario editor and files', () => {
  test('the editor validates: unknown agent, cycle', async ({ page }) => {
    await openSimulator(page, 'software-release');
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    const editor = page.getByTestId('sim-editor');
    await expect(editor).toContainText('The scenario is valid and ready to run.');
    const first = page.locator('[data-testid="sim-task-row"][data-task="task-001"]');
    await first.getByRole('group', { name: 'Predecessors of task-001' }).getByLabel('task-003').check();
    await expect(page.getByTestId('sim-problem')).toHaveText([
      'scenario: the tasks task-001 → task-002 → task-003 → task-001 form a cycle: a workflow is a DAG, so a task cannot (indirectly) precede itself',
    ]);
    await expect(page.getByRole('button', { name: 'Next step' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Run all' })).toBeDisabled();
    await first.getByRole('group', { name: 'Predecessors of task-001' }).getByLabel('task-003').uncheck();
    await page.getByRole('button', { name: 'Remove agent Test Agent' }).click();
    await expect(page.getByTestId('sim-problem')).toHaveText([
      'task task-002: the token needs at least one audience agent (the first one receives it)',
      'task task-003: unknown agent "Test Agent"',
    ]);
    await page.getByRole('button', { name: 'Add agent' }).click();
    await page.getByLabel('Agent 5 name').fill('Test Agent');
    await expect(page.getByTestId('sim-problem')).toHaveText([
      'task task-002: the token needs at least one audience agent (the first one receives it)',
    ]);
    await page.getByLabel('Receiver of task-002 (first aud, verifies)').selectOption('Test Agent');
    await expect(editor).toContainText('The scenario is valid and ready to run.');
    await expect(page.getByTestId('sim-scenario')).toContainText('edited');
  });

  test('a scenario built in the editor runs, and survives a file round trip', async ({ page }) => {
    await openSimulator(page, 'refimpl-demo');
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Three agents');
    await page.getByRole('button', { name: 'Add agent' }).click();
    await expect(page.getByLabel('Agent 3 issuer (iss)')).toHaveValue('spiffe://example.com/agent/3');
    await page.getByRole('button', { name: 'Add task' }).click();
    const added = page.locator('[data-testid="sim-task-row"][data-task="task-3"]');
    await added.getByLabel('Agent of task-3').selectOption('Agent 3');
    await added.getByLabel('Action (exec_act) of task-3').fill('archive_result');
    await added.getByLabel('Receiver of task-3 (first aud, verifies)').selectOption('Agent B');
    await expect(page.getByTestId('sim-editor')).toContainText('The scenario is valid and ready to run.');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download file' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('three-agents.scenario.json');
    const path = await file.path();
    const text = readFileSync(path, 'utf8');
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: 'ect-workbench-scenario', version: 1, name: 'Three agents' });
    expect(doc.tasks.at(-1)).toEqual({
      id: 'task-3',
      agent: 'Agent 3',
      exec_act: 'archive_result',
      pred: ['child'],
      aud: ['Agent B'],
    });

    // Load something else, then the file back.
    await page.getByLabel('Scenario', { exact: true }).selectOption('builtin:clinical-l3');
    await expect(page.getByTestId('sim-scenario-name')).toHaveText('Clinical decision workflow (L3)');
    await page.getByTestId('sim-file-input').setInputFiles(path);
    await expect(page.getByTestId('sim-notice')).toContainText('Loaded “Three agents” from');
    await expect(page.getByTestId('sim-scenario-name')).toHaveText('Three agents');
    await expect(page.getByTestId('sim-scenario')).toContainText('3 agents · 3 tasks');
    await runAll(page);
    await expect(page.getByTestId('sim-summary')).toContainText('Run finished: 3 valid.');
    await expect(page.locator('[data-testid="sim-step"][data-task="task-3"]')).toContainText(
      'Agent 3 sends to Agent B',
    );
  });

  test('bad files are refused with a specific error', async ({ page }) => {
    await openSimulator(page);
    const input = page.getByTestId('sim-file-input');
    const notice = page.getByTestId('sim-notice');
    await input.setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{\n  "format": "ect-workbench-scenario",\n  "name": oops\n}'),
    });
    await expect(notice).toHaveAttribute('role', 'alert');
    await expect(notice).toContainText(
      'broken.json was not loaded: not valid JSON: line 3, column 11: found "o" where a value was expected.',
    );
    await input.setInputFiles({
      name: 'ledger.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'ect-workbench-ledger', entries: [] })),
    });
    await expect(notice).toContainText(
      'ledger.json was not loaded: this is a ledger export, not a scenario: import it in the Ledger tab.',
    );
    await input.setInputFiles({
      name: 'typo.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({
          format: 'ect-workbench-scenario',
          version: 1,
          name: 'x',
          level: 'L2',
          agents: {},
          tasks: [],
        }),
      ),
    });
    await expect(notice).toContainText('typo.json was not loaded: "agents" must be an array of agents.');
    await input.setInputFiles({
      name: 'empty.json',
      mimeType: 'application/json',
      buffer: Buffer.from(''),
    });
    await expect(notice).toContainText('empty.json was not loaded: the file is empty.');
    // The scenario shown is unchanged.
    await expect(page.getByTestId('sim-scenario-name')).toHaveText(BUILTIN_SCENARIOS[0]!.scenario.name);
  });

  test('a scenario saved in the browser is there after a reload', async ({ page }) => {
    await openSimulator(page, 'document-pipeline');
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    await page.getByLabel('Name', { exact: true }).fill('My pipeline');
    await page.getByRole('button', { name: 'Save in browser' }).click();
    await expect(page.getByTestId('sim-notice')).toHaveText(/Saved “My pipeline” in this browser\./);
    await page.reload();
    await expect(page.getByTestId('simulate-page')).toBeVisible();
    const picker = page.getByLabel('Scenario', { exact: true });
    await expect(picker.locator('optgroup[label="Saved in this browser"] option')).toHaveText([
      'My pipeline',
    ]);
    await picker.selectOption('saved:My pipeline');
    await expect(page.getByTestId('sim-scenario-name')).toHaveText('My pipeline');
    await expect(page.getByTestId('sim-scenario')).toContainText('6 agents · 5 tasks');
    await page.getByRole('button', { name: 'Delete saved' }).click();
    await expect(picker.locator('optgroup[label="Saved in this browser"]')).toHaveCount(0);
  });
});

test.describe('Simulate: keep the run', () => {
  test('Save run to a ledger, then audit it in the Graph tab', async ({ page }) => {
    await openSimulator(page, 'clinical-l3');
    await runAll(page);
    await page.getByRole('button', { name: 'Save run to a ledger' }).click();
    await expect(page.getByTestId('sim-save-outcome')).toContainText(
      'Saved 5 tokens to the ledger “Clinical',
    );
    await expect(page.getByTestId('sim-save-outcome')).toContainText('and trusted 5 agent keys');
    await page.getByRole('link', { name: 'Audit it in the Graph tab' }).click();
    await expect(page).toHaveURL(/#\/graph$/);
    const canvas = page.getByTestId('graph-canvas');
    await expect(canvas).toHaveAttribute('data-layout', 'done');
    await expect(canvas).toHaveAttribute('data-nodes', '5');
    await page.getByRole('link', { name: 'Ledger', exact: true }).click();
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact: 5 entries');
    await expect(page.locator('[data-testid="ledger-row"][data-status="valid"]')).toHaveCount(5);
  });
});
