/**
 * The profile's error codes (ECT-PROFILE.md section 9), as a typed union with a
 * stable string value each. Everything that reports a problem uses one of these.
 */
export const ERROR_CODES = [
  'malformed',
  'level_below_minimum',
  'invalid_typ',
  'alg_not_allowed',
  'crit_unsupported',
  'unknown_key',
  'issuer_mismatch',
  'invalid_signature',
  'missing_claim',
  'invalid_claim',
  'invalid_ext',
  'too_many_predecessors',
  'audience_mismatch',
  'expired',
  'iat_in_future',
  'iat_too_old',
  'replay',
  'duplicate_jti',
  'parent_not_found',
  'temporal_violation',
  'cycle',
  'workflow_mismatch',
  'parent_policy',
  'traversal_limit',
] as const;

/** One of the profile's error codes. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

/** Whether a value is one of the profile's error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODE_SET.has(value);
}

/** One thing wrong with a token: its code, a specific message, and where it is. */
export interface Problem {
  code: ErrorCode;
  /** Specific, human-readable: which claim or header, what value, what was expected. */
  message: string;
  /** The claim or header parameter concerned, when there is one. */
  claim?: string;
  /** For DAG edge problems: the predecessor `jti` the edge points to. */
  pred?: string;
}
