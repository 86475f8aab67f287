/**
 * What the parts of the ledgers store share (store.ts builds it; audit.ts, import.ts, sync.ts and
 * anchor.ts work on it): the state's shape, the ledger that is open, and small helpers.
 */
import type {
  AuditReport,
  Checkpoint,
  LedgerCheckOptions,
  LedgerCheckReport,
  LedgerBundle,
  LedgerProblem,
} from 'wimse-ect';
import type { JWK } from 'jose';
import {
  storedClaims,
  type EntryRecord,
  type IndexedDbLedger,
  type LedgerMeta,
} from '../../storage/ledger.ts';
import { entryHashSync } from '../../lib/entryHash.ts';
import type { TextInput } from '../../lib/textParts.ts';
import { useKeyring } from '../keyring.ts';

export interface ImportProgress {
  phase: 'reading' | 'checking' | 'hashing' | 'writing' | 'auditing';
  done: number;
  total: number;
}

export interface ImportResult {
  added: number;
  /** Pieces of the input that are not tokens at all (kept out of the ledger), with why. */
  skipped: { index: number; message: string }[];
  /** Problems of an imported bundle's own chain that the user chose to import despite. */
  bundleProblems?: number;
}

/** A checkpoint as the app shows it: the signed statement and what it says. */
export interface CheckpointView {
  jws: string;
  size: number;
  head: string;
  /** Unix seconds. */
  time: number;
}

/** The checkpoint the user gave back, and what checking the ledger against it found. */
export interface PinnedCheckpoint extends CheckpointView {
  /** Fingerprint of the key that signed it. */
  key: string;
  /** Its own problems (checkpoint_mismatch), also in `chain.problems`. */
  problems: LedgerProblem[];
}

export interface LedgersState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  ledgers: LedgerMeta[];
  currentId: string | null;
  /** The open ledger's entries; claims, jti and their copies are those decoded from each token. */
  entries: EntryRecord[];
  /** The core's ledger check (ECT-PROFILE.md section 8) of the open ledger. */
  chain: LedgerCheckReport | null;
  /** `chain.problems` by entry (sequence number), for the table, the entry detail and the graph. */
  problems: ReadonlyMap<number, readonly LedgerProblem[]>;
  audit: AuditReport | null;
  progress: ImportProgress | null;
  /** The open ledger key's fingerprint (RFC 7638 thumbprint); null for a ledger without a key. */
  keyFingerprint: string | null;
  /** A checkpoint of the ledger as last checked, signed by its key; only when the check found nothing. */
  checkpoint: CheckpointView | null;
  /** The checkpoint the user pasted to check the ledger against (this ledger, this tab). */
  pinned: PinnedCheckpoint | null;
  load(): Promise<void>;
  select(id: string): Promise<void>;
  create(name: string, opts?: { signReceipts?: boolean }): Promise<LedgerMeta>;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
  /**
   * Appends every token of `text` (any input form, or a bundle) to the open ledger in one
   * transaction: all or nothing. Cancellable until the write. A bundle whose own chain has
   * problems is refused (BundleRefused) unless `acceptBundleProblems`. A large file's text may come
   * as the slices it was read in (`readTextParts`), which are then never joined for lines of tokens.
   */
  importText(
    text: TextInput,
    opts?: { signal?: AbortSignal; acceptBundleProblems?: boolean },
  ): Promise<ImportResult>;
  /** Re-reads the ledger (its key too) and its entries, re-checks the whole chain and re-audits. */
  refresh(): Promise<void>;
  /**
   * Cheap check for appends by another tab: reads only entries past the known head and
   * re-audits when there are any. Returns whether anything was new. Does nothing while an
   * import runs.
   */
  sync(): Promise<boolean>;
  /** The open ledger as a bundle, with a fresh checkpoint when it checks intact. */
  exportBundle(): Promise<LedgerBundle>;
  /** The open ledger's public key (JWK), for `ect audit --ledger-key`; null without a key. */
  ledgerKey(): JWK | null;
  /** Checks the open ledger against a checkpoint (its text); throws CheckpointError when unusable. */
  pinCheckpoint(text: string): Promise<void>;
  /** Stops checking against the pinned checkpoint. */
  unpinCheckpoint(): Promise<void>;
}

/** The store's working parts that are not state: shared by its modules. */
export interface LedgerContext {
  get(): LedgersState;
  set(partial: Partial<LedgersState>): void;
  /** The ledger open now (null before load, or after it was deleted). */
  open: IndexedDbLedger | null;
  /**
   * The ledger being opened (select() has named it `currentId` but IndexedDB has not answered
   * yet): an import waits for it, or it would write into the ledger open before.
   */
  opening: Promise<unknown> | null;
  /** An import is running: background re-audits wait for it. */
  importing: boolean;
  /** The pinned checkpoint, read and verified. */
  pinned: Checkpoint | null;
  /**
   * The last ledger check without the pinned checkpoint's problems: what an append's check
   * continues from (the checkpoint is checked again over the whole).
   */
  base: LedgerCheckReport | null;
}

export const NO_PROBLEMS: ReadonlyMap<number, readonly LedgerProblem[]> = new Map();

/** Problems grouped by their entry's sequence number. */
export function problemsBySeq(
  problems: readonly LedgerProblem[],
): ReadonlyMap<number, readonly LedgerProblem[]> {
  if (!problems.length) return NO_PROBLEMS;
  const out = new Map<number, LedgerProblem[]>();
  for (const p of problems) {
    const list = out.get(p.seq);
    if (list) list.push(p);
    else out.set(p.seq, [p]);
  }
  return out;
}

/** Resolves once the keyring has loaded (or failed to): auditing before that would trust no key. */
/**
 * How the app checks a ledger it keeps: under the ledger's key and the pinned checkpoint's, with the
 * synchronous entry hash (no await per entry), and knowing that entries stored as tokens keep no
 * copy of their claims to compare.
 */
export function storedCheckOptions(ctx: LedgerContext, ledger: IndexedDbLedger): LedgerCheckOptions {
  return {
    key: ledger.publicKey ?? null,
    pinnedKey: ctx.pinned?.jwk ?? null,
    hashEntry: entryHashSync,
    storedClaims,
  };
}

export function keyringSettled(): Promise<void> {
  return new Promise((resolve) => {
    if (useKeyring.getState().status !== 'loading') return resolve();
    const unsubscribe = useKeyring.subscribe((s) => {
      if (s.status === 'loading') return;
      unsubscribe();
      resolve();
    });
  });
}
