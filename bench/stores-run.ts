/**
 * The verifier processes of bench/stores.ts: one process verifies its share of the tokens against
 * the shared Redis and PostgreSQL (`worker`), and the bench starts n of them at once (`sharedRun`)
 * and reads what they cost in CPU time (bench/cpu.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPrivateJwk, parseTrustStore, verifyToken, type LedgerKey } from 'wimse-ect';
import { PostgresLedger } from 'wimse-ect/postgres';
import { RedisReplayStore } from 'wimse-ect/redis';
import { machineCpu } from './cpu.ts';

export const ISS = 'spiffe://example.com/agent/a';
export const AUD = 'spiffe://example.com/verifier';
/**
 * Verifications in flight per process: what lets one process's appends share a transaction.
 * BENCH_IN_FLIGHT sets it; a worker takes its own from its config.
 */
export const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 32);
/** Warm-up tokens per worker. */
export const WARMUP = 200;

export interface WorkerConfig {
  redis: string;
  pg: string;
  schema: string;
  prefix: string;
  tokensFile: string;
  from: number;
  to: number;
  trust: unknown;
  ledgerJwk: Record<string, string>;
  /** A file of tokens to warm up with before the measured run: `WARMUP` of them for each worker. */
  warmupFile: string;
  /** This worker's place among the n (its warm-up tokens). */
  index: number;
  /** Verifications in flight in this worker. */
  inFlight: number;
  /** Warm up in a ledger of its own, as until session 7 (BENCH_COLD=1, BENCH_BASE_COLD=1). */
  cold: boolean;
}

export async function ledgerKeyOf(jwk: Record<string, string>): Promise<LedgerKey> {
  const { d: _d, ...pub } = jwk;
  return { kid: jwk.kid!, privateKey: await importPrivateJwk(jwk), publicJwk: pub };
}

/** Verifies `tokens` with `inFlight` at a time; returns how many were accepted. */
export async function verifyAll(
  tokens: string[],
  opts: Parameters<typeof verifyToken>[1],
  inFlight = IN_FLIGHT,
): Promise<number> {
  let next = 0;
  let ok = 0;
  const lane = async () => {
    while (next < tokens.length) {
      const r = await verifyToken(tokens[next++]!, opts);
      if (r.valid) ok++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return ok;
}

export async function worker(config: WorkerConfig): Promise<void> {
  const tokens = (JSON.parse(readFileSync(config.tokensFile, 'utf8')) as string[]).slice(
    config.from,
    config.to,
  );
  const [replay, ledger] = await Promise.all([
    RedisReplayStore.connect(config.redis, { prefix: config.prefix }),
    PostgresLedger.connect(config.pg, { schema: config.schema, key: await ledgerKeyOf(config.ledgerJwk) }),
  ]);
  const trust = parseTrustStore(config.trust);
  const warmup = (JSON.parse(readFileSync(config.warmupFile, 'utf8')) as string[]).slice(
    config.index * WARMUP,
    (config.index + 1) * WARMUP,
  );
  // Warm-up (JIT, connections) on tokens of this worker's own, in the measured ledger and replay
  // space: the pool's connections are opened, and their backends have the table, its indexes and
  // its trigger cached, before the clock starts. Until session 7 the warm-up used a ledger of its
  // own, so each run started on cold connections: up to 4 new PostgreSQL backends per process
  // inside the measured window, twice as many per token with 2 processes as with one.
  // `cold` warms up the old way, for comparison.
  let warmed = 0;
  if (config.cold) {
    const [warmReplay, warmLedger] = await Promise.all([
      RedisReplayStore.connect(config.redis, { prefix: `warm${process.pid}:` }),
      PostgresLedger.connect(config.pg, {
        schema: `warm_${process.pid}`,
        key: await ledgerKeyOf(config.ledgerJwk),
      }),
    ]);
    await verifyAll(
      warmup,
      { trust, audience: AUD, replay: warmReplay, ledger: warmLedger },
      config.inFlight,
    );
    await Promise.all([warmReplay.close(), warmLedger.close()]);
  } else warmed = await verifyAll(warmup, { trust, audience: AUD, replay, ledger }, config.inFlight);
  process.stdout.write('ready\n');
  const ended = new Promise((r) => process.stdin.once('end', r));
  await new Promise((r) => process.stdin.once('data', r)); // the go signal: all workers start together
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ok = await verifyAll(tokens, { trust, audience: AUD, replay, ledger }, config.inFlight);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    `${JSON.stringify({ ok, warmed, ms, cpuMs: (cpu.user + cpu.system) / 1000, systemMs: cpu.system / 1000 })}\n`,
  );
  // Connections are closed only once the bench has read the servers' CPU time (it ends our stdin):
  // a backend that exits moves its time to the postmaster's, and its exit would be counted.
  await ended;
  await Promise.all([replay.close(), ledger.close()]);
}

function runWorkers(
  n: number,
  base: Omit<WorkerConfig, 'from' | 'to' | 'index'>,
  total: number,
  script: string,
) {
  const share = Math.ceil(total / n);
  const procs = Array.from({ length: n }, (_, i) =>
    spawn(
      process.execPath,
      [
        script,
        'worker',
        JSON.stringify({ ...base, index: i, from: i * share, to: Math.min(total, (i + 1) * share) }),
      ],
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

/** The ports of the bench's servers (whose CPU time is read), and the bundle a worker runs. */
export interface RunWhere {
  ports: { redis: number; postgres: number };
  /** Default: this bundle. BENCH_BASE runs another build's (main's) against the same servers. */
  script?: string;
  inFlight: number;
  cold: boolean;
}

export async function sharedRun(
  n: number,
  base: Omit<WorkerConfig, 'from' | 'to' | 'index' | 'inFlight' | 'cold'>,
  total: number,
  where: RunWhere,
) {
  const { procs, lines } = runWorkers(
    n,
    { ...base, inFlight: where.inFlight, cold: where.cold },
    total,
    where.script ?? fileURLToPath(import.meta.url),
  );
  for (const next of lines) if ((await next()) !== 'ready') throw new Error('worker failed to start');
  // BENCH_PERF=<folder>: a system-wide `perf record` of the measured run (perf report --comm postgres).
  const perf = process.env.BENCH_PERF
    ? spawn(
        'perf',
        ['record', '-a', '-g', '-F', '997', '-o', `${process.env.BENCH_PERF}/p${n}-${Date.now()}.data`],
        {
          stdio: 'ignore',
        },
      )
    : null;
  if (perf) await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  const busy0 = machineCpu(where.ports);
  for (const p of procs) p.stdin!.write('go\n');
  const results = (await Promise.all(lines.map((next) => next()))).map(
    (l) => JSON.parse(l) as { ok: number; warmed: number; cpuMs: number; systemMs: number },
  );
  const ms = performance.now() - t0;
  const busy1 = machineCpu(where.ports);
  for (const p of procs) p.stdin!.end();
  if (perf) {
    perf.kill('SIGINT');
    await new Promise((r) => perf.once('exit', r));
  }
  await Promise.all(
    procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))),
  );
  const ok = results.reduce((s, r) => s + r.ok, 0);
  if (ok !== total) throw new Error(`${n} processes accepted ${ok} of ${total} tokens`);
  return {
    perS: (total / ms) * 1000,
    /** Entries the warm-up appended to the measured ledger before the clock started. */
    warmed: results.reduce((s, r) => s + r.warmed, 0),
    // CPU time per token: in the verifier processes, and on the whole machine (servers included).
    workerUs: (results.reduce((s, r) => s + r.cpuMs, 0) / total) * 1000,
    // Of which in the kernel (system time): on loopback, sending also delivers to the server.
    workerSystemUs: (results.reduce((s, r) => s + r.systemMs, 0) / total) * 1000,
    machineUs: ((busy1.busy - busy0.busy) / total) * 1000,
    redisUs: ((busy1.redis - busy0.redis) / total) * 1000,
    postgresUs: ((busy1.postgres - busy0.postgres) / total) * 1000,
    // Of which in the client backends (the verifiers' connections), the background processes, and
    // children that exited (autovacuum workers, closed connections).
    pgBackendsUs: ((busy1.pgBackends - busy0.pgBackends) / total) * 1000,
    pgBackgroundUs: ((busy1.pgBackground - busy0.pgBackground) / total) * 1000,
    pgExitedUs: ((busy1.pgExited - busy0.pgExited) / total) * 1000,
    pgByKindUs: Object.fromEntries(
      Object.entries(busy1.pgByKind)
        .map(([k, v]) => [k, ((v - (busy0.pgByKind[k] ?? 0)) / total) * 1000] as const)
        .filter(([, v]) => v > 0),
    ),
    // Cores busy on average during the run (of cpus().length).
    cores: (busy1.busy - busy0.busy) / ms,
  };
}
