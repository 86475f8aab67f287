/**
 * `npm run bench` (second part): tokens verified and appended per second by 1, 2 and 4 verifier
 * processes sharing a Redis replay store and a PostgreSQL ledger (real servers started here, as the
 * tests do), beside the in-memory library on one thread, in the same run. Every token is verified
 * in full (ES256 signature, the 16 steps, the DAG rules against the ledger), its jti checked and
 * recorded, and it is appended with a signed receipt.
 *
 * Targets (issue 14): the shared stores cost at most 2x the in-memory path per process
 * (`memory / 1 process` <= 2), and 2 processes give at least 1.6x one.
 *
 * BENCH_QUICK=1 shrinks the sizes. Run as `node dist-bench/stores.mjs worker <config>` it is one
 * verifier process (used by the bench itself).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createToken,
  generateSigningKey,
  importPrivateJwk,
  MemoryLedger,
  MemoryReplayStore,
  parseTrustStore,
  verifyToken,
  type LedgerKey,
} from 'wimse-ect';
import { PostgresLedger } from 'wimse-ect/postgres';
import { RedisReplayStore } from 'wimse-ect/redis';
import { startPostgres, startRedis } from '../packages/ect/test/servers.ts';

const quick = process.env.BENCH_QUICK === '1';
const ISS = 'spiffe://example.com/agent/a';
const AUD = 'spiffe://example.com/verifier';
/** Verifications in flight per process: what lets one process's appends share a transaction. */
const IN_FLIGHT = 32;

interface WorkerConfig {
  redis: string;
  pg: string;
  schema: string;
  prefix: string;
  tokensFile: string;
  from: number;
  to: number;
  trust: unknown;
  ledgerJwk: Record<string, string>;
  /** Tokens to warm up with before the measured run. */
  warmup: string[];
}

async function ledgerKeyOf(jwk: Record<string, string>): Promise<LedgerKey> {
  const { d: _d, ...pub } = jwk;
  return { kid: jwk.kid!, privateKey: await importPrivateJwk(jwk), publicJwk: pub };
}

/** Verifies `tokens` with `IN_FLIGHT` at a time; returns how many were accepted. */
async function verifyAll(tokens: string[], opts: Parameters<typeof verifyToken>[1]): Promise<number> {
  let next = 0;
  let ok = 0;
  const lane = async () => {
    while (next < tokens.length) {
      const r = await verifyToken(tokens[next++]!, opts);
      if (r.valid) ok++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return ok;
}

async function worker(config: WorkerConfig): Promise<void> {
  const tokens = (JSON.parse(readFileSync(config.tokensFile, 'utf8')) as string[]).slice(
    config.from,
    config.to,
  );
  const [replay, ledger] = await Promise.all([
    RedisReplayStore.connect(config.redis, { prefix: config.prefix }),
    PostgresLedger.connect(config.pg, { schema: config.schema, key: await ledgerKeyOf(config.ledgerJwk) }),
  ]);
  const trust = parseTrustStore(config.trust);
  // Warm-up (JIT, connections) on other tokens, in a ledger and replay space of its own.
  const [warmReplay, warmLedger] = await Promise.all([
    RedisReplayStore.connect(config.redis, { prefix: `warm${process.pid}:` }),
    PostgresLedger.connect(config.pg, {
      schema: `warm_${process.pid}`,
      key: await ledgerKeyOf(config.ledgerJwk),
    }),
  ]);
  await verifyAll(config.warmup, { trust, audience: AUD, replay: warmReplay, ledger: warmLedger });
  await Promise.all([warmReplay.close(), warmLedger.close()]);
  process.stdout.write('ready\n');
  await new Promise((r) => process.stdin.once('data', r)); // the go signal: all workers start together
  const t0 = performance.now();
  const ok = await verifyAll(tokens, { trust, audience: AUD, replay, ledger });
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ok, ms })}\n`);
  await Promise.all([replay.close(), ledger.close()]);
}

function runWorkers(n: number, base: Omit<WorkerConfig, 'from' | 'to'>, total: number) {
  const self = fileURLToPath(import.meta.url);
  const share = Math.ceil(total / n);
  const procs = Array.from({ length: n }, (_, i) =>
    spawn(
      process.execPath,
      [self, 'worker', JSON.stringify({ ...base, from: i * share, to: Math.min(total, (i + 1) * share) })],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  );
  const lines = procs.map((p) => {
    const queue: string[] = [];
    const waiters: ((l: string) => void)[] = [];
    let buf = '';
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = waiters.shift();
        if (w) w(line);
        else queue.push(line);
      }
    });
    return () =>
      new Promise<string>((resolve) => (queue.length ? resolve(queue.shift()!) : waiters.push(resolve)));
  });
  return { procs, lines };
}

async function sharedRun(n: number, base: Omit<WorkerConfig, 'from' | 'to'>, total: number) {
  const { procs, lines } = runWorkers(n, base, total);
  for (const next of lines) if ((await next()) !== 'ready') throw new Error('worker failed to start');
  const t0 = performance.now();
  for (const p of procs) p.stdin!.end('go\n');
  const results = (await Promise.all(lines.map((next) => next()))).map(
    (l) => JSON.parse(l) as { ok: number },
  );
  const ms = performance.now() - t0;
  await Promise.all(
    procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))),
  );
  const ok = results.reduce((s, r) => s + r.ok, 0);
  if (ok !== total) throw new Error(`${n} processes accepted ${ok} of ${total} tokens`);
  return (total / ms) * 1000;
}

async function main(): Promise<void> {
  const total = quick ? 800 : 4000;
  const agent = await generateSigningKey({ kid: 'agent-a', extractable: true });
  const ledgerKey = await generateSigningKey({ kid: 'bench-ledger', extractable: true });
  const trust = { issuers: { [ISS]: { keys: [agent.publicJwk] } } };
  const now = Math.floor(Date.now() / 1000);
  // One set of tokens per run (a jti is accepted once): memory, then 1, 2 and 4 processes.
  const runs = ['warm', 'memory', 'p1', 'p2', 'p4'];
  const sets: Record<string, string[]> = {};
  for (const run of runs) {
    sets[run] = await Promise.all(
      Array.from({ length: total }, async () => {
        const claims = {
          iss: ISS,
          aud: [AUD],
          jti: crypto.randomUUID(),
          exec_act: 'bench',
          pred: [],
          iat: now,
          exp: now + 3600,
        };
        return (await createToken(claims, { key: agent.privateKey, kid: 'agent-a', now })).token;
      }),
    );
  }
  const ledgerJwk = { ...(ledgerKey.privateJwk as Record<string, string>), kid: ledgerKey.kid };

  // In memory, one thread: the same verification, replay check and signed append.
  const memTrust = parseTrustStore(trust);
  const warmup = sets.warm!.slice(0, 400);
  await verifyAll(warmup, {
    trust: memTrust,
    audience: AUD,
    replay: new MemoryReplayStore(),
    ledger: new MemoryLedger(),
  });
  const memLedger = new MemoryLedger({ key: await ledgerKeyOf(ledgerJwk) });
  const t0 = performance.now();
  const memOk = await verifyAll(sets.memory!, {
    trust: memTrust,
    audience: AUD,
    replay: new MemoryReplayStore(),
    ledger: memLedger,
  });
  const memory = (total / (performance.now() - t0)) * 1000;
  if (memOk !== total) throw new Error(`memory accepted ${memOk} of ${total}`);

  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const dir = mkdtempSync(join(tmpdir(), 'ect-bench-'));
  const shared: Record<number, number> = {};
  try {
    for (const n of [1, 2, 4]) {
      const tokensFile = join(dir, `p${n}.json`);
      writeFileSync(tokensFile, JSON.stringify(sets[`p${n}`]));
      shared[n] = await sharedRun(
        n,
        {
          redis: redis.url,
          pg: postgres.url(),
          schema: `bench_p${n}`,
          prefix: `bench${n}:`,
          tokensFile,
          trust,
          ledgerJwk,
          warmup: sets.warm!.slice(0, 200),
        },
        total,
      );
      const check = await PostgresLedger.connect(postgres.url(), { schema: `bench_p${n}`, migrate: false });
      const report = await check.verifyChain();
      await check.close();
      if (!report.ok || report.length !== total)
        throw new Error(`bench_p${n}: chain ${JSON.stringify(report)}`);
    }
  } finally {
    await Promise.all([redis.stop(), postgres.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  const perProcessCost = memory / shared[1]!;
  const scale2 = shared[2]! / shared[1]!;
  const scale4 = shared[4]! / shared[1]!;
  const fmt = (x: number) => `${Math.round(x).toLocaleString('en')} tokens/s`;
  console.log(
    `\nShared stores (${total} tokens a run, ${IN_FLIGHT} in flight per process; ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(`memory, 1 thread          ${fmt(memory)}`);
  console.log(
    `Redis + PostgreSQL, 1 p.  ${fmt(shared[1]!)}  (memory / 1 process = ${perProcessCost.toFixed(2)}x, target <= 2)`,
  );
  console.log(`Redis + PostgreSQL, 2 p.  ${fmt(shared[2]!)}  (${scale2.toFixed(2)}x one, target >= 1.6)`);
  console.log(`Redis + PostgreSQL, 4 p.  ${fmt(shared[4]!)}  (${scale4.toFixed(2)}x one)`);
  console.log(
    JSON.stringify({
      storesMemoryPerS: Math.round(memory),
      storesShared1PerS: Math.round(shared[1]!),
      storesShared2PerS: Math.round(shared[2]!),
      storesShared4PerS: Math.round(shared[4]!),
      storesCostPerProcess: Number(perProcessCost.toFixed(2)),
      storesScale2: Number(scale2.toFixed(2)),
      storesScale4: Number(scale4.toFixed(2)),
      load: Number(loadavg()[0]!.toFixed(1)),
    }),
  );
}

if (process.argv[2] === 'worker') await worker(JSON.parse(process.argv[3]!) as WorkerConfig);
else await main();
