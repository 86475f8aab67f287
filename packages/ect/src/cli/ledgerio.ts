/**
 * Ledger files for the `ect` CLI (contract: ../shared/conformance/README.md): a list of tokens,
 * or the app's ledger export (a bundle), whose chain, receipts and checkpoints are checked with
 * the core's one ledger check (ECT-PROFILE.md section 8).
 *
 * - `ect audit` of a bundle adds `"ledger": {entries, receipts, intact, problems}`; any problem
 *   makes the exit status 1. `--ledger-key F` and `--checkpoint F` pin what the auditor expects.
 * - `ect verify --ledger F` refuses a bundle with any ledger problem (exit 2, naming the entry),
 *   and preloads only the tokens that pass steps 1-10 as a stored set; each one left out is named
 *   in a warning on stderr, so no unverified token can vouch for a child.
 */
import type { JWK } from 'jose';
import {
  BundleError,
  checkBundle,
  CheckpointError,
  isBundleDocument,
  parseBundle,
  publicJwkOf,
  readCheckpoint,
  splitInput,
  verifyTokens,
  type Checkpoint,
  type LedgerBundle,
  type LedgerCheckReport,
  type Settings,
  type TrustStore,
} from '../index.ts';
import { oneLine } from '../text.ts';

/** A ledger file or pin that cannot be used: exit 2 with this message. */
export class LedgerFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerFileError';
  }
}

export interface LedgerFile {
  tokens: string[];
  /** Set when the file is a ledger export. */
  bundle: LedgerBundle | null;
}

/** Reads a ledger file's text: a bundle (its shape checked) or any list of tokens. */
export function readLedgerFile(text: string, path: string): LedgerFile {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      doc = undefined; // not JSON: read as lines, like any token file
    }
    if (isBundleDocument(doc)) {
      try {
        const bundle = parseBundle(doc);
        return { tokens: bundle.entries.map((e) => e.token), bundle };
      } catch (e) {
        if (e instanceof BundleError)
          throw new LedgerFileError(`ledger export ${JSON.stringify(path)}: ${e.message}`);
        throw e;
      }
    }
  }
  return { tokens: splitInput(text).tokens, bundle: null };
}

export interface LedgerPins {
  pinnedKey?: JWK;
  checkpoint?: Checkpoint;
}

/** `--ledger-key F` (a public JWK) and `--checkpoint F` (a checkpoint, or JSON holding one). */
export async function readPins(
  files: { ledgerKey?: string | undefined; checkpoint?: string | undefined },
  readText: (path: string, what: string) => string,
): Promise<LedgerPins> {
  const pins: LedgerPins = {};
  if (files.ledgerKey) {
    let jwk: unknown;
    try {
      jwk = JSON.parse(readText(files.ledgerKey, 'ledger key'));
    } catch (e) {
      if (e instanceof SyntaxError)
        throw new LedgerFileError(`ledger key ${JSON.stringify(files.ledgerKey)} is not JSON: ${e.message}`);
      throw e;
    }
    const k = jwk as Record<string, unknown> | null;
    if (!k || typeof k !== 'object' || k.kty !== 'EC' || k.crv !== 'P-256' || typeof k.x !== 'string')
      throw new LedgerFileError(
        `ledger key ${JSON.stringify(files.ledgerKey)} must be the ledger's public key: an EC P-256 JWK`,
      );
    pins.pinnedKey = publicJwkOf(k as JWK);
  }
  if (files.checkpoint) {
    try {
      pins.checkpoint = await readCheckpoint(readText(files.checkpoint, 'checkpoint'));
    } catch (e) {
      if (e instanceof CheckpointError)
        throw new LedgerFileError(`checkpoint ${JSON.stringify(files.checkpoint)}: ${e.message}`);
      throw e;
    }
  }
  return pins;
}

/** What `ect audit` adds for a ledger export. */
export interface LedgerSection {
  entries: number;
  receipts: number;
  intact: boolean;
  problems: { seq: number; code: string; message: string }[];
}

/** The ledger check of a bundle, as `ect audit` prints it. */
export async function auditLedger(bundle: LedgerBundle, pins: LedgerPins): Promise<LedgerSection> {
  const report: LedgerCheckReport = await checkBundle(bundle, {
    pinnedKey: pins.pinnedKey ?? null,
    checkpoint: pins.checkpoint ?? null,
  });
  return {
    entries: report.length,
    receipts: report.receipts,
    intact: report.ok,
    problems: report.problems.map(({ seq, code, message }) => ({ seq, code, message })),
  };
}

/**
 * The tokens `ect verify --ledger` may preload: a bundle must check intact (else a
 * LedgerFileError naming the first entry at fault), and each token must pass steps 1-10 as a
 * stored set; `warn` is told of every token left out. Returns the tokens kept, with their claims.
 */
export async function preloadableTokens(
  file: LedgerFile,
  path: string,
  opts: { trust: TrustStore; settings: Settings; now?: number },
  warn: (message: string) => void,
): Promise<{ token: string; claims: Record<string, unknown> }[]> {
  if (file.bundle) {
    const report = await checkBundle(file.bundle);
    const first = report.firstBreak;
    if (first) {
      const more = report.problems.length > 1 ? ` (and ${report.problems.length - 1} more problems)` : '';
      throw new LedgerFileError(
        `ledger export ${JSON.stringify(path)} is broken at entry #${first.seq}: ${first.code}: ${first.message}${more}; run ect audit on it for every problem`,
      );
    }
  }
  const reports = await verifyTokens(file.tokens, {
    trust: opts.trust,
    settings: opts.settings,
    mode: 'stored',
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
  const kept: { token: string; claims: Record<string, unknown> }[] = [];
  reports.forEach((r, i) => {
    if (r.valid && r.payload) kept.push({ token: r.token, claims: r.payload });
    else {
      const first = r.steps.find((s) => s.status === 'fail')?.problems[0];
      warn(
        oneLine(
          `--ledger ${path}: token ${i + 1}${r.jti ? ` (jti ${r.jti})` : ''} left out of the store: ${r.code}${first ? `: ${first.message}` : ''}`,
        ),
      );
    }
  });
  return kept;
}
