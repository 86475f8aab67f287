/** Messages between the page and the verification workers (verify.worker.ts, verifyPool.ts). */
import type { Settings, TrustStore } from 'wimse-ect';

export interface VerifyRequest {
  id: number;
  /** Sent when it changes: the worker keeps the last one it got (and its imported keys). */
  trust?: TrustStore;
  trustId: number;
  settings: Settings;
  /**
   * The tokens, one a line: one string is copied to the worker at once, where 1,000 strings were
   * ~5 ms of the page's time per chunk (session 7, profiled at load 2-3). `tokens` instead when a
   * token holds a line break (one read from a bundle may).
   */
  lines?: string;
  tokens?: string[];
}

/**
 * Compact results, one slot per token (structured-cloning whole reports, 16 steps each, costs
 * the page more than verifying): whether it is valid, and step 7's outcome, as the index of the
 * key that verified it in `keys` (-1: the check did not pass) or a failure message in `failures`.
 */
export type VerifyResponse =
  | {
      id: number;
      ok: true;
      valid: Uint8Array;
      keyIndex: Int16Array;
      keys: { kid: string; issuer: string | null }[];
      failures: [index: number, message: string][];
      /** The worker's time on the chunk (ms), for the benchmark's account of who did what. */
      ms: number;
    }
  | { id: number; ok: false; error: string };
