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
 * verifier process (used by the bench itself). For measuring a change:
 * - BENCH_PROCS=1,2 runs only those process counts; BENCH_ROUNDS=n that many rounds;
 * - BENCH_IN_FLIGHT=n verifications in flight per process (default 32);
 * - BENCH_BASE=<another build of this bench, e.g. main's dist-bench/stores.mjs> and/or
 *   BENCH_BASE_IN_FLIGHT=n: every run is made twice, by the base's workers (that build, that many
 *   in flight) and by this one's, in alternating order, against the same servers in the same
 *   round; the ratios this / base are printed; BENCH_BASE_COLD=1: the base warms up the old way
 *   (a ledger of its own: cold connections in the timed run), as BENCH_COLD=1 does for this one;
 * - BENCH_PGSTAT=1 loads pg_stat_statements and prints, for each run of the first round, the
 *   statements' calls per token and execution time (wall time, not CPU).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken, generateSigningKey, MemoryLedger, MemoryReplayStore, parseTrustStore } from 'wimse-ect';
import { PostgresLedger } from 'wimse-ect/postgres';
import { startPostgres, startRedis } from '../packages/ect/test/servers.ts';
import { coreScaling } from './cores.ts';
import {
  AUD,
  IN_FLIGHT,
  ISS,
  ledgerKeyOf,
  sharedRun,
  verifyAll,
  worker,
  type WorkerConfig,
} from './stores-run.ts';

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

const quick = process.env.BENCH_QUICK === '1';
const env = process.env;

type Run = Awaited<ReturnType<typeof sharedRun>>;
type Result = { memory: number; load: number; runs: Partial<Record<`${Variant}${1 | 2 | 4}`, Run>> };
type Variant = 'this' | 'base';

/** pg_stat_statements, per token of the run just made: the statements that took the most time. */
async function statements(pg: string, total: number, reset: boolean): Promise<string[]> {
  const { Client } = await import('pg');
  const c = new Client(pg);
  await c.connect();
  try {
    if (reset) {
      await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await c.query('SELECT pg_stat_statements_reset()');
      return [];
    }
    const r = await c.query<{ calls: string; rows: string; ms: number; query: string }>(
      `SELECT calls, rows, total_exec_time AS ms, query FROM pg_stat_statements
        WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 10`,
    );
    return r.rows.map(
      (s) =>
        `  ${(Number(s.calls) / total).toFixed(3)} calls/token, ${((s.ms * 1000) / total).toFixed(1)} us/token, ${(Number(s.rows) / Math.max(1, Number(s.calls))).toFixed(1)} rows/call: ${s.query.replace(/\s+/g, ' ').slice(0, 110)}`,
    );
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const total = quick ? 800 : 2000;
  // Rounds of (memory, 1, 2, 4 processes), back to back: the machine's load moves within seconds
  // (other sessions' builds), so each ratio is taken within one round, and the medians reported.
  const rounds = Number(env.BENCH_ROUNDS ?? (quick ? 1 : 3));
  const counts = (env.BENCH_PROCS ?? '1,2,4').split(',').map(Number) as (1 | 2 | 4)[];
  const baseScript = env.BENCH_BASE;
  const baseInFlight = Number(env.BENCH_BASE_IN_FLIGHT ?? IN_FLIGHT);
  const pgstat = env.BENCH_PGSTAT === '1';
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

  const [redis, postgres] = await Promise.all([
    startRedis(),
    startPostgres(
      pgstat ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {},
    ),
  ]);
  const ports = { redis: redis.port, postgres: postgres.port };
  const dir = mkdtempSync(join(tmpdir(), 'ect-bench-'));
  const warmupFile = join(dir, 'warmup.json');
  writeFileSync(warmupFile, JSON.stringify(warm));
  const variants: Variant[] =
    baseScript || env.BENCH_BASE_IN_FLIGHT || env.BENCH_BASE_COLD ? ['base', 'this'] : ['this'];
  const results: Result[] = [];
  let perToken: { commits: number; commands: number } | null = null;
  try {
    for (let round = 0; round < rounds; round++) {
      const r: (typeof results)[number] = { memory: await memoryRun(), load: loadavg()[0]!, runs: {} };
      for (const n of counts) {
        const tokensFile = join(dir, `r${round}p${n}.json`);
        writeFileSync(tokensFile, JSON.stringify(await makeSet()));
        // Alternate which build goes first, so that a drift of the load within a round evens out.
        for (const v of round % 2 ? [...variants].reverse() : variants) {
          const schema = `bench_r${round}_p${n}_${v}`;
          const counting = round === 0 && n === counts[0] && v === 'this';
          const before = counting ? await serverCounters(postgres.url(), redis.url) : null;
          if (pgstat && round === 0) await statements(postgres.url(), total, true);
          const run = await sharedRun(
            n,
            {
              redis: redis.url,
              pg: postgres.url(),
              schema,
              prefix: `bench${round}_${n}_${v}:`,
              tokensFile,
              trust,
              ledgerJwk,
              warmupFile,
            },
            total,
            {
              ports,
              script: v === 'base' ? baseScript : undefined,
              inFlight: v === 'base' ? baseInFlight : IN_FLIGHT,
              cold: (v === 'base' ? env.BENCH_BASE_COLD : env.BENCH_COLD) === '1',
            },
          );
          r.runs[`${v}${n}`] = run;
          if (pgstat && round === 0) {
            console.log(
              `pg_stat_statements, ${n} process(es), ${v}; PostgreSQL CPU per token by live process kind: ${JSON.stringify(run.pgByKindUs)} us, exited ${run.pgExitedUs.toFixed(0)} us`,
            );
            for (const line of await statements(postgres.url(), total, false)) console.log(line);
          }
          if (before) {
            // Round trips of one process, per token (the warm-up of 200 tokens is included: small).
            const after = await serverCounters(postgres.url(), redis.url);
            perToken = {
              commits: (after.commits - before.commits) / (total + 200),
              commands: (after.commands - before.commands) / (total + 200),
            };
          }
          const check = await PostgresLedger.connect(postgres.url(), { schema, migrate: false });
          const report = await check.verifyChain();
          await check.close();
          if (!report.ok || report.length !== total + run.warmed)
            throw new Error(`${schema}: chain ${JSON.stringify(report)}`);
        }
      }
      results.push(r);
    }
  } finally {
    await Promise.all([redis.stop(), postgres.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  printReport(results, counts, variants, total, rounds, perToken);
  // The same question without any store: two processes of pure computation against one.
  const cores = await coreScaling();
  console.log(
    `two processes of pure computation (ES256 verifications, no I/O) on these ${cpus().length} cores: ${x2(cores.scale)}x one alone (CPU per verification ${cores.oneCpuUs.toFixed(1)} us alone, ${cores.twoCpuUs.toFixed(1)} us two at once; load ${loadavg()[0]!.toFixed(1)})`,
  );
  const get = (v: Variant, n: 1 | 2 | 4) =>
    results.map((r) => r.runs[`${v}${n}`]).filter((x) => x !== undefined);
  const ratio = (a: number[], b: number[]) => a.map((x, i) => x / b[i]!);
  const p = (v: Variant, n: 1 | 2 | 4) => get(v, n).map((x) => x.perS);
  const has = (n: 1 | 2 | 4) => counts.includes(n);
  console.log(
    JSON.stringify({
      storesMemoryPerS: Math.round(median(results.map((r) => r.memory))),
      storesShared1PerS: has(1) ? Math.round(median(p('this', 1))) : null,
      storesShared2PerS: has(2) ? Math.round(median(p('this', 2))) : null,
      storesShared4PerS: has(4) ? Math.round(median(p('this', 4))) : null,
      storesCostPerProcess: has(1)
        ? Number(
            x2(
              median(
                ratio(
                  results.map((r) => r.memory),
                  p('this', 1),
                ),
              ),
            ),
          )
        : null,
      storesScale2: has(1) && has(2) ? Number(x2(median(ratio(p('this', 2), p('this', 1))))) : null,
      storesScale4: has(1) && has(4) ? Number(x2(median(ratio(p('this', 4), p('this', 1))))) : null,
      storesScale2Ceiling: has(1) && has(2) ? Number(x2(median(boundsOf(results, 'this').ceiling))) : null,
      storesScale2BusyBound: has(1) && has(2) ? Number(x2(median(boundsOf(results, 'this').busy))) : null,
      coresScale2: Number(x2(cores.scale)),
      coresCpuUs: [Number(cores.oneCpuUs.toFixed(1)), Number(cores.twoCpuUs.toFixed(1))],
      pgTransactionsPerToken: perToken ? Number(perToken.commits.toFixed(3)) : null,
      redisCommandsPerToken: perToken ? Number(perToken.commands.toFixed(3)) : null,
      inFlight: IN_FLIGHT,
      load: results.map((r) => Number(r.load.toFixed(1))),
      cpu: Object.fromEntries(
        variants.flatMap((v) =>
          counts.map((n) => [
            `${v}${n}`,
            Object.fromEntries(
              (
                [
                  'workerUs',
                  'workerSystemUs',
                  'machineUs',
                  'redisUs',
                  'postgresUs',
                  'pgBackendsUs',
                  'cores',
                ] as const
              ).map((k) => [k, Number(median(get(v, n).map((x) => x[k])).toFixed(k === 'cores' ? 2 : 0))]),
            ),
          ]),
        ),
      ),
    }),
  );
}

/**
 * What two processes could give at most on this machine, per round: its cores over the CPU time one
 * token costs in the 2-process run (the verifiers, Redis and PostgreSQL, which share the cores here;
 * other load is left out), against one process's throughput in the same round (`ceiling`); and the
 * same against a single process that kept its own core busy, 2 V1 / (V2 + S) (`busy`): the measured
 * 1-process run waits on its round trips part of the time.
 */
function boundsOf(results: Result[], v: Variant): { ceiling: number[]; busy: number[] } {
  const ceiling = results.map((r) => {
    const c = r.runs[`${v}2`]!;
    return (cpus().length * 1e6) / (c.workerUs + c.redisUs + c.postgresUs) / r.runs[`${v}1`]!.perS;
  });
  const busy = results.map((r) => {
    const c = r.runs[`${v}2`]!;
    return (2 * r.runs[`${v}1`]!.workerUs) / (c.workerUs + c.redisUs + c.postgresUs);
  });
  return { ceiling, busy };
}

const fmt = (x: number) => `${Math.round(x).toLocaleString('en')}`;
const range = (xs: number[], f = fmt) => `${f(Math.min(...xs))}-${f(Math.max(...xs))}`;
const x2 = (x: number) => x.toFixed(2);

function printReport(
  results: Result[],
  counts: (1 | 2 | 4)[],
  variants: Variant[],
  total: number,
  rounds: number,
  perToken: { commits: number; commands: number } | null,
): void {
  const mem = results.map((r) => r.memory);
  console.log(
    `\nShared stores (${rounds} rounds of ${total} tokens a run, ${IN_FLIGHT} in flight per process; ${cpus().length} CPUs, load ${range(
      results.map((r) => r.load),
      (x) => x.toFixed(1),
    )})`,
  );
  console.log(`memory, 1 thread           ${fmt(median(mem))} (${range(mem)})`);
  for (const v of variants) {
    const of = (n: 1 | 2 | 4) => results.map((r) => r.runs[`${v}${n}`]!);
    const perS = (n: 1 | 2 | 4) => of(n).map((x) => x.perS);
    if (variants.length > 1)
      console.log(
        `-- ${v === 'base' ? `base (${env.BENCH_BASE ?? 'this build'}, ${env.BENCH_BASE_IN_FLIGHT ?? IN_FLIGHT} in flight${env.BENCH_BASE_COLD === '1' ? ', cold' : ''})` : 'this build'}`,
      );
    console.log(
      `run                        tokens/s (median, range)   ratio in the same round (median, range)`,
    );
    for (const n of counts) {
      const within =
        n === 1
          ? `memory / 1 process ${x2(median(mem.map((m, i) => m / perS(1)[i]!)))}x (${range(
              mem.map((m, i) => m / perS(1)[i]!),
              x2,
            )}), target <= 2`
          : counts.includes(1)
            ? `${x2(median(perS(n).map((x, i) => x / perS(1)[i]!)))}x one (${range(
                perS(n).map((x, i) => x / perS(1)[i]!),
                x2,
              )})${n === 2 ? ', target >= 1.6' : ''}`
            : '';
      console.log(`Redis + PostgreSQL, ${n} p.   ${fmt(median(perS(n)))} (${range(perS(n))})   ${within}`);
    }
    for (const n of counts) {
      const c = of(n);
      const m = (k: Exclude<keyof Run, 'pgByKindUs'>) => fmt(median(c.map((x) => x[k])));
      console.log(
        `CPU per token, ${n} p.: verifiers ${m('workerUs')} us (${m('workerSystemUs')} in the kernel), Redis ${m(
          'redisUs',
        )} us, PostgreSQL ${m('postgresUs')} us (backends ${m('pgBackendsUs')}, background ${m(
          'pgBackgroundUs',
        )}, exited ${m('pgExitedUs')}), whole machine ${m('machineUs')} us; cores busy ${median(
          c.map((x) => x.cores),
        ).toFixed(2)} of ${cpus().length}`,
      );
    }
    if (counts.includes(1) && counts.includes(2)) {
      const { ceiling, busy: busyBound } = boundsOf(results, v);
      console.log(
        `most 2 processes could give on ${cpus().length} cores at that CPU per token (verifiers + Redis + PostgreSQL): ${x2(median(ceiling))}x one (${range(ceiling, x2)})`,
      );
      const oneBusy = results.map((r) => (r.runs[`${v}1`]!.perS * r.runs[`${v}1`]!.workerUs) / 1e6);
      console.log(
        `the same against one process keeping its core busy, 2 V1 / (V2 + S): ${x2(median(busyBound))}x (${range(busyBound, x2)}); the 1-process verifier used ${x2(median(oneBusy))} of a core`,
      );
    }
  }
  if (variants.length > 1)
    for (const n of counts) {
      const q = results.map((r) => r.runs[`this${n}`]!.perS / r.runs[`base${n}`]!.perS);
      const pg = results.map((r) => r.runs[`this${n}`]!.postgresUs / r.runs[`base${n}`]!.postgresUs);
      console.log(
        `this / base, ${n} p.: tokens/s ${x2(median(q))}x (${range(q, x2)}), PostgreSQL CPU per token ${x2(median(pg))}x (${range(pg, x2)})`,
      );
    }
  if (perToken)
    console.log(
      `per token, 1 process: ${perToken.commits.toFixed(2)} PostgreSQL transactions, ${perToken.commands.toFixed(2)} Redis commands`,
    );
}

if (process.argv[2] === 'worker') await worker(JSON.parse(process.argv[3]!) as WorkerConfig);
else await main();
