/**
 * React Flow's nodes and edges for a layout: built once per layout (and per
 * critical-path or ledger-problem change); a selection only re-classes the
 * elements of its lineage.
 */
import { useCallback, useMemo } from 'react';
import type { LedgerProblem } from 'wimse-ect';
import type { CriticalPaths } from './critical.ts';
import {
  flowEdges,
  flowNodes,
  focusEdges,
  focusNodes,
  focusOf,
  markCritical,
  type Laid,
} from './flowElements.ts';
import { useGraphView } from './store.ts';

const none = () => undefined;

export function useFlowElements({
  layout,
  selected,
  paths,
  problemsAt,
}: {
  layout: Laid | null;
  selected: string | null;
  paths: CriticalPaths | null;
  /** The ledger check's problems at an audit index; null while comparing (indices are not the audit's). */
  problemsAt: ((index: number) => readonly LedgerProblem[] | undefined) | null;
}) {
  const onExpand = useCallback((key: string) => useGraphView.getState().expand(key), []);
  const baseNodes = useMemo(
    () => (layout ? flowNodes(layout, { onExpand, ledgerProblemsAt: problemsAt ?? none }) : []),
    [layout, onExpand, problemsAt],
  );
  const baseEdges = useMemo(() => (layout ? flowEdges(layout) : []), [layout]);
  const focus = useMemo(() => (layout ? focusOf(layout, selected) : null), [layout, selected]);
  const marked = useMemo(
    () => (layout && paths ? markCritical(baseNodes, baseEdges, layout, paths) : null),
    [layout, paths, baseNodes, baseEdges],
  );
  const nodes = useMemo(() => focusNodes(marked?.nodes ?? baseNodes, focus), [marked, baseNodes, focus]);
  const edges = useMemo(
    () => focusEdges(marked?.edges ?? baseEdges, layout, focus),
    [marked, baseEdges, layout, focus],
  );
  return { nodes, edges, focus, onExpand };
}
