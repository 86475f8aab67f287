/**
 * What verification takes and gives: the options of verifyToken (keys, stores, settings, hook)
 * and the report of the sixteen steps.
 */
import type { JWK } from 'jose';
import type { LedgerEntry } from './chain.ts';
import type { ErrorCode, Problem } from './codes.ts';
import type { TaskStore } from './dag.ts';
import type { DecodeProblem, JsonObject } from './decode.ts';
import type { Ledger } from './ledger.ts';
import type { ReplayStore } from './replay.ts';
import type { KeyResolver } from './resolver.ts';
import type { Level, Settings, Version } from './settings.ts';
import type { StepInfo } from './steps.ts';
import type { TrustStore } from './trust.ts';

/** A step's outcome in a report. */
export type StepStatus = 'pass' | 'fail' | 'skip';

/** One of the sixteen steps in a {@link VerificationReport}. */
export interface StepReport extends StepInfo {
  status: StepStatus;
  problems: Problem[];
  /** What passed, or why the step was skipped. */
  note?: string;
}

/** The JSON form of a trust store or JWKS (ECT-PROFILE.md section 6), as {@link parseTrustStore} reads it. */
export interface TrustStoreDocument {
  issuers?: Record<string, { keys: readonly JWK[] }>;
  keys?: readonly JWK[];
}

/** What {@link VerifyOptions.onVerify} is called with, once per verification. */
export interface VerifyEvent {
  /** The token's `jti` when it has a string one. */
  jti: string | null;
  valid: boolean;
  /** The report's primary code (null when valid or when the verification threw). */
  code: ErrorCode | null;
  /** The report; absent when the verification threw (a store failed: see `error`). */
  report?: VerificationReport;
  /** The {@link StoreError} the verification threw, when it did. */
  error?: unknown;
  /** Wall-clock milliseconds the verification took (in verifyTokens' batches: the batch's average). */
  durationMs: number;
}

/** The options of {@link verifyToken}: who verifies, with which keys, stores and settings. */
export interface VerifyOptions {
  /** The verifier's own id, looked for in `aud` (step 11); none (or null) for an auditor. */
  audience?: string | null;
  /**
   * The trusted keys (step 6): a parsed trust store, or its JSON form (a trust store document or
   * a plain JWKS, parsed once per object; a bad one throws a `TrustStoreError`). Give this or
   * `resolveKey`.
   */
  trust?: TrustStore | TrustStoreDocument;
  /** Resolves the key for a `kid` and `iss` (step 6) instead of a trust store. */
  resolveKey?: KeyResolver;
  /** Accepted tasks for the DAG rules (step 15); default: the ledger, when there is one. */
  store?: TaskStore;
  /** Where accepted `jti`s are checked and recorded (step 14), e.g. a `MemoryReplayStore`; none: step 14 is skipped. */
  replay?: ReplayStore;
  /** Valid tokens are appended here (step 16); also the DAG store when `store` is not given. */
  ledger?: Ledger;
  /** Default: DEFAULT_SETTINGS (see resolveSettings and settingsFromEnv). */
  settings?: Settings;
  /** The verifier's clock, Unix seconds; defaults to the real clock. */
  now?: number;
  /**
   * Called once per verification, when it is over (the reference implementations' `LogVerify` /
   * `on_verify_attempt`). An exception thrown by the hook is ignored: it cannot change the outcome.
   */
  onVerify?: (event: VerifyEvent) => void;
  /**
   * 'arrival' (default) runs every step; 'stored' runs steps 1-10 only, for a token already in a
   * ledger: an old ledger is not "expired" (section 7).
   */
  mode?: 'arrival' | 'stored';
}

/** The options of the synchronous stored-mode verifiers (verifyStoredWith, validStoredReport). */
export type StoredVerifyOptions = Pick<VerifyOptions, 'settings' | 'audience' | 'now'> & {
  trust: TrustStore | TrustStoreDocument;
};

/** What verification found: every step's outcome, the first failing code, the decoded token. */
export interface VerificationReport {
  token: string;
  valid: boolean;
  /** The first failing step's first code; null when valid. */
  code: ErrorCode | null;
  /** Every code raised, in step order, without repeats. */
  codes: ErrorCode[];
  /** L1/L2 from the token; L3 once a ledger with a key issued a receipt. */
  level: Level | null;
  version: Version | null;
  header: JsonObject | null;
  payload: JsonObject | null;
  jti: string | null;
  steps: StepReport[];
  /** Where decoding failed, for pointing at the spot. */
  decodeProblem?: DecodeProblem;
  /** The trusted key whose signature check passed. */
  key?: { kid: string; issuer: string | null };
  warnings: string[];
  entry?: LedgerEntry;
}
