/**
 * The shared store suites on every implementation (memory, Redis, PostgreSQL on real servers
 * started here), then what only the shared stores do: fail closed, refuse changes in the database
 * itself, survive a restart, reject bad connection strings with one clear message.
 */
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createToken,
  generateSigningKey,
  MemoryTaskStore,
  parseTrustStore,
  SharedStoreError,
  StoreError,
  verifyToken,
  type LedgerKey,
} from '../src/index.ts';
import { RedisReplayStore } from '../src/stores/redis.ts';
import { migrate, PostgresLedger, SCHEMA_VERSION } from '../src/stores/postgres.ts';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './servers.ts';
import { l1, ledgerSuite, replayStoreSuite } from './store-suites.ts';

let redis: RedisServer;
let postgres: PostgresServer;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
}, 120_000);

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => undefined);
  await Promise.all([redis?.stop(), postgres?.stop()]);
}, 60_000);

let schemas = 0;
const nextSchema = () => `t${process.pid}_${++schemas}`;

async function pgLedger(opts: { key?: LedgerKey; schema?: string; retryMs?: number } = {}) {
  const l = await PostgresLedger.connect(postgres.url(), { schema: nextSchema(), ...opts });
  closers.push(() => l.close());
  return l;
}

async function redisReplay(prefix = `p${process.pid}:${++schemas}:`) {
  const s = await RedisReplayStore.connect(redis.url, { prefix });
  closers.push(() => s.close());
  return s;
}

// The same suites on the in-memory stores run with the unit tests (stores.test.ts).
replayStoreSuite('Redis', () => redisReplay());
ledgerSuite('PostgreSQL', (opts) => pgLedger(opts));

const future = () => Math.floor(Date.now() / 1000) + 600;

describe('Redis replay store: fails closed', () => {
  it('two connections racing for 200 jtis: each jti is recorded by exactly one', async () => {
    const prefix = `race${process.pid}:`;
    const [a, b] = await Promise.all([redisReplay(prefix), redisReplay(prefix)]);
    const jtis = Array.from({ length: 200 }, (_, i) => `j${i}`);
    const [ra, rb] = await Promise.all([
      Promise.all(jtis.map((j) => a.checkAndRecord(j, future()))),
      Promise.all([...jtis].reverse().map((j) => b.checkAndRecord(j, future()))),
    ]);
    rb.reverse();
    expect(jtis.filter((_, i) => ra[i] === rb[i])).toEqual([]);
  });

  it('with the server down, every check rejects with reason unavailable (never true); back up, it answers', async () => {
    const s = await redisReplay();
    expect(await s.checkAndRecord('before', future())).toBe(true);
    redis.kill();
    for (const jti of ['during-1', 'during-2', 'before']) {
      const err = await s.checkAndRecord(jti, future()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SharedStoreError);
      expect(err).toMatchObject({ reason: 'unavailable', store: 'redis' });
      expect((err as Error).message).toMatch(
        /Redis replay store at redis:\/\/127\.0\.0\.1:\d+.*not accepted/,
      );
    }
    await redis.start();
    await expect
      .poll(() => s.checkAndRecord('after', future()).catch(() => 'down'), { timeout: 10_000 })
      .toBe(true);
  });

  it.each([
    ['http://127.0.0.1:6379', 'config', /not a Redis URL \(scheme http\)/],
    ['127.0.0.1:6379', 'config', /not a Redis URL|not a URL/],
    ['not a url', 'config', /not a URL/],
    [
      'redis://127.0.0.1:1',
      'unavailable',
      /cannot connect to the Redis replay store at redis:\/\/127\.0\.0\.1:1/,
    ],
    ['redis://user:secret@127.0.0.1:1', 'unavailable', /redis:\/\/user:\*\*\*@127\.0\.0\.1:1/],
  ])('connection string %s: %s, one line, no password', async (url, code, message) => {
    const err = await RedisReplayStore.connect(url, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: code });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/secret|\n/);
  });
});

describe('PostgreSQL ledger: the database keeps it append-only', () => {
  it('refuses UPDATE, DELETE, TRUNCATE and an insert that does not extend the chain', async () => {
    const l = await pgLedger();
    for (const i of [1, 2]) {
      const t = l1({ jti: `x${i}`, exec_act: 'a' });
      await l.append(t.token, t.claims);
    }
    const c = new Client(postgres.url());
    await c.connect();
    try {
      const s = `"${l.schema}"`;
      const refused = async (sql: string) =>
        (await c.query(sql).then(
          () => null,
          (e: Error) => e.message,
        ))!;
      expect(await refused(`UPDATE ${s}.entries SET token = 'x' WHERE seq = 1`)).toMatch(
        /append-only: UPDATE/,
      );
      expect(await refused(`DELETE FROM ${s}.entries WHERE seq = 2`)).toMatch(/append-only: DELETE/);
      expect(await refused(`TRUNCATE ${s}.entries`)).toMatch(/append-only: TRUNCATE/);
      const row = (seq: number, prev: string) =>
        `INSERT INTO ${s}.entries (seq, jti, token, claims, appended_at, prev_hash, entry_hash)
         VALUES (${seq}, 'y', 'y', '{}', 1, '${prev}', '${'b'.repeat(64)}')`;
      expect(await refused(row(5, 'a'.repeat(64)))).toMatch(/entry 5 does not extend the chain/);
      expect(await refused(row(3, 'a'.repeat(64)))).toMatch(/entry 3 does not extend the chain/);
      const head = (await l.entries(2, 2))[0]!.entryHash;
      expect(await refused(row(2, head))).toMatch(/duplicate key|does not extend/); // a fork at 2
      expect(await refused(`DELETE FROM ${s}.meta`)).toMatch(/append-only: DELETE/);
      expect(await l.verifyChain()).toMatchObject({ ok: true, length: 2 });
    } finally {
      await c.end();
    }
  });

  it('a row changed behind the triggers is found by the chain check', async () => {
    const l = await pgLedger();
    for (const i of [1, 2, 3]) {
      const t = l1({ jti: `y${i}`, exec_act: 'a' });
      await l.append(t.token, t.claims);
    }
    const c = new Client(postgres.url());
    await c.connect();
    try {
      const s = `"${l.schema}"`;
      const forged = l1({ jti: 'y2', exec_act: 'forged' }).token;
      await c.query(`ALTER TABLE ${s}.entries DISABLE TRIGGER entries_append_only`);
      await c.query(`UPDATE ${s}.entries SET token = $1 WHERE seq = 2`, [forged]);
    } finally {
      await c.end();
    }
    const report = await l.verifyChain();
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ seq: 2, code: 'chain_broken' });
    expect((await l.byJti('y2'))[0]?.claims.exec_act).toBe('forged'); // read from the token, as stored
  });

  it('migrate() creates the versioned schema once; a newer schema is refused with a clear error', async () => {
    const schema = nextSchema();
    expect(await migrate(postgres.url(), { schema })).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(await migrate(postgres.url(), { schema })).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    const c = new Client(postgres.url());
    await c.connect();
    await c.query(`UPDATE "${schema}".meta SET schema_version = 99`);
    await c.end();
    const err = await PostgresLedger.connect(postgres.url(), { schema }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'unavailable' });
    expect((err as Error).message).toMatch(/version 99, newer than this library's 1: upgrade wimse-ect/);
    const none = await PostgresLedger.connect(postgres.url(), { schema: nextSchema(), migrate: false }).catch(
      (e: unknown) => e,
    );
    expect(none).toMatchObject({ reason: 'integrity' });
    expect((none as Error).message).toMatch(/no ECT ledger in schema/);
  });

  it.each([
    ['mysql://127.0.0.1/x', 'config', /not a PostgreSQL URL \(scheme mysql\)/],
    ['not a url', 'config', /not a URL/],
    ['postgres://127.0.0.1:1/x', 'unavailable', /ECONNREFUSED/],
    ['postgres://u:secret@127.0.0.1:1/x', 'unavailable', /postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/],
  ])('connection string %s: %s, one line, no password', async (url, code, message) => {
    const err = await PostgresLedger.connect(url, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: code, store: 'postgres' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/secret|\n/);
  });

  it('restarted mid-append: appends in flight retry or fail cleanly; nothing lost, nothing written twice', async () => {
    const l = await pgLedger({ retryMs: 30_000 });
    const other = await pgLedger({ schema: l.schema, retryMs: 30_000 });
    const outcomes: Promise<'ok' | SharedStoreError>[] = [];
    const tokens: string[] = [];
    let restarted: Promise<void> | undefined;
    // Two appenders (two pools, as two processes) keep appending while the server restarts.
    for (let i = 0; i < 400; i++) {
      const t = l1({ jti: `r${i}`, exec_act: 'restart' });
      tokens.push(t.token);
      outcomes.push(
        (i % 2 ? l : other).append(t.token, t.claims).then(
          () => 'ok' as const,
          (e: SharedStoreError) => e,
        ),
      );
      if (i === 150) {
        await new Promise((r) => setTimeout(r, 20));
        restarted = postgres.restart('fast');
      }
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await restarted;
    const results = await Promise.all(outcomes);
    const failed = results.filter((r) => r !== 'ok');
    for (const f of failed) expect(f).toMatchObject({ reason: 'unavailable', store: 'postgres' });
    const stored = await l.entries();
    const count = new Map<string, number>();
    for (const e of stored) count.set(e.token, (count.get(e.token) ?? 0) + 1);
    expect([...count.values()].filter((c) => c > 1)).toEqual([]); // never twice
    tokens.forEach((t, i) => {
      const r = results[i]!;
      if (r === 'ok')
        expect(count.get(t)).toBe(1); // never lost
      else if (r.nothingWritten) expect(count.get(t)).toBeUndefined(); // the flag the verifier trusts
    });
    expect(stored.length).toBe(results.filter((r) => r === 'ok').length);
    expect(await l.verifyChain()).toMatchObject({ ok: true, length: stored.length });
  });

  it('down past retryMs: the token is refused (503-worthy), its jti released in Redis, and accepted once it is back', async () => {
    const { trust, claimsOf, sign } = await tokenMaker('down');
    const claims = claimsOf();
    const token = await sign(claims);
    const replay = await redisReplay();
    const ledger = await pgLedger({ retryMs: 300 });
    // The DAG look-ups (step 15) go to a task store of their own here: with the ledger's, a ledger
    // that is down fails the token at step 15, before its jti is recorded.
    const opts = { trust, audience: 'v', replay, ledger, store: new MemoryTaskStore() };
    let whileDown: unknown;
    await postgres.restart('fast', async () => {
      whileDown = await verifyToken(token, opts).catch((e: unknown) => e);
    });
    expect(whileDown).toBeInstanceOf(StoreError);
    expect((whileDown as Error).message).toMatch(
      /step 16\).*PostgreSQL ledger.*not accepted; nothing was written and its jti was released: the same token can be sent again/,
    );
    expect(await replay.has(claims.jti)).toBe(false);
    const again = await verifyToken(token, opts);
    expect(again.valid).toBe(true);
    expect(await replay.has(claims.jti)).toBe(true);
    expect((await ledger.byJti(claims.jti)).length).toBe(1);
    expect((await verifyToken(token, opts)).codes).toContain('replay');
  });

  it('a batched task look-up that fails: every verification waiting on it is refused with a clear error, none recorded', async () => {
    const { trust, claimsOf, sign } = await tokenMaker('lookup');
    const all = Array.from({ length: 8 }, claimsOf);
    const tokens = await Promise.all(all.map(sign));
    const replay = await redisReplay();
    const ledger = await pgLedger();
    const opts = { trust, audience: 'v', replay, ledger };
    // A first token, so that the look-up's prepared statement exists on a connection before the failure.
    expect((await verifyToken(tokens[0]!, opts)).valid).toBe(true);
    // The table goes away under the ledger (renamed by another client): the one query that the
    // waiting look-ups share fails with an error PostgreSQL does not retry.
    const admin = new Client(postgres.url());
    await admin.connect();
    const table = `"${ledger.schema}".entries`;
    await admin.query(`ALTER TABLE ${table} RENAME TO entries_away`);
    let refused: unknown[];
    try {
      refused = await Promise.all(tokens.slice(1).map((t) => verifyToken(t, opts).catch((e: unknown) => e)));
    } finally {
      await admin.query(`ALTER TABLE "${ledger.schema}".entries_away RENAME TO entries`);
      await admin.end();
    }
    expect(refused).toHaveLength(7);
    for (const e of refused) {
      expect(e).toBeInstanceOf(StoreError);
      expect((e as Error).message).toMatch(
        /^the task store failed to look up 1 task\(s\) for the DAG rules \(step 15\): the PostgreSQL ledger at .* read failed: relation ".*entries" does not exist; the token was not accepted$/,
      );
    }
    // Refused before step 14: no jti was recorded, so each token can be sent again, and is accepted once.
    for (const c of all.slice(1)) expect(await replay.has(c.jti)).toBe(false);
    const again = await Promise.all(tokens.slice(1).map((t) => verifyToken(t, opts)));
    expect(again.map((r) => r.valid)).toEqual(Array(7).fill(true));
    expect((await ledger.entries()).map((e) => e.jti).sort()).toEqual(all.map((c) => c.jti).sort());
    expect(await ledger.verifyChain()).toMatchObject({ ok: true, length: 8 });
  });

  it('an unknown database is a configuration error that names it', async () => {
    const err = await PostgresLedger.connect(postgres.url('no_such_db')).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'config' });
    expect((err as Error).message).toMatch(/database "no_such_db" does not exist/);
  });
});

/** An agent `spiffe://example.com/agent/<name>` trusted for audience `v`: fresh root-task claims, and them signed. */
async function tokenMaker(name: string) {
  const kid = `agent-${name}`;
  const agent = await generateSigningKey({ kid });
  const iss = `spiffe://example.com/agent/${name}`;
  const trust = parseTrustStore({ issuers: { [iss]: { keys: [agent.publicJwk] } } });
  const now = Math.floor(Date.now() / 1000);
  const claimsOf = () => ({
    iss,
    aud: ['v'],
    jti: crypto.randomUUID(),
    exec_act: 'a',
    pred: [] as string[],
    iat: now,
    exp: now + 600,
  });
  const sign = async (claims: ReturnType<typeof claimsOf>) =>
    (await createToken(claims, { key: agent.privateKey, kid, now })).token;
  return { trust, claimsOf, sign };
}
