/**
 * Many verifiers, one truth: verifier PROCESSES (test/verifier-server.ts, the library's HTTP
 * middleware) share one Redis replay store and one PostgreSQL ledger, both real servers started
 * here. Every token is accepted once overall, the ledger holds it once with an intact chain and
 * receipts; and the faults: a verifier killed mid-append, Redis stopped, PostgreSQL restarted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresLedger } from '../src/stores/postgres.ts';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './servers.ts';
import {
  fixture,
  send,
  shuffled,
  startVerifier,
  tokens,
  type Fixture,
  type Outcome,
  type Verifier,
  type VerifierConfig,
} from './verifiers.ts';

let redis: RedisServer;
let postgres: PostgresServer;
let f: Fixture;
const running: Verifier[] = [];

beforeAll(async () => {
  [redis, postgres, f] = await Promise.all([startRedis(), startPostgres(), fixture()]);
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((v) => v.stop()));
  await Promise.all([redis?.stop(), postgres?.stop()]);
  f?.remove();
}, 60_000);

const config = (name: string): VerifierConfig => ({
  redis: redis.url,
  pg: postgres.url(),
  schema: name,
  prefix: `${name}:`,
});

async function verifiers(n: number, c: VerifierConfig): Promise<Verifier[]> {
  const vs = await Promise.all(Array.from({ length: n }, () => startVerifier(f, c)));
  running.push(...vs);
  return vs;
}

/** The shared ledger as a reader sees it, checked: every entry once, chain and receipts intact. */
async function ledgerOf(c: VerifierConfig) {
  const l = await PostgresLedger.connect(c.pg, { schema: c.schema });
  try {
    const entries = await l.entries();
    const chain = await l.verifyChain();
    return { entries, chain, signsReceipts: l.signsReceipts, tokens: new Set(entries.map((e) => e.token)) };
  } finally {
    await l.close();
  }
}

const acceptedCount = (outcomes: Outcome[]) => {
  const m = new Map<string, number>();
  for (const o of outcomes) if (o.status === 200) m.set(o.jti, (m.get(o.jti) ?? 0) + 1);
  return m;
};

describe('4 verifier processes, one Redis, one PostgreSQL', () => {
  it('2,000 tokens sent to every verifier in its own order, replays among them: each accepted exactly once', async () => {
    const c = config('many');
    const list = await tokens(f, 2000, 'a');
    const vs = await verifiers(4, c);
    const jobs = vs.map((v, k) =>
      shuffled([...shuffled(list, k + 1), ...shuffled(list, k + 11).slice(0, 50)], k + 21).map((t) => ({
        port: v.port,
        ...t,
      })),
    );
    const outcomes = (await Promise.all(jobs.map((j) => send(j, 6)))).flat();
    expect(outcomes).toHaveLength(4 * 2050);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 403)).toEqual([]);
    const accepted = acceptedCount(outcomes);
    expect(accepted.size).toBe(2000);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    for (const o of outcomes.filter((x) => x.status === 403))
      expect(['replay', 'duplicate_jti']).toContain(o.body.code);
    // The work was shared: every process accepted some.
    const byPid = new Map<unknown, number>();
    for (const o of outcomes) if (o.status === 200) byPid.set(o.body.pid, (byPid.get(o.body.pid) ?? 0) + 1);
    expect(byPid.size).toBe(4);
    const seqs = outcomes.filter((o) => o.status === 200).map((o) => o.body.seq as number);
    expect(seqs.sort((a, b) => a - b)).toEqual(list.map((_, i) => i + 1));

    const ledger = await ledgerOf(c);
    expect(ledger.entries).toHaveLength(2000);
    expect(ledger.tokens).toEqual(new Set(list.map((t) => t.token)));
    expect(ledger.signsReceipts).toBe(true);
    expect(ledger.entries.every((e) => typeof e.receipt === 'string')).toBe(true);
    expect(ledger.chain).toMatchObject({ ok: true, length: 2000 });
  }, 240_000);

  it('a verifier SIGKILLed mid-append, then restarted: nothing half written, the chain intact', async () => {
    const c = config('killed');
    const list = await tokens(f, 300, 'b');
    const [victim, other] = await verifiers(2, c);
    let killed = false;
    const first = await send(
      list.map((t) => ({ port: victim!.port, ...t })),
      24,
      {
        onProgress: (done) => {
          if (done === 100 && !killed) {
            killed = true;
            victim!.proc.kill('SIGKILL');
          }
        },
      },
    );
    expect(await victim!.exited).toBe('SIGKILL');
    const cut = first.filter((o) => o.status === 0);
    expect(cut.length).toBeGreaterThan(0); // requests were in flight when it died
    const mid = await ledgerOf(c);
    expect(mid.chain).toMatchObject({ ok: true, length: mid.entries.length });
    // Every answered acceptance is in the ledger, once.
    for (const o of first.filter((x) => x.status === 200)) expect(mid.tokens.has(o.token)).toBe(true);
    expect(mid.tokens.size).toBe(mid.entries.length);

    // Restarted: it and the other verifier get everything again.
    const [restarted] = await verifiers(1, c);
    const second = await send(
      list.flatMap((t) => [
        { port: restarted!.port, ...t },
        { port: other!.port, ...t },
      ]),
      12,
    );
    expect(second.filter((o) => o.status !== 200 && o.status !== 403)).toEqual([]);
    const accepted = acceptedCount([...first, ...second]);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    const end = await ledgerOf(c);
    expect(end.chain).toMatchObject({ ok: true, length: end.entries.length });
    expect(end.tokens.size).toBe(end.entries.length); // none twice
    for (const jti of accepted.keys()) expect(end.entries.some((e) => e.jti === jti)).toBe(true);
    // A token lost with the process was recorded as seen but not appended: it is refused, never accepted twice.
    expect(end.entries.length).toBeGreaterThanOrEqual(accepted.size);
    expect(end.entries.every((e) => typeof e.receipt === 'string')).toBe(true);
  }, 180_000);

  it('Redis stopped mid-run: verification fails closed with a clear error; back up, replays are still refused', async () => {
    const c = config('redisdown');
    const list = await tokens(f, 300, 'c');
    const vs = await verifiers(2, c);
    let stopped = false;
    const outcomes = await send(
      list.map((t, i) => ({ port: vs[i % 2]!.port, ...t })),
      8,
      {
        isLate: () => stopped,
        onProgress: (done) => {
          if (done === 100 && !stopped) {
            redis.kill();
            stopped = true;
          }
        },
      },
    );
    const late = outcomes.filter((o) => o.late);
    expect(late.length).toBeGreaterThan(150);
    // Not one token sent while Redis was down was accepted: each got a 503 naming the cause.
    expect(late.filter((o) => o.status !== 503)).toEqual([]);
    for (const o of late) expect(o.body).toMatchObject({ error: 'store_unavailable' });
    for (const o of late) expect(String(o.body.message)).toMatch(/replay store or ledger did not answer/);
    const ledger = await ledgerOf(c);
    for (const o of late) expect(ledger.tokens.has(o.token)).toBe(false);
    expect(ledger.chain.ok).toBe(true);

    // Redis back, empty (no persistence): the ledger still refuses a token it holds (duplicate_jti).
    await redis.start();
    // The verifiers reconnect on their own (backing off up to 2 s): until then they still answer 503.
    const probe = outcomes.find((o) => o.status === 200)!;
    await expect
      .poll(async () => (await send([{ port: vs[0]!.port, ...probe }], 1))[0]!.status, {
        timeout: 20_000,
        interval: 250,
      })
      .toBe(403);
    const acceptedBefore = outcomes.filter((o) => o.status === 200);
    expect(acceptedBefore.length).toBeGreaterThan(0);
    const retry = await send(
      [...acceptedBefore.slice(0, 20), ...late.slice(0, 20)].map((o) => ({ port: vs[0]!.port, ...o })),
      4,
    );
    expect(retry.slice(0, 20).map((o) => o.status)).toEqual(Array(20).fill(403));
    expect(retry.slice(20).map((o) => o.status)).toEqual(Array(20).fill(200));
  }, 180_000);

  it('PostgreSQL restarted mid-run: appends in flight retry; nothing lost, nothing written twice', async () => {
    const c = config('pgrestart');
    const list = await tokens(f, 300, 'd');
    const vs = await verifiers(2, c);
    let restart: Promise<void> | undefined;
    const outcomes = await send(
      list.map((t, i) => ({ port: vs[i % 2]!.port, ...t })),
      12,
      {
        onProgress: (done) => {
          if (done === 100 && !restart) restart = postgres.restart('fast');
        },
      },
    );
    await restart;
    expect(restart).toBeDefined();
    // Each answer is an acceptance or a clean 503 (retries exhausted): never a 500, never no answer.
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
    const ledger = await ledgerOf(c);
    expect(ledger.chain).toMatchObject({ ok: true, length: ledger.entries.length });
    expect(ledger.tokens.size).toBe(ledger.entries.length);
    for (const o of outcomes.filter((x) => x.status === 200)) expect(ledger.tokens.has(o.token)).toBe(true);
    // Reads and appends both wait out the restart (retryMs 15 s; the restart takes 1-3 s): every
    // token is accepted.
    expect(outcomes.filter((o) => o.status === 200).length).toBe(list.length);
  }, 180_000);
});
