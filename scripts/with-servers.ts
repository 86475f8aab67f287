/**
 * Runs a command beside a throw-away Redis and PostgreSQL (packages/ect/test/servers.ts: Debian's
 * packages, free loopback ports, temporary folders, stopped after), their addresses in its
 * environment as ECT_REDIS_URL and ECT_PG_URL. Exits with the command's status. Used by the package
 * test for the store entry points:  node --import tsx scripts/with-servers.ts <command> [args…]
 */
import { spawn } from 'node:child_process';
import { startPostgres, startRedis } from '../packages/ect/test/servers.ts';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node --import tsx scripts/with-servers.ts <command> [args…]');
  process.exit(2);
}
const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
try {
  const child = spawn(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, ECT_REDIS_URL: redis.url, ECT_PG_URL: postgres.url() },
  });
  process.exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
} finally {
  await Promise.all([redis.stop(), postgres.stop()]);
}
