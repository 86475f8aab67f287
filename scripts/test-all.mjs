#!/usr/bin/env node
// `npm test`: every check the project has, in one run. Runs each stage even
// when an earlier one fails (so one run shows everything), then prints one
// closing line `total: N passed, N failed` over every runner, read from their
// reports. Exits non-zero when anything failed or when no test ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const bin = (name) => `./node_modules/.bin/${name}`;
const stages = [
  { name: 'typecheck', cmd: bin('tsc'), args: ['-b'] },
  { name: 'lint', cmd: 'npm', args: ['run', '--silent', 'lint'] },
  { name: 'unit', cmd: bin('vitest'), args: ['run'], report: 'test-results/vitest.json', count: countVitest },
  // Debian's Redis and PostgreSQL, installed when missing (the tests start and stop their own).
  {
    name: 'server packages',
    cmd: 'node',
    args: [
      'scripts/ensure-debian.mjs',
      'redis-server=/usr/bin/redis-server',
      'postgresql=/usr/lib/postgresql',
    ],
  },
  // The stores, the many-verifiers runs and `ect ledger`/`ect serve` on real Redis and PostgreSQL
  // (started and stopped by the tests): apart from 'unit' so that `npx vitest run` needs no server.
  {
    name: 'servers',
    cmd: bin('vitest'),
    args: ['run', '--config', 'vitest.servers.config.ts'],
    report: 'test-results/vitest-servers.json',
    count: countVitest,
  },
  {
    name: 'conformance',
    cmd: 'node',
    args: ['../shared/conformance/run-vectors.mjs', '../shared/conformance/sample-vectors.json'],
    capture: true,
    count: countConformance,
  },
  // The library as users install it: npm pack, an offline install, Node, TypeScript, npx ect, Vite.
  {
    name: 'package',
    cmd: 'node',
    args: ['scripts/test-package.mjs'],
    capture: true,
    count: countConformance,
  },
  { name: 'chromium', cmd: 'node', args: ['scripts/ensure-debian.mjs', 'chromium=/usr/bin/chromium'] },
  // The e2e specs and the bench import the library as its users do, from its built package.
  { name: 'library build', cmd: 'node', args: ['scripts/build-package.mjs'] },
  { name: 'build', cmd: bin('vite'), args: ['build', '--logLevel', 'warn'] },
  {
    name: 'e2e',
    cmd: bin('playwright'),
    args: ['test'],
    report: 'test-results/playwright.json',
    count: countPlaywright,
  },
];

function countVitest(file) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) };
}

function countPlaywright(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const s = report.stats;
  // Tests that failed, then passed on their retry (CI only: playwright.config.ts), by name.
  const flaky = [];
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === 'flaky')
          flaky.push(`${spec.file}:${spec.line} › ${[...path, spec.title].join(' › ')}`);
    for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  return { passed: s.expected + s.flaky, failed: s.unexpected, flaky };
}

/** The closing `N passed, N failed` line of the conformance runner and of scripts/test-package.mjs. */
function countConformance(_file, output) {
  const m = output.match(/^(\d+) passed, (\d+) failed$/m);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
}

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
const summary = [];
for (const stage of stages) {
  if (stage.report) rmSync(stage.report, { force: true });
  console.log(`\n=== ${stage.name}: ${stage.cmd} ${stage.args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(stage.cmd, stage.args, {
    stdio: stage.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (stage.capture) process.stdout.write(r.stdout ?? '');
  const ok = r.status === 0;
  let counts = null;
  try {
    if (stage.count && (!stage.report || existsSync(stage.report)))
      counts = stage.count(stage.report, r.stdout ?? '');
  } catch (e) {
    console.error(`${stage.name}: cannot read its report: ${e.message}`);
  }
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
    // A runner that failed without a failing test (a crash, a config error) still counts as a failure.
    if (!ok && counts.failed === 0) failed++;
  } else if (!ok) failed++;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  summary.push(
    `${stage.name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`}${counts ? `, ${counts.passed} passed, ${counts.failed} failed` : ''}${counts?.flaky?.length ? `, ${counts.flaky.length} of them only on a retry` : ''} (${seconds} s)`,
  );
  for (const name of counts?.flaky ?? []) summary.push(`  passed only on its retry (flaky): ${name}`);
}
console.log(`\n${summary.join('\n')}`);
console.log(`total: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
