/**
 * A ledger read and audited on the side, without opening it: for views that
 * show another ledger than the open one (the Graph tab's comparison, Learn's
 * replay) and must not switch the Ledger and Graph tabs' ledger under the
 * user. Read-only: entries are read from storage, verified against the trust
 * store (on the verification workers for large ledgers) and audited as a set.
 * The open ledger is answered from useLedgers, which has it audited already.
 */
import { auditReports, type AuditReport } from 'wimse-ect';
import { workbenchDb } from '../storage/db.ts';
import { IndexedDbLedger, type EntryRecord } from '../storage/ledger.ts';
import { verifyStoredReports } from '../workers/verifyPool.ts';
import { useKeyring } from './keyring.ts';
import { useLedgers } from './ledgers.ts';
import { useVerifierSettings } from './verifierSettings.ts';

export interface LedgerSnapshot {
  id: string;
  name: string;
  entries: EntryRecord[];
  audit: AuditReport;
}

/** Resolves once the keyring has loaded (or failed to): auditing before that would trust no key. */
function keyringSettled(): Promise<void> {
  return new Promise((resolve) => {
    if (useKeyring.getState().status !== 'loading') return resolve();
    const unsubscribe = useKeyring.subscribe((s) => {
      if (s.status === 'loading') return;
      unsubscribe();
      resolve();
    });
  });
}

/** The entries and whole-set audit of ledger `id`. */
export async function readLedgerSnapshot(id: string, signal?: AbortSignal): Promise<LedgerSnapshot> {
  const open = useLedgers.getState();
  const meta = open.ledgers.find((l) => l.id === id);
  if (open.currentId === id && open.audit && open.audit.nodes.length === open.entries.length) {
    return { id, name: meta?.name ?? id, entries: open.entries, audit: open.audit };
  }
  const ledger = await IndexedDbLedger.open(workbenchDb(), id);
  const entries = await ledger.entries();
  signal?.throwIfAborted();
  await keyringSettled();
  const { trust } = useKeyring.getState();
  const { settings } = useVerifierSettings.getState();
  const reports = await verifyStoredReports(
    entries.map((e) => e.token),
    signal ? { trust, settings, signal } : { trust, settings },
  );
  signal?.throwIfAborted();
  return { id, name: meta?.name ?? ledger.name, entries, audit: auditReports(reports, settings) };
}
