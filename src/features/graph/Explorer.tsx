/**
 * The Graph tab's explorer, a full-height workspace: a compact top bar (the
 * counts, find, the violation stepper, menus), the canvas (React Flow) between
 * a folding panel on the left (view controls, violations, legend) and the
 * details of the selection on the right, the timeline folding under it. At
 * narrow widths the panels lie over the canvas instead of beside it.
 *
 * It composes parts with one job each: the model and view (model.ts), what is
 * drawn (reveal.ts, selection.ts, overview.ts), the layout in a worker
 * (useLayout), React Flow's elements (flowElements.ts), the viewport
 * (useViewport), the address (useGraphRoute) and the exports (useExport).
 */
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { Background, Controls, MiniMap, Panel, ReactFlow, useStore, type Node } from '@xyflow/react';
import type { AuditReport } from 'wimse-ect';
import { Button } from '../../components/Button.tsx';
import { DemoGuide, DemoLedgerButton } from '../../components/DemoLedger.tsx';
import { VisibleText } from '../../components/VisibleText.tsx';
import { useLedgers } from '../../state/ledgers.ts';
import { useVerifierSettings } from '../../state/verifierSettings.ts';
import { CompareBar, CompareMenu } from './Compare.tsx';
import { criticalOf } from './critical.ts';
import { DiffDetail } from './DiffDetail.tsx';
import { flowEdges, flowNodes, focusEdges, focusNodes, focusOf, markCritical } from './flowElements.ts';
import { Legend } from './Legend.tsx';
import { LoadTokens } from './LoadTokens.tsx';
import { Menu } from './Menu.tsx';
import { AUTO_GROUP_THRESHOLD, buildModel, buildView, countVisible, type GraphModel } from './model.ts';
import { edgeTypes, nodeTypes } from './nodes.tsx';
import { viewPlan, type ViewPlan } from './overview.ts';
import { revealNode, selectionOf, visibleFor } from './reveal.ts';
import { Search } from './Search.tsx';
import { SidePanel } from './SidePanel.tsx';
import { useGraphView, type PanelTab } from './store.ts';
import { Summary } from './Summary.tsx';
import { Timeline } from './Timeline.tsx';
import { useCompare } from './useCompare.ts';
import { useExport } from './useExport.ts';
import { useGraphRoute } from './useGraphRoute.ts';
import { useLayout } from './useLayout.ts';
import { useViewport } from './useViewport.ts';
import { ViewControls } from './ViewControls.tsx';
import { violationItems } from './violations.ts';
import { useViolationKeys, useViolationNav, ViolationsPanel, ViolationStepper } from './ViolationsPanel.tsx';

/**
 * Above this many drawn nodes, only those in the viewport are mounted, except zoomed far out
 * (low detail), where nearly all are in view anyway and culling would re-render on every pan frame.
 */
const CULL_ABOVE = 300;
/** Below this zoom, node text is unreadable: nodes become plain status blocks. */
const LOW_DETAIL_ZOOM = 0.35;

const MINIMAP_COLOR: Record<string, string> = {
  valid: '#10b981',
  invalid: '#dc2626',
  tainted: '#f59e0b',
  ghost: '#94a3b8',
  group: '#0284c7',
};
function minimapColor(node: Node): string {
  const d = node.data as { node?: { status: string } };
  return MINIMAP_COLOR[node.type === 'cluster' ? 'group' : (d.node?.status ?? 'valid')] ?? '#94a3b8';
}

const TABS: { tab: PanelTab; label: string }[] = [
  { tab: 'filters', label: 'View' },
  { tab: 'violations', label: 'Violations' },
  { tab: 'legend', label: 'Legend' },
];

export function Explorer({ audit }: { audit: AuditReport }) {
  const clockSkew = useVerifierSettings((s) => s.settings.clockSkew);
  const base = useMemo(() => buildModel(audit, clockSkew), [audit, clockSkew]);
  // Comparing with another ledger: the graph is the two merged (diff.ts).
  const compare = useGraphView((s) => s.compare);
  const currentId = useLedgers((s) => s.currentId);
  const cmp = useCompare(compare, audit, clockSkew);
  const model: GraphModel = cmp.status === 'ready' ? cmp.model : base;
  const comparing = compare !== null;
  const filters = useGraphView((s) => s.filters);
  const query = useGraphView((s) => s.query);
  const grouping = useGraphView((s) => s.grouping);
  const expanded = useGraphView((s) => s.expanded);
  const direction = useGraphView((s) => s.direction);
  const critical = useGraphView((s) => s.critical);
  const selected = useGraphView((s) => s.selected);
  const frame = useGraphView((s) => s.frame);
  const centerTick = useGraphView((s) => s.centerTick);
  const panel = useGraphView((s) => s.panel);
  const timelineOpen = useGraphView((s) => s.timelineOpen);
  const ledgerName = useLedgers((s) => s.ledgers.find((l) => l.id === s.currentId)?.name ?? null);
  // The ledger check's problems (chain, sequence, receipts, checkpoint): each marked on its entry's
  // node; the first is where the ledger stops proving what the graph draws.
  const chainBreak = useLedgers((s) => s.chain?.firstBreak ?? null);
  const problems = useLedgers((s) => s.problems);
  const entries = useLedgers((s) => s.entries);
  const ledgerProblemsAt = useCallback(
    (index: number) =>
      entries.length === audit.nodes.length && entries[index] ? problems.get(entries[index].seq) : undefined,
    [entries, audit, problems],
  );
  const breakIndex = useMemo(() => {
    if (!chainBreak || entries.length !== audit.nodes.length) return -1;
    const guess = chainBreak.seq - 1;
    return entries[guess]?.seq === chainBreak.seq ? guess : entries.findIndex((e) => e.seq >= chainBreak.seq);
  }, [chainBreak, entries, audit]);
  // In a comparison, model indices are not the audit's: no entry to mark.
  const noProblems = useCallback(() => undefined, []);

  // ---- what is drawn: filters and the selection query, then the grouping plan
  const selection = useMemo(() => selectionOf(query), [query]);
  const visible = useMemo(() => visibleFor(model, filters, selection), [model, filters, selection]);
  const visibleCount = useMemo(() => countVisible(visible), [visible]);
  const paths = useMemo(() => (critical ? criticalOf(model) : null), [critical, model]);
  const plan = useMemo(
    () => viewPlan(model, visible, visibleCount, grouping, paths?.nodes ?? null),
    [model, visible, visibleCount, grouping, paths],
  );
  const view = useMemo(
    () => buildView(model, visible, plan.mode, expanded, plan.pinned),
    [model, visible, plan, expanded],
  );

  const { layout, error: layoutError, done: layoutDone } = useLayout(model, view, direction);

  // React Flow's nodes and edges: built once per layout; a selection only re-classes the related ones.
  const onExpand = useCallback((key: string) => useGraphView.getState().expand(key), []);
  const baseNodes = useMemo(
    () =>
      layout
        ? flowNodes(layout, { onExpand, ledgerProblemsAt: comparing ? noProblems : ledgerProblemsAt })
        : [],
    [layout, onExpand, comparing, noProblems, ledgerProblemsAt],
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

  const reveal = useCallback((i: number) => revealNode(model, i), [model]);
  const notice = useGraphRoute(model);
  useEscapeClears();

  // The violations are those of the open ledger (a comparison lists its differences instead).
  const items = useMemo(() => (comparing ? [] : violationItems(audit, base)), [comparing, audit, base]);
  const nav = useViolationNav(model, items);
  useViolationKeys(nav.next, nav.prev);

  const canvasRef = useRef<HTMLDivElement>(null);
  useViewport({ layout, done: layoutDone, selected, frame, centerTick, canvasRef });
  // Zoomed far out, nodes are drawn as plain status blocks (CSS only: no node re-renders).
  const lowDetail = useStore((st) => st.transform[2] < LOW_DETAIL_ZOOM);

  const { exportAs, exporting, error: exportError } = useExport({ audit, model, layout, focus, ledgerName });

  const onCanvasKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    if (!el?.dataset.id) return;
    e.preventDefault();
    useGraphView.getState().select(el.dataset.id);
  };

  const selectedGroup = useMemo(() => {
    if (selected === null || !layout) return null;
    const vi = layout.view.byKey.get(selected);
    const v = vi === undefined ? undefined : layout.view.nodes[vi];
    return v?.kind === 'group' ? v.group : null;
  }, [selected, layout]);
  const detailsOpen = selected !== null && (model.byKey.has(selected) || selectedGroup !== null);
  const setPanel = useGraphView((s) => s.setPanel);

  return (
    <div className="flex h-full min-h-0 flex-col gap-2" data-testid="graph-workspace">
      <div
        className="flex flex-wrap items-center gap-x-3 gap-y-1.5"
        role="toolbar"
        aria-label="Graph workspace"
      >
        <Button
          onClick={() => setPanel(panel ? null : 'filters')}
          aria-expanded={panel !== null}
          aria-controls="graph-panel"
          aria-label={panel ? 'Fold the side panel away' : 'Show the view controls, violations and legend'}
          title={panel ? 'Fold the side panel away' : 'Show the view controls, violations and legend'}
          className="px-2 py-0.5"
        >
          {panel ? '◧' : '☰'}
        </Button>
        <Summary model={model} ledgerName={ledgerName} />
        <Search model={model} onPick={reveal} />
        <ViolationStepper count={items.length} current={nav.current} next={nav.next} prev={nav.prev} />
        <div className="ml-auto flex flex-wrap items-center gap-1">
          <Menu label="Load" title="Add tokens to this ledger, or open the demo ledger">
            <LoadTokens open />
            <DemoLedgerButton />
          </Menu>
          <CompareMenu current={currentId} />
          <Menu label="Export" title="The drawing as PNG or SVG, the audit as a JSON report">
            <div className="flex flex-wrap gap-1">
              <Button disabled={exporting} onClick={() => void exportAs('png')}>
                PNG
              </Button>
              <Button disabled={exporting} onClick={() => void exportAs('svg')}>
                SVG
              </Button>
              <Button disabled={comparing} onClick={() => void exportAs('json')}>
                JSON report
              </Button>
            </div>
            <p className="text-xs text-slate-600 dark:text-slate-400">
              The image is of the view as drawn now (filters, grouping, selection), every node of it.
            </p>
          </Menu>
          <Button
            title="Verify every token again: after adding keys to the trust store or changing the verifier's settings"
            onClick={() =>
              void useLedgers
                .getState()
                .refresh()
                .catch(() => undefined)
            }
            className="px-2 py-0.5 whitespace-nowrap"
          >
            Re-audit
          </Button>
        </div>
      </div>
      {chainBreak && (
        <div
          role="alert"
          data-testid="graph-chain-break"
          className="flex flex-wrap items-center gap-2 rounded-md border border-violet-400 bg-violet-50 px-3 py-1 text-sm text-violet-950 dark:border-violet-700 dark:bg-violet-950/40 dark:text-violet-100"
        >
          <span className="min-w-0 flex-1">
            <strong>
              The ledger check fails at entry #{chainBreak.seq}
              {problems.size > 1 ? ` (and ${problems.size - 1} more)` : ''}:
            </strong>{' '}
            <VisibleText text={chainBreak.message} /> What this graph draws from that entry on is not proven
            by the ledger; every entry with a problem is marked.
          </span>
          {breakIndex >= 0 && (
            <Button onClick={() => reveal(breakIndex)}>Show entry #{entries[breakIndex]!.seq}</Button>
          )}
        </div>
      )}
      {comparing && <CompareBar state={cmp} nameA={ledgerName ?? 'the open ledger'} />}
      {(notice || exportError || layoutError) && (
        <p
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
        >
          {notice ?? exportError ?? layoutError}
        </p>
      )}
      <ViewNote plan={plan} view={view} visibleCount={visibleCount} model={model} query={query} />
      <div className="relative flex min-h-0 flex-1 gap-2">
        {panel && (
          <aside
            id="graph-panel"
            aria-label="View, violations and legend"
            className="absolute inset-y-0 left-0 z-20 flex w-[min(20rem,calc(100%-2.5rem))] flex-col gap-2 overflow-hidden rounded-md border border-slate-200 bg-white p-2 shadow-lg lg:static lg:w-72 lg:shrink-0 lg:shadow-none dark:border-slate-800 dark:bg-slate-900"
          >
            <div className="flex items-center gap-1">
              <div role="tablist" aria-label="Panel" className="flex gap-1">
                {TABS.map(({ tab, label }) => (
                  <button
                    key={tab}
                    type="button"
                    role="tab"
                    id={`graph-tab-${tab}`}
                    aria-selected={panel === tab}
                    aria-controls="graph-tabpanel"
                    onClick={() => setPanel(tab)}
                    className={`rounded-md px-2 py-0.5 text-xs font-medium ${
                      panel === tab
                        ? 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100'
                        : 'text-slate-600 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800'
                    }`}
                  >
                    {label}
                    {tab === 'violations' && ` (${items.length.toLocaleString('en')})`}
                  </button>
                ))}
              </div>
              <button
                type="button"
                onClick={() => setPanel(null)}
                aria-label="Fold the panel away"
                className="ml-auto rounded px-1.5 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800"
              >
                ✕
              </button>
            </div>
            <div
              role="tabpanel"
              id="graph-tabpanel"
              aria-labelledby={`graph-tab-${panel}`}
              className="flex min-h-0 flex-1 flex-col gap-2 overflow-y-auto"
            >
              {panel === 'filters' && (
                <>
                  <DemoGuide />
                  <ViewControls model={model} />
                </>
              )}
              {panel === 'violations' &&
                (comparing ? (
                  <p className="text-sm text-slate-700 dark:text-slate-300">
                    While two ledgers are compared, the graph marks what differs; “Only the differences” in
                    the bar above shows nothing else. Stop comparing to step through this ledger's violations.
                  </p>
                ) : (
                  <ViolationsPanel model={model} items={items} current={nav.current} go={nav.go} />
                ))}
              {panel === 'legend' && <Legend />}
            </div>
          </aside>
        )}
        <div
          ref={canvasRef}
          className={`ect-graph relative min-h-[240px] min-w-0 flex-1 overflow-hidden rounded-md border border-slate-200 dark:border-slate-800 ${
            focus ? 'has-focus' : ''
          } ${lowDetail ? 'lod-low' : ''}`}
          data-testid="graph-canvas"
          data-layout={layoutDone ? 'done' : 'running'}
          data-nodes={layout?.view.nodes.length ?? 0}
          data-layout-ms={layout ? layout.ms.toFixed(1) : ''}
          data-direction={layout?.direction ?? direction}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodeClick={(_, node) => useGraphView.getState().select(node.id)}
            onNodeDoubleClick={(_, node) => {
              if (node.type === 'cluster') onExpand(node.id);
            }}
            onPaneClick={() => useGraphView.getState().select(null)}
            onKeyDown={onCanvasKey}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            onlyRenderVisibleElements={nodes.length > CULL_ABOVE && !lowDetail}
            minZoom={0.02}
            maxZoom={2}
            colorMode="system"
            aria-label="Workflow graph"
          >
            {!lowDetail && <Background gap={24} size={1} />}
            <Controls showInteractive={false} position="top-left" />
            {nodes.length <= 2000 && (
              <MiniMap
                pannable
                zoomable
                nodeColor={minimapColor}
                nodeStrokeWidth={0}
                ariaLabel="Overview of the graph"
                className="max-sm:!hidden"
              />
            )}
            {!layoutDone && (
              <Panel position="top-center">
                <span
                  className="rounded bg-white/90 px-2 py-1 text-xs shadow dark:bg-slate-900/90"
                  aria-live="polite"
                >
                  Laying out {view.nodes.length.toLocaleString('en')} nodes…
                </span>
              </Panel>
            )}
          </ReactFlow>
        </div>
        {detailsOpen && (
          <div className="absolute inset-y-0 right-0 z-30 flex w-full max-w-[28rem] min-w-0 flex-col lg:static lg:w-[420px] lg:shrink-0">
            {cmp.status === 'ready' ? (
              <DiffDetail
                model={model}
                selected={selected}
                names={{ a: ledgerName ?? 'A', b: cmp.name }}
                onClose={() => useGraphView.getState().select(null)}
              />
            ) : (
              <SidePanel
                model={model}
                audit={audit}
                selected={selected}
                group={selectedGroup}
                ledgerProblems={ledgerProblemsAt}
                onPick={reveal}
                onExpand={onExpand}
                onClose={() => useGraphView.getState().select(null)}
              />
            )}
          </div>
        )}
      </div>
      {timelineOpen && (
        <div className="max-h-[32%] shrink-0 overflow-y-auto">
          <Timeline model={model} visible={visible} onPick={reveal} critical={paths?.nodes ?? null} />
        </div>
      )}
      <div className="flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
        <Button
          onClick={() => useGraphView.getState().setTimelineOpen(!timelineOpen)}
          aria-expanded={timelineOpen}
          className="px-2 py-0 text-xs"
        >
          {timelineOpen ? '▾ Hide timeline' : '▴ Timeline'}
        </Button>
        <p className="min-w-0 flex-1 truncate" data-testid="layout-status">
          {layout
            ? `${layout.view.nodes.length.toLocaleString('en')} nodes and ${layout.view.edges.length.toLocaleString(
                'en',
              )} edges laid out in ${layout.ms.toFixed(0)} ms (in a worker)`
            : 'Laying out…'}
          . Drag to pan, scroll to zoom; Tab moves between nodes, Enter selects, Escape clears; n / p step
          through the violations.
        </p>
      </div>
    </div>
  );
}

/** What the view leaves out or folds, in one line. */
function ViewNote({
  plan,
  view,
  visibleCount,
  model,
  query,
}: {
  plan: ViewPlan;
  view: ReturnType<typeof buildView>;
  visibleCount: number;
  model: GraphModel;
  query: string;
}) {
  const groups = view.nodes.filter((v) => v.kind === 'group').length;
  const by = plan.mode === 'iss' ? 'agent' : 'workflow';
  const parts: string[] = [];
  if (view.hidden > 0) {
    parts.push(
      `${view.hidden.toLocaleString('en')} of ${model.nodes.length.toLocaleString('en')} nodes hidden by ${
        query.trim() ? 'the selection and filters' : 'the filters'
      }.`,
    );
  }
  if (plan.mode !== 'none') {
    const pinned = view.nodes.length - groups;
    if (plan.problemsFirst && pinned > 0) {
      parts.push(
        `${visibleCount.toLocaleString('en')} nodes${
          visibleCount > AUTO_GROUP_THRESHOLD
            ? ` (more than ${AUTO_GROUP_THRESHOLD.toLocaleString('en')})`
            : ''
        }, problems first: ${pinned.toLocaleString('en')} drawn one by one (invalid tasks, missing parents and the paths between them), the rest collapsed by ${by} into ${groups} group${
          groups === 1 ? '' : 's'
        }.`,
      );
    } else {
      parts.push(
        `${visibleCount.toLocaleString('en')} nodes collapsed by ${by} into ${groups} group${groups === 1 ? '' : 's'}.`,
      );
    }
    parts.push(
      'Expand a group, or pick a node in the search, the violations or the timeline, to see its tokens.',
    );
  } else if (view.nodes.length > AUTO_GROUP_THRESHOLD) {
    parts.push(
      `${view.nodes.length.toLocaleString('en')} nodes drawn one by one: panning the whole graph will be slow. Group them for an overview.`,
    );
  }
  if (!parts.length) return null;
  return (
    <p
      className="truncate text-xs text-slate-600 hover:whitespace-normal dark:text-slate-400"
      data-testid="graph-view-note"
      title={parts.join(' ')}
    >
      {parts.join(' ')}
    </p>
  );
}

/** Escape clears the selection. */
function useEscapeClears() {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape' && useGraphView.getState().selected !== null)
        useGraphView.getState().select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
