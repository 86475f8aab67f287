/**
 * Keeping several tabs on one ledger in step. The storage never loses or duplicates an append
 * across tabs (one transaction per batch, with a head check); this makes the other tabs *show*
 * it: a tab that changes a ledger announces it (src/state/ledgerChannel.ts), and every tab re-reads what is new when it gets that message or regains focus.
 */
import { useEffect } from 'react';
import { useLedgers } from '../../state/ledgers.ts';
import { workbenchDb } from '../../storage/db.ts';
import { LedgerCatalog } from '../../storage/ledger.ts';
import { useLedgerView } from './store.ts';
import { ledgerChannel, type LedgerChangeMessage } from '../../state/ledgerChannel.ts';

/**
 * Re-reads what changed elsewhere: the list of ledgers (created, renamed, deleted in another
 * tab) and the entries appended to the open ledger since this tab last looked.
 */
export async function catchUp(message?: LedgerChangeMessage): Promise<void> {
  const state = useLedgers.getState();
  // During an import this tab is the writer; it catches up when the import ends.
  if (state.status !== 'ready' || useLedgerView.getState().running) return;
  try {
    if (!message || message.ledgerId === null || message.ledgerId !== state.currentId) {
      // The list of ledgers may have changed (created, renamed, deleted elsewhere).
      const known = state.ledgers.map((l) => `${l.id}\u0000${l.name}`).join('\n');
      const list = await new LedgerCatalog(workbenchDb()).list();
      if (list.map((l) => `${l.id}\u0000${l.name}`).join('\n') !== known) {
        await useLedgers.getState().load();
        return;
      }
    }
    await useLedgers.getState().sync();
  } catch {
    // The store shows its own error; a failed background refresh must not break the page.
  }
}

/** While mounted: catch up on focus, on visibility, and on another tab's message. */
export function useLedgerSync(): void {
  useEffect(() => {
    const ch = ledgerChannel();
    const onMessage = (e: MessageEvent<LedgerChangeMessage>) => {
      if (e.data?.type === 'ect-ledger-changed') void catchUp(e.data);
    };
    const onFocus = () => void catchUp();
    const onVisible = () => {
      if (document.visibilityState === 'visible') void catchUp();
    };
    // Messages that came during an import were left for after it: catch up once it ends (the
    // ledger may even have been deleted meanwhile).
    const unsubscribe = useLedgerView.subscribe((s, prev) => {
      if (prev.running && !s.running) void catchUp();
    });
    ch?.addEventListener('message', onMessage);
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      unsubscribe();
      ch?.removeEventListener('message', onMessage);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
}
