/**
 * The shared ledger as a ledger bundle (bundle.ts: the format the app's Ledger tab opens and
 * `ect audit` reads), built by the core's makeBundle and checked by the core's checkLedger: what
 * `ect ledger export --db` writes and `ect serve` answers `GET /api/ledger` with.
 */
import { createCheckpoint } from '../checkpoint.ts';
import { makeBundle, type LedgerBundle } from '../bundle.ts';
import type { LedgerKey } from '../chain.ts';
import { checkLedger, type LedgerCheckReport } from '../ledgerCheck.ts';
import { SharedStoreError } from '../store-error.ts';
import type { PostgresLedger } from './postgres.ts';

/** The options of {@link postgresBundle}. */
export interface PostgresBundleOptions {
  /** The bundle's name (shown by the app). Default: the ledger's schema. */
  name?: string;
  /** Public keys of the exporter's trust store (informational: a reader uses its own). */
  trust?: unknown;
  /**
   * The ledger's private key: when given (and the chain is intact) the bundle carries a checkpoint
   * signed with it, so that a reader can pin this state. It must be the key the ledger declares.
   */
  key?: LedgerKey;
  /**
   * Run the core's ledger check (default true; needed for a checkpoint). A reader that checks the
   * bundle itself (the app does, on import) can skip it: receipts cost about 1.4 ms each to verify.
   */
  check?: boolean;
}

/**
 * The whole ledger as a bundle, and the core's check of it under the key the ledger declares (null
 * when skipped). A broken chain is still exported (an auditor needs it) but gets no checkpoint: the
 * report says why.
 */
export async function postgresBundle(
  ledger: PostgresLedger,
  opts: PostgresBundleOptions = {},
): Promise<{ bundle: LedgerBundle; report: LedgerCheckReport | null }> {
  const stored = ledger.publicKey;
  if (opts.key) {
    const mine = opts.key.publicJwk;
    if (!stored)
      throw new SharedStoreError(
        'config',
        'postgres',
        'this ledger has no key (its entries carry no receipts): there is nothing to sign a checkpoint for',
      );
    if (stored.jwk.x !== mine.x || stored.jwk.y !== mine.y)
      throw new SharedStoreError(
        'config',
        'postgres',
        `this ledger's key is ${stored.kid}, not the key given (${opts.key.kid}): a checkpoint must be signed by the ledger's key`,
      );
  }
  const entries = await ledger.entries();
  const report =
    opts.check === false && !opts.key ? null : await checkLedger(entries, { key: stored?.jwk ?? null });
  const checkpoint =
    opts.key && report?.ok
      ? await createCheckpoint({ size: report.lastSeq, head: report.head }, opts.key)
      : undefined;
  const bundle = makeBundle({
    name: opts.name ?? ledger.schema,
    entries,
    trust: opts.trust ?? null,
    ...(stored ? { ledgerKey: { ...stored.jwk, kid: stored.kid } } : {}),
    ...(checkpoint ? { checkpoint } : {}),
  });
  return { bundle, report };
}
