/**
 * The PostgreSQL ledger's writer: group commit. Each process queues its appends and writes them in
 * batches, one transaction per batch (one lock, one head read, one INSERT and COMMIT for however
 * many appends arrived meanwhile). The transaction takes a transaction-scoped advisory lock on the
 * ledger first, so appenders in all processes extend the chain one after another: each reads the
 * head after the previous one committed. The database refuses anything else (postgres-schema.ts).
 *
 * A connection lost mid-append (PostgreSQL restarted) is retried for `retryMs`: when the commit may
 * have gone through, the entries are looked up by their hashes first, so an append is never lost
 * and never written twice; past `retryMs` the append rejects with SharedStoreError `unavailable`,
 * with `nothingWritten` set only when that is known.
 */
import type { Pool, QueryResult } from 'pg';
import { createHash } from 'node:crypto';
import { entryHashInput, GENESIS_HASH, type LedgerEntry } from '../chain.ts';
import { SharedStoreError, type SharedStoreReason } from '../store-error.ts';
import { checkout, classify, isTransient, messageOf, sleep, STORE } from './postgres-connection.ts';
import { insertRow } from './postgres-rows.ts';

interface PendingAppend {
  token: string;
  claims: Record<string, unknown>;
  now: number;
  resolve(e: LedgerEntry): void;
  reject(e: unknown): void;
}

export interface WriterOptions {
  pool: Pool;
  /** The schema's name, and as SQL (schemaIdent). */
  schema: string;
  s: string;
  signReceipt: ((entry: LedgerEntry) => string) | undefined;
  retryMs: number;
  maxBatch: number;
  /** A SharedStoreError naming the ledger. */
  fail(code: SharedStoreReason, message: string, cause?: unknown, nothingWritten?: boolean): SharedStoreError;
}

export class GroupCommit {
  readonly #pool: Pool;
  readonly #schema: string;
  readonly #s: string;
  readonly #signReceipt: WriterOptions['signReceipt'];
  readonly #retryMs: number;
  readonly #maxBatch: number;
  readonly #fail: WriterOptions['fail'];
  readonly #queue: PendingAppend[] = [];
  #draining: Promise<void> | null = null;

  constructor(o: WriterOptions) {
    this.#pool = o.pool;
    this.#schema = o.schema;
    this.#s = o.s;
    this.#signReceipt = o.signReceipt;
    this.#retryMs = o.retryMs;
    this.#maxBatch = o.maxBatch;
    this.#fail = o.fail;
  }

  /** Queues one append; it is written with the others of its batch. */
  append(token: string, claims: Record<string, unknown>, now: number): Promise<LedgerEntry> {
    return new Promise<LedgerEntry>((resolve, reject) => {
      this.#queue.push({ token, claims, now, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Resolves once every queued append is settled. */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
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
        const entries = await this.write(batch, tried);
        batch.forEach((p, i) => p.resolve(entries[i]!));
        return;
      } catch (e) {
        let failure: unknown = e;
        // Nothing is written when the INSERT and COMMIT were never sent, or when the server answered
        // with an error (the transaction is rolled back); after a lost connection, only a look tells.
        let nothingWritten = !tried.entries || !isTransient(e);
        if (isTransient(e) && Date.now() < deadline) {
          // The commit may have reached the server before the connection went: look before writing again.
          const outcome = tried.entries ? await this.committed(tried.entries, deadline) : 'absent';
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
            : this.#fail(
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
  async write(
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
  async committed(entries: LedgerEntry[], deadline: number): Promise<'present' | 'absent' | Error> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.#pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${this.#s}.entries WHERE entry_hash = ANY($1::text[])`,
          [entries.map((e) => e.entryHash)],
        );
        const n = Number(r.rows[0]?.n ?? 0);
        if (n === entries.length) return 'present';
        if (n === 0) return 'absent';
        return this.#fail(
          'integrity',
          `only ${n} of ${entries.length} entries of one transaction are stored`,
        );
      } catch (e) {
        if (!isTransient(e) || Date.now() >= deadline) return e as Error;
        await sleep(Math.min(100 * 2 ** attempt, 1000));
      }
    }
  }
}
