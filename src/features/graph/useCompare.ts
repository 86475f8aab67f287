/**
 * The comparison with another ledger: read and audited on the side
 * (state/ledgerSnapshot.ts, which leaves the open ledger as it is), then
 * merged with the open one into one diff model (diff.ts).
 */
import { useEffect, useMemo, useState } from 'react';
import type { AuditReport } from 'wimse-ect';
import { readLedgerSnapshot, type LedgerSnapshot } from '../../state/ledgerSnapshot.ts';
import { buildDiffModel, type DiffModel } from './diff.ts';

export type CompareState =
  | { status: 'off' }
  | { status: 'loading'; name: string | null }
  | { status: 'error'; message: string }
  | { status: 'ready'; name: string; model: DiffModel };

export function useCompare(compareId: string | null, audit: AuditReport, clockSkew: number): CompareState {
  const [snap, setSnap] = useState<
    { id: string; snap: LedgerSnapshot } | { id: string; error: string } | null
  >(null);
  useEffect(() => {
    if (compareId === null) return;
    const ctrl = new AbortController();
    readLedgerSnapshot(compareId, ctrl.signal).then(
      (s) => !ctrl.signal.aborted && setSnap({ id: compareId, snap: s }),
      (e: unknown) =>
        !ctrl.signal.aborted &&
        setSnap({
          id: compareId,
          error: `The ledger to compare with could not be read: ${e instanceof Error ? e.message : String(e)}`,
        }),
    );
    return () => ctrl.abort();
  }, [compareId]);
  const model = useMemo(
    () =>
      snap && 'snap' in snap && snap.id === compareId
        ? buildDiffModel(audit, snap.snap.audit, clockSkew)
        : null,
    [snap, compareId, audit, clockSkew],
  );
  if (compareId === null) return { status: 'off' };
  if (snap?.id === compareId && 'error' in snap) return { status: 'error', message: snap.error };
  if (model && snap && 'snap' in snap) return { status: 'ready', name: snap.snap.name, model };
  return { status: 'loading', name: null };
}
