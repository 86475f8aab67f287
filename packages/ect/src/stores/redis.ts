/**
 * `wimse-ect/redis`: the replay store (step 14) on Redis, shared by every verifier process that
 * connects to the same server, so two of them can never both accept one token. The check and the
 * record are one command, `SET <prefix><jti> 1 NX EXAT <until>`: Redis runs commands one at a
 * time, so of any number of verifiers sending it for one jti exactly one gets `OK`, and the key
 * expires by itself when the token could no longer pass its `exp` check anyway (no pruning).
 *
 * Fail closed: a command that cannot be answered (server down, connection lost, no reply in
 * time) rejects with a SharedStoreError `unavailable`, so the verifier does not accept the token.
 * A command that timed out after it was sent may still have been run by Redis: the jti is then
 * recorded although the token was refused, which refuses a retry of it as a replay (never a
 * second acceptance).
 *
 * Needs the `redis` package (node-redis 6), an optional peer dependency of wimse-ect.
 */
import { createClient } from 'redis';
import type { ReplayStore } from '../replay.ts';
import { SharedStoreError } from '../store-error.ts';
import { parseStoreUrl } from './url.ts';

export interface RedisReplayOptions {
  /** Key prefix; verifiers that must see each other's tokens use the same one. Default `ect:jti:`. */
  prefix?: string;
  /** Milliseconds to wait for a connection and for each reply before failing closed. Default 2000. */
  timeoutMs?: number;
}

type Client = ReturnType<typeof createClient>;

const STORE = 'redis';

export class RedisReplayStore implements ReplayStore {
  readonly #client: Client;
  readonly #prefix: string;
  readonly #where: string;
  #lastError: Error | null = null;

  private constructor(client: Client, where: string, opts: RedisReplayOptions) {
    this.#client = client;
    this.#where = where;
    this.#prefix = opts.prefix ?? 'ect:jti:';
  }

  /**
   * Connects to `url` (`redis://[user:password@]host[:port][/db]` or `rediss://`). Rejects with a
   * SharedStoreError: `config` for a string that is not such a URL, `unavailable` when no
   * server answers there.
   */
  static async connect(url: string, opts: RedisReplayOptions = {}): Promise<RedisReplayStore> {
    const { parsed, where } = parseStoreUrl(url, STORE, 'Redis', ['redis', 'rediss'], 'redis://host:port');
    if (!parsed.hostname)
      throw new SharedStoreError(
        'config',
        STORE,
        `${JSON.stringify(where)} names no host; expected redis://host:port`,
      );
    const timeoutMs = opts.timeoutMs ?? 2000;
    let connected = false;
    const client: Client = createClient({
      url,
      // Commands sent while the connection is down are refused at once instead of queued: a
      // verifier waiting on a queued check would hang, not fail closed.
      disableOfflineQueue: true,
      commandOptions: { timeout: timeoutMs, rejectInFlight: true },
      socket: {
        connectTimeout: timeoutMs,
        // Before the first connection: give up (connect() rejects). After: keep trying, backing off.
        reconnectStrategy: (retries, cause) => (connected ? Math.min(50 * 2 ** retries, 2000) : cause),
      },
    });
    const store = new RedisReplayStore(client, where, opts);
    // Without a listener an 'error' event would end the process; the commands fail on their own.
    client.on('error', (e: Error) => (store.#lastError = e));
    try {
      await client.connect();
      connected = true;
    } catch (e) {
      client.destroy();
      throw new SharedStoreError(
        'unavailable',
        STORE,
        `cannot connect to the Redis replay store at ${where}: ${messageOf(e)}`,
        { cause: e },
      );
    }
    return store;
  }

  /**
   * The ReplayStore check-and-record: true when this call recorded `jti` (no live record of it
   * existed), false when it was already recorded and still live. `until` (Unix seconds) becomes the
   * key's expiry; `now` is not used: Redis judges liveness by its own clock.
   */
  async checkAndRecord(jti: string, until: number, _now?: number): Promise<boolean> {
    const at = Math.ceil(until);
    if (!Number.isSafeInteger(at) || at <= 0)
      throw new RangeError(`checkAndRecord: until must be Unix seconds, got ${until}`);
    let reply: unknown;
    try {
      reply = await this.#client.set(this.#prefix + jti, '1', {
        condition: 'NX',
        expiration: { type: 'EXAT', value: at },
      });
    } catch (e) {
      throw this.#unavailable(e);
    }
    return reply === 'OK';
  }

  /**
   * Whether `jti` is recorded and live, without recording it (`EXISTS`): lets the verifier report
   * a token that fails another step as a replay too. Rejects like checkAndRecord.
   */
  async has(jti: string, _now?: number): Promise<boolean> {
    try {
      return (await this.#client.exists(this.#prefix + jti)) === 1;
    } catch (e) {
      throw this.#unavailable(e);
    }
  }

  /**
   * Removes the record of `jti` (`DEL`): the verifier recorded it, then did not accept the token
   * (its ledger append failed with nothing written). Only the verifier whose `SET NX` made the record
   * gets this far, so the record it deletes is its own. Rejects like checkAndRecord.
   */
  async release(jti: string): Promise<void> {
    try {
      await this.#client.del(this.#prefix + jti);
    } catch (e) {
      throw this.#unavailable(e);
    }
  }

  #unavailable(e: unknown): SharedStoreError {
    return new SharedStoreError(
      'unavailable',
      STORE,
      `the Redis replay store at ${this.#where} did not answer (${messageOf(e, this.#lastError)}): the token's replay check could not be made, so it is not accepted`,
      { cause: e },
    );
  }

  /** Closes the connection (waits for replies still due). */
  async close(): Promise<void> {
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}

function messageOf(e: unknown, last?: Error | null): string {
  const own = e instanceof Error ? e.message || e.name : String(e);
  // node-redis reports a refused command as "client is offline"; the socket error says why.
  const cause = e instanceof AggregateError ? e.errors.map((x: Error) => x.message).join('; ') : '';
  const why = cause || own;
  return last && !why.includes(last.message) ? `${why}; last connection error: ${last.message}` : why;
}
