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
import { useGraphView, type GraphView } from './store.ts';
import { useCompare } from './useCompare.ts';

/** A model's scene computed ahead (prepareScene), for the view state it was computed for. */
interface Ahead {
  filters: GraphView['filters'];
  query: string;
  grouping: GraphView['grouping'];
  expanded: GraphView['expanded'];
  pins: ReadonlySet<string>;
  selection: ReturnType<typeof selectionOf>;
  visible: Uint8Array;
  visibleCount: ReturnType<typeof countVisible>;
  plan: ReturnType<typeof viewPlan>;
  view: ReturnType<typeof buildView>;
}
const ahead = new WeakMap<GraphModel, Ahead>();

/**
 * Computes the scene of `model` for the view state of now, a step at a time (awaiting `pause`
 * between steps), for the first render of the model to take instead of computing it: at
 * 100,000 tokens that render was one task of 220-350 ms, 125-180 ms of it these steps (issue 17,
 * profiled at load 5). Each step's result is taken only by a render whose inputs are those very
 * values (the view state may change meanwhile); a comparison or critical paths are computed in
 * the render as before.
 */
export async function prepareScene(model: GraphModel, pause: () => Promise<void>): Promise<void> {
  const { filters, query, grouping, expanded, pins, critical, compare } = useGraphView.getState();
  if (critical || compare !== null) return;
  const selection = selectionOf(query);
  const visible = visibleFor(model, filters, selection);
  await pause();
  const visibleCount = countVisible(visible);
  const plan = viewPlan(model, visible, visibleCount, grouping, null);
  await pause();
  const view = buildView(model, visible, plan.mode, expanded, withPins(model, plan, pins));
  ahead.set(model, {
    filters,
    query,
    grouping,
    expanded,
    pins,
    selection,
    visible,
    visibleCount,
    plan,
    view,
  });
}

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

  // What prepareScene computed for this model, where the inputs are the same.
  const pre = ahead.get(model);
  const selection = useMemo(
    () => (pre && pre.query === query ? pre.selection : selectionOf(query)),
    [pre, query],
  );
  const visible = useMemo(
    () =>
      pre && pre.filters === filters && pre.selection === selection
        ? pre.visible
        : visibleFor(model, filters, selection),
    [pre, model, filters, selection],
  );
  const visibleCount = useMemo(
    () => (pre && pre.visible === visible ? pre.visibleCount : countVisible(visible)),
    [pre, visible],
  );
  const paths = useMemo(() => (critical ? criticalOf(model) : null), [critical, model]);
  const plan = useMemo(
    () =>
      pre && pre.visible === visible && pre.grouping === grouping && paths === null
        ? pre.plan
        : viewPlan(model, visible, visibleCount, grouping, paths?.nodes ?? null),
    [pre, model, visible, visibleCount, grouping, paths],
  );
  const view = useMemo(
    () =>
      pre && pre.plan === plan && pre.expanded === expanded && pre.pins === pins
        ? pre.view
        : buildView(model, visible, plan.mode, expanded, withPins(model, plan, pins)),
    [pre, model, visible, plan, expanded, pins],
  );
  return { base, model, cmp, comparing: compare !== null, query, visible, visibleCount, paths, plan, view };
}
