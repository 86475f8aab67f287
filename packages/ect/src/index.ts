/**
 * wimse-ect: Execution Context Tokens (draft-nennemann-wimse-ect -00/-01) as ECT-PROFILE.md
 * specifies them: create, verify (the sixteen steps), the DAG rules on arrival and over a whole
 * set, the audit ledger, settings from `ECT_*` variables. Runs unchanged in browsers and Node 20+:
 * WebCrypto through jose, no DOM, no storage of its own (stores and ledgers are interfaces).
 *
 * Every name exported here is API, documented where it is declared; nothing else is.
 *
 * @packageDocumentation
 */

// Creating tokens and keys
export { createToken, fillClaims, TYP_BY_VERSION, type CreateOptions, type CreatedToken } from './create.ts';
export {
  generateSigningKey,
  importPrivateJwk,
  importPublicJwk,
  keyImportProblem,
  type GeneratedKey,
} from './keys.ts';

// Verifying
export { verifyToken } from './verify.ts';
export { verifyTokens, verifyStoredWith, validStoredReport, signatureOutcomeOf } from './verify-set.ts';
export type {
  VerifyOptions,
  VerifyEvent,
  StoredVerifyOptions,
  TrustStoreDocument,
  VerificationReport,
  StepReport,
  StepStatus,
} from './report.ts';
export type { SignatureOutcome } from './signature.ts';
export type { KeyResolver, ResolvedKey } from './resolver.ts';
export {
  parseTrustStore,
  serializeTrustStore,
  unusableKeyReason,
  MIN_RSA_BITS,
  MAX_KEYS_PER_KID,
  type TrustStore,
  type TrustedKey,
  type SkippedKey,
} from './trust.ts';
export { STEPS, STEP_IDS, type StepId, type StepInfo } from './steps.ts';

// Replay, the DAG rules, the whole-set audit
export { MemoryReplayStore, type ReplayStore, type MemoryReplayStoreOptions } from './replay.ts';
export { checkArrival, MemoryTaskStore, taskRecord, type TaskRecord, type TaskStore } from './dag.ts';
export {
  auditTokens,
  auditReports,
  auditReportsInSlices,
  type AuditOptions,
  type AuditReport,
  type AuditNode,
  type AuditEdge,
  type Violation,
} from './audit.ts';

// The ledger
export { MemoryLedger, matchesQuery, type Ledger, type LedgerQuery } from './ledger.ts';
export {
  computeEntryHash,
  signReceipt,
  verifyReceipt,
  GENESIS_HASH,
  RECEIPT_TYP,
  type LedgerEntry,
  type LedgerKey,
  type ReceiptClaims,
} from './chain.ts';
export {
  checkLedger,
  verifyChain,
  type CheckableEntry,
  type LedgerCheckOptions,
  type LedgerCheckReport,
  type ChainReport,
} from './ledgerCheck.ts';
export { checkpointProblems } from './ledgerCheckpoint.ts';
export {
  explainLedgerProblem,
  isLedgerProblemCode,
  LEDGER_PROBLEM_CODES,
  type LedgerProblemCode,
  type LedgerProblem,
  type ProblemExplanation,
} from './ledgerProblems.ts';
export {
  createCheckpoint,
  readCheckpoint,
  keyFingerprint,
  publicJwkOf,
  CheckpointError,
  CHECKPOINT_TYP,
  type Checkpoint,
  type CheckpointClaims,
} from './checkpoint.ts';
export {
  makeBundle,
  parseBundle,
  checkBundle,
  isBundleDocument,
  BundleError,
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleEntry,
  type LedgerBundle,
  type BundleCheckOptions,
} from './bundle.ts';

// Settings
export {
  DEFAULT_SETTINGS,
  resolveSettings,
  SETTING_NAMES,
  SUPPORTED_ALGS,
  isForbiddenAlg,
  type Settings,
  type Level,
  type Version,
} from './settings.ts';
export { settingsFromEnv, ENV_VARIABLES, type EnvVariable } from './env.ts';

// Decoding and claims
export {
  decodeToken,
  decodeJsonPart,
  MAX_TOKEN_LENGTH,
  type DecodeResult,
  type DecodedToken,
  type DecodedJws,
  type DecodedL1,
  type DecodeProblem,
  type JsonObject,
  type PartResult,
} from './decode.ts';
export { splitInput, splitLines, type SplitResult } from './input.ts';
export {
  checkClaims,
  checkExt,
  checkPredCount,
  detectVersion,
  jsonDepth,
  jsonDeeperThan,
  CLAIM_NAMES,
  POLICY_DECISIONS,
  UUID_RE,
  type PolicyDecision,
  type VersionDetection,
} from './claims.ts';
export { decodeBase64Url, encodeBase64Url, encodeBase64UrlText } from './base64url.ts';

// Problems, errors, explanations
export { ERROR_CODES, isErrorCode, type ErrorCode, type Problem } from './codes.ts';
export {
  EctError,
  ClaimsError,
  OptionsError,
  SettingsError,
  TrustStoreError,
  Base64UrlError,
  KeyError,
  StoreError,
  type EctErrorCode,
} from './errors.ts';
export { explain, EXPLANATIONS, type Explanation } from './explanations.ts';
export { CLAIMS, claimInfo, migrationHints, type ClaimInfo } from './dictionary.ts';

// Shared stores (wimse-ect/redis, wimse-ect/postgres) and HTTP
export { SharedStoreError, type SharedStoreReason } from './store-error.ts';
export {
  EXECUTION_CONTEXT_HEADER,
  parseExecutionContext,
  verifyRequest,
  refusalResponse,
  withExecutionContext,
  executionContextMiddleware,
  type RequestVerifierOptions,
  type RequestVerdict,
  type RefusalBody,
  type VerifiedEct,
  type ExecutionContext,
  type NodeRequestLike,
  type NodeResponseLike,
  type HeadersLike,
  type RequestLike,
  type FetchResponse,
} from './http.ts';
export { quote } from './text.ts';
