/**
 * The ledger Learn › Replay plays: its own choice, kept apart from the open
 * ledger of the Ledger and Graph tabs (choosing one here used to switch theirs
 * silently). The open ledger is read live from useLedgers; another one is read
 * and audited on the side (state/ledgerSnapshot.ts).
 */
import { useEffect, useState } from 'react';
import { create } from 'zustand';
import type { AuditReport } from 'wimse-ect';
import { readLedgerSnapshot } from '../../state/ledgerSnapshot.ts';
import { useLedgers } from '../../state/ledgers.ts';
import type { EntryRecord } from '../../storage/ledger.ts';

/** The ledger chosen in the replay (null: the open one), kept while the app is open. */
export const useReplayChoice = create<{ id: string | null; choose(id: string | null): void }>()((set) => ({
  id: null,
  choose: (id) => set({ id }),
}));

export type ReplayLedger =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; id: string; entries: EntryRecord[]; audit: AuditReport };

export function useReplayLedger(): { id: string | null; ledger: ReplayLedger } {
  const chosen = useReplayChoice((s) => s.id);
  const currentId = useLedgers((s) => s.currentId);
  const ledgers = useLedgers((s) => s.ledgers);
  const entries = useLedgers((s) => s.entries);
  const audit = useLedgers((s) => s.audit);
  // A ledger deleted meanwhile: back to the open one.
  const id = chosen !== null && ledgers.some((l) => l.id === chosen) ? chosen : currentId;
  const other = id !== null && id !== currentId ? id : null;
  const [snap, setSnap] = useState<{ id: string; ledger: ReplayLedger } | null>(null);
  useEffect(() => {
    if (other === null) return;
    const ctrl = new AbortController();
    readLedgerSnapshot(other, ctrl.signal).then(
      (s) =>
        !ctrl.signal.aborted &&
        setSnap({ id: other, ledger: { status: 'ready', id: other, entries: s.entries, audit: s.audit } }),
      (e: unknown) =>
        !ctrl.signal.aborted &&
        setSnap({
          id: other,
          ledger: {
            status: 'error',
            message: `This ledger could not be read: ${e instanceof Error ? e.message : String(e)}`,
          },
        }),
    );
    return () => ctrl.abort();
  }, [other]);
  if (other !== null) return { id, ledger: snap?.id === other ? snap.ledger : { status: 'loading' } };
  if (id === null || !audit) return { id, ledger: { status: 'loading' } };
  return { id, ledger: { status: 'ready', id, entries, audit } };
}
