#!/usr/bin/env node
// Makes sure Debian packages the tests need are installed, and installs the missing ones:
//   node scripts/ensure-debian.mjs <package>=<path it provides> ...
// `npm test` runs it for Chromium (the e2e tests: Playwright cannot download its own browsers on
// these machines) and for Redis and PostgreSQL (the servers stage starts its own on loopback).
// Plain Node 20 ESM, no dependencies.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const wanted = process.argv.slice(2).map((arg) => {
  const [pkg, path] = arg.split('=');
  if (!pkg || !path) {
    console.error(`ensure-debian: "${arg}" is not <package>=<path>`);
    process.exit(2);
  }
  return { pkg, path };
});
const missing = wanted.filter(({ path }) => !existsSync(path));
for (const { pkg, path } of wanted)
  if (existsSync(path)) console.log(`ensure-debian: ${pkg}: ${path} is present`);
if (!missing.length) process.exit(0);

const pkgs = missing.map((m) => m.pkg);
console.log(`ensure-debian: installing Debian's ${pkgs.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const steps = [
  ['apt-get', ['update']],
  // Waits for the dpkg lock when another process is installing at the same time.
  ['apt-get', ['install', '-y', '-o', 'DPkg::Lock::Timeout=300', ...pkgs]],
];
for (const [cmd, args] of steps) {
  console.log(`ensure-debian: running: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error || r.status !== 0) {
    // Another process may have installed them meanwhile.
    if (missing.every(({ path }) => existsSync(path))) break;
    const why = r.error ? r.error.message : `exit status ${r.status ?? `signal ${r.signal}`}`;
    console.error(
      `ensure-debian: "${cmd} ${args.join(' ')}" failed (${why}). Install them yourself ` +
        `(as root: apt-get update && apt-get install -y ${pkgs.join(' ')}), then rerun.`,
    );
    process.exit(1);
  }
}
const still = missing.filter(({ path }) => !existsSync(path));
if (still.length) {
  console.error(
    `ensure-debian: the install finished but ${still.map((m) => m.path).join(', ')} still missing`,
  );
  process.exit(1);
}
console.log(`ensure-debian: installed ${pkgs.join(', ')}`);
