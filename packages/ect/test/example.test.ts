/** The README's runnable example (examples/two-agents.ts) runs and shows what it says. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('two agents over HTTP: accepted, answered with a child ECT, replay 403, garbage 400', () => {
  const r = spawnSync(
    process.execPath,
    ['--conditions=ect-source', '--import', 'tsx', 'examples/two-agents.ts'],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/A -> B {2}task [0-9a-f-]+: 200 /);
  expect(r.stdout).toMatch(/A checks B's ECT: valid, pred \["[0-9a-f-]+"\]/);
  expect(r.stdout).toMatch(/same token again: 403 \{"error":"invalid_execution_context","code":"replay"/);
  expect(r.stdout).toMatch(/not a token: 400 \{"error":"malformed_execution_context"/);
}, 60_000);
