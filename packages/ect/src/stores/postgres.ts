/**
 * `wimse-ect/postgres`: the audit ledger and the store of accepted tasks on PostgreSQL, shared by
 * every verifier process that connects to the same database (ECT-PROFILE.md section 8).
 *
 * Appends go through the writer (postgres-append.ts): group commit, one transaction a batch under
 * a lock that orders the appenders of every process; a lost connection is retried for `retryMs`
 * without losing an append or writing one twice.
 * Reads (the task look-ups of verifications) are retried the same way.
 *
 * Reads return what the chain covers: claims are decoded from the stored token, never taken from
 * the `claims` column (kept for queries and indexes only).
 *
 * Needs the `pg` package (node-postgres 8), an optional peer dependency of wimse-ect. Beside this
 * file: the schema and its migrations (postgres-schema.ts), the pool, failures and the ledger key
 * (postgres-connection.ts), the writer (postgres-append.ts), rows in and out (postgres-rows.ts), receipts (receipt-now.ts), the
 * bundle export (postgres-bundle.ts).
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { LedgerEntry, LedgerKey } from '../chain.ts';
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
import { COLUMNS, pgText, toEntry, type Row } from './postgres-rows.ts';
import { GroupCommit } from './postgres-append.ts';
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

export class PostgresLedger implements Ledger {
  readonly #pool: Pool;
  readonly #s: string;
  readonly #schema: string;
  readonly #where: string;
  readonly #key: LedgerKey | undefined;
  readonly #stored: StoredLedgerKey | undefined;
  readonly #retryMs: number;
  readonly #writer: GroupCommit;
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
    this.#retryMs = opts.retryMs ?? 15_000;
    this.#writer = new GroupCommit({
      pool,
      schema,
      s: this.#s,
      signReceipt: key ? receiptSigner(key) : undefined,
      retryMs: this.#retryMs,
      maxBatch: opts.maxBatch ?? 256,
      fail: (code, message, cause, nothingWritten) => this.#error(code, message, cause, nothingWritten),
    });
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
    return this.#writer.append(token, claims, opts.now ?? Date.now());
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
      written = await this.#writer.write(
        items.map((it) => ({ ...it, now })),
        tried,
        opts.skipExisting ?? false,
      );
    } catch (e) {
      const outcome =
        tried.entries && isTransient(e)
          ? await this.#writer.committed(tried.entries, Date.now() + this.#retryMs)
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
    await this.#writer.idle();
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
