/**
 * The error a shared store (the Redis replay store, the PostgreSQL ledger) throws when it cannot
 * answer: never a token's fault, so never one of the profile's token codes. The verifier fails
 * closed on it (the token is not accepted) and the HTTP verifier answers 503.
 */
import { StoreError } from './errors.ts';

/** What kind of failure a SharedStoreError is. */
export type SharedStoreReason =
  /** The server did not answer (down, unreachable, timed out, connection lost mid-command). */
  | 'unavailable'
  /** The connection string or an option is wrong (scheme, host, database, user, schema, ledger key). */
  | 'config'
  /** The stored data contradicts itself or this library (schema version, a write the database refused). */
  | 'integrity';

/**
 * A StoreError (code `ERR_ECT_STORE`) thrown by a shared store itself; `reason` says what kind of
 * failure, `store` which store. verifyToken wraps it in a StoreError whose `cause` it is.
 */
export class SharedStoreError extends StoreError {
  readonly reason: SharedStoreReason;
  /** Which kind of store: `redis`, `postgres`. */
  readonly store: string;
  /**
   * True when the store knows that the failed write left nothing behind (an append refused or
   * rolled back, or checked absent after a lost connection): the verifier then releases the
   * token's replay record, so that the same token can be sent again. False when it cannot know.
   */
  readonly nothingWritten: boolean;
  constructor(
    reason: SharedStoreReason,
    store: string,
    message: string,
    options: { cause?: unknown; nothingWritten?: boolean } = {},
  ) {
    super(message, options.cause);
    this.name = 'SharedStoreError';
    this.reason = reason;
    this.store = store;
    this.nothingWritten = options.nothingWritten ?? false;
  }
}

/** A connection string without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}
