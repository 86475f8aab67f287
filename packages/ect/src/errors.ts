/**
 * The errors the library throws, for what its caller did wrong (bad settings, a bad trust store
 * or key, claims it refuses to sign, a store that failed). Each carries a stable `code`, to
 * branch on without parsing messages. Verification and audit never throw for a bad token: they
 * report it (see `VerificationReport`, and the profile's error codes in `ERROR_CODES`).
 */
import type { Problem } from './codes.ts';

/** The stable codes of {@link EctError} and its subclasses, one per class. */
export type EctErrorCode =
  | 'ERR_ECT_CLAIMS'
  | 'ERR_ECT_OPTIONS'
  | 'ERR_ECT_SETTINGS'
  | 'ERR_ECT_TRUST_STORE'
  | 'ERR_ECT_BASE64URL'
  | 'ERR_ECT_KEY'
  | 'ERR_ECT_STORE'
  | 'ERR_ECT_BUNDLE'
  | 'ERR_ECT_CHECKPOINT';

/** The base class of every error the library throws; `code` says which kind it is. */
export class EctError extends Error {
  readonly code: EctErrorCode;
  /** The problems behind the error, each with its profile code and claim (for {@link ClaimsError}); else empty. */
  readonly problems: readonly Problem[];
  constructor(
    code: EctErrorCode,
    message: string,
    opts: { problems?: readonly Problem[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EctError';
    this.code = code;
    this.problems = opts.problems ?? [];
  }
}

/**
 * `createToken` refused the claims: the token would not verify (steps 8-10), or the claim names
 * mix -00 and -01. `problems` lists each problem with its profile code (`missing_claim`, ...).
 */
export class ClaimsError extends EctError {
  constructor(message: string, problems: readonly Problem[]) {
    super('ERR_ECT_CLAIMS', message, { problems });
    this.name = 'ClaimsError';
  }
}

/** A function was called with options that cannot work together (an L2 token without a key, ...). */
export class OptionsError extends EctError {
  constructor(message: string) {
    super('ERR_ECT_OPTIONS', message);
    this.name = 'OptionsError';
  }
}

/** A setting (or an `ECT_*` environment variable) has an unknown name or a bad value; the message names it. */
export class SettingsError extends EctError {
  constructor(message: string) {
    super('ERR_ECT_SETTINGS', message);
    this.name = 'SettingsError';
  }
}

/** A trust store or JWKS document is not usable; the message says where and why. */
export class TrustStoreError extends EctError {
  constructor(message: string) {
    super('ERR_ECT_TRUST_STORE', message);
    this.name = 'TrustStoreError';
  }
}

/** Text that is not strict base64url (RFC 4648 section 5). */
export class Base64UrlError extends EctError {
  /** Index of the first offending character, or -1 when the length is the problem. */
  readonly position: number;
  constructor(message: string, position: number) {
    super('ERR_ECT_BASE64URL', message);
    this.name = 'Base64UrlError';
    this.position = position;
  }
}

/** A key cannot be used as asked: a JWK without its private part for signing, or one jose cannot import. */
export class KeyError extends EctError {
  constructor(message: string, cause?: unknown) {
    super('ERR_ECT_KEY', message, { cause });
    this.name = 'KeyError';
  }
}

/**
 * A task store, replay store or ledger failed (rejected) during a verification. The verification
 * fails closed: the token is not accepted, and `cause` is the store's own error.
 */
export class StoreError extends EctError {
  constructor(message: string, cause: unknown) {
    super('ERR_ECT_STORE', message, { cause });
    this.name = 'StoreError';
  }
}
