/**
 * `ect serve` end to end, on a real PostgreSQL started here: the built app's files with the static
 * host's security headers (its `_headers`, or the default CSP), the shared ledger as the bundle the
 * app imports (checked here with the core's checkBundle, as the app does), live and read-only;
 * PostgreSQL down is a 503 saying so, and the server answers again once it is back; bad options are
 * one line, exit 2; SIGTERM stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBundle, createToken, parseBundle, type LedgerKey } from '../src/index.ts';
import { PostgresLedger } from '../src/stores/postgres.ts';
import { cliWorkspace, CLI_TIMEOUT, ect } from './cli.ts';
import { startPostgres, type PostgresServer } from './servers.ts';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
let postgres: PostgresServer;
const ws = cliWorkspace('ect-serve-');
const running: ChildProcess[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await postgres?.stop();
}, 60_000);

interface Serve {
  url: string;
  proc: ChildProcess;
  stderr(): string;
  exited: Promise<number | string | null>;
}

/** `ect serve …` as a process, once it printed its URL. */
async function serve(...args: string[]): Promise<Serve> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    cwd: PACKAGE,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(proc);
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0]!;
      if (out.includes('\n')) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((code) => reject(new Error(`ect serve exited (${code}) before listening: ${stderr}`)));
  });
  return { url, proc, exited, stderr: () => stderr };
}

/** A built app: index.html, a hashed asset, a dot file; `_headers` when given. */
function site(name: string, headers?: string): string {
  const dir = join(ws.dir, name);
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ECT Workbench</title>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  if (headers !== undefined) writeFileSync(join(dir, '_headers'), headers);
  return dir;
}

/** A raw request (fetch would normalise the path): status, headers, body. */
function raw(url: string, path: string, method = 'GET') {
  const u = new URL(url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

async function ledgerWithEntries(
  db: string,
  n: number,
): Promise<{ ledger: PostgresLedger; tokens: string[] }> {
  const keygen = ect('keygen', '--kid', 'served-ledger');
  const { private: jwk } = JSON.parse(keygen.stdout) as { private: Record<string, string> };
  const { importPrivateJwk } = await import('../src/index.ts');
  const { d: _d, ...publicJwk } = jwk;
  const key: LedgerKey = { kid: jwk.kid!, privateKey: await importPrivateJwk(jwk), publicJwk };
  const ledger = await PostgresLedger.connect(db, { key });
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push(await append(ledger));
  return { ledger, tokens };
}

async function append(ledger: PostgresLedger): Promise<string> {
  const claims = {
    iss: ws.alice.iss,
    aud: ['spiffe://example.com/agent/b'],
    jti: crypto.randomUUID(),
    exec_act: 'review',
    pred: [],
  };
  const { token, payload } = await createToken(claims, { key: ws.alice.key.privateKey, kid: ws.alice.kid });
  await ledger.append(token, payload);
  return token;
}

describe('ect serve', () => {
  it(
    "serves the app with the _headers file's headers and the ledger as a bundle: live, read-only, safe paths",
    async () => {
      const db = postgres.createDatabase('served');
      const { ledger, tokens } = await ledgerWithEntries(db, 5);
      const headers =
        "/*\n  Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\n  X-Test: from-file\n";
      const s = await serve('--db', db, '--port', '0', '--dir', site('with-headers', headers));
      try {
        expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

        const index = await fetch(s.url);
        expect(index.status).toBe(200);
        expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(await index.text()).toContain('<title>ECT Workbench</title>');
        expect(index.headers.get('content-security-policy')).toBe(
          "default-src 'self'; frame-ancestors 'none'",
        );
        expect(index.headers.get('x-test')).toBe('from-file');
        const asset = await fetch(new URL('assets/index-abc123.js', s.url));
        expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
        expect(asset.headers.get('cache-control')).toContain('immutable');

        const got = await fetch(new URL('api/ledger', s.url));
        expect(got.status).toBe(200);
        expect(got.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(got.headers.get('cache-control')).toBe('no-store');
        expect(got.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'none'");
        const bundle = parseBundle(await got.text());
        expect(bundle.name).toBe('served/ect');
        expect(bundle.entries.map((e) => e.token)).toEqual(tokens);
        expect(await checkBundle(bundle)).toMatchObject({ ok: true, length: 5, receipts: 5 });

        // Live: an entry appended by a verifier is in the next answer.
        tokens.push(await append(ledger));
        const info = (await (await fetch(new URL('api/info', s.url))).json()) as Record<string, unknown>;
        expect(info).toMatchObject({ server: 'ect serve', ledger: { name: 'served/ect', entries: 6 } });
        const again = parseBundle(await (await fetch(new URL('api/ledger', s.url))).text());
        expect(again.entries.map((e) => e.token)).toEqual(tokens);
        expect(again.head).toEqual(info.ledger && (info.ledger as { head: unknown }).head);

        // Read-only.
        for (const method of ['POST', 'PUT', 'DELETE']) {
          const r = await raw(s.url, '/api/ledger', method);
          expect(r.status).toBe(405);
          expect(r.headers.allow).toBe('GET, HEAD');
        }
        expect(await ledger.size()).toBe(6);

        // Only the build's own files: no way out of the folder, no dot files, not _headers itself.
        for (const path of [
          '/..%2f..%2fetc%2fpasswd',
          '/%2e%2e/%2e%2e/etc/passwd',
          '/.env',
          '/_headers',
          '/nope.js',
        ]) {
          const r = await raw(s.url, path);
          expect(r.status, path).toBe(404);
          expect(r.body).not.toContain('SECRET');
        }
        expect((await raw(s.url, '/api/other')).status).toBe(404);
        expect(s.stderr()).toBe('');
      } finally {
        s.proc.kill('SIGTERM');
        expect(await s.exited).toBe(0);
        await ledger.close();
      }
    },
    CLI_TIMEOUT * 2,
  );

  it(
    "without a _headers file: a CSP with connect-src 'self' and frame-ancestors 'none'",
    async () => {
      const db = postgres.createDatabase('served_default');
      expect(ect('ledger', 'migrate', '--db', db).status).toBe(0);
      const s = await serve('--db', db, '--port', '0', '--dir', site('no-headers'));
      try {
        for (const path of ['', 'api/ledger']) {
          const r = await fetch(new URL(path, s.url));
          expect(r.status).toBe(200);
          const csp = r.headers.get('content-security-policy') ?? '';
          expect(csp).toContain("connect-src 'self'");
          expect(csp).toContain("frame-ancestors 'none'");
          expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        }
        const empty = parseBundle(await (await fetch(new URL('api/ledger', s.url))).text());
        expect(empty.entries).toEqual([]);
        expect(await checkBundle(empty)).toMatchObject({ ok: true, length: 0 });
      } finally {
        s.proc.kill('SIGTERM');
        expect(await s.exited).toBe(0);
      }
    },
    CLI_TIMEOUT * 2,
  );

  it(
    'PostgreSQL down: the ledger is a 503 saying so (the app is still served); back up, it answers again',
    async () => {
      const db = postgres.createDatabase('served_restart').replace('postgres@', 'postgres:hunter2@');
      const { ledger, tokens } = await ledgerWithEntries(db, 2);
      await ledger.close();
      const s = await serve('--db', db, '--port', '0', '--dir', site('restart'));
      try {
        await postgres.restart('fast', async () => {
          const r = await raw(s.url, '/api/ledger');
          expect(r.status).toBe(503);
          expect(JSON.parse(r.body)).toEqual({
            error: 'store_unavailable',
            message: 'the ledger database did not answer; try again',
          });
          expect((await raw(s.url, '/')).status).toBe(200);
        });
        const back = parseBundle(await (await fetch(new URL('api/ledger', s.url))).text());
        expect(back.entries.map((e) => e.token)).toEqual(tokens);
        // The operator is told, in one line per failed request, without the password.
        const lines = s.stderr().trim().split('\n');
        expect(lines.length).toBeGreaterThanOrEqual(1);
        for (const line of lines) expect(line).toMatch(/^ect serve: GET \/api\/ledger: /);
        expect(s.stderr()).not.toMatch(/hunter2|\bat .*\.ts:\d+/);
      } finally {
        s.proc.kill('SIGTERM');
        expect(await s.exited).toBe(0);
      }
    },
    CLI_TIMEOUT * 3,
  );

  it.each([
    [[], /--db postgres:\/\/user@host:port\/database is required/],
    [['--db', 'mysql://x/y'], /postgres/],
    [['--db', 'postgres://u:secret@127.0.0.1:1/x'], /ECONNREFUSED|connect/],
    [['--db', 'DB', '--port', 'eighty'], /--port must be 0-65535, not "eighty"/],
    [['--db', 'DB', '--dir', '/nonexistent-dist'], /no built app in "\/nonexistent-dist".*npm run build/],
    [['--db', 'DB', '--schema', 'nothing_here'], /nothing_here/],
    [['--db', 'DB', 'extra'], /serve takes no arguments/],
    [
      ['--db', 'DB', '--dir', 'BAD_HEADERS'],
      /bad-headers\/_headers: line 3 is neither a path nor an indented "Name: value"/,
    ],
  ])(
    'ect serve %j: one clear line, exit 2',
    (args, message) => {
      const db = postgres.url();
      const r = ect(
        'serve',
        ...args.map((a) =>
          a === 'DB'
            ? db
            : a === 'BAD_HEADERS'
              ? site('bad-headers', '/*\n  X-Frame-Options: DENY\n  Not a header\n')
              : a,
        ),
        ...(args.includes('--dir') ? [] : ['--dir', site('bad')]),
      );
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^ect serve: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/secret|internal error|\bat .*\.ts:\d+/);
    },
    CLI_TIMEOUT,
  );
});
