/**
 * What is drawn, and bringing a node into it: the nodes the filters and the
 * selection query let through, and revealNode, which selects a node and asks
 * the canvas to centre on it, first clearing what hides it (a filter, the
 * query) and expanding the group it is collapsed into.
 */
import { criticalOf } from './critical.ts';
import { type GraphModel } from './model.ts';
import { countVisible, NO_FILTERS, visibleNodes, type Filters } from './view.ts';
import { groupSize, PIN_LIMIT, placeUnder, viewPlan } from './overview.ts';
import { parseSelection, selectNodes, type Selection } from './selection.ts';
import { useGraphView } from './store.ts';

/** The nodes the filters and the selection let through. */
export function visibleFor(model: GraphModel, filters: Filters, selection: Selection | null): Uint8Array {
  const visible = visibleNodes(model, filters);
  if (!selection) return visible;
  const picked = selectNodes(model, selection);
  for (let i = 0; i < visible.length; i++) visible[i] = visible[i]! & picked[i]!;
  return visible;
}

/** The parsed query of the store, or null (empty, or not valid: then it selects nothing away). */
export function selectionOf(query: string): Selection | null {
  const r = parseSelection(query);
  return r.ok ? r.selection : null;
}

/**
 * Selects model node i and centres it, framing the nodes `frame` with it (an edge's other end).
 * A filter or a query that hides one of them is cleared; a group that holds one is expanded, or,
 * past PIN_LIMIT members, left collapsed with the node drawn beside it: opening a group of 100,001
 * (one token naming 100,000 missing parents) kept the main thread busy past 30 s in Chromium on
 * this 2-core machine, the page unanswerable (e2e/hostile-ledger.spec.ts).
 */
export function revealNode(model: GraphModel, i: number, opts: { frame?: readonly number[] } = {}): void {
  const st = useGraphView.getState();
  const wanted = [i, ...(opts.frame ?? [])];
  let visible = visibleFor(model, st.filters, selectionOf(st.query));
  if (wanted.some((j) => !visible[j])) {
    // The query first: it is what was chosen last, most likely, and filters are fewer clicks back.
    const withoutQuery = visibleNodes(model, st.filters);
    if (wanted.every((j) => withoutQuery[j])) {
      st.setQuery('');
      visible = withoutQuery;
    } else {
      st.setView({ query: '', filters: NO_FILTERS });
      visible = visibleNodes(model, NO_FILTERS);
    }
  }
  const plan = viewPlan(
    model,
    visible,
    countVisible(visible),
    st.grouping,
    st.critical ? criticalOf(model).nodes : null,
  );
  for (const j of wanted) {
    const key = model.nodes[j]!.key;
    const g = placeUnder(model, plan, j);
    const now = useGraphView.getState();
    if (g === null || now.expanded.has(g) || now.pins.has(key)) continue;
    if (groupSize(model, plan, visible, g) > PIN_LIMIT) st.pin(key);
    else st.expand(g);
  }
  st.select(model.nodes[i]!.key, { center: true, frame: wanted.slice(1).map((j) => model.nodes[j]!.key) });
}
