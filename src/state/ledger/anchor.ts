/**
 * What anchors the open ledger outside the browser: its key's fingerprint, its latest checkpoint,
 * the bundle export (which carries a checkpoint), and checking the ledger against a checkpoint the
 * user kept. Anything running in this page can use the ledger's (non-extractable) key, so only a
 * checkpoint kept elsewhere can show that the ledger was truncated or rewritten since.
 */
import type { JWK } from 'jose';
import {
  checkLedger,
  makeBundle,
  publicJwkOf,
  readCheckpoint,
  serializeTrustStore,
  type LedgerBundle,
} from 'wimse-ect';
import type { EntryRecord } from '../../storage/ledger.ts';
import { useKeyring } from '../keyring.ts';
import type { Auditor } from './audit.ts';
import { storedCheckOptions, type LedgerContext } from './context.ts';

/** The same stored entry: what the chain and the receipt cover (and the time) unchanged. */
const sameEntry = (a: EntryRecord, b: EntryRecord | undefined) =>
  b !== undefined &&
  a.seq === b.seq &&
  a.token === b.token &&
  a.prevHash === b.prevHash &&
  a.entryHash === b.entryHash &&
  a.receipt === b.receipt &&
  a.appendedAt === b.appendedAt;

/**
 * The open ledger as a bundle: its entries as stored, its public key, and a checkpoint signed now,
 * only when the entries just read check intact (a checkpoint vouches for all of them). Entries
 * unchanged since the last check, which found nothing, are linked but not verified again: an L3
 * ledger's receipts cost about 1.4 ms each to verify (10,000 in 14 s, in Node on this shared
 * machine under load).
 */
export async function exportBundle(ctx: LedgerContext): Promise<LedgerBundle> {
  const ledger = ctx.open;
  if (!ledger) throw new Error('no ledger is open');
  const entries = await ledger.entries();
  const { chain, entries: checked } = ctx.get();
  let checkpoint: string | null = null;
  if (chain?.ok) {
    const own = new Set<object>(entries.filter((e, i) => sameEntry(e, checked[i])));
    const report = await checkLedger(entries, { ...storedCheckOptions(ctx, ledger), own });
    if (report.ok) checkpoint = await ledger.checkpoint(report.lastSeq, report.head);
  }
  const meta = ctx.get().ledgers.find((l) => l.id === ledger.id);
  return makeBundle({
    name: meta?.name ?? ledger.name,
    entries,
    trust: serializeTrustStore(useKeyring.getState().trust),
    ...(ledger.publicKey ? { ledgerKey: ledger.publicKey } : {}),
    ...(checkpoint ? { checkpoint } : {}),
  });
}

/** The open ledger's public key (public members and kid only). */
export function ledgerKey(ctx: LedgerContext): JWK | null {
  const key = ctx.open?.publicKey;
  return key ? { ...publicJwkOf(key), alg: 'ES256', use: 'sig' } : null;
}

/** Reads the checkpoint (CheckpointError when unusable) and checks the whole ledger against it. */
export async function pinCheckpoint(ctx: LedgerContext, auditor: Auditor, text: string): Promise<void> {
  const cp = await readCheckpoint(text);
  ctx.pinned = cp;
  ctx.set({
    pinned: { jws: cp.jws, size: cp.size, head: cp.head, time: cp.time, key: cp.key, problems: [] },
  });
  // Receipts are now checked under the checkpoint's key: the whole ledger again.
  ctx.base = null;
  await auditor.reaudit();
}

export async function unpinCheckpoint(ctx: LedgerContext, auditor: Auditor): Promise<void> {
  ctx.pinned = null;
  ctx.set({ pinned: null });
  ctx.base = null;
  await auditor.reaudit();
}
