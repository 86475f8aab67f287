/**
 * Throw-away Redis and PostgreSQL servers for the store tests, the bench and the e2e test of a
 * PostgreSQL export: Debian's `redis-server` and `postgresql` (installed with apt-get when missing,
 * as Chromium is), each on a free loopback port the OS hands out, with a temporary data folder,
 * stopped and removed after, also when the tests fail or the process exits early. Never any
 * address but 127.0.0.1. PostgreSQL refuses to run as root: as root it runs as `postgres`.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const execFileAsync = promisify(execFile);
const isRoot = () => process.getuid?.() === 0;

/** A port the OS says is free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) {
    const out = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status}`}): ${out}`);
  }
  return r.stdout;
}

/** apt-get install, with one `apt-get update` when the package lists are stale or missing. */
function aptInstall(pkg: string): void {
  if (!isRoot())
    throw new Error(`${pkg} is not installed; install it (apt-get install -y ${pkg}) and re-run`);
  const env = ['DEBIAN_FRONTEND=noninteractive'];
  const install = () =>
    spawnSync('env', [...env, 'apt-get', 'install', '-y', '-q', pkg], { encoding: 'utf8', timeout: 300_000 });
  if (install().status === 0) return;
  run('env', [...env, 'apt-get', 'update', '-q'], 'apt-get update');
  const r = install();
  if (r.status !== 0) throw new Error(`apt-get install -y ${pkg} failed: ${(r.stderr ?? '').trim()}`);
}

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Waits until something accepts TCP connections on the port. */
async function waitForPort(port: number, what: string, alive: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: HOST, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`${what} exited before it listened on ${HOST}:${port}`);
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${HOST}:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything still running at exit is stopped (a test that threw before its afterAll). */
const cleanups = new Set<() => void>();
let hooked = false;
function atExit(fn: () => void): () => void {
  if (!hooked) {
    hooked = true;
    const cleanAll = () => {
      for (const f of cleanups) f();
      cleanups.clear();
    };
    process.on('exit', cleanAll);
    // Interrupted (Ctrl-C, a timeout's SIGTERM): 'exit' would not run, the servers would stay.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        cleanAll();
        process.kill(process.pid, signal);
      });
    }
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGKILL: as a crash looks to its clients); `start()` brings it back on the same port. */
  kill(): void;
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  if (!onPath('redis-server')) aptInstall('redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'ect-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const killNow = () => {
    child?.kill('SIGKILL');
    child = null;
  };
  const start = async () => {
    const c = spawn(
      'redis-server',
      ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    child = c;
    let exited = false;
    c.on('exit', () => (exited = true));
    await waitForPort(port, 'redis-server', () => !exited);
  };
  const forget = atExit(() => {
    killNow();
    rmSync(dir, { recursive: true, force: true });
  });
  await start();
  return {
    port,
    url: `redis://${HOST}:${port}`,
    kill: killNow,
    start,
    async stop() {
      const c = child;
      killNow();
      if (c && c.exitCode === null) await new Promise((r) => c.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}

/** Debian's PostgreSQL binaries (15 preferred), installed when missing. */
function postgresBin(): string {
  const find = () => {
    const base = '/usr/lib/postgresql';
    if (!existsSync(base)) return null;
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin/initdb')))
      .sort((a, b) => (a === '15' ? -1 : b === '15' ? 1 : Number(b) - Number(a)));
    return versions.length ? join(base, versions[0]!, 'bin') : null;
  };
  const found = find();
  if (found) return found;
  aptInstall('postgresql');
  const after = find();
  if (!after) throw new Error('postgresql installed, but no /usr/lib/postgresql/*/bin/initdb');
  return after;
}

export interface PostgresServer {
  readonly port: number;
  /** Connection string of a database (default `postgres`), user `postgres`, no password (trust on loopback). */
  url(db?: string): string;
  /** Creates a database and returns its connection string. */
  createDatabase(name: string): string;
  /**
   * Restarts the server: `fast` ends the sessions (their transactions roll back), `immediate` as a
   * crash. Asynchronous, so the clients of this process keep running while it is down;
   * `whileDown` runs after the stop and before the start.
   */
  restart(mode?: 'fast' | 'immediate', whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `settings`: extra server settings (`-c name=value`), e.g. the bench's
 * `shared_preload_libraries=pg_stat_statements`.
 */
export async function startPostgres(settings: Record<string, string> = {}): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'ect-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: the binaries run as `postgres`, who must own the folder.
  const asOwner = (tool: string, args: string[]): [string, string[]] =>
    isRoot() ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  if (isRoot()) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (pw.status !== 0)
      throw new Error('user "postgres" is missing: apt-get install -y postgresql creates it');
    chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
  }
  const pg = (tool: string, args: string[], what: string) => run(...asOwner(tool, args), what);
  const port = await freePort();
  const user = 'postgres';
  pg('initdb', ['-D', data, '-A', 'trust', '-U', user, '--no-sync', '-E', 'UTF8', '--locale=C'], 'initdb');
  const extra = Object.entries(settings).map(([k, v]) => {
    if (!/^[a-z_.]+$/.test(k) || !/^[\w.,]+$/.test(v)) throw new Error(`bad setting ${k}=${v}`);
    return ` -c ${k}=${v}`;
  });
  const opts = `-p ${port} -k ${dir} -c listen_addresses=${HOST} -c max_connections=100${extra.join('')}`;
  const ctl = (action: string[], what: string) =>
    pg('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), ...action], what);
  const start = () => ctl(['-o', opts, 'start'], 'pg_ctl start');
  let running = false;
  const stopNow = () => {
    if (!running) return;
    running = false;
    spawnSync(...asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
  };
  const forget = atExit(() => {
    stopNow();
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    start();
  } catch (e) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : '';
    forget();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${log}`, { cause: e });
  }
  running = true;
  const url = (db = 'postgres') => `postgres://${user}@${HOST}:${port}/${db}`;
  return {
    port,
    url,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      run(...asOwner('createdb', ['-h', HOST, '-p', String(port), '-U', user, name]), 'createdb');
      return url(name);
    },
    async restart(mode = 'fast', whileDown) {
      const [cmd, args] = asOwner('pg_ctl', ['-D', data, '-w', '-m', mode, 'stop']);
      await execFileAsync(cmd, args);
      await whileDown?.();
      const [cmd2, args2] = asOwner('pg_ctl', [
        '-D',
        data,
        '-w',
        '-t',
        '60',
        '-l',
        join(dir, 'log'),
        '-o',
        opts,
        'start',
      ]);
      await execFileAsync(cmd2, args2);
    },
    async stop() {
      stopNow();
      rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}
