/**
 * Helpers of the many-verifiers tests: verifier processes (verifier-server.ts) sharing one Redis and
 * one PostgreSQL, the tokens they receive, and a client that sends them over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToken, generateSigningKey, type GeneratedKey } from '../src/index.ts';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
export const AUDIENCE = 'spiffe://example.com/verifier';
export const ISSUER = 'spiffe://example.com/agent/alice';

export interface Fixture {
  dir: string;
  alice: GeneratedKey;
  ledgerKey: GeneratedKey;
  trustFile: string;
  ledgerKeyFile: string;
  remove(): void;
}

export async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ect-verifiers-'));
  const alice = await generateSigningKey({ kid: 'alice-key', extractable: true });
  const ledgerKey = await generateSigningKey({ kid: 'shared-ledger-key', extractable: true });
  const trustFile = join(dir, 'trust.json');
  writeFileSync(trustFile, JSON.stringify({ issuers: { [ISSUER]: { keys: [alice.publicJwk] } } }));
  const ledgerKeyFile = join(dir, 'ledger-key.json');
  writeFileSync(ledgerKeyFile, JSON.stringify({ ...ledgerKey.privateJwk, kid: ledgerKey.kid }));
  return {
    dir,
    alice,
    ledgerKey,
    trustFile,
    ledgerKeyFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `n` root ECTs by alice for the verifiers, valid for an hour on the real clock. */
export async function tokens(f: Fixture, n: number, tag: string): Promise<{ jti: string; token: string }[]> {
  const now = Math.floor(Date.now() / 1000);
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const jti = `00000000-0000-4000-8000-${tag}${i.toString(16).padStart(12 - tag.length, '0')}`;
      const { token } = await createToken(
        { iss: ISSUER, aud: [AUDIENCE], jti, exec_act: 'process_item', pred: [], iat: now, exp: now + 3600 },
        { key: f.alice.privateKey, kid: 'alice-key', now },
      );
      return { jti, token };
    }),
  );
}

export interface Verifier {
  port: number;
  proc: ChildProcess;
  /** Resolves with the exit code or signal when the process ends. */
  exited: Promise<number | string | null>;
  stop(): Promise<void>;
}

export interface VerifierConfig {
  redis: string;
  pg: string;
  schema: string;
  prefix: string;
}

export async function startVerifier(f: Fixture, c: VerifierConfig): Promise<Verifier> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/verifier-server.ts'], {
    cwd: PACKAGE,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ECT_TEST_REDIS: c.redis,
      ECT_TEST_PG: c.pg,
      ECT_TEST_SCHEMA: c.schema,
      ECT_TEST_PREFIX: c.prefix,
      ECT_TEST_TRUST: f.trustFile,
      ECT_TEST_LEDGER_KEY: f.ledgerKeyFile,
      ECT_TEST_AUDIENCE: AUDIENCE,
    },
  });
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`verifier exited (${code}) before listening: ${stderr}`)));
  });
  return {
    port,
    proc,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Outcome {
  jti: string;
  token: string;
  status: number;
  body: Record<string, unknown>;
  /** Set when no answer came (the connection was cut). */
  error?: string;
  /** Whether the request was sent after `mark` was called. */
  late: boolean;
}

/** Sends each token to its verifier, `concurrency` at a time per verifier. */
export async function send(
  jobs: { port: number; jti: string; token: string }[],
  concurrency: number,
  opts: { onProgress?: (done: number) => void; isLate?: () => boolean } = {},
): Promise<Outcome[]> {
  const out: Outcome[] = new Array<Outcome>(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const { port, jti, token } = jobs[i]!;
      const late = opts.isLate?.() ?? false;
      try {
        const r = await post(port, token);
        out[i] = { jti, token, status: r.status, body: JSON.parse(r.body) as Record<string, unknown>, late };
      } catch (e) {
        out[i] = { jti, token, status: 0, body: {}, error: (e as Error).message, late };
      }
      opts.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** Kept-alive connections: node:http costs the test process less CPU per request than fetch. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(port: number, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/task',
        method: 'POST',
        agent,
        timeout: 60_000,
        headers: { 'Execution-Context': token },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end();
  });
}

/** A deterministic shuffle (xorshift), one order per seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const a = [...items];
  let s = seed * 2654435761 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
