/**
 * The error a shared store (the Redis replay store, the PostgreSQL ledger) throws when it cannot
 * answer: never a token's fault, so never one of the profile's token codes. The verifier fails
 * closed on it (the token is not accepted) and the HTTP verifier answers 503.
 */
export type StoreErrorCode =
  /** The server did not answer (down, unreachable, timed out, connection lost mid-command). */
  | 'store_unavailable'
  /** The connection string or an option is wrong (scheme, host, database name, schema). */
  | 'store_config'
  /** The stored data contradicts itself or this library (schema version, a refused write). */
  | 'store_integrity';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** Which kind of store: `redis`, `postgres`… */
  readonly store: string;
  constructor(code: StoreErrorCode, store: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
    this.store = store;
  }
}

/** True for a StoreError, also one made by another copy of this library (duck-typed on name and code). */
export function isStoreError(e: unknown): e is StoreError {
  return (
    e instanceof StoreError ||
    (e instanceof Error &&
      e.name === 'StoreError' &&
      typeof (e as { code?: unknown }).code === 'string' &&
      typeof (e as { store?: unknown }).store === 'string')
  );
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
