/**
 * Keeping the open ledger's view current: Re-check reads everything again (the ledger's record,
 * with its key, and every entry), a sync reads only what another tab appended.
 */
import { keyFingerprint } from 'wimse-ect';
import { workbenchDb } from '../../storage/db.ts';
import { IndexedDbLedger } from '../../storage/ledger.ts';
import type { Auditor } from './audit.ts';
import type { LedgerContext } from './context.ts';

/**
 * Opens ledger `id` as stored now, and notes its key's fingerprint; unless `wanted` says, once it is
 * read, that another ledger was chosen meanwhile.
 */
export async function openLedger(
  ctx: LedgerContext,
  id: string,
  wanted: () => boolean = () => true,
): Promise<IndexedDbLedger> {
  const ledger = await IndexedDbLedger.open(workbenchDb(), id);
  const fingerprint = ledger.publicKey ? await keyFingerprint(ledger.publicKey) : null;
  if (!wanted()) return ledger;
  ctx.open = ledger;
  ctx.base = null;
  ctx.set({ keyFingerprint: fingerprint });
  return ledger;
}

/** Re-reads the ledger's record (its key may have been replaced) and checks every entry again. */
export async function recheck(ctx: LedgerContext, auditor: Auditor): Promise<void> {
  const id = ctx.get().currentId;
  if (!id) return;
  await openLedger(ctx, id);
  await auditor.reaudit();
}

/** Reads the entries another tab appended, if any, and checks them on from the last check. */
export async function sync(ctx: LedgerContext, auditor: Auditor): Promise<boolean> {
  if (!ctx.open || ctx.importing) return false;
  const ledger = ctx.open;
  const fresh = await ledger.refresh();
  if (!fresh || ctx.open !== ledger || ctx.importing) return false;
  await auditor.reaudit({ append: true });
  return true;
}
