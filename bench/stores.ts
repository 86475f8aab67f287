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
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { coreScaling } from './cores.ts';

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
  const cpu0 = process.cpuUsage();
  const ok = await verifyAll(tokens, { trust, audience: AUD, replay, ledger });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    `${JSON.stringify({ ok, ms, cpuMs: (cpu.user + cpu.system) / 1000, systemMs: cpu.system / 1000 })}\n`,
  );
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
  const busy0 = machineCpu();
  for (const p of procs) p.stdin!.end('go\n');
  const results = (await Promise.all(lines.map((next) => next()))).map(
    (l) => JSON.parse(l) as { ok: number; cpuMs: number; systemMs: number },
  );
  const ms = performance.now() - t0;
  const busy1 = machineCpu();
  await Promise.all(
    procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))),
  );
  const ok = results.reduce((s, r) => s + r.ok, 0);
  if (ok !== total) throw new Error(`${n} processes accepted ${ok} of ${total} tokens`);
  return {
    perS: (total / ms) * 1000,
    // CPU time per token: in the verifier processes, and on the whole machine (servers included).
    workerUs: (results.reduce((s, r) => s + r.cpuMs, 0) / total) * 1000,
    // Of which in the kernel (system time): on loopback, sending also delivers to the server.
    workerSystemUs: (results.reduce((s, r) => s + r.systemMs, 0) / total) * 1000,
    machineUs: ((busy1.busy - busy0.busy) / total) * 1000,
    redisUs: ((busy1.redis - busy0.redis) / total) * 1000,
    postgresUs: ((busy1.postgres - busy0.postgres) / total) * 1000,
    // Cores busy on average during the run (of cpus().length).
    cores: (busy1.busy - busy0.busy) / ms,
  };
}

/**
 * Milliseconds of CPU time spent since boot by the whole machine (all cores; /proc/stat), and by
 * the processes named redis-server and postgres: their own and that of their children that have
 * exited (a PostgreSQL backend's time goes to the postmaster's when its connection closes).
 */
function machineCpu(): { busy: number; redis: number; postgres: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const ticks = f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3]! - f[4]!;
  let redis = 0;
  let postgres = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime (fields 14-17 of proc(5))
    const t = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
    if (name.startsWith('redis-server')) redis += t;
    else if (name === 'postgres') postgres += t;
  }
  return { busy: ticks * 10, redis: redis * 10, postgres: postgres * 10 }; // USER_HZ is 100 on Linux
}

/** The median of a few numbers. */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Counters of the servers: PostgreSQL transactions committed, Redis commands processed. */
async function serverCounters(pg: string, redisUrl: string): Promise<{ commits: number; commands: number }> {
  const { Client } = await import('pg');
  const { createClient } = await import('redis');
  const c = new Client(pg);
  await c.connect();
  // The cumulative statistics are flushed by each backend at most once a second (PostgreSQL 15).
  await new Promise((r) => setTimeout(r, 1100));
  const r = await c.query<{ n: string }>('SELECT sum(xact_commit)::bigint AS n FROM pg_stat_database');
  await c.end();
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  const info = await redis.info('stats');
  await redis.quit();
  return {
    commits: Number(r.rows[0]?.n ?? 0),
    commands: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0),
  };
}

async function main(): Promise<void> {
  const total = quick ? 800 : 2000;
  // Rounds of (memory, 1, 2, 4 processes), back to back: the machine's load moves within seconds
  // (other sessions' builds), so each ratio is taken within one round, and the medians reported.
  const rounds = quick ? 1 : 3;
  const agent = await generateSigningKey({ kid: 'agent-a', extractable: true });
  const ledgerKey = await generateSigningKey({ kid: 'bench-ledger', extractable: true });
  const trust = { issuers: { [ISS]: { keys: [agent.publicJwk] } } };
  const now = Math.floor(Date.now() / 1000);
  const makeSet = () =>
    Promise.all(
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
  const ledgerJwk = { ...(ledgerKey.privateJwk as Record<string, string>), kid: ledgerKey.kid };
  const warm = await makeSet();

  // In memory, one thread: the same verification, replay check and signed append.
  const memTrust = parseTrustStore(trust);
  await verifyAll(warm.slice(0, 400), {
    trust: memTrust,
    audience: AUD,
    replay: new MemoryReplayStore(),
    ledger: new MemoryLedger(),
  });
  const memKey = await ledgerKeyOf(ledgerJwk);
  const memoryRun = async () => {
    const tokens = await makeSet();
    const t0 = performance.now();
    const ok = await verifyAll(tokens, {
      trust: memTrust,
      audience: AUD,
      replay: new MemoryReplayStore(),
      ledger: new MemoryLedger({ key: memKey }),
    });
    if (ok !== total) throw new Error(`memory accepted ${ok} of ${total}`);
    return (total / (performance.now() - t0)) * 1000;
  };

  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const dir = mkdtempSync(join(tmpdir(), 'ect-bench-'));
  type Cpu = {
    workerUs: number;
    workerSystemUs: number;
    machineUs: number;
    redisUs: number;
    postgresUs: number;
    cores: number;
  };
  const results: {
    memory: number;
    p1: number;
    p2: number;
    p4: number;
    load: number;
    cpu: Partial<Record<'p1' | 'p2' | 'p4', Cpu>>;
  }[] = [];
  let perToken: { commits: number; commands: number } | null = null;
  try {
    for (let round = 0; round < rounds; round++) {
      const r = {
        memory: await memoryRun(),
        p1: 0,
        p2: 0,
        p4: 0,
        load: loadavg()[0]!,
        cpu: {} as Partial<Record<'p1' | 'p2' | 'p4', Cpu>>,
      };
      for (const n of [1, 2, 4] as const) {
        const tokensFile = join(dir, `r${round}p${n}.json`);
        writeFileSync(tokensFile, JSON.stringify(await makeSet()));
        const schema = `bench_r${round}_p${n}`;
        const before = round === 0 && n === 1 ? await serverCounters(postgres.url(), redis.url) : null;
        const run = await sharedRun(
          n,
          {
            redis: redis.url,
            pg: postgres.url(),
            schema,
            prefix: `bench${round}_${n}:`,
            tokensFile,
            trust,
            ledgerJwk,
            warmup: warm.slice(0, 200),
          },
          total,
        );
        r[`p${n}`] = run.perS;
        r.cpu[`p${n}`] = run;
        if (before) {
          // Round trips of one process, per token: the warm-up and the check below are left out
          // by counting only over the measured run (the warm-up of 200 tokens is included: small).
          const after = await serverCounters(postgres.url(), redis.url);
          perToken = {
            commits: (after.commits - before.commits) / (total + 200),
            commands: (after.commands - before.commands) / (total + 200),
          };
        }
        const check = await PostgresLedger.connect(postgres.url(), { schema, migrate: false });
        const report = await check.verifyChain();
        await check.close();
        if (!report.ok || report.length !== total)
          throw new Error(`${schema}: chain ${JSON.stringify(report)}`);
      }
      results.push(r);
    }
  } finally {
    await Promise.all([redis.stop(), postgres.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  const fmt = (x: number) => `${Math.round(x).toLocaleString('en')}`;
  const range = (xs: number[], f = fmt) => `${f(Math.min(...xs))}-${f(Math.max(...xs))}`;
  const x2 = (x: number) => x.toFixed(2);
  const cost = results.map((r) => r.memory / r.p1);
  const scale2 = results.map((r) => r.p2 / r.p1);
  const scale4 = results.map((r) => r.p4 / r.p1);
  const col = (k: 'memory' | 'p1' | 'p2' | 'p4') => results.map((r) => r[k]);
  console.log(
    `\nShared stores (${rounds} rounds of ${total} tokens a run, ${IN_FLIGHT} in flight per process; ${cpus().length} CPUs, load ${range(
      results.map((r) => r.load),
      (x) => x.toFixed(1),
    )})`,
  );
  console.log(
    `run                        tokens/s (median, range)   ratio in the same round (median, range)`,
  );
  console.log(`memory, 1 thread           ${fmt(median(col('memory')))} (${range(col('memory'))})`);
  console.log(
    `Redis + PostgreSQL, 1 p.   ${fmt(median(col('p1')))} (${range(col('p1'))})   memory / 1 process ${x2(median(cost))}x (${range(cost, x2)}), target <= 2`,
  );
  console.log(
    `Redis + PostgreSQL, 2 p.   ${fmt(median(col('p2')))} (${range(col('p2'))})   ${x2(median(scale2))}x one (${range(scale2, x2)}), target >= 1.6`,
  );
  console.log(
    `Redis + PostgreSQL, 4 p.   ${fmt(median(col('p4')))} (${range(col('p4'))})   ${x2(median(scale4))}x one (${range(scale4, x2)})`,
  );
  for (const k of ['p1', 'p2', 'p4'] as const) {
    const c = results.map((r) => r.cpu[k]!);
    console.log(
      `CPU per token, ${k.slice(1)} p.: verifiers ${fmt(median(c.map((x) => x.workerUs)))} us (${fmt(
        median(c.map((x) => x.workerSystemUs)),
      )} in the kernel), Redis ${fmt(
        median(c.map((x) => x.redisUs)),
      )} us, PostgreSQL ${fmt(median(c.map((x) => x.postgresUs)))} us, whole machine ${fmt(
        median(c.map((x) => x.machineUs)),
      )} us; cores busy ${median(c.map((x) => x.cores)).toFixed(2)} of ${cpus().length}`,
    );
  }
  // What two processes could give at most on this machine: its cores over the CPU time one token
  // costs in the 2-process run (the verifiers, Redis and PostgreSQL, which share the cores here;
  // other load on the machine is left out), against one process's throughput in the same round.
  const ceiling = results.map((r) => {
    const c = r.cpu.p2!;
    return (cpus().length * 1e6) / (c.workerUs + c.redisUs + c.postgresUs) / r.p1;
  });
  console.log(
    `most 2 processes could give on ${cpus().length} cores at that CPU per token (verifiers + Redis + PostgreSQL): ${x2(median(ceiling))}x one (${range(ceiling, x2)})`,
  );
  // The same question without any store: two processes of pure computation against one.
  const cores = await coreScaling();
  console.log(
    `two processes of pure computation (ES256 verifications, no I/O) on these ${cpus().length} cores: ${x2(cores.scale)}x one alone (CPU per verification ${cores.oneCpuUs.toFixed(1)} us alone, ${cores.twoCpuUs.toFixed(1)} us two at once; load ${loadavg()[0]!.toFixed(1)})`,
  );
  if (perToken)
    console.log(
      `per token, 1 process: ${perToken.commits.toFixed(2)} PostgreSQL transactions, ${perToken.commands.toFixed(2)} Redis commands`,
    );
  console.log(
    JSON.stringify({
      storesMemoryPerS: Math.round(median(col('memory'))),
      storesShared1PerS: Math.round(median(col('p1'))),
      storesShared2PerS: Math.round(median(col('p2'))),
      storesShared4PerS: Math.round(median(col('p4'))),
      storesCostPerProcess: Number(x2(median(cost))),
      storesScale2: Number(x2(median(scale2))),
      storesScale4: Number(x2(median(scale4))),
      storesScale2Ceiling: Number(x2(median(ceiling))),
      coresScale2: Number(x2(cores.scale)),
      coresCpuUs: [Number(cores.oneCpuUs.toFixed(1)), Number(cores.twoCpuUs.toFixed(1))],
      pgTransactionsPerToken: perToken ? Number(perToken.commits.toFixed(3)) : null,
      redisCommandsPerToken: perToken ? Number(perToken.commands.toFixed(3)) : null,
      load: results.map((r) => Number(r.load.toFixed(1))),
      cpu: Object.fromEntries(
        (['p1', 'p2', 'p4'] as const).map((k) => [
          k,
          {
            workerUs: Math.round(median(results.map((r) => r.cpu[k]!.workerUs))),
            workerSystemUs: Math.round(median(results.map((r) => r.cpu[k]!.workerSystemUs))),
            machineUs: Math.round(median(results.map((r) => r.cpu[k]!.machineUs))),
            redisUs: Math.round(median(results.map((r) => r.cpu[k]!.redisUs))),
            postgresUs: Math.round(median(results.map((r) => r.cpu[k]!.postgresUs))),
            cores: Number(median(results.map((r) => r.cpu[k]!.cores)).toFixed(2)),
          },
        ]),
      ),
    }),
  );
}

if (process.argv[2] === 'worker') await worker(JSON.parse(process.argv[3]!) as WorkerConfig);
else await main();
