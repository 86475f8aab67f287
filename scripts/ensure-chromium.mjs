#!/usr/bin/env node
// Makes sure Chromium is at /usr/bin/chromium for the Playwright e2e tests
// (Playwright cannot download its own browsers on these machines). Installs
// Debian's package when it is missing. Plain Node 20 ESM, no dependencies.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const CHROMIUM = '/usr/bin/chromium';

if (existsSync(CHROMIUM)) {
  console.log(`ensure-chromium: ${CHROMIUM} is present`);
  process.exit(0);
}

console.log(`ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium package`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const steps = [
  ['apt-get', ['update']],
  // Waits for the dpkg lock when another process is installing at the same time.
  ['apt-get', ['install', '-y', '-o', 'DPkg::Lock::Timeout=300', 'chromium']],
];

for (const [cmd, args] of steps) {
  console.log(`ensure-chromium: running: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error || r.status !== 0) {
    // Another process may have installed it meanwhile.
    if (existsSync(CHROMIUM)) break;
    const why = r.error ? r.error.message : `exit status ${r.status ?? `signal ${r.signal}`}`;
    console.error(
      `ensure-chromium: "${cmd} ${args.join(' ')}" failed (${why}). Install Chromium yourself ` +
        `(as root: apt-get update && apt-get install -y chromium) so that ${CHROMIUM} exists, then rerun.`,
    );
    process.exit(1);
  }
}

if (!existsSync(CHROMIUM)) {
  console.error(`ensure-chromium: the install finished but ${CHROMIUM} still does not exist`);
  process.exit(1);
}
console.log(`ensure-chromium: installed ${CHROMIUM}`);
