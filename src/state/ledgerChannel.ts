/**
 * The cross-tab channel for ledger changes: a tab that changes a ledger posts
 * 'ect-ledger-changed' on a BroadcastChannel (same origin only); other tabs re-read what is new
 * (src/features/ledger/sync.ts). App state, so that any writer can announce without importing a
 * feature.
 */
const CHANNEL = 'ect-workbench-ledgers';

export interface LedgerChangeMessage {
  type: 'ect-ledger-changed';
  /** The ledger whose entries changed; null when only the list of ledgers changed. */
  ledgerId: string | null;
}

let channel: BroadcastChannel | null | undefined;
export function ledgerChannel(): BroadcastChannel | null {
  if (channel === undefined)
    channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
  return channel;
}

/** Tells the other tabs that a ledger (or the list of ledgers) changed. */
export function announceLedgerChange(ledgerId: string | null): void {
  const message: LedgerChangeMessage = { type: 'ect-ledger-changed', ledgerId };
  ledgerChannel()?.postMessage(message);
}
