/**
 * `wimse-ect/postgres`: the audit ledger and the store of accepted tasks on PostgreSQL, shared by
 * every verifier process that connects to the same database (ECT-PROFILE.md section 8).
 *
 * Appends: each process queues its appends and writes them in batches, one transaction per batch
 * (group commit: one lock, one head read, one INSERT, one commit for however many appends arrived
 * meanwhile). The transaction takes a transaction-scoped advisory lock on the ledger first, so
 * appenders in all processes extend the chain one after another: each reads the head after the
 * previous one committed. The database refuses anything else (postgres-schema.ts).
 *
 * A connection lost mid-append (PostgreSQL restarted) is retried for `retryMs`: when the commit may
 * have gone through, the entries are looked up by their hashes first, so an append is never lost
 * and never written twice; past `retryMs` the append rejects with SharedStoreError `unavailable`.
 * Reads (the task look-ups of verifications) are retried the same way.
 *
 * Reads return what the chain covers: claims are decoded from the stored token, never taken from
 * the `claims` column (kept for queries and indexes only).
 *
 * Needs the `pg` package (node-postgres 8), an optional peer dependency of wimse-ect. Beside this
 * file: the schema and its migrations (postgres-schema.ts), the pool, failures and the ledger key
 * (postgres-connection.ts), rows in and out (postgres-rows.ts), receipts (receipt-now.ts), the
 * bundle export (postgres-bundle.ts).
 */
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { createHash } from 'node:crypto';
import { entryHashInput, GENESIS_HASH, type LedgerEntry, type LedgerKey } from '../chain.ts';
import { taskRecord, type TaskRecord } from '../dag.ts';
import { verifyChain, type ChainReport } from '../ledgerCheck.ts';
import { decodeToken } from '../decode.ts';
import { matchesQuery, type Ledger, type LedgerQuery } from '../ledger.ts';
import { SharedStoreError, type SharedStoreReason } from '../store-error.ts';
import { migrateSchema, SCHEMA_VERSION, schemaIdent, schemaVersion } from './postgres-schema.ts';
import {
  checkout,
  classify,
  fixKey,
  isTransient,
  messageOf,
  openPool,
  sleep,
  STORE,
  type StoredLedgerKey,
} from './postgres-connection.ts';
import { COLUMNS, insertRow, pgText, toEntry, type Row } from './postgres-rows.ts';
import { receiptSigner } from './receipt-now.ts';

export { SCHEMA_VERSION } from './postgres-schema.ts';
export type { StoredLedgerKey } from './postgres-connection.ts';
export { postgresBundle, type PostgresBundleOptions } from './postgres-bundle.ts';

export interface PostgresLedgerOptions {
  /** The database schema holding the ledger (one ledger per schema). Default `ect`. */
  schema?: string;
  /**
   * Signs a receipt for every append. A ledger's key is fixed when its first process connects with
   * one (the ledger must then be empty); every appender must bring the same key.
   */
  key?: LedgerKey;
  /** Create or upgrade the schema on connect (default true); false: refuse an old or missing one. */
  migrate?: boolean;
  /** Connections per process. Default 4. */
  poolSize?: number;
  /** Milliseconds to wait for a connection. Default 5000. */
  timeoutMs?: number;
  /** Milliseconds an append or a read keeps retrying through a lost connection. Default 15000. */
  retryMs?: number;
  /** Most appends written in one transaction. Default 256. */
  maxBatch?: number;
}

interface PendingAppend {
  token: string;
  claims: Record<string, unknown>;
  now: number;
  resolve(e: LedgerEntry): void;
  reject(e: unknown): void;
}

export class PostgresLedger implements Ledger {
  readonly #pool: Pool;
  readonly #s: string;
  readonly #schema: string;
  readonly #where: string;
  readonly #key: LedgerKey | undefined;
  readonly #signReceipt: ((entry: LedgerEntry) => string) | undefined;
  readonly #stored: StoredLedgerKey | undefined;
  readonly #retryMs: number;
  readonly #maxBatch: number;
  readonly #queue: PendingAppend[] = [];
  #draining: Promise<void> | null = null;
  #closed = false;

  private constructor(
    pool: Pool,
    where: string,
    schema: string,
    key: LedgerKey | undefined,
    stored: StoredLedgerKey | undefined,
    opts: PostgresLedgerOptions,
  ) {
    this.#pool = pool;
    this.#where = where;
    this.#schema = schema;
    this.#s = schemaIdent(schema);
    this.#key = key;
    this.#stored = stored;
    this.#signReceipt = key ? receiptSigner(key) : undefined;
    this.#retryMs = opts.retryMs ?? 15_000;
    this.#maxBatch = opts.maxBatch ?? 256;
  }

  /**
   * Connects to `url` (`postgres://user[:password]@host[:port]/database`), creates or upgrades the
   * schema (unless `migrate: false`) and checks the ledger key. Rejects with a SharedStoreError:
   * `config` for a bad connection string, an unknown database or user, a key that is not the
   * ledger's; `unavailable` when no server answers.
   */
  static async connect(url: string, opts: PostgresLedgerOptions = {}): Promise<PostgresLedger> {
    const schema = opts.schema ?? 'ect';
    const { pool, where } = await openPool(url, opts);
    let client: PoolClient | undefined;
    try {
      client = await checkout(pool);
      if (opts.migrate ?? true) await migrateSchema(client, schema);
      else {
        const v = await schemaVersion(client, schema);
        if (v !== SCHEMA_VERSION)
          throw new SharedStoreError(
            'integrity',
            STORE,
            v === 0
              ? `${where} has no ECT ledger in schema ${schema}: run ect ledger migrate --db, or connect with migrate`
              : `the ledger schema ${schema} at ${where} is at version ${v}, this library needs ${SCHEMA_VERSION}`,
          );
      }
      const stored = await fixKey(client, schema, opts.key);
      return new PostgresLedger(pool, where, schema, opts.key, stored, opts);
    } catch (e) {
      client?.release(true);
      client = undefined;
      await pool.end().catch(() => undefined);
      if (e instanceof SharedStoreError) throw e;
      throw new SharedStoreError(classify(e), STORE, `the PostgreSQL ledger at ${where}: ${messageOf(e)}`, {
        cause: e,
      });
    } finally {
      client?.release();
    }
  }

  get schema(): string {
    return this.#schema;
  }

  /** True when the ledger has a key: every entry then carries a receipt. */
  get signsReceipts(): boolean {
    return this.#stored !== undefined;
  }

  /** The public half of the ledger key (with its kid), when it has one. */
  get publicKey(): StoredLedgerKey | undefined {
    return this.#stored;
  }

  append(token: string, claims: Record<string, unknown>, opts: { now?: number } = {}): Promise<LedgerEntry> {
    if (this.#closed)
      return Promise.reject(this.#error('unavailable', 'the ledger was closed', undefined, true));
    if (this.#stored && !this.#key) {
      return Promise.reject(
        this.#error(
          'config',
          `this ledger signs a receipt for every entry with key ${this.#stored.kid}; appending needs that key`,
          undefined,
          true,
        ),
      );
    }
    return new Promise<LedgerEntry>((resolve, reject) => {
      this.#queue.push({ token, claims, now: opts.now ?? Date.now(), resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length) {
        // One turn of the event loop first, so that the appends of the verifications finishing in
        // this turn join the batch. Without it the first append after a quiet moment went alone:
        // measured (bench/stores.ts' workload, 1 process, 3,000 tokens) 125 of 222 transactions
        // held a single entry, each paying for a lock, a head read and a commit.
        await new Promise((resolve) => setImmediate(resolve));
        await this.#writeBatch(this.#queue.splice(0, this.#maxBatch));
      }
    } finally {
      // In the same step as the last look at the queue. Cleared later (a `.finally` on the
      // promise), an append made in between saw a writer still running and was never written.
      this.#draining = null;
    }
  }

  async #writeBatch(batch: PendingAppend[]): Promise<void> {
    const deadline = Date.now() + this.#retryMs;
    for (let attempt = 0; ; attempt++) {
      const tried: { entries?: LedgerEntry[] } = {};
      try {
        const entries = await this.#write(batch, tried);
        batch.forEach((p, i) => p.resolve(entries[i]!));
        return;
      } catch (e) {
        let failure: unknown = e;
        // Nothing is written when the INSERT and COMMIT were never sent, or when the server answered
        // with an error (the transaction is rolled back); after a lost connection, only a look tells.
        let nothingWritten = !tried.entries || !isTransient(e);
        if (isTransient(e) && Date.now() < deadline) {
          // The commit may have reached the server before the connection went: look before writing again.
          const outcome = tried.entries ? await this.#committed(tried.entries, deadline) : 'absent';
          nothingWritten = outcome === 'absent';
          if (outcome === 'present') {
            batch.forEach((p, i) => p.resolve(tried.entries![i]!));
            return;
          }
          if (outcome === 'absent' && Date.now() < deadline) {
            await sleep(Math.min(100 * 2 ** attempt, 1000));
            continue;
          }
          if (outcome instanceof Error) failure = outcome;
        }
        const err =
          failure instanceof SharedStoreError
            ? new SharedStoreError(failure.reason, STORE, failure.message, {
                cause: failure.cause,
                nothingWritten,
              })
            : this.#error(
                classify(failure),
                `append failed: ${messageOf(failure)}${isTransient(failure) ? ` (retried for ${this.#retryMs} ms)` : ''}`,
                failure,
                nothingWritten,
              );
        for (const p of batch) p.reject(err);
        return;
      }
    }
  }

  /** One transaction: lock, read the head, chain and receipt the batch, insert, commit. */
  async #write(
    batch: readonly { token: string; claims: Record<string, unknown>; now: number }[],
    tried: { entries?: LedgerEntry[] },
    skipExisting = false,
  ): Promise<(LedgerEntry | null)[]> {
    const client = await checkout(this.#pool);
    let lost: Error | undefined;
    try {
      // BEGIN, the lock and the head in one round trip (a simple query of three statements): each
      // round trip before the INSERT is time the lock is held while the process may be descheduled.
      // Measured (bench/stores.ts, 1 process, load 14): 5 round trips per batch down to 3.
      const lockName = client.escapeLiteral(`wimse-ect:ledger:${this.#schema}`);
      const results = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(hashtext(${lockName})); SELECT seq, entry_hash FROM ${this.#s}.entries ORDER BY seq DESC LIMIT 1`,
      )) as unknown as QueryResult<{ seq: string; entry_hash: string }>[];
      const head = results[2]!;
      let seq = Number(head.rows[0]?.seq ?? 0);
      let prevHash = head.rows[0]?.entry_hash ?? GENESIS_HASH;
      // Under the lock, so that no other appender adds one of these tokens meanwhile.
      const skip = new Set<string>();
      if (skipExisting) {
        const found = await client.query<{ token: string }>(
          `SELECT token FROM ${this.#s}.entries WHERE token = ANY($1::text[])`,
          [batch.map((p) => p.token)],
        );
        for (const r of found.rows) skip.add(r.token);
      }
      const entries: LedgerEntry[] = [];
      const aligned: (LedgerEntry | null)[] = [];
      for (const p of batch) {
        if (skip.has(p.token)) {
          aligned.push(null);
          continue;
        }
        if (skipExisting) skip.add(p.token);
        const entry: LedgerEntry = {
          seq: ++seq,
          token: p.token,
          jti: typeof p.claims.jti === 'string' ? p.claims.jti : '',
          claims: p.claims,
          appendedAt: p.now,
          prevHash,
          // node:crypto's synchronous SHA-256 over the core's hash input: no turn of the event loop
          // per entry while the ledger lock is held (each let other verifications run: measured
          // under load, a batch of 30 held the lock for tens of ms).
          entryHash: createHash('sha256').update(entryHashInput(prevHash, p.token)).digest('hex'),
        };
        entries.push(entry);
        aligned.push(entry);
        prevHash = entry.entryHash;
      }
      const sign = this.#signReceipt;
      if (sign) for (const e of entries) e.receipt = sign(e);
      tried.entries = entries;
      // The INSERT and the COMMIT in one round trip (a simple query of two statements, the values
      // as escaped literals: node-postgres sends one query at a time, and a parameterised INSERT
      // cannot share a query with the COMMIT). The lock is released by the commit on the server,
      // so the time until this process's event loop reads the answer no longer holds it.
      // Measured (bench/stores.ts, 2 processes, load 1.3): the INSERT's round trip held the lock
      // 3.7-4.9 ms a batch, the COMMIT's 2.3-2.8 ms.
      const lit = (v: string | null) => (v === null ? 'NULL' : client.escapeLiteral(v));
      const rows = entries.map((e) => insertRow(e, lit));
      await client.query(
        rows.length
          ? `INSERT INTO ${this.#s}.entries
               (seq, jti, wid, iss, exec_act, token, claims, appended_at, prev_hash, entry_hash, receipt)
             VALUES ${rows.join(',\n')};
             COMMIT`
          : 'COMMIT', // an import of tokens the ledger holds already
      );
      return aligned;
    } catch (e) {
      if (isTransient(e)) lost = e as Error;
      else await client.query('ROLLBACK').catch((r: Error) => (lost = r));
      throw e;
    } finally {
      client.release(lost);
    }
  }

  /** Whether a batch whose commit went unanswered is in the ledger ('present'), or not at all ('absent'). */
  async #committed(entries: LedgerEntry[], deadline: number): Promise<'present' | 'absent' | Error> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.#pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${this.#s}.entries WHERE entry_hash = ANY($1::text[])`,
          [entries.map((e) => e.entryHash)],
        );
        const n = Number(r.rows[0]?.n ?? 0);
        if (n === entries.length) return 'present';
        if (n === 0) return 'absent';
        return this.#error(
          'integrity',
          `only ${n} of ${entries.length} entries of one transaction are stored`,
        );
      } catch (e) {
        if (!isTransient(e) || Date.now() >= deadline) return e as Error;
        await sleep(Math.min(100 * 2 ** attempt, 1000));
      }
    }
  }

  /**
   * Appends `items` in one transaction: all of them or none (an import). With `skipExisting`,
   * tokens already in the ledger (or earlier in `items`) are left out. Returns the entries
   * appended, in order.
   */
  async appendMany(
    items: readonly { token: string; claims: Record<string, unknown> }[],
    opts: { now?: number; skipExisting?: boolean } = {},
  ): Promise<LedgerEntry[]> {
    if (this.#stored && !this.#key)
      throw this.#error(
        'config',
        `this ledger signs a receipt for every entry with key ${this.#stored.kid}; appending needs that key`,
      );
    const now = opts.now ?? Date.now();
    const tried: { entries?: LedgerEntry[] } = {};
    let written: (LedgerEntry | null)[];
    try {
      written = await this.#write(
        items.map((it) => ({ ...it, now })),
        tried,
        opts.skipExisting ?? false,
      );
    } catch (e) {
      const outcome =
        tried.entries && isTransient(e)
          ? await this.#committed(tried.entries, Date.now() + this.#retryMs)
          : 'absent';
      if (outcome === 'present') return tried.entries!;
      throw this.#error(
        classify(e),
        `${outcome === 'absent' ? 'nothing was written' : 'whether it was written is unknown'}: ${messageOf(e)}`,
        e,
      );
    }
    return written.filter((e): e is LedgerEntry => e !== null);
  }

  async size(): Promise<number> {
    const r = await this.#read<{ n: string | null }>(`SELECT max(seq) AS n FROM ${this.#s}.entries`);
    return Number(r[0]?.n ?? 0);
  }

  /** All entries in order, or those with `from <= seq <= to`. */
  async entries(from = 1, to = Number.MAX_SAFE_INTEGER): Promise<LedgerEntry[]> {
    const rows = await this.#read<Row>(
      `SELECT ${COLUMNS} FROM ${this.#s}.entries WHERE seq BETWEEN $1 AND $2 ORDER BY seq`,
      [Math.max(1, Math.floor(from)), Math.min(Number.MAX_SAFE_INTEGER, Math.floor(to))],
    );
    return rows.map(toEntry);
  }

  async byJti(jti: string): Promise<LedgerEntry[]> {
    const rows = await this.#read<Row>(
      `SELECT ${COLUMNS} FROM ${this.#s}.entries WHERE jti = $1 ORDER BY seq`,
      [pgText(jti)],
    );
    return rows.map(toEntry).filter((e) => e.jti === jti);
  }

  async query(q: LedgerQuery): Promise<LedgerEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(`${sql} $${params.length}`);
    };
    if (q.wid !== undefined) add('wid =', pgText(q.wid));
    if (q.iss !== undefined) add('iss =', pgText(q.iss));
    if (q.exec_act !== undefined) add('exec_act =', pgText(q.exec_act));
    if (q.from !== undefined) add('appended_at >=', Math.ceil(q.from));
    if (q.to !== undefined) add('appended_at <=', Math.floor(q.to));
    const rows = await this.#read<Row>(
      `SELECT ${COLUMNS} FROM ${this.#s}.entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`,
      params,
    );
    // The columns only narrow the search; what is returned is judged on the tokens themselves.
    return rows.map(toEntry).filter((e) => matchesQuery(e, q));
  }

  /**
   * The TaskStore look-up: every stored task whose jti is one of `jtis`. The look-ups of all the
   * verifications running in this process within one turn of the event loop are answered by one
   * query (`jti = ANY(…)`): with many verifications in flight, one query for all of them.
   */
  tasks(jtis: readonly string[]): Promise<readonly TaskRecord[]> {
    if (!jtis.length) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#lookups.push({ jtis, resolve, reject });
      if (this.#lookups.length === 1) setImmediate(() => void this.#lookUp());
    });
  }

  readonly #lookups: { jtis: readonly string[]; resolve(r: TaskRecord[]): void; reject(e: unknown): void }[] =
    [];

  async #lookUp(): Promise<void> {
    const waiting = this.#lookups.splice(0);
    try {
      const rows = await this.#read<{ token: string }>(
        `SELECT token FROM ${this.#s}.entries WHERE jti = ANY($1::text[]) ORDER BY seq`,
        [[...new Set(waiting.flatMap((w) => w.jtis.map(pgText)))]],
        `ect-tasks-${this.#schema}`,
      );
      const byJti = new Map<string, TaskRecord[]>();
      for (const { token } of rows) {
        const d = decodeToken(token);
        const rec = d.ok ? taskRecord(d.decoded.payload) : null;
        if (!rec) continue;
        const list = byJti.get(rec.jti);
        if (list) list.push(rec);
        else byJti.set(rec.jti, [rec]);
      }
      for (const w of waiting) w.resolve([...new Set(w.jtis)].flatMap((j) => byJti.get(j) ?? []));
    } catch (e) {
      for (const w of waiting) w.reject(e);
    }
  }

  /** The chain and receipt check of the core over every entry, under the ledger's own key. */
  async verifyChain(): Promise<ChainReport> {
    const entries = await this.entries();
    return verifyChain(entries, this.#stored?.jwk ?? null);
  }

  /** Waits for the appends in flight, then closes the connections. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#draining) await this.#draining;
    await this.#pool.end();
  }

  /**
   * A read, retried like an append through a lost connection for `retryMs` (a read changes nothing,
   * so retrying is always safe): a verification whose task look-up falls into a PostgreSQL restart
   * waits for it instead of failing. Before, every look-up in the restart's 1-3 s was a 503: 70-183
   * of 300 tokens in the many-verifiers restart test at load 8-18.
   */
  async #read<R extends object>(sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
    // A named statement is parsed and planned once per connection.
    const query = name ? { name, text: sql, values: params } : { text: sql, values: params };
    const deadline = Date.now() + this.#retryMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.#pool.query<R & QueryResultRow>(query)).rows;
      } catch (e) {
        if (isTransient(e) && !this.#closed && Date.now() < deadline) {
          await sleep(Math.min(100 * 2 ** attempt, 1000));
          continue;
        }
        throw this.#error(
          classify(e),
          `read failed: ${messageOf(e)}${isTransient(e) && this.#retryMs > 0 ? ` (retried for ${this.#retryMs} ms)` : ''}`,
          e,
        );
      }
    }
  }

  #error(
    code: SharedStoreReason,
    message: string,
    cause?: unknown,
    nothingWritten = false,
  ): SharedStoreError {
    return new SharedStoreError(
      code,
      STORE,
      `the PostgreSQL ledger at ${this.#where} (schema ${this.#schema}): ${message}`,
      { cause, nothingWritten },
    );
  }
}

/** Creates or upgrades the ledger schema at `url`; returns the versions before and after. */
export async function migrate(
  url: string,
  opts: Pick<PostgresLedgerOptions, 'schema' | 'timeoutMs'> = {},
): Promise<{ from: number; to: number }> {
  const schema = opts.schema ?? 'ect';
  const { pool, where } = await openPool(url, opts);
  try {
    const client = await checkout(pool);
    try {
      return { from: await migrateSchema(client, schema), to: SCHEMA_VERSION };
    } finally {
      client.release();
    }
  } catch (e) {
    if (e instanceof SharedStoreError) throw e;
    throw new SharedStoreError(classify(e), STORE, `migrating the ledger at ${where}: ${messageOf(e)}`, {
      cause: e,
    });
  } finally {
    await pool.end().catch(() => undefined);
  }
}
