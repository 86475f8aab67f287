/**
 * What the Graph tab draws: the model of the open ledger (or of its comparison
 * with another), the nodes the filters and the selection query let through,
 * the grouping plan (problems first, by workflow or agent) and the view built
 * from them. Each step is memoized on what it depends on, so a selection or a
 * panel opening recomputes nothing here.
 */
import { useMemo } from 'react';
import type { AuditReport } from 'wimse-ect';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import { criticalOf } from './critical.ts';
import { type GraphModel } from './model.ts';
import { buildView, countVisible } from './view.ts';
import { viewPlan, withPins } from './overview.ts';
import { selectionOf, visibleFor } from './reveal.ts';
import { useGraphView } from './store.ts';
import { useCompare } from './useCompare.ts';

/** `base` is the model of `audit` (usePreparedModel builds it). */
export function useScene(audit: AuditReport, base: GraphModel) {
  const clockSkew = useVerifierSettings((s) => s.settings.clockSkew);
  // Comparing with another ledger: the graph is the two merged (diff.ts).
  const compare = useGraphView((s) => s.compare);
  const cmp = useCompare(compare, audit, clockSkew);
  const model: GraphModel = cmp.status === 'ready' ? cmp.model : base;
  const filters = useGraphView((s) => s.filters);
  const query = useGraphView((s) => s.query);
  const grouping = useGraphView((s) => s.grouping);
  const expanded = useGraphView((s) => s.expanded);
  const pins = useGraphView((s) => s.pins);
  const critical = useGraphView((s) => s.critical);

  const selection = useMemo(() => selectionOf(query), [query]);
  const visible = useMemo(() => visibleFor(model, filters, selection), [model, filters, selection]);
  const visibleCount = useMemo(() => countVisible(visible), [visible]);
  const paths = useMemo(() => (critical ? criticalOf(model) : null), [critical, model]);
  const plan = useMemo(
    () => viewPlan(model, visible, visibleCount, grouping, paths?.nodes ?? null),
    [model, visible, visibleCount, grouping, paths],
  );
  const view = useMemo(
    () => buildView(model, visible, plan.mode, expanded, withPins(model, plan, pins)),
    [model, visible, plan, expanded, pins],
  );
  return { base, model, cmp, comparing: compare !== null, query, visible, visibleCount, paths, plan, view };
}
