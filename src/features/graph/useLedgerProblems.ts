/**
 * The ledger check's problems (chain, sequence, receipts, checkpoint) for the
 * Graph tab: each marked on its entry's node; the first is where the ledger
 * stops proving what the graph draws.
 */
import { useCallback, useMemo } from 'react';
import type { AuditReport } from 'wimse-ect';
import { useLedgers } from '../../state/ledgers.ts';

export function useLedgerProblems(audit: AuditReport) {
  const chainBreak = useLedgers((s) => s.chain?.firstBreak ?? null);
  const problems = useLedgers((s) => s.problems);
  const entries = useLedgers((s) => s.entries);
  /** The problems at the entry of audit index `index`, if any. */
  const problemsAt = useCallback(
    (index: number) =>
      entries.length === audit.nodes.length && entries[index] ? problems.get(entries[index].seq) : undefined,
    [entries, audit, problems],
  );
  /** The audit index of the first entry with a problem, or -1. */
  const breakIndex = useMemo(() => {
    if (!chainBreak || entries.length !== audit.nodes.length) return -1;
    const guess = chainBreak.seq - 1;
    return entries[guess]?.seq === chainBreak.seq ? guess : entries.findIndex((e) => e.seq >= chainBreak.seq);
  }, [chainBreak, entries, audit]);
  return {
    chainBreak,
    count: problems.size,
    problemsAt,
    breakIndex,
    breakSeq: breakIndex >= 0 ? entries[breakIndex]!.seq : null,
  };
}
